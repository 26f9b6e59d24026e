// Linked files that could run script in the site's origin, through the real binary: `check` and `build` report the
// same diagnostics, the site leaves those files out (their links render broken) and keeps the harmless ones.

import ArchbookCore
import Foundation
import XCTest

final class ActiveFilesBuildTests: XCTestCase {
    static let document = """
    # 1. Use diagrams

    ## Status

    Accepted

    ## Context

    ![plain](img/plain.svg) ![script](img/script.svg) ![handler](img/handler.svg) ![photo](img/photo.png)

    [report](files/report.html), [data](files/data.xml), [page](files/page.XHTML), [compressed](img/c.svgz),
    [map](files/map.kml), [route](files/route.kml), [licence](files/LICENSE), [trap](files/trap),
    [plain again](img/plain.svg#layer-1).

    ## Decision

    We draw.

    ## Consequences

    None.

    """

    static let files: [String: String] = [
        "docs/decisions/0001-use-diagrams.md": document,
        "docs/decisions/img/plain.svg": """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">
              <style>rect { fill: url(#g); }</style>
              <defs><linearGradient id="g"><stop offset="0" stop-color="#ccf"/></linearGradient></defs>
              <a href="#r"><rect id="r" width="10" height="10"/></a>
              <text y="9">onion</text>
            </svg>
            """,
        "docs/decisions/img/script.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\">\n<script>alert(document.domain)</script>\n</svg>\n",
        "docs/decisions/img/handler.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>\n",
        // Bytes that would be a script in a page: a PNG is never shown as one, so it is not read.
        "docs/decisions/img/photo.png": "\u{89}PNG\r\n<script>alert(1)</script>",
        "docs/decisions/img/c.svgz": "compressed",
        "docs/decisions/files/report.html": "<p>Report</p>\n",
        "docs/decisions/files/data.xml": "<data/>\n",
        "docs/decisions/files/page.XHTML": "<html xmlns=\"http://www.w3.org/1999/xhtml\"/>\n",
        "docs/decisions/files/map.kml": "<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n<Document>\n<html:script xmlns:html=\"http://www.w3.org/1999/xhtml\">alert(1)</html:script>\n</Document>\n</kml>\n",
        "docs/decisions/files/route.kml": "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document><name>Route</name></Document></kml>\n",
        "docs/decisions/files/LICENSE": "Copyright the authors. <script> here is text: the file does not start like markup.\n",
        "docs/decisions/files/trap": "  <html><body><img src=x onerror=alert(1)></body></html>\n",
    ]

    static let expected = """
    docs/decisions/0001-use-diagrams.md:9:25: warning: linked file 'img/script.svg' contains <script> on line 2; it was not published [active-file]
    docs/decisions/0001-use-diagrams.md:9:51: warning: linked file 'img/handler.svg' has an event-handler attribute (onload=) on line 1; it was not published [active-file]
    docs/decisions/0001-use-diagrams.md:11:1: warning: linked file 'files/report.html' is an HTML file, which can run scripts in the site's origin; it was not published [active-file]
    docs/decisions/0001-use-diagrams.md:11:30: warning: linked file 'files/data.xml' is an XML file, which can run scripts in the site's origin; it was not published [active-file]
    docs/decisions/0001-use-diagrams.md:11:54: warning: linked file 'files/page.XHTML' is an HTML file, which can run scripts in the site's origin; it was not published [active-file]
    docs/decisions/0001-use-diagrams.md:11:80: warning: linked file 'img/c.svgz' is a compressed SVG, which can run scripts in the site's origin and which archbook cannot check; it was not published [active-file]
    docs/decisions/0001-use-diagrams.md:12:1: warning: linked file 'files/map.kml' contains <html:script> on line 3; it was not published [active-file]
    docs/decisions/0001-use-diagrams.md:12:75: warning: linked file 'files/trap' has an event-handler attribute (onerror=) on line 1; it was not published [active-file]
    0 errors, 8 warnings in 1 document

    """

    /// Every file of a built site by its path.
    static func site(_ root: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for path in try SiteTests.files(under: root) { out[path] = try Data(contentsOf: root.appendingPathComponent(path)) }
        return out
    }

