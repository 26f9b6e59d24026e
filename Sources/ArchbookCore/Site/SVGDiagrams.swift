// Inline SVG diagrams for the published handbook (relation graph, one document's neighbourhood, decision
// timeline), styled only through CSS classes because the pages' Content-Security-Policy forbids inline styles.

public struct DiagramNode: Sendable, Equatable {
    public var key: String
    public var label: String
    public var title: String
    public var href: String?
    public var status: String?
    public var kind: String?
    public var date: String?
    public var isFocus: Bool

    public init(key: String, label: String, title: String, href: String? = nil, status: String? = nil,
                kind: String? = nil, date: String? = nil, isFocus: Bool = false) {
        self.key = key
        self.label = label
        self.title = title
        self.href = href
        self.status = status
        self.kind = kind
        self.date = date
        self.isFocus = isFocus
    }
}

public struct DiagramEdge: Sendable, Equatable {
    public var from: Int
    public var to: Int
    public var relation: String

    public init(from: Int, to: Int, relation: String) {
        self.from = from
        self.to = to
        self.relation = relation
    }
}

public enum SVGDiagrams {
    /// Whole-handbook relation graph, laid out left to right in layers so that a document sits to the right of
    /// everything it supersedes, amends or links to. Connected components are stacked top to bottom, largest
    /// first; documents without relations are only drawn (in a grid at the end) when `includeIsolated`.
    /// The output does not depend on the order of `nodes` or `edges`, only on their content.
    public static func relationGraph(nodes: [DiagramNode], edges: [DiagramEdge], title: String,
                                     includeIsolated: Bool = false) -> String {
        let ids = IDs(prefix: "graph", title: title)
        // Working in key order makes the picture independent of the order the caller collected documents in.
        let order = nodes.indices.sorted { (nodes[$0].key, $0) < (nodes[$1].key, $1) }
        var rankOf = [Int](repeating: 0, count: nodes.count)
        for (r, i) in order.enumerated() { rankOf[i] = r }
        let sorted = order.map { nodes[$0] }
        let links = normalisedLinks(edges, count: nodes.count, remap: rankOf)

        let n = sorted.count
        var neighbours = [[Int]](repeating: [], count: n)
        for l in links {
            neighbours[l.from].append(l.to)
            neighbours[l.to].append(l.from)
        }
        var componentOf = [Int](repeating: -1, count: n)
        var components: [[Int]] = []
        for root in 0..<n where componentOf[root] < 0 && !neighbours[root].isEmpty {
            let c = components.count
            var members: [Int] = []
            var stack = [root]
            componentOf[root] = c
            while let v = stack.popLast() {
                members.append(v)
                for w in neighbours[v] where componentOf[w] < 0 {
                    componentOf[w] = c
                    stack.append(w)
                }
            }
            members.sort()
            components.append(members)
        }
        let isolated = (0..<n).filter { neighbours[$0].isEmpty }
        let shownCount = n - (includeIsolated ? 0 : isolated.count)
        if shownCount == 0 {
            return emptyDocument(ids: ids, kindClass: "archbook-relations", title: title,
                                 reason: n == 0 ? "no documents" : "no relations between documents")
        }
        // Largest first; the smallest member (key order) breaks ties.
        let componentOrder = components.indices.sorted {
            (components[$1].count, components[$0][0]) < (components[$0].count, components[$1][0])
        }
        var linksOf = [[Int]](repeating: [], count: components.count)
        for (li, l) in links.enumerated() { linksOf[componentOf[l.from]].append(li) }

        var x = [Double](repeating: 0, count: n)
        var y = [Double](repeating: 0, count: n)
        var routes = [[Point]](repeating: [], count: links.count)
        var top = Geometry.margin
        var contentWidth = 0.0
        for c in componentOrder {
            let members = components[c]
            var local = [Int: Int](minimumCapacity: members.count)
            for (i, v) in members.enumerated() { local[v] = i }
            let localLinks = linksOf[c].map { li -> LayoutLink in
                let l = links[li]
                return LayoutLink(from: local[l.from]!, to: local[l.to]!, strength: relationRank(l.relations[0]))
            }
            let layout = LayeredLayout(count: members.count, links: localLinks)
            for (i, v) in members.enumerated() {
                x[v] = Geometry.margin + layout.x[i]
                y[v] = top + layout.y[i]
            }
            for (k, li) in linksOf[c].enumerated() {
                routes[li] = layout.routes[k].map { Point(x: $0.x + Geometry.margin, y: $0.y + top) }
            }
            top += layout.height + Geometry.componentGap
            contentWidth = max(contentWidth, layout.width)
        }
        if includeIsolated && !isolated.isEmpty {
            let step = Geometry.nodeWidth + Geometry.gridGap
            let fitting = Int((contentWidth + Geometry.gridGap) / step)
            let columns = max(1, min(isolated.count, components.isEmpty ? 6 : max(fitting, 1)))
            for (i, v) in isolated.enumerated() {
                x[v] = Geometry.margin + Double(i % columns) * step
                y[v] = top + Double(i / columns) * (Geometry.nodeHeight + Geometry.gridGap)
            }
            let rows = (isolated.count + columns - 1) / columns
            top += Double(rows) * (Geometry.nodeHeight + Geometry.gridGap) - Geometry.gridGap + Geometry.componentGap
            contentWidth = max(contentWidth, Double(columns) * step - Geometry.gridGap)
        }
        let width = contentWidth + 2 * Geometry.margin
        let height = top - Geometry.componentGap + Geometry.margin

        var body = "<g class=\"edges\">\n"
        for (li, l) in links.enumerated() {
            let text = displayLabel(sorted[l.from]) + " " + l.relations.joined(separator: ", ") + " "
                + displayLabel(sorted[l.to])
            body += edgePath(routes[li], relation: l.relations[0], ids: ids, tooltip: text)
        }
        body += "</g>\n<g class=\"documents\">\n"
        for v in 0..<n where includeIsolated || !neighbours[v].isEmpty {
            body += nodeBox(sorted[v], x: x[v], y: y[v], focus: sorted[v].isFocus, ids: ids)
        }
        body += "</g>\n"
        var desc = count(shownCount, "document") + ", " + count(links.count, "relation")
        if !includeIsolated && !isolated.isEmpty {
            desc += "; " + count(isolated.count, "document") + " without relations not shown"
        }
        desc += "."
        return document(ids: ids, kindClass: "archbook-relations", title: title, desc: desc,
                        width: width, height: height, defs: markers(links, ids: ids) + clipPath(ids), body: body)
    }

