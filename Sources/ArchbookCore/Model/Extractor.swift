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
    /// Each kind's `id-pattern`, compiled once.
    let idPatterns: [String: IDPattern]
    /// Read documents without applying the per-document rules (detection's pass over the tree).
    let readOnly: Bool
    /// Dates from git history for documents that carry none.
    let history: DocumentHistory?
    /// For a build: render each body parsed, before its links are resolved (`PreparedBody`).
    let preparing: BodyPreparation?

    public init(config: Config, readOnly: Bool = false, history: DocumentHistory? = nil, preparing: BodyPreparation? = nil) {
        self.config = config
        self.readOnly = readOnly
        self.history = history
        self.preparing = readOnly ? nil : preparing
        var known: [String: Set<String>] = [:]
        var patterns: [String: IDPattern] = [:]
        for kind in config.kinds {
            known[kind.name] = Set(kind.sectionSets.flatMap { $0.flatMap(\.keys) } + kind.optionalSections.map(SectionKey.normalize))
            if case .pattern(let p) = kind.idFrom, let compiled = IDPattern.compile(p) { patterns[kind.name] = compiled }
        }
        knownSections = known
        idPatterns = patterns
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

    /// The sidecar file a document at `path` would read, if its kind (by folder) declares one.
    public func sidecarPath(for path: String) -> String? {
        guard let sidecar = kindForPath(path)?.sidecar else { return nil }
        guard let slash = path.lastIndex(of: "/") else { return sidecar.file }
        return String(path[...slash]) + sidecar.file
    }
}

/// A diagnostic before severity overrides are applied.
struct Finding: Sendable {
    var rule: Rule
    var position: SourcePosition
    var message: String
    var hint: String?
    /// The file the problem is in when it is not the document (its sidecar).
    var file: String?

    init(rule: Rule, position: SourcePosition, message: String, hint: String?, file: String? = nil) {
        self.rule = rule
        self.position = position
        self.message = message
        self.hint = hint
        self.file = file
    }

    /// The diagnostic for `file` with the severity the configuration gives the rule, or nil when it is off.
    func diagnostic(file: String, kind: String?, config: Config) -> Diagnostic? {
        guard let severity = config.severity(of: rule, kind: kind) else { return nil }
        return Diagnostic(rule: rule.id, severity: severity, file: self.file ?? file, position: position, message: message, hint: hint)
    }
}

public enum Extractor {
    /// Parses and reads one document. Returns the document and the findings about it alone.
    /// `sidecar` is the document's sidecar file (path relative to the docs root, and bytes) when its kind declares one.
    public static func extract(path: String, bytes: [UInt8], sidecar: (path: String, bytes: [UInt8])? = nil,
                               context: ExtractionContext, parsed: ParsedSources? = nil) -> (Document, [Diagnostic]) {
        let (doc, diagnostics, _) = extractPreparing(path: path, bytes: bytes, sidecar: sidecar, context: context, parsed: parsed)
        return (doc, diagnostics)
    }

    /// `extract`, with the body rendered from the same parse when the context asks for it (`ExtractionContext.preparing`)
    /// and the file was parsed here (not taken from `parsed`).
    static func extractPreparing(path: String, bytes: [UInt8], sidecar: (path: String, bytes: [UInt8])? = nil,
                                 context: ExtractionContext, parsed: ParsedSources? = nil) -> (Document, [Diagnostic], PreparedBody?) {
        var state = ExtractionState(path: path, context: context)
        state.earlier = parsed
        let doc = state.run(bytes: bytes, sidecar: sidecar)
        let kind = doc.kind
        let diagnostics = state.findings.compactMap { $0.diagnostic(file: path, kind: kind, config: context.config) }
        return (doc, diagnostics, state.prepared)
    }

    /// `extract`, also handing back the body's Markdown tree so that a later pass over the same bytes need not parse them again.
    /// With the tree come what was read from it whatever the document's kind (`TreeFacts`).
    static func extractKeepingTree(path: String, bytes: [UInt8], context: ExtractionContext)
        -> (Document, (MarkdownTree, TreeFacts)?, ParsedSources.YAMLRead?) {
        var state = ExtractionState(path: path, context: context)
        let doc = state.run(bytes: bytes, sidecar: nil)
        return (doc, state.tree.flatMap { tree in state.facts.map { (tree, $0) } }, state.yamlRead)
    }

    /// Whether a file name (without extension) names a template rather than a document: `template`,
    /// `adr-template-minimal`, `0000-template`, `PMyyyy-nnn - Postmortem template`, but not
    /// `0039-use-velocity-as-template-engine` (a numbered or dated document about templates).
    public static func isTemplateName(_ baseName: String) -> Bool {
        // Nearly every file is not a template: a byte check spares splitting its name into words.
        let lowered = baseName.lowercased()
        guard lowered.containsBytes("template") else { return false }
        let words = lowered.split { !($0.isLetter || $0.isNumber) }
        guard words.contains("template") else { return false }
        if let first = words.first, first.allSatisfy(\.isNumber) {
            // A leading number other than 0000, or a date, makes it a document.
            if first.count == 8 || (first.count == 4 && words.count > 2 && words[1].count == 2 && words[1].allSatisfy(\.isNumber)) {
                return false
            }
            if Int(first) != 0 { return false }
        }
        return true
    }

    /// `README`, `index`, `_index`: a folder's index page, kept beside a kind's documents but not one of them.
    public static func isFolderIndexName(_ baseName: String) -> Bool {
        ["readme", "index", "_index"].contains(baseName.lowercased())
    }

    /// A file name made readable as a title: `0001-private-fields` → "Private fields".
    public static func readableTitle(_ baseName: String) -> String {
        var s = Substring(baseName)
        if let n = IDText.fileNumber(baseName + ".md") {
            _ = n
            s = s.drop { $0.isNumber }
        }
        let words = s.split { $0 == "-" || $0 == "_" || $0 == " " }
        guard !words.isEmpty else { return baseName }
        let text = words.joined(separator: " ")
        return text.prefix(1).uppercased() + text.dropFirst()
    }
}

