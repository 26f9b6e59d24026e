// `archbook build`: golden pages of a fixture handbook, a link check of the sample site, escaping, atomic output.
// Re-record the golden pages with ARCHBOOK_RECORD_GOLDEN=1 (Site/golden is rewritten from Site/fixture).

import ArchbookCLI
import ArchbookCore
import Foundation
import XCTest

final class SiteTests: XCTestCase {
    static let siteDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Site")
    static let themeDir = ArchbookBinary.packageRoot.appendingPathComponent("themes/default")

    static func theme() throws -> Theme {
        try Theme.load([Theme.Layer(label: "themes/default", tree: DiskFileTree(root: themeDir.path))])
    }

    /// Builds a docs tree in memory with the default theme.
    static func build(_ tree: some FileTree, config: Config = .default, options: SiteOptions = SiteOptions(generator: "archbook test")) throws -> InMemorySite {
        let result = try Checker.check(tree, config: config)
        let site = InMemorySite()
        _ = try SiteBuilder.build(result, tree: tree, config: config, theme: try theme(), options: options, sink: site)
        return site
    }

    // MARK: - Golden pages

    func testGoldenPagesOfFixtureHandbook() throws {
        let site = try Self.build(DiskFileTree(root: Self.siteDir.appendingPathComponent("fixture").path))
        let golden = Self.siteDir.appendingPathComponent("golden")
        let rendered = site.files.filter { !$0.key.hasPrefix("assets/") }
        if ProcessInfo.processInfo.environment["ARCHBOOK_RECORD_GOLDEN"] == "1" {
            try? FileManager.default.removeItem(at: golden)
            for (path, bytes) in rendered {
                let url = golden.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(bytes).write(to: url)
            }
            return
        }
        let expectedFiles = try Self.files(under: golden)
        XCTAssertEqual(Set(rendered.keys), Set(expectedFiles), "the set of generated files changed; re-record with ARCHBOOK_RECORD_GOLDEN=1")
        for path in expectedFiles.sorted() {
            let expectedBytes = try Data(contentsOf: golden.appendingPathComponent(path))
            guard let actualBytes = site.files[path], Data(actualBytes) != expectedBytes else { continue }
            do {
                let expected = String(decoding: expectedBytes, as: UTF8.self), actual = String(decoding: actualBytes, as: UTF8.self)
                let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
                let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
                let line = Array(zip(e, a)).firstIndex { $0.0 != $0.1 } ?? min(e.count, a.count)
                XCTFail("\(path) differs from the golden file at line \(line + 1):\n- \(line < e.count ? e[line] : "<end>")\n+ \(line < a.count ? a[line] : "<end>")")
            }
        }
    }

