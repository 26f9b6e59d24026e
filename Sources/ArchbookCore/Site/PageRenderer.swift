// Turns the site model into template contexts, one per page, and renders them through the theme.

import Foundation

struct PageJob: Sendable {
    enum Kind: Sendable {
        case document(Int), home, kindIndex(Int), log, graph, actions, status(String), tag(String), tags, notFound, feed, search
    }
    var kind: Kind
    var path: String
}

struct PageRenderer: Sendable {
    /// A template context: texts, numbers, booleans, and dictionaries and arrays of them (the plain types the
    /// vendored swift-mustache resolves without asking the runtime for conformances; see Vendor/swift-mustache).
    typealias Fields = [String: Any]

    let model: SiteModel
    let theme: Theme
    let bodies: [RenderedBody]
    /// The HTML of a body the disk cache kept (`RenderedBody.textSeal`), read when its page is rendered.
    let storedHTML: (@Sendable (Int) -> String)?
    let backlinks: [[Int]]
    /// Per document, computed once: pages are rendered thousands of times.
    let relationsFrom: [[(type: RelationType, to: Int)]]
    let forward: [(from: Int, type: RelationType, to: Int)]
    let forwardTouching: [[Int]]
    let problems: [String: [Diagnostic]]
    /// Per document, what every page that links to it or lists it shows of it (all but the relative href).
    let linkFields: Shared<[Fields]>
    let rowFields: Shared<[Fields]>
    /// The navigation per root (`./`, `../`, …), one list per current item (index 0: none current):
    /// the same few lists serve every page.
    let navs: Shared<[String: [[Fields]]]>
    let navSections: [String]
    /// Each document's date as text: sorts compare them thousands of times.
    let isoDates: [String?]

    init(model: SiteModel, theme: Theme, bodies: [RenderedBody], backlinks: [[Int]],
         storedHTML: (@Sendable (Int) -> String)? = nil) {
        self.model = model
        self.theme = theme
        self.bodies = bodies
        self.storedHTML = storedHTML
        self.backlinks = backlinks
        var from = Array(repeating: [(type: RelationType, to: Int)](), count: model.docs.count)
        for r in model.relations { from[r.from].append((r.type, r.to)) }
        relationsFrom = from
        forward = Self.forwardRelations(model.relations)
        var touching = Array(repeating: [Int](), count: model.docs.count)
        for (k, r) in forward.enumerated() {
            touching[r.from].append(k)
            if r.to != r.from { touching[r.to].append(k) }
        }
        forwardTouching = touching
        problems = Dictionary(grouping: model.diagnostics, by: \.file)
        let docs = model.docs
        isoDates = docs.map { $0.date?.iso }
        let summaries: [Shared<(link: Fields, row: Fields)>] = Checker.parallelMap(Array(docs.indices)) { i in
            Shared(Self.summary(docs[i], label: model.label(i)))
        }
        linkFields = Shared(summaries.map(\.value.link))
        rowFields = Shared(summaries.map(\.value.row))
        navSections = ["home"] + model.kinds.map { "kind-\($0.name)" } + ["log", "graph", "actions", "tags"]
        var navs: [String: [[Fields]]] = [:]
        for path in model.pagePaths + ["index.html", "kinds/x.html"] {
            let root = SitePath.root(of: path)
            if navs[root] == nil { navs[root] = Self.navLists(root: root, kinds: model.kinds, sections: navSections) }
        }
        self.navs = Shared(navs)
    }

    /// What other pages show of a document: as a link (relations, backlinks) and as a row of an index.
    static func summary(_ d: Document, label: String) -> (link: Fields, row: Fields) {
        let status: Any = statusFields(of: d).map { $0 } ?? false
        let link: Fields = ["label": label, "title": d.title, "status": status, "hasID": d.id != nil, "broken": false]
        var r: Fields = ["title": d.title, "kind": kindSingular(d.kind), "path": d.path]
        // Absent rather than empty: an empty string counts as true in a Mustache section.
        if let id = d.id { r["id"] = id }
        r["status"] = status
        if let date = d.date { r["date"] = date.iso }
        let people = d.people.owners.isEmpty ? (d.people.deciders.isEmpty ? d.people.authors : d.people.deciders) : d.people.owners
        r["people"] = people.joined(separator: ", ")
        r["progress"] = progress(d.tasks.filter(\.checked).count, d.tasks.count)
        return (link, r)
    }

