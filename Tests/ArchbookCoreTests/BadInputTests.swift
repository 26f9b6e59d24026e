// Broken and hostile documents in memory: each gives its exact diagnostics and exit code, in bounded time, and never crashes.

import ArchbookFuzzTargets
import Foundation
import XCTest
@testable import ArchbookCore

final class BadInputTests: XCTestCase {
    /// A decision with every required section, so a case reports only what it is about.
    static func decision(_ n: Int, _ title: String, context: String = "We need it.", decision: String = "We do it.") -> String {
        "# \(n). \(title)\n\n## Status\n\nAccepted\n\n## Context\n\n\(context)\n\n## Decision\n\n\(decision)\n\n## Consequences\n\nFine.\n"
    }

    struct Outcome {
        var lines: [String]
        /// What `archbook check` exits with for these diagnostics.
        var exitCode: Int
        var result: CheckResult
    }

    /// Checks a tree and renders each diagnostic as the quiet text report does.
    func check(_ files: [String: [UInt8]], config: Config = .default, within seconds: Double = 10,
               file: StaticString = #filePath, line: UInt = #line) throws -> Outcome {
        let start = Date()
        let result = try Checker.check(InMemoryFileTree(bytes: files), config: config)
        XCTAssertLessThan(Date().timeIntervalSince(start), seconds, "check took too long", file: file, line: line)
        let lines = result.diagnostics.map {
            "\($0.file):\($0.position.line):\($0.position.column): \($0.severity.rawValue): \($0.message) [\($0.rule)]"
        }
        return Outcome(lines: lines, exitCode: result.summary.errors > 0 ? 1 : 0, result: result)
    }

    func check(_ files: [String: String], config: Config = .default, within seconds: Double = 10,
               file: StaticString = #filePath, line: UInt = #line) throws -> Outcome {
        try check(files.mapValues { Array($0.utf8) }, config: config, within: seconds, file: file, line: line)
    }

    /// The whole site renders too, in bounded time.
    func buildSite(_ files: [String: String], within seconds: Double = 15, file: StaticString = #filePath, line: UInt = #line) throws -> InMemorySite {
        let start = Date()
        let tree = InMemoryFileTree(files)
        let result = try Checker.check(tree, config: .default)
        let site = InMemorySite()
        _ = try SiteBuilder.build(result, tree: tree, config: .default, theme: try Self.theme(), options: SiteOptions(generator: "t"), sink: site)
        XCTAssertLessThan(Date().timeIntervalSince(start), seconds, "build took too long", file: file, line: line)
        return site
    }

    static func theme() throws -> Theme {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("themes/default")
        var files: [String: [UInt8]] = [:]
        for case let path as String in FileManager.default.enumerator(atPath: dir.path)?.allObjects ?? [] {
            if let data = FileManager.default.contents(atPath: dir.appendingPathComponent(path).path) { files[path] = Array(data) }
        }
        return try XCTUnwrap(FuzzTargets.loadTheme(files: files))
    }

    // MARK: - Empty, encoding and line endings

    func testEmptyFile() throws {
        let o = try check(["decisions/0001-empty.md": ""])
        XCTAssertEqual(o.lines, [
            "decisions/0001-empty.md:1:1: error: decision is missing the required section 'Consequences' [missing-section]",
            "decisions/0001-empty.md:1:1: error: decision is missing the required section 'Context' [missing-section]",
            "decisions/0001-empty.md:1:1: error: decision is missing the required section 'Decision' [missing-section]",
            "decisions/0001-empty.md:1:1: error: decision has no status [missing-status]",
            "decisions/0001-empty.md:1:1: warning: document has no title [missing-title]",
        ])
        XCTAssertEqual(o.exitCode, 1)
        // Outside every kind, an empty file is a plain page with nothing to report.
        XCTAssertEqual(try check(["notes/empty.md": ""]).lines, [])
    }

