// Renders one document's Markdown body to HTML with cmark-gfm, after rewriting its links and linking ID mentions.

import CCmarkGFM
#if canImport(Glibc)
import Glibc
#endif

/// What a link in a document points at, decided by the site before rendering.
public enum LinkTarget: Sendable, Equatable {
    /// Another page of the site (or this one): a relative URL and the document it shows.
    case page(href: String, document: Int)
    /// A local file copied into the site.
    case file(href: String, path: String)
    /// An http(s) or mailto URL, kept as written.
    case external(String)
    /// A relative target that does not exist: rendered visibly broken, without an href.
    case broken(reason: String)
    /// A page that exists but has no such anchor: links to the page's top, marked broken.
    case brokenAnchor(href: String, document: Int, reason: String)
    /// A scheme that could run code or read local files (`javascript:`, `data:`, `file:`): rendered inert.
    case unsafe
}

public struct RenderedBody: Sendable {
    public var html: String
    /// Documents this body links to or mentions by ID, sorted and without repeats.
    public var references: [Int]
    /// Docs-relative paths of local files the body uses, sorted and without repeats.
    public var files: [String]
    /// The body's text by section, for the search index; empty unless asked for.
    public var segments: [SearchSegment] = []
    /// The segments' terms as an earlier build's search index counted them, for a body taken from a memo.
    public var terms: SearchTerms?
    /// The hash of `html`, which page keys use: a body taken from the disk cache is not read to learn whether its
    /// page changed.
    public var htmlHash: UInt64 = 0
    /// The hash of `segments` (anchor, heading, text), for reusing the search fragment made from them; nil when no
    /// cache keeps bodies.
    public var segmentsHash: UInt64?
    /// Set for a body the disk cache kept: `html` and `segments` are then empty here and stay in the store until a
    /// page shows them (`BodyMemo.decodeText`, checked against this checksum of their entry).
    var textSeal: UInt64?

    static func hash(of html: String) -> UInt64 {
        var h = StableHash()
        h.add(html)
        return h.value
    }

    static func hash(of segments: [SearchSegment]) -> UInt64 {
        var h = StableHash()
        h.add(segments.count)
        for s in segments { h.add(s.anchor); h.add(s.heading); h.add(s.text) }
        return h.value
    }
}

public struct BodyRenderer: Sendable {
    public var allowRawHTML: Bool

    public init(allowRawHTML: Bool) {
        self.allowRawHTML = allowRawHTML
    }

    /// - Parameters:
    ///   - body: the document's Markdown after its front matter, as `Document.body` keeps it.
    ///   - lineOffset: lines before the body, so positions match the file's.
    ///   - anchors: heading anchors by the heading's line in the file.
    ///   - dropLine: the line of an H1 that the page already shows as its title.
    ///   - resolve: decides where a link destination goes.
    ///   - mention: resolves an ID written in prose (`ADR-0005`, `ADR 5`) to a page, or nil.
    public func render(body: ArraySlice<UInt8>, lineOffset: Int, anchors: [Int: String], dropLine: Int?,
                       resolve: (String) -> LinkTarget, mention: (String, Int) -> (href: String, document: Int)?,
                       idPrefixes: [String], collectText: Bool = false) -> RenderedBody {
        var options = CMARK_OPT_FOOTNOTES | CMARK_OPT_VALIDATE_UTF8
        if allowRawHTML { options |= CMARK_OPT_UNSAFE }
        return MarkdownParser.withCTree(body, options: options) { doc, parser in
            render(doc, parser: parser, options: options, lineOffset: lineOffset, anchors: anchors, dropLine: dropLine,
                   resolve: resolve, mention: mention, idPrefixes: idPrefixes, collectText: collectText)
        } ?? RenderedBody(html: "", references: [], files: [])
    }

