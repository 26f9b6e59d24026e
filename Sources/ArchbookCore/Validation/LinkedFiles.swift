// The local files documents link to (images, attachments): which of them the site publishes, decided by the check
// so that `check` and `build` report the same diagnostics and the build copies only what the check allowed.

/// One link from a document to a local file that is not a document.
struct FileUse: Sendable {
    var document: Int
    /// The file, relative to the docs root.
    var path: String
    /// The link's path as the document writes it, for messages.
    var written: String
    var link: Link
}

public struct LinkedFiles: Sendable, Equatable {
    /// Linked files the site copies, relative to the docs root.
    public var published: Set<String> = []
    /// Linked files it does not copy, with why, as it follows "linked file 'x'" in a message.
    public var refused: [String: String] = [:]

    public init(published: Set<String> = [], refused: [String: String] = [:]) {
        self.published = published
        self.refused = refused
    }
}

extension LinkedFiles {
    /// What one file is, before the total is counted.
    enum Verdict: Sendable {
        case publish(size: Int)
        case refuse(Rule, finding: String, hint: String)
    }

    static let optIn = "set `site: publish-active-files: true` in archbook.yml to publish such files as they are"

    /// Decides every linked file in path order and reports each refused one at every link to it. Reads a file only
    /// when its type needs a scan (SVG, unknown types) or the tree cannot tell its size, and never more than
    /// `limits.max-asset-bytes` of it.
    static func assess(_ uses: [FileUse], documents: [Document], tree: some FileTree, config: Config) -> (LinkedFiles, [Diagnostic]) {
        guard !uses.isEmpty else { return (LinkedFiles(), []) }
        let paths = Array(Set(uses.map(\.path))).sorted()
        let limits = config.limits
        let own = Checker.parallelMap(paths) { verdict(for: $0, tree: tree, config: config) }
        var result = LinkedFiles()
        var why: [String: (Rule, String, String)] = [:]
        var total = 0
        // The total counts in path order, so the same tree always names the same files.
        for (k, path) in paths.enumerated() {
            switch own[k] {
            case .publish(let size):
                if total + size > limits.maxTotalAssetBytes {
                    let finding = "is \(size) bytes, and with the \(total) bytes of the linked files published before it in path order that makes \(total + size), over the limit of \(limits.maxTotalAssetBytes) (limits.max-total-asset-bytes)"
                    why[path] = (Rules.resourceLimit, finding,
                                 "Link to large files where they are hosted, or raise `max-total-asset-bytes` under `limits:` in archbook.yml.")
                    result.refused[path] = finding
                } else {
                    total += size
                    result.published.insert(path)
                }
            case .refuse(let rule, let finding, let hint):
                why[path] = (rule, finding, hint)
                result.refused[path] = finding
            }
        }
        var diagnostics: [Diagnostic] = []
        for use in uses {
            guard let (rule, finding, hint) = why[use.path] else { continue }
            let f = Finding(rule: rule, position: use.link.position,
                            message: "linked file '\(use.written)' \(finding); it was not published", hint: hint)
            let doc = documents[use.document]
            if let d = f.diagnostic(file: doc.path, kind: doc.kind, config: config) { diagnostics.append(d) }
        }
        return (result, diagnostics)
    }

    static func verdict(for path: String, tree: some FileTree, config: Config) -> Verdict {
        let limits = config.limits
        let type = ActiveContent.fileType(of: path)
        let checks = !config.site.publishActiveFiles
        if checks, case .document(let what) = type {
            return .refuse(Rules.activeFile, finding: "is \(what)",
                           hint: "Link to the file where it is hosted (an https: URL), or convert it to Markdown or PDF; or \(optIn).")
        }
        let tooLarge = { (size: Int?) -> Verdict in
            .refuse(Rules.resourceLimit,
                    finding: "is \(size.map { "\($0) bytes" } ?? "larger than \(limits.maxAssetBytes) bytes"), over the limit of \(limits.maxAssetBytes) (limits.max-asset-bytes)",
                    hint: "Shrink the file or link to it where it is hosted, or raise `max-asset-bytes` under `limits:` in archbook.yml.")
        }
        let size = tree.size(path)
        if let size, size > limits.maxAssetBytes { return tooLarge(size) }
        let scans = checks && (type == .svg || type == .unknown)
        if let size, !scans || type == .unknown && !startsLikeMarkup(path, tree: tree) { return .publish(size: size) }
        let bytes: [UInt8]
        do {
            bytes = try tree.read(path, maxBytes: limits.maxAssetBytes)
        } catch {
            return .refuse(Rules.unreadableFile, finding: "cannot be read (\(error.message))", hint: Rules.unreadableFile.help)
        }
        if bytes.count > limits.maxAssetBytes { return tooLarge(nil) }
        if checks, let hit = activeContent(bytes, type: type) {
            return .refuse(Rules.activeFile, finding: "\(hit.finding) on line \(hit.line)", hint: "\(hit.fix), or \(optIn).")
        }
        return .publish(size: bytes.count)
    }

    /// What makes a file of this type active, for the types decided by reading them: an SVG, or a file of unknown
    /// type that starts like markup. nil for every other file (documents are refused by name, inert types never read).
    static func activeContent(_ bytes: [UInt8], type: ActiveContent.FileType) -> ActiveContent.Hit? {
        switch type {
        case .svg: return ActiveContent.scan(bytes)
        case .unknown: return ActiveContent.looksLikeMarkup(bytes) ? ActiveContent.scan(bytes) : nil
        case .document, .inert: return nil
        }
    }

    /// Whether a file of unknown type starts like markup, from its first bytes only (most such files are binary).
    static func startsLikeMarkup(_ path: String, tree: some FileTree) -> Bool {
        // A read error here is left to the full read, which reports it.
        guard let head = try? tree.read(path, maxBytes: 1024) else { return true }
        return ActiveContent.looksLikeMarkup(head)
    }

    /// Whether bytes the build is about to copy are still what the check published: within the limit and, when the
    /// type needs it, without active content. A file changed in between is not copied unchecked.
    static func mayCopy(_ path: String, _ bytes: [UInt8], config: Config) -> Bool {
        guard bytes.count <= config.limits.maxAssetBytes else { return false }
        if config.site.publishActiveFiles { return true }
        let type = ActiveContent.fileType(of: path)
        if case .document = type { return false }
        return activeContent(bytes, type: type) == nil
    }
}
