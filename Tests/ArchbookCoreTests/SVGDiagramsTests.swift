// The handbook's SVG diagrams: exact markup for small inputs, layout invariants, escaping, determinism, scale.

import XCTest
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import ArchbookCore

final class SVGDiagramsTests: XCTestCase {
    // MARK: Helpers

    struct Group {
        var classes: [String]
        var x: Double
        var y: Double
        var tooltip: String
    }

    /// Every `<g class="node…">`/`<g class="entry…">` with its translation and the text of its first `<title>`.
    func groups(_ svg: String, _ base: String = "node") -> [Group] {
        var result: [Group] = []
        var rest = Substring(svg)
        let opening = "<g class=\"\(base)"
        while let start = rest.range(of: opening) {
            let tail = rest[start.lowerBound...]
            let classEnd = tail[tail.index(start.lowerBound, offsetBy: 10)...].firstIndex(of: "\"")!
            let classes = tail[tail.index(start.lowerBound, offsetBy: 10)..<classEnd].split(separator: " ").map(String.init)
            let translate = tail.range(of: "transform=\"translate(")!
            let close = tail[translate.upperBound...].firstIndex(of: ")")!
            let numbers = tail[translate.upperBound..<close].split(separator: ",").map { Double($0)! }
            let titleStart = tail.range(of: "<title>")!
            let titleEnd = tail.range(of: "</title>")!
            result.append(Group(classes: classes, x: numbers[0], y: numbers[1],
                                tooltip: String(tail[titleStart.upperBound..<titleEnd.lowerBound])))
            rest = tail[titleEnd.upperBound...]
        }
        return result
    }

    func group(_ svg: String, tooltipPrefix: String, _ base: String = "node") -> Group? {
        groups(svg, base).first { $0.tooltip.hasPrefix(tooltipPrefix) }
    }

    /// Elements are written one per line, so counting lines by their start counts elements.
    func lines(startingWith prefix: String, in svg: String) -> Int {
        svg.split(separator: "\n").filter { $0.hasPrefix(prefix) }.count
    }