    private func render(_ doc: OpaquePointer, parser: OpaquePointer, options: Int32, lineOffset: Int, anchors: [Int: String],
                        dropLine: Int?, resolve: (String) -> LinkTarget, mention: (String, Int) -> (href: String, document: Int)?,
                        idPrefixes: [String], collectText: Bool) -> RenderedBody {
        var targets: [LinkTarget] = []
        var references = Set<Int>()
        var files = Set<String>()
        var texts: [OpaquePointer] = []
        var links: [OpaquePointer] = []
        var dropped: OpaquePointer?
        var headingLines: [Int] = []

        // Collect first, change afterwards: editing a tree under an iterator is not supported.
        let iter = cmark_iter_new(doc)
        defer { cmark_iter_free(iter) }
        var insideLink = 0
        var text = SearchTextCollector(anchors: anchors, lineOffset: lineOffset, dropLine: dropLine)
        while true {
            let event = cmark_iter_next(iter)
            if event == CMARK_EVENT_DONE { break }
            guard let node = cmark_iter_get_node(iter) else { continue }
            let type = cmark_node_get_type(node)
            if collectText { text.visit(node, type: type, entering: event == CMARK_EVENT_ENTER) }
            if type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE {
                if event == CMARK_EVENT_ENTER { insideLink += 1; links.append(node) } else { insideLink -= 1 }
            } else if type == CMARK_NODE_TEXT, event == CMARK_EVENT_ENTER, insideLink == 0 {
                texts.append(node)
            } else if type == CMARK_NODE_HEADING, event == CMARK_EVENT_ENTER {
                if dropped == nil, let dropLine,
                   // Only a title at the top is dropped; one further down is also a link target.
                   cmark_node_get_heading_level(node) == 1, cmark_node_previous(node) == nil,
                   cmark_node_parent(node) == doc,
                   Int(cmark_node_get_start_line(node)) + lineOffset == dropLine {
                    dropped = node
                } else {
                    headingLines.append(Int(cmark_node_get_start_line(node)))
                }
            }
        }

        for node in links {
            let url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
            let target = resolve(url)
            switch target {
            case .page(_, let d), .brokenAnchor(_, let d, _): references.insert(d)
            case .file(_, let path): files.insert(path)
            default: break
            }
            // Every URL becomes an index into `targets`; the real attributes are written after rendering,
            // so no destination reaches the HTML without passing through `LinkTarget`.
            cmark_node_set_url(node, "archbook:\(targets.count)")
            targets.append(target)
        }

        if !idPrefixes.isEmpty {
            let prefixBytes = IDMentions.encoded(idPrefixes)
            for node in texts {
                linkMentions(in: node, prefixes: prefixBytes, mention: mention, references: &references, targets: &targets)
            }
        }
        if let dropped {
            cmark_node_unlink(dropped)
            cmark_node_free(dropped)
        }

        // Headings get their ids after rendering, found by their line. Without raw HTML every `<hN>` in the output is
        // a heading node, met in document order: the lines collected above say which. With raw HTML a document
        // can write `<h2>` itself, so headings are told apart by the source positions cmark-gfm then writes
        // (formatting them for every block was 2% of a build's instructions, so only then).
        let positions = allowRawHTML ? CMARK_OPT_SOURCEPOS : 0
        guard let rendered = cmark_render_html(doc, options | positions, cmark_parser_get_syntax_extensions(parser)) else {
            return RenderedBody(html: "", references: [], files: [])
        }
        defer { free(rendered) }
        let html = HTMLPostProcessor(targets: targets, anchors: anchors, lineOffset: lineOffset,
                                     headingLines: allowRawHTML ? nil : headingLines)
            .process(UnsafeBufferPointer(start: UnsafeRawPointer(rendered).assumingMemoryBound(to: UInt8.self), count: strlen(rendered)))
        return RenderedBody(html: html, references: references.sorted(), files: files.sorted(),
                            segments: collectText ? text.finish() : [])
    }

