// Byte-preserving edits of one document (its title, status, date and relation lines), wherever its convention keeps them.

import Yams

/// An edit archbook will not make, because the document gives it no safe place: a failure of the run, not a diagnostic.
public struct AuthoringError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Where a document keeps its status, and so where archbook writes status and relation lines.
public enum MetadataStyle: Sendable, Equatable {
    /// YAML front matter: `status: accepted`, `superseded-by: ADR-0013`.
    case frontMatter
    /// A `## Status` section (adr-tools): the status paragraph, then `Superseded by [...](...)` paragraphs.
    case statusSection
    /// `* Status: accepted` under the title (MADR 2, log4brains); relation lines are further bullets.
    case headerList
    /// A `Status: accepted` line in a paragraph under the title.
    case headerLine
    /// A `| Status | Accepted |` table row.
    case tableRow
}

/// A relation line to write: the other document's ID, its heading as written and a link to it from the edited document.
public struct RelationLink: Sendable, Equatable {
    public var id: String?
    /// The other document's H1 text as written (`13. Use Kafka`), adr-tools' link text.
    public var heading: String
    /// Relative path from the edited document to the other one, ready for a Markdown link.
    public var path: String

    public init(id: String?, heading: String, path: String) {
        self.id = id
        self.heading = heading
        self.path = path
    }

    /// What front matter records: the ID, else the path.
    var reference: String { id ?? path }
}

/// One document's bytes with the edits archbook makes to them. Every operation re-reads the document and changes
/// only the bytes it must; the rest of the file (line endings, byte order mark, spacing, comments) stays as it was.
public struct DocumentEditor {
    public let path: String
    /// How messages name the file (the path with the docs root in front).
    let displayPath: String
    public private(set) var bytes: [UInt8]
    let context: ExtractionContext

    public init(path: String, bytes: [UInt8], config: Config, displayPath: String? = nil) throws(AuthoringError) {
        self.path = path
        self.displayPath = displayPath ?? path
        self.bytes = bytes
        context = ExtractionContext(config: config, readOnly: true)
        if !SourceText(decoding: bytes).invalidUTF8Lines.isEmpty {
            throw AuthoringError("\(self.displayPath) is not valid UTF-8; archbook does not edit it")
        }
    }

    /// The document as the bytes read now.
    public var document: Document { Extractor.extract(path: path, bytes: bytes, context: context).0 }

    // MARK: - Operations

    /// Where this document keeps its status (or would, if it has none yet).
    public func style() -> MetadataStyle? {
        let view = View(self)
        // Metadata kept in a sidecar YAML file belongs there; archbook edits only the Markdown file.
        if context.sidecarPath(for: path) != nil { return nil }
        if let status = view.doc.status {
            switch status.source {
            case .frontMatter: return .frontMatter
            case .statusSection: return .statusSection
            case .headerBullet: return view.listItem(containingLine: status.position.line) != nil ? .headerList : .headerLine
            case .tableRow: return .tableRow
            default: return nil
            }
        }
        if view.hasFrontMatter { return .frontMatter }
        if view.statusSection != nil { return .statusSection }
        return nil
    }

    /// Replaces the title: front matter `title:` when there is one, and the H1's text when there is one.
    public mutating func setTitle(_ heading: String, frontMatterTitle: String) throws(AuthoringError) {
        var view = View(self)
        var done = false
        if view.frontMatterEntry("title") != nil {
            try apply(view.setFrontMatter("title", scalar: frontMatterTitle))
            view = View(self)
            done = true
        }
        if let h1 = view.h1Content() {
            try apply([Edit(range: h1, text: Self.escapeHeading(heading))])
            done = true
        }
        if !done { throw AuthoringError("\(displayPath) has no title to fill") }
    }