    static func files(under root: URL) throws -> [String] {
        guard let e = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var out: [String] = []
        for case let url as URL in e where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            out.append(String(url.path.dropFirst(root.path.count + 1)))
        }
        return out.sorted()
    }

    /// Exact fragments a reader relies on, so a re-recorded golden file cannot quietly lose them.
    func testCrossLinksRelationsAndProgressOnADecisionPage() throws {
        let site = try Self.build(DiskFileTree(root: Self.siteDir.appendingPathComponent("fixture").path))
        let page = try XCTUnwrap(site.text("decisions/0002-use-cockroachdb.html"))
        // An ID in prose becomes a link; the same ID in a code span does not.
        XCTAssertTrue(page.contains(#"<p><a href="0001-use-postgresql.html">ADR-0001</a> left failover manual; <a href="../postmortems/0001-orders-outage.html">INC-0001</a> showed the cost. The code span <code>ADR-0001</code> stays text.</p>"#), page)
        // A relative .md link with an anchor goes to the page and keeps the anchor, which exists there.
        XCTAssertTrue(page.contains(#"<a href="../runbooks/0001-database-failover.html#diagnosis">Diagnosis</a>"#))
        XCTAssertTrue(site.text("runbooks/0001-database-failover.html")!.contains(#"<h2 id="diagnosis">Diagnosis</h2>"#))
        // Broken and unsafe links render visibly, without an href.
        XCTAssertTrue(page.contains(#"<a class="broken-link" title="Broken link: &#39;missing.md&#39; does not exist">missing page</a>"#))
        XCTAssertTrue(page.contains(#"<a class="unsafe-link" title="Link removed: its scheme could run code">a script</a>"#))
        XCTAssertFalse(page.contains("javascript:"))
        // External links are kept; local images are copied.
        XCTAssertTrue(page.contains(#"<a href="https://www.cockroachlabs.com/docs/" rel="noopener noreferrer">vendor docs</a>"#))
        XCTAssertTrue(page.contains(#"<img src="img/arch.png" alt="Architecture" />"#))
        XCTAssertEqual(site.files["decisions/img/arch.png"], Array("\u{89}PNG\r\n\u{1A}\n".unicodeScalars.map { UInt8($0.value) }))
        // Relations from both sides, backlinks, checklist progress per document and section.
        XCTAssertTrue(page.contains(#"<li><a href="0001-use-postgresql.html">ADR-0001</a> <span class="muted">Use PostgreSQL for orders</span> <span class="badge status-superseded">superseded</span></li>"#))
        XCTAssertTrue(page.contains(#"<h2 class="meta-heading">Referenced by</h2>"#))
        XCTAssertTrue(page.contains(#"<li><a href="../README.html">Fixture handbook</a></li>"#))
        XCTAssertTrue(page.contains(#"aria-label="Checklist: 1 of 3 done">33%</progress>"#))
        XCTAssertTrue(page.contains(##"<li class="depth-1"><a href="#rollout">Rollout</a> <span class="progress"><progress value="1" max="3""##))
        XCTAssertTrue(page.contains(#"<li><input type="checkbox" aria-label="Done" checked="" disabled="" /> Load test</li>"#), page)
        // The superseded decision names its successor in a banner.
        let old = try XCTUnwrap(site.text("decisions/0001-use-postgresql.html"))
        XCTAssertTrue(old.contains(#"<p><strong>This Decision is superseded.</strong> See <a href="0002-use-cockroachdb.html">ADR-0002: Use CockroachDB for orders</a>.</p>"#), old)
        // The H1 that gave the title is not repeated in the body.
        XCTAssertEqual(page.components(separatedBy: "<h1>").count, 2)
    }

    func testHomePageRollsUpCountsProgressAndOpenActions() throws {
        let site = try Self.build(DiskFileTree(root: Self.siteDir.appendingPathComponent("fixture").path))
        let home = try XCTUnwrap(site.text("index.html"))
        XCTAssertTrue(home.contains("<title>Fixture handbook · Fixture handbook</title>"))
        XCTAssertTrue(home.contains(#"<h3><a href="kinds/decision.html">Decisions</a> <span class="count">2</span></h3>"#))
        XCTAssertTrue(home.contains(#"<li><a class="badge status-accepted" href="status/accepted.html">accepted</a> 1</li>"#))
        XCTAssertTrue(home.contains(#"Checklists across the handbook: <span class="progress"><progress value="3" max="7""#), home)
        XCTAssertTrue(home.contains(#"<li><a href="postmortems/0001-orders-outage.html#action-items">Automate failover (ADR-0002)</a>"#), home)
        let actions = try XCTUnwrap(site.text("actions.html"))
        XCTAssertTrue(actions.contains("<p>4 open task(s) across the handbook.</p>"), actions)
        let feed = try XCTUnwrap(site.text("feed.xml"))
        XCTAssertTrue(feed.contains("<title>ADR-0002: Use CockroachDB for orders</title>"))
    }

    func testOutputIsDeterministic() throws {
        let tree = DiskFileTree(root: ArchbookBinary.packageRoot.appendingPathComponent("content").path)
        let config = try Config.parse(String(contentsOf: ArchbookBinary.packageRoot.appendingPathComponent("content/archbook.yml"), encoding: .utf8), file: "archbook.yml")
        let a = try Self.build(tree, config: config).files
        let b = try Self.build(tree, config: config).files
        XCTAssertEqual(a.count, b.count)
        for (path, bytes) in a { XCTAssertEqual(bytes, b[path], "\(path) differs between two builds") }
    }

    // MARK: - Link check over the sample handbook

    func testEveryLinkInTheSampleSiteResolves() throws {
        let root = ArchbookBinary.packageRoot.appendingPathComponent("content")
        let config = try Config.parse(String(contentsOf: root.appendingPathComponent("archbook.yml"), encoding: .utf8), file: "archbook.yml")
        let files = try Self.build(DiskFileTree(root: root.path), config: config).files
        let problems = Self.linkProblems(files)
        XCTAssertEqual(problems, [], "unresolved links in the built sample site")
        XCTAssertGreaterThan(files.keys.filter { $0.hasSuffix(".html") }.count, 40)
    }

    /// Every href and src in every page must name a file of the site, and a `#fragment` an id in it.
    static func linkProblems(_ files: [String: [UInt8]]) -> [String] {
        var ids: [String: Set<String>] = [:]
        let idPattern = try! NSRegularExpression(pattern: #"\sid="([^"]*)""#)
        let refPattern = try! NSRegularExpression(pattern: #"\s(?:href|src)="([^"]*)""#)
        for (path, bytes) in files where path.hasSuffix(".html") {
            let text = String(decoding: bytes, as: UTF8.self)
            ids[path] = Set(idPattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).map {
                unescape(String(text[Range($0.range(at: 1), in: text)!]))
            })
        }
        var problems: [String] = []
        for (path, bytes) in files.sorted(by: { $0.key < $1.key }) where path.hasSuffix(".html") && path != "404.html" {
            let text = String(decoding: bytes, as: UTF8.self)
            for m in refPattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let ref = unescape(String(text[Range(m.range(at: 1), in: text)!]))
                if ref.hasPrefix("http://") || ref.hasPrefix("https://") || ref.hasPrefix("mailto:") { continue }
                let parts = ref.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
                let filePart = String(parts[0]).removingPercentEncoding ?? String(parts[0])
                var target = path
                if !filePart.isEmpty {
                    var segments = path.split(separator: "/").dropLast().map(String.init)
                    for s in filePart.split(separator: "/") {
                        if s == "." { continue }
                        if s == ".." {
                            if segments.isEmpty { problems.append("\(path): \(ref) leaves the site"); break }
                            segments.removeLast()
                        } else {
                            segments.append(String(s))
                        }
                    }
                    target = segments.joined(separator: "/")
                    if files[target] == nil { problems.append("\(path): \(ref) → missing \(target)"); continue }
                }
                if parts.count == 2, !parts[1].isEmpty {
                    let anchor = String(parts[1]).removingPercentEncoding ?? String(parts[1])
                    if !(ids[target]?.contains(anchor) ?? false) { problems.append("\(path): \(ref) → no id '\(anchor)' in \(target)") }
                }
            }
        }
        return problems
    }

    static func unescape(_ s: String) -> String {
        s.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    // MARK: - Escaping

    func testHostileContentProducesNoActiveContent() throws {
        let tree = InMemoryFileTree([
            "decisions/0001-x.md": """
            ---
            title: "Quotes \\" and <script>alert('title')</script>"
            status: "accepted\\"><img src=x onerror=alert(1)>"
            tags: ["<b onmouseover=alert(2)>", "a'b"]
            deciders: ["{{siteTitle}} <i>x</i>"]
            date: 2024-01-01
            ---
            ## Status

            Accepted

            ## Context

            <script>alert('body')</script>
            <div onclick="alert(3)">click</div>

            Inline <img src=x onerror=alert(4)> and [js](javascript:alert(5)) and [data](data:text/html;base64,PHNjcmlwdD4=)
            and [vb](VBScript:msgbox) and ![img](javascript:alert(6)) and {{{body}}} {{#doc}}x{{/doc}}.

            ## Decision

            [quote](x.md"onmouseover="alert(7))

            ## Consequences

            `<script>` in code stays text.
            """,
        ])
        let files = try Self.build(tree).files
        // Escaped text may spell `onerror=`; what matters is that no real tag carries it.
        let tagPattern = try NSRegularExpression(pattern: "<[a-z][^>]*>")
        let urlPattern = try NSRegularExpression(pattern: #"\s(?:href|src)="([^"]*)""#)
        // search/ holds the documents' text as JSON data, shown by the script with textContent only (checked below).
        for (path, bytes) in files where !path.hasPrefix("assets/") && !path.hasPrefix("search/") {
            let text = String(decoding: bytes, as: UTF8.self).lowercased()
            let tags = tagPattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { String(text[Range($0.range, in: text)!]) }
            for tag in tags {
                // Attribute values are quoted and escaped; an event handler would be an attribute of its own.
                let bare = tag.replacingOccurrences(of: "\"[^\"]*\"", with: "\"\"", options: .regularExpression)
                XCTAssertNil(bare.range(of: "\\son[a-z]+\\s*=", options: .regularExpression), "\(path): event handler in \(tag)")
                for m in urlPattern.matches(in: tag, range: NSRange(tag.startIndex..., in: tag)) {
                    let url = String(tag[Range(m.range(at: 1), in: tag)!]).trimmingCharacters(in: .whitespaces)
                    for scheme in ["javascript:", "vbscript:", "data:"] { XCTAssertFalse(url.hasPrefix(scheme), "\(path): \(tag)") }
                }
                XCTAssertFalse(tag.hasPrefix("<img src=x") || tag.hasPrefix("<i>") || tag.hasPrefix("<div onclick") || tag.hasPrefix("<b "), "\(path): \(tag)")
            }
            // Only the theme's own script tags may appear.
            let scripts = text.components(separatedBy: "<script").dropFirst()
            for script in scripts {
                XCTAssertNotNil(script.range(of: #"^ src="(\./|(\.\./)*)assets/archbook(-search)?\.js"></script>"#, options: .regularExpression),
                                "\(path) has a script element that is not the theme's: <script\(script.prefix(80))")
            }
            XCTAssertLessThanOrEqual(scripts.count, path.hasSuffix(".html") ? 2 : 0, "\(path) has \(scripts.count) script elements")
        }
        // The search index is data: the script form is one call with one JSON value, whatever the documents say.
        let script = String(decoding: files["search/index.js"]!, as: UTF8.self)
        XCTAssertTrue(script.hasPrefix("archbookSearchData(\"index\",{") && script.hasSuffix("});\n"), String(script.prefix(200)))
        let json = script.dropFirst("archbookSearchData(\"index\",".count).dropLast(3)
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(json.utf8)))
        XCTAssertEqual(String(json) + "\n", String(decoding: files["search/index.json"]!, as: UTF8.self))
        let page = String(decoding: files["decisions/0001-x.html"]!, as: UTF8.self)
        XCTAssertTrue(page.contains("<h1>Quotes &quot; and &lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;</h1>"), page)
        XCTAssertTrue(page.contains("{{siteTitle}} &lt;i&gt;x&lt;/i&gt;"), "Mustache delimiters in content are text, not template tags")
        XCTAssertTrue(page.contains("<!-- raw HTML omitted -->"), "raw HTML is dropped by default")
    }

    func testRawHTMLIsKeptOnlyWhenConfiguredAndStillTagFiltered() throws {
        let tree = InMemoryFileTree(["notes.md": "# Notes\n\n<details><summary>More</summary>\n\nHidden\n\n</details>\n\n<script>alert(1)</script>\n"])
        let off = String(decoding: try Self.build(tree).files["notes.html"]!, as: UTF8.self)
        XCTAssertFalse(off.contains("<details>"))
        let on = String(decoding: try Self.build(tree, options: SiteOptions(allowRawHTML: true, generator: "t")).files["notes.html"]!, as: UTF8.self)
        XCTAssertTrue(on.contains("<details><summary>More</summary>"))
        XCTAssertTrue(on.contains("&lt;script>alert(1)&lt;/script>"), "the tagfilter extension still disarms <script>")
    }

    // MARK: - Themes

    func testThemeOverridesOneTemplateAndInheritsTheRest() throws {
        let custom = InMemoryFileTree(["templates/notfound.mustache": "{{<layout}}{{$main}}<h1>Lost?</h1>{{/main}}{{/layout}}"])
        let theme = try Theme.load([Theme.Layer(label: "themes/default", tree: DiskFileTree(root: Self.themeDir.path)),
                                    Theme.Layer(label: "custom", tree: custom)])
        let tree = InMemoryFileTree(["a.md": "# A\n"])
        let site = InMemorySite()
        _ = try SiteBuilder.build(try Checker.check(tree, config: .default), tree: tree, config: .default, theme: theme,
                                  options: SiteOptions(generator: "t"), sink: site)
        XCTAssertTrue(site.text("404.html")!.contains("<h1>Lost?</h1>"))
        XCTAssertTrue(site.text("404.html")!.contains("<link rel=\"stylesheet\" href=\"./assets/archbook.css\">"))
        XCTAssertNotNil(site.files["assets/archbook.css"])
    }

    func testTemplateErrorNamesFileAndLine() throws {
        let custom = InMemoryFileTree(["templates/home.mustache": "<h1>{{siteTitle}}</h1>\n{{#kinds}}\n<p>{{label}}</p>\n"])
        XCTAssertThrowsError(try Theme.load([Theme.Layer(label: "themes/default", tree: DiskFileTree(root: Self.themeDir.path)),
                                             Theme.Layer(label: "mytheme", tree: custom)])) { error in
            let e = error as! ThemeError
            XCTAssertEqual(e.file, "mytheme/templates/home.mustache")
            XCTAssertGreaterThan(e.line, 0)
            XCTAssertTrue(e.description.hasPrefix("mytheme/templates/home.mustache:\(e.line):"), e.description)
            XCTAssertTrue(e.description.contains("never closed"), e.description)
        }
    }

    // MARK: - The command: output folder safety and atomic replacement

    func makeTemp() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("archbook-site-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func copyFixture(to dir: URL) throws {
        try FileManager.default.copyItem(at: Self.siteDir.appendingPathComponent("fixture"), to: dir.appendingPathComponent("docs"))
    }

    func testBuildWritesSiteBesideDocsWithMarkerAndExitCode() throws {
        let dir = try makeTemp()
        try copyFixture(to: dir)
        let r = try ArchbookBinary.run(["build", "docs", "--quiet"], in: dir)
        XCTAssertEqual(r.status, 1, "the fixture has one broken link: built, but exit 1\n\(r.err)")
        XCTAssertTrue(r.out.contains("docs/decisions/0002-use-cockroachdb.md:29:3: error: link target 'missing.md' does not exist [broken-link]"), r.out)
        XCTAssertTrue(r.err.hasSuffix("_site/index.html\n"), r.err)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("_site/.archbook-site").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("_site/decisions/0002-use-cockroachdb.html").path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [".archbook-cache"], "no temporary folders are left behind, only the build cache")
    }

    func testStrictBuildWithErrorsLeavesPreviousSiteUntouched() throws {
        let dir = try makeTemp()
        try copyFixture(to: dir)
        XCTAssertEqual(try ArchbookBinary.run(["build", "docs", "-o", "out", "--quiet"], in: dir).status, 1)
        let before = try Data(contentsOf: dir.appendingPathComponent("out/index.html"))
        try "# 3. New\n".write(to: dir.appendingPathComponent("docs/decisions/0003-new.md"), atomically: true, encoding: .utf8)
        let r = try ArchbookBinary.run(["build", "docs", "-o", "out", "--strict", "--quiet"], in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("not building because of"), r.err)
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("out/index.html")), before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/decisions/0003-new.html").path))
    }

    func testFailedWriteMidwayLeavesPreviousSiteIntact() throws {
        let dir = try makeTemp()
        try copyFixture(to: dir)
        XCTAssertEqual(try ArchbookBinary.run(["build", "docs", "-o", "out", "--quiet"], in: dir).status, 1)
        let before = try Self.files(under: dir.appendingPathComponent("out"))
        let index = try Data(contentsOf: dir.appendingPathComponent("out/index.html"))
        try "# Intro\n\nChanged.\n".write(to: dir.appendingPathComponent("docs/README.md"), atomically: true, encoding: .utf8)
        let r = try ArchbookBinary.run(["build", "docs", "-o", "out", "--quiet"], in: dir,
                                       environment: ["ARCHBOOK_TEST_FAIL_WRITE": "runbooks/0001-database-failover.html"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.err.contains("archbook: error: build failed, 'out' was not changed: runbooks/0001-database-failover.html: simulated write failure"), r.err)
        XCTAssertEqual(try Self.files(under: dir.appendingPathComponent("out")), before)
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("out/index.html")), index)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [".archbook-cache"], "the first build's cache, nothing of the failed one")
    }

    func testRefusesToReplaceAFolderArchbookDidNotWrite() throws {
        let dir = try makeTemp()
        try copyFixture(to: dir)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("out"), withIntermediateDirectories: true)
        try "keep me".write(to: dir.appendingPathComponent("out/notes.txt"), atomically: true, encoding: .utf8)
        let r = try ArchbookBinary.run(["build", "docs", "-o", "out"], in: dir)
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.out, "")
        XCTAssertEqual(r.err, "archbook: error: will not replace 'out': it is not empty and was not written by archbook (no .archbook-site file). Choose another --output or pass --force\n")
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("out/notes.txt"), encoding: .utf8), "keep me")
        let forced = try ArchbookBinary.run(["build", "docs", "-o", "out", "--force", "--quiet"], in: dir)
        XCTAssertEqual(forced.status, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/notes.txt").path))
    }

    func testRefusesAnOutputThatContainsTheDocs() throws {
        let dir = try makeTemp()
        try copyFixture(to: dir)
        for output in [".", "docs", "docs/.."] {
            let r = try ArchbookBinary.run(["build", "docs", "-o", output, "--force"], in: dir)
            XCTAssertEqual(r.status, 2, output)
            XCTAssertTrue(r.err.contains("contains the docs tree"), r.err)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("docs/README.md").path))
    }

    func testBadThemeIsAConfigurationError() throws {
        let dir = try makeTemp()
        try copyFixture(to: dir)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("theme/templates"), withIntermediateDirectories: true)
        try "{{#nav}}\n<b>\n".write(to: dir.appendingPathComponent("theme/templates/layout.mustache"), atomically: true, encoding: .utf8)
        let r = try ArchbookBinary.run(["build", "docs", "--theme", "theme"], in: dir)
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.err.hasPrefix("archbook: error: theme/templates/layout.mustache:"), r.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("_site").path))
    }
}

extension SiteTests {
    /// Names with spaces, non-ASCII letters and characters that mean something in URLs still link and resolve.
    func testUnusualFileNamesArePercentEncodedAndResolve() throws {
        let tree = InMemoryFileTree([
            "decisions/0001 use café & co.md": "# 1. Use café\n\n## Status\n\nAccepted\n\n## Context\n\nx\n\n## Decision\n\ny\n\n## Consequences\n\nz\n",
            "decisions/0002-next.md": "# 2. Next\n\n## Status\n\nAccepted\n\n## Context\n\nSee [one](0001%20use%20caf%C3%A9%20&%20co.md#decision) and ADR-1.\n\n## Decision\n\ny\n\n## Consequences\n\nSee [page](0002-next.html) and [notes](notes%231.txt).\n",
            "decisions/0002-next.html": "<p>a file that collides with a page</p>",
            "decisions/notes#1.txt": "notes",
        ])
        // Only HTML files collide with pages, and they are published only when the configuration says so.
        var config = Config.default
        config.site.publishActiveFiles = true
        let files = try Self.build(tree, config: config).files
        let page = String(decoding: files["decisions/0002-next.html"]!, as: UTF8.self)
        XCTAssertTrue(page.contains(#"<a href="0001%20use%20caf%C3%A9%20%26%20co.html#decision">one</a>"#), page)
        XCTAssertTrue(page.contains(#"<a href="0001%20use%20caf%C3%A9%20%26%20co.html">ADR-1</a>"#), page)
        XCTAssertNotNil(files["decisions/0001 use café & co.html"])
        XCTAssertEqual(files["files/decisions/0002-next.html"].map { String(decoding: $0, as: UTF8.self) }, "<p>a file that collides with a page</p>")
        XCTAssertTrue(page.contains(#"<a href="../files/decisions/0002-next.html">page</a>"#), page)
        XCTAssertEqual(Self.linkProblems(files), [])
    }
}

extension SiteTests {
    /// A kind, row or section without checklists shows no progress, not an enclosing page's.
    func testNoProgressWhereThereAreNoChecklists() throws {
        let tree = InMemoryFileTree([
            "decisions/0001-a.md": "# 1. A\n\n## Status\n\nAccepted\n\n## Context\n\nx\n\n## Decision\n\ny\n\n## Consequences\n\nz\n",
            "runbooks/0001-r.md": "# RB-0001: R\n\n## Overview\n\nx\n\n## Diagnosis\n\n- [x] look\n\n## Mitigation\n\n- [ ] fix\n",
        ])
        let files = try Self.build(tree).files
        let home = String(decoding: files["index.html"]!, as: UTF8.self)
        let decisionsCard = try XCTUnwrap(home.components(separatedBy: #"<section class="card" aria-label="Decisions">"#).last?
            .components(separatedBy: "</section>").first)
        XCTAssertFalse(decisionsCard.contains("<progress"), decisionsCard)
        XCTAssertTrue(home.contains(#"aria-label="Checklist: 1 of 2 done""#))
        let kind = String(decoding: files["kinds/runbook.html"]!, as: UTF8.self)
        XCTAssertEqual(kind.components(separatedBy: "<progress").count - 1, 2, "one for the kind, one for its only row")
        let page = String(decoding: files["runbooks/0001-r.html"]!, as: UTF8.self)
        XCTAssertTrue(page.contains(##"<li class="depth-0"><a href="#overview">Overview</a></li>"##), page)
    }
}
