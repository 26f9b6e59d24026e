// The check's memo on disk, for `archbook build`: what was extracted from each file, read back by the next build so
// that it parses only the files that changed.

import Foundation

extension ExtractionMemo {
    static let magic = Array("archbook-documents 2\n".utf8)

    /// The memo as one file: a header (the configuration text and `tag`, which names the archbook that wrote it),
    /// then each file's entry, each sealed with its own checksum so the entries decode on every core. Files whose
    /// document does not keep its body as the tail of the file's own bytes (text that had to be repaired) are left
    /// out: they are parsed again.
    public func encoded(tag: String) -> [UInt8] {
        var bytes: [UInt8] = []
        write(tag: tag) { piece in bytes.append(contentsOf: piece); return true }
        return bytes
    }

    /// The bytes of `encoded(tag:)`, handed to `output` piece by piece (false from it stops the writing, and this
    /// returns false): a large handbook's memo is tens of megabytes, and putting them in one new buffer first cost
    /// a build more time than writing them.
    @discardableResult
    public func write(tag: String, to output: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        let paths = entries.keys.sorted()
        let blobs: [ArraySlice<UInt8>?] = Checker.parallelMap(paths) { path in
            let e = entries[path]!
            return e.stored?.encoded ?? Self.encode(path, e).map { $0[...] }
        }
        let kept = blobs.compactMap { $0 }
        var head = MemoWriter()
        head.bytes = Self.magic
        head.string(tag)
        head.string(key)
        head.int(kept.count)
        var sum = MemoWriter.Checksum(count: kept.reduce(head.bytes.count) { $0 + 8 + $1.count })
        func emit(_ piece: UnsafeRawBufferPointer) -> Bool {
            sum.add(piece)
            return output(piece)
        }
        guard head.bytes.withUnsafeBytes(emit) else { return false }
        for b in kept {
            var length = MemoWriter()
            length.int(b.count)
            guard length.bytes.withUnsafeBytes(emit), b.withUnsafeBytes(emit) else { return false }
        }
        var seal = MemoWriter()
        seal.int(Int(truncatingIfNeeded: sum.value))
        return seal.bytes.withUnsafeBytes(output)
    }

    /// The memo in `bytes` when `tag` is the one it was written with; nil for anything else (another archbook,
    /// another format, a damaged or cut-short file).
    public static func decode(_ bytes: [UInt8], tag expectedTag: String) -> ExtractionMemo? {
        guard var r = MemoReader(sealed: bytes, magic: magic), let tag = r.string(), tag == expectedTag,
              let key = r.string(), let n = r.count() else { return nil }
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(n)
        for _ in 0..<n {
            guard let length = r.count() else { return nil }
            ranges.append(r.at..<(r.at + length))
            r.at += length
        }
        guard r.at == r.bytes.endIndex else { return nil }
        // Each entry stays a slice of the file's bytes, so an unchanged one is written back without being encoded again.
        let decoded: [(String, Entry)?] = Checker.parallelMap(ranges) { range in decode(bytes[range]) }
        var entries: [String: Entry] = [:]
        entries.reserveCapacity(n)
        for d in decoded {
            guard let (path, entry) = d else { return nil }
            entries[path] = entry
        }
        return ExtractionMemo(key: key, entries: entries)
    }

    /// The tag a memo file was written with, read without checking the rest.
    static func tag(in bytes: [UInt8]) -> String? {
        guard bytes.starts(with: magic) else { return nil }
        var r = MemoReader(unchecked: bytes[...], at: magic.count)
        return r.string()
    }

