// Builds a Document from one file: front matter, then the conventions real repositories use.

import Foundation

/// Everything extraction needs besides the file itself.
public struct ExtractionContext: Sendable {
    public let config: Config
    /// Per kind, every section name it knows (required or optional), normalised once for all documents.
    let knownSections: [String: Set<String>]
    /// Each kind's path globs, compiled once.
    let kindGlobs: [(KindSchema, [GlobPattern])]
    let excludeGlobs: [GlobPattern]

    public init(config: Config) {
        self.config = config
        var known: [String: Set<String>] = [:]
        for kind in config.kinds {
            known[kind.name] = Set(kind.sectionSets.flatMap { $0.flatMap(\.keys) } + kind.optionalSections.map(SectionKey.normalize))
        }
        knownSections = known
        kindGlobs = config.kinds.map { ($0, $0.paths.map(GlobPattern.init)) }
        excludeGlobs = config.exclude.map(GlobPattern.init)
    }

    public func isExcluded(_ path: String) -> Bool {
        excludeGlobs.contains { $0.matches(path) }
    }

    /// The kind whose path globs match `path`, in config order.
    public func kindForPath(_ path: String) -> KindSchema? {
        kindGlobs.first { $0.1.contains { $0.matches(path) } }?.0
    }
}

/// A diagnostic before severity overrides are applied.
struct Finding: Sendable {
    var rule: Rule
    var position: SourcePosition
    var message: String
    var hint: String?

    /// The diagnostic for `file` with the severity the configuration gives the rule, or nil when it is off.
    func diagnostic(file: String, kind: String?, config: Config) -> Diagnostic? {
        guard let severity = config.severity(of: rule, kind: kind) else { return nil }
        return Diagnostic(rule: rule.id, severity: severity, file: file, position: position, message: message, hint: hint)
    }
}

public enum Extractor {
    /// Parses and reads one document. Returns the document and the findings about it alone.
    public static func extract(path: String, bytes: [UInt8], context: ExtractionContext) -> (Document, [Diagnostic]) {
        var state = ExtractionState(path: path, context: context)
        let doc = state.run(bytes: bytes)
        let kind = doc.kind
        let diagnostics = state.findings.compactMap { $0.diagnostic(file: path, kind: kind, config: context.config) }
        return (doc, diagnostics)
    }
}

/// One labelled value found in a document body (`* Status: accepted`, `Date: 2016-02-12`, `| Status | x |`).
private struct BodyField {
    var key: String
    var value: String
    var links: [String]
    var position: SourcePosition
    var source: MetadataSource
}

private struct ExtractionState {
    let path: String
    let context: ExtractionContext
    var findings: [Finding] = []

    let fileName: String
    let baseName: String

    init(path: String, context: ExtractionContext) {
        self.path = path
        self.context = context
        fileName = String(path.split(separator: "/").last ?? Substring(path))
        if let dot = fileName.lastIndex(of: ".") { baseName = String(fileName[..<dot]) } else { baseName = fileName }
    }

    mutating func report(_ rule: Rule, _ position: SourcePosition, _ message: String, hint: String? = nil) {
        findings.append(Finding(rule: rule, position: position, message: message, hint: hint))
    }


    mutating func run(bytes raw: [UInt8]) -> Document {
        let source = SourceText(decoding: raw)
        if let first = source.invalidUTF8Lines.first {
            let lines = source.invalidUTF8Lines.prefix(5).map(String.init).joined(separator: ", ")
            report(Rules.invalidUTF8, SourcePosition(line: first, column: 1),
                   "file is not valid UTF-8 (line\(source.invalidUTF8Lines.count > 1 ? "s" : "") \(lines)\(source.invalidUTF8Lines.count > 5 ? ", ..." : ""))",
                   hint: "Re-save the file as UTF-8; archbook read the invalid bytes as U+FFFD.")
        }
        let bytes = source.bytes
        let split = FrontMatterSplit.split(bytes)
        var frontMatter: FrontMatter?
        if split.unclosed {
            report(Rules.invalidFrontMatter, .start, "front matter opened on line 1 is never closed",
                   hint: "End the front matter with a line containing only `---`.")
        } else if let yaml = split.yaml {
            switch YAMLReader.read(yaml, lineOffset: 1) {
            case .success(.some(.mapping(let entries, _))):
                frontMatter = FrontMatter(raw: yaml, entries: entries)
            case .success(.none):
                frontMatter = FrontMatter(raw: yaml, entries: [])
            case .success(.some(let other)):
                report(Rules.invalidFrontMatter, other.position, "front matter is \(other.typeName), not a mapping of keys to values",
                       hint: "Write front matter as `key: value` lines.")
            case .failure(let e):
                report(Rules.invalidFrontMatter, e.position, "invalid YAML in front matter: \(e.message)",
                       hint: e.message.hasPrefix("duplicate key") ? "Keep one of the keys; YAML does not allow a key twice in a mapping." :
                           "Fix the YAML syntax; quote values that contain ': ', '#', '[' or '{'.")
            }
        }
        let body = bytes[split.bodyOffset...]
        let tree = MarkdownParser.parse(body, lineOffset: split.bodyLineOffset)
        return build(tree: tree, frontMatter: frontMatter, body: body, bodyLineOffset: split.bodyLineOffset)
    }