    /// Splits a text node around ID mentions and puts each resolved mention in a link node.
    private func linkMentions(in node: OpaquePointer, prefixes: IDMentions.Prefixes, mention: (String, Int) -> (href: String, document: Int)?,
                              references: inout Set<Int>, targets: inout [LinkTarget]) {
        guard let lit = cmark_node_get_literal(node) else { return }
        // The node's own bytes, valid until it is freed below.
        let text = UnsafeBufferPointer(start: UnsafeRawPointer(lit).assumingMemoryBound(to: UInt8.self), count: strlen(lit))
        let found = IDMentions.find(in: text, prefixBytes: prefixes)
        if found.isEmpty { return }
        var pieces: [(range: Range<Int>, link: (href: String, document: Int)?)] = []
        var cursor = 0
        for m in found {
            guard let hit = mention(m.prefix, m.number) else { continue }
            if m.range.lowerBound > cursor { pieces.append((cursor..<m.range.lowerBound, nil)) }
            pieces.append((m.range, hit))
            cursor = m.range.upperBound
        }
        if pieces.isEmpty { return }
        if cursor < text.count { pieces.append((cursor..<text.count, nil)) }
        for piece in pieces {
            let literal = String(decoding: UnsafeBufferPointer(rebasing: text[piece.range]), as: UTF8.self)
            let textNode = cmark_node_new(CMARK_NODE_TEXT)
            cmark_node_set_literal(textNode, literal)
            if let link = piece.link {
                references.insert(link.document)
                let linkNode = cmark_node_new(CMARK_NODE_LINK)
                cmark_node_set_url(linkNode, "archbook:\(targets.count)")
                targets.append(.page(href: link.href, document: link.document))
                cmark_node_append_child(linkNode, textNode)
                cmark_node_insert_before(node, linkNode)
            } else {
                cmark_node_insert_before(node, textNode)
            }
        }
        cmark_node_unlink(node)
        cmark_node_free(node)
    }
}

/// Gathers a body's plain text by section while the renderer walks the tree: headings open a segment
/// (with the anchor the page gives them), block ends become spaces, raw HTML is left out.
struct SearchTextCollector {
    let anchors: [Int: String]
    let lineOffset: Int
    let dropLine: Int?
    var segments: [SearchSegment] = [SearchSegment(anchor: "", heading: "", text: "")]
    var inHeading = false
    var skipping = false

    init(anchors: [Int: String], lineOffset: Int, dropLine: Int?) {
        self.anchors = anchors
        self.lineOffset = lineOffset
        self.dropLine = dropLine
    }

    mutating func visit(_ node: OpaquePointer, type: cmark_node_type, entering: Bool) {
        switch type {
        case CMARK_NODE_HEADING:
            let line = Int(cmark_node_get_start_line(node)) + lineOffset
            if entering {
                if line == dropLine && segments.count == 1 && segments[0].text.isEmpty {
                    skipping = true
                } else {
                    segments.append(SearchSegment(anchor: anchors[line] ?? "", heading: "", text: ""))
                    inHeading = true
                }
            } else {
                skipping = false
                inHeading = false
            }
        case CMARK_NODE_TEXT, CMARK_NODE_CODE, CMARK_NODE_CODE_BLOCK:
            guard entering, !skipping, let lit = cmark_node_get_literal(node) else { return }
            append(String(cString: lit))
        case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
            append(" ")
        case CMARK_NODE_PARAGRAPH, CMARK_NODE_ITEM:
            if !entering { append(" ") }
        default:
            // Table cells are extension nodes without a fixed type constant: separate every other block too.
            if !entering, cmark_node_first_child(node) != nil, type != CMARK_NODE_LINK, type != CMARK_NODE_EMPH,
               type != CMARK_NODE_STRONG { append(" ") }
        }
    }

    mutating func append(_ s: String) {
        let k = segments.count - 1
        if inHeading { segments[k].heading += s } else { segments[k].text += s }
    }

    func finish() -> [SearchSegment] {
        var out = segments.map { s in
            SearchSegment(anchor: s.anchor, heading: collapse(s.heading), text: collapse(s.text))
        }
        if out.first.map({ $0.text.isEmpty }) == true && out.count > 1 { out.removeFirst() }
        return out
    }

    /// Runs of spaces, tabs and line breaks become one space; ends are trimmed. Works on bytes: bodies are large.
    private func collapse(_ s: String) -> String {
        // On the string's own buffer into the new string's: every word of the handbook passes here, and
        // iterating `utf8` and appending byte by byte cost about twenty instructions a byte.
        var s = s
        return s.withUTF8 { u in
            String(unsafeUninitializedCapacity: u.count) { out in
                var n = 0
                var pendingSpace = false
                for b in u {
                    if b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D {
                        pendingSpace = n > 0
                    } else {
                        if pendingSpace { out[n] = 0x20; n += 1; pendingSpace = false }
                        out[n] = b
                        n += 1
                    }
                }
                return n
            }
        }
    }
}

