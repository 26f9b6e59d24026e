// `archbook new`: plans the next document of a kind (name, number, template, filled text) and the edits of the documents it supersedes or amends.

import Mustache

/// What `archbook new` was asked for.
public struct NewDocumentRequest: Sendable {
    public var kind: String
    public var title: String
    /// The document's date (today, unless the caller says otherwise).
    public var date: DateValue
    /// The status to write; nil takes `proposed` (or the kind's first status when it has no proposed).
    public var status: String?
    /// References to the documents the new one supersedes and amends: IDs, paths or slugs.
    public var supersedes: [String]
    public var amends: [String]
    /// The folder to create it in, relative to the docs root; nil takes the folder the kind's latest document is in.
    public var folder: String?
    /// A template given explicitly (`--template`), which wins over every other.
    public var template: TemplateFile?

    public init(kind: String, title: String, date: DateValue, status: String? = nil, supersedes: [String] = [],
                amends: [String] = [], folder: String? = nil, template: TemplateFile? = nil) {
        self.kind = kind
        self.title = title
        self.date = date
        self.status = status
        self.supersedes = supersedes
        self.amends = amends
        self.folder = folder
        self.template = template
    }
}

/// A template's text and where it came from, for messages.
public struct TemplateFile: Sendable, Equatable {
    public var label: String
    public var bytes: [UInt8]

    public init(label: String, bytes: [UInt8]) {
        self.label = label
        self.bytes = bytes
    }
}

/// A file archbook will change: its bytes before and after.
public struct FileChange: Sendable, Equatable {
    public var path: String
    public var before: [UInt8]
    public var after: [UInt8]
}

/// Everything `archbook new` will write, computed before anything is written.
public struct NewDocumentPlan: Sendable {
    /// Relative to the docs root.
    public var path: String
    public var id: String?
    public var bytes: [UInt8]
    /// Where the template came from.
    public var template: String
    /// The documents it supersedes or amends, with their relation lines added.
    public var changes: [FileChange]
    /// Things the user should know that did not stop the plan (a status the target's kind does not have).
    public var notes: [String]
}

extension DateValue {
    /// A date from `YYYY-MM-DD`, or nil when it is not one on the calendar.
    public static func iso(_ text: String) -> DateValue? {
        guard text.utf8.count == 10, case .valid(let y, let m, let d) = DateText.parse(text) else { return nil }
        return DateValue(raw: text, year: y, month: m, day: d, position: .start)
    }
}

