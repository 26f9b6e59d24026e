// `archbook export --format json`: the whole handbook model in a versioned schema (docs/export-schema.md) for other tools.

/// The export, as a value: built from a check, written with keys in the documented order, and read back with
/// `JSONDecoder` (the round trip is tested). Optional members are left out of the JSON when absent.
public struct HandbookExport: Codable, Equatable, Sendable {
    /// Bumped only for incompatible changes; adding members is compatible.
    public static let schemaVersion = 1
    public static let formatName = "archbook-export"

    public var format: String
    public var version: Int
    public var tool: Tool
    /// The docs root as given on the command line (`.` for the current directory); every path starts with it.
    public var root: String
    public var summary: Summary
    public var kinds: [Kind]
    public var documents: [ExportedDocument]
    public var relations: [ExportedRelation]
    public var diagnostics: [ExportedDiagnostic]

    public struct Tool: Codable, Equatable, Sendable {
        public var name: String
        public var version: String
    }

    public struct Summary: Codable, Equatable, Sendable {
        public var documents: Int
        public var errors: Int
        public var warnings: Int
        public var notes: Int
    }

    public struct Kind: Codable, Equatable, Sendable {
        public var name: String
        public var idPrefix: String
        public var preset: String?
        public var statuses: [StatusDefinitionExport]
        public var documents: Int
    }

    public struct StatusDefinitionExport: Codable, Equatable, Sendable {
        public var name: String
        public var aliases: [String]
        public var terminal: Bool
    }

    public struct ExportedDocument: Codable, Equatable, Sendable {
        public var path: String
        public var kind: String?
        public var id: String?
        public var title: String
        public var status: ExportedStatus?
        /// Named dates (`date`, `created`, `updated`, ...) as YYYY-MM-DD.
        public var dates: [String: String]
        public var people: ExportedPeople
        public var tags: [String]
        /// Header values with no field of their own (`severity`, `rfc-pr`).
        public var fields: [String: String]
        /// Relations as the document writes them; `resolved` is the target's path when it is in the handbook.
        public var relations: [WrittenRelation]
        public var sections: [ExportedSection]
        public var tasks: Checklist
    }

    public struct ExportedStatus: Codable, Equatable, Sendable {
        /// Normalised and mapped through the kind's aliases.
        public var value: String
        /// As written.
        public var raw: String
        public var note: String?
        /// Where it was read: front-matter, status-section, header-bullet, table-row, sidecar, ...
        public var source: String
        public var terminal: Bool
    }

    public struct ExportedPeople: Codable, Equatable, Sendable {
        public var authors: [String]
        public var deciders: [String]
        public var owners: [String]
        public var consulted: [String]
        public var informed: [String]
    }

    public struct WrittenRelation: Codable, Equatable, Sendable {
        public var type: String
        public var target: String
        public var resolved: String?
        public var line: Int
    }

    public struct ExportedSection: Codable, Equatable, Sendable {
        public var title: String
        public var level: Int
        public var anchor: String
        public var line: Int
        /// Checklist items in the section and its subsections.
        public var done: Int
        public var total: Int
    }

    public struct Checklist: Codable, Equatable, Sendable {
        public var done: Int
        public var total: Int
        public var items: [Task]
    }

    public struct Task: Codable, Equatable, Sendable {
        public var text: String
        public var checked: Bool
        public var line: Int
        /// The anchor of the section it is in.
        public var section: String?
    }

    /// One resolved relation between two documents, in one direction: supersedes and amends from the newer
    /// document, relates-to from the one first in path order.
    public struct ExportedRelation: Codable, Equatable, Sendable {
        public var from: String
        public var fromId: String?
        public var type: String
        public var to: String
        public var toId: String?
    }

    public struct ExportedDiagnostic: Codable, Equatable, Sendable {
        public var rule: String
        public var severity: String
        public var file: String
        public var line: Int
        public var column: Int
        public var message: String
        public var hint: String?
    }
}