    static func navLists(root: String, kinds: [KindSchema], sections: [String]) -> [[Fields]] {
        let items: [(label: String, href: String)] = [("Home", root + "index.html")]
            + kinds.map { (kindLabel($0.name), root + kindPath($0.name)) }
            + [("Decision log", root + "log.html"), ("Graph", root + "graph.html"), ("Action items", root + "actions.html"),
               ("Tags", root + "tags.html")]
        return (-1..<sections.count).map { current in
            items.enumerated().map { k, item in
                ["label": item.label, "href": item.href, "current": k == current]
            }
        }
    }

    var docs: [Document] { model.docs }

    func jobs() -> [PageJob] {
        var out: [PageJob] = [PageJob(kind: .home, path: "index.html"), PageJob(kind: .log, path: "log.html"),
                              PageJob(kind: .graph, path: "graph.html"), PageJob(kind: .actions, path: "actions.html"),
                              PageJob(kind: .tags, path: "tags.html"), PageJob(kind: .notFound, path: "404.html"),
                              PageJob(kind: .feed, path: "feed.xml")]
        if model.options.search != nil { out.append(PageJob(kind: .search, path: "search.html")) }
        for (k, kind) in model.kinds.enumerated() { out.append(PageJob(kind: .kindIndex(k), path: Self.kindPath(kind.name))) }
        for status in statusValues() { out.append(PageJob(kind: .status(status), path: Self.statusPath(status))) }
        for tag in tagValues() { out.append(PageJob(kind: .tag(tag), path: Self.tagPath(tag))) }
        for i in docs.indices { out.append(PageJob(kind: .document(i), path: model.pagePaths[i])) }
        return out
    }

    static func kindPath(_ name: String) -> String { "kinds/\(slug(name)).html" }
    static func statusPath(_ s: String) -> String { "status/\(slug(s)).html" }
    static func tagPath(_ s: String) -> String { "tags/\(slug(s)).html" }
    static func slug(_ s: String) -> String {
        let a = Slug.anchor(s)
        return a.isEmpty ? "x" + String(s.unicodeScalars.map { String($0.value, radix: 16) }.joined().prefix(16)) : a
    }

    func statusValues() -> [String] { Set(docs.compactMap { $0.status?.value }).filter { !$0.isEmpty }.sorted() }
    func tagValues() -> [String] { Set(docs.flatMap(\.tags)).filter { !$0.isEmpty }.sorted() }

    /// The page as the bytes written to its file.
    func render(_ job: PageJob) -> [UInt8] {
        let (template, context): (String, Fields)
        switch job.kind {
        case .document(let i): (template, context) = ("document", documentContext(i, path: job.path))
        case .home: (template, context) = ("home", homeContext(job.path))
        case .kindIndex(let k): (template, context) = ("kind", kindContext(model.kinds[k], path: job.path))
        case .log: (template, context) = ("log", logContext(job.path))
        case .graph: (template, context) = ("graph", graphContext(job.path))
        case .actions: (template, context) = ("actions", actionsContext(job.path))
        case .status(let s): (template, context) = ("list", statusContext(s, path: job.path))
        case .tag(let t): (template, context) = ("list", tagContext(t, path: job.path))
        case .tags: (template, context) = ("tags", tagsContext(job.path))
        case .notFound: (template, context) = ("notfound", base(job.path, title: "Page not found", section: ""))
        case .feed: (template, context) = ("feed", feedContext())
        case .search: (template, context) = ("search", base(job.path, title: "Search", section: "search"))
        }
        return theme.render(template, context)
    }

    // MARK: - Shared pieces

