// What `list`, `show` and `graph` print: tables, CSV, JSON, a document's summary, and the relation graph as DOT, Mermaid or SVG.

public enum ListFormat: String, CaseIterable, Sendable {
    case table, json, csv
}

public enum GraphFormat: String, CaseIterable, Sendable {
    case dot, mermaid, svg
}

public enum HandbookViews {
    // MARK: - list

    static let listColumns = ["id", "kind", "status", "date", "title", "path"]

    static func listRow(_ q: HandbookQuery, _ i: Int, prefix: String) -> [String] {
        let d = q.documents[i]
        return [d.id ?? "", d.kind ?? "", d.status?.value ?? "", d.date?.iso ?? "", d.title, prefix + d.path]
    }

    /// The documents as a table for people (aligned columns, no path), JSON or CSV (RFC 4180, CRLF).
    public static func list(_ q: HandbookQuery, _ indices: [Int], format: ListFormat, prefix: String) -> String {
        let rows = indices.map { listRow(q, $0, prefix: prefix) }
        switch format {
        case .table:
            let shown = [0, 1, 2, 3, 4]
            let header = ["ID", "KIND", "STATUS", "DATE", "TITLE"]
            let cells = [header] + rows.map { r in shown.map { r[$0].isEmpty ? "-" : terminalSafe(r[$0]) } }
            var widths = Array(repeating: 0, count: shown.count)
            for r in cells { for (k, c) in r.enumerated() { widths[k] = max(widths[k], SourceColumns.cellWidth(of: c)) } }
            var out = ""
            for r in cells {
                var line = ""
                for (k, c) in r.enumerated() {
                    line += c
                    if k < r.count - 1 { line += String(repeating: " ", count: widths[k] - SourceColumns.cellWidth(of: c) + 2) }
                }
                out += line + "\n"
            }
            return out
        case .csv:
            func field(_ s: String) -> String {
                guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return s }
                return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return ([listColumns] + rows).map { $0.map(field).joined(separator: ",") + "\r\n" }.joined()
        case .json:
            let docs: [JSONValue] = indices.map { i in
                let d = q.documents[i]
                var members: [(key: String, value: JSONValue)] = []
                if let id = d.id { members.append(("id", .string(id))) }
                if let k = d.kind { members.append(("kind", .string(k))) }
                if let s = d.status?.value { members.append(("status", .string(s))) }
                if let date = d.date?.iso { members.append(("date", .string(date))) }
                members.append(("title", .string(d.title)))
                members.append(("path", .string(prefix + d.path)))
                members.append(("tags", .array(d.tags.map { .string($0) })))
                return .object(members)
            }
            return JSONValue.object([("version", .int(1)), ("documents", .array(docs))]).prettyPrinted()
        }
    }

    /// Control characters and bidirectional overrides in titles must not reach a terminal as they are.
    static func terminalSafe(_ s: String) -> String {
        String(s.map { SourceColumns.isUnsafeForTerminal($0) ? "�" : $0 })
    }

    // MARK: - show