extension HandbookExport {
    /// `prefix` is put before every path (the docs root as given, `content/`), as reports print paths.
    public init(_ q: HandbookQuery, prefix: String, toolVersion: String) {
        let docs = q.documents
        let summary = q.result.summary
        format = Self.formatName
        version = Self.schemaVersion
        tool = Tool(name: "archbook", version: toolVersion)
        var r = prefix
        while r.hasSuffix("/") && r.count > 1 { r.removeLast() }
        root = r.isEmpty ? "." : r
        self.summary = Summary(documents: summary.documents, errors: summary.errors, warnings: summary.warnings, notes: summary.notes)
        kinds = q.config.kinds.map { k in
            Kind(name: k.name, idPrefix: k.idPrefix, preset: k.preset,
                 statuses: k.statuses.map { StatusDefinitionExport(name: $0.name, aliases: $0.aliases, terminal: $0.terminal) },
                 documents: docs.filter { $0.kind == k.name }.count)
        }
        documents = docs.indices.map { i in
            let d = docs[i]
            let kind = q.config.kind(named: d.kind ?? "")
            let status = d.status.map {
                ExportedStatus(value: $0.value, raw: $0.raw, note: $0.note, source: $0.source.rawValue,
                               terminal: kind?.isTerminal($0.value) ?? false)
            }
            let sections = d.sections.enumerated().map { k, s -> ExportedSection in
                let tasks = d.tasks.filter { t in t.section.map { HandbookViews.isWithin($0, k, d.sections) } ?? false }
                return ExportedSection(title: s.title, level: s.level, anchor: s.anchor, line: s.range.start.line,
                                       done: tasks.filter(\.checked).count, total: tasks.count)
            }
            let relations = d.relations.map { r in
                WrittenRelation(type: r.type.rawValue, target: r.target,
                                resolved: q.validator.target(r.target, from: i).map { prefix + docs[$0].path }, line: r.position.line)
            }
            let tasks = d.tasks.map { t in
                Task(text: t.text, checked: t.checked, line: t.position.line, section: t.section.map { d.sections[$0].anchor })
            }
            return ExportedDocument(
                path: prefix + d.path, kind: d.kind, id: d.id, title: d.title, status: status,
                dates: d.dates.mapValues(\.iso),
                people: ExportedPeople(authors: d.people.authors, deciders: d.people.deciders, owners: d.people.owners,
                                       consulted: d.people.consulted, informed: d.people.informed),
                tags: d.tags, fields: d.fields, relations: relations, sections: sections,
                tasks: Checklist(done: d.tasks.filter(\.checked).count, total: d.tasks.count, items: tasks))
        }
        relations = q.edges.map { e in
            ExportedRelation(from: prefix + docs[e.from].path, fromId: docs[e.from].id, type: e.type.rawValue,
                             to: prefix + docs[e.to].path, toId: docs[e.to].id)
        }
        diagnostics = q.result.diagnostics.map { d in
            ExportedDiagnostic(rule: d.rule, severity: d.severity.rawValue, file: prefix + d.file, line: d.position.line,
                               column: d.position.column, message: d.message, hint: d.hint)
        }
    }

    /// The JSON text: two-space indentation, keys in the documented order, dictionaries sorted by key, a final newline.
    public func json() -> String {
        let kindValues: [JSONValue] = kinds.map { k in
            var m: [(key: String, value: JSONValue)] = [("name", .string(k.name)), ("idPrefix", .string(k.idPrefix))]
            Self.optional(&m, "preset", k.preset)
            m.append(("statuses", .array(k.statuses.map {
                .object([("name", .string($0.name)), ("aliases", Self.strings($0.aliases)), ("terminal", .bool($0.terminal))])
            })))
            m.append(("documents", .int(k.documents)))
            return .object(m)
        }
        return JSONValue.object([
            ("format", .string(format)),
            ("version", .int(version)),
            ("tool", .object([("name", .string(tool.name)), ("version", .string(tool.version))])),
            ("root", .string(root)),
            ("summary", .object([("documents", .int(summary.documents)), ("errors", .int(summary.errors)),
                                 ("warnings", .int(summary.warnings)), ("notes", .int(summary.notes))])),
            ("kinds", .array(kindValues)),
            ("documents", .array(documents.map(Self.value))),
            ("relations", .array(relations.map(Self.value))),
            ("diagnostics", .array(diagnostics.map(Self.value))),
        ]).prettyPrinted()
    }

