// What a check extracted from each file, kept by a long-running process (archbook serve) for the next check.

/// A later check under the same configuration takes a file's document and diagnostics from here when the
/// file's bytes (and its sidecar's) are the ones they were extracted from, instead of parsing it again.
/// Immutable once made, so the check's workers share it.
public final class ExtractionMemo: Sendable {
    struct Entry: Sendable {
        /// The file's bytes (nil for an entry read from disk, which has `stored` instead).
        var bytes: [UInt8]?
        var sidecar: [UInt8]?
        var document: Document?
        var diagnostics: [Diagnostic]
        /// Set for an entry read from disk, and kept when it is used: its `encoded` bytes are written again as they are.
        var stored: Stored? = nil
        /// The file's stamp, taken before its bytes were read, when it was settled (`FileStamp`): while the file has
        /// it, the entry stands for the file without reading it.
        var stamp: FileStamp? = nil

        /// The same bytes under `recorded` (touched, copied, checked out again since): an entry read from disk is then
        /// encoded anew, so the memo carries the new stamp.
        mutating func restamp(_ recorded: FileStamp?) {
            let same = stamp.map { old in recorded.map { old.sameFile(as: $0) } ?? false } ?? (recorded == nil)
            guard !same else { return }
            stamp = recorded
            stored = nil
        }
    }

    /// What an entry read from disk was made from: the file's size and hash, its sidecar's (size -1: none), and
    /// where in the file the document's body starts (the document read from disk has no bytes of its own).
    struct Stored: Sendable {
        /// The entry as the file held it.
        var encoded: ArraySlice<UInt8>
        var size: Int
        var hash: UInt64
        var sidecarSize: Int
        var sidecarHash: UInt64
        var bodyStart: Int
    }

    /// What was extracted from the file at `path`, when it still has the settled stamp it had when it was read
    /// (files with a sidecar are always read: their sidecar has no stamp here). The document's body is the bytes
    /// kept in memory (archbook serve); for an entry read from disk it is left unread (`SourceFile.unread`).
    func entry(_ path: String, stamp: FileStamp) -> Entry? {
        guard stamp.settled, var e = entries[path], e.sidecar == nil, let recorded = e.stamp, recorded.sameFile(as: stamp) else {
            return nil
        }
        if e.bytes != nil { return e }
        guard let s = e.stored, s.sidecarSize == -1, s.size == stamp.size else { return nil }
        e.document?.body = []
        e.document?.source = SourceFile(size: s.size, hash: s.hash, start: s.bodyStart, unread: true)
        return e
    }

    /// The configuration's text: a memo made under another configuration is never used.
    let key: String
    let entries: [String: Entry]

    /// A memo with nothing in it, for a first run that is to make one.
    public static func empty(key: String) -> ExtractionMemo { ExtractionMemo(key: key, entries: [:]) }

    init(key: String, entries: [String: Entry]) {
        self.key = key
        self.entries = entries
    }

    /// What was extracted from exactly these bytes, if they were. `hash`: `StableHash.of(bytes)`, when known.
    func entry(_ path: String, bytes: [UInt8], hash: UInt64? = nil, sidecar: [UInt8]?) -> Entry? {
        guard var e = entries[path] else { return nil }
        if let kept = e.bytes {
            guard Bytes.same(kept[...], bytes[...]), e.sidecar == sidecar else { return nil }
            return e
        }
        guard let s = e.stored, s.size == bytes.count, s.bodyStart <= bytes.count, s.hash == hash ?? StableHash.of(bytes) else { return nil }
        if let sidecar {
            guard s.sidecarSize == sidecar.count, s.sidecarHash == StableHash.of(sidecar) else { return nil }
        } else {
            guard s.sidecarSize == -1 else { return nil }
        }
        e.bytes = bytes
        e.sidecar = sidecar
        e.document?.body = bytes[s.bodyStart...]
        e.document?.source = SourceFile(size: s.size, hash: s.hash, start: s.bodyStart)
        return e
    }
}
