// Markdown files already read and parsed earlier in the same run, handed to a later pass over the same files.

/// Zero-config detection parses a sample of the tree with a catch-all kind; the check that follows
/// would parse those files again. It reads them from here instead: the bytes detection read, their
/// body's tree and what extraction read from the tree whatever the kind. Immutable once made, so
/// passes on several threads share it.
public final class ParsedSources: Sendable {
    /// A front matter text as YAMLReader read it, with the node budget it was read under.
    typealias YAMLRead = (text: String, budget: Int, result: Result<YAMLValue?, YAMLParseError>)
    typealias Entry = (bytes: [UInt8], tree: MarkdownTree, facts: TreeFacts)
    private let entries: [String: Entry]
    private let yaml: [String: YAMLRead]
    /// The tree's listing as the earlier pass made it, and the sizes and stamps of the Markdown files in it (taken
    /// before any of them was read).
    public let listing: FileListing?
    let sizes: [String: Int]
    let stamps: [String: FileStamp]

    init(_ entries: [String: Entry], yaml: [String: YAMLRead] = [:],
         listing: FileListing? = nil, sizes: [String: Int] = [:], stamps: [String: FileStamp] = [:]) {
        self.entries = entries
        self.yaml = yaml
        self.listing = listing
        self.sizes = sizes
        self.stamps = stamps
    }

    /// The bytes read for `path`, if it was parsed.
    public func bytes(_ path: String) -> [UInt8]? {
        entries[path]?.bytes
    }

    /// The tree parsed from `bytes` at `path` and what was read from it; nil when the path was not parsed
    /// or its bytes differ (a tree never stands for text it was not parsed from).
    func tree(_ path: String, bytes: [UInt8]) -> (MarkdownTree, TreeFacts)? {
        guard let entry = entries[path], Bytes.same(entry.bytes[...], bytes[...]) else { return nil }
        return (entry.tree, entry.facts)
    }

    /// The front matter of `path` as read before, if it was the same text read under the same budget.
    func yaml(_ path: String, text: String, budget: Int) -> Result<YAMLValue?, YAMLParseError>? {
        guard let read = yaml[path], read.budget == budget, read.text == text else { return nil }
        return read.result
    }
}