    /// Neighbourhood of `nodes[focus]`: documents pointing at it in a left column, the focus in the middle,
    /// documents it points to in a right column, each edge labelled with its relations. Edges not touching
    /// the focus are ignored; a document related both ways appears in both columns.
    public static func neighbourhood(nodes: [DiagramNode], edges: [DiagramEdge], focus: Int,
                                     title: String) -> String {
        let ids = IDs(prefix: "neighbourhood", title: title)
        guard nodes.indices.contains(focus) else {
            return emptyDocument(ids: ids, kindClass: "archbook-neighbourhood", title: title,
                                 reason: "no such document")
        }
        let links = normalisedLinks(edges, count: nodes.count, remap: nil)
        func ordered(_ list: [(node: Int, relations: [String])]) -> [(node: Int, relations: [String])] {
            list.sorted {
                (relationRank($0.relations[0]), $0.relations[0], nodes[$0.node].key, $0.node)
                    < (relationRank($1.relations[0]), $1.relations[0], nodes[$1.node].key, $1.node)
            }
        }
        let incoming = ordered(links.filter { $0.to == focus }.map { (node: $0.from, relations: $0.relations) })
        let outgoing = ordered(links.filter { $0.from == focus }.map { (node: $0.to, relations: $0.relations) })

        let w = Geometry.nodeWidth, h = Geometry.nodeHeight, rowStep = h + Geometry.rowGap
        let columnX = [0, 1, 2].map { Geometry.margin + Double($0) * (w + Geometry.neighbourGap) }
        let headingY = Geometry.margin + 12
        let top = Geometry.margin + 24
        func columnHeight(_ count: Int) -> Double { count == 0 ? 0 : Double(count) * rowStep - Geometry.rowGap }
        let contentHeight = max(h, columnHeight(incoming.count), columnHeight(outgoing.count))
        let focusY = top + (contentHeight - h) / 2
        let focusMid = focusY + h / 2
        func rowY(_ i: Int, of count: Int) -> Double {
            top + (contentHeight - columnHeight(count)) / 2 + Double(i) * rowStep
        }

        // Written as bytes: every decision page draws one, and appending small strings to strings cost several
        // hundred instructions an append.
        var edgesOut = SVGText("<g class=\"edges\">\n")
        var nodesOut = SVGText("<g class=\"documents\">\n")
        var labelsOut = SVGText("<g class=\"edge-labels\">\n")
        var headings = SVGText()
        let focusLabel = displayLabel(nodes[focus])
        let clip = ids.clip
        if !incoming.isEmpty {
            headings.add("<text class=\"column-heading\" x=\""); headings.num(columnX[0])
            headings.add("\" y=\""); headings.num(headingY); headings.add("\">Refers to this</text>\n")
        }
        if !outgoing.isEmpty {
            headings.add("<text class=\"column-heading\" x=\""); headings.num(columnX[2])
            headings.add("\" y=\""); headings.num(headingY); headings.add("\">Referenced here</text>\n")
        }
        for (i, item) in incoming.enumerated() {
            let y = rowY(i, of: incoming.count)
            let start = Point(x: columnX[0] + w, y: y + h / 2), end = Point(x: columnX[1], y: focusMid)
            let text = item.relations.joined(separator: ", ")
            edgePath([start, end], relation: item.relations[0], ids: ids,
                     tooltip: displayLabel(nodes[item.node]) + " " + text + " " + focusLabel, into: &edgesOut)
            labelsOut.add("<text class=\"edge-label rel-"); labelsOut.add(item.relations[0])
            labelsOut.add("\" x=\""); labelsOut.num(start.x + 8); labelsOut.add("\" y=\""); labelsOut.num(start.y - 6)
            labelsOut.add("\">"); labelsOut.escaped(truncated(text, Geometry.edgeLabelChars)); labelsOut.add("</text>\n")
            nodeBox(nodes[item.node], x: columnX[0], y: y, focus: false, clip: clip, into: &nodesOut)
        }
        for (i, item) in outgoing.enumerated() {
            let y = rowY(i, of: outgoing.count)
            let start = Point(x: columnX[1] + w, y: focusMid), end = Point(x: columnX[2], y: y + h / 2)
            let text = item.relations.joined(separator: ", ")
            edgePath([start, end], relation: item.relations[0], ids: ids,
                     tooltip: focusLabel + " " + text + " " + displayLabel(nodes[item.node]), into: &edgesOut)
            labelsOut.add("<text class=\"edge-label rel-"); labelsOut.add(item.relations[0])
            labelsOut.add("\" x=\""); labelsOut.num(end.x - 8); labelsOut.add("\" y=\""); labelsOut.num(end.y - 6)
            labelsOut.add("\" text-anchor=\"end\">"); labelsOut.escaped(truncated(text, Geometry.edgeLabelChars))
            labelsOut.add("</text>\n")
            nodeBox(nodes[item.node], x: columnX[2], y: y, focus: false, clip: clip, into: &nodesOut)
        }
        nodeBox(nodes[focus], x: columnX[1], y: focusY, focus: true, clip: clip, into: &nodesOut)
        edgesOut.add("</g>\n")
        nodesOut.add("</g>\n")
        labelsOut.add("</g>\n")
        headings.add(edgesOut)
        headings.add(nodesOut)
        headings.add(labelsOut)

        let width = columnX[2] + w + Geometry.margin
        let height = top + contentHeight + Geometry.margin
        let desc = displayLabel(nodes[focus]) + ": " + count(incoming.count, "document") + " referring to it, "
            + count(outgoing.count, "document") + " it refers to."
        let used = incoming + outgoing
        let drawn = used.map { Link(from: 0, to: 0, relations: $0.relations) }
        return document(ids: ids, kindClass: "archbook-neighbourhood", title: title, desc: desc,
                        width: width, height: height, defs: markers(drawn, ids: ids) + clipPath(ids),
                        body: headings)
    }