public enum NewDocument {
    /// Plans the new document and the edits of its targets. Reads templates from `tree` (the docs tree) and `themes`
    /// (top layer last, as `Theme.load` takes them). Throws when anything would be unsafe or ambiguous; then nothing is written.
    /// `displayPrefix` is put before paths in messages (`docs/`), as reports print them.
    public static func plan(_ request: NewDocumentRequest, handbook: CheckResult, listing: FileListing, tree: some FileTree,
                            config: Config, themes: [Theme.Layer], displayPrefix: String = "") throws(AuthoringError) -> NewDocumentPlan {
        let show = { (p: String) in displayPrefix + p }
        let kind = try findKind(request.kind, config: config)
        let title = request.title.split(whereSeparator: \.isNewline).joined(separator: " ").trimmed
        guard !title.isEmpty else { throw AuthoringError("the title is empty") }
        let status = try statusValue(request.status, kind: kind)
        let docs = handbook.documents.filter { $0.kind == kind.name }
        let validator = HandbookValidator(documents: handbook.documents, listing: listing, config: config, displayPrefix: "")

        // Name and number.
        let folder = try targetFolder(request.folder, kind: kind, docs: docs)
        let kindFolders = Set(docs.map { folderOf($0.path) } + [folder])
        let siblings = listing.files.filter { p in
            Checker.isMarkdownPath(p) && kindFolders.contains(folderOf(p)) && !Extractor.isTemplateName(baseName(p))
                && !Extractor.isFolderIndexName(baseName(p))
        }
        let style = try NamingStyle.infer(kind: kind, names: (docs.map(\.path) + siblings).uniqued().map { (baseName($0), ext($0)) })
        var numbers = siblings.compactMap { IDText.fileNumber(fileName($0)) }
        for d in docs {
            // IDs from an id-pattern carry their own prefix (`PM0007`).
            if let id = d.id, let parsed = IDText.parse(id),
               parsed.prefix == nil || parsed.prefix == kind.idPrefix.uppercased() || kind.idFrom != .number {
                numbers.append(parsed.number)
            }
            if let n = IDText.fileNumber(fileName(d.path)) { numbers.append(n) }
        }
        let number = (numbers.max() ?? 0) + 1
        if (style.pattern.contains("{slug}") && style.slug(title).isEmpty) || (style.pattern.contains("{name}") && style.camelName(title).isEmpty) {
            throw AuthoringError("cannot make a file name from the title '\(title)': it has no letters or digits")
        }
        let name = style.fileName(title: title, number: number, date: request.date)
        let path = folder.isEmpty ? name : folder + "/" + name
        if let existing = listing.files.first(where: { $0.lowercased() == path.lowercased() }) {
            throw AuthoringError("\(show(existing)) already exists; archbook new never overwrites a file")
        }
        if listing.directories.contains(where: { $0.lowercased() == path.lowercased() }) {
            throw AuthoringError("\(show(path)) is a folder")
        }
        let numbered = style.pattern.contains("{number}") && kind.idFrom == .number
        let id: String? = numbered ? kind.canonicalID(number: number) : nil

        // Targets.
        var targets: [(type: RelationType, index: Int)] = []
        for (type, refs) in [(RelationType.supersedes, request.supersedes), (.amends, request.amends)] {
            for ref in refs {
                guard let t = validator.target(ref, fromPath: path, kind: kind.name) ?? validator.target(ref, fromPath: "", kind: kind.name) else {
                    throw AuthoringError("no document '\(ref)' to \(type == .supersedes ? "supersede" : "amend")" + suggestion(ref, handbook.documents))
                }
                if let other = targets.first(where: { $0.index == t }) {
                    throw AuthoringError("\(label(handbook.documents[t])) is named twice (\(other.type.rawValue) and \(type.rawValue))")
                }
                targets.append((type, t))
            }
        }
        func link(to t: Int) -> [String: Any] {
            let d = handbook.documents[t]
            let relative = SitePath.relative(from: path, to: d.path)
            // Without an ID, front matter names the target by its path, which is read relative to the new document.
            return ["id": d.id ?? relative, "title": d.title, "heading": DocumentEditor.escapeLinkText(heading(of: d)),
                    "link": relative]
        }

        // The text.
        let template = try findTemplate(request, kind: kind, folder: folder, listing: listing, tree: tree, themes: themes)
        let headingText = numberedHeading(template: template, docs: docs, number: number, title: title)
        var bytes: [UInt8]
        let statusText = status.prefix(1).uppercased() + status.dropFirst()
        if isMustache(template.bytes) {
            var context: [String: Any] = [
                "title": title, "date": request.date.iso, "status": status, "statusTitle": statusText, "kind": kind.name,
                "heading": headingText ?? title, "fileName": name,
            ]
            if let id { context["id"] = id }
            if numbered {
                context["number"] = String(number)
                let s = String(number)
                context["paddedNumber"] = String(repeating: "0", count: max(0, style.width - s.count)) + s
            }
            let supersedes = targets.filter { $0.type == .supersedes }.map { link(to: $0.index) }
            let amends = targets.filter { $0.type == .amends }.map { link(to: $0.index) }
            context["supersedes"] = supersedes.isEmpty ? false : supersedes
            context["amends"] = amends.isEmpty ? false : amends
            context["hasSupersedes"] = !supersedes.isEmpty
            context["hasAmends"] = !amends.isEmpty
            do {
                let t = try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + String(decoding: template.bytes, as: UTF8.self))
                bytes = Array(t.render(context).utf8)
            } catch {
                throw AuthoringError("template \(template.label) cannot be read: \(error)")
            }
        } else {
            var editor = try DocumentEditor(path: path, bytes: template.bytes, config: config, displayPath: show(path))
            if editor.document.titleSource == .heading || editor.document.frontMatter?.value("title") != nil {
                try editor.setTitle(headingText ?? title, frontMatterTitle: title)
            }
            // A template that has no status, but front matter, gets one there (MADR 4 ships its keys commented out).
            if hasStatus(editor) || FrontMatterSplit.split(editor.bytes).yaml != nil {
                try editor.setStatus(text: statusText, value: status)
            }
            try editor.setDate(request.date.iso)
            for type in [RelationType.supersedes, .amends] {
                let links = targets.filter { $0.type == type }.map { t -> RelationLink in
                    let d = handbook.documents[t.index]
                    return RelationLink(id: d.id, heading: heading(of: d), path: SitePath.relative(from: path, to: d.path))
                }
                if !links.isEmpty { try editor.addRelations(type, links) }
            }
            bytes = editor.bytes
        }