    /// Sets the status value wherever the document writes it. `text` is the value as a Status section or a table
    /// shows it (`Proposed`, as adr-tools writes it), `value` as front matter and header bullets write it (`proposed`).
    public mutating func setStatus(text: String, value: String) throws(AuthoringError) {
        let view = View(self)
        // Front matter without a status gets one; a status written elsewhere is changed where it is.
        if view.frontMatterEntry("status") != nil || (view.doc.status == nil && view.hasFrontMatter) {
            try apply(view.setFrontMatter("status", scalar: value))
            return
        }
        guard let status = view.doc.status else {
            throw AuthoringError("\(displayPath) has no status to set")
        }
        let written = status.source == .headerBullet ? value : text
        try apply([Edit(range: try view.statusValueRange(status), text: Array(written.utf8))])
    }

    /// Sets the date (`date:` in front matter, a `Date:` line or bullet) when the document has one, else adds `date:` to
    /// its front matter if it has front matter; returns whether it did either.
    @discardableResult
    public mutating func setDate(_ iso: String) throws(AuthoringError) -> Bool {
        let view = View(self)
        if view.frontMatterEntry("date") != nil {
            try apply(view.setFrontMatter("date", scalar: iso))
            return true
        }
        guard let field = view.doc.headerFields.first(where: { $0.key == "date" }) else {
            guard view.hasFrontMatter else { return false }
            try apply(view.setFrontMatter("date", scalar: iso))
            return true
        }
        let line = field.position.line
        guard let range = view.valueAfterColon(line: line, from: field.position.column) else { return false }
        try apply([Edit(range: range, text: Array(iso.utf8))])
        return true
    }

    /// Records relations of one type, in the document's own style: `supersedes: [ADR-0003]` in front matter,
    /// `Supersedes [3. Use X](0003-use-x.md)` in a Status section, a `* Supersedes [ADR-0003](...)` bullet.
    public mutating func addRelations(_ type: RelationType, _ links: [RelationLink]) throws(AuthoringError) {
        let existing = document.relations.filter { $0.type == type }.map { $0.target.lowercased() }
        let missing = links.filter { link in
            !existing.contains { $0 == link.path.lowercased() || $0 == link.id?.lowercased() }
        }
        guard !missing.isEmpty else { return }
        guard let style = style() else {
            throw AuthoringError(noPlace(type.phrase))
        }
        switch style {
        case .frontMatter:
            let view = View(self)
            try apply(try view.appendToFrontMatterList(type.rawValue, missing.map(\.reference)))
        case .statusSection:
            for link in missing {
                let view = View(self)
                try apply(try view.appendToStatusSection(Self.relationLine(type, text: link.heading, link.path)))
            }
        case .headerList:
            for link in missing {
                let view = View(self)
                try apply(try view.appendHeaderBullet(Self.relationLine(type, text: link.id ?? link.heading, link.path)))
            }
        case .headerLine, .tableRow:
            throw AuthoringError("\(displayPath) writes its status in a \(style == .tableRow ? "table row" : "line under the title"), which has no place for '\(type.phrase)' lines; add the relation by hand")
        }
    }

    /// Marks the document as superseded by `link` the way adr-tools does: the status becomes `Superseded by [...](...)`
    /// (front matter: `status: superseded` and `superseded-by:`). When the kind has no superseded status, only the
    /// relation is recorded.
    public mutating func markSuperseded(by link: RelationLink, statusAllowed: Bool) throws(AuthoringError) {
        guard let style = style() else {
            throw AuthoringError(noPlace("superseded by"))
        }
        let doc = document
        let already = doc.status?.value == "superseded"
        switch style {
        case .frontMatter:
            if statusAllowed && !already { try setStatus(text: "superseded", value: "superseded") }
            try addRelations(.supersededBy, [link])
        case .statusSection, .headerList, .headerLine, .tableRow:
            if doc.relations.contains(where: { $0.type == .supersededBy && ($0.target.lowercased() == link.path.lowercased() || $0.target.lowercased() == link.id?.lowercased()) }) {
                return
            }
            if statusAllowed && !already {
                let text = style == .statusSection ? link.heading : (link.id ?? link.heading)
                // MADR writes `* Status: superseded by [ADR-0005](0005-example.md)`; sections and tables capitalise.
                let phrase = style == .headerList || style == .headerLine ? "superseded by" : "Superseded by"
                let view = View(self)
                guard let status = view.doc.status else {
                    try addRelations(.supersededBy, [link])
                    return
                }
                try apply([Edit(range: try view.statusValueRange(status),
                                text: Array("\(phrase) [\(Self.escapeLinkText(text))](\(link.path))".utf8))])
            } else {
                try addRelations(.supersededBy, [link])
            }
        }
    }

