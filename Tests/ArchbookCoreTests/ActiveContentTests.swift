// The scan of linked SVG and markup files: every kind of active content is found (written every way browsers read
// it), and the plain drawings diagram tools write are not.

import XCTest
@testable import ArchbookCore

final class ActiveContentTests: XCTestCase {
    func scan(_ text: String) -> ActiveContent.Hit? { ActiveContent.scan(Array(text.utf8)) }

    /// An SVG around `body`, which starts on line 3.
    func svg(_ body: String) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n\(body)\n</svg>\n"
    }

    func assertRefused(_ body: String, _ finding: String, line: Int = 3, file: StaticString = #filePath, line testLine: UInt = #line) {
        let hit = scan(svg(body))
        XCTAssertEqual(hit?.finding, finding, body, file: file, line: testLine)
        XCTAssertEqual(hit?.line, line, body, file: file, line: testLine)
    }

    func testScriptElementsInEveryFormAreRefused() {
        assertRefused("<script>alert(1)</script>", "contains <script>")
        assertRefused("<SCRIPT type=\"text/javascript\">alert(1)</SCRIPT>", "contains <SCRIPT>")
        assertRefused("<svg:script>alert(1)</svg:script>", "contains <svg:script>")
        assertRefused("<script/href=\"x.js\"></script>", "contains <script>")
        assertRefused("<script xmlns=\"http://www.w3.org/1999/xhtml\" src=\"a.js\"/>", "contains <script>")
        assertRefused("<rect/>\n<!-- <script>alert(1)</script> -->", "contains <script>", line: 4)
        assertRefused("<text><![CDATA[<script>alert(1)</script>]]></text>", "contains <script>")
        assertRefused("<handler type=\"application/ecmascript\">alert(1)</handler>", "contains <handler>")
    }

    func testElementsThatEmbedDocumentsOrHTMLAreRefused() {
        assertRefused("<foreignObject width=\"10\" height=\"10\"><div xmlns=\"http://www.w3.org/1999/xhtml\">Label</div></foreignObject>",
                      "contains <foreignObject>")
        assertRefused("<iframe src=\"https://example.com/\"/>", "contains <iframe>")
        assertRefused("<embed src=\"x.swf\"/>", "contains <embed>")
        assertRefused("<object data=\"x.html\"/>", "contains <object>")
        XCTAssertEqual(scan(svg("<foreignObject/>"))?.fix,
                       "Remove the <foreignObject> element from the file (diagram tools write one for HTML labels: export without them, or as PNG)")
    }

    func testEventHandlerAttributesAreRefused() {
        assertRefused("<rect onload=\"alert(1)\"/>", "has an event-handler attribute (onload=)")
        assertRefused("<rect ONCLICK = 'alert(1)'/>", "has an event-handler attribute (ONCLICK=)")
        assertRefused("<rect\nonmouseover\n=\nalert(1)/>", "has an event-handler attribute (onmouseover=)", line: 4)
        assertRefused("<image/onerror=alert(1) href=\"x.png\"/>", "has an event-handler attribute (onerror=)")
        assertRefused("<animate onbegin=\"alert(1)\" attributeName=\"x\"/>", "has an event-handler attribute (onbegin=)")
        XCTAssertEqual(scan(svg("<rect onload=\"alert(1)\"/>"))?.fix, "Remove the onload attribute from the file")
    }

    func testScriptURLsAreRefusedHoweverTheyAreSpelled() {
        for url in ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "jav&#x61;script:alert(1)",
                    "&#106;avascript:alert(1)", "&#0000106avascript:alert(1)", "java&#10;script:alert(1)", "java\tscript:alert(1)",
                    "javascript&colon;alert(1)", "java&Tab;script:alert(1)"] {
            XCTAssertEqual(scan(svg("<a href=\"\(url)\"><text>x</text></a>"))?.finding, "contains a javascript: URL", url)
        }
        assertRefused("<a xlink:href=\"vbscript:msgbox\"><text>x</text></a>", "contains a vbscript: URL")
        assertRefused("<set attributeName=\"x\" to=\"javascript:alert(1)\"/>", "contains a javascript: URL")
        assertRefused("<rect style=\"fill: url(javascript:alert(1))\"/>", "contains a javascript: URL")
    }

    func testDataURLsOtherThanImagesAndFontsAreRefused() {
        assertRefused("<a href=\"data:text/html;base64,PHNjcmlwdD4=\"><text>x</text></a>",
                      "contains a data: URL that is not a PNG, JPEG, GIF, WebP or AVIF image or a font (data:text/html)")
        assertRefused("<image href=\"data:image/svg+xml;base64,PHN2Zz4=\"/>",
                      "contains a data: URL that is not a PNG, JPEG, GIF, WebP or AVIF image or a font (data:image/svg+xml)")
        assertRefused("<image xlink:href=\"DATA:text/html,x\"/>",
                      "contains a data: URL that is not a PNG, JPEG, GIF, WebP or AVIF image or a font (data:text/html)")
        assertRefused("<style>rect { fill: url('data:image/svg+xml,<svg/>'); }</style>",
                      "contains a data: URL that is not a PNG, JPEG, GIF, WebP or AVIF image or a font (data:image/svg+xml)")
        assertRefused("<rect style=\"fill: url&#40;data:text/html,x)\"/>",
                      "contains a data: URL that is not a PNG, JPEG, GIF, WebP or AVIF image or a font (data:text/html)")
        assertRefused("<rect style=\"fill: url(\\64 ata:text/html,x)\"/>", "has a url() written with backslash escapes")
    }

    func testOtherWaysToLoadOrRunContentAreRefused() {
        assertRefused("<use href=\"sprites.svg#icon\"/>", "has a <use> element that refers to another file ('sprites.svg#icon')")
        assertRefused("<use xlink:href=\"https://example.com/a.svg#b\"/>",
                      "has a <use> element that refers to another file ('https://example.com/a.svg#b')")
        assertRefused("<a href=\"file:///etc/passwd\"><text>x</text></a>", "contains a 'file:' URL in href")
        assertRefused("<set attributeName=\"onclick\" to=\"alert(1)\"/>", "animates an event-handler or link attribute (attributeName=\"onclick\")")
        assertRefused("<animate attributeName=\"xlink:href\" values=\"#a;#b\"/>",
                      "animates an event-handler or link attribute (attributeName=\"xlink:href\")")
        assertRefused("<g xml:base=\"https://example.com/\"><rect/></g>", "sets xml:base, which changes where its links lead")
        XCTAssertEqual(scan("<?xml version=\"1.0\"?>\n<?xml-stylesheet type=\"text/xsl\" href=\"x.xsl\"?>\n<svg/>\n")?.finding,
                       "asks for a stylesheet to transform it (<?xml-stylesheet?>), which can make a page with scripts of it")
        XCTAssertEqual(scan("<?xml version=\"1.0\"?>\n<!DOCTYPE svg [\n<!ENTITY x \"&#60;script&#62;\">\n]>\n<svg>&x;</svg>\n")?.finding,
                       "has a DOCTYPE with declarations ([…])")
        XCTAssertEqual(scan("<!DOCTYPE svg>\n<!ATTLIST svg onload CDATA \"alert(1)\">\n<svg/>\n")?.finding,
                       "declares attributes in a DOCTYPE (<!ATTLIST>)")
        XCTAssertEqual(scan("<!DOCTYPE svg>\n<!ATTLIST svg onload CDATA \"alert(1)\">\n<svg/>\n")?.line, 2)
    }

    func testTextThatHidesMarkupFromTheScanIsRefused() {
        let utf16: [UInt8] = [0xFF, 0xFE] + Array("<svg><script>alert(1)</script></svg>".utf8).flatMap { [$0, 0] }
        XCTAssertEqual(ActiveContent.scan(utf16)?.finding, "is encoded in UTF-16 or UTF-32")
        XCTAssertEqual(ActiveContent.scan(Array("<svg><scr".utf8) + [0] + Array("ipt>".utf8))?.finding, "contains NUL bytes")
        // ISO-2022-JP: the escape sequence is not text to a browser, so it would read <script> here.
        XCTAssertEqual(ActiveContent.scan(Array("<svg><scr".utf8) + [0x1B, 0x28, 0x42] + Array("ipt>alert(1)</script></svg>".utf8))?.finding,
                       "contains escape bytes (0x1B)")
    }

    func testPlainDrawingsArePublished() {
        let plain = """
        <?xml version="1.0" encoding="UTF-8" standalone="no"?>
        <!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
        <!-- Generator: a diagram tool; comments may mention onions and script tags -->
        <?plantuml 1.2024.3?>
        <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 200 100" role="img" aria-label="Services">
          <title>Services &amp; queues</title>
          <defs>
            <linearGradient id="grad" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#fff"/><stop offset="1" stop-color="#ccf"/></linearGradient>
            <marker id="arrow" markerWidth="10" markerHeight="10" refX="5" refY="5" orient="auto"><path d="M0,0 L10,5 L0,10 z"/></marker>
            <symbol id="box"><rect width="40" height="20" rx="3"/></symbol>
            <clipPath id="clip"><circle cx="5" cy="5" r="5"/></clipPath>
          </defs>
          <style>
            .node { fill: url(#grad); stroke: #333; font: 12px sans-serif; }
            .edge { marker-end: url("#arrow"); }
            @font-face { font-family: Hand; src: url(data:font/woff2;base64,d09GMgABAAAAAA==) format("woff2"); }
            @import url(https://fonts.example.com/css?family=Inter);
          </style>
          <g class="node" clip-path="url(#clip)" transform="translate(10 10)">
            <use href="#box"/><use xlink:href="#box" x="50" xlink:actuate="onLoad" xlink:show="embed"/>
            <text x="5" y="15" font-family="Helvetica, sans-serif">API (read only: yes)</text>
          </g>
          <path class="edge" d="M 50 20 L 90 20" stroke-dasharray="4 2"/>
          <a href="#details"><text id="details" y="40">Details</text></a>
          <a href="https://example.com/runbook" target="_blank"><text y="60">Runbook</text></a>
          <a xlink:href="../decisions/0002-use-kafka.html"><text y="70">ADR-2</text></a>
          <image href="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk" width="1" height="1"/>
          <image xlink:href="photo.jpg" width="1" height="1"/>
          <animate attributeName="opacity" values="0;1" dur="1s"/>
          <text y="90">Scripts &lt;script&gt; are text here, and so is onion.</text>
        </svg>
        """
        XCTAssertNil(scan(plain))
        XCTAssertNil(scan("\u{FEFF}<svg xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"1\" height=\"1\"/></svg>"))
    }

    /// The scan does not parse: text that reads like an attribute or a tag is refused as well. A false alarm costs a
    /// diagram (re-export it, or reword a label), a missed handler would run in the site's origin.
    func testTextThatLooksActiveIsRefusedToo() {
        assertRefused("<text>onions = vegetables</text>", "has an event-handler attribute (onions=)")
        assertRefused("<!-- see <object> -->", "contains <object>")
    }

    /// Every check reads ahead of the byte it starts at: cut anywhere, a file still scans without reading past its end.
    func testEveryPrefixOfActiveContentScansSafely() {
        let pieces = ["<script", "<svg:script", "<!ENTITY", "<!DOCTYPE svg [", "<?xml-stylesheet", "onload =", "href=\"",
                      "href='jav&#x61;script:", "&#106", "&#x6A;", "&colon", "&lt", "url(", "url( 'data:text/html", "attributeName=\"on",
                      "xml:base =", "<use href=\"a.svg", "src=", "data:image/png;base64,", "\u{FEFF}<", "&", "<", "<!", "<?"]
        for piece in pieces {
            let bytes = Array(piece.utf8)
            for end in 0...bytes.count { _ = ActiveContent.scan(Array(bytes[..<end])) }
        }
        let all = Array(pieces.joined(separator: " ").utf8)
        for end in 0...all.count { _ = ActiveContent.scan(Array(all[..<end])) }
    }

    func testTypesFromFileNames() {
        let runs = "which can run scripts in the site's origin"
        XCTAssertEqual(ActiveContent.fileType(of: "a/report.HTML"), .document("an HTML file, \(runs)"))
        XCTAssertEqual(ActiveContent.fileType(of: "page.xhtml"), .document("an HTML file, \(runs)"))
        XCTAssertEqual(ActiveContent.fileType(of: "data.xml"), .document("an XML file, \(runs)"))
        XCTAssertEqual(ActiveContent.fileType(of: "t.xslt"), .document("an XSLT stylesheet, \(runs)"))
        XCTAssertEqual(ActiveContent.fileType(of: "saved.mhtml"), .document("a web archive (MHTML), \(runs)"))
        XCTAssertEqual(ActiveContent.fileType(of: "d.svgz"), .document("a compressed SVG, \(runs) and which archbook cannot check"))
        XCTAssertEqual(ActiveContent.fileType(of: "img/d.SVG"), .svg)
        XCTAssertEqual(ActiveContent.fileType(of: "img/d.png"), .inert)
        XCTAssertEqual(ActiveContent.fileType(of: "spec.pdf"), .inert)
        XCTAssertEqual(ActiveContent.fileType(of: "map.kml"), .unknown)
        XCTAssertEqual(ActiveContent.fileType(of: "LICENSE"), .unknown)
        XCTAssertEqual(ActiveContent.fileType(of: "a.b/LICENSE"), .unknown)
    }

    func testUnknownTypesAreScannedOnlyWhenTheyStartLikeMarkup() {
        XCTAssertTrue(ActiveContent.looksLikeMarkup(Array("\u{FEFF}\n  <kml>".utf8)))
        XCTAssertTrue(ActiveContent.looksLikeMarkup([0xFF, 0xFE, 0x3C, 0x00]))
        XCTAssertTrue(ActiveContent.looksLikeMarkup([0x3C, 0x00, 0x3F, 0x00]))
        XCTAssertFalse(ActiveContent.looksLikeMarkup(Array("MIT License\n<script>".utf8)))
        XCTAssertFalse(ActiveContent.looksLikeMarkup([0xFF, 0xD8, 0xFF, 0xE0]))
        XCTAssertFalse(ActiveContent.looksLikeMarkup([]))
    }
}