/// One labelled value found in a document body (`* Status: accepted`, `Date: 2016-02-12`, `| Status | x |`).
struct BodyField: Sendable {
    var key: String
    var value: String
    var links: [String]
    var position: SourcePosition
    var source: MetadataSource
    /// A `Key: value` line of a paragraph under the title (not a bullet), whose key may be no field's.
    var paragraphLine = false
    /// A paragraph line whose key no field takes: kept for detection only, since prose lines ("Note: ...")
    /// look the same.
    var unmapped = false
}

/// What extraction reads from a body's tree whatever kind the document turns out to be, so that a later
/// pass over the same tree (the check after detection) takes it instead of walking the tree again.
struct TreeFacts: Sendable {
    var sections: [Section]
    var tasks: [TaskItem]
    var links: [Link]
    var htmlAnchors: [String]
    var h1: Int?
    /// Before `unmapped` is decided, which depends on the kind.
    var bodyFields: [BodyField]
}

private struct ExtractionState {
    let path: String
    let context: ExtractionContext
    var findings: [Finding] = []

    let fileName: String
    let baseName: String
    /// The sidecar's path and top-level entries, once read.
    var sidecarPath: String?
    var sidecarEntries: [YAMLEntry] = []
    /// Document field → the key the sidecar wrote it under, for messages.
    var sidecarKeys: [String: String] = [:]
    /// The body's tree, once parsed, and what was read from it.
    var tree: MarkdownTree?
    var facts: TreeFacts?
    /// The front matter as YAMLReader read it (for a later pass over the same file).
    var yamlRead: ParsedSources.YAMLRead?
    /// What an earlier pass of this run read and parsed, to take the front matter and the tree from.
    var earlier: ParsedSources?
    /// The body rendered from the same parse, when the context asks for it.
    var prepared: PreparedBody?

    init(path: String, context: ExtractionContext) {
        self.path = path
        self.context = context
        fileName = PathText.fileName(path)
        if let dot = fileName.lastIndex(of: ".") { baseName = String(fileName[..<dot]) } else { baseName = fileName }
    }

    mutating func report(_ rule: Rule, _ position: SourcePosition, _ message: String, hint: String? = nil, file: String? = nil) {
        findings.append(Finding(rule: rule, position: position, message: message, hint: hint, file: file))
    }


    mutating func run(bytes raw: [UInt8], sidecar: (path: String, bytes: [UInt8])?) -> Document {
        let source = SourceText(decoding: raw)
        if let first = source.invalidUTF8Lines.first {
            let lines = source.invalidUTF8Lines.prefix(5).map(String.init).joined(separator: ", ")
            report(Rules.invalidUTF8, SourcePosition(line: first, column: 1),
                   "file is not valid UTF-8 (line\(source.invalidUTF8Lines.count > 1 ? "s" : "") \(lines)\(source.invalidUTF8Lines.count > 5 ? ", ..." : ""))",
                   hint: "Re-save the file as UTF-8; archbook read the invalid bytes as U+FFFD.")
        }
        let bytes = source.bytes
        if bytes.withUnsafeBufferPointer({ $0.containsByte(0) }) {
            var lines: [Int] = []
            var line = 1
            for b in bytes {
                if b == 0x0A { line += 1 } else if b == 0, lines.last != line { lines.append(line) }
            }
            let shown = lines.prefix(5).map(String.init).joined(separator: ", ")
            report(Rules.nulByte, SourcePosition(line: lines[0], column: 1),
                   "file contains NUL bytes (line\(lines.count > 1 ? "s" : "") \(shown)\(lines.count > 5 ? ", ..." : ""))",
                   hint: Rules.nulByte.help)
        }
        let split = FrontMatterSplit.split(bytes)
        var frontMatter: FrontMatter?
        if split.unclosed {
            report(Rules.invalidFrontMatter, .start, "front matter opened on line 1 is never closed",
                   hint: "End the front matter with a line containing only `---`.")
        } else if let yaml = split.yaml, yaml.utf8.count > context.config.limits.maxFrontMatterBytes {
            report(Rules.resourceLimit, SourcePosition(line: 2, column: 1),
                   "front matter is \(yaml.utf8.count) bytes, over the limit of \(context.config.limits.maxFrontMatterBytes) (limits.max-front-matter-bytes); it was not read",
                   hint: "Move long text from the front matter into the document's body, or raise limits.max-front-matter-bytes in archbook.yml.")
        } else if let yaml = split.yaml {
            let budget = context.config.limits.maxYAMLNodes
            let read = earlier?.yaml(path, text: yaml, budget: budget) ?? YAMLReader.read(yaml, lineOffset: 1, budget: budget)
            yamlRead = (yaml, budget, read)
            switch read {
            case .success(.some(.mapping(let entries, _))):
                frontMatter = FrontMatter(raw: yaml, entries: entries)
            case .success(.none):
                frontMatter = FrontMatter(raw: yaml, entries: [])
            case .success(.some(let other)):
                report(Rules.invalidFrontMatter, other.position, "front matter is \(other.typeName), not a mapping of keys to values",
                       hint: "Write front matter as `key: value` lines.")
            case .failure(let e) where e.exceedsLimit:
                report(Rules.resourceLimit, e.position, "front matter \(e.message.replacingOccurrences(of: "YAML expands", with: "expands")); it was not read",
                       hint: "Front matter rarely needs YAML aliases (*name); write the values out, or raise limits.max-yaml-nodes in archbook.yml.")
            case .failure(let e):
                report(Rules.invalidFrontMatter, e.position, "invalid YAML in front matter: \(e.message)",
                       hint: e.message.hasPrefix("duplicate key") ? "Keep one of the keys; YAML does not allow a key twice in a mapping." :
                           "Fix the YAML syntax; quote values that contain ': ', '#', '[' or '{'.")
            }
        }
        if let sidecar { readSidecar(sidecar) }
        let body = bytes[split.bodyOffset...]
        let tree: MarkdownTree
        if let (known, knownFacts) = earlier?.tree(path, bytes: raw) {
            tree = known
            facts = knownFacts
        } else if let preparing = context.preparing {
            // The document is read from the tree first: how the body is rendered depends on its headings and title.
            let renderer = preparing.renderer
            let done = MarkdownParser.withCTree(body, options: MarkdownParser.options) { doc, parser -> Document in
                let tree = MarkdownParser.convert(doc, lineOffset: split.bodyLineOffset, sourceSize: body.count)
                self.tree = tree
                let document = build(tree: tree, frontMatter: frontMatter, body: body, bodyLineOffset: split.bodyLineOffset)
                prepared = renderer.prepare(doc, parser: parser, inputs: preparing.inputs(for: document))
                return document
            }
            if let done { return done }
            tree = MarkdownParser.parse(body, lineOffset: split.bodyLineOffset)
        } else {
            tree = MarkdownParser.parse(body, lineOffset: split.bodyLineOffset)
        }
        self.tree = tree
        return build(tree: tree, frontMatter: frontMatter, body: body, bodyLineOffset: split.bodyLineOffset)
    }