    func noPlace(_ phrase: String) -> String {
        if let sidecar = context.sidecarPath(for: path) {
            return "\(displayPath) keeps its metadata in \(sidecar); record '\(phrase)' there by hand"
        }
        return "\(displayPath) has no front matter, Status section or status line to record '\(phrase)' in"
    }

    // MARK: - Text

    static func relationLine(_ type: RelationType, text: String, _ path: String) -> String {
        let phrase = type.phrase.prefix(1).uppercased() + type.phrase.dropFirst()
        return "\(phrase) [\(escapeLinkText(text))](\(path))"
    }

    /// Brackets in link text would end the link early.
    static func escapeLinkText(_ s: String) -> String {
        var out = ""
        for c in s {
            if c == "[" || c == "]" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out
    }

    /// A title cannot start a new line of its own or close the heading early.
    static func escapeHeading(_ s: String) -> [UInt8] {
        Array(s.split(whereSeparator: \.isNewline).joined(separator: " ").utf8)
    }

    // MARK: - Applying edits

    struct Edit {
        /// Byte range in the text after any byte order mark.
        var range: Range<Int>
        var text: [UInt8]
    }

    mutating func apply(_ edits: [Edit]) throws(AuthoringError) {
        guard !edits.isEmpty else { return }
        let bom = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var out = Array(bytes[..<bom])
        var cursor = bom
        for e in edits.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
            let lo = e.range.lowerBound + bom, hi = e.range.upperBound + bom
            guard lo >= cursor, hi <= bytes.count else {
                throw AuthoringError("internal error: overlapping edits of \(displayPath)")
            }
            out += bytes[cursor..<lo]
            out += e.text
            cursor = hi
        }
        out += bytes[cursor...]
        bytes = out
    }
}

// MARK: - Reading positions

/// The document as parsed now, with byte offsets for its lines.
private struct View {
    let path: String
    let doc: Document
    let tree: MarkdownTree
    /// The file's bytes after any byte order mark.
    let text: [UInt8]
    /// Byte offset where each line starts (index 0 is line 1).
    let lineStarts: [Int]
    /// The line terminator the file uses, for the lines archbook adds.
    let newline: [UInt8]
    /// Lines of the YAML between the front matter fences (file lines), when there is front matter.
    let yamlLines: ClosedRange<Int>?
    /// The line of the closing fence.
    let closingFence: Int?

    init(_ editor: DocumentEditor) {
        path = editor.displayPath
        doc = editor.document
        tree = doc.markdown
        var t = editor.bytes
        if t.starts(with: [0xEF, 0xBB, 0xBF]) { t.removeFirst(3) }
        text = t
        var starts = [0]
        var crlf = 0, lf = 0, cr = 0
        var i = 0
        while i < t.count {
            if t[i] == 0x0D {
                if i + 1 < t.count, t[i + 1] == 0x0A { crlf += 1; i += 1 } else { cr += 1 }
                starts.append(i + 1)
            } else if t[i] == 0x0A {
                lf += 1
                starts.append(i + 1)
            }
            i += 1
        }
        lineStarts = starts
        newline = crlf > lf && crlf >= cr ? [0x0D, 0x0A] : (cr > lf ? [0x0D] : [0x0A])
        let split = FrontMatterSplit.split(t)
        if split.yaml != nil, split.bodyLineOffset >= 2 {
            yamlLines = split.bodyLineOffset > 2 ? 2...(split.bodyLineOffset - 1) : nil
            closingFence = split.bodyLineOffset
        } else {
            yamlLines = nil
            closingFence = nil
        }
    }

    var hasFrontMatter: Bool { closingFence != nil }

    // MARK: Lines

    var lineCount: Int { lineStarts.count }