    func kindLabel(_ name: String?) -> String { Self.kindLabel(name) }

    static func kindLabel(_ name: String?) -> String {
        switch name {
        case "decision"?: return "Decisions"
        case "requirement"?: return "Requirements"
        case "runbook"?: return "Runbooks"
        case "postmortem"?: return "Post-mortems"
        case let n?: return n.prefix(1).uppercased() + n.dropFirst() + "s"
        case nil: return "Other documents"
        }
    }

    static func kindSingular(_ name: String?) -> String {
        switch name {
        case "decision"?: return "Decision"
        case "postmortem"?: return "Post-mortem"
        case let n?: return n.prefix(1).uppercased() + n.dropFirst()
        case nil: return "Document"
        }
    }

    func base(_ path: String, title: String, section: String) -> Fields {
        let root = path == "404.html" && model.options.baseURL != nil ? baseURL() : SitePath.root(of: path)
        let lists = navs.value[root] ?? Self.navLists(root: root, kinds: model.kinds, sections: navSections)
        let nav = lists[(navSections.firstIndex(of: section) ?? -1) + 1]
        return ["root": root, "siteTitle": model.siteTitle, "pageTitle": title, "nav": nav,
                "generator": model.options.generator, "feed": root + "feed.xml",
                "search": model.options.search != nil ? ["href": root + "search.html"] : false]
    }

    func baseURL() -> String {
        guard var b = model.options.baseURL, !b.isEmpty else { return "" }
        if !b.hasSuffix("/") { b += "/" }
        return b
    }

    /// Checklist progress, or `false`: a missing key would make Mustache use an enclosing context's
    /// `progress` (a kind without checklists would show the handbook's).
    static func progress(_ done: Int, _ total: Int) -> Any {
        guard total > 0 else { return false }
        return ["done": done, "total": total, "percent": done * 100 / total, "label": "\(done) of \(total) done",
                                     "complete": done == total]
    }


    func progress(of docIndices: [Int]) -> Any {
        let tasks = docIndices.flatMap { docs[$0].tasks }
        return Self.progress(tasks.filter(\.checked).count, tasks.count)
    }

    static func statusFields(of d: Document) -> Fields? {
        guard let s = d.status, !s.value.isEmpty else { return nil }
        var out: Fields = ["value": s.value, "slug": slug(s.value)]
        out["note"] = s.note ?? false
        return out
    }

    /// A document as a row of an index table, with links relative to `page`.
    func row(_ i: Int, from page: String) -> Fields { withHref(rowFields.value[i], to: i, from: page) }

    func link(_ i: Int, from page: String) -> Fields { withHref(linkFields.value[i], to: i, from: page) }

    /// A document's shared fields with the one that differs per page: the relative href to it.
    private func withHref(_ shared: Fields, to i: Int, from page: String) -> Fields {
        var fields = shared
        fields["href"] = SitePath.relative(from: page, to: model.pagePaths[i])
        return fields
    }

    func byDateDescending(_ a: Int, _ b: Int) -> Bool {
        let da = isoDates[a] ?? "", db = isoDates[b] ?? ""
        if da != db { return da > db }
        return docs[a].path > docs[b].path
    }

    // MARK: - Document page

