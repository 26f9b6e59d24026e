// Which linked files the check lets the site publish, in memory: the size limits (one file, and all of them in path
// order), one diagnostic per link, and a build that will not copy a file changed since the check.

import XCTest
@testable import ArchbookCore

final class LinkedFilesTests: XCTestCase {
    static func decision(_ context: String) -> String {
        "# 1. Use files\n\n## Status\n\nAccepted\n\n## Context\n\n\(context)\n\n## Decision\n\nx\n\n## Consequences\n\ny\n"
    }

    func lines(_ result: CheckResult) -> [String] {
        result.diagnostics.map { "\($0.file):\($0.position.line):\($0.position.column): \($0.severity.rawValue): \($0.message) [\($0.rule)]" }
    }

    func limits(asset: Int, total: Int) throws -> Config {
        try Config.parse("limits:\n  max-asset-bytes: \(asset)\n  max-total-asset-bytes: \(total)\n", file: "archbook.yml")
    }

    func testFilesOverTheLimitsAreNotPublished() throws {
        let tree = InMemoryFileTree([
            "adr/0001-use-files.md": Self.decision("[a](a.csv) [b](b.csv) [c](c.csv) [d](d.csv) [big](big.bin) [a again](./a.csv)"),
            "adr/a.csv": String(repeating: "a", count: 400),
            "adr/b.csv": String(repeating: "b", count: 500),
            "adr/big.bin": String(repeating: "x", count: 1001),
            "adr/c.csv": String(repeating: "c", count: 300),
            "adr/d.csv": String(repeating: "d", count: 100),
        ])
        let result = try Checker.check(tree, config: try limits(asset: 1000, total: 1000))
        // In path order: a (400) and b (900 in all) fit, big is over the limit of one file, c would make 1200,
        // and d, smaller, still fits.
        XCTAssertEqual(lines(result), [
            "adr/0001-use-files.md:9:23: error: linked file 'c.csv' is 300 bytes, and with the 900 bytes of the linked files published before it in path order that makes 1200, over the limit of 1000 (limits.max-total-asset-bytes); it was not published [resource-limit]",
            "adr/0001-use-files.md:9:45: error: linked file 'big.bin' is 1001 bytes, over the limit of 1000 (limits.max-asset-bytes); it was not published [resource-limit]",
        ])
        XCTAssertEqual(result.linkedFiles.published, ["adr/a.csv", "adr/b.csv", "adr/d.csv"])
        XCTAssertEqual(result.diagnostics.map(\.hint), [
            "Link to large files where they are hosted, or raise `max-total-asset-bytes` under `limits:` in archbook.yml.",
            "Shrink the file or link to it where it is hosted, or raise `max-asset-bytes` under `limits:` in archbook.yml.",
        ])
        let site = InMemorySite()
        _ = try SiteBuilder.build(result, tree: tree, config: try limits(asset: 1000, total: 1000), theme: try Self.theme(),
                                  options: SiteOptions(generator: "t", search: nil), sink: site)
        XCTAssertEqual(site.files.keys.filter { !$0.hasSuffix(".html") && !$0.hasPrefix("assets/") && $0 != "feed.xml" }.sorted(),
                       ["adr/a.csv", "adr/b.csv", "adr/d.csv"])
        XCTAssertTrue(site.text("adr/0001-use-files.html")!.contains(
            #"<a class="broken-link" title="Not published: &#39;big.bin&#39; is 1001 bytes, over the limit of 1000 (limits.max-asset-bytes)">big</a>"#))
    }

    func testEveryLinkToARefusedFileIsReportedAlsoInTemplates() throws {
        let tree = InMemoryFileTree([
            "adr/0001-use-files.md": Self.decision("![one](x.svg) and ![two](x.svg#top)"),
            "adr/template.md": Self.decision("![example](x.svg)"),
            "adr/x.svg": "<svg><script>alert(1)</script></svg>",
        ])
        let result = try Checker.check(tree, config: .default)
        XCTAssertEqual(lines(result), [
            "adr/0001-use-files.md:9:1: warning: linked file 'x.svg' contains <script> on line 1; it was not published [active-file]",
            "adr/0001-use-files.md:9:19: warning: linked file 'x.svg' contains <script> on line 1; it was not published [active-file]",
            "adr/template.md:9:1: warning: linked file 'x.svg' contains <script> on line 1; it was not published [active-file]",
        ])
        var off = Config.default
        off.ruleSeverities["active-file"] = .some(nil)
        let quiet = try Checker.check(tree, config: off)
        XCTAssertEqual(lines(quiet), [], "the rule can be turned off")
        XCTAssertEqual(quiet.linkedFiles.published, [], "but turning it off does not publish the file")
        XCTAssertEqual(try Checker.check(tree, config: .default, linkedFiles: false).diagnostics, [])
    }

    /// A file that changes between the check and the copy (`archbook serve` rebuilding while it is saved) is not
    /// copied unchecked: the build fails and names it.
    func testTheBuildRefusesAFileThatChangedSinceTheCheck() throws {
        let doc = Self.decision("![d](d.svg)")
        let before = InMemoryFileTree(["adr/0001-use-files.md": doc, "adr/d.svg": "<svg><rect/></svg>"])
        let after = InMemoryFileTree(["adr/0001-use-files.md": doc, "adr/d.svg": "<svg onload=\"alert(1)\"><rect/></svg>"])
        let result = try Checker.check(before, config: .default)
        XCTAssertEqual(result.linkedFiles.published, ["adr/d.svg"])
        XCTAssertThrowsError(try SiteBuilder.build(result, tree: after, config: .default, theme: try Self.theme(),
                                                   options: SiteOptions(generator: "t", search: nil), sink: InMemorySite())) {
            XCTAssertEqual(($0 as? FileTreeError)?.description,
                           "adr/d.svg: changed while the site was built (it is now over a limit or has active content); build again")
        }
    }

    func testPublishActiveFilesIsASiteSetting() throws {
        XCTAssertTrue(try Config.parse("site:\n  publish-active-files: true\n", file: "archbook.yml").site.publishActiveFiles)
        XCTAssertFalse(Config.default.site.publishActiveFiles)
        XCTAssertThrowsError(try Config.parse("site:\n  publish-active-file: true\n", file: "archbook.yml")) {
            XCTAssertEqual(($0 as? ConfigError)?.description,
                           "archbook.yml:2:3: unknown site setting 'publish-active-file' (expected title, base-url, theme, raw-html, publish-active-files or search)")
        }
    }

    static func theme() throws -> Theme { try BadInputTests.theme() }
}