    func testInvalidUTF8IsReportedAndReplaced() throws {
        var bytes = Array(Self.decision(1, "Bytes").utf8)
        bytes.replaceSubrange(bytes.indices.last! - 1..<bytes.indices.last!, with: [0xFF, 0xC3, 0x28])
        let o = try check(["decisions/0001-bytes.md": bytes])
        XCTAssertEqual(o.lines, ["decisions/0001-bytes.md:17:1: warning: file is not valid UTF-8 (line 17) [invalid-utf8]"])
        XCTAssertEqual(o.exitCode, 0)
    }

    func testNULBytes() throws {
        let o = try check(["decisions/0001-nul.md": Self.decision(1, "NUL", context: "We\u{0}need\u{0}it.")])
        XCTAssertEqual(o.lines, ["decisions/0001-nul.md:9:1: warning: file contains NUL bytes (line 9) [nul-byte]"])
        XCTAssertEqual(o.exitCode, 0)
        let page = try XCTUnwrap(try buildSite(["decisions/0001-nul.md": Self.decision(1, "NUL", context: "We\u{0}need it.")])
            .text("decisions/0001-nul.html"))
        XCTAssertFalse(page.contains("\u{0}"), "NUL never reaches the HTML")
        XCTAssertTrue(page.contains("We\u{FFFD}need it."))
    }

    func testByteOrderMarkBeforeFrontMatter() throws {
        let text = "\u{FEFF}---\nstatus: accepted\n---\n" + Self.decision(1, "BOM").replacingOccurrences(of: "## Status\n\nAccepted\n\n", with: "")
        let o = try check(["decisions/0001-bom.md": text])
        XCTAssertEqual(o.lines, [])
        XCTAssertEqual(o.result.documents.first?.status?.value, "accepted")
    }

    /// Positions count lines the same with LF, CRLF and lone CR.
    func testCRLFAndLoneCR() throws {
        let text = Self.decision(1, "Ends", decision: "[gone](gone.md)")
        for (name, ending) in [("lf", "\n"), ("crlf", "\r\n"), ("cr", "\r")] {
            let o = try check(["decisions/0001-\(name).md": text.replacingOccurrences(of: "\n", with: ending)])
            XCTAssertEqual(o.lines, ["decisions/0001-\(name).md:13:1: error: link target 'gone.md' does not exist [broken-link]"], name)
            XCTAssertEqual(o.exitCode, 1)
        }
    }

    // MARK: - Size and depth

    /// A 50 MB document is over the default limit: reported by size, never parsed.
    func testFiftyMegabyteDocument() throws {
        let big = [UInt8](repeating: UInt8(ascii: "a"), count: 50 * 1024 * 1024)
        let o = try check(["decisions/0001-big.md": big, "decisions/0002-fine.md": Array(Self.decision(2, "Fine").utf8)], within: 5)
        XCTAssertEqual(o.lines, ["decisions/0001-big.md:1:1: error: file is 52428800 bytes, over the limit of 10485760 (limits.max-file-bytes); it was not read [resource-limit]"])
        XCTAssertEqual(o.exitCode, 1)
        XCTAssertEqual(o.result.documents.map(\.path), ["decisions/0002-fine.md"])
        XCTAssertEqual(o.result.fileCount, 2)
    }

    func testOneMegabyteLine() throws {
        let line = String(repeating: "word ", count: 200_000)
        let o = try check(["decisions/0001-line.md": Self.decision(1, "Line", context: line)])
        XCTAssertEqual(o.lines, [])
        let site = try buildSite(["decisions/0001-line.md": Self.decision(1, "Line", context: line)])
        XCTAssertGreaterThan(site.files["decisions/0001-line.html"]?.count ?? 0, 1_000_000)
    }

