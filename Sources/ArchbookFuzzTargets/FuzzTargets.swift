// What each libFuzzer harness (Fuzz/) does with one input; the crash regression tests call the same functions.

import ArchbookCore

public enum FuzzTargets {
    /// A second document that links to and relates to the fuzzed one, so links, relations and backlinks are exercised.
    static let neighbour = """
    ---
    status: accepted
    supersedes: ADR-0001
    ---
    # 2. Neighbour

    ## Context

    See [the fuzzed one](0001-fuzzed.md#decision) and ADR-1.

    ## Decision

    Keep.

    ## Consequences

    - [ ] Something
    """

    /// One input as a Markdown document: detection, extraction, every check, then the whole site in memory
    /// (bodies, pages through `theme`, the search index). Returns the number of diagnostics, so nothing is optimised away.
    @discardableResult
    public static func document(_ bytes: [UInt8], theme: Theme?) -> Int {
        let tree = InMemoryFileTree(bytes: [
            "decisions/0001-fuzzed.md": bytes,
            "decisions/0002-neighbour.md": Array(neighbour.utf8),
            "decisions/meta.yaml": bytes,
        ])
        var count = 0
        if let detection = try? Detector.detect(tree) {
            count += detection.config.kinds.count
        }
        var config = Config.default
        // Reading the input as a sidecar too sends it through the sidecar path of the YAML reader.
        if let i = config.kinds.firstIndex(where: { $0.name == "decision" }) {
            config.kinds[i].sidecar = Sidecar(file: "meta.yaml", fields: ["title": "title", "status": "status"])
        }
        guard let result = try? Checker.check(tree, config: config) else { return count }
        count += result.diagnostics.count
        if let theme {
            let site = InMemorySite()
            if let summary = try? SiteBuilder.build(result, tree: tree, config: config, theme: theme,
                                                    options: SiteOptions(generator: "fuzz"), sink: site) {
                count += summary.pages
            }
        }
        return count
    }

    /// One input as archbook.yml. Returns 1 when it parsed.
    @discardableResult
    public static func config(_ bytes: [UInt8]) -> Int {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let config = try? Config.parse(text, file: "archbook.yml") else { return 0 }
        // A configuration that parses is used: every kind's ID pattern, sections and paths get to run once.
        let tree = InMemoryFileTree(["decisions/0001-x.md": "# 1. X\n\n## Status\n\nAccepted\n", "README.md": "# Handbook\n"])
        _ = try? Checker.check(tree, config: config)
        return 1
    }

    /// The default theme from its files (paths relative to `themes/default`), or nil when it does not load.
    public static func loadTheme(files: [String: [UInt8]]) -> Theme? {
        try? Theme.load([Theme.Layer(label: "themes/default", tree: InMemoryFileTree(bytes: files))])
    }
}