    /// A document's metadata, relations, sections, checklist progress and problems, as `archbook show` prints them.
    public static func show(_ q: HandbookQuery, _ i: Int, prefix: String) -> String {
        let d = q.documents[i]
        var lines: [(String, String)] = []
        lines.append(("title", d.title))
        if let id = d.id { lines.append(("id", id)) }
        lines.append(("kind", d.kind ?? "(plain page)"))
        if let s = d.status {
            lines.append(("status", s.value + (s.note.map { " (\($0))" } ?? "")))
        }
        for (name, date) in d.dates.sorted(by: { $0.key < $1.key }) { lines.append((name, date.iso)) }
        let people: [(String, [String])] = [("authors", d.people.authors), ("deciders", d.people.deciders), ("owners", d.people.owners),
                                            ("consulted", d.people.consulted), ("informed", d.people.informed)]
        for (name, list) in people where !list.isEmpty { lines.append((name, list.joined(separator: ", "))) }
        if !d.tags.isEmpty { lines.append(("tags", d.tags.joined(separator: ", "))) }
        for (k, v) in d.fields.sorted(by: { $0.key < $1.key }) { lines.append((k, v)) }
        lines.append(("path", prefix + d.path))
        for r in q.relations(of: i) {
            let other = q.documents[r.other]
            let status = other.status.map { " (\($0.value))" } ?? ""
            lines.append((r.type.phrase, "\(q.label(r.other))  \(other.title)\(status)"))
        }
        let unresolved = d.relations.filter { q.validator.target($0.target, from: i) == nil }
        for r in unresolved { lines.append((r.type.phrase, "\(r.target)  (not in the handbook)")) }
        if !q.backlinks[i].isEmpty {
            lines.append(("linked from", q.sorted(q.backlinks[i]).map(q.label).joined(separator: ", ")))
        }
        let done = d.tasks.filter(\.checked).count
        if !d.tasks.isEmpty { lines.append(("checklist", "\(done) of \(d.tasks.count) done")) }
        let width = lines.map { $0.0.count }.max() ?? 0
        var out = lines.map { "\($0.0):" + String(repeating: " ", count: width - $0.0.count + 2) + terminalSafe($0.1) }.joined(separator: "\n") + "\n"
        if d.sections.contains(where: { $0.level > 1 }) {
            out += "\nsections:\n"
            for (k, s) in d.sections.enumerated() where s.level > 1 {
                let tasks = d.tasks.filter { t in t.section.map { isWithin($0, k, d.sections) } ?? false }
                let progress = tasks.isEmpty ? "" : "  [\(tasks.filter(\.checked).count)/\(tasks.count)]"
                out += String(repeating: "  ", count: s.level - 1) + terminalSafe(s.title) + progress + "\n"
            }
        }
        let problems = q.result.diagnostics.filter { $0.file == d.path || (d.sidecar != nil && $0.file == d.sidecar) }
        if !problems.isEmpty {
            out += "\nproblems:\n"
            for p in problems {
                out += "  \(prefix + p.file):\(p.position.line):\(p.position.column): \(p.severity.rawValue): \(terminalSafe(p.message)) [\(p.rule)]\n"
            }
        }
        return out
    }

    /// Whether section `k` is `s` or inside it.
    static func isWithin(_ k: Int, _ s: Int, _ sections: [Section]) -> Bool {
        var c: Int? = k
        while let i = c {
            if i == s { return true }
            c = sections[i].parent
        }
        return false
    }

    // MARK: - graph

    /// The documents the graph shows: those joined by relations, and with `all` every record; `kind` keeps one kind.
    public static func graphNodes(_ q: HandbookQuery, kind: String?, all: Bool) -> [Int] {
        var members = Set<Int>()
        for e in q.edges { members.insert(e.from); members.insert(e.to) }
        if all { members.formUnion(q.records) }
        if let kind { members = members.filter { q.documents[$0].kind == kind } }
        return members.sorted { q.documents[$0].path < q.documents[$1].path }
    }