    /// 10,000 levels of lists, ordered lists and block quotes: parsed, checked and rendered without exhausting the stack.
    func testTenThousandNestingLevels() throws {
        let files = [
            "decisions/0001-lists.md": Self.decision(1, "Lists", context: String(repeating: "- ", count: 10_000) + "deep"),
            "decisions/0002-ordered.md": Self.decision(2, "Ordered", context: String(repeating: "1. ", count: 10_000) + "deep"),
            "decisions/0003-quotes.md": Self.decision(3, "Quotes", context: String(repeating: "> ", count: 10_000) + "deep"),
            "decisions/0004-emphasis.md": Self.decision(4, "Brackets", context: String(repeating: "[*_", count: 10_000) + "deep"),
        ]
        XCTAssertEqual(try check(files).lines, [])
        let site = try buildSite(files)
        let page = try XCTUnwrap(site.text("decisions/0003-quotes.html"))
        XCTAssertEqual(page.components(separatedBy: "<blockquote>").count - 1, 10_000)
    }

    // MARK: - Front matter

    func testFrontMatterNotClosed() throws {
        let o = try check(["decisions/0001-open.md": "---\nstatus: accepted\n" + Self.decision(1, "Open")])
        XCTAssertEqual(o.lines, ["decisions/0001-open.md:1:1: error: front matter opened on line 1 is never closed [invalid-front-matter]"])
        XCTAssertEqual(o.exitCode, 1)
    }

    func testFrontMatterOfTheWrongTypes() throws {
        let o = try check(["decisions/0001-types.md": "---\nstatus: [accepted]\ndate: {y: 2024}\ntags: {a: b}\nsupersedes: {a: b}\ntitle: [a, b]\n---\n" + Self.decision(1, "Types")])
        XCTAssertEqual(o.lines, [
            "decisions/0001-types.md:2:9: error: front matter 'status' should be a single value, not a list [invalid-front-matter]",
            "decisions/0001-types.md:3:7: error: front matter 'date' should be a single value, not a mapping [invalid-front-matter]",
            "decisions/0001-types.md:4:7: error: front matter 'tags' should be a list of names, not a mapping [invalid-front-matter]",
            "decisions/0001-types.md:5:13: error: front matter 'supersedes' should be an ID or a list of IDs, not a mapping [invalid-front-matter]",
            "decisions/0001-types.md:6:8: error: front matter 'title' should be a single value, not a list [invalid-front-matter]",
        ])
        XCTAssertEqual(o.exitCode, 1)
        let scalar = try check(["decisions/0001-list.md": "---\n- a\n- b\n---\n" + Self.decision(1, "List")])
        XCTAssertEqual(scalar.lines, ["decisions/0001-list.md:2:1: error: front matter is a list, not a mapping of keys to values [invalid-front-matter]"])
    }

    func testImpossibleDates() throws {
        let o = try check([
            "decisions/0001-leap.md": "---\ndate: 2023-02-29\n---\n" + Self.decision(1, "Leap"),
            "decisions/0002-month.md": "---\ndate: 2024-13-01\n---\n" + Self.decision(2, "Month"),
        ])
        XCTAssertEqual(o.lines.count, 2, o.lines.joined(separator: "\n"))
        XCTAssertEqual(o.lines.first, "decisions/0001-leap.md:2:7: error: date '2023-02-29' is not a valid date: day 29 does not exist in February 2023 [invalid-date]")
        XCTAssertTrue(o.lines.last?.hasPrefix("decisions/0002-month.md:2:7: error: date '2024-13-01' is not a valid date") == true, o.lines.last ?? "")
        XCTAssertEqual(o.exitCode, 1)
    }

    func testDuplicateKeys() throws {
        let o = try check(["decisions/0001-dup.md": "---\nstatus: accepted\nstatus: rejected\n---\n" + Self.decision(1, "Dup")])
        XCTAssertEqual(o.lines, ["decisions/0001-dup.md:3:1: error: invalid YAML in front matter: duplicate key 'status' [invalid-front-matter]"])
        XCTAssertEqual(o.exitCode, 1)
    }