    /// Parses the SVG as XML and returns every element name and attribute name, failing on malformed markup.
    func parse(_ svg: String, file: StaticString = #filePath, line: UInt = #line) -> (elements: Set<String>, attributes: Set<String>) {
        final class Collector: NSObject, XMLParserDelegate {
            var elements = Set<String>()
            var attributes = Set<String>()
            func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                        qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
                elements.insert(elementName)
                attributes.formUnion(attributeDict.keys)
            }
        }
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = Collector()
        parser.delegate = collector
        XCTAssertTrue(parser.parse(), "not well-formed: \(String(describing: parser.parserError))", file: file, line: line)
        return (collector.elements, collector.attributes)
    }

    /// Deterministic pseudo-random numbers, so the large and shuffled inputs are the same on every run.
    struct LCG {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    func decision(_ n: Int, _ title: String, status: String? = "accepted", date: String? = nil) -> DiagramNode {
        let number = String(repeating: "0", count: 4 - String(n).count) + String(n)
        return DiagramNode(key: "decisions/\(number).md", label: "ADR-\(number)", title: title,
                           href: "../decisions/\(number).html", status: status, kind: "decision", date: date)
    }

    // MARK: relationGraph

    func testTinyGraphMarkup() {
        let nodes = [
            decision(1, "Use RabbitMQ", status: "superseded"),
            decision(2, "Use Kafka"),
        ]
        let svg = SVGDiagrams.relationGraph(nodes: nodes, edges: [DiagramEdge(from: 1, to: 0, relation: "supersedes")],
                                            title: "Tiny")
        XCTAssertTrue(svg.hasPrefix("""
            <svg xmlns="http://www.w3.org/2000/svg" class="archbook-graph archbook-relations" viewBox="0 0 592 78" \
            width="592" height="78" role="group" aria-labelledby="graph-tiny-title" aria-describedby="graph-tiny-desc" \
            font-family="sans-serif" font-size="12">
            <title id="graph-tiny-title">Tiny</title>
            <desc id="graph-tiny-desc">2 documents, 1 relation.</desc>

            """), svg)
        XCTAssertTrue(svg.hasSuffix("</svg>\n"))
        XCTAssertTrue(svg.contains("""
            <marker id="graph-tiny-arrow-supersedes" class="arrow rel-supersedes" viewBox="0 0 10 10" refX="9" refY="5" \
            markerWidth="7" markerHeight="7" orient="auto"><path class="arrowhead" d="M0,0 L10,5 L0,10 z"/></marker>
            """), svg)
        XCTAssertEqual(lines(startingWith: "<marker ", in: svg), 1)
        XCTAssertTrue(svg.contains("""
            <path class="edge rel-supersedes" d="M336,39 L256,39" fill="none" \
            marker-end="url(#graph-tiny-arrow-supersedes)"><title>ADR-0002 supersedes ADR-0001</title></path>
            """), svg)
        XCTAssertTrue(svg.contains("""
            <a href="../decisions/0002.html">
            <g class="node status-accepted kind-decision" transform="translate(336,16)">
            <title>ADR-0002: Use Kafka (accepted)</title>
            <rect width="240" height="46" rx="6"/>
            <g clip-path="url(#graph-tiny-clip)">
            <text class="node-label" x="10" y="19">ADR-0002</text>
            <text class="node-title" x="10" y="36">Use Kafka</text>
            </g>
            </g>
            </a>
            """), svg)
        XCTAssertTrue(svg.contains("""
            <a href="../decisions/0001.html">
            <g class="node status-superseded kind-decision" transform="translate(16,16)">
            <title>ADR-0001: Use RabbitMQ (superseded)</title>
            """), svg)
        XCTAssertFalse(svg.contains("style"))
        let parsed = parse(svg)
        XCTAssertFalse(parsed.attributes.contains("style"))
        XCTAssertFalse(parsed.elements.contains("style"))
    }

    func testSupersedingAndAmendingDocumentsSitRightOfWhatTheyReplace() {
        // 1 ← 2 ← 3 (supersedes), 4 amends 3, 5 supersedes 1 directly, 6 mentions 2.
        let nodes = (1...6).map { decision($0, "Decision \($0)") }
        let edges = [
            DiagramEdge(from: 1, to: 0, relation: "supersedes"),
            DiagramEdge(from: 2, to: 1, relation: "supersedes"),
            DiagramEdge(from: 3, to: 2, relation: "amends"),
            DiagramEdge(from: 4, to: 0, relation: "supersedes"),
            DiagramEdge(from: 5, to: 1, relation: "links"),
        ]
        let svg = SVGDiagrams.relationGraph(nodes: nodes, edges: edges, title: "Layers")
        let found = groups(svg)
        XCTAssertEqual(found.count, 6)
        func x(_ i: Int) -> Double { group(svg, tooltipPrefix: nodes[i].label + ":")!.x }
        for e in edges {
            XCTAssertGreaterThan(x(e.from), x(e.to), "\(e)")
        }
        // Longest path: 1, 2, 3, 4 occupy four distinct columns.
        XCTAssertEqual(Set([0, 1, 2, 3].map(x)).count, 4)
        XCTAssertEqual(x(0), 16)
    }

    func testCyclesAreStillLayeredAndSupersedesWinsOverAMention() {
        let nodes = (1...3).map { decision($0, "Decision \($0)") }
        // Each chain is a cycle closed by a plain mention: the mention is what gets laid out backwards, whichever
        // end of the chain comes first in key order.
        let chains = [[0, 1, 2], [2, 1, 0]]
        for chain in chains {
            let edges = [
                DiagramEdge(from: chain[1], to: chain[0], relation: "supersedes"),
                DiagramEdge(from: chain[2], to: chain[1], relation: "supersedes"),
                DiagramEdge(from: chain[0], to: chain[2], relation: "links"),
            ]
            let svg = SVGDiagrams.relationGraph(nodes: nodes, edges: edges, title: "Cycle")
            XCTAssertEqual(groups(svg).count, 3)
            XCTAssertEqual(lines(startingWith: "<path class=\"edge", in: svg), 3)
            let xs = chain.map { group(svg, tooltipPrefix: nodes[$0].label + ":")!.x }
            XCTAssertLessThan(xs[0], xs[1], "\(chain)")
            XCTAssertLessThan(xs[1], xs[2], "\(chain)")
        }
    }

    func testLongEdgesAreRoutedAroundBoxesInBetween() {
        // 3 supersedes 2 supersedes 1, and 3 also amends 1: that edge crosses the middle column.
        let nodes = (1...3).map { decision($0, "Decision \($0)") }
        let edges = [
            DiagramEdge(from: 1, to: 0, relation: "supersedes"),
            DiagramEdge(from: 2, to: 1, relation: "supersedes"),
            DiagramEdge(from: 2, to: 0, relation: "amends"),
        ]
        let svg = SVGDiagrams.relationGraph(nodes: nodes, edges: edges, title: "Long")
        let middle = group(svg, tooltipPrefix: "ADR-0002:")!
        let line = svg.split(separator: "\n").first { $0.contains("rel-amends\" d=") }!
        let d = line.split(separator: "\"")[3]
        let points = d.split(whereSeparator: { $0 == " " || $0 == "M" || $0 == "L" || $0 == "C" })
            .map { $0.split(separator: ",").map { Double($0)! } }
        // The edge crosses the middle column on a straight run, entering and leaving at its sides, clear of its box.
        let inColumn = points.filter { $0[0] == middle.x || $0[0] == middle.x + 240 }
        XCTAssertEqual(inColumn.count, 2, String(d))
        for p in inColumn {
            XCTAssertTrue(p[1] < middle.y || p[1] > middle.y + 46, "edge at y=\(p[1]) crosses box at \(middle.y)")
        }
        XCTAssertEqual(inColumn.first?[1], inColumn.last?[1])
    }

    func testDeterministicAndIndependentOfInputOrder() {
        var random = LCG(state: 42)
        let nodes = (1...60).map { decision($0, "Decision number \($0)") }
        let relations = ["supersedes", "amends", "relates-to", "links"]
        let edges = (0..<90).map { _ in
            DiagramEdge(from: random.next(60), to: random.next(60), relation: relations[random.next(4)])
        }
        let first = SVGDiagrams.relationGraph(nodes: nodes, edges: edges, title: "All")
        XCTAssertEqual(first, SVGDiagrams.relationGraph(nodes: nodes, edges: edges, title: "All"))
        // Edges in reverse order and every edge twice: same picture.
        XCTAssertEqual(first, SVGDiagrams.relationGraph(nodes: nodes, edges: edges.reversed() + edges, title: "All"))
        // Nodes shuffled (edges remapped): same picture, because layout works in key order.
        var order = Array(nodes.indices)
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, random.next(i + 1)) }
        XCTAssertNotEqual(order, Array(nodes.indices))
        var position = [Int](repeating: 0, count: nodes.count)
        for (p, i) in order.enumerated() { position[i] = p }
        let shuffled = SVGDiagrams.relationGraph(
            nodes: order.map { nodes[$0] },
            edges: edges.map { DiagramEdge(from: position[$0.from], to: position[$0.to], relation: $0.relation) },
            title: "All")
        XCTAssertEqual(first, shuffled)
        _ = parse(first)
    }

    func testSelfLoopsDuplicatesAndOutOfRangeEdges() {
        let nodes = [decision(1, "One"), decision(2, "Two"), decision(3, "Three")]
        let edges = [
            DiagramEdge(from: 0, to: 0, relation: "links"),
            DiagramEdge(from: 1, to: 0, relation: "supersedes"),
            DiagramEdge(from: 1, to: 0, relation: "supersedes"),
            DiagramEdge(from: 1, to: 0, relation: "links"),
            DiagramEdge(from: 1, to: 7, relation: "links"),
            DiagramEdge(from: -1, to: 0, relation: "links"),
            DiagramEdge(from: 2, to: 2, relation: "amends"),
        ]
        let svg = SVGDiagrams.relationGraph(nodes: nodes, edges: edges, title: "Edges")
        XCTAssertEqual(lines(startingWith: "<path class=\"edge", in: svg), 1)
        // A plain mention next to a supersedes between the same pair is one edge, classed by the stronger one.
        XCTAssertTrue(svg.contains("<title>ADR-0002 supersedes, links ADR-0001</title>"), svg)
        // The third document only has a self-loop, so it counts as isolated.
        XCTAssertEqual(groups(svg).count, 2)
        XCTAssertTrue(svg.contains("<desc id=\"graph-edges-desc\">2 documents, 1 relation; 1 document without relations not shown.</desc>"), svg)
        let all = SVGDiagrams.relationGraph(nodes: nodes, edges: edges, title: "Edges", includeIsolated: true)
        XCTAssertEqual(groups(all).count, 3)
        XCTAssertTrue(all.contains("<desc id=\"graph-edges-desc\">3 documents, 1 relation.</desc>"), all)
    }

    func testFocusNodeAndMissingStatusInRelationGraph() {
        var nodes = [decision(1, "One", status: nil), decision(2, "Two")]
        nodes[1].isFocus = true
        nodes[0].kind = nil
        let svg = SVGDiagrams.relationGraph(nodes: nodes, edges: [DiagramEdge(from: 1, to: 0, relation: "Relates to")],
                                            title: "Focus")
        XCTAssertEqual(group(svg, tooltipPrefix: "ADR-0002:")?.classes, ["node", "status-accepted", "kind-decision", "focus"])
        XCTAssertEqual(group(svg, tooltipPrefix: "ADR-0001")?.classes, ["node"])
        XCTAssertEqual(group(svg, tooltipPrefix: "ADR-0001")?.tooltip, "ADR-0001: One")
        XCTAssertTrue(svg.contains("class=\"edge rel-relates-to\""))
        XCTAssertTrue(svg.contains("marker-end=\"url(#graph-focus-arrow-relates-to)\""))
    }

    func testTwoThousandNodes() {
        var random = LCG(state: 7)
        let nodes = (0..<2000).map { i in
            DiagramNode(key: "docs/\(i).md", label: "DOC-\(i)", title: "Document \(i)",
                        status: ["accepted", "superseded", "proposed"][i % 3], kind: "decision")
        }
        let relations = ["supersedes", "amends", "relates-to", "links"]
        let edges = (0..<3000).map { _ in
            DiagramEdge(from: random.next(2000), to: random.next(2000), relation: relations[random.next(4)])
        }
        let svg = SVGDiagrams.relationGraph(nodes: nodes, edges: edges, title: "Big", includeIsolated: true)
        XCTAssertEqual(lines(startingWith: "<g class=\"node", in: svg), 2000)
        XCTAssertTrue(svg.contains("<desc id=\"graph-big-desc\">2000 documents, "))
    }

    // MARK: Escaping and text

    func testHostileTextIsInert() {
        let nodes = [
            DiagramNode(key: "a", label: "ADR-1\" onmouseover=\"x", title: "<script>alert(1)</script>",
                        href: "a.html\" onclick=\"alert(1)", status: "accepted\" onload=\"x", kind: "<b>"),
            DiagramNode(key: "b", label: "ADR-2", title: "\"><img onerror=x>", href: "b.html"),
        ]
        let edges = [DiagramEdge(from: 1, to: 0, relation: "\"><script>")]
        let outputs = [
            SVGDiagrams.relationGraph(nodes: nodes, edges: edges, title: "</title><script>x</script>"),
            SVGDiagrams.neighbourhood(nodes: nodes, edges: edges, focus: 0, title: "'\"<>&"),
            SVGDiagrams.timeline(nodes: nodes, edges: edges, title: "<svg onload=x>"),
        ]
        for svg in outputs {
            XCTAssertFalse(svg.contains("<script"), svg)
            XCTAssertFalse(svg.contains("<img"), svg)
            XCTAssertFalse(svg.contains("<b>"), svg)
            let parsed = parse(svg)
            XCTAssertTrue(parsed.elements.isSubset(of: [
                "svg", "title", "desc", "defs", "marker", "clipPath", "path", "rect", "g", "a", "text", "circle", "line",
            ]), "\(parsed.elements)")
            XCTAssertEqual(parsed.attributes.filter { $0.lowercased().hasPrefix("on") }, [], svg)
            XCTAssertTrue(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), svg)
            XCTAssertTrue(svg.contains("&quot;&gt;&lt;img onerror=x&gt;"), svg)
        }
        XCTAssertTrue(outputs[0].contains("<a href=\"a.html&quot; onclick=&quot;alert(1)\">"), outputs[0])
        XCTAssertTrue(outputs[0].contains("<g class=\"node status-accepted-onload-x kind-b\""), outputs[0])
        XCTAssertTrue(outputs[0].contains("<title id=\"graph-title-script-x-script-title\">&lt;/title&gt;&lt;script&gt;x&lt;/script&gt;</title>"), outputs[0])
        XCTAssertTrue(outputs[0].contains("class=\"edge rel-script\""), outputs[0])
    }

    func testEscape() {
        XCTAssertEqual(SVGDiagrams.escape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&#39;f")
        XCTAssertEqual(SVGDiagrams.escape("Überblick — 決定 ✓"), "Überblick — 決定 ✓")
        XCTAssertEqual(SVGDiagrams.escape("tab\tnew\nbell\u{7}"), "tab\tnew\nbell\u{FFFD}")
        XCTAssertEqual(SVGDiagrams.escape("&amp;"), "&amp;amp;")
    }

    func testLongTitlesAreTruncatedToTheBox() {
        let long = "Stream tracking events through Kafka instead of RabbitMQ"
        let nodes = [decision(1, long), decision(2, "決定を記録する決定を記録する決定を記録する決定を記録する")]
        let svg = SVGDiagrams.relationGraph(nodes: nodes, edges: [DiagramEdge(from: 1, to: 0, relation: "links")],
                                            title: "Truncation")
        XCTAssertTrue(svg.contains("<text class=\"node-title\" x=\"10\" y=\"36\">Stream tracking events thro…</text>"), svg)
        // Wide characters take two columns each: 13 of them plus the ellipsis.
        XCTAssertTrue(svg.contains("<text class=\"node-title\" x=\"10\" y=\"36\">決定を記録する決定を記録す…</text>"), svg)
        // The tooltip keeps the whole title.
        XCTAssertTrue(svg.contains("<title>ADR-0001: \(long) (accepted)</title>"))
        XCTAssertEqual(SVGDiagrams.truncated("exactly twenty-eight chars!!", 28), "exactly twenty-eight chars!!")
        XCTAssertEqual(SVGDiagrams.truncated("exactly twenty-eight chars!!!", 28), "exactly twenty-eight chars!…")
        XCTAssertEqual(SVGDiagrams.truncated("a  b\n c", 28), "a b c")
    }

    func testNumbersAndIdentifiers() {
        XCTAssertEqual(SVGDiagrams.num(3), "3")
        XCTAssertEqual(SVGDiagrams.num(88.5), "88.5")
        XCTAssertEqual(SVGDiagrams.num(1.26), "1.3")
        XCTAssertEqual(SVGDiagrams.num(-2.5), "-2.5")
        XCTAssertEqual(SVGDiagrams.num(-0.04), "0")
        XCTAssertEqual(SVGDiagrams.num(1234567.0), "1234567")
        let a = SVGDiagrams.relationGraph(nodes: [], edges: [], title: "決定")
        let b = SVGDiagrams.relationGraph(nodes: [], edges: [], title: "記録")
        let idA = a.split(separator: "\"").first { $0.hasPrefix("graph-h") }
        let idB = b.split(separator: "\"").first { $0.hasPrefix("graph-h") }
        XCTAssertNotNil(idA)
        XCTAssertNotNil(idB)
        XCTAssertNotEqual(idA, idB)
    }

    // MARK: Empty input

    func testEmptyInputs() {
        let empty = SVGDiagrams.relationGraph(nodes: [], edges: [], title: "Relations")
        XCTAssertEqual(empty, """
            <svg xmlns="http://www.w3.org/2000/svg" class="archbook-graph archbook-relations empty" viewBox="0 0 320 48" \
            width="320" height="48" role="group" aria-labelledby="graph-relations-title" aria-describedby="graph-relations-desc" \
            font-family="sans-serif" font-size="12">
            <title id="graph-relations-title">Relations</title>
            <desc id="graph-relations-desc">Nothing to show: no documents.</desc>
            <text class="empty-message" x="16" y="28">Nothing to show: no documents.</text>
            </svg>

            """)
        let unrelated = SVGDiagrams.relationGraph(nodes: [decision(1, "One")], edges: [], title: "Relations")
        XCTAssertTrue(unrelated.contains("<desc id=\"graph-relations-desc\">Nothing to show: no relations between documents.</desc>"), unrelated)
        let timeline = SVGDiagrams.timeline(nodes: [], edges: [], title: "Log")
        XCTAssertTrue(timeline.contains("<desc id=\"timeline-log-desc\">Nothing to show: no documents.</desc>"), timeline)
        let neighbourhood = SVGDiagrams.neighbourhood(nodes: [], edges: [], focus: 0, title: "ADR")
        XCTAssertTrue(neighbourhood.contains("<desc id=\"neighbourhood-adr-desc\">Nothing to show: no such document.</desc>"), neighbourhood)
        for svg in [empty, unrelated, timeline, neighbourhood] { _ = parse(svg) }
    }

    // MARK: neighbourhood

    func testNeighbourhoodColumns() {
        let nodes = [
            decision(1, "Old", status: "superseded"),
            decision(2, "Focus"),
            decision(3, "Newer"),
            decision(4, "Amendment"),
            decision(5, "Unrelated"),
        ]
        let edges = [
            DiagramEdge(from: 1, to: 0, relation: "supersedes"),
            DiagramEdge(from: 2, to: 1, relation: "links"),
            DiagramEdge(from: 3, to: 1, relation: "amends"),
            DiagramEdge(from: 3, to: 4, relation: "links"),
        ]
        let svg = SVGDiagrams.neighbourhood(nodes: nodes, edges: edges, focus: 1, title: "ADR-0002")
        let found = groups(svg)
        XCTAssertEqual(found.count, 4)
        let focus = group(svg, tooltipPrefix: "ADR-0002:")!
        XCTAssertEqual(focus.classes, ["node", "status-accepted", "kind-decision", "focus"])
        let old = group(svg, tooltipPrefix: "ADR-0001:")!
        let newer = group(svg, tooltipPrefix: "ADR-0003:")!
        let amendment = group(svg, tooltipPrefix: "ADR-0004:")!
        XCTAssertLessThan(newer.x, focus.x)
        XCTAssertLessThan(amendment.x, focus.x)
        XCTAssertGreaterThan(old.x, focus.x)
        XCTAssertNil(group(svg, tooltipPrefix: "ADR-0005:"))
        // The stronger relation comes first in its column.
        XCTAssertLessThan(amendment.y, newer.y)
        XCTAssertTrue(svg.contains(">amends</text>"))
        XCTAssertTrue(svg.contains(">links</text>"))
        XCTAssertTrue(svg.contains(">supersedes</text>"))
        XCTAssertTrue(svg.contains("<desc id=\"neighbourhood-adr-0002-desc\">ADR-0002: 2 documents referring to it, 1 document it refers to.</desc>"), svg)
        XCTAssertEqual(lines(startingWith: "<path class=\"edge", in: svg), 3)
        _ = parse(svg)
    }

    func testNeighbourhoodColumnsGrowWithManyNeighbours() {
        var nodes = [decision(1, "Hub")]
        var edges: [DiagramEdge] = []
        for i in 1...40 {
            nodes.append(decision(i + 1, "Mentions the hub"))
            edges.append(DiagramEdge(from: i, to: 0, relation: "links"))
        }
        let svg = SVGDiagrams.neighbourhood(nodes: nodes, edges: edges, focus: 0, title: "Hub")
        let left = groups(svg).filter { !$0.classes.contains("focus") }
        XCTAssertEqual(left.count, 40)
        XCTAssertEqual(Set(left.map(\.x)).count, 1)
        let ys = left.map(\.y).sorted()
        for (a, b) in zip(ys, ys.dropFirst()) { XCTAssertGreaterThanOrEqual(b - a, 46) }
        let height = Double(svg.split(separator: "\"").drop { !$0.hasSuffix("height=") }.dropFirst().first!)!
        XCTAssertGreaterThanOrEqual(height, ys.last! + 46)
        let focus = groups(svg).first { $0.classes.contains("focus") }!
        XCTAssertGreaterThan(focus.y, ys.first!)
        XCTAssertLessThan(focus.y, ys.last!)
    }

    func testDocumentRelatedBothWaysAppearsInBothColumns() {
        let nodes = [decision(1, "One"), decision(2, "Two")]
        let edges = [DiagramEdge(from: 0, to: 1, relation: "relates-to"), DiagramEdge(from: 1, to: 0, relation: "links")]
        let svg = SVGDiagrams.neighbourhood(nodes: nodes, edges: edges, focus: 0, title: "Both")
        let others = groups(svg).filter { $0.tooltip.hasPrefix("ADR-0002") }
        XCTAssertEqual(others.count, 2)
        let focus = group(svg, tooltipPrefix: "ADR-0001")!
        XCTAssertEqual(others.filter { $0.x < focus.x }.count, 1)
        XCTAssertEqual(others.filter { $0.x > focus.x }.count, 1)
    }

    // MARK: timeline

    func testTimelineRowsFollowInputOrder() {
        // Deliberately not in key order: the caller decides the order.
        let nodes = [
            decision(7, "Seventh", date: "2021-01-01"),
            decision(2, "Second", status: "superseded", date: "2022-06-30"),
            decision(9, "Ninth", status: "proposed", date: "2023-03-05"),
            DiagramNode(key: "notes/x.md", label: "", title: "Undated note"),
        ]
        let edges = [
            DiagramEdge(from: 2, to: 1, relation: "supersedes"),
            DiagramEdge(from: 2, to: 0, relation: "amends"),
        ]
        let svg = SVGDiagrams.timeline(nodes: nodes, edges: edges, title: "Decision log")
        let rows = groups(svg, "entry")
        XCTAssertEqual(rows.map(\.tooltip), [
            "ADR-0007: Seventh (accepted)", "ADR-0002: Second (superseded)", "ADR-0009: Ninth (proposed)", "Undated note",
        ])
        XCTAssertEqual(rows.map(\.y), [16, 44, 72, 100])
        XCTAssertEqual(rows[1].classes, ["entry", "status-superseded", "kind-decision"])
        XCTAssertTrue(svg.contains("<text class=\"date\" x=\"58\" y=\"18\">2022-06-30</text>"), svg)
        XCTAssertTrue(svg.contains("""
            <a href="../decisions/0002.html">
            <text class="label" x="144" y="18">ADR-0002</text>
            <text class="title" x="240" y="18">Second</text>
            </a>
            """), svg)
        // The supersedes arc spans one row and sits in the inner lane; the amends arc spans two, one lane out.
        XCTAssertTrue(svg.contains("<path class=\"edge rel-supersedes\" d=\"M37,86 C23.7,86 23.7,58 37,58\""), svg)
        XCTAssertTrue(svg.contains("<path class=\"edge rel-amends\" d=\"M37,86 C10.3,86 10.3,30 37,30\""), svg)
        XCTAssertTrue(svg.contains("marker-end=\"url(#timeline-decision-log-arrow-supersedes)\""))
        XCTAssertTrue(svg.contains("<desc id=\"timeline-decision-log-desc\">4 documents, 2 relations, dated 2021-01-01 to 2023-03-05.</desc>"), svg)
        XCTAssertEqual(svg, SVGDiagrams.timeline(nodes: nodes, edges: edges.reversed(), title: "Decision log"))
        _ = parse(svg)
    }
}