    /// Decision log timeline: one row per node in the order given, a dot on a vertical axis (classed by
    /// status), then date, label and title, the last two linking to the document; `edges` between rows are
    /// drawn as nested arcs in a gutter left of the axis, pointing at `to`.
    public static func timeline(nodes: [DiagramNode], edges: [DiagramEdge], title: String) -> String {
        let ids = IDs(prefix: "timeline", title: title)
        if nodes.isEmpty {
            return emptyDocument(ids: ids, kindClass: "archbook-timeline", title: title,
                                 reason: "no documents")
        }
        let links = normalisedLinks(edges, count: nodes.count, remap: nil)
        // Shorter arcs get inner lanes so that nested arcs never cover each other.
        let byspan = links.indices.sorted {
            let a = links[$0], b = links[$1]
            return (abs(a.from - a.to), min(a.from, a.to), max(a.from, a.to), $0)
                < (abs(b.from - b.to), min(b.from, b.to), max(b.from, b.to), $1)
        }
        var lane = [Int](repeating: 1, count: links.count)
        var placed: [Int] = []
        for li in byspan {
            let lo = min(links[li].from, links[li].to), hi = max(links[li].from, links[li].to)
            var l = 1
            for p in placed {
                let plo = min(links[p].from, links[p].to), phi = max(links[p].from, links[p].to)
                if plo < hi && lo < phi { l = max(l, lane[p] + 1) }
            }
            lane[li] = min(l, Geometry.maxLanes)
            placed.append(li)
        }
        let lanes = lane.max() ?? 0
        let axisX = Geometry.margin + 8 + Double(lanes) * Geometry.laneStep
        let rowH = Geometry.timelineRow
        let top = Geometry.margin
        func mid(_ i: Int) -> Double { top + Double(i) * rowH + rowH / 2 }

        var body = "<line class=\"axis\" x1=\"\(num(axisX))\" y1=\"\(num(top))\" x2=\"\(num(axisX))\" y2=\"\(num(top + Double(nodes.count) * rowH))\"/>\n"
        body += "<g class=\"edges\">\n"
        for (li, l) in links.enumerated() {
            let edgeX = axisX - Geometry.dotRadius - 2
            let bulge = Double(lane[li]) * Geometry.laneStep
            let control = edgeX - bulge * 4 / 3
            let y0 = mid(l.from), y1 = mid(l.to)
            let d = "M\(num(edgeX)),\(num(y0)) C\(num(control)),\(num(y0)) \(num(control)),\(num(y1)) \(num(edgeX)),\(num(y1))"
            let text = displayLabel(nodes[l.from]) + " " + l.relations.joined(separator: ", ") + " "
                + displayLabel(nodes[l.to])
            body += pathElement(d: d, relation: l.relations[0], ids: ids, tooltip: text)
        }
        body += "</g>\n<g class=\"entries\">\n"
        for (i, node) in nodes.enumerated() {
            let rowTop = top + Double(i) * rowH
            let baseline = num(rowH / 2 + 4)
            body += "<g class=\"\(nodeClasses("entry", node, focus: node.isFocus))\" transform=\"translate(0,\(num(rowTop)))\">\n"
            body += "<title>" + escape(tooltip(node)) + "</title>\n"
            body += "<circle class=\"dot\" cx=\"\(num(axisX))\" cy=\"\(num(rowH / 2))\" r=\"\(num(Geometry.dotRadius))\"/>\n"
            let date = truncated(node.date ?? "", 10), label = truncated(node.label, Geometry.timelineLabelChars)
            if !date.isEmpty {
                body += "<text class=\"date\" x=\"\(num(axisX + 14))\" y=\"\(baseline)\">" + escape(date) + "</text>\n"
            }
            var texts = ""
            if !label.isEmpty {
                texts += "<text class=\"label\" x=\"\(num(axisX + 14 + Geometry.dateWidth))\" y=\"\(baseline)\">"
                    + escape(label) + "</text>\n"
            }
            texts += "<text class=\"title\" x=\"\(num(axisX + 14 + Geometry.dateWidth + Geometry.labelWidth))\" y=\"\(baseline)\">"
                + escape(truncated(node.title, Geometry.timelineTitleChars)) + "</text>\n"
            if let href = node.href {
                body += "<a href=\"" + escape(href) + "\">\n" + texts + "</a>\n"
            } else {
                body += texts
            }
            body += "</g>\n"
        }
        body += "</g>\n"
        let width = axisX + 14 + Geometry.dateWidth + Geometry.labelWidth + Geometry.timelineTitleWidth + Geometry.margin
        let height = top + Double(nodes.count) * rowH + Geometry.margin
        var desc = count(nodes.count, "document") + ", " + count(links.count, "relation")
        // ISO dates order correctly as plain strings.
        let dates = nodes.compactMap { $0.date }.filter { !$0.isEmpty }
        if let first = dates.min(), let last = dates.max() {
            desc += first == last ? ", dated " + first : ", dated " + first + " to " + last
        }
        desc += "."
        return document(ids: ids, kindClass: "archbook-timeline", title: title, desc: desc,
                        width: width, height: height, defs: markers(links, ids: ids), body: body)
    }

    /// Escapes text for XML text and double-quoted attribute values (& < > " '). Characters XML 1.0 cannot
    /// carry at all (most C0 controls, U+FFFE, U+FFFF) become U+FFFD so the SVG stays well-formed.
    public static func escape(_ s: String) -> String {
        // XML cannot hold most control characters (HTML tolerates them); replace those, then escape as for HTML.
        var bytes = s
        let xmlSafe = bytes.withUTF8 { buffer in
            for b in buffer where b >= 0x20 ? b == 0xEF : !(b == 0x9 || b == 0xA || b == 0xD) { return false }
            return true
        }
        if xmlSafe { return HTML.attribute(s) }
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            let v = u.value
            let allowed = v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v != 0xFFFE && v != 0xFFFF)
            out.unicodeScalars.append(allowed ? u : "\u{FFFD}")
        }
        return HTML.attribute(out)
    }
}