    /// Reads the sidecar YAML; problems with it are reported against the sidecar file, like front matter problems.
    mutating func readSidecar(_ sidecar: (path: String, bytes: [UInt8])) {
        sidecarPath = sidecar.path
        let name = PathText.fileName(sidecar.path)
        switch YAMLReader.read(SourceText(decoding: sidecar.bytes).string, budget: context.config.limits.maxYAMLNodes) {
        case .success(.some(.mapping(let entries, _))):
            sidecarEntries = entries
        case .success(.none):
            break
        case .success(.some(let other)):
            report(Rules.invalidFrontMatter, other.position, "sidecar \(name) is \(other.typeName), not a mapping of keys to values",
                   hint: "Write the sidecar as `key: value` lines.", file: sidecar.path)
        case .failure(let e) where e.exceedsLimit:
            report(Rules.resourceLimit, e.position, "sidecar \(name) \(e.message.replacingOccurrences(of: "YAML expands", with: "expands")); it was not read",
                   hint: "Write the values out instead of using YAML aliases (*name), or raise limits.max-yaml-nodes in archbook.yml.",
                   file: sidecar.path)
        case .failure(let e):
            report(Rules.invalidFrontMatter, e.position, "invalid YAML in sidecar \(name): \(e.message)",
                   hint: "Fix the YAML syntax; quote values that contain ': ', '#', '[' or '{'.", file: sidecar.path)
        }
    }

    /// Sidecar entries renamed to the document fields they fill, per the kind's `sidecar.fields`.
    mutating func sidecarMetadata(_ kind: KindSchema?) -> [YAMLEntry] {
        guard let spec = kind?.sidecar, !sidecarEntries.isEmpty else { return [] }
        var out: [YAMLEntry] = []
        for (field, key) in spec.fields.sorted(by: { $0.key < $1.key }) {
            if let entry = sidecarEntries.first(where: { FrontMatter.normalizeKey($0.key) == FrontMatter.normalizeKey(key) }) {
                out.append(YAMLEntry(key: field, keyPosition: entry.keyPosition, value: entry.value))
                sidecarKeys[field] = entry.key
            }
        }
        return out
    }

    // MARK: - Building the document