    func documentContext(_ i: Int, path: String) -> Fields {
        let d = docs[i]
        var c = base(path, title: d.id.map { "\($0): \(d.title)" } ?? d.title, section: d.kind.map { "kind-\($0)" } ?? "")
        var doc: Fields = ["title": d.title, "kind": Self.kindSingular(d.kind), "source": d.path, "body": html(i)]
        if let id = d.id { doc["id"] = id }
        if let k = d.kind { doc["kindHref"] = SitePath.relative(from: path, to: Self.kindPath(k)) }
        if var s = Self.statusFields(of: d) {
            s["href"] = SitePath.relative(from: path, to: Self.statusPath(d.status!.value))
            doc["status"] = s
        }
        // Typed as template fields: a `[String: String]` misses swift-mustache's fast path (Vendor PATCHES.md) and
        // every name looked up beneath it asks the runtime for protocol conformances.
        let dates: [Fields] = d.dates.sorted { $0.key < $1.key }.map {
            ["name": $0.key.prefix(1).uppercased() + $0.key.dropFirst(), "iso": $0.value.iso]
        }
        if !dates.isEmpty { doc["dates"] = dates }
        var people: [Fields] = []
        for (role, names) in [("Authors", d.people.authors), ("Deciders", d.people.deciders), ("Owners", d.people.owners),
                              ("Consulted", d.people.consulted), ("Informed", d.people.informed)] where !names.isEmpty {
            people.append(["role": role, "names": names.joined(separator: ", ")])
        }
        doc["people"] = people.isEmpty ? false : people
        doc["tags"] = d.tags.map { ["name": $0, "href": SitePath.relative(from: path, to: Self.tagPath($0))] as Fields }
        // Relations, recorded here or by the other side.
        var groups: [Fields] = []
        for type in RelationType.allCases {
            let targets = relationsFrom[i].filter { $0.type == type }.map(\.to)
            if targets.isEmpty { continue }
            let phrase = type.phrase.prefix(1).uppercased() + type.phrase.dropFirst()
            groups.append(["phrase": phrase, "items": targets.map { link($0, from: path) }])
        }
        let unresolved = d.relations.filter { model.validator.target($0.target, from: i) == nil }
        if !unresolved.isEmpty {
            let items = unresolved.map {
                ["label": "\($0.type.phrase) \($0.target)", "title": "not a document in this handbook", "broken": true]
            }
            groups.append(["phrase": "Unresolved", "items": items])
        }
        doc["relations"] = groups.isEmpty ? false : groups
        doc["backlinks"] = backlinks[i].map { link($0, from: path) }

        // Banner for a decision that no longer holds.
        let successors = relationsFrom[i].filter { $0.type == .supersededBy }.map(\.to)
        let value = d.status?.value ?? ""
        if !successors.isEmpty || value.hasPrefix("superseded") || value == "deprecated" {
            var banner: Fields = ["state": value.hasPrefix("superseded") || !successors.isEmpty ? "superseded" : value]
            banner["successors"] = successors.isEmpty ? false : successors.map { link($0, from: path) }
            doc["banner"] = banner
        } else {
            doc["banner"] = false
        }

        // Table of contents with checklist progress per section (a section counts its subsections' tasks).
        var sectionDone = Array(repeating: 0, count: d.sections.count), sectionTotal = sectionDone
        for t in d.tasks {
            var s = t.section
            while let k = s {
                sectionTotal[k] += 1
                if t.checked { sectionDone[k] += 1 }
                s = d.sections[k].parent
            }
        }
        let minLevel = d.sections.filter { !(d.titleSource == .heading && $0.level == 1 && $0.range.start.line == d.titlePosition.line) }.map(\.level).min() ?? 1
        var toc: [Fields] = []
        for (k, s) in d.sections.enumerated() {
            if d.titleSource == .heading && s.level == 1 && s.range.start.line == d.titlePosition.line { continue }
            var e: Fields = ["title": s.title, "anchor": "#" + SitePath.encodeFragment(s.anchor), "depth": max(0, s.level - minLevel)]
            e["progress"] = Self.progress(sectionDone[k], sectionTotal[k])
            toc.append(e)
        }
        doc["toc"] = toc.count > 1 ? toc : []
        doc["progress"] = Self.progress(d.tasks.filter(\.checked).count, d.tasks.count)

        do {
            doc["problems"] = (problems[d.path] ?? []).map {
                ["severity": $0.severity.rawValue, "line": $0.position.line, "message": $0.message, "rule": $0.rule]
            }
        }
        let svg = neighbourhoodGraph(i, page: path)
        doc["graph"] = svg.isEmpty ? false : svg
        c["doc"] = doc
        return c
    }

    // MARK: - Home and indexes

