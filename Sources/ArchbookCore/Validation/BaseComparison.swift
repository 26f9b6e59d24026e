// `check --base REF`: rules that compare the docs tree with a git revision, on two checked trees (no git in here).

import Foundation

/// The base side of a comparison: the docs tree checked as it is at the base revision, and what the merge base held.
public struct BaseSnapshot: Sendable {
    /// How messages name the revision (`origin/main`).
    public var name: String
    public var result: CheckResult
    public var listing: FileListing
    /// Paths (relative to the docs root) of the files at the merge base of HEAD and the revision; nil when there is
    /// no merge base, and then a document only the base has counts as added there.
    public var mergeBasePaths: Set<String>?

    public init(name: String, result: CheckResult, listing: FileListing, mergeBasePaths: Set<String>?) {
        self.name = name
        self.result = result
        self.listing = listing
        self.mergeBasePaths = mergeBasePaths
    }
}

public enum BaseComparison {
    /// The head's diagnostics with the history rules' findings added. A reference to a deleted document is reported
    /// once, by `deleted-document-referenced`, instead of as a broken link or a missing relation target.
    public static func compare(head: CheckResult, headListing: FileListing, base: BaseSnapshot, config: Config,
                               displayPrefix: String = "") -> [Diagnostic] {
        let prefix = displayPrefix.isEmpty || displayPrefix.hasSuffix("/") ? displayPrefix : displayPrefix + "/"
        var findings: [(doc: Int, finding: Finding)] = []
        var replaced = Set<String>()
        let headDocs = head.documents, baseDocs = base.result.documents
        let headPaths = Set(headListing.files)
        let basePaths = Set(base.listing.files)
        let headByPath = Dictionary(headDocs.enumerated().map { ($1.path, $0) }, uniquingKeysWith: { a, _ in a })
        var headByID: [String: [Int]] = [:]
        for (i, d) in headDocs.enumerated() { if let id = d.id?.uppercased() { headByID[id, default: []].append(i) } }

        // Number collisions: a document new here whose ID a document added on the base since the branch point already has.
        for (i, d) in headDocs.enumerated() where !d.isTemplate {
            guard let id = d.id, d.kind != nil else { continue }
            for b in baseDocs where b.id?.uppercased() == id.uppercased() && b.path != d.path {
                let addedHere = !basePaths.contains(d.path)
                let addedThere = base.mergeBasePaths.map { !$0.contains(b.path) } ?? true
                // The base's file is in this tree too: `duplicate-id` reports that.
                guard addedHere, addedThere, !headPaths.contains(b.path) else { continue }
                let next = nextNumber(kind: d.kind, head: headDocs, base: baseDocs, config: config)
                let position = d.idSource == .frontMatter ? (d.frontMatter?.value("id")?.value.position ?? .start) : d.titlePosition
                findings.append((i, Finding(
                    rule: Rules.numberCollision, position: position,
                    message: "\(id) is already used on \(base.name) by \(prefix + b.path); this branch adds \(prefix + d.path) with the same number",
                    hint: "Rebase on \(base.name) and renumber this document\(next.map { " to \($0)" } ?? "") (file name and title).")))
            }
        }
        // Both sides added a file at the same path with different contents.
        if let mergeBase = base.mergeBasePaths {
            for b in baseDocs where !mergeBase.contains(b.path) {
                guard let i = headByPath[b.path], b.body != headDocs[i].body, headDocs[i].kind != nil else { continue }
                let d = headDocs[i]
                findings.append((i, Finding(
                    rule: Rules.numberCollision, position: d.titlePosition,
                    message: "\(base.name) also adds \(prefix + d.path), with other contents\(d.id.map { "; both claim \($0)" } ?? "")",
                    hint: "Rebase on \(base.name) and give this document the next free number.")))
            }
        }

        // Accepted documents whose frozen sections changed.
        let baseByPath = Dictionary(baseDocs.enumerated().map { ($1.path, $0) }, uniquingKeysWith: { a, _ in a })
        for (i, d) in headDocs.enumerated() {
            guard let kindName = d.kind, let kind = config.kind(named: kindName), !kind.frozenSections.isEmpty else { continue }
            var baseIndex = baseByPath[d.path]
            if baseIndex == nil, let id = d.id {
                baseIndex = baseDocs.firstIndex { $0.id?.uppercased() == id.uppercased() && !headPaths.contains($0.path) }
            }
            guard let bi = baseIndex, let status = baseDocs[bi].status?.value else { continue }
            // A document the base added after the branch point is not one this branch edited.
            if let mergeBase = base.mergeBasePaths, !mergeBase.contains(baseDocs[bi].path) { continue }
            let frozen = Set(kind.frozenStatuses.map { kind.canonicalStatus($0)?.name ?? $0 })
            guard frozen.contains(status) else { continue }
            let b = baseDocs[bi]
            for name in kind.frozenSections {
                let key = SectionKey.normalize(name)
                guard let bs = b.sections.firstIndex(where: { $0.key == key }) else { continue }
                let hs = d.sections.firstIndex { $0.key == key }
                let before = sectionText(b, bs)
                let after = hs.map { sectionText(d, $0) }
                guard before != after else { continue }
                let position = hs.map { d.sections[$0].range.start } ?? d.titlePosition
                let what = hs == nil ? "removes its '\(b.sections[bs].title)' section" : "changes its '\(d.sections[hs!].title)' section"
                findings.append((i, Finding(
                    rule: Rules.frozenSectionChanged, position: position,
                    message: "\(d.id ?? prefix + d.path) is \(status) on \(base.name) and this branch \(what); \(status) documents are amended or superseded, not rewritten",
                    hint: "Keep the \(status) text and record the change in a new document: `archbook new \(kindName) \"...\" --amends \(d.id ?? d.path)` (or --supersedes).")))
            }
        }

        // Deleted documents that are still referenced.
        let deleted = baseDocs.indices.filter { bi in
            let b = baseDocs[bi]
            guard b.kind != nil || b.id != nil, !headPaths.contains(b.path) else { return false }
            if let mb = base.mergeBasePaths, !mb.contains(b.path) { return false }
            // Renamed, not deleted, when a document here still carries its ID.
            if let id = b.id?.uppercased(), headByID[id] != nil { return false }
            return true
        }
        if !deleted.isEmpty {
            let baseValidator = HandbookValidator(documents: baseDocs, listing: base.listing, config: config, displayPrefix: "")
            let deletedSet = Set(deleted)
            for (i, d) in headDocs.enumerated() where !d.isTemplate {
                for link in d.links where !HandbookValidator.isExternal(link.destination) {
                    let (path, _) = HandbookValidator.splitDestination(link.destination)
                    guard !path.isEmpty, let resolved = HandbookValidator.resolve(path.percentDecoded, from: d.path),
                          let bi = baseValidator.byPath[resolved], deletedSet.contains(bi) else { continue }
                    findings.append((i, deletedFinding(baseDocs[bi], at: link.position, what: "links to", prefix: prefix, base: base.name)))
                    replaced.insert(key(d.path, link.position, Rules.brokenLink.id))
                }
                for r in d.relations {
                    guard let bi = baseValidator.target(r.target, fromPath: d.path, kind: d.kind), deletedSet.contains(bi) else { continue }
                    var f = deletedFinding(baseDocs[bi], at: r.position, what: "records '\(r.type.phrase)'", prefix: prefix, base: base.name)
                    f.file = r.file
                    findings.append((i, f))
                    replaced.insert(key(r.file ?? d.path, r.position, Rules.relationTargetMissing.id))
                }
            }
        }

        var diagnostics = head.diagnostics.filter { !replaced.contains(key($0.file, $0.position, $0.rule)) }
        diagnostics += findings.compactMap { $0.finding.diagnostic(file: headDocs[$0.doc].path, kind: headDocs[$0.doc].kind, config: config) }
        diagnostics.sort(by: Diagnostic.reportOrder)
        return diagnostics
    }