    /// Start of `line` (1-based); one past the end for the line after the last.
    func start(of line: Int) -> Int { line <= lineStarts.count ? lineStarts[line - 1] : text.count }

    /// End of the line's content, before its terminator.
    func contentEnd(of line: Int) -> Int {
        var e = line < lineStarts.count ? lineStarts[line] : text.count
        while e > start(of: line), text[e - 1] == 0x0A || text[e - 1] == 0x0D { e -= 1 }
        return e
    }

    func lineBytes(_ line: Int) -> ArraySlice<UInt8> { text[start(of: line)..<contentEnd(of: line)] }

    /// Offset of a byte column (cmark's columns count bytes).
    func offset(line: Int, byteColumn: Int) -> Int { min(start(of: line) + max(0, byteColumn - 1), contentEnd(of: line)) }

    /// Offset of a character column (libyaml's columns count characters).
    func offset(line: Int, characterColumn: Int) -> Int {
        var o = start(of: line)
        var n = 1
        let end = contentEnd(of: line)
        while n < characterColumn, o < end {
            let b = text[o]
            o += b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
            n += 1
        }
        return min(o, end)
    }

    func isBlank(_ line: Int) -> Bool { lineBytes(line).allSatisfy { $0 == 0x20 || $0 == 0x09 } }

    /// The bytes to insert so that `content` becomes a line of its own right after `line`.
    func insertion(after line: Int, _ content: String) -> DocumentEditor.Edit {
        let at = line < lineStarts.count ? lineStarts[line] : text.count
        var out: [UInt8] = []
        // The last line may lack a terminator.
        if at == text.count, at > 0, text[at - 1] != 0x0A, text[at - 1] != 0x0D { out += newline }
        out += Array(content.utf8) + newline
        return DocumentEditor.Edit(range: at..<at, text: out)
    }

    // MARK: Front matter

    struct Entry {
        var key: String
        var line: Int
        var value: YAMLValue?
    }

    /// Top-level keys with their lines. From the YAML parser when the front matter parses; a template's front matter
    /// often does not (MADR 3 writes `status: {proposed | rejected | ...}`), and then from lines that start with `key:`.
    var frontMatterEntries: [Entry] {
        guard let yamlLines else { return [] }
        if let fm = doc.frontMatter {
            return fm.entries.map { Entry(key: $0.key, line: $0.keyPosition.line, value: $0.value) }
        }
        var out: [Entry] = []
        for line in yamlLines {
            let bytes = lineBytes(line)
            guard let first = bytes.first, first != 0x20, first != 0x09, first != UInt8(ascii: "#"),
                  first != UInt8(ascii: "-"), let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let key = String(decoding: bytes[bytes.startIndex..<colon], as: UTF8.self)
            out.append(Entry(key: key, line: line, value: nil))
        }
        return out
    }

    func frontMatterEntry(_ key: String) -> Entry? {
        let k = FrontMatter.normalizeKey(key)
        return frontMatterEntries.first { FrontMatter.normalizeKey($0.key) == k }
    }

    /// The last line of an entry that holds something (blank and comment lines before the next key are not its own).
    func lastLine(of entry: Entry) -> Int {
        let entries = frontMatterEntries
        let next = entries.filter { $0.line > entry.line }.map(\.line).min() ?? (closingFence ?? entry.line + 1)
        var last = next - 1
        while last > entry.line {
            let trimmed = lineBytes(last).drop { $0 == 0x20 || $0 == 0x09 }
            if trimmed.isEmpty || trimmed.first == UInt8(ascii: "#") { last -= 1 } else { break }
        }
        return last
    }