    func homeContext(_ path: String) -> Fields {
        var c = base(path, title: model.siteTitle, section: "home")
        var kinds: [Fields] = []
        for k in model.kinds {
            let members = docs.indices.filter { docs[$0].kind == k.name }
            var e: Fields = ["label": kindLabel(k.name), "href": Self.kindPath(k.name), "count": members.count]
            e["progress"] = progress(of: members)
            var statuses: [Fields] = []
            for s in Set(members.compactMap { docs[$0].status?.value }).sorted() where !s.isEmpty {
                statuses.append(["value": s, "slug": Self.slug(s), "href": Self.statusPath(s),
                                                      "count": members.filter { docs[$0].status?.value == s }.count])
            }
            if !statuses.isEmpty { e["statuses"] = statuses }
            kinds.append(e)
        }
        c["kinds"] = kinds
        c["documentCount"] = docs.count
        c["progress"] = progress(of: Array(docs.indices))
        let decisions = docs.indices.filter { docs[$0].kind == "decision" }.sorted(by: byDateDescending)
        c["latest"] = decisions.prefix(5).map { row($0, from: path) }
        // The ten most recent on the home page; the action items page lists them all.
        let open = actionItems(from: path, kinds: ["postmortem"])
        let recent = open.enumerated().sorted { a, b in
            let da = a.element.date ?? "", db = b.element.date ?? ""
            return da != db ? da > db : a.offset < b.offset
        }.prefix(10).map(\.element.item)
        c["openActions"] = Array(recent)
        c["openActionCount"] = open.count
        c["moreActions"] = open.count > recent.count
        if let intro = model.intro { c["intro"] = html(intro) }
        let errors = model.diagnostics.filter { $0.severity == .error }.count
        let warnings = model.diagnostics.filter { $0.severity == .warning }.count
        if errors + warnings > 0 { c["health"] = ["errors": errors, "warnings": warnings] }
        return c
    }

    func kindContext(_ kind: KindSchema, path: String) -> Fields {
        var c = base(path, title: kindLabel(kind.name), section: "kind-\(kind.name)")
        let members = docs.indices.filter { docs[$0].kind == kind.name }
        c["heading"] = kindLabel(kind.name)
        c["rows"] = members.map { row($0, from: path) }
        let statuses = Set(members.compactMap { docs[$0].status?.value }).filter { !$0.isEmpty }.sorted()
        c["statuses"] = statuses.map { s in ["value": s, "count": members.filter { docs[$0].status?.value == s }.count] }
        c["progress"] = progress(of: members)
        return c
    }

    func statusContext(_ status: String, path: String) -> Fields {
        var c = base(path, title: "Status: \(status)", section: "")
        c["heading"] = "Status: \(status)"
        c["rows"] = docs.indices.filter { docs[$0].status?.value == status }.map { row($0, from: path) }
        return c
    }

    func tagContext(_ tag: String, path: String) -> Fields {
        var c = base(path, title: "Tag: \(tag)", section: "tags")
        c["heading"] = "Tag: \(tag)"
        c["rows"] = docs.indices.filter { docs[$0].tags.contains(tag) }.map { row($0, from: path) }
        return c
    }

    func tagsContext(_ path: String) -> Fields {
        var c = base(path, title: "Tags", section: "tags")
        c["tags"] = tagValues().map { t in
            ["name": t, "href": Self.tagPath(t), "count": docs.filter { $0.tags.contains(t) }.count]
        }
        return c
    }

    /// Open tasks, each with its document's date (for the home page's order).
    func actionItems(from page: String, kinds: Set<String>?) -> [(item: Fields, date: String?)] {
        var out: [(item: Fields, date: String?)] = []
        for (i, d) in docs.enumerated() where kinds == nil || kinds!.contains(d.kind ?? "") {
            for t in d.tasks where !t.checked {
                let anchor = t.section.map { "#" + SitePath.encodeFragment(d.sections[$0].anchor) } ?? ""
                var e: Fields = ["text": t.text, "doc": ["label": model.label(i)],
                                 "href": SitePath.relative(from: page, to: model.pagePaths[i]) + anchor, "line": t.position.line]
                if let s = t.section { e["section"] = d.sections[s].title }
                let date = isoDates[i]
                if let date { e["date"] = date }
                out.append((e, date))
            }
        }
        return out
    }