// MARK: - Shared pieces

extension SVGDiagrams {
    /// Sizes in SVG user units, chosen for the 12px sans-serif default set on the root element: 28 average
    /// characters fit the 224 units of text space in a box.
    enum Geometry {
        static let margin = 16.0
        static let nodeWidth = 240.0
        static let nodeHeight = 46.0
        static let textX = 10.0
        static let labelBaseline = 19.0
        static let titleBaseline = 36.0
        static let boxChars = 28
        static let layerGap = 80.0
        static let nodeGap = 20.0
        static let dummyGap = 10.0
        static let componentGap = 36.0
        static let gridGap = 16.0
        static let rowGap = 16.0
        static let neighbourGap = 160.0
        static let edgeLabelChars = 22
        static let timelineRow = 28.0
        static let dotRadius = 5.0
        static let laneStep = 10.0
        static let maxLanes = 12
        static let dateWidth = 86.0
        static let labelWidth = 96.0
        static let timelineLabelChars = 13
        static let timelineTitleChars = 64
        static let timelineTitleWidth = 470.0
    }

    struct Point: Equatable {
        var x: Double
        var y: Double
    }

    /// Every id in one SVG starts with the diagram type and the title's slug, so several diagrams can share
    /// a page without their markers or titles colliding.
    struct IDs {
        let base: String
        init(prefix: String, title: String) { base = prefix + "-" + SVGDiagrams.identifierSlug(title) }
        var title: String { base + "-title" }
        var desc: String { base + "-desc" }
        var clip: String { base + "-clip" }
        func arrow(_ relation: String) -> String { base + "-arrow-" + relation }
    }

    /// One drawn relation: duplicates and several relations between the same ordered pair merged, relation
    /// names slugged and strongest first (so `relations[0]` picks the class and arrowhead).
    struct Link {
        var from: Int
        var to: Int
        var relations: [String]
    }

    static func normalisedLinks(_ edges: [DiagramEdge], count: Int, remap: [Int]?) -> [Link] {
        struct Pair: Hashable { var from: Int; var to: Int }
        var relations: [Pair: Set<String>] = [:]
        for e in edges where e.from >= 0 && e.from < count && e.to >= 0 && e.to < count && e.from != e.to {
            let pair = remap.map { Pair(from: $0[e.from], to: $0[e.to]) } ?? Pair(from: e.from, to: e.to)
            let name = slug(e.relation)
            relations[pair, default: []].insert(name.isEmpty ? "links" : name)
        }
        return relations.map { Link(from: $0.key.from, to: $0.key.to, relations: $0.value.sorted(by: relationOrder)) }
            .sorted { ($0.from, $0.to) < ($1.from, $1.to) }
    }

    /// Replacement beats amendment beats a declared relation beats a bare mention.
    static func relationRank(_ r: String) -> Int {
        switch r {
        case "supersedes": return 0
        case "amends": return 1
        case "relates-to": return 2
        case "links": return 4
        default: return 3
        }
    }

    static func relationOrder(_ a: String, _ b: String) -> Bool {
        (relationRank(a), a) < (relationRank(b), b)
    }

    /// Lower-case ASCII letters and digits; every other run of characters becomes one hyphen.
    static func slug(_ s: String) -> String {
        // On the bytes (every node of every graph has two): a character outside ASCII is bytes of 0x80 and above,
        // each a separator as the character is.
        var s = s
        return s.withUTF8 { u in
            String(unsafeUninitializedCapacity: 2 * u.count) { out in
                var n = 0
                var pendingHyphen = false
                for b in u {
                    if b &- 0x30 < 10 || (b | 0x20) &- 0x61 < 26 {
                        if pendingHyphen && n > 0 { out[n] = 0x2D; n += 1 }
                        pendingHyphen = false
                        out[n] = b &- 0x41 < 26 ? b | 0x20 : b
                        n += 1
                    } else {
                        pendingHyphen = true
                    }
                }
                return n
            }
        }
    }

    /// A title written entirely outside ASCII would slug to nothing; a hash keeps its ids distinct.
    static func identifierSlug(_ title: String) -> String {
        let s = slug(title)
        if !s.isEmpty { return s }
        var hash: UInt32 = 0x811C_9DC5
        for b in title.utf8 {
            hash ^= UInt32(b)
            hash = hash &* 0x0100_0193
        }
        let hex = String(hash, radix: 16)
        return "h" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// Whitespace collapsed, then cut to `limit` columns with "…"; East Asian wide characters and emoji count
    /// two columns because they are drawn about twice as wide.
    static func truncated(_ s: String, _ limit: Int) -> String {
        let text = oneLine(s)
        // Most labels are ASCII: one column per byte, nothing to measure (and no CR LF left to make two bytes
        // one character).
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            if text.utf8.count <= limit { return text }
            var kept = Array(text.utf8.prefix(max(0, limit - 1)))
            while kept.last == UInt8(ascii: " ") { kept.removeLast() }
            return String(decoding: kept, as: UTF8.self) + "…"
        }
        var used = 0
        var cut: String.Index?
        for i in text.indices {
            let w = columns(text[i])
            if cut == nil && used + w > limit - 1 { cut = i }
            used += w
            if used > limit { break }
        }
        guard used > limit, let end = cut else { return text }
        var kept = text[..<end]
        while kept.last == " " { kept.removeLast() }
        return String(kept) + "…"
    }

