// What a check extracted from each file, kept by a long-running process (archbook serve) for the next check.

/// A later check under the same configuration takes a file's document and diagnostics from here when the
/// file's bytes (and its sidecar's) are the ones they were extracted from, instead of parsing it again.
/// Immutable once made, so the check's workers share it.
public final class ExtractionMemo: Sendable {
    struct Entry: Sendable {
        var bytes: [UInt8]
        var sidecar: [UInt8]?
        var document: Document?
        var diagnostics: [Diagnostic]
    }

    /// The configuration's text: a memo made under another configuration is never used.
    let key: String
    let entries: [String: Entry]

    init(key: String, entries: [String: Entry]) {
        self.key = key
        self.entries = entries
    }

    /// What was extracted from exactly these bytes, if they were.
    func entry(_ path: String, bytes: [UInt8], sidecar: [UInt8]?) -> Entry? {
        guard let e = entries[path], e.bytes == bytes, e.sidecar == sidecar else { return nil }
        return e
    }
}