    func actionsContext(_ path: String) -> Fields {
        var c = base(path, title: "Action items", section: "actions")
        let items = actionItems(from: path, kinds: nil).map(\.item)
        c["items"] = items
        c["count"] = items.count
        return c
    }

    // MARK: - Log, graph, feed

    func decisionsChronological() -> [Int] {
        docs.indices.filter { docs[$0].kind == "decision" }.sorted {
            let a = isoDates[$0] ?? "9999", b = isoDates[$1] ?? "9999"
            return a != b ? a < b : docs[$0].path < docs[$1].path
        }
    }

    func diagramNode(_ i: Int, from page: String, focus: Bool = false) -> DiagramNode {
        DiagramNode(key: docs[i].path, label: docs[i].id ?? "", title: docs[i].title,
                    href: SitePath.relative(from: page, to: model.pagePaths[i]), status: docs[i].status?.value,
                    kind: docs[i].kind, date: isoDates[i], isFocus: focus)
    }

    /// Relation edges in one direction only (supersedes, amends, relates-to) so each is drawn once.
    static func forwardRelations(_ relations: [(from: Int, type: RelationType, to: Int)]) -> [(from: Int, type: RelationType, to: Int)] {
        var seen = Set<String>()
        var out: [(Int, RelationType, Int)] = []
        for r in relations {
            let (a, t, b): (Int, RelationType, Int)
            switch r.type {
            case .supersededBy: (a, t, b) = (r.to, .supersedes, r.from)
            case .amendedBy: (a, t, b) = (r.to, .amends, r.from)
            case .relatesTo: (a, t, b) = (min(r.from, r.to), .relatesTo, max(r.from, r.to))
            default: (a, t, b) = (r.from, r.type, r.to)
            }
            if seen.insert("\(a)|\(t.rawValue)|\(b)").inserted { out.append((a, t, b)) }
        }
        return out.sorted { ($0.0, $0.1.rawValue, $0.2) < ($1.0, $1.1.rawValue, $1.2) }
    }

    func logContext(_ path: String) -> Fields {
        var c = base(path, title: "Decision log", section: "log")
        let order = decisionsChronological()
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        let nodes = order.map { diagramNode($0, from: path) }
        let edges = forward.compactMap { r -> DiagramEdge? in
            guard let a = position[r.from], let b = position[r.to], r.type != .relatesTo else { return nil }
            return DiagramEdge(from: a, to: b, relation: r.type.rawValue)
        }
        c["timeline"] = SVGDiagrams.timeline(nodes: nodes, edges: edges, title: "Decision timeline")
        c["rows"] = order.map { row($0, from: path) }
        return c
    }

    /// Above this many documents the handbook graph keeps only documents joined by relations
    /// (supersedes, amends, relates-to): a drawing of thousands of boxes helps nobody and weighs megabytes.
    static let graphLimit = 300