    static func key(_ file: String, _ position: SourcePosition, _ rule: String) -> String {
        "\(file)|\(position.line)|\(position.column)|\(rule)"
    }

    static func deletedFinding(_ b: Document, at position: SourcePosition, what: String, prefix: String, base: String) -> Finding {
        let name = b.id.map { "\($0) (\(prefix + b.path))" } ?? prefix + b.path
        return Finding(rule: Rules.deletedDocumentReferenced, position: position,
                       message: "\(what) \(name), which exists on \(base) but this branch deletes",
                       hint: "Keep the document and mark it deprecated or superseded instead of deleting it, or remove this reference.")
    }

    /// The next number of a kind over both trees, as an ID (`ADR-0043`).
    static func nextNumber(kind: String?, head: [Document], base: [Document], config: Config) -> String? {
        guard let kind, let schema = config.kind(named: kind), schema.idFrom == .number else { return nil }
        let numbers = (head + base).filter { $0.kind == kind }.compactMap { d in
            d.id.flatMap { IDText.parse($0) }.flatMap { $0.prefix == nil || $0.prefix == schema.idPrefix.uppercased() ? $0.number : nil }
        }
        return schema.canonicalID(number: (numbers.max() ?? 0) + 1)
    }

    /// A section's text from the line after its heading to the next heading of the same or a higher level, with
    /// trailing spaces, line endings and surrounding blank lines evened out, so only real edits count.
    static func sectionText(_ d: Document, _ index: Int) -> String {
        let s = d.sections[index]
        let end = d.sections[(index + 1)...].first { $0.level <= s.level }?.range.start.line
        let lines = sourceLines(of: String(decoding: d.body, as: UTF8.self))
        // Body line 1 is file line bodyLineOffset + 1.
        // File line L is `lines[L - bodyLineOffset - 1]`; the content starts after the heading's last line.
        let first = s.range.end.line - d.bodyLineOffset
        let last = end.map { $0 - d.bodyLineOffset - 1 } ?? lines.count
        guard first < last, first >= 0 else { return "" }
        var kept = lines[first..<min(last, lines.count)].map { line -> String in
            var l = Substring(line)
            while let c = l.last, c == " " || c == "\t" { l = l.dropLast() }
            return String(l)
        }
        while kept.first?.isEmpty == true { kept.removeFirst() }
        while kept.last?.isEmpty == true { kept.removeLast() }
        return kept.joined(separator: "\n")
    }
}
