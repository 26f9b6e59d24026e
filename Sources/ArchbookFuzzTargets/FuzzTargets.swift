// What each libFuzzer harness (Fuzz/) does with one input; the crash regression tests call the same functions.

import ArchbookCore

public enum FuzzTargets {
    /// A second document that links to and relates to the fuzzed one, so links, relations and backlinks are exercised,
    /// and links to the input as an SVG and as a file of unknown type, so the scan for active content reads it too.
    static let neighbour = """
    ---
    status: accepted
    supersedes: ADR-0001
    ---
    # 2. Neighbour

    ## Context

    See [the fuzzed one](0001-fuzzed.md#decision) and ADR-1, ![its drawing](img/fuzzed.svg) and [its map](fuzzed.kml).

    ## Decision

    Keep.

    ## Consequences

    - [ ] Something
    """

    /// The tree a document input is read in: next to a neighbour that links to it, as its own sidecar, and as the
    /// neighbour's linked files.
    static func tree(_ bytes: [UInt8]) -> InMemoryFileTree {
        InMemoryFileTree(bytes: [
            "decisions/0001-fuzzed.md": bytes,
            "decisions/0002-neighbour.md": Array(neighbour.utf8),
            "decisions/meta.yaml": bytes,
            "decisions/img/fuzzed.svg": bytes,
            "decisions/fuzzed.kml": bytes,
        ])
    }

    /// The default configuration, with a sidecar for decisions so the input is also read as one.
    static let config: Config = {
        var config = Config.default
        if let i = config.kinds.firstIndex(where: { $0.name == "decision" }) {
            config.kinds[i].sidecar = Sidecar(file: "meta.yaml", fields: ["title": "title", "status": "status"])
        }
        return config
    }()

    /// One input as a Markdown document: detection, front matter, extraction and every check.
    /// Returns a count of what was found, so nothing is optimised away.
    @discardableResult
    public static func document(_ bytes: [UInt8]) -> Int {
        let tree = tree(bytes)
        var count = 0
        if let detection = try? Detector.detect(tree) { count += detection.config.kinds.count }
        if let result = try? Checker.check(tree, config: config) { count += result.diagnostics.count }
        return count
    }

    /// One input as a document of a site built in memory: bodies, links, pages through `theme`, the search index.
    @discardableResult
    public static func site(_ bytes: [UInt8], theme: Theme) -> Int {
        let tree = tree(bytes)
        guard let result = try? Checker.check(tree, config: config) else { return 0 }
        let site = InMemorySite()
        let summary = try? SiteBuilder.build(result, tree: tree, config: config, theme: theme,
                                             options: SiteOptions(generator: "fuzz"), sink: site)
        return summary?.pages ?? 0
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