    /// Whitespace runs become one space, ends trimmed. Labels and titles rarely need it, and Character
    /// whitespace tests are slow, so clean printable ASCII is returned as it is.
    static func oneLine(_ s: String) -> String {
        var previous: UInt8 = 0x20
        var clean = true
        for b in s.utf8 {
            if b >= 0x80 || b < 0x20 || b == 0x7F || (b == 0x20 && previous == 0x20) { clean = false; break }
            previous = b
        }
        if clean && previous != 0x20 { return s }
        if clean && s.isEmpty { return s }
        return s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    static func columns(_ c: Character) -> Int {
        guard let v = c.unicodeScalars.first?.value else { return 1 }
        let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1FAFF).contains(v) || (0x20000...0x3FFFD).contains(v)
        return wide ? 2 : 1
    }

    /// Integers print bare, anything else with one decimal; built by hand so no locale can change it.
    static func num(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let tenths = Int((v * 10).rounded())
        if tenths % 10 == 0 { return String(tenths / 10) }
        let magnitude = abs(tenths)
        return (tenths < 0 ? "-" : "") + String(magnitude / 10) + "." + String(magnitude % 10)
    }

    static func count(_ n: Int, _ noun: String) -> String {
        "\(n) " + (n == 1 ? noun : noun + "s")
    }

    static func displayLabel(_ node: DiagramNode) -> String {
        let label = oneLine(node.label)
        return label.isEmpty ? oneLine(node.title) : label
    }

    /// "LABEL: Title (status)", leaving out whatever is missing.
    static func tooltip(_ node: DiagramNode) -> String {
        let label = oneLine(node.label)
        let title = oneLine(node.title)
        var s = label.isEmpty ? title : (title.isEmpty ? label : label + ": " + title)
        if let status = node.status, !status.isEmpty { s += " (" + status + ")" }
        return s
    }

    static func nodeClasses(_ base: String, _ node: DiagramNode, focus: Bool) -> String {
        var t = SVGText()
        nodeClasses(base, node, focus: focus, into: &t)
        return t.string
    }

    static func nodeClasses(_ base: String, _ node: DiagramNode, focus: Bool, into t: inout SVGText) {
        t.add(base)
        if let status = node.status.map(slug), !status.isEmpty { t.add(" status-"); t.add(status) }
        if let kind = node.kind.map(slug), !kind.isEmpty { t.add(" kind-"); t.add(kind) }
        if focus { t.add(" focus") }
    }

    static func nodeBox(_ node: DiagramNode, x: Double, y: Double, focus: Bool, ids: IDs) -> String {
        var t = SVGText()
        nodeBox(node, x: x, y: y, focus: focus, clip: ids.clip, into: &t)
        return t.string
    }

    /// `clip`: the diagram's clip path id (`IDs.clip`).
    static func nodeBox(_ node: DiagramNode, x: Double, y: Double, focus: Bool, clip: String, into t: inout SVGText) {
        if let href = node.href {
            t.add("<a href=\"")
            t.escaped(href)
            t.add("\">\n")
        }
        t.add("<g class=\"")
        nodeClasses("node", node, focus: focus, into: &t)
        t.add("\" transform=\"translate(")
        t.num(x)
        t.add(",")
        t.num(y)
        t.add(")\">\n<title>")
        t.escaped(tooltip(node))
        t.add("</title>\n")
        t.add(boxRect)
        t.add("<g clip-path=\"url(#")
        t.add(clip)
        t.add(")\">\n")
        let label = oneLine(node.label).isEmpty ? node.title : node.label
        t.add(labelOpen)
        t.escaped(truncated(label, Geometry.boxChars))
        t.add("</text>\n")
        if label != node.title {
            t.add(titleOpen)
            t.escaped(truncated(node.title, Geometry.boxChars))
            t.add("</text>\n")
        }
        t.add("</g>\n</g>\n")
        if node.href != nil { t.add("</a>\n") }
    }

    private static let boxRect = "<rect width=\"\(num(Geometry.nodeWidth))\" height=\"\(num(Geometry.nodeHeight))\" rx=\"6\"/>\n"
    private static let labelOpen = "<text class=\"node-label\" x=\"\(num(Geometry.textX))\" y=\"\(num(Geometry.labelBaseline))\">"
    private static let titleOpen = "<text class=\"node-title\" x=\"\(num(Geometry.textX))\" y=\"\(num(Geometry.titleBaseline))\">"

    /// Horizontal tangents at both ends, so arrowheads meet the boxes square on.
    static func edgePath(_ points: [Point], relation: String, ids: IDs, tooltip: String) -> String {
        var t = SVGText()
        edgePath(points, relation: relation, ids: ids, tooltip: tooltip, into: &t)
        return t.string
    }

    static func edgePath(_ points: [Point], relation: String, ids: IDs, tooltip: String, into t: inout SVGText) {
        guard let first = points.first else { return }
        var d = SVGText()
        d.add("M"); d.num(first.x); d.add(","); d.num(first.y)
        for i in 1..<points.count {
            let p = points[i - 1], q = points[i]
            if p.y == q.y {
                d.add(" L"); d.num(q.x); d.add(","); d.num(q.y)
            } else {
                let mx = (p.x + q.x) / 2
                d.add(" C"); d.num(mx); d.add(","); d.num(p.y); d.add(" "); d.num(mx); d.add(","); d.num(q.y)
                d.add(" "); d.num(q.x); d.add(","); d.num(q.y)
            }
        }
        pathElement(d: d, relation: relation, ids: ids, tooltip: tooltip, into: &t)
    }

    static func pathElement(d: String, relation: String, ids: IDs, tooltip: String) -> String {
        var t = SVGText()
        pathElement(d: SVGText(d), relation: relation, ids: ids, tooltip: tooltip, into: &t)
        return t.string
    }

    static func pathElement(d: SVGText, relation: String, ids: IDs, tooltip: String, into t: inout SVGText) {
        t.add("<path class=\"edge rel-"); t.add(relation); t.add("\" d=\""); t.add(d)
        t.add("\" fill=\"none\" marker-end=\"url(#"); t.add(ids.arrow(relation)); t.add(")\"><title>")
        t.escaped(tooltip)
        t.add("</title></path>\n")
    }