    public static func graph(_ q: HandbookQuery, nodes: [Int], format: GraphFormat) -> String {
        let position = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($1, $0) })
        let edges = q.edges.filter { position[$0.from] != nil && position[$0.to] != nil }
        func terminal(_ i: Int) -> Bool {
            guard let s = q.documents[i].status?.value else { return false }
            return q.config.kind(named: q.documents[i].kind ?? "")?.isTerminal(s) ?? false
        }
        switch format {
        case .dot:
            func escaped(_ s: String) -> String {
                s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                    .replacingOccurrences(of: "\n", with: " ")
            }
            func quote(_ s: String) -> String { "\"" + escaped(s) + "\"" }
            var out = "digraph archbook {\n  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"sans-serif\"];\n"
            out += "  edge [fontname=\"sans-serif\", fontsize=10];\n"
            for i in nodes {
                let d = q.documents[i]
                // `\n` is DOT's line break inside a label.
                var attrs = "label=\"" + escaped(q.label(i)) + "\\n" + escaped(d.title) + "\""
                if let s = d.status?.value { attrs += ", tooltip=\(quote(s))" }
                if terminal(i) { attrs += ", style=\"rounded,dashed\", fontcolor=gray35" }
                out += "  \(quote(q.label(i))) [\(attrs)];\n"
            }
            for e in edges {
                var attrs = "label=\(quote(e.type.phrase))"
                if e.type == .relatesTo { attrs += ", dir=none, style=dashed" }
                if e.type == .amends { attrs += ", style=dashed" }
                out += "  \(quote(q.label(e.from))) -> \(quote(q.label(e.to))) [\(attrs)];\n"
            }
            return out + "}\n"
        case .mermaid:
            func text(_ s: String) -> String {
                "\"" + s.replacingOccurrences(of: "#", with: "#35;").replacingOccurrences(of: "\"", with: "#quot;")
                    .replacingOccurrences(of: "\n", with: " ") + "\""
            }
            var out = "flowchart LR\n"
            for (k, i) in nodes.enumerated() {
                out += "  d\(k)[\(text(q.label(i) + ": " + q.documents[i].title))]\n"
            }
            for e in edges {
                let a = position[e.from]!, b = position[e.to]!
                switch e.type {
                case .relatesTo: out += "  d\(a) -.-|\(text(e.type.phrase))| d\(b)\n"
                case .amends: out += "  d\(a) -.->|\(text(e.type.phrase))| d\(b)\n"
                default: out += "  d\(a) -->|\(text(e.type.phrase))| d\(b)\n"
                }
            }
            let ended = nodes.enumerated().filter { terminal($0.element) }.map { "d\($0.offset)" }
            if !ended.isEmpty {
                out += "  classDef ended stroke-dasharray: 5 5, color: #57606a\n"
                out += "  class \(ended.joined(separator: ",")) ended\n"
            }
            return out
        case .svg:
            let diagramNodes = nodes.map { i -> DiagramNode in
                let d = q.documents[i]
                return DiagramNode(key: d.path, label: d.id ?? "", title: d.title, status: d.status?.value, kind: d.kind, date: d.date?.iso)
            }
            let diagramEdges = edges.map { DiagramEdge(from: position[$0.from]!, to: position[$0.to]!, relation: $0.type.rawValue) }
            let svg = SVGDiagrams.relationGraph(nodes: diagramNodes, edges: diagramEdges, title: "Relations", includeIsolated: true)
            return SVGDiagrams.standalone(svg)
        }
    }
}

extension SVGDiagrams {
    /// The light theme's diagram colours, embedded so an SVG written to a file looks as it does on the site.
    static let standaloneStyle = """
    text { fill: #1b1f24; }
    .node rect, .node circle { fill: #ffffff; stroke: #d0d7de; stroke-width: 1.5; }
    .node.status-accepted rect, .node.status-approved rect, .node.status-active rect, .node.status-implemented rect, .node.status-published rect { fill: #dafbe1; stroke: #116329; }
    .node.status-proposed rect, .node.status-draft rect, .node.status-review rect { fill: #ddf4ff; stroke: #0a3069; }
    .node.status-superseded rect, .node.status-deprecated rect, .node.status-obsolete rect, .node.status-retired rect { fill: #fff1c2; stroke: #6b4500; }
    .node.status-rejected rect, .node.status-withdrawn rect { fill: #ffebe9; stroke: #a40e26; }
    .node-label { font-weight: 700; }
    .edge { fill: none; stroke: #57606a; stroke-width: 1.5; }
    .edge.rel-supersedes { stroke: #6b4500; stroke-width: 2; }
    .edge.rel-amends { stroke: #0a3069; stroke-dasharray: 6 3; }
    .edge.rel-relates-to { stroke: #57606a; stroke-dasharray: 2 3; }
    .arrowhead { fill: #57606a; }
    .arrow.rel-supersedes .arrowhead { fill: #6b4500; }
    .arrow.rel-amends .arrowhead { fill: #0a3069; }
    .empty-message { fill: #57606a; }
    """

    /// An SVG of this module made to stand alone: the site styles diagrams with its stylesheet, a file needs its own.
    public static func standalone(_ svg: String) -> String {
        guard let end = svg.firstIndex(of: "\n") else { return svg }
        let head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        return head + svg[...end] + "<style>\n" + standaloneStyle + "\n</style>\n" + svg[svg.index(after: end)...]
    }
}