        // What the new document says about itself, read back as `check` will read it.
        let context = ExtractionContext(config: config, readOnly: true)
        let created = Extractor.extract(path: path, bytes: bytes, context: context).0
        guard created.kind == kind.name else {
            throw AuthoringError("\(show(path)) would not be a \(kind.name): the folder '\(folder)' is not one of the kind's folders (\(kind.paths.joined(separator: ", "))); choose one with --folder")
        }
        if let createdID = created.id, let clash = handbook.documents.first(where: { $0.id?.uppercased() == createdID.uppercased() }) {
            throw AuthoringError("\(createdID) is already used by \(show(clash.path))")
        }
        var updated = handbook.documents
        updated.append(created)
        let after = HandbookValidator(documents: updated, listing: FileListing(files: listing.files + [path], directories: listing.directories),
                                      config: config, displayPrefix: "")
        for t in targets {
            let recorded = created.relations.contains { $0.type == t.type && after.target($0.target, from: updated.count - 1) == t.index }
            guard recorded else {
                throw AuthoringError("template \(template.label) has no place to record '\(t.type.phrase) \(label(handbook.documents[t.index]))' (no front matter, Status section or status bullet); add one to the template")
            }
        }

        // The targets, each edited where its own convention writes relations.
        let newHeading = heading(of: created)
        var changes: [FileChange] = []
        var notes: [String] = []
        for t in targets {
            let target = handbook.documents[t.index]
            let before: [UInt8]
            do { before = try tree.read(target.path) } catch { throw AuthoringError("cannot read \(show(target.path)): \(error.message)") }
            var editor = try DocumentEditor(path: target.path, bytes: before, config: config, displayPath: show(target.path))
            let back = RelationLink(id: created.id, heading: newHeading, path: SitePath.relative(from: target.path, to: path))
            if t.type == .supersedes {
                let targetKind = config.kind(named: target.kind ?? "")
                let allowed = targetKind.map { $0.statuses.isEmpty || $0.canonicalStatus("superseded") != nil } ?? true
                if !allowed {
                    notes.append("\(label(target)) keeps its status: kind '\(target.kind ?? "")' has no superseded status")
                }
                try editor.markSuperseded(by: back, statusAllowed: allowed)
            } else {
                try editor.addRelations(.amendedBy, [back])
            }
            let inverse = t.type.inverse!
            let edited = Extractor.extract(path: target.path, bytes: editor.bytes, context: context).0
            let recorded = edited.relations.contains { $0.type == inverse && after.target($0.target, fromPath: target.path, kind: target.kind) == updated.count - 1 }
            guard recorded else {
                throw AuthoringError("internal error: the edit of \(show(target.path)) does not read back as '\(inverse.phrase) \(created.id ?? path)'")
            }
            changes.append(FileChange(path: target.path, before: before, after: editor.bytes))
        }
        return NewDocumentPlan(path: path, id: created.id, bytes: bytes, template: template.label, changes: changes, notes: notes)
    }

    // MARK: - Kind, status, folder

    static func findKind(_ name: String, config: Config) throws(AuthoringError) -> KindSchema {
        if let k = config.kind(named: name) ?? config.kind(named: name.lowercased()) { return k }
        if let k = config.kinds.first(where: { $0.idPrefix.lowercased() == name.lowercased() }) { return k }
        throw AuthoringError("unknown kind '\(name)'; kinds: \(config.kinds.map(\.name).joined(separator: ", "))")
    }

    static func statusValue(_ requested: String?, kind: KindSchema) throws(AuthoringError) -> String {
        guard let requested else {
            if let proposed = kind.canonicalStatus("proposed") { return proposed.name }
            return kind.statuses.first?.name ?? "proposed"
        }
        let value = StatusText.parse(requested).value
        guard !kind.statuses.isEmpty else { return value }
        guard let def = kind.canonicalStatus(value) else {
            let near = StatusText.nearest(value, in: kind.statuses).map { "; did you mean '\($0)'?" } ?? ""
            throw AuthoringError("'\(requested)' is not a \(kind.name) status (\(kind.statuses.map(\.name).joined(separator: ", ")))\(near)")
        }
        return def.name
    }

    /// The folder given, else the one holding the kind's latest document, else the folder its paths name.
    static func targetFolder(_ requested: String?, kind: KindSchema, docs: [Document]) throws(AuthoringError) -> String {
        if var f = requested {
            while f.hasPrefix("./") { f.removeFirst(2) }
            while f.hasSuffix("/") { f.removeLast() }
            if f == "." { f = "" }
            if f.hasPrefix("/") || f.split(separator: "/").contains("..") {
                throw AuthoringError("--folder '\(requested!)' must be a folder inside the docs tree")
            }
            return f
        }
        if !docs.isEmpty {
            let latest = docs.max { a, b in
                let na = a.id.flatMap { IDText.parse($0)?.number } ?? IDText.fileNumber(fileName(a.path)) ?? -1
                let nb = b.id.flatMap { IDText.parse($0)?.number } ?? IDText.fileNumber(fileName(b.path)) ?? -1
                return (na, b.path) < (nb, a.path)
            }!
            return folderOf(latest.path)
        }
        for glob in kind.paths {
            var parts = glob.split(separator: "/").map(String.init)
            while parts.first == "**" { parts.removeFirst() }
            while let last = parts.last, last == "**" || last == "*" || last.hasPrefix("*.") { parts.removeLast() }
            if !parts.isEmpty, !parts.contains(where: { $0.contains("*") || $0.contains("?") || $0.contains("[") }) {
                return parts.joined(separator: "/")
            }
        }
        throw AuthoringError("there are no \(kind.name) documents yet and the kind's paths (\(kind.paths.joined(separator: ", "))) name no single folder; choose one with --folder")
    }

    // MARK: - Templates

    /// `--template`, the kind's `template:`, a template in the kind's folder, the theme's `new/`, else one made from the schema.
    static func findTemplate(_ request: NewDocumentRequest, kind: KindSchema, folder: String, listing: FileListing,
                             tree: some FileTree, themes: [Theme.Layer]) throws(AuthoringError) -> TemplateFile {
        if let t = request.template { return t }
        if let configured = kind.template {
            do {
                return TemplateFile(label: configured, bytes: try tree.read(configured))
            } catch {
                throw AuthoringError("the template of kind '\(kind.name)' (\(configured)) cannot be read: \(error.message)")
            }
        }
        if let found = docsTreeTemplate(kind: kind, folder: folder, listing: listing) {
            if let bytes = try? tree.read(found) { return TemplateFile(label: found, bytes: bytes) }
        }
        // The built-in decision kind is Nygard's format, as adr-tools writes it.
        let names = [kind.preset, kind.name, kind.name == "decision" ? "nygard" : nil].compactMap { $0 }
        for layer in themes.reversed() {
            for n in names {
                if let bytes = try? layer.tree.read("new/\(n).md") {
                    return TemplateFile(label: "\(layer.label)/new/\(n).md", bytes: bytes)
                }
            }
        }
        return TemplateFile(label: "the \(kind.name) schema", bytes: Array(generatedTemplate(kind).utf8))
    }

    /// adr-tools keeps `templates/template.md` beside the records, MADR `adr-template.md`, log4brains `template.md`.
    static func docsTreeTemplate(kind: KindSchema, folder: String, listing: FileListing) -> String? {
        let dir = folder.isEmpty ? "" : folder + "/"
        let preferred = ["template.md", "templates/template.md", "\(kind.name)-template.md",
                         "\(kind.idPrefix.lowercased())-template.md", "0000-template.md", "template.markdown"].map { dir + $0 }
            + ["templates/\(kind.name).md"]
        let files = Set(listing.files)
        if let hit = preferred.first(where: files.contains) { return hit }
        let candidates = listing.files.filter { p in
            (folderOf(p) == folder || folderOf(p) == dir + "templates") && Checker.isMarkdownPath(p) && Extractor.isTemplateName(baseName(p))
        }
        return candidates.min { ($0.count, $0) < ($1.count, $1) }
    }

    /// A template for a kind without one: title, status and date, then the sections it requires.
    static func generatedTemplate(_ kind: KindSchema) -> String {
        var s = "---\n"
        if !kind.statuses.isEmpty || kind.requireStatus { s += "status: {{status}}\n" }
        s += "date: {{date}}\n{{#hasSupersedes}}supersedes:\n{{/hasSupersedes}}{{#supersedes}}  - {{id}}\n{{/supersedes}}"
        s += "{{#hasAmends}}amends:\n{{/hasAmends}}{{#amends}}  - {{id}}\n{{/amends}}---\n\n# {{heading}}\n"
        let sections = kind.sectionSets.first ?? []
        for section in sections where section.satisfiedBy != "status" {
            s += "\n## \(section.name)\n\n{Write the \(section.name.lowercased()) here.}\n"
        }
        return s
    }

    /// Whether the template says what it wants filled with archbook's tags, rather than being another tool's template.
    static func isMustache(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        return ["title", "heading", "date", "status", "id", "number"].contains { text.contains("{{\($0)}}") }
    }

    static func hasStatus(_ editor: DocumentEditor) -> Bool {
        let doc = editor.document
        if doc.status != nil { return true }
        let text = String(decoding: editor.bytes, as: UTF8.self)
        let split = FrontMatterSplit.split(editor.bytes)
        guard split.yaml != nil else { return false }
        return sourceLines(of: text).prefix(split.bodyLineOffset).contains { $0.hasPrefix("status:") }
    }

    /// The H1 for a numbered kind, when the template or the kind's latest document numbers its title: `13. Use X`,
    /// or `ADR-0013: Use X` when that is how the latest one is written.
    static func numberedHeading(template: TemplateFile, docs: [Document], number: Int, title: String) -> String? {
        let text = String(decoding: template.bytes, as: UTF8.self)
        if let h1 = sourceLines(of: text).first(where: { $0.hasPrefix("# ") }) {
            let rest = h1.dropFirst(2).trimmed
            if rest.hasPrefix("NUMBER") || rest.first?.isNumber == true { return "\(number). \(title)" }
        }
        let latest = docs.filter { $0.titleSource == .heading }.max { a, b in
            (IDText.fileNumber(fileName(a.path)) ?? -1, a.path) < (IDText.fileNumber(fileName(b.path)) ?? -1, b.path)
        }
        guard let latest, latest.headingNumber != nil else { return nil }
        let written = heading(of: latest)
        guard written.hasSuffix(latest.title), IDText.fromTitle(written) != nil else { return nil }
        let prefix = String(written.dropLast(latest.title.count))
        // Replace the number as written (keeping its padding) in the latest document's prefix.
        guard let digits = prefix.range(of: "[0-9]+", options: .regularExpression) else { return nil }
        let width = prefix[digits].count
        let s = String(number)
        return prefix.replacingCharacters(in: digits, with: String(repeating: "0", count: max(0, width - s.count)) + s) + title
    }

    // MARK: - Small helpers

    /// The H1 as written, for adr-tools style link text (`3. Use X`); the title when there is no H1.
    static func heading(of d: Document) -> String {
        let tree = d.markdown
        if d.titleSource == .heading, let h1 = tree.childIndices(of: 0).first(where: { tree.nodes[$0].headingLevel == 1 }) {
            let text = tree.plainText(h1, trimmed: true)
            if !text.isEmpty { return text }
        }
        return d.title
    }

    static func label(_ d: Document) -> String { d.id ?? d.path }

    /// "Did you mean" for a mistyped prefix (`ARD-0003`), never another number: ADR-0009 is not a typo of ADR-0001.
    static func suggestion(_ ref: String, _ docs: [Document]) -> String {
        let ids = docs.compactMap(\.id)
        if let typed = IDText.parse(ref), let prefix = typed.prefix {
            let near = ids.compactMap { id -> (String, Int)? in
                guard let p = IDText.parse(id), p.number == typed.number, let other = p.prefix else { return nil }
                return (id, StatusText.distance(other, prefix))
            }.min { ($0.1, $0.0) < ($1.1, $1.0) }
            guard let near, near.1 <= max(1, (prefix.count + 1) / 2) else { return "" }
            return "; did you mean \(near.0)?"
        }
        let lower = ref.lowercased()
        let near = ids.min { (StatusText.distance($0.lowercased(), lower), $0) < (StatusText.distance($1.lowercased(), lower), $1) }
        guard let near, IDText.parse(near)?.number == nil || IDText.parse(ref)?.number == nil,
              StatusText.distance(near.lowercased(), lower) <= max(2, ref.count / 3) else { return "" }
        return "; did you mean \(near)?"
    }

    static func folderOf(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    static func fileName(_ path: String) -> String { PathText.fileName(path) }

    static func baseName(_ path: String) -> String {
        let name = fileName(path)
        guard let dot = name.lastIndex(of: ".") else { return name }
        return String(name[..<dot])
    }

    static func ext(_ path: String) -> String {
        let name = fileName(path)
        guard let dot = name.lastIndex(of: ".") else { return "" }
        return String(name[name.index(after: dot)...])
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