    /// Where a scalar value starts and ends on the key's line. The end is found by asking the YAML parser which
    /// prefix of the rest of the line is the value, so a trailing `# comment` stays.
    func valueRange(_ entry: Entry) -> Range<Int>? {
        let line = entry.line
        let lineEnd = contentEnd(of: line)
        var valueStart: Int
        if let value = entry.value {
            guard value.position.line == line else { return nil }
            valueStart = offset(line: line, characterColumn: value.position.column)
        } else {
            guard let colon = lineBytes(line).firstIndex(of: UInt8(ascii: ":")) else { return nil }
            valueStart = colon + 1
            while valueStart < lineEnd, text[valueStart] == 0x20 || text[valueStart] == 0x09 { valueStart += 1 }
        }
        var end = lineEnd
        while end > valueStart, text[end - 1] == 0x20 || text[end - 1] == 0x09 { end -= 1 }
        guard let value = entry.value else { return valueStart..<end }
        // A comment starts at ` #`; try each, leftmost first, and keep the first prefix that reads as the same value.
        var k = valueStart
        while k < end {
            if text[k] == UInt8(ascii: "#"), k > valueStart, text[k - 1] == 0x20 || text[k - 1] == 0x09 {
                var e = k
                while e > valueStart, text[e - 1] == 0x20 || text[e - 1] == 0x09 { e -= 1 }
                let candidate = "k: " + String(decoding: text[valueStart..<e], as: UTF8.self)
                if case .success(.some(.mapping(let parsed, _))) = YAMLReader.read(candidate), parsed.count == 1,
                   Self.sameShape(parsed[0].value, value) {
                    return valueStart..<e
                }
            }
            k += 1
        }
        return valueStart..<end
    }

    static func sameShape(_ a: YAMLValue, _ b: YAMLValue) -> Bool {
        switch (a, b) {
        case (.scalar(let x, _), .scalar(let y, _)): return x == y
        case (.sequence(let x, _), .sequence(let y, _)): return x.count == y.count && zip(x, y).allSatisfy { sameShape($0, $1) }
        case (.mapping(let x, _), .mapping(let y, _)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && sameShape($0.value, $1.value) }
        default: return false
        }
    }