    /// One arrowhead per relation actually drawn; the class lets the theme colour it like its edges.
    static func markers(_ links: [Link], ids: IDs) -> String {
        let used = Set(links.map { $0.relations[0] }).sorted(by: relationOrder)
        return used.map {
            "<marker id=\"\(ids.arrow($0))\" class=\"arrow rel-\($0)\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
                + "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path class=\"arrowhead\" d=\"M0,0 L10,5 L0,10 z\"/></marker>\n"
        }.joined()
    }

    /// Node text is clipped to its box in case the theme's font runs wider than the truncation assumes.
    static func clipPath(_ ids: IDs) -> String {
        "<clipPath id=\"\(ids.clip)\"><rect x=\"4\" y=\"2\" width=\"\(num(Geometry.nodeWidth - 8))\" height=\"\(num(Geometry.nodeHeight - 4))\"/></clipPath>\n"
    }

    static func document(ids: IDs, kindClass: String, title: String, desc: String, width: Double, height: Double,
                         defs: String, body: String) -> String {
        document(ids: ids, kindClass: kindClass, title: title, desc: desc, width: width, height: height, defs: defs,
                 body: SVGText(body))
    }

    static func document(ids: IDs, kindClass: String, title: String, desc: String, width: Double, height: Double,
                         defs: String, body: SVGText) -> String {
        let w = num(width.rounded(.up)), h = num(height.rounded(.up))
        var s = SVGText()
        s.bytes.reserveCapacity(body.bytes.count + defs.utf8.count + 1024)
        s.add("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"archbook-graph "); s.add(kindClass)
        s.add("\" viewBox=\"0 0 "); s.add(w); s.add(" "); s.add(h); s.add("\" width=\""); s.add(w); s.add("\" height=\"")
        s.add(h); s.add("\" role=\"group\" aria-labelledby=\""); s.add(ids.title); s.add("\" aria-describedby=\"")
        s.add(ids.desc); s.add("\" font-family=\"sans-serif\" font-size=\"12\">\n")
        s.add("<title id=\""); s.add(ids.title); s.add("\">"); s.escaped(title); s.add("</title>\n")
        s.add("<desc id=\""); s.add(ids.desc); s.add("\">"); s.escaped(desc); s.add("</desc>\n")
        if !defs.isEmpty { s.add("<defs>\n"); s.add(defs); s.add("</defs>\n") }
        s.add(body)
        s.add("</svg>\n")
        return s.string
    }

    static func emptyDocument(ids: IDs, kindClass: String, title: String, reason: String) -> String {
        let text = "Nothing to show: " + reason + "."
        return document(ids: ids, kindClass: kindClass + " empty", title: title, desc: text, width: 320, height: 48,
                        defs: "", body: "<text class=\"empty-message\" x=\"16\" y=\"28\">" + escape(text) + "</text>\n")
    }
}

// MARK: - Layered layout

extension SVGDiagrams {
    struct LayoutLink {
        var from: Int
        var to: Int
        /// Lower is stronger; strong links win when a cycle has to be broken.
        var strength: Int
    }

    /// Sugiyama-style layout of one connected component. A link `from → to` asks for `from` to sit in a later
    /// (further right) layer than `to`; links spanning several layers are routed through dummy nodes.
    /// Coordinates are local to the component, with its top-left at (0, 0).
    struct LayeredLayout {
        var x: [Double] = []
        var y: [Double] = []
        var width = 0.0
        var height = 0.0
        /// One route per input link, running from `from` to `to`.
        var routes: [[Point]] = []

