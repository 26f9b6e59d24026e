// The rewrites of cmark-gfm's HTML (links, images, heading ids, tables, task boxes, ID mentions), exactly.

@testable import ArchbookCore
import XCTest

final class BodyRendererTests: XCTestCase {
    /// Every kind of rewrite, among text full of the bytes the scanner once stopped at (`h`, `s`, `<` as `&lt;`)
    /// and a marker written by hand in prose and code, which must stay text.
    static let markdown = """
        # Title

        She shows [the plan](plan.md#steps) and ![a chart](chart.png), see ADR-5 and ADR-9 or [away](https://example.com).

        ## Steps & 1 < 2

        | Which | State |
        |---|---|
        | [bad](missing.md) | `href="archbook:0"` |

        - [x] shipped
        - [ ] href="archbook:1" src="archbook:2"

        ## Steps & 1 < 2

        [js](javascript:alert(1)) and [top](plan.md#nowhere).

        """

    func render(rawHTML: Bool) -> RenderedBody {
        BodyRenderer(allowRawHTML: rawHTML).render(
            body: ArraySlice(Array(Self.markdown.utf8)), lineOffset: 0, anchors: [5: "steps--risks"], dropLine: 1,
            resolve: { url in
                switch url {
                case "plan.md#steps": return .page(href: "plan.html#steps", document: 3)
                case "chart.png": return .file(href: "chart.png", path: "docs/chart.png")
                case "https://example.com": return .external(url)
                case "plan.md#nowhere": return .brokenAnchor(href: "plan.html", document: 3, reason: "no heading 'nowhere'")
                case "javascript:alert(1)": return .unsafe
                default: return .broken(reason: "no file \(url)")
                }
            },
            mention: { prefix, number in prefix == "ADR" && number == 5 ? (href: "adr-5.html", document: 7) : nil },
            idPrefixes: ["ADR"])
    }

    func testEveryRewriteIsExact() {
        let body = render(rawHTML: false)
        XCTAssertEqual(body.html, """
            <p>She shows <a href="plan.html#steps">the plan</a> and <img src="chart.png" alt="a chart" />, see <a href="adr-5.html">ADR-5</a> and ADR-9 or <a href="https://example.com" rel="noopener noreferrer">away</a>.</p>
            <h2 id="steps--risks">Steps &amp; 1 &lt; 2</h2>
            <div class="table-wrap" role="region" tabindex="0" aria-label="Table 1"><table>
            <thead>
            <tr>
            <th>Which</th>
            <th>State</th>
            </tr>
            </thead>
            <tbody>
            <tr>
            <td><a class="broken-link" title="no file missing.md">bad</a></td>
            <td><code>href=&quot;archbook:0&quot;</code></td>
            </tr>
            </tbody>
            </table></div>
            <ul>
            <li><input type="checkbox" aria-label="Done" checked="" disabled="" /> shipped</li>
            <li><input type="checkbox" aria-label="Not done" disabled="" /> href=&quot;archbook:1&quot; src=&quot;archbook:2&quot;</li>
            </ul>
            <h2 id="steps--1--2">Steps &amp; 1 &lt; 2</h2>
            <p><a class="unsafe-link" title="Link removed: its scheme could run code">js</a> and <a href="plan.html" class="broken-link" title="no heading &#39;nowhere&#39;">top</a>.</p>

            """)
        XCTAssertEqual(body.references, [3, 7])
        XCTAssertEqual(body.files, ["docs/chart.png"])
    }

    /// With raw HTML allowed the HTML is scanned byte by byte (a document may write the markers itself); a document
    /// without raw HTML comes out the same either way.
    func testBothScansGiveTheSameHTML() {
        XCTAssertEqual(render(rawHTML: true).html, render(rawHTML: false).html)
    }
}