    /// A scalar as YAML writes it: plain when that reads back the same, quoted otherwise.
    static func yamlScalar(_ s: String) -> String {
        if let out = try? Yams.serialize(node: .scalar(.init(s))) {
            var t = out
            while t.hasSuffix("\n") { t.removeLast() }
            if !t.contains("\n") { return t }
        }
        return "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// The line after which a new front matter key goes: after the first of `anchors` present, else at the end.
    func insertionLine(anchors: [String]) -> Int {
        for a in anchors { if let e = frontMatterEntry(a) { return lastLine(of: e) } }
        return (closingFence ?? 2) - 1
    }

    func setFrontMatter(_ key: String, scalar: String) -> [DocumentEditor.Edit] {
        let written = Self.yamlScalar(scalar)
        guard let entry = frontMatterEntry(key) else {
            return [insertion(after: insertionLine(anchors: key == "status" ? ["id", "title"] : ["status"]), "\(key): \(written)")]
        }
        if let range = valueRange(entry), lastLine(of: entry) == entry.line {
            return [DocumentEditor.Edit(range: range, text: Array(written.utf8))]
        }
        // A value over several lines (a block scalar, a value on the next line): the whole value is rewritten.
        let colon = lineBytes(entry.line).firstIndex(of: UInt8(ascii: ":"))! + 1
        return [DocumentEditor.Edit(range: colon..<contentEnd(of: lastLine(of: entry)), text: Array((" " + written).utf8))]
    }

    func appendToFrontMatterList(_ key: String, _ items: [String]) throws(AuthoringError) -> [DocumentEditor.Edit] {
        let written = items.map(Self.yamlScalar)
        guard let entry = frontMatterEntry(key) else {
            let anchors = ["superseded-by", "amended-by", "supersedes", "amends", "status"]
            return [insertion(after: insertionLine(anchors: [key] + anchors),
                              "\(key): " + (written.count == 1 ? written[0] : "[" + written.joined(separator: ", ") + "]"))]
        }
        switch entry.value {
        case .scalar(let s, _)?:
            guard let range = valueRange(entry), lastLine(of: entry) == entry.line else { break }
            if s.trimmed.isEmpty {
                return [DocumentEditor.Edit(range: range, text: Array((written.count == 1 ? written[0] : "[" + written.joined(separator: ", ") + "]").utf8))]
            }
            let old = String(decoding: text[range], as: UTF8.self)
            return [DocumentEditor.Edit(range: range, text: Array(("[" + ([old] + written).joined(separator: ", ") + "]").utf8))]
        case .sequence(let list, let position)?:
            if position.line == entry.line {
                // A flow sequence on the key's line: insert before its closing bracket.
                guard let range = valueRange(entry), range.count >= 2, text[range.upperBound - 1] == UInt8(ascii: "]") else { break }
                let close = range.upperBound - 1
                let text = (list.isEmpty ? "" : ", ") + written.joined(separator: ", ")
                return [DocumentEditor.Edit(range: close..<close, text: Array(text.utf8))]
            }
            // A block sequence: new items copy the first item's indentation and dash.
            guard let first = list.first else { break }
            let itemStart = offset(line: first.position.line, characterColumn: first.position.column)
            let prefix = String(decoding: text[start(of: first.position.line)..<itemStart], as: UTF8.self)
            guard prefix.trimmed == "-" else { break }
            let newlineText = String(decoding: newline, as: UTF8.self)
            return [insertion(after: lastLine(of: entry), written.map { prefix + $0 }.joined(separator: newlineText))]
        default:
            break
        }
        throw AuthoringError("\(path): front matter '\(entry.key)' is written in a way archbook does not edit; add \(items.joined(separator: ", ")) to it by hand")
    }

    // MARK: Markdown

    /// The top-level node holding a line, and the list item in a header list that holds it.
    func listItem(containingLine line: Int) -> Int? {
        for n in tree.childIndices(of: 0) where tree.nodes[n].tag == .list {
            let r = tree.nodes[n].range
            guard r.start.line <= line, line <= r.end.line else { continue }
            return tree.childIndices(of: n).first { i in
                let ir = tree.nodes[i].range
                return ir.start.line <= line && line <= ir.end.line
            }
        }
        return nil
    }

    var statusSection: Section? { doc.sections.first { $0.key == "status" } }

    /// The byte range of the H1's text: after `# `, before any closing `#`s.
    func h1Content() -> Range<Int>? {
        guard let h1 = tree.childIndices(of: 0).first(where: { tree.nodes[$0].headingLevel == 1 }) else { return nil }
        let line = tree.nodes[h1].start.line
        var s = start(of: line)
        var e = contentEnd(of: line)
        while s < e, text[s] == 0x20 { s += 1 }
        let atx = s < e && text[s] == UInt8(ascii: "#")
        if atx {
            while s < e, text[s] == UInt8(ascii: "#") { s += 1 }
            while s < e, text[s] == 0x20 || text[s] == 0x09 { s += 1 }
        }
        while e > s, text[e - 1] == 0x20 || text[e - 1] == 0x09 { e -= 1 }
        if atx {
            var k = e
            while k > s, text[k - 1] == UInt8(ascii: "#") { k -= 1 }
            if k < e, k > s, text[k - 1] == 0x20 || text[k - 1] == 0x09 {
                e = k
                while e > s, text[e - 1] == 0x20 || text[e - 1] == 0x09 { e -= 1 }
            }
        }
        return s..<e
    }

    /// The value after `Key:` on a line (`* Status: accepted`, `**Date:** 2024-01-01`), up to a trailing HTML comment.
    func valueAfterColon(line: Int, from byteColumn: Int) -> Range<Int>? {
        let end = contentEnd(of: line)
        var k = offset(line: line, byteColumn: byteColumn)
        while k < end, text[k] != UInt8(ascii: ":") { k += 1 }
        guard k < end else { return nil }
        k += 1
        while k < end, text[k] == UInt8(ascii: "*") || text[k] == UInt8(ascii: "_") { k += 1 }
        while k < end, text[k] == 0x20 || text[k] == 0x09 { k += 1 }
        return k..<trimmedEnd(from: k, to: end)
    }

    /// The end of a value: before a trailing `<!-- comment -->` and trailing spaces.
    func trimmedEnd(from s: Int, to end: Int) -> Int {
        var e = end
        let marker: [UInt8] = Array("<!--".utf8)
        if e - s >= 4 {
            for k in s...(e - 4) where text[k..<(k + 4)].elementsEqual(marker) && k > s {
                e = k
                break
            }
        }
        while e > s, text[e - 1] == 0x20 || text[e - 1] == 0x09 { e -= 1 }
        return e
    }

    /// The bytes that hold the status value, by where the status was read from.
    func statusValueRange(_ status: Status) throws(AuthoringError) -> Range<Int> {
        let line = status.position.line
        let end = contentEnd(of: line)
        switch status.source {
        case .statusSection:
            // The whole status line, with any emphasis around it (`**Accepted**`), but not a list marker.
            var s = offset(line: line, byteColumn: status.position.column)
            let lineStart = start(of: line)
            while s > lineStart, text[s - 1] == UInt8(ascii: "*") || text[s - 1] == UInt8(ascii: "_") { s -= 1 }
            return s..<trimmedEnd(from: s, to: end)
        case .headerBullet:
            if let r = valueAfterColon(line: line, from: status.position.column) { return r }
        case .tableRow:
            let s = offset(line: line, byteColumn: status.position.column)
            var e = s
            while e < end, !(text[e] == UInt8(ascii: "|") && text[e - 1] != UInt8(ascii: "\\")) { e += 1 }
            while e > s, text[e - 1] == 0x20 || text[e - 1] == 0x09 { e -= 1 }
            return s..<e
        default:
            break
        }
        throw AuthoringError("\(path): cannot find where its status is written")
    }

    /// Adds a paragraph at the end of the Status section's own content (before the next heading).
    func appendToStatusSection(_ line: String) throws(AuthoringError) -> [DocumentEditor.Edit] {
        guard let section = statusSection else {
            throw AuthoringError("\(path) has no Status section")
        }
        let top = Array(tree.childIndices(of: 0))
        guard let at = top.firstIndex(of: section.node) else { throw AuthoringError("\(path): cannot read its Status section") }
        var lastLine = tree.nodes[section.node].range.end.line
        for n in top[(at + 1)...] {
            if tree.nodes[n].tag == .heading { break }
            lastLine = max(lastLine, tree.nodes[n].range.end.line)
        }
        // Link reference definitions are not nodes: skip past non-blank lines cmark left out.
        while lastLine < lineCount, !isBlank(lastLine + 1), !lineBytes(lastLine + 1).starts(with: Array("#".utf8)) {
            lastLine += 1
        }
        while lastLine > section.range.start.line, isBlank(lastLine) { lastLine -= 1 }
        return [insertion(after: lastLine, String(decoding: newline, as: UTF8.self) + line)]
    }

    /// Adds a bullet after the status bullet (and the relation bullets that follow it), with the same marker.
    func appendHeaderBullet(_ line: String) throws(AuthoringError) -> [DocumentEditor.Edit] {
        guard let status = doc.status, let item = listItem(containingLine: status.position.line) else {
            throw AuthoringError("\(path) has no status bullet to add a relation bullet after")
        }
        let list = tree.nodes[item].parent
        var last = item
        let items = Array(tree.childIndices(of: list))
        if var k = items.firstIndex(of: item) {
            k += 1
            while k < items.count {
                let text = tree.plainText(items[k], trimmed: true).lowercased()
                guard ["supersedes", "superseded by", "amends", "amended by", "relates to", "related to"].contains(where: { text.hasPrefix($0) }) else { break }
                last = items[k]
                k += 1
            }
        }
        let firstLine = tree.nodes[item].start.line
        let contentColumn = tree.nodes[item + 1 < tree.nodes[item].end ? item + 1 : item].start.column
        let prefix = String(decoding: text[start(of: firstLine)..<offset(line: firstLine, byteColumn: contentColumn)], as: UTF8.self)
        var endLine = tree.nodes[last].range.end.line
        // cmark ends an item at its last content line; a blank line after it belongs to the list's spacing.
        while endLine > firstLine, isBlank(endLine) { endLine -= 1 }
        return [insertion(after: endLine, prefix + line)]
    }
}