        init(count n: Int, links: [LayoutLink]) {
            // Layout edges point left to right: from the referenced document to the one referring to it.
            let reversed = LayeredLayout.cycleBreakingReversals(count: n, links: links)
            let ends = links.indices.map { i -> (u: Int, v: Int) in
                reversed[i] ? (links[i].from, links[i].to) : (links[i].to, links[i].from)
            }
            let layer = LayeredLayout.longestPathLayers(count: n, ends: ends)

            // Extended graph: real nodes first, then dummies.
            var layerOf = layer
            var up = [[Int]](repeating: [], count: n)
            var down = [[Int]](repeating: [], count: n)
            var chains = [[Int]](repeating: [], count: links.count)
            var routed = [Bool](repeating: true, count: links.count)
            // Pathological inputs could need quadratically many dummies; past the budget, links are drawn
            // straight across and left out of crossing reduction.
            var budget = max(10_000, 4 * (n + links.count))
            for (i, e) in ends.enumerated() {
                let span = layer[e.v] - layer[e.u]
                if span > 1 && span - 1 > budget {
                    routed[i] = false
                    continue
                }
                budget -= span - 1
                var previous = e.u
                for k in 1..<span {
                    let d = layerOf.count
                    layerOf.append(layer[e.u] + k)
                    up.append([previous])
                    down.append([])
                    down[previous].append(d)
                    chains[i].append(d)
                    previous = d
                }
                down[previous].append(e.v)
                up[e.v].append(previous)
            }
            let total = layerOf.count
            let layerCount = (layer.max() ?? 0) + 1

            // Initial order: depth-first over the undirected extended graph keeps related nodes together.
            var layers = [[Int]](repeating: [], count: layerCount)
            var seen = [Bool](repeating: false, count: total)
            for root in 0..<total where !seen[root] {
                var stack = [root]
                while let v = stack.popLast() {
                    if seen[v] { continue }
                    seen[v] = true
                    layers[layerOf[v]].append(v)
                    for w in (down[v] + up[v]).reversed() where !seen[w] { stack.append(w) }
                }
            }
            var pos = [Int](repeating: 0, count: total)
            func index(_ layers: [[Int]]) {
                for l in layers { for (i, v) in l.enumerated() { pos[v] = i } }
            }
            index(layers)

            // Barycenter sweeps, keeping the best ordering seen.
            var best = layers
            var bestCrossings = LayeredLayout.crossings(layers, down: down, pos: pos)
            var sweep = 0
            while sweep < 4 && bestCrossings > 0 && layerCount > 1 {
                for l in 1..<layerCount {
                    layers[l] = LayeredLayout.reorder(layers[l], neighbours: up, pos: &pos)
                }
                for l in stride(from: layerCount - 2, through: 0, by: -1) {
                    layers[l] = LayeredLayout.reorder(layers[l], neighbours: down, pos: &pos)
                }
                let c = LayeredLayout.crossings(layers, down: down, pos: pos)
                if c < bestCrossings {
                    bestCrossings = c
                    best = layers
                }
                sweep += 1
            }
            layers = best
            index(layers)

            // Vertical placement: each layer in turn is pulled towards its neighbours in the previous one.
            let heights = (0..<total).map { $0 < n ? Geometry.nodeHeight : 0 }
            var center = [Double](repeating: 0, count: total)
            for l in layers {
                var running = 0.0
                var previous: Int?
                for v in l {
                    if let p = previous { running += LayeredLayout.separation(p, v, heights) }
                    center[v] = running
                    previous = v
                }
                for v in l { center[v] -= running / 2 }
            }
            if layerCount > 1 {
                for pass in 0..<8 {
                    let downward = pass % 2 == 0
                    let sequence = downward ? Array(1..<layerCount) : Array(stride(from: layerCount - 2, through: 0, by: -1))
                    for l in sequence {
                        let neighbours = downward ? up : down
                        let desired = layers[l].map { v -> Double in
                            let ns = neighbours[v]
                            if ns.isEmpty { return center[v] }
                            return ns.reduce(0.0) { $0 + center[$1] } / Double(ns.count)
                        }
                        let placed = LayeredLayout.closestOrdered(layers[l], desired: desired, heights: heights)
                        for (i, v) in layers[l].enumerated() { center[v] = placed[i] }
                    }
                }
            }
            var top = Double.infinity, bottom = -Double.infinity
            for v in 0..<total {
                top = min(top, center[v] - heights[v] / 2)
                bottom = max(bottom, center[v] + heights[v] / 2)
            }
            let step = Geometry.nodeWidth + Geometry.layerGap
            func left(_ v: Int) -> Double { Double(layerOf[v]) * step }
            func mid(_ v: Int) -> Double { center[v] - top }
            x = (0..<n).map { left($0) }
            y = (0..<n).map { mid($0) - Geometry.nodeHeight / 2 }
            width = Double(layerCount - 1) * step + Geometry.nodeWidth
            height = bottom - top
            routes = links.indices.map { i -> [Point] in
                let e = ends[i]
                var points = [Point(x: left(e.u) + Geometry.nodeWidth, y: mid(e.u))]
                if routed[i] {
                    for d in chains[i] {
                        points.append(Point(x: left(d), y: mid(d)))
                        points.append(Point(x: left(d) + Geometry.nodeWidth, y: mid(d)))
                    }
                }
                points.append(Point(x: left(e.v), y: mid(e.v)))
                return reversed[i] ? points : points.reversed()
            }
        }

        /// Which links to lay out backwards so the layout graph is acyclic. Supersedes and amends links are
        /// settled first (depth-first search, back edges reversed); the finishing times of that search give
        /// an order that all remaining strong links respect, and a weaker link is reversed only when it lies on
        /// a cycle (same strongly connected component) and runs against that order. Iterative throughout, so
        /// long chains cannot overflow the stack.
        static func cycleBreakingReversals(count n: Int, links: [LayoutLink]) -> [Bool] {
            let strongest = 1
            var out = [[(target: Int, link: Int)]](repeating: [], count: n)
            for (i, l) in links.enumerated() { out[l.to].append((l.from, i)) }
            for v in 0..<n { out[v].sort { ($0.target, $0.link) < ($1.target, $1.link) } }

            var reversed = [Bool](repeating: false, count: links.count)
            var finish = [Int](repeating: 0, count: n)
            var clock = 0
            var state = [UInt8](repeating: 0, count: n) // 0 unvisited, 1 on the stack, 2 done
            for root in 0..<n where state[root] == 0 {
                var stack: [(node: Int, next: Int)] = [(root, 0)]
                state[root] = 1
                while let top = stack.last {
                    if top.next < out[top.node].count {
                        stack[stack.count - 1].next += 1
                        let (w, link) = out[top.node][top.next]
                        if links[link].strength > strongest { continue }
                        if state[w] == 1 {
                            reversed[link] = true
                        } else if state[w] == 0 {
                            state[w] = 1
                            stack.append((w, 0))
                        }
                    } else {
                        state[top.node] = 2
                        finish[top.node] = clock
                        clock += 1
                        stack.removeLast()
                    }
                }
            }
            let component = stronglyConnectedComponents(out)
            for (i, l) in links.enumerated() where l.strength > strongest {
                if component[l.to] == component[l.from] && finish[l.to] < finish[l.from] { reversed[i] = true }
            }
            return reversed
        }

        /// Tarjan's algorithm with an explicit call stack; returns a component number per node.
        static func stronglyConnectedComponents(_ out: [[(target: Int, link: Int)]]) -> [Int] {
            let n = out.count
            var index = [Int](repeating: -1, count: n)
            var low = [Int](repeating: 0, count: n)
            var onStack = [Bool](repeating: false, count: n)
            var component = [Int](repeating: -1, count: n)
            var stack: [Int] = []
            var counter = 0, components = 0
            func open(_ v: Int) {
                index[v] = counter
                low[v] = counter
                counter += 1
                stack.append(v)
                onStack[v] = true
            }
            for root in 0..<n where index[root] < 0 {
                var calls: [(node: Int, next: Int)] = [(root, 0)]
                open(root)
                while let top = calls.last {
                    let v = top.node
                    if top.next < out[v].count {
                        calls[calls.count - 1].next += 1
                        let w = out[v][top.next].target
                        if index[w] < 0 {
                            open(w)
                            calls.append((w, 0))
                        } else if onStack[w] {
                            low[v] = min(low[v], index[w])
                        }
                    } else {
                        calls.removeLast()
                        if let parent = calls.last { low[parent.node] = min(low[parent.node], low[v]) }
                        if low[v] == index[v] {
                            while let w = stack.popLast() {
                                onStack[w] = false
                                component[w] = components
                                if w == v { break }
                            }
                            components += 1
                        }
                    }
                }
            }
            return component
        }