    /// Nine anchors of nine aliases each would stand for 387 million values: refused before Yams composes them,
    /// as values and as mapping keys (which Yams hashes in full to find duplicates: that hung before).
    func testBillionLaughs() throws {
        var laughs = "lol0: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            laughs += "lol\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]\n"
            previous = name
        }
        let values = try check(["decisions/0001-laughs.md": "---\n" + laughs + "---\n" + Self.decision(1, "Laughs")], within: 2)
        XCTAssertEqual(values.lines, ["decisions/0001-laughs.md:7:11: error: front matter expands to more than 100000 values through its aliases (limits.max-yaml-nodes); it was not read [resource-limit]"])
        XCTAssertEqual(values.exitCode, 1)
        // Small enough to be values, but hashed in full as keys.
        let keys = "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\n"
            + (0..<200).map { "? [*c, \($0)]\n: v\n" }.joined()
        let hashed = try check(["decisions/0001-keys.md": "---\n" + keys + "---\n" + Self.decision(1, "Keys")], within: 2)
        XCTAssertEqual(hashed.lines.count, 1, hashed.lines.joined(separator: "\n"))
        XCTAssertTrue(hashed.lines[0].contains("error: front matter expands to more than 100000 values through its aliases (limits.max-yaml-nodes)"), hashed.lines[0])
        // A lower limit in archbook.yml applies to a few aliases too; sidecars get the same treatment.
        var config = Config.default
        config.limits.maxYAMLNodes = 20
        let few = try check(["decisions/0001-few.md": "---\na: &a [1, 2, 3, 4, 5]\nb: [*a, *a, *a, *a]\n---\n" + Self.decision(1, "Few")], config: config)
        XCTAssertEqual(few.lines, ["decisions/0001-few.md:3:9: error: front matter expands to more than 20 values through its aliases (limits.max-yaml-nodes); it was not read [resource-limit]"])
    }

    func testDeeplyNestedAndOversizedFrontMatter() throws {
        let deep = try check(["decisions/0001-deep.md": "---\ntitle: " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "\n---\n" + Self.decision(1, "Deep")])
        XCTAssertEqual(deep.lines, ["decisions/0001-deep.md:2:9: error: invalid YAML in front matter: YAML nests deeper than 1000 levels (while parsing at line 2) [invalid-front-matter]"])
        let big = try check(["decisions/0001-big.md": "---\nnotes: \"" + String(repeating: "x", count: 70_000) + "\"\n---\n" + Self.decision(1, "Big")])
        XCTAssertEqual(big.lines, ["decisions/0001-big.md:2:1: error: front matter is 70010 bytes, over the limit of 65536 (limits.max-front-matter-bytes); it was not read [resource-limit]"])
        XCTAssertEqual(big.exitCode, 1)
    }

    // MARK: - Relations

    func testRelationCyclesOfLengthOneAndFifty() throws {
        let one = try check(["decisions/0001-self.md": "---\nsupersedes: ADR-0001\nsuperseded-by: ADR-0001\n---\n" + Self.decision(1, "Self")])
        XCTAssertEqual(one.lines, ["decisions/0001-self.md:2:13: error: supersedes relations form a cycle: ADR-0001 → ADR-0001 [relation-cycle]"])
        XCTAssertEqual(one.exitCode, 1)
        var files: [String: String] = [:]
        for i in 1...50 {
            let next = i % 50 + 1, previous = (i + 48) % 50 + 1
            files[String(format: "decisions/%04d-step.md", i)] = String(format: "---\nsupersedes: ADR-%04d\nsuperseded-by: ADR-%04d\n---\n", next, previous) + Self.decision(i, "Step")
        }
        let fifty = try check(files, within: 5)
        XCTAssertEqual(fifty.lines.count, 1, fifty.lines.joined(separator: "\n"))
        let chain = (1...50).map { String(format: "ADR-%04d", $0) }.joined(separator: " → ") + " → ADR-0001"
        XCTAssertEqual(fifty.lines.first, "decisions/0001-step.md:2:13: error: supersedes relations form a cycle: \(chain) [relation-cycle]")
        XCTAssertEqual(fifty.exitCode, 1)
    }

    // MARK: - Paths and limits on the tree

    func testUnsafePathsAndCaseCollisions() throws {
        let o = try check([
            "decisions/0001-fine.md": Self.decision(1, "Fine"),
            "../up.md": "# Up\n",
            "notes/a\u{1B}[31mred.md": "# Red\n",
            "notes/Guide.md": "# Guide\n",
            "notes/GUIDE.md": "# GUIDE\n",
        ])
        XCTAssertEqual(o.lines, [
            "../up.md:1:1: error: file name ../up.md cannot be used safely (absolute, '..', an empty segment or a control character); it was skipped [unsafe-path]",
            "notes/Guide.md:1:1: warning: 'notes/Guide.md' and 'notes/GUIDE.md' differ only in letter case [case-collision]",
            "notes/a\\u{1B}[31mred.md:1:1: error: file name notes/a\\u{1B}[31mred.md cannot be used safely (absolute, '..', an empty segment or a control character); it was skipped [unsafe-path]",
        ])
        XCTAssertEqual(o.exitCode, 1)
        XCTAssertEqual(o.result.documents.map(\.path), ["decisions/0001-fine.md", "notes/GUIDE.md", "notes/Guide.md"])
    }

    func testFileCountAndTotalBytesLimitsNameTheFileThatHitThem() throws {
        var files: [String: String] = [:]
        for i in 1...5 { files[String(format: "decisions/%04d-d.md", i)] = Self.decision(i, "D") }
        var config = Config.default
        config.limits.maxFiles = 3
        let count = try check(files, config: config)
        XCTAssertEqual(count.lines, ["decisions/0004-d.md:1:1: error: the docs tree has 5 Markdown files, over the limit of 3 (limits.max-files); this file and the 1 after it in path order were not checked [resource-limit]"])
        XCTAssertEqual(count.result.documents.count, 3)
        config = .default
        let size = Self.decision(1, "D").utf8.count
        config.limits.maxTotalBytes = size * 2 + 1
        let total = try check(files, config: config)
        XCTAssertEqual(total.lines, ["decisions/0003-d.md:1:1: error: the Markdown files read so far and this one total \(size * 3) bytes, over the limit of \(size * 2 + 1) (limits.max-total-bytes); this file and the 2 after it in path order were not read [resource-limit]"])
        XCTAssertEqual(total.result.documents.count, 2)
    }

    func testLimitsInArchbookYml() throws {
        let config = try Config.parse("limits:\n  max-file-bytes: 1_000\n  max-total-bytes: 5000\n  max-files: 7\n  max-front-matter-bytes: 100\n  max-yaml-nodes: 50\n  max-asset-bytes: 2_000\n  max-total-asset-bytes: 9000\n", file: "archbook.yml")
        XCTAssertEqual(config.limits.maxFileBytes, 1000)
        XCTAssertEqual(config.limits.maxTotalBytes, 5000)
        XCTAssertEqual(config.limits.maxFiles, 7)
        XCTAssertEqual(config.limits.maxFrontMatterBytes, 100)
        XCTAssertEqual(config.limits.maxYAMLNodes, 50)
        XCTAssertEqual(config.limits.maxAssetBytes, 2000)
        XCTAssertEqual(config.limits.maxTotalAssetBytes, 9000)
        XCTAssertEqual(Config.default.limits.maxAssetBytes, 52_428_800)
        XCTAssertEqual(Config.default.limits.maxTotalAssetBytes, 1_073_741_824)
        XCTAssertThrowsError(try Config.parse("limits:\n  max-asset-bytes: -1\n", file: "archbook.yml")) {
            XCTAssertEqual(($0 as? ConfigError)?.description, "archbook.yml:2:3: expected a positive whole number of bytes (key 'max-asset-bytes')")
        }
        XCTAssertThrowsError(try Config.parse("limits:\n  max-files: 0\n", file: "archbook.yml")) {
            XCTAssertEqual(($0 as? ConfigError)?.description, "archbook.yml:2:3: expected a positive whole number of files (key 'max-files')")
        }
        XCTAssertThrowsError(try Config.parse("limits: 5\n", file: "archbook.yml")) {
            XCTAssertEqual(($0 as? ConfigError)?.description,
                           "archbook.yml:1:1: expected a mapping with max-file-bytes, max-total-bytes, max-files, max-front-matter-bytes, max-yaml-nodes, max-asset-bytes, max-total-asset-bytes (key 'limits')")
        }
        // archbook.yml itself: billion laughs are a configuration error, found quickly.
        var laughs = "exclude: &a [a, a, a, a, a, a, a, a, a, a]\n"
        for (i, name) in ["b", "c", "d", "e", "f", "g"].enumerated() {
            laughs += "x\(i): &\(name) [" + Array(repeating: "*\(i == 0 ? "a" : ["b", "c", "d", "e", "f"][i - 1])", count: 10).joined(separator: ", ") + "]\n"
        }
        let start = Date()
        XCTAssertThrowsError(try Config.parse(laughs, file: "archbook.yml")) {
            XCTAssertTrue(($0 as? ConfigError)?.description.contains("YAML expands to more than 100000 values through its aliases (limits.max-yaml-nodes)") == true, "\($0)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 2)
    }

    /// base-url lands in href and src attributes of the 404 page and the feed: only web URLs are accepted.
    func testBaseURLMustBeAWebURL() throws {
        for bad in ["javascript:alert(1)//", "data:text/html,x", "//evil.example/", "https://", "https://x.example/\" onload=\"x", "file:///etc/"] {
            XCTAssertThrowsError(try Config.parse("site:\n  base-url: '\(bad)'\n", file: "archbook.yml"), bad) {
                XCTAssertEqual(($0 as? ConfigError)?.message, "expected an absolute http or https URL such as https://handbook.example.com/", bad)
            }
        }
        XCTAssertEqual(try Config.parse("site:\n  base-url: https://handbook.example.com/docs\n", file: "archbook.yml").site.baseURL,
                       "https://handbook.example.com/docs")
    }

    /// The last gate before any sink: a path that could leave the output is refused, whatever the sink.
    func testSiteWritesOnlySafePaths() throws {
        let sink = CheckedSink(base: InMemorySite())
        for bad in ["../x.html", "/etc/x", "a//b.html", "a/./b.html", "a\nb.html", ""] {
            XCTAssertThrowsError(try sink.write(bad, [1]), bad)
        }
        try sink.write("a/b c.html", [1])
        XCTAssertEqual(sink.base.files.keys.sorted(), ["a/b c.html"])
    }

    /// Paths nothing is read from or written to: empty, absolute, with an empty, `.` or `..` segment, or a control character.
    func testUnsafePaths() {
        for path in ["", "/", "/etc/passwd", "../x.md", "a/../b.md", "a/..", "./a.md", "a/.", "a//b.md", "a/", "a\u{0}b.md",
                     "a\nb.md", "tab\there.md", "del\u{7F}.md", "c1\u{85}.md", "c1\u{9F}.md"] {
            XCTAssertFalse(FileListing.isSafe(path), path.debugDescription)
        }
        for path in ["a.md", "adr/0001-x.md", "...md", "a/.../b.md", ".hidden/x.md", "a..b/c.md", "ünïcode/été.md", "a b/c (1).md",
                     "x\u{A0}y.md", "x\u{100}.md"] {
            XCTAssertTrue(FileListing.isSafe(path), path.debugDescription)
        }
    }
}