    mutating func build(tree: MarkdownTree, frontMatter fm: FrontMatter?, body: ArraySlice<UInt8>, bodyLineOffset: Int) -> Document {
        let parseFindings = findings.count
        let facts = self.facts ?? {
            let sections = collectSections(tree)
            let (tasks, links, htmlAnchors) = collectTasksAndLinks(tree, sections: sections)
            let h1 = tree.childIndices(of: 0).first { tree.nodes[$0].headingLevel == 1 }
            return TreeFacts(sections: sections, tasks: tasks, links: links, htmlAnchors: htmlAnchors, h1: h1,
                             bodyFields: collectBodyFields(tree, sections: sections, h1: h1))
        }()
        self.facts = facts
        let sections = facts.sections, h1 = facts.h1

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
        // Folder indexes and templates live beside documents of a kind but are not documents of it; a
        // README with a sidecar is the document itself (a KEP's README.md beside its kep.yaml).
        let isTemplate = Extractor.isTemplateName(baseName)
        if kind == nil, !isTemplate, sidecarPath != nil || !Extractor.isFolderIndexName(baseName),
           !isRedirect(tree, h1: h1) {
            kind = context.kindForPath(path)
        }
        let sidecarFields = sidecarMetadata(kind)
        let bodyFields = facts.bodyFields.map { field in
            guard field.paragraphLine else { return field }
            var f = field
            f.unmapped = !(Self.paragraphKeys.contains(f.key) || kind?.fields[f.key] != nil)
            return f
        }

        // Title
        var title = baseName
        var titleSource = MetadataSource.fileName
        var titlePosition = SourcePosition.start
        var titleID: IDText?
        var headingNumber: Int?
        if let h1 {
            let text = tree.plainText(h1, trimmed: true)
            if let (id, rest) = IDText.fromTitle(text), !rest.isEmpty { headingNumber = id.number }
            if kind?.titleFrom != .fileName {
                titlePosition = tree.nodes[h1].start
                if let (id, rest) = IDText.fromTitle(text), !rest.isEmpty,
                   id.prefix == nil || id.prefix == kind?.idPrefix.uppercased() {
                    titleID = id
                    title = rest
                } else {
                    title = Self.withoutStatusPrefix(text)
                }
                titleSource = .heading
            }
        }
        if kind?.titleFrom == .fileName, titleSource == .fileName { title = Extractor.readableTitle(baseName) }
        let titleEntry = fm?.value("title") ?? sidecarFields.first { $0.key == "title" }
        if let entry = titleEntry {
            if let s = scalarField(entry, file: fm?.value("title") == nil ? sidecarPath : nil) {
                title = s
                titleSource = fm?.value("title") == nil ? .sidecar : .frontMatter
                titlePosition = entry.value.position
            }
        }
        if titleSource == .fileName, let kind, kind.titleFrom == .heading {
            report(Rules.missingTitle, .start, "document has no title",
                   hint: "Start the document with a `# Title` heading or set `title:` in the front matter.")
        }

        // ID: front matter, sidecar, a header field mapped to `id`, then the file name.
        var id: String?
        var idSource: MetadataSource?
        let fileNumber = IDText.fileNumber(fileName)
        let headerID = bodyFields.first { !$0.unmapped && target(of: $0.key, kind: kind) == "id" }
        if let entry = fm?.value("id") ?? sidecarFields.first(where: { $0.key == "id" }),
           let raw = scalarField(entry, file: fm?.value("id") == nil ? sidecarPath : nil) {
            id = canonicalID(raw, kind: kind)
            idSource = fm?.value("id") == nil ? .sidecar : .frontMatter
        } else if let field = headerID, !field.value.isEmpty {
            id = canonicalID(StatusText.trim(field.value, " *_`[]"), kind: kind)
            idSource = field.source
        } else if let kind {
            switch kind.idFrom {
            case .fileName:
                id = baseName
                idSource = .fileName
            case .packageFileName:
                let parts = path.split(separator: "/").dropLast()
                if let k = parts.lastIndex(of: "packages"), k + 1 < parts.endIndex {
                    id = "\(parts[k + 1])/\(baseName)"
                } else {
                    id = baseName
                }
                idSource = .fileName
            case .pattern:
                if let match = context.idPatterns[kind.name]?.firstMatch(in: baseName) {
                    id = match
                    idSource = .fileName
                }
            case .number:
                break
            }
            if id == nil, kind.idFrom != .fileName, kind.idFrom != .packageFileName {
                if let n = fileNumber {
                    id = kind.canonicalID(number: n)
                    idSource = .fileName
                } else if let t = titleID {
                    id = kind.canonicalID(number: t.number)
                    idSource = .heading
                }
            }
        }
        if let kind, kind.idFrom == .number, let t = titleID, let id, idSource == .fileName || idSource == .frontMatter,
           let idNumber = IDText.parse(id)?.number, idNumber != t.number {
            let from = idSource == .frontMatter ? "front matter" : "file name"
            report(Rules.idMismatch, titlePosition,
                   "title says \(kind.canonicalID(number: t.number)) but the \(from) says \(id)",
                   hint: idSource == .fileName ? "Make the title's number \(idNumber), or rename the file to match the title." :
                       "Make the title's number match the front matter `id`.")
        }

        // Relations, status, dates, people and tags: front matter first, then the sidecar.
        var meta = Metadata()
        if let fm {
            for entry in fm.entries {
                readMetadata(FrontMatter.normalizeKey(entry.key), entry, kind: kind, file: nil, into: &meta, fillOnly: false)
            }
        }
        if let sidecarPath {
            for entry in sidecarFields where entry.key != "id" && entry.key != "title" {
                readMetadata(entry.key, entry, kind: kind, file: sidecarPath, into: &meta, fillOnly: true)
            }
        }
        var relations = meta.relations
        var status = meta.status
        var dates = meta.dates
        var people = meta.people
        var tags = meta.tags
        var extra: [String: String] = [:]

        // Body conventions fill what front matter and sidecar did not say.
        for field in bodyFields where !field.unmapped {
            let key = target(of: field.key, kind: kind)
            switch key {
            case "status":
                if status == nil {
                    status = makeStatus(raw: field.value, kind: kind, source: field.source, position: field.position,
                                        links: field.links, relations: &relations)
                }
            case "date", "created", "updated":
                if dates[key] == nil, let d = readDate(field.value, position: field.position, field: field.key) {
                    dates[key] = d
                }
            case "deciders":
                if people.deciders.isEmpty { people.deciders = splitList(field.value) }
            case "authors":
                if people.authors.isEmpty { people.authors = splitList(field.value) }
            case "owner":
                if people.owners.isEmpty { people.owners = splitList(field.value) }
            case "consulted":
                if people.consulted.isEmpty { people.consulted = splitList(field.value) }
            case "informed":
                if people.informed.isEmpty { people.informed = splitList(field.value) }
            case "tags":
                if tags.isEmpty { tags = splitList(field.value) }
            case "relation", "id", "title":
                break
            default:
                if field.source != .tableRow, extra[key] == nil { extra[key] = field.value }
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

        // Git history fills only what the document does not say itself.
        if let fromGit = context.history?.dates[path] {
            if dates["date"] == nil && dates["created"] == nil { dates["created"] = fromGit.created }
            if dates["updated"] == nil { dates["updated"] = fromGit.updated }
        }

        let headerFields = bodyFields.filter { $0.source == .headerBullet || $0.source == .dateLine }
            .map { HeaderField(key: $0.key, value: $0.value, source: $0.source, position: $0.position) }
        let doc = Document(
            path: path, kind: kind?.name, id: id, idSource: idSource, title: title, titleSource: titleSource,
            titlePosition: titlePosition, status: status, dates: dates, people: people, tags: tags,
            relations: relations, sections: sections, tasks: facts.tasks, links: facts.links, frontMatter: fm,
            headerFields: headerFields, fields: extra, headingNumber: headingNumber, isTemplate: isTemplate,
            htmlAnchors: facts.htmlAnchors,
            sidecar: sidecarPath, body: body, bodyLineOffset: bodyLineOffset)
        // Detection only reads documents: the rules would be wasted work there.
        if context.readOnly { return doc }
        if let kind { validate(doc, kind: kind) }
        checkPlaceholders(tree)
        DecisionMatrix.check(tree) { position, message, hint in
            report(Rules.decisionMatrix, position, message, hint: hint)
        }
        // A template is full of placeholders by design: only problems reading it are worth reporting.
        if isTemplate { findings.removeSubrange(parseFindings...) }
        return doc
    }

    /// A page left where a record used to be: under its title, one short paragraph that says where it went
    /// ("Moved to [2071](2071-x.md)", "See [Node RAID Degraded](./NodeRAIDDegraded.md)") and links there.
    /// It is a plain page (its link is checked), not a record missing every section.
    func isRedirect(_ tree: MarkdownTree, h1: Int?) -> Bool {
        var blocks = tree.childIndices(of: 0).filter { n in
            n != h1 && !(tree.nodes[n].tag == .htmlBlock && tree.literal(n, hasPrefix: "<!--"))
        }.makeIterator()
        guard let only = blocks.next(), blocks.next() == nil, tree.nodes[only].tag == .paragraph else { return false }
        let text = tree.plainText(only, trimmed: true).lowercased()
        guard text.utf8.count <= 200,
              ["moved to", "moved:", "see ", "this document moved", "this page moved", "renamed to", "replaced by"]
                .contains(where: { text.hasPrefix($0) }) else { return false }
        // Hugo writes the link as a shortcode: [Node RAID Degraded]({{< ref "./NodeRAIDDegraded.md" >}}).
        if text.range(of: #"\{\{<\s*(rel)?ref\s+"[^"]+\.md""#, options: .regularExpression) != nil { return true }
        return (only..<tree.nodes[only].end).contains { i in
            tree.nodes[i].tag == .link && {
                let dest = HandbookValidator.splitDestination(tree.literal(i)).path.lowercased()
                return !HandbookValidator.isExternal(dest) && (dest.hasSuffix(".md") || dest.hasSuffix(".markdown"))
            }()
        }
    }

    /// What front matter and sidecar say about a document.
    struct Metadata {
        var relations: [Relation] = []
        var status: Status?
        var dates: [String: DateValue] = [:]
        var people = People()
        var tags: [String] = []
    }

    /// Reads one front matter or sidecar entry. With `fillOnly`, a field already known is kept.
    mutating func readMetadata(_ key: String, _ entry: YAMLEntry, kind: KindSchema?, file: String?,
                               into meta: inout Metadata, fillOnly: Bool) {
        switch key {
        case "status":
            if fillOnly && meta.status != nil { return }
            if let s = scalarField(entry, file: file) {
                var relations = meta.relations
                if let status = makeStatus(raw: s, kind: kind, source: file == nil ? .frontMatter : .sidecar,
                                           position: entry.value.position, links: [], relations: &relations, file: file) {
                    meta.status = status
                }
                meta.relations = relations
            }
        case "date", "created", "updated", "last-updated", "last-modified", "accepted", "decided":
            let name = key == "last-updated" || key == "last-modified" ? "updated" : key
            if fillOnly && meta.dates[name] != nil { return }
            if let s = scalarField(entry, file: file), !s.isEmpty,
               let d = readDate(s, position: entry.value.position, field: file == nil ? entry.key : sidecarKeys[entry.key] ?? entry.key, file: file) {
                meta.dates[name] = d
            }
        case "authors", "author":
            if !(fillOnly && !meta.people.authors.isEmpty) { meta.people.authors += peopleList(entry, file: file) }
        case "deciders", "decision-makers", "decision-maker", "decided-by":
            if !(fillOnly && !meta.people.deciders.isEmpty) { meta.people.deciders += peopleList(entry, file: file) }
        case "owner", "owners":
            if !(fillOnly && !meta.people.owners.isEmpty) { meta.people.owners += peopleList(entry, file: file) }
        case "consulted":
            if !(fillOnly && !meta.people.consulted.isEmpty) { meta.people.consulted += peopleList(entry, file: file) }
        case "informed":
            if !(fillOnly && !meta.people.informed.isEmpty) { meta.people.informed += peopleList(entry, file: file) }
        case "tags", "tag", "labels", "keywords":
            if !(fillOnly && !meta.tags.isEmpty) { meta.tags += peopleList(entry, file: file) }
        default:
            if let type = relationType(forKey: key) {
                if fillOnly && meta.relations.contains(where: { $0.type == type }) { return }
                for target in relationTargets(entry, file: file) {
                    meta.relations.append(Relation(type: type, target: target.0, position: target.1, file: file))
                }
            }
        }
    }

    /// The document field a header key fills: the kind's own mapping first, then the keys every template shares.
    func target(of key: String, kind: KindSchema?) -> String {
        if let mapped = kind?.fields[key] { return mapped }
        switch key {
        case "status", "relation": return key
        case "date": return "date"
        case "created": return "created"
        case "updated", "last updated": return "updated"
        case "deciders", "decision-makers", "decision makers", "decided by": return "deciders"
        case "authors", "author": return "authors"
        case "owner", "owners": return "owner"
        case "consulted", "informed", "tags": return key
        default: return key
        }
    }

    /// A front matter, sidecar or header ID in the kind's canonical form when it is one of its numbers.
    func canonicalID(_ raw: String, kind: KindSchema?) -> String {
        if let kind, kind.idFrom == .number, let parsed = IDText.parse(raw),
           parsed.prefix == nil || parsed.prefix == kind.idPrefix.uppercased() {
            return kind.canonicalID(number: parsed.number)
        }
        return raw
    }

    /// A title without a leading `[Superseded by ADR-0017]` or `[Deprecated]` marker some teams put before it.
    static func withoutStatusPrefix(_ title: String) -> String {
        guard title.hasPrefix("["), let close = title.firstIndex(of: "]") else { return title }
        let inner = title[title.index(after: title.startIndex)..<close].lowercased()
        guard ["superseded", "deprecated", "obsolete", "rejected", "replaced"].contains(where: { inner.hasPrefix($0) }) else { return title }
        let rest = title[title.index(after: close)...].trimmed
        return rest.isEmpty ? title : rest
    }

    // MARK: - Per-document rules

    mutating func validate(_ doc: Document, kind: KindSchema) {
        let where_ = doc.titlePosition
        if let status = doc.status, !kind.statuses.isEmpty, kind.canonicalStatus(status.value) == nil,
           Self.placeholderMatches(status.raw).isEmpty {
            let names = kind.statuses.map(\.name)
            let suggestion = StatusText.nearest(status.value, in: kind.statuses)
            report(Rules.unknownStatus, status.position,
                   "unknown \(kind.name) status '\(status.raw)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? ""),
                   hint: "Allowed: \(names.joined(separator: ", ")). Declare more (or aliases) in archbook.yml.",
                   file: status.source == .sidecar ? sidecarPath : nil)
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
        let keys = SectionKey.matchable(doc.sections)
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
                             links: [String], relations: inout [Relation], file: String? = nil) -> Status? {
        let parsed = StatusText.parse(raw)
        guard !parsed.value.isEmpty else { return nil }
        var value = parsed.value
        var note = parsed.note
        // "Superseded by [20. X](0020-x.md)" is a status and a relation at once.
        for (phrase, type) in relationPhrases where value.hasPrefix(phrase) {
            let rest = String(value.dropFirst(phrase.count)).trimmed
            if !links.isEmpty {
                for l in links { relations.append(Relation(type: type, target: l, position: position, file: file)) }
            } else if !rest.isEmpty {
                relations.append(Relation(type: type, target: targetText(rest, original: raw, phrase: phrase), position: position, file: file))
            }
            value = type == .supersededBy ? "superseded" : type == .amendedBy ? "amended" : phrase
            break
        }
        for part in parsed.trailing {
            addRelationLine(part, links: [], position: position, into: &relations)
        }
        // "Complete, action items in progress": a known status followed by a qualifier.
        if let kind, kind.canonicalStatus(value) == nil,
           let (head, qualifier) = StatusText.splitQualifier(value), kind.canonicalStatus(head) != nil {
            value = head
            if note == nil { note = qualifier }
        }
        let mapped = kind?.canonicalStatus(value)?.name ?? value
        return Status(raw: raw.trimmed, value: mapped, note: note, source: source, position: position)
    }

    /// Recovers the original spelling of a relation target from the raw text (status parsing lower-cased it).
    func targetText(_ lowered: String, original: String, phrase: String) -> String {
        if let r = original.range(of: phrase, options: .caseInsensitive) {
            let rest = original[r.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: " *_.`:"))
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
    /// "front matter 'status'" or "sidecar 'status'" (with the sidecar's own key), for messages.
    func origin(_ entry: YAMLEntry, file: String?) -> String {
        guard file != nil else { return "front matter '\(entry.key)'" }
        return "sidecar '\(sidecarKeys[entry.key] ?? entry.key)'"
    }

    mutating func scalarField(_ entry: YAMLEntry, file: String? = nil) -> String? {
        switch entry.value {
        case .scalar(let s, _):
            return s.trimmed
        case .mapping(let items, let pos) where items.count == 1 && items[0].value.scalar == "":
            report(Rules.unfilledPlaceholder, pos, "\(origin(entry, file: file)) is the template placeholder {\(items[0].key)}",
                   hint: "Replace the placeholder with the real value.", file: file)
            return nil
        default:
            report(Rules.invalidFrontMatter, entry.value.position,
                   "\(origin(entry, file: file)) should be a single value, not \(entry.value.typeName)", file: file)
            return nil
        }
    }

    mutating func peopleList(_ entry: YAMLEntry, file: String? = nil) -> [String] {
        if case .scalar(let s, _) = entry.value { return splitList(s) }
        // MADR 3 and 4 write `deciders: {list everyone involved in the decision}`, which YAML reads as a mapping.
        if case .mapping(let items, let pos) = entry.value, items.count == 1, items[0].value.scalar == "" {
            report(Rules.unfilledPlaceholder, pos, "\(origin(entry, file: file)) is the template placeholder {\(items[0].key)}",
                   hint: "Replace the placeholder with the real names.", file: file)
            return []
        }
        guard let list = entry.value.stringList else {
            report(Rules.invalidFrontMatter, entry.value.position,
                   "\(origin(entry, file: file)) should be a list of names, not \(entry.value.typeName)", file: file)
            return []
        }
        return list.map { $0.trimmed }.filter { !$0.isEmpty }
    }

    mutating func relationTargets(_ entry: YAMLEntry, file: String? = nil) -> [(String, SourcePosition)] {
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
                   "\(origin(entry, file: file)) should be an ID or a list of IDs, not a mapping", file: file)
        }
        return out
    }

    func splitList(_ s: String) -> [String] {
        s.split(separator: ",").map { $0.trimmed }.filter { !$0.isEmpty }
    }

    mutating func readDate(_ raw: String, position: SourcePosition, field: String, file: String? = nil) -> DateValue? {
        var text = Self.trimming(raw) { $0 == 0x20 || $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "`") }
        // "(2016-06-17)": a date someone put in the template's parentheses is still the date.
        if text.hasPrefix("("), text.hasSuffix(")"), case .valid = DateText.parse(String(text.dropFirst().dropLast())) {
            text = String(text.dropFirst().dropLast())
        }
        switch DateText.parse(text) {
        case .valid(let y, let m, let d):
            return DateValue(raw: raw, year: y, month: m, day: d, position: position)
        case .impossible(let why):
            report(Rules.invalidDate, position, "\(field) '\(text)' is not a valid date: \(why)",
                   hint: "Write dates as YYYY-MM-DD.", file: file)
        case .malformed:
            if text.range(of: #"^\{.*\}$|^\[.*\]$|^<.*>$|^\(.*\)$"#, options: .regularExpression) != nil {
                report(Rules.unfilledPlaceholder, position, "\(field) is still the template placeholder '\(text)'",
                       hint: "Replace the placeholder with the real date (YYYY-MM-DD).", file: file)
            } else {
                report(Rules.invalidDate, position, "\(field) '\(text)' is not a date in YYYY-MM-DD form",
                       hint: "Write dates as YYYY-MM-DD.", file: file)
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
        anchorCounts.reserveCapacity(tree.childIndices(of: 0).lazy.filter { tree.nodes[$0].tag == .heading }.count)
        for child in tree.childIndices(of: 0) {
            let data = tree.nodes[child]
            if data.tag == .heading {
                let level = data.headingLevel
                while let last = stack.last, sections[last].level >= level { stack.removeLast() }
                var title = tree.plainText(child, trimmed: true)
                var anchor: String
                if let (rest, id) = Self.headingAttributeID(title) {
                    // `## Alternatives { #alternatives }`: mdBook, Pandoc and kramdown take the id as written.
                    title = rest
                    anchor = id
                } else {
                    let base = Slug.anchor(title)
                    let n = anchorCounts[base, default: 0]
                    anchorCounts[base] = n + 1
                    anchor = n == 0 ? base : "\(base)-\(n)"
                }
                sections.append(Section(title: title, key: SectionKey.normalize(title), level: level, range: data.range,
                                        anchor: anchor, parent: stack.last,
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

    /// A heading ending in an attribute list with an id (`Title {#id}`, `Title { #id .class }`): the title and the id.
    static func headingAttributeID(_ title: String) -> (String, String)? {
        guard title.hasSuffix("}"), let open = title.lastIndex(of: "{") else { return nil }
        let inner = title[title.index(after: open)..<title.index(before: title.endIndex)]
        guard let token = inner.split(separator: " ").first(where: { $0.hasPrefix("#") }), token.count > 1 else { return nil }
        let rest = title[..<open].trimmed
        return rest.isEmpty ? nil : (rest, String(token.dropFirst()))
    }

    /// Values of `id="..."` and `name="..."` attributes in raw HTML (`<a name="x"></a>`, `<span id="x">`):
    /// GitHub keeps them, so `#x` links to them work.
    static func htmlAnchors(_ html: ArraySlice<UInt8>) -> [String] {
        var out: [String] = []
        let u = Array(html)
        var i = 0
        func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b + 32 : b }
        while i < u.count {
            var nameEnd = -1
            if i + 2 < u.count, lower(u[i]) == UInt8(ascii: "i"), lower(u[i + 1]) == UInt8(ascii: "d") { nameEnd = i + 2 }
            if i + 4 < u.count, lower(u[i]) == UInt8(ascii: "n"), lower(u[i + 1]) == UInt8(ascii: "a"),
               lower(u[i + 2]) == UInt8(ascii: "m"), lower(u[i + 3]) == UInt8(ascii: "e") { nameEnd = i + 4 }
            let boundary = i > 0 && (u[i - 1] == 0x20 || u[i - 1] == 0x09 || u[i - 1] == 0x0A)
            if nameEnd > 0, boundary {
                var j = nameEnd
                while j < u.count, u[j] == 0x20 { j += 1 }
                if j < u.count, u[j] == UInt8(ascii: "=") {
                    j += 1
                    while j < u.count, u[j] == 0x20 { j += 1 }
                    if j < u.count, u[j] == UInt8(ascii: "\"") || u[j] == UInt8(ascii: "'") {
                        let quote = u[j]
                        var k = j + 1
                        while k < u.count, u[k] != quote { k += 1 }
                        if k < u.count, k > j + 1 { out.append(String(decoding: u[(j + 1)..<k], as: UTF8.self)) }
                        i = k + 1
                        continue
                    }
                }
            }
            i += 1
        }
        return out
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

    func collectTasksAndLinks(_ tree: MarkdownTree, sections: [Section]) -> ([TaskItem], [Link], [String]) {
        var tasks: [TaskItem] = []
        var links: [Link] = []
        var anchors: [String] = []
        for i in tree.nodes.indices {
            let data = tree.nodes[i]
            switch data.tag {
            case .htmlInline, .htmlBlock:
                if tree.literals[data.literal.range].contains(UInt8(ascii: "=")) {
                    anchors += Self.htmlAnchors(tree.literals[data.literal.range])
                }
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
        return (tasks, links, anchors)
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

    /// Keys every template shares; in paragraphs under the title only these (and a kind's own) are metadata.
    static let bulletKeys: Set<String> = [
        "status", "date", "deciders", "decision-makers", "decision makers", "decided by", "authors", "author",
        "owner", "owners", "consulted", "informed", "tags", "created", "updated", "last updated",
    ]

    /// A short label such as `Start Date` or `RFC PR`, not a sentence that happens to contain a colon.
    static func isLabel(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, first.properties.isAlphabetic, key.utf8.count <= 40 else { return false }
        return key.split(separator: " ").count <= 5 && !key.contains("://")
    }

    /// `Key: value` with a short label as key; the key lower-cased with single spaces, both without surrounding ` *_`.
    static func keyValue(_ text: String) -> (String, String)? {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else {
            // Characters and Unicode case mapping only matter outside ASCII.
            guard let colon = text.firstIndex(of: ":") else { return nil }
            let key = StatusText.collapse(String(text[..<colon]).lowercased()).trimmingCharacters(in: CharacterSet(charactersIn: " *_"))
            guard isLabel(key) else { return nil }
            let value = text[text.index(after: colon)...].trimmingCharacters(in: CharacterSet(charactersIn: " *_"))
            return (key, value)
        }
        let u = Array(text.utf8)
        guard let colon = u.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        func isEdge(_ b: UInt8) -> Bool { b == 0x20 || b == UInt8(ascii: "*") || b == UInt8(ascii: "_") }
        // Lower-cased, runs of separators collapsed as `StatusText.collapse` does.
        let key = StatusText.collapseASCII(u[..<colon].map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 })
        var lo = 0, hi = key.count
        while lo < hi, isEdge(key[lo]) { lo += 1 }
        while hi > lo, isEdge(key[hi - 1]) { hi -= 1 }
        let keyString = String(decoding: key[lo..<hi], as: UTF8.self)
        guard isLabel(keyString) else { return nil }
        var vlo = colon + 1, vhi = u.count
        while vlo < vhi, isEdge(u[vlo]) { vlo += 1 }
        while vhi > vlo, isEdge(u[vhi - 1]) { vhi -= 1 }
        return (keyString, String(decoding: u[vlo..<vhi], as: UTF8.self))
    }

    /// Keys that a `Key: value` line of a paragraph under the title gives a field in any kind.
    static let paragraphKeys: Set<String> = ["date", "status", "deciders", "authors", "owner", "created", "updated"]

    func collectBodyFields(_ tree: MarkdownTree, sections: [Section], h1: Int?) -> [BodyField] {
        var fields: [BodyField] = []
        let top = Array(tree.childIndices(of: 0))
        // Header area: blocks before the first heading below the H1. Without an H1, a heading that opens the
        // document stands in for it (`## Shorter temporary lifetimes` above an RFC's bullets).
        let titleHeading = h1 ?? top.first.flatMap { tree.nodes[$0].headingLevel > 0 ? $0 : nil }
        var headerEnd = top.count
        for (i, n) in top.enumerated() {
            let level = tree.nodes[n].headingLevel
            if level > 0, titleHeading != n { headerEnd = i; break }
        }
        for n in top[0..<headerEnd] {
            switch tree.nodes[n].tag {
            case .list:
                for item in tree.childIndices(of: n) {
                    guard let para = firstParagraph(in: tree, item) else { continue }
                    for line in lines(of: para, in: tree).prefix(1) {
                        let lower = line.text.lowercased().trimmed
                        if relationPhrases.contains(where: { lower.hasPrefix($0.0) }) {
                            fields.append(BodyField(key: "relation", value: line.text, links: line.links, position: line.position, source: .headerBullet))
                        } else if let (k, v) = Self.keyValue(line.text) {
                            fields.append(BodyField(key: k, value: v, links: line.links, position: line.position, source: .headerBullet))
                        }
                    }
                }
            case .paragraph:
                for line in lines(of: n, in: tree) {
                    if let (k, v) = Self.keyValue(line.text) {
                        fields.append(BodyField(key: k, value: v, links: line.links, position: line.position,
                                                source: k == "date" ? .dateLine : .headerBullet, paragraphLine: true))
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
        // Sections named after a field (`### Date`, `### Authors`, as the Google SRE template has them): their first paragraph.
        for s in sections where s.level > 1 && ["date", "authors", "owner", "owners", "deciders"].contains(s.key) {
            guard let i = top.firstIndex(of: s.node), i + 1 < top.count, tree.nodes[top[i + 1]].tag == .paragraph else { continue }
            let para = top[i + 1]
            let value = tree.plainText(para, trimmed: true)
            guard !value.isEmpty, value.utf8.count <= 200 else { continue }
            fields.append(BodyField(key: s.key, value: value, links: [], position: tree.nodes[para].start, source: .section))
        }
        // "Date: 2016-02-12" lines anywhere at the top level before the first section heading were handled above;
        // key/value table rows anywhere: | Status | Accepted |
        for i in tree.nodes.indices where tree.nodes[i].tag == .tableRow {
            var cells = tree.childIndices(of: i)
            // Key/value tables have two columns; a wider table's first column is data (a Date column of a schedule).
            guard let labelCell = cells.next(), let valueCell = cells.next(), cells.next() == nil else { continue }
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

    /// What a template writes between braces: a description in words (`{title of option 1}`) or a
    /// capitalised name (`{DATE}`, `{PROJECT_NAME}`). Not code or notation that uses braces too: `{json}`,
    /// `{MAX, MIN}`, `{r_1^2}`, nor kramdown attribute lists and heading IDs (`{: .note}`, `{#overview}`).
    static func isPlaceholderText(_ inner: ArraySlice<UInt8>) -> Bool {
        let words = inner.split(separator: 0x20)
        guard let first = words.first, let lead = first.first,
              lead != UInt8(ascii: ":"), lead != UInt8(ascii: "#"), lead != UInt8(ascii: ".") else { return false }
        func isLower(_ b: UInt8) -> Bool { b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") }
        func isUpper(_ b: UInt8) -> Bool { b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") }
        func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        if words.count == 1 {
            // A name in capitals written tight against the braces (`{DATE}`; `{ SEP }` is code): letters, digits,
            // `_` and `-`, at least two capitals, no lower case.
            guard inner.first != 0x20, inner.last != 0x20 else { return false }
            return first.filter(isUpper).count >= 2 && first.allSatisfy {
                isUpper($0) || isDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
            }
        }
        // Prose: at least two lower-case words (a trailing `,` `.` `;` `:` allowed), as template prompts are written.
        let prose = words.filter { w in
            var body = w[...]
            while let last = body.last, [UInt8(ascii: ","), UInt8(ascii: "."), UInt8(ascii: ";"), UInt8(ascii: ":")].contains(last) {
                body = body.dropLast()
            }
            return body.count >= 2 && body.allSatisfy(isLower)
        }
        return prose.count >= 2
    }

    mutating func checkPlaceholders(_ tree: MarkdownTree) {
        func hasCandidate(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            bytes.containsByte(UInt8(ascii: "{")) || bytes.containsByte(UInt8(ascii: "|"))
        }
        // Most documents hold neither brace nor pipe in any literal: one scan rules the whole tree out.
        guard tree.literals.withUnsafeBufferPointer(hasCandidate) else { return }
        // Look before building anything: most blocks hold neither brace nor pipe. One pass over the
        // text nodes marks the paragraphs, headings and cells around those that do.
        var candidates: Set<Int> = []
        tree.literals.withUnsafeBufferPointer { literals in
            for k in tree.nodes.indices where tree.nodes[k].tag == .text {
                guard hasCandidate(UnsafeBufferPointer(rebasing: literals[tree.nodes[k].literal.range])) else { continue }
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
            // `{{ ... }}` and `{% ... %}` are a site generator's template syntax (Hugo shortcodes, Liquid, Jinja).
            if c == UInt8(ascii: "{"), i + 1 < u.count, u[i + 1] == UInt8(ascii: "{") || u[i + 1] == UInt8(ascii: "%") {
                var j = i + 2
                while j + 1 < u.count, !(u[j + 1] == UInt8(ascii: "}") && (u[j] == UInt8(ascii: "}") || u[j] == UInt8(ascii: "%"))) { j += 1 }
                i = j + 2
                continue
            }
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
                if j < u.count, u[j] == close, !nested, letters,
                   c == UInt8(ascii: "{") ? isPlaceholderText(u[(i + 1)..<j]) : pipe {
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
