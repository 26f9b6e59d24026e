// Markdown files already read and parsed earlier in the same run, handed to a later pass over the same files.

/// Zero-config detection parses a sample of the tree with a catch-all kind; the check that follows
/// would parse those files again. It reads them from here instead: the bytes detection read and
/// their body's tree. Immutable once made, so passes on several threads share it.
public final class ParsedSources: Sendable {
    private let entries: [String: (bytes: [UInt8], tree: MarkdownTree)]
    /// The tree's listing as the earlier pass made it, and the sizes of the Markdown files in it.
    public let listing: FileListing?
    let sizes: [String: Int]

    init(_ entries: [String: (bytes: [UInt8], tree: MarkdownTree)], listing: FileListing? = nil, sizes: [String: Int] = [:]) {
        self.entries = entries
        self.listing = listing
        self.sizes = sizes
    }

    public var count: Int { entries.count }

    /// The bytes read for `path`, if it was parsed.
    public func bytes(_ path: String) -> [UInt8]? {
        entries[path]?.bytes
    }

    /// The tree parsed from `bytes` at `path`; nil when the path was not parsed or its bytes differ
    /// (a tree never stands for text it was not parsed from).
    func tree(_ path: String, bytes: [UInt8]) -> MarkdownTree? {
        guard let entry = entries[path], entry.bytes == bytes else { return nil }
        return entry.tree
    }
}