    // MARK: - Building the document

    mutating func build(tree: MarkdownTree, frontMatter fm: FrontMatter?, body: ArraySlice<UInt8>, bodyLineOffset: Int) -> Document {
        let parseFindings = findings.count
        let sections = collectSections(tree)
        let (tasks, links) = collectTasksAndLinks(tree, sections: sections)
        let h1 = tree.childIndices(of: 0).first { tree.nodes[$0].headingLevel == 1 }
        let bodyFields = collectBodyFields(tree, sections: sections, h1: h1)

        // Kind
        var kind: KindSchema?
        if let entry = fm?.value("kind") {
            if let name = entry.value.scalar?.lowercased(), let k = context.config.kind(named: name) {
                kind = k
            } else {
                let names = context.config.kinds.map(\.name).joined(separator: ", ")
                report(Rules.invalidFrontMatter, entry.keyPosition, "unknown kind '\(entry.value.scalar ?? entry.value.typeName)'",
                       hint: "Use one of: \(names), or declare the kind in archbook.yml.")
            }
        }
        // Folder indexes and templates live beside documents of a kind but are not documents of it.
        let lowerBase = baseName.lowercased()
        let isTemplate = lowerBase.contains("template")
        if kind == nil, !isTemplate, !["readme", "index", "_index"].contains(lowerBase) {
            kind = context.kindForPath(path)
        }

        // Title
        var title = baseName
        var titleSource = MetadataSource.fileName
        var titlePosition = SourcePosition.start
        var titleID: IDText?
        if let h1 {
            let text = tree.plainText(h1, trimmed: true)
            titlePosition = tree.nodes[h1].start
            if let (id, rest) = IDText.fromTitle(text), !rest.isEmpty,
               id.prefix == nil || id.prefix == kind?.idPrefix.uppercased() {
                titleID = id
                title = rest
            } else {
                title = text
            }
            titleSource = .heading
        }
        if let entry = fm?.value("title") {
            if let s = scalarField(entry) {
                title = s
                titleSource = .frontMatter
                titlePosition = entry.value.position
            }
        }
        if titleSource == .fileName, kind != nil {
            report(Rules.missingTitle, .start, "document has no title",
                   hint: "Start the document with a `# Title` heading or set `title:` in the front matter.")
        }

        // ID
        var id: String?
        var idSource: MetadataSource?
        let fileNumber = IDText.fileNumber(fileName)
        if let entry = fm?.value("id"), let raw = scalarField(entry) {
            if let kind, let parsed = IDText.parse(raw), parsed.prefix == nil || parsed.prefix == kind.idPrefix.uppercased() {
                id = kind.canonicalID(number: parsed.number)
            } else {
                id = raw
            }
            idSource = .frontMatter
        } else if let kind, let n = fileNumber {
            id = kind.canonicalID(number: n)
            idSource = .fileName
        } else if let kind, let t = titleID {
            id = kind.canonicalID(number: t.number)
            idSource = .heading
        }
        if let kind, let t = titleID, let id, idSource != .heading,
           let idNumber = IDText.parse(id)?.number, idNumber != t.number {
            let from = idSource == .frontMatter ? "front matter" : "file name"
            report(Rules.idMismatch, titlePosition,
                   "title says \(kind.canonicalID(number: t.number)) but the \(from) says \(id)",
                   hint: idSource == .fileName ? "Make the title's number \(idNumber), or rename the file to match the title." :
                       "Make the title's number match the front matter `id`.")
        }

        // Relations, status, dates, people and tags, front matter first.
        var relations: [Relation] = []
        var status: Status?
        var dates: [String: DateValue] = [:]
        var people = People()
        var tags: [String] = []

        if let fm {
            for entry in fm.entries {
                let key = FrontMatter.normalizeKey(entry.key)
                switch key {
                case "status":
                    if let s = scalarField(entry) {
                        status = makeStatus(raw: s, kind: kind, source: .frontMatter, position: entry.value.position,
                                            links: [], relations: &relations)
                    }
                case "date", "created", "updated", "last-updated", "last-modified", "accepted", "decided":
                    if let s = scalarField(entry), !s.isEmpty,
                       let d = readDate(s, position: entry.value.position, field: entry.key) {
                        dates[key == "last-updated" || key == "last-modified" ? "updated" : key] = d
                    }
                case "authors", "author":
                    people.authors += peopleList(entry)
                case "deciders", "decision-makers", "decision-maker", "decided-by":
                    people.deciders += peopleList(entry)
                case "owner", "owners":
                    people.owners += peopleList(entry)
                case "consulted":
                    people.consulted += peopleList(entry)
                case "informed":
                    people.informed += peopleList(entry)
                case "tags", "tag", "labels", "keywords":
                    tags += peopleList(entry)
                default:
                    if let type = relationType(forKey: key) {
                        for target in relationTargets(entry) {
                            relations.append(Relation(type: type, target: target.0, position: target.1))
                        }
                    }
                }
            }
        }

        // Body conventions fill what front matter did not say.
        for field in bodyFields {
            switch field.key {
            case "status":
                if status == nil {
                    status = makeStatus(raw: field.value, kind: kind, source: field.source, position: field.position,
                                        links: field.links, relations: &relations)
                }
            case "date", "created", "updated", "last updated":
                let key = field.key == "last updated" ? "updated" : field.key
                if dates[key] == nil, let d = readDate(field.value, position: field.position, field: field.key) {
                    dates[key] = d
                }
            case "deciders", "decision-makers", "decision makers", "decided by":
                if people.deciders.isEmpty { people.deciders = splitList(field.value) }
            case "authors", "author":
                if people.authors.isEmpty { people.authors = splitList(field.value) }
            case "owner", "owners":
                if people.owners.isEmpty { people.owners = splitList(field.value) }
            case "consulted":
                if people.consulted.isEmpty { people.consulted = splitList(field.value) }
            case "informed":
                if people.informed.isEmpty { people.informed = splitList(field.value) }
            case "tags":
                if tags.isEmpty { tags = splitList(field.value) }
            case "relation":
                break
            default:
                break
            }
        }
        // Relation lines of the Status section and relation bullets.
        for field in bodyFields where field.key == "relation" {
            addRelationLine(field.value, links: field.links, position: field.position, into: &relations)
        }
        if status == nil, relations.contains(where: { $0.type == .supersededBy }),
           let kind, kind.canonicalStatus("superseded") != nil {
            let pos = relations.first { $0.type == .supersededBy }!.position
            status = Status(raw: "Superseded", value: "superseded", note: nil, source: .statusSection, position: pos)
        }

        let doc = Document(
            path: path, kind: kind?.name, id: id, idSource: idSource, title: title, titleSource: titleSource,
            titlePosition: titlePosition, status: status, dates: dates, people: people, tags: tags,
            relations: relations, sections: sections, tasks: tasks, links: links, frontMatter: fm,
            body: body, bodyLineOffset: bodyLineOffset)
        if let kind { validate(doc, kind: kind) }
        checkPlaceholders(tree)
        DecisionMatrix.check(tree) { position, message, hint in
            report(Rules.decisionMatrix, position, message, hint: hint)
        }
        // A template is full of placeholders by design: only problems reading it are worth reporting.
        if isTemplate { findings.removeSubrange(parseFindings...) }
        return doc
    }

