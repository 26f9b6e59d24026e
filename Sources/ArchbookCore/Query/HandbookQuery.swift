// A checked handbook for the query commands (list, show, graph, export): lookup by ID, resolved relations, backlinks.

import Foundation

/// A check result with its documents' references resolved, as `list`, `show`, `graph` and `export` read it.
public struct HandbookQuery: Sendable {
    public let result: CheckResult
    public let config: Config
    let validator: HandbookValidator
    /// Resolved relations in one direction each: supersedes, amends (from the newer document) and relates-to
    /// (from the one earlier in path order), without duplicates, sorted.
    public let edges: [Edge]
    /// Per document, the documents whose links point at it.
    public let backlinks: [[Int]]

    public struct Edge: Sendable, Equatable {
        public var from: Int
        public var type: RelationType
        public var to: Int
    }

    public init(_ result: CheckResult, listing: FileListing, config: Config) {
        self.result = result
        self.config = config
        let docs = result.documents
        let validator = HandbookValidator(documents: docs, listing: listing, config: config, displayPrefix: "")
        self.validator = validator
        var seen = Set<String>()
        var edges: [Edge] = []
        for (i, d) in docs.enumerated() {
            for r in d.relations {
                guard let t = validator.target(r.target, from: i), t != i else { continue }
                let e: Edge
                switch r.type {
                case .supersedes, .amends: e = Edge(from: i, type: r.type, to: t)
                case .supersededBy: e = Edge(from: t, type: .supersedes, to: i)
                case .amendedBy: e = Edge(from: t, type: .amends, to: i)
                case .relatesTo:
                    let (a, b) = docs[i].path < docs[t].path ? (i, t) : (t, i)
                    e = Edge(from: a, type: .relatesTo, to: b)
                }
                if seen.insert("\(e.from)|\(e.type.rawValue)|\(e.to)").inserted { edges.append(e) }
            }
        }
        self.edges = edges.sorted { (docs[$0.from].path, $0.type.rawValue, docs[$0.to].path) < (docs[$1.from].path, $1.type.rawValue, docs[$1.to].path) }
        var back = Array(repeating: [Int](), count: docs.count)
        for (i, d) in docs.enumerated() where !d.isTemplate {
            var targets = Set<Int>()
            for link in d.links where !link.isImage && !HandbookValidator.isExternal(link.destination) {
                let (path, _) = HandbookValidator.splitDestination(link.destination)
                guard !path.isEmpty, let resolved = HandbookValidator.resolve(path.percentDecoded, from: d.path),
                      let t = validator.byPath[resolved], t != i else { continue }
                targets.insert(t)
            }
            for t in targets { back[t].append(i) }
        }
        backlinks = back
    }

    public var documents: [Document] { result.documents }

    /// Documents of a kind (records), not plain pages or templates.
    public var records: [Int] { documents.indices.filter { documents[$0].kind != nil } }

    /// A document's relations from its own side, both directions: `supersedes ADR-0003`, `superseded by ADR-0014`.
    public func relations(of i: Int) -> [(type: RelationType, other: Int)] {
        var out: [(RelationType, Int)] = []
        for e in edges {
            if e.from == i { out.append((e.type, e.to)) }
            if e.to == i { out.append((e.type.inverse ?? .relatesTo, e.from)) }
        }
        let order: [RelationType] = [.supersedes, .supersededBy, .amends, .amendedBy, .relatesTo]
        return out.sorted { (order.firstIndex(of: $0.0)!, documents[$0.1].path) < (order.firstIndex(of: $1.0)!, documents[$1.1].path) }
    }

    /// The label people use: the ID, else the path.
    public func label(_ i: Int) -> String { documents[i].id ?? documents[i].path }

    /// Sorted as people expect a list: kinds in configuration order, then by number, then by path.
    public func sorted(_ indices: [Int]) -> [Int] {
        let kindOrder = Dictionary(config.kinds.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        func key(_ i: Int) -> (Int, Int, String) {
            let d = documents[i]
            let number = d.id.flatMap { IDText.parse($0)?.number } ?? IDText.fileNumber(PathText.fileName(d.path)) ?? Int.max
            return (d.kind.flatMap { kindOrder[$0] } ?? Int.max, number, d.path)
        }
        return indices.sorted { key($0) < key($1) }
    }

    /// Finds the document a user named: an ID (`ADR-0006`, `adr-6`), a bare number when one kind has it, a path
    /// relative to the docs root or a file name without extension.
    public func find(_ reference: String) throws(AuthoringError) -> Int {
        let ref = reference.trimmed
        guard !ref.isEmpty else { throw AuthoringError("no document named ''") }
        if let hit = validator.target(ref, fromPath: "", kind: nil) { return hit }
        if let parsed = IDText.parse(ref), parsed.prefix == nil {
            var hits: [Int] = []
            for k in config.kinds {
                if let found = validator.byID[k.canonicalID(number: parsed.number).uppercased()], found.count == 1 { hits.append(found[0]) }
            }
            if hits.count == 1 { return hits[0] }
            if hits.count > 1 {
                throw AuthoringError("'\(ref)' is ambiguous: \(hits.map(label).joined(separator: ", ")); give the prefix")
            }
        }
        if let ids = validator.byID[ref.uppercased()], ids.count > 1 {
            throw AuthoringError("\(ref.uppercased()) is used by several documents: \(ids.map { documents[$0].path }.joined(separator: ", "))")
        }
        throw AuthoringError("no document '\(ref)' in the handbook" + NewDocument.suggestion(ref, documents))
    }

    /// Resolves a kind the user named by its name or ID prefix.
    public func kind(named name: String) throws(AuthoringError) -> KindSchema {
        try NewDocument.findKind(name, config: config)
    }

    /// Maps a status the user typed through a kind's aliases (`approved` → `accepted` for decisions).
    public func status(_ typed: String, for kind: String?) -> String {
        let value = StatusText.parse(typed).value
        return config.kind(named: kind ?? "")?.canonicalStatus(value)?.name ?? value
    }
}