    /// One document as `archbook show --format json` prints it: the export's document object, its relations
    /// (both directions) and its diagnostics.
    public static func documentJSON(_ q: HandbookQuery, _ i: Int, prefix: String, toolVersion: String) -> String {
        let full = HandbookExport(q, prefix: prefix, toolVersion: toolVersion)
        let doc = full.documents[i]
        let sidecar = q.documents[i].sidecar.map { prefix + $0 }
        return JSONValue.object([
            ("format", .string(formatName)),
            ("version", .int(schemaVersion)),
            ("document", value(doc)),
            ("relations", .array(full.relations.filter { $0.from == doc.path || $0.to == doc.path }.map(value))),
            ("diagnostics", .array(full.diagnostics.filter { $0.file == doc.path || $0.file == sidecar }.map(value))),
        ]).prettyPrinted()
    }

    static func strings(_ list: [String]) -> JSONValue { .array(list.map { .string($0) }) }

    static func map(_ m: [String: String]) -> JSONValue { .object(m.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }) }

    static func optional(_ members: inout [(key: String, value: JSONValue)], _ key: String, _ value: String?) {
        if let value { members.append((key, .string(value))) }
    }

    static func value(_ d: ExportedDocument) -> JSONValue {
        var m: [(key: String, value: JSONValue)] = [("path", .string(d.path))]
        optional(&m, "kind", d.kind)
        optional(&m, "id", d.id)
        m.append(("title", .string(d.title)))
        if let s = d.status {
            var sm: [(key: String, value: JSONValue)] = [("value", .string(s.value)), ("raw", .string(s.raw))]
            optional(&sm, "note", s.note)
            sm += [("source", .string(s.source)), ("terminal", .bool(s.terminal))]
            m.append(("status", .object(sm)))
        }
        m.append(("dates", map(d.dates)))
        m.append(("people", .object([
            ("authors", strings(d.people.authors)), ("deciders", strings(d.people.deciders)),
            ("owners", strings(d.people.owners)), ("consulted", strings(d.people.consulted)),
            ("informed", strings(d.people.informed)),
        ])))
        m.append(("tags", strings(d.tags)))
        m.append(("fields", map(d.fields)))
        m.append(("relations", .array(d.relations.map { r in
            var rm: [(key: String, value: JSONValue)] = [("type", .string(r.type)), ("target", .string(r.target))]
            optional(&rm, "resolved", r.resolved)
            rm.append(("line", .int(r.line)))
            return .object(rm)
        })))
        m.append(("sections", .array(d.sections.map { s in
            .object([("title", .string(s.title)), ("level", .int(s.level)), ("anchor", .string(s.anchor)),
                     ("line", .int(s.line)), ("done", .int(s.done)), ("total", .int(s.total))])
        })))
        m.append(("tasks", .object([
            ("done", .int(d.tasks.done)), ("total", .int(d.tasks.total)),
            ("items", .array(d.tasks.items.map { t in
                var tm: [(key: String, value: JSONValue)] = [("text", .string(t.text)), ("checked", .bool(t.checked)),
                                                             ("line", .int(t.line))]
                optional(&tm, "section", t.section)
                return .object(tm)
            })),
        ])))
        return .object(m)
    }

    static func value(_ r: ExportedRelation) -> JSONValue {
        var m: [(key: String, value: JSONValue)] = [("from", .string(r.from))]
        optional(&m, "fromId", r.fromId)
        m += [("type", .string(r.type)), ("to", .string(r.to))]
        optional(&m, "toId", r.toId)
        return .object(m)
    }

    static func value(_ d: ExportedDiagnostic) -> JSONValue {
        var m: [(key: String, value: JSONValue)] = [
            ("rule", .string(d.rule)), ("severity", .string(d.severity)), ("file", .string(d.file)),
            ("line", .int(d.line)), ("column", .int(d.column)), ("message", .string(d.message)),
        ]
        optional(&m, "hint", d.hint)
        return .object(m)
    }
}