    private static func encode(_ path: String, _ e: Entry) -> [UInt8]? {
        guard let bytes = e.bytes else { return nil }
        var w = MemoWriter()
        w.string(path)
        w.int(bytes.count)
        w.int(Int(truncatingIfNeeded: e.document?.source?.hash ?? StableHash.of(bytes)))
        w.int(e.sidecar?.count ?? -1)
        w.int(Int(truncatingIfNeeded: e.sidecar.map { StableHash.of($0) } ?? 0))
        if let t = e.stamp {
            w.int(1); w.int(t.size); w.int(Int(t.modified)); w.int(Int(t.changed))
            w.int(Int(truncatingIfNeeded: t.inode)); w.int(Int(truncatingIfNeeded: t.device))
        } else {
            w.int(0)
        }
        if let d = e.document {
            // The body is kept as where it starts in the file's bytes; a body that is not their tail is not kept.
            guard d.body.endIndex == bytes.count, d.body.startIndex >= 0,
                  Bytes.same(d.body, bytes[d.body.startIndex...]) else { return nil }
            w.int(1)
            w.int(d.body.startIndex)
            w.document(d)
        } else {
            w.int(0)
        }
        w.int(e.diagnostics.count)
        for d in e.diagnostics { w.diagnostic(d) }
        w.seal()
        return w.bytes
    }

    private static func decode(_ blob: ArraySlice<UInt8>) -> (String, Entry)? {
        // The file's seal covered these bytes (`decode(_:tag:)`); the entry's own, its last eight, is there for when it is
        // written back as it is, and is not checked a second time.
        guard blob.count >= 8 else { return nil }
        var r = MemoReader(unchecked: blob[..<(blob.endIndex - 8)], at: blob.startIndex)
        guard let path = r.string(), let size = r.int(), let hash = r.int(),
              let sidecarSize = r.int(), let sidecarHash = r.int(), let hasStamp = r.int() else { return nil }
        var stamp: FileStamp?
        switch hasStamp {
        case 1:
            guard let s = r.int(), let m = r.int(), let c = r.int(), let i = r.int(), let d = r.int() else { return nil }
            stamp = FileStamp(size: s, modified: Int64(m), changed: Int64(c), inode: UInt64(bitPattern: Int64(i)),
                              device: UInt64(bitPattern: Int64(d)), settled: true)
        case 0: break
        default: return nil
        }
        guard let hasDocument = r.int() else { return nil }
        var document: Document?
        var bodyStart = 0
        switch hasDocument {
        case 1:
            guard let start = r.int(), start >= 0, start <= size, let d = r.document() else { return nil }
            bodyStart = start
            document = d
        case 0: break
        default: return nil
        }
        guard let diagnostics = r.list({ $0.diagnostic() }), r.at == r.bytes.endIndex else { return nil }
        let stored = Stored(encoded: blob, size: size, hash: UInt64(bitPattern: Int64(hash)), sidecarSize: sidecarSize,
                            sidecarHash: UInt64(bitPattern: Int64(sidecarHash)), bodyStart: bodyStart)
        return (path, Entry(bytes: nil, sidecar: nil, document: document, diagnostics: diagnostics, stored: stored, stamp: stamp))
    }
}

extension MemoWriter {
    mutating func bool(_ b: Bool) { int(b ? 1 : 0) }
    mutating func optional(_ s: String?) {
        if let s { int(1); string(s) } else { int(0) }
    }
    mutating func optional(_ n: Int?) {
        if let n { int(1); int(n) } else { int(0) }
    }
    mutating func position(_ p: SourcePosition) { int(p.line); int(p.column) }
    mutating func strings(_ list: [String]) { int(list.count); for s in list { string(s) } }
    mutating func source(_ s: MetadataSource) { string(s.rawValue) }

    mutating func yaml(_ v: YAMLValue) {
        switch v {
        case .scalar(let s, let p): int(0); string(s); position(p)
        case .sequence(let items, let p): int(1); int(items.count); for i in items { yaml(i) }; position(p)
        case .mapping(let entries, let p): int(2); yamlEntries(entries); position(p)
        }
    }

    mutating func yamlEntries(_ entries: [YAMLEntry]) {
        int(entries.count)
        for e in entries { string(e.key); position(e.keyPosition); yaml(e.value) }
    }

    mutating func date(_ d: DateValue) { string(d.raw); int(d.year); int(d.month); int(d.day); position(d.position) }

    mutating func diagnostic(_ d: Diagnostic) {
        string(d.rule); string(d.severity.rawValue); string(d.file); position(d.position); string(d.message); optional(d.hint)
    }