    func graphContext(_ path: String) -> Fields {
        var c = base(path, title: "Relation graph", section: "graph")
        // Decisions, what they relate to, and (in small handbooks) the documents that link to them.
        var members = Set(docs.indices.filter { docs[$0].kind == "decision" })
        var edges: [(Int, Int, String)] = forward.map { ($0.from, $0.to, $0.type.rawValue) }
        for e in edges { members.insert(e.0); members.insert(e.1) }
        var linkEdges: [(Int, Int, String)] = []
        for (i, body) in bodies.enumerated() {
            for r in body.references where r != i && (docs[r].kind == "decision" || docs[i].kind == "decision") {
                linkEdges.append((i, r, "links"))
            }
        }
        let withLinks = members.union(linkEdges.flatMap { [$0.0, $0.1] })
        var note = ""
        if withLinks.count <= Self.graphLimit {
            members = withLinks
            edges += linkEdges
        } else {
            let related = Set(edges.flatMap { [$0.0, $0.1] })
            if members.count > Self.graphLimit {
                note = "Showing the \(related.count) documents joined by relations; \(members.count - related.count) decisions without relations and the links between documents are left out."
                members = related
            } else {
                note = "Links between documents are left out (\(withLinks.count) documents would be drawn); relations are shown."
            }
        }
        let order = members.sorted { docs[$0].path < docs[$1].path }
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        let nodes = order.map { diagramNode($0, from: path) }
        var seen = Set<String>()
        let diagramEdges = edges.compactMap { e -> DiagramEdge? in
            guard let a = position[e.0], let b = position[e.1], seen.insert("\(min(a, b))|\(max(a, b))").inserted || e.2 != "links" else { return nil }
            return DiagramEdge(from: a, to: b, relation: e.2)
        }
        c["graph"] = SVGDiagrams.relationGraph(nodes: nodes, edges: diagramEdges, title: "Handbook relations", includeIsolated: true)
        c["nodeCount"] = nodes.count
        c["edgeCount"] = diagramEdges.count
        c["note"] = note.isEmpty ? false : note
        return c
    }

    static let neighbourLinkLimit = 16

    func neighbourhoodGraph(_ i: Int, page: String) -> String {
        var neighbours: [(Int, Int, String)] = forwardTouching[i].map { (forward[$0].from, forward[$0].to, forward[$0].type.rawValue) }
        let related = Set(neighbours.flatMap { [$0.0, $0.1] })
        // Relations always; plain links only while the drawing stays readable.
        var linked = 0
        for r in bodies[i].references where r != i && !related.contains(r) && linked < Self.neighbourLinkLimit {
            neighbours.append((i, r, "links"))
            linked += 1
        }
        for b in backlinks[i] where !related.contains(b) && linked < Self.neighbourLinkLimit {
            neighbours.append((b, i, "links"))
            linked += 1
        }
        guard !neighbours.isEmpty, docs[i].kind == "decision" else { return "" }
        let order = ([i] + Set(neighbours.flatMap { [$0.0, $0.1] }).subtracting([i]).sorted { docs[$0].path < docs[$1].path })
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        let nodes = order.map { diagramNode($0, from: page, focus: $0 == i) }
        let edges = neighbours.map { DiagramEdge(from: position[$0.0]!, to: position[$0.1]!, relation: $0.2) }
        return SVGDiagrams.neighbourhood(nodes: nodes, edges: edges, focus: 0, title: "Relations of \(model.label(i))")
    }

    func feedContext() -> Fields {
        let root = baseURL()
        let decisions = docs.indices.filter { docs[$0].kind == "decision" && docs[$0].date != nil }.sorted(by: byDateDescending)
        var updated: [String] = []
        let entries: [Fields] = decisions.map { i in
            let d = docs[i]
            let url = root + model.pagePaths[i].split(separator: "/").map { SitePath.encodeSegment(String($0)) }.joined(separator: "/")
            updated.append((d.dates["updated"] ?? d.date!).iso + "T00:00:00Z")
            var e: Fields = ["title": d.id.map { "\($0): \(d.title)" } ?? d.title, "url": url,
                             "id": root.isEmpty ? "urn:archbook:" + SitePath.encodeSegment(d.path) : url,
                             "updated": updated[updated.count - 1]]
            if let s = d.status?.value { e["status"] = s }
            return e
        }
        return ["siteTitle": model.siteTitle, "updated": updated.first ?? "1970-01-01T00:00:00Z",
                "entries": entries, "self": root.isEmpty ? "feed.xml" : root + "feed.xml",
                "home": root.isEmpty ? "index.html" : root, "id": root.isEmpty ? "urn:archbook:handbook" : root,
                "generator": model.options.generator]
    }
}

extension PageRenderer {
    /// Document `i`'s body HTML, read from the store when the disk cache kept it.
    func html(_ i: Int) -> String {
        if bodies[i].textSeal != nil, let storedHTML { return storedHTML(i) }
        return bodies[i].html
    }
}