    // MARK: - Per-document rules

    mutating func validate(_ doc: Document, kind: KindSchema) {
        let where_ = doc.titlePosition
        if let status = doc.status, !kind.statuses.isEmpty, kind.canonicalStatus(status.value) == nil,
           Self.placeholderMatches(status.raw).isEmpty {
            let names = kind.statuses.map(\.name)
            let nearest = names.min { StatusText.distance($0, status.value) < StatusText.distance($1, status.value) }!
            let close = StatusText.distance(nearest, status.value) <= max(2, nearest.count / 3)
            report(Rules.unknownStatus, status.position,
                   "unknown \(kind.name) status '\(status.raw)'" + (close ? "; did you mean '\(nearest)'?" : ""),
                   hint: "Allowed: \(names.joined(separator: ", ")). Declare more (or aliases) in archbook.yml.")
        }
        if doc.status == nil, kind.requireStatus {
            report(Rules.missingStatus, where_, "\(kind.name) has no status",
                   hint: "Add `status:` to the front matter, a `## Status` section, or a `* Status:` bullet under the title.")
        }
        if doc.status?.value == "superseded", !doc.relations.contains(where: { $0.type == .supersededBy }) {
            report(Rules.supersededWithoutSuccessor, doc.status!.position, "\(kind.name) is superseded but does not say by which document",
                   hint: "Add `superseded-by: <ID>` to the front matter, or a `Superseded by [...](...)` line to the Status section.")
        }
        // Sections: pick the alternative set the document comes closest to.
        let keys = Set(doc.sections.map(\.key))
        func met(_ r: SectionRequirement) -> Bool {
            if r.satisfiedBy == "status", doc.status != nil { return true }
            return r.keys.contains { keys.contains($0) }
        }
        let sets = kind.sectionSets.filter { !$0.isEmpty }
        if let best = sets.min(by: { a, b in a.filter { !met($0) }.count < b.filter { !met($0) }.count }) {
            for r in best where !met(r) {
                if r.satisfiedBy == "status" { continue } // reported as missing-status
                let also = r.aliases.isEmpty ? "." : " (also accepted: " + r.aliases.joined(separator: ", ") + ")."
                report(Rules.missingSection, where_, "\(kind.name) is missing the required section '\(r.name)'",
                       hint: "Add a `## \(r.name)` section" + also)
            }
        }
        let known = context.knownSections[kind.name] ?? []
        for s in doc.sections where known.contains(s.key) && !s.hasContent && s.level > 1 {
            report(Rules.emptySection, s.range.start, "section '\(s.title)' is empty",
                   hint: "Write the section's content, or remove the heading.")
        }
        for field in kind.requiredFields where !hasField(doc, field) {
            report(Rules.missingMetadata, where_, "\(kind.name) has no '\(field)'",
                   hint: "Add `\(field):` to the front matter or a `* \(field.capitalized):` bullet under the title.")
        }
    }