/// IDs written in prose: a kind's prefix, then `-`, `_`, a space or nothing, then digits.
public enum IDMentions {
    public struct Match: Equatable, Sendable {
        public var range: Range<Int>
        public var prefix: String
        public var number: Int
    }

    public static func find(in text: [UInt8], prefixes: [String]) -> [Match] {
        let prefixBytes = encoded(prefixes)
        return text.withUnsafeBufferPointer { find(in: $0, prefixBytes: prefixBytes) }
    }

    /// The prefixes as `find` compares them, and which bytes start one (most bytes of a text start none, and are
    /// passed over with one test instead of a comparison per prefix); a body encodes them once for all its text nodes.
    struct Prefixes {
        let bytes: [[UInt8]]
        let starts: ByteSet

        init(_ bytes: [[UInt8]]) {
            self.bytes = bytes
            starts = ByteSet(bytes.map { $0[0] })
        }
    }

    static func encoded(_ prefixes: [String]) -> Prefixes {
        Prefixes(prefixes.map { Array($0.utf8) }.filter { !$0.isEmpty })
    }

    /// Reads the text in place: a body has thousands of text nodes and almost none mention an ID.
    static func find(in text: UnsafeBufferPointer<UInt8>, prefixBytes prefixes: Prefixes) -> [Match] {
        var out: [Match] = []
        var i = 0
        let n = text.count
        let prefixBytes = prefixes.bytes
        func isWordByte(_ b: UInt8) -> Bool {
            (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A) || b == 0x5F || b >= 0x80
        }
        func starts(with p: [UInt8], at i: Int) -> Bool {
            for k in 0..<p.count where text[i + k] != p[k] { return false }
            return true
        }
        while i < n {
            if !prefixes.starts.contains(text[i]) { i += 1; continue }
            if i > 0 && isWordByte(text[i - 1]) { i += 1; continue }
            var matched = false
            for p in prefixBytes where i + p.count < n && text[i] == p[0] && starts(with: p, at: i) {
                var j = i + p.count
                if text[j] == UInt8(ascii: "-") || text[j] == UInt8(ascii: " ") || text[j] == UInt8(ascii: "_") { j += 1 }
                let digitsStart = j
                while j < n, text[j] >= 0x30, text[j] <= 0x39, j - digitsStart < 9 { j += 1 }
                guard j > digitsStart, j == n || !isWordByte(text[j]) else { continue }
                let number = Int(String(decoding: UnsafeBufferPointer(rebasing: text[digitsStart..<j]), as: UTF8.self)) ?? 0
                out.append(Match(range: i..<j, prefix: String(decoding: p, as: UTF8.self), number: number))
                i = j
                matched = true
                break
            }
            if !matched { i += 1 }
        }
        return out
    }
}

/// Rewrites cmark-gfm's HTML: heading ids from the model's anchors, link attributes from `LinkTarget`s,
/// labels for task checkboxes, and no source positions left over.
struct HTMLPostProcessor {
    let targets: [LinkTarget]
    let anchors: [Int: String]
    let lineOffset: Int
    /// The headings' lines in document order, when the HTML has no source positions (then every `<hN>` is one).
    var headingLines: [Int]? = nil