    func testCheckAndBuildReportTheSameAndTheSiteLeavesActiveFilesOut() throws {
        let dir = try makeTree(Self.files, testCase: self)
        let check = try ArchbookBinary.run(["check", "docs", "--quiet"], in: dir)
        XCTAssertEqual(check.out, Self.expected)
        XCTAssertEqual(check.status, 0, "warnings only")
        let build = try ArchbookBinary.run(["build", "docs", "-o", "site", "--quiet"], in: dir)
        XCTAssertEqual(build.out, check.out, "build reports what check reports")
        XCTAssertEqual(build.status, check.status)
        for format in ["text", "json", "github", "sarif"] {
            let c = try ArchbookBinary.run(["check", "docs", "--format", format], in: dir)
            let b = try ArchbookBinary.run(["build", "docs", "-o", "site", "--format", format], in: dir)
            XCTAssertEqual(b.out, c.out, format)
        }

        let site = try Self.site(dir.appendingPathComponent("site"))
        let published = ["decisions/img/plain.svg", "decisions/img/photo.png", "decisions/files/route.kml", "decisions/files/LICENSE"]
        for path in published { XCTAssertNotNil(site[path], "\(path) is published") }
        for path in ["img/script.svg", "img/handler.svg", "img/c.svgz", "files/report.html", "files/data.xml", "files/page.XHTML",
                     "files/map.kml", "files/trap"] {
            XCTAssertNil(site["decisions/" + path], "\(path) is not published")
        }
        XCTAssertEqual(site["decisions/img/plain.svg"], Data(Self.files["docs/decisions/img/plain.svg"]!.utf8), "published as it is")
        // (The helper looks for fragments in pages only; `#layer-1` is the SVG's own business.)
        XCTAssertEqual(SiteTests.linkProblems(site.mapValues { Array($0) }).filter { !$0.contains("#layer-1") }, [],
                       "no link leads to a file the site does not have")
        let page = String(decoding: site["decisions/0001-use-diagrams.html"]!, as: UTF8.self)
        XCTAssertTrue(page.contains(#"<img src="img/plain.svg" alt="plain" />"#), page)
        XCTAssertTrue(page.contains(#"<img class="broken-image" title="Not published: &#39;img/script.svg&#39; contains &lt;script&gt; on line 2" alt="script" />"#), page)
        XCTAssertTrue(page.contains(#"<a class="broken-link" title="Not published: &#39;files/report.html&#39; is an HTML file, which can run scripts in the site&#39;s origin">report</a>"#), page)
        XCTAssertTrue(page.contains(#"<a href="img/plain.svg#layer-1">plain again</a>"#), page)
        XCTAssertTrue(page.contains(#"<a href="files/LICENSE">licence</a>"#), page)
    }

    /// `raw-html` keeps HTML in documents, where the CSP still guards it; it does not publish active files.
    func testRawHTMLDoesNotPublishActiveFiles() throws {
        var files = Self.files
        files["docs/archbook.yml"] = "site:\n  raw-html: true\n"
        let dir = try makeTree(files, testCase: self)
        let build = try ArchbookBinary.run(["build", "docs", "-o", "site", "--quiet"], in: dir)
        XCTAssertEqual(build.out, Self.expected)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("site/decisions/img/script.svg").path))
    }

    func testPublishActiveFilesPublishesThemAsTheyAre() throws {
        var files = Self.files
        files["docs/archbook.yml"] = "site:\n  publish-active-files: true\n"
        let dir = try makeTree(files, testCase: self)
        let build = try ArchbookBinary.run(["build", "docs", "-o", "site", "--quiet"], in: dir)
        XCTAssertEqual(build.out, "0 errors, 0 warnings in 1 document\n")
        let site = try Self.site(dir.appendingPathComponent("site"))
        for path in files.keys where path.hasPrefix("docs/decisions/") && !path.hasSuffix(".md") {
            XCTAssertEqual(site[String(path.dropFirst("docs/".count))], Data(files[path]!.utf8), path)
        }
        let explain = try ArchbookBinary.run(["check", "docs", "--explain", "--quiet"], in: dir)
        XCTAssertTrue(explain.err.contains("\nlinked files: HTML, XML and SVG files are published as they are, scripts and all (site: publish-active-files)\n"), explain.err)
    }
}