    func hasField(_ doc: Document, _ field: String) -> Bool {
        switch FrontMatter.normalizeKey(field) {
        case "status": return doc.status != nil
        case "date": return doc.date != nil
        case "created", "updated": return doc.dates[FrontMatter.normalizeKey(field)] != nil
        case "deciders", "decision-makers": return !doc.people.deciders.isEmpty
        case "authors", "author": return !doc.people.authors.isEmpty
        case "owner", "owners": return !doc.people.owners.isEmpty
        case "tags": return !doc.tags.isEmpty
        case "title": return doc.titleSource != .fileName
        case "id": return doc.id != nil
        default: return doc.frontMatter?.value(field) != nil
        }
    }

    // MARK: - Values

    mutating func makeStatus(raw: String, kind: KindSchema?, source: MetadataSource, position: SourcePosition,
                             links: [String], relations: inout [Relation]) -> Status? {
        let parsed = StatusText.parse(raw)
        guard !parsed.value.isEmpty else { return nil }
        var value = parsed.value
        // "Superseded by [20. X](0020-x.md)" is a status and a relation at once.
        for (phrase, type) in relationPhrases where value.hasPrefix(phrase) {
            let rest = String(value.dropFirst(phrase.count)).trimmed
            if !links.isEmpty {
                for l in links { relations.append(Relation(type: type, target: l, position: position)) }
            } else if !rest.isEmpty {
                relations.append(Relation(type: type, target: targetText(rest, original: raw, phrase: phrase), position: position))
            }
            value = type == .supersededBy ? "superseded" : type == .amendedBy ? "amended" : phrase
            break
        }
        for part in parsed.trailing {
            addRelationLine(part, links: [], position: position, into: &relations)
        }
        let mapped = kind?.canonicalStatus(value)?.name ?? value
        return Status(raw: raw.trimmed, value: mapped, note: parsed.note, source: source, position: position)
    }