        /// Longest-path layering of an acyclic graph; sources are then pulled right next to their nearest
        /// successor so a document referenced only by a late one does not trail a long edge.
        static func longestPathLayers(count n: Int, ends: [(u: Int, v: Int)]) -> [Int] {
            var successors = [[Int]](repeating: [], count: n)
            var indegree = [Int](repeating: 0, count: n)
            for e in ends {
                successors[e.u].append(e.v)
                indegree[e.v] += 1
            }
            var layer = [Int](repeating: 0, count: n)
            var remaining = indegree
            var queue = (0..<n).filter { indegree[$0] == 0 }
            var head = 0
            while head < queue.count {
                let u = queue[head]
                head += 1
                for v in successors[u] {
                    layer[v] = max(layer[v], layer[u] + 1)
                    remaining[v] -= 1
                    if remaining[v] == 0 { queue.append(v) }
                }
            }
            for v in 0..<n where indegree[v] == 0 && !successors[v].isEmpty {
                layer[v] = successors[v].map { layer[$0] }.min()! - 1
            }
            return layer
        }

        /// Nodes with neighbours in the reference layer are sorted by their neighbours' mean position; the
        /// others keep their slots.
        static func reorder(_ layer: [Int], neighbours: [[Int]], pos: inout [Int]) -> [Int] {
            var movable: [(barycenter: Double, current: Int, node: Int)] = []
            var fixed = [Bool](repeating: false, count: layer.count)
            for (i, v) in layer.enumerated() {
                let ns = neighbours[v]
                if ns.isEmpty {
                    fixed[i] = true
                } else {
                    let sum = ns.reduce(0) { $0 + pos[$1] }
                    movable.append((Double(sum) / Double(ns.count), i, v))
                }
            }
            movable.sort { ($0.barycenter, $0.current) < ($1.barycenter, $1.current) }
            var result = layer
            var k = 0
            for i in layer.indices where !fixed[i] {
                result[i] = movable[k].node
                k += 1
            }
            for (i, v) in result.enumerated() { pos[v] = i }
            return result
        }

        /// Crossings between consecutive layers, counted as inversions with a Fenwick tree: O(E log V).
        static func crossings(_ layers: [[Int]], down: [[Int]], pos: [Int]) -> Int {
            var total = 0
            for l in 0..<max(0, layers.count - 1) {
                var pairs: [(Int, Int)] = []
                for v in layers[l] { for w in down[v] { pairs.append((pos[v], pos[w])) } }
                pairs.sort { $0 < $1 }
                let size = layers[l + 1].count
                var tree = [Int](repeating: 0, count: size + 1)
                for (inserted, pair) in pairs.enumerated() {
                    var i = pair.1 + 1, atMost = 0
                    while i > 0 {
                        atMost += tree[i]
                        i -= i & -i
                    }
                    total += inserted - atMost
                    i = pair.1 + 1
                    while i <= size {
                        tree[i] += 1
                        i += i & -i
                    }
                }
            }
            return total
        }

        static func separation(_ a: Int, _ b: Int, _ heights: [Double]) -> Double {
            let bothReal = heights[a] > 0 && heights[b] > 0
            return (heights[a] + heights[b]) / 2 + (bothReal ? Geometry.nodeGap : Geometry.dummyGap)
        }

        /// Centres as close as possible (least squares) to `desired` while keeping the layer's order and
        /// spacing: pool-adjacent-violators on the positions with the fixed spacing subtracted.
        static func closestOrdered(_ layer: [Int], desired: [Double], heights: [Double]) -> [Double] {
            var offset = [Double](repeating: 0, count: layer.count)
            for i in layer.indices.dropFirst() {
                offset[i] = offset[i - 1] + separation(layer[i - 1], layer[i], heights)
            }
            var blocks: [(sum: Double, count: Int)] = []
            for i in layer.indices {
                blocks.append((desired[i] - offset[i], 1))
                while blocks.count > 1 {
                    let last = blocks[blocks.count - 1], before = blocks[blocks.count - 2]
                    if before.sum / Double(before.count) <= last.sum / Double(last.count) { break }
                    blocks.removeLast(2)
                    blocks.append((before.sum + last.sum, before.count + last.count))
                }
            }
            var result: [Double] = []
            result.reserveCapacity(layer.count)
            for b in blocks {
                let mean = b.sum / Double(b.count)
                for _ in 0..<b.count { result.append(mean + offset[result.count]) }
            }
            return result
        }
    }
}

/// An SVG's text as it is written: UTF-8 bytes, appended without a `String`'s bookkeeping on each piece.
struct SVGText {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1024) }

    init(_ s: String) {
        self.init()
        add(s)
    }

    mutating func add(_ s: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    mutating func add(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func add(_ t: SVGText) {
        bytes.append(contentsOf: t.bytes)
    }

    /// `SVGDiagrams.num`'s digits.
    mutating func num(_ v: Double) {
        guard v.isFinite else { bytes.append(0x30); return }
        let tenths = Int((v * 10).rounded())
        if tenths < 0 { bytes.append(0x2D) }
        let magnitude = abs(tenths)
        SearchIndex.appendDecimal(magnitude / 10, to: &bytes)
        if magnitude % 10 != 0 {
            bytes.append(0x2E)
            bytes.append(UInt8(0x30 + magnitude % 10))
        }
    }

    /// `SVGDiagrams.escape`'s text.
    mutating func escaped(_ s: String) {
        var s = s
        let plain = s.withUTF8 { u in
            for b in u where b < 0x20 || b == 0x26 || b == 0x27 || b == 0x3C || b == 0x3E || b == 0x22 || b == 0xEF {
                return false
            }
            bytes.append(contentsOf: u)
            return true
        }
        if !plain { add(SVGDiagrams.escape(s)) }
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }
}