    mutating func document(_ d: Document) {
        string(d.path); optional(d.kind); optional(d.id); optional(d.idSource?.rawValue)
        string(d.title); source(d.titleSource); position(d.titlePosition)
        if let s = d.status {
            int(1); string(s.raw); string(s.value); optional(s.note); source(s.source); position(s.position)
        } else {
            int(0)
        }
        int(d.dates.count)
        for (name, date) in d.dates.sorted(by: { $0.key < $1.key }) { string(name); self.date(date) }
        for list in [d.people.authors, d.people.deciders, d.people.owners, d.people.consulted, d.people.informed] { strings(list) }
        strings(d.tags)
        int(d.relations.count)
        for r in d.relations { string(r.type.rawValue); string(r.target); position(r.position); optional(r.file) }
        int(d.sections.count)
        for s in d.sections {
            string(s.title); string(s.key); int(s.level); position(s.range.start); position(s.range.end); string(s.anchor)
            optional(s.parent); bool(s.hasContent); bool(s.hasOwnContent); int(s.node)
        }
        int(d.tasks.count)
        for t in d.tasks { bool(t.checked); string(t.text); optional(t.section); position(t.position) }
        int(d.links.count)
        for l in d.links { string(l.destination); string(l.text); bool(l.isImage); position(l.position) }
        if let f = d.frontMatter { int(1); string(f.raw); yamlEntries(f.entries) } else { int(0) }
        int(d.headerFields.count)
        for h in d.headerFields { string(h.key); string(h.value); source(h.source); position(h.position) }
        int(d.fields.count)
        for (k, v) in d.fields.sorted(by: { $0.key < $1.key }) { string(k); string(v) }
        optional(d.headingNumber); bool(d.isTemplate); strings(d.htmlAnchors); optional(d.sidecar)
        int(d.bodyLineOffset)
    }
}

extension MemoReader {
    mutating func bool() -> Bool? {
        switch int() { case 0?: return false; case 1?: return true; default: return nil }
    }

    /// `.some(nil)` for an absent value, nil for bytes that are not one.
    mutating func optionalString() -> String?? {
        switch int() {
        case 0?: return .some(nil)
        case 1?: return string().map { .some($0) }
        default: return nil
        }
    }

    mutating func optionalInt() -> Int?? {
        switch int() {
        case 0?: return .some(nil)
        case 1?: return int().map { .some($0) }
        default: return nil
        }
    }

    mutating func position() -> SourcePosition? {
        guard let line = int(), let column = int() else { return nil }
        return SourcePosition(line: line, column: column)
    }

    mutating func source() -> MetadataSource? { string().flatMap(MetadataSource.init(rawValue:)) }

    /// Nested no deeper than YAMLReader's own budget allows; a forged file cannot recurse without end.
    mutating func yaml(depth: Int = 0) -> YAMLValue? {
        guard depth < 512, let tag = int() else { return nil }
        switch tag {
        case 0:
            guard let s = string(), let p = position() else { return nil }
            return .scalar(s, p)
        case 1:
            guard let items = list({ $0.yaml(depth: depth + 1) }), let p = position() else { return nil }
            return .sequence(items, p)
        case 2:
            guard let entries = yamlEntries(depth: depth + 1), let p = position() else { return nil }
            return .mapping(entries, p)
        default: return nil
        }
    }

    mutating func yamlEntries(depth: Int = 0) -> [YAMLEntry]? {
        list { r in
            guard let key = r.string(), let p = r.position(), let v = r.yaml(depth: depth) else { return nil }
            return YAMLEntry(key: key, keyPosition: p, value: v)
        }
    }

    mutating func date() -> DateValue? {
        guard let raw = string(), let y = int(), let m = int(), let d = int(), let p = position() else { return nil }
        return DateValue(raw: raw, year: y, month: m, day: d, position: p)
    }

    mutating func diagnostic() -> Diagnostic? {
        guard let rule = string(), let severity = string().flatMap(Severity.init(rawValue:)), let file = string(),
              let p = position(), let message = string(), let hint = optionalString() else { return nil }
        return Diagnostic(rule: rule, severity: severity, file: file, position: p, message: message, hint: hint)
    }