    /// Recovers the original spelling of a relation target from the raw text (status parsing lower-cased it).
    func targetText(_ lowered: String, original: String, phrase: String) -> String {
        if let r = original.range(of: phrase, options: .caseInsensitive) {
            let rest = original[r.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: " *_.`"))
            if !rest.isEmpty { return rest }
        }
        return lowered
    }

    let relationPhrases: [(String, RelationType)] = [
        ("superseded by", .supersededBy), ("supersedes", .supersedes), ("superceded by", .supersededBy),
        ("amended by", .amendedBy), ("amends", .amends), ("relates to", .relatesTo), ("related to", .relatesTo),
    ]

    func relationType(forKey key: String) -> RelationType? {
        switch key {
        case "supersedes", "replaces": return .supersedes
        case "superseded-by", "superseded", "replaced-by": return .supersededBy
        case "amends": return .amends
        case "amended-by": return .amendedBy
        case "relates-to", "related", "related-to", "see-also": return .relatesTo
        default: return nil
        }
    }

    mutating func addRelationLine(_ text: String, links: [String], position: SourcePosition, into relations: inout [Relation]) {
        let lower = text.lowercased().trimmed
        for (phrase, type) in relationPhrases where lower.hasPrefix(phrase) {
            if !links.isEmpty {
                for l in links { relations.append(Relation(type: type, target: l, position: position)) }
            } else {
                let rest = targetText(lower, original: text, phrase: phrase)
                for t in rest.split(separator: ",") {
                    let target = t.trimmed
                    if !target.isEmpty { relations.append(Relation(type: type, target: target, position: position)) }
                }
            }
            return
        }
    }

    /// A scalar front matter value; a `{PLACEHOLDER}` that YAML read as a mapping is reported as such.
    mutating func scalarField(_ entry: YAMLEntry) -> String? {
        switch entry.value {
        case .scalar(let s, _):
            return s.trimmed
        case .mapping(let items, let pos) where items.count == 1 && items[0].value.scalar == "":
            report(Rules.unfilledPlaceholder, pos, "front matter '\(entry.key)' is the template placeholder {\(items[0].key)}",
                   hint: "Replace the placeholder with the real value.")
            return nil
        default:
            report(Rules.invalidFrontMatter, entry.value.position,
                   "front matter '\(entry.key)' should be a single value, not \(entry.value.typeName)")
            return nil
        }
    }

    mutating func peopleList(_ entry: YAMLEntry) -> [String] {
        if case .scalar(let s, _) = entry.value { return splitList(s) }
        guard let list = entry.value.stringList else {
            report(Rules.invalidFrontMatter, entry.value.position,
                   "front matter '\(entry.key)' should be a list of names, not \(entry.value.typeName)")
            return []
        }
        return list.map { $0.trimmed }.filter { !$0.isEmpty }
    }

    mutating func relationTargets(_ entry: YAMLEntry) -> [(String, SourcePosition)] {
        var out: [(String, SourcePosition)] = []
        func add(_ v: YAMLValue) {
            if case .scalar(let s, let p) = v {
                for part in s.split(separator: ",") {
                    var t = part.trimmed
                    // A Markdown link as value: take its destination.
                    if let open = t.range(of: "]("), t.hasSuffix(")") {
                        t = String(t[open.upperBound..<t.index(before: t.endIndex)])
                    }
                    if !t.isEmpty { out.append((t, p)) }
                }
            }
        }
        switch entry.value {
        case .scalar: add(entry.value)
        case .sequence(let items, _): items.forEach(add)
        case .mapping:
            report(Rules.invalidFrontMatter, entry.value.position,
                   "front matter '\(entry.key)' should be an ID or a list of IDs, not a mapping")
        }
        return out
    }

    func splitList(_ s: String) -> [String] {
        s.split(separator: ",").map { $0.trimmed }.filter { !$0.isEmpty }
    }

    mutating func readDate(_ raw: String, position: SourcePosition, field: String) -> DateValue? {
        let text = Self.trimming(raw) { $0 == 0x20 || $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "`") }
        switch DateText.parse(text) {
        case .valid(let y, let m, let d):
            return DateValue(raw: raw, year: y, month: m, day: d, position: position)
        case .impossible(let why):
            report(Rules.invalidDate, position, "\(field) '\(text)' is not a valid date: \(why)",
                   hint: "Write dates as YYYY-MM-DD.")
        case .malformed:
            if text.range(of: #"^\{.*\}$|^\[.*\]$|^<.*>$"#, options: .regularExpression) != nil {
                report(Rules.unfilledPlaceholder, position, "\(field) is still the template placeholder '\(text)'",
                       hint: "Replace the placeholder with the real date (YYYY-MM-DD).")
            } else {
                report(Rules.invalidDate, position, "\(field) '\(text)' is not a date in YYYY-MM-DD form",
                       hint: "Write dates as YYYY-MM-DD.")
            }
        }
        return nil
    }

    /// `s` without leading and trailing ASCII bytes matching `isEdge`; the same as trimming those
    /// characters with Foundation, which works on Unicode scalars, but without its cost.
    static func trimming(_ s: String, _ isEdge: (UInt8) -> Bool) -> String {
        let u = s.utf8
        var lo = u.startIndex, hi = u.endIndex
        while lo < hi, isEdge(u[lo]) { lo = u.index(after: lo) }
        while hi > lo, isEdge(u[u.index(before: hi)]) { hi = u.index(before: hi) }
        return String(s[lo..<hi])
    }

    // MARK: - Tree walks

    func collectSections(_ tree: MarkdownTree) -> [Section] {
        var sections: [Section] = []
        var stack: [Int] = []
        var anchorCounts: [String: Int] = [:]
        for child in tree.childIndices(of: 0) {
            let data = tree.nodes[child]
            if data.tag == .heading {
                let level = data.headingLevel
                while let last = stack.last, sections[last].level >= level { stack.removeLast() }
                let title = tree.plainText(child, trimmed: true)
                let base = Slug.anchor(title)
                let n = anchorCounts[base, default: 0]
                anchorCounts[base] = n + 1
                sections.append(Section(title: title, key: SectionKey.normalize(title), level: level, range: data.range,
                                        anchor: n == 0 ? base : "\(base)-\(n)", parent: stack.last,
                                        hasContent: false, hasOwnContent: false, node: child))
                stack.append(sections.count - 1)
            } else if let current = stack.last {
                if data.tag == .htmlBlock, tree.literal(child, hasPrefix: "<!--") { continue }
                sections[current].hasOwnContent = true
                var s: Int? = current
                while let i = s {
                    sections[i].hasContent = true
                    s = sections[i].parent
                }
            }
        }
        return sections
    }

    /// The section a node belongs to: the last top-level heading before it.
    func sectionIndex(of node: Int, sections: [Section]) -> Int? {
        var lo = 0, hi = sections.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sections[mid].node <= node { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? nil : lo - 1
    }

    /// The first paragraph directly inside node `i`.
    func firstParagraph(in tree: MarkdownTree, _ i: Int) -> Int? {
        tree.childIndices(of: i).first { tree.nodes[$0].tag == .paragraph }
    }

    func collectTasksAndLinks(_ tree: MarkdownTree, sections: [Section]) -> ([TaskItem], [Link]) {
        var tasks: [TaskItem] = []
        var links: [Link] = []
        for i in tree.nodes.indices {
            let data = tree.nodes[i]
            switch data.tag {
            case .taskItem:
                let text = firstParagraph(in: tree, i).map { tree.plainText($0, trimmed: true) } ?? ""
                tasks.append(TaskItem(checked: data.flags & MarkdownTree.Flag.checked != 0, text: text,
                                      section: sectionIndex(of: i, sections: sections), position: data.start))
            case .link, .image:
                links.append(Link(destination: tree.literal(i), text: tree.plainText(i, trimmed: false),
                                  isImage: data.tag == .image, position: data.start))
            default:
                break
            }
        }
        return (tasks, links)
    }

    /// Lines of a paragraph split at soft and hard breaks, each with its text, link destinations and position.
    func lines(of paragraph: Int, in tree: MarkdownTree) -> [(text: String, links: [String], position: SourcePosition)] {
        var out: [(String, [String], SourcePosition)] = []
        var text: [UInt8] = []
        var links: [String] = []
        var pos = tree.nodes[paragraph].start
        var started = false
        for j in (paragraph + 1)..<tree.nodes[paragraph].end {
            let n = tree.nodes[j]
            switch n.tag {
            case .softBreak, .lineBreak:
                out.append((String(decoding: text, as: UTF8.self), links, pos))
                text.removeAll(keepingCapacity: true); links = []; started = false
            case .text, .code:
                if !started { pos = n.start; started = true }
                text.append(contentsOf: tree.literals[n.literal.range])
            case .link:
                if !started { pos = n.start; started = true }
                links.append(tree.literal(j))
            case .htmlInline:
                if !tree.literal(j, hasPrefix: "<!--") { text.append(contentsOf: tree.literals[n.literal.range]) }
            default:
                break
            }
        }
        out.append((String(decoding: text, as: UTF8.self), links, pos))
        return out.filter { !$0.0.trimmed.isEmpty || !$0.1.isEmpty }
    }

    static let bulletKeys: Set<String> = [
        "status", "date", "deciders", "decision-makers", "decision makers", "decided by", "authors", "author",
        "owner", "owners", "consulted", "informed", "tags", "created", "updated", "last updated",
    ]

    /// `Key: value` with a known key; the key lower-cased with single spaces, both without surrounding ` *_`.
    static func keyValue(_ text: String) -> (String, String)? {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else {
            // Characters and Unicode case mapping only matter outside ASCII.
            guard let colon = text.firstIndex(of: ":") else { return nil }
            let key = StatusText.collapse(String(text[..<colon]).lowercased()).trimmingCharacters(in: CharacterSet(charactersIn: " *_"))
            guard bulletKeys.contains(key) else { return nil }
            let value = text[text.index(after: colon)...].trimmingCharacters(in: CharacterSet(charactersIn: " *_"))
            return (key, value)
        }
        let u = Array(text.utf8)
        guard let colon = u.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        func isEdge(_ b: UInt8) -> Bool { b == 0x20 || b == UInt8(ascii: "*") || b == UInt8(ascii: "_") }
        // Lower-case and collapse runs of separators as `StatusText.collapse` does: a `\n` that ends a
        // `\r\n` pair is part of one Character there, so it does not separate.
        var key: [UInt8] = []
        var pendingSpace = false
        for k in 0..<colon {
            let b = u[k]
            if b == 0x20 || b == 0x09 || (b == 0x0A && (k == 0 || u[k - 1] != 0x0D)) {
                pendingSpace = !key.isEmpty
                continue
            }
            if pendingSpace { key.append(0x20); pendingSpace = false }
            key.append(b >= 0x41 && b <= 0x5A ? b + 32 : b)
        }
        var lo = 0, hi = key.count
        while lo < hi, isEdge(key[lo]) { lo += 1 }
        while hi > lo, isEdge(key[hi - 1]) { hi -= 1 }
        let keyString = String(decoding: key[lo..<hi], as: UTF8.self)
        guard bulletKeys.contains(keyString) else { return nil }
        var vlo = colon + 1, vhi = u.count
        while vlo < vhi, isEdge(u[vlo]) { vlo += 1 }
        while vhi > vlo, isEdge(u[vhi - 1]) { vhi -= 1 }
        return (keyString, String(decoding: u[vlo..<vhi], as: UTF8.self))
    }

    func collectBodyFields(_ tree: MarkdownTree, sections: [Section], h1: Int?) -> [BodyField] {
        var fields: [BodyField] = []
        let top = Array(tree.childIndices(of: 0))
        // Header area: blocks before the first heading below the H1.
        var headerEnd = top.count
        for (i, n) in top.enumerated() {
            let level = tree.nodes[n].headingLevel
            if level > 0, level > 1 || h1 != n { headerEnd = i; break }
        }
        for n in top[0..<headerEnd] {
            switch tree.nodes[n].tag {
            case .list:
                for item in tree.childIndices(of: n) {
                    guard let para = firstParagraph(in: tree, item) else { continue }
                    for line in lines(of: para, in: tree).prefix(1) {
                        if let (k, v) = Self.keyValue(line.text) {
                            fields.append(BodyField(key: k, value: v, links: line.links, position: line.position, source: .headerBullet))
                        } else {
                            let lower = line.text.lowercased().trimmed
                            if relationPhrases.contains(where: { lower.hasPrefix($0.0) }) {
                                fields.append(BodyField(key: "relation", value: line.text, links: line.links, position: line.position, source: .headerBullet))
                            }
                        }
                    }
                }
            case .paragraph:
                for line in lines(of: n, in: tree) {
                    if let (k, v) = Self.keyValue(line.text), k == "date" || k == "status" || k == "deciders" || k == "authors" {
                        fields.append(BodyField(key: k, value: v, links: line.links, position: line.position, source: k == "date" ? .dateLine : .headerBullet))
                    }
                }
            default:
                break
            }
        }
        // A "Status" section: first non-relation line is the status, relation lines follow.
        if let s = sections.first(where: { $0.key == "status" }) {
            var i = top.firstIndex { $0 == s.node }! + 1
            var sawStatus = false
            while i < top.count {
                let n = top[i]
                let data = tree.nodes[n]
                if data.tag == .heading, data.headingLevel <= s.level { break }
                if data.tag == .paragraph {
                    for line in lines(of: n, in: tree) {
                        let lower = line.text.lowercased().trimmed
                        let isRelation = relationPhrases.contains { lower.hasPrefix($0.0) }
                        if !sawStatus && !(isRelation && !lower.hasPrefix("superseded by") && !lower.hasPrefix("superceded by")) {
                            fields.append(BodyField(key: "status", value: line.text, links: line.links, position: line.position, source: .statusSection))
                            sawStatus = true
                        } else if isRelation {
                            fields.append(BodyField(key: "relation", value: line.text, links: line.links, position: line.position, source: .statusSection))
                        }
                    }
                } else if data.tag == .list, !sawStatus {
                    // Some write the status as a one-item list.
                    if let item = tree.childIndices(of: n).first(where: { _ in true }), let para = firstParagraph(in: tree, item),
                       let line = lines(of: para, in: tree).first {
                        fields.append(BodyField(key: "status", value: line.text, links: line.links, position: line.position, source: .statusSection))
                        sawStatus = true
                    }
                }
                i += 1
            }
        }
        // "Date: 2016-02-12" lines anywhere at the top level before the first section heading were handled above;
        // key/value table rows anywhere: | Status | Accepted |
        for i in tree.nodes.indices where tree.nodes[i].tag == .tableRow {
            var cells = tree.childIndices(of: i)
            guard let labelCell = cells.next(), let valueCell = cells.next() else { continue }
            let label = tree.plainText(labelCell, trimmed: false)
            guard label.utf8.count <= 24 else { continue }
            let key = SectionKey.normalize(label)
            guard key == "status" || key == "date" || key == "owner" || key == "deciders" || key == "authors" else { continue }
            let value = tree.plainText(valueCell, trimmed: true)
            guard !value.isEmpty else { continue }
            let linkDests = (valueCell..<tree.nodes[valueCell].end).filter { tree.nodes[$0].tag == .link }.map { tree.literal($0) }
            fields.append(BodyField(key: key, value: value, links: linkDests,
                                    position: MarkdownNode(tree: tree, index: valueCell).contentStart, source: .tableRow))
        }
        return fields
    }

    // MARK: - Placeholders

    mutating func checkPlaceholders(_ tree: MarkdownTree) {
        func isCandidate(_ b: UInt8) -> Bool { b == UInt8(ascii: "{") || b == UInt8(ascii: "|") }
        // Most documents hold neither brace nor pipe in any literal: one scan rules the whole tree out.
        guard tree.literals.contains(where: isCandidate) else { return }
        // Look before building anything: most blocks hold neither brace nor pipe. One pass over the
        // text nodes marks the paragraphs, headings and cells around those that do.
        var candidates: Set<Int> = []
        tree.literals.withUnsafeBufferPointer { literals in
            for k in tree.nodes.indices where tree.nodes[k].tag == .text {
                guard UnsafeBufferPointer(rebasing: literals[tree.nodes[k].literal.range]).contains(where: isCandidate) else { continue }
                var p = tree.nodes[k].parent
                while p >= 0 {
                    let tag = tree.nodes[p].tag
                    if tag == .paragraph || tag == .heading || tag == .tableCell { candidates.insert(p) }
                    p = tree.nodes[p].parent
                }
            }
        }
        var text: [UInt8] = []
        var starts: [(offset: Int, position: SourcePosition)] = []
        for i in candidates.sorted() {
            let end = tree.nodes[i].end
            // Concatenate this block's own text runs, skipping code spans and nested blocks.
            text.removeAll(keepingCapacity: true)
            starts.removeAll(keepingCapacity: true)
            var j = i + 1
            while j < end {
                let data = tree.nodes[j]
                if data.tag.isBlock { j = data.end; continue }
                switch data.tag {
                case .text:
                    starts.append((text.count, data.start))
                    text.append(contentsOf: tree.literals[data.literal.range])
                case .softBreak, .lineBreak:
                    text.append(0x20)
                case .code:
                    text.append(1)
                default:
                    break
                }
                j += 1
            }
            for match in Self.placeholderMatches(bytes: text) {
                let pos = starts.last { $0.offset <= match.offset }.map {
                    SourcePosition(line: $0.position.line, column: $0.position.column + (match.offset - $0.offset))
                } ?? tree.nodes[i].start
                report(Rules.unfilledPlaceholder, pos, "template placeholder '\(match.text)' was left in the document",
                       hint: "Replace the placeholder with the real content.")
            }
        }
    }

    /// `{...}` with letters inside, and `[a | b | ...]` choice lists.
    static func placeholderMatches(_ text: String) -> [(offset: Int, text: String)] {
        placeholderMatches(bytes: Array(text.utf8))
    }

    static func placeholderMatches(bytes u: [UInt8]) -> [(offset: Int, text: String)] {
        var out: [(Int, String)] = []
        var i = 0
        while i < u.count {
            let c = u[i]
            if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
                let close: UInt8 = c == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                var j = i + 1
                var letters = false, pipe = false, nested = false
                while j < u.count, u[j] != close, j - i < 120 {
                    if u[j] == c || u[j] == 1 { nested = true }
                    if (u[j] >= 0x41 && u[j] <= 0x5A) || (u[j] >= 0x61 && u[j] <= 0x7A) { letters = true }
                    if u[j] == UInt8(ascii: "|") { pipe = true }
                    j += 1
                }
                if j < u.count, u[j] == close, !nested, letters, c == UInt8(ascii: "{") || pipe {
                    out.append((i, String(decoding: u[i...j], as: UTF8.self)))
                    i = j + 1
                    continue
                }
            }
            i += 1
        }
        return out
    }
}