    func process(_ html: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(html.count + html.count / 8)
        var used = Set(anchors.values)
        let sourcepos = Array(" data-sourcepos=\"".utf8)
        let hrefMarker = Array("href=\"archbook:".utf8)
        let srcMarker = Array("src=\"archbook:".utf8)
        let checkbox = Array("<input type=\"checkbox\"".utf8)
        let tableOpen = Array("<table".utf8)
        let tableClose = Array("</table>".utf8)
        var i = 0
        let n = html.count
        func matches(_ pattern: [UInt8], at k: Int) -> Bool {
            guard k + pattern.count <= n else { return false }
            for (o, b) in pattern.enumerated() where html[k + o] != b { return false }
            return true
        }
        /// Reads digits at k; returns the number and the index after them.
        func number(at k: Int) -> (Int, Int) {
            var v = 0, j = k
            while j < n, html[j] >= 0x30, html[j] <= 0x39 { v = v * 10 + Int(html[j] - 0x30); j += 1 }
            return (v, j)
        }
        var tables = 0
        var headings = 0
        // Plain bytes are copied a run at a time: most of the HTML is left as cmark-gfm wrote it.
        var runStart = 0
        func flush(_ end: Int) {
            if end > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: html[runStart..<end])) }
        }
        // Every rewrite starts at one of these bytes (a space only when there are source positions to remove);
        // the rest of the HTML is passed over with one table lookup a byte.
        let interesting = ByteSet((headingLines == nil ? "<hs " : "<hs").utf8)
        // Without raw HTML, every rewrite is inside a tag cmark-gfm wrote, and only its tags start with `<` (text,
        // attribute values and URLs are escaped): the scan jumps from one `<` to the next, and into a link's or an
        // image's tag to where its marker is. (With raw HTML a document may write any of the markers itself.)
        let tagsOnly = headingLines != nil
        let linkTag = Array("<a ".utf8), imageTag = Array("<img ".utf8)
        while i < n {
            if tagsOnly {
                guard let next = memchr(html.baseAddress! + i, 0x3C, n - i) else { break }
                i = html.baseAddress!.distance(to: next.assumingMemoryBound(to: UInt8.self))
                if matches(linkTag, at: i) { i += linkTag.count } else if matches(imageTag, at: i) { i += imageTag.count }
            }
            let b = html[i]
            if !interesting.contains(b) { i += 1; continue }
            if b == UInt8(ascii: " "), matches(sourcepos, at: i) {
                flush(i)
                let (line, after) = number(at: i + sourcepos.count)
                var j = after
                while j < n, html[j] != UInt8(ascii: "\"") { j += 1 }
                // A heading's tag is `<hN data-sourcepos=...`: the attribute follows the tag name directly
                // (`<hr data-sourcepos` is not a heading).
                if i >= 3, html[i - 3] == UInt8(ascii: "<"), html[i - 2] == UInt8(ascii: "h"),
                   html[i - 1] >= UInt8(ascii: "1"), html[i - 1] <= UInt8(ascii: "6") {
                    var anchor = anchors[line + lineOffset]
                    if anchor == nil {
                        anchor = uniqueAnchor(headingText(html, from: j + 1), used: &used)
                    }
                    out.append(contentsOf: " id=\"".utf8)
                    out.append(contentsOf: HTML.attribute(anchor ?? "").utf8)
                    out.append(UInt8(ascii: "\""))
                }
                i = j + 1
                runStart = i
                continue
            }
            if let headingLines, b == UInt8(ascii: "<"), i + 3 < n, html[i + 1] == UInt8(ascii: "h"),
               html[i + 2] >= UInt8(ascii: "1"), html[i + 2] <= UInt8(ascii: "6"), html[i + 3] == UInt8(ascii: ">") {
                flush(i + 3)
                var anchor = headings < headingLines.count ? anchors[headingLines[headings] + lineOffset] : nil
                if anchor == nil {
                    anchor = uniqueAnchor(headingText(html, from: i + 3), used: &used)
                }
                headings += 1
                out.append(contentsOf: " id=\"".utf8)
                out.append(contentsOf: HTML.attribute(anchor ?? "").utf8)
                out.append(UInt8(ascii: "\""))
                i += 3
                runStart = i
                continue
            }
            if b == UInt8(ascii: "h"), matches(hrefMarker, at: i) {
                flush(i)
                let (index, after) = number(at: i + hrefMarker.count)
                out.append(contentsOf: linkAttributes(index).utf8)
                i = after + 1
                runStart = i
                continue
            }
            if b == UInt8(ascii: "s"), matches(srcMarker, at: i) {
                flush(i)
                let (index, after) = number(at: i + srcMarker.count)
                out.append(contentsOf: imageAttributes(index).utf8)
                i = after + 1
                runStart = i
                continue
            }
            // Wide tables scroll inside a focusable region, so keyboard users can scroll them too.
            if b == UInt8(ascii: "<"), matches(tableOpen, at: i) {
                flush(i)
                runStart = i
                // Regions are landmarks: each needs its own name.
                tables += 1
                out.append(contentsOf: "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"Table \(tables)\">".utf8)
            }
            if b == UInt8(ascii: "<"), matches(tableClose, at: i) {
                flush(i)
                out.append(contentsOf: tableClose)
                out.append(contentsOf: "</div>".utf8)
                i += tableClose.count
                runStart = i
                continue
            }
            if b == UInt8(ascii: "<"), matches(checkbox, at: i) {
                flush(i)
                out.append(contentsOf: checkbox)
                var j = i + checkbox.count
                var checked = false
                while j < n, html[j] != UInt8(ascii: ">") {
                    if html[j] == UInt8(ascii: "c"), j + 7 < n, html[j + 1] == UInt8(ascii: "h"), html[j + 2] == UInt8(ascii: "e") { checked = true }
                    j += 1
                }
                out.append(contentsOf: (checked ? " aria-label=\"Done\"" : " aria-label=\"Not done\"").utf8)
                i += checkbox.count
                runStart = i
                continue
            }
            i += 1
        }
        flush(n)
        return String(decoding: out, as: UTF8.self)
    }

    private func headingText(_ html: UnsafeBufferPointer<UInt8>, from start: Int) -> String {
        var text: [UInt8] = []
        var j = start + 1
        var inTag = false
        while j < html.count {
            let c = html[j]
            if c == UInt8(ascii: "<") {
                if j + 2 < html.count, html[j + 1] == UInt8(ascii: "/"), html[j + 2] == UInt8(ascii: "h") { break }
                inTag = true
            } else if c == UInt8(ascii: ">") {
                inTag = false
            } else if !inTag {
                text.append(c)
            }
            j += 1
        }
        return HTML.unescape(String(decoding: text, as: UTF8.self))
    }

    private func uniqueAnchor(_ title: String, used: inout Set<String>) -> String {
        let base = Slug.anchor(title)
        var candidate = base
        var k = 1
        while used.contains(candidate) { candidate = "\(base)-\(k)"; k += 1 }
        used.insert(candidate)
        return candidate
    }

    private func linkAttributes(_ index: Int) -> String {
        guard index < targets.count else { return "" }
        switch targets[index] {
        case .page(let href, _): return "href=\"\(HTML.attribute(href))\""
        case .file(let href, _): return "href=\"\(HTML.attribute(href))\""
        case .external(let url): return "href=\"\(HTML.attribute(url))\" rel=\"noopener noreferrer\""
        case .broken(let reason): return "class=\"broken-link\" title=\"\(HTML.attribute(reason))\""
        case .brokenAnchor(let href, _, let reason):
            return "href=\"\(HTML.attribute(href))\" class=\"broken-link\" title=\"\(HTML.attribute(reason))\""
        case .unsafe: return "class=\"unsafe-link\" title=\"Link removed: its scheme could run code\""
        }
    }

    private func imageAttributes(_ index: Int) -> String {
        guard index < targets.count else { return "" }
        switch targets[index] {
        case .page(let href, _), .file(let href, _), .brokenAnchor(let href, _, _): return "src=\"\(HTML.attribute(href))\""
        case .external(let url): return "src=\"\(HTML.attribute(url))\""
        case .broken(let reason): return "class=\"broken-image\" title=\"\(HTML.attribute(reason))\""
        case .unsafe: return "class=\"unsafe-link\" title=\"Image removed: its scheme could run code\""
        }
    }
}

/// A set of byte values as 256 bits: scanners test every byte of a body against one, so it is a few instructions
/// and no memory access beyond the struct.
struct ByteSet {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    init(_ bytes: some Sequence<UInt8>) {
        for b in bytes {
            let bit = UInt64(1) << UInt64(b & 63)
            switch b >> 6 {
            case 0: words.0 |= bit
            case 1: words.1 |= bit
            case 2: words.2 |= bit
            default: words.3 |= bit
            }
        }
    }

    @inline(__always)
    func contains(_ b: UInt8) -> Bool {
        let word: UInt64
        switch b >> 6 {
        case 0: word = words.0
        case 1: word = words.1
        case 2: word = words.2
        default: word = words.3
        }
        return word & (1 << UInt64(b & 63)) != 0
    }
}