    mutating func document() -> Document? {
        guard let path = string(), let kind = optionalString(), let id = optionalString(), let idSourceRaw = optionalString(),
              let title = string(), let titleSource = source(), let titlePosition = position(), let hasStatus = int() else { return nil }
        var idSource: MetadataSource?
        if let raw = idSourceRaw {
            guard let s = MetadataSource(rawValue: raw) else { return nil }
            idSource = s
        }
        var status: Status?
        switch hasStatus {
        case 1:
            guard let raw = string(), let value = string(), let note = optionalString(), let s = source(), let p = position() else { return nil }
            status = Status(raw: raw, value: value, note: note, source: s, position: p)
        case 0: break
        default: return nil
        }
        guard let dateCount = count() else { return nil }
        var dates: [String: DateValue] = [:]
        for _ in 0..<dateCount {
            guard let name = string(), let d = date() else { return nil }
            dates[name] = d
        }
        var people = People()
        guard let authors = strings(), let deciders = strings(), let owners = strings(), let consulted = strings(),
              let informed = strings(), let tags = strings() else { return nil }
        (people.authors, people.deciders, people.owners, people.consulted, people.informed) = (authors, deciders, owners, consulted, informed)
        let relations: [Relation]? = list { r in
            guard let type = r.string().flatMap(RelationType.init(rawValue:)), let target = r.string(), let p = r.position(),
                  let file = r.optionalString() else { return nil }
            return Relation(type: type, target: target, position: p, file: file)
        }
        let sections: [Section]? = list { r in
            guard let title = r.string(), let key = r.string(), let level = r.int(), let start = r.position(), let end = r.position(),
                  let anchor = r.string(), let parent = r.optionalInt(), let hasContent = r.bool(), let hasOwnContent = r.bool(),
                  let node = r.int() else { return nil }
            return Section(title: title, key: key, level: level, range: SourceRange(start: start, end: end), anchor: anchor,
                           parent: parent, hasContent: hasContent, hasOwnContent: hasOwnContent, node: node)
        }
        let tasks: [TaskItem]? = list { r in
            guard let checked = r.bool(), let text = r.string(), let section = r.optionalInt(), let p = r.position() else { return nil }
            return TaskItem(checked: checked, text: text, section: section, position: p)
        }
        let links: [Link]? = list { r in
            guard let destination = r.string(), let text = r.string(), let isImage = r.bool(), let p = r.position() else { return nil }
            return Link(destination: destination, text: text, isImage: isImage, position: p)
        }
        guard let relations, let sections, let tasks, let links else { return nil }
        var frontMatter: FrontMatter?
        switch int() {
        case 1?:
            guard let raw = string(), let entries = yamlEntries() else { return nil }
            frontMatter = FrontMatter(raw: raw, entries: entries)
        case 0?: break
        default: return nil
        }
        let headerFields: [HeaderField]? = list { r in
            guard let key = r.string(), let value = r.string(), let s = r.source(), let p = r.position() else { return nil }
            return HeaderField(key: key, value: value, source: s, position: p)
        }
        guard let headerFields else { return nil }
        guard let fieldCount = count() else { return nil }
        var fields: [String: String] = [:]
        for _ in 0..<fieldCount {
            guard let k = string(), let v = string() else { return nil }
            fields[k] = v
        }
        guard let headingNumber = optionalInt(), let isTemplate = bool(), let htmlAnchors = strings(), let sidecar = optionalString(),
              let bodyLineOffset = int() else { return nil }
        return Document(path: path, kind: kind, id: id, idSource: idSource, title: title, titleSource: titleSource,
                        titlePosition: titlePosition, status: status, dates: dates, people: people, tags: tags,
                        relations: relations, sections: sections, tasks: tasks, links: links, frontMatter: frontMatter,
                        headerFields: headerFields, fields: fields, headingNumber: headingNumber, isTemplate: isTemplate,
                        htmlAnchors: htmlAnchors, sidecar: sidecar, body: [], bodyLineOffset: bodyLineOffset)
    }
}
