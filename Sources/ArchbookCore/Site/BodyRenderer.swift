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
    /// Set for a body in the disk cache, kept or rendered now: `html` and `segments` are then empty here and stay in
    /// the store until a page or the search index reads them (`BodyMemo.decodeHTML`, `decodeSegments`, checked
    /// against this checksum of their entry).
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

/// A body that cmark-gfm has parsed and rendered before the handbook's links are known: every link's URL and every
/// ID mention is a placeholder (`archbook:N`) that `BodyRenderer.finish` resolves. A build prepares a body while the
/// check parses its file, so the file is parsed once, not once for the check and once for the page.
public struct PreparedBody: Sendable {
    /// cmark-gfm's HTML, placeholders in place of the destinations below.
    var html: [UInt8]
    /// Link and image destinations as written, for placeholders 0..<count.
    var destinations: [String]
    /// ID mentions found in prose (prefix and number as read), for the placeholders after the destinations. One that
    /// names no page loses its `<a>` again and stays the text it was.
    var mentions: [(prefix: String, number: Int)]
    /// The headings' lines in document order (every `<hN>` is one when there is no raw HTML).
    var headingLines: [Int]
    var segments: [SearchSegment]
    /// What it was prepared with: a build uses it only when it renders with the same (`SiteModel.renderBody`).
    var inputs: Inputs

    struct Inputs: Sendable, Equatable {
        var lineOffset: Int
        var anchors: [Int: String]
        var dropLine: Int?
        var idPrefixes: [String]
        var collectText: Bool
        var allowRawHTML: Bool
    }
}

/// How a build asks the check to prepare each body it parses (`PreparedBody`).
public struct BodyPreparation: Sendable {
    public var renderer: BodyRenderer
    /// The kinds' ID prefixes, longest first, as the build links mentions with.
    public var idPrefixes: [String]
    public var collectText: Bool

    public init(renderer: BodyRenderer, idPrefixes: [String], collectText: Bool) {
        self.renderer = renderer
        self.idPrefixes = idPrefixes
        self.collectText = collectText
    }

    /// What document `d`'s body is rendered with.
    func inputs(for d: Document) -> PreparedBody.Inputs {
        PreparedBody.Inputs(lineOffset: d.bodyLineOffset, anchors: d.bodyAnchors, dropLine: d.droppedTitleLine,
                            idPrefixes: idPrefixes, collectText: collectText, allowRawHTML: renderer.allowRawHTML)
    }
}

/// The bodies a check prepared, by document; the build takes each once, so its memory goes as the page's body is made.
public final class PreparedBodies: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<PreparedBody?>
    /// How many documents this check parsed (the others came from its memo): a few after an edit.
    public let parsed: Int

    init(_ bodies: [PreparedBody?]) {
        slots = .allocate(capacity: bodies.count)
        _ = slots.initialize(from: bodies)
        parsed = bodies.count { $0 != nil }
    }

    deinit {
        if let base = slots.baseAddress { base.deinitialize(count: slots.count) }
        slots.deallocate()
    }

    /// Document `i`'s body, once; each index is taken by one thread at most.
    func take(_ i: Int) -> PreparedBody? {
        guard i >= 0, i < slots.count else { return nil }
        let body = slots[i]
        slots[i] = nil
        return body
    }
}

extension Document {
    /// Heading anchors by the heading's line in the file, as the body's headings get them.
    var bodyAnchors: [Int: String] {
        var anchors: [Int: String] = [:]
        for s in sections { anchors[s.range.start.line] = s.anchor }
        return anchors
    }

    /// The line of the H1 the page shows as its title (so the body leaves it out).
    var droppedTitleLine: Int? { titleSource == .heading ? titlePosition.line : nil }
}

public struct BodyRenderer: Sendable {
    public var allowRawHTML: Bool

    public init(allowRawHTML: Bool) {
        self.allowRawHTML = allowRawHTML
    }

    /// What bodies are rendered with (raw HTML is a rendering option: the tree is the same either way).
    var renderOptions: Int32 {
        MarkdownParser.options | (allowRawHTML ? CMARK_OPT_UNSAFE : 0)
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
        let inputs = PreparedBody.Inputs(lineOffset: lineOffset, anchors: anchors, dropLine: dropLine, idPrefixes: idPrefixes,
                                         collectText: collectText, allowRawHTML: allowRawHTML)
        let prepared = MarkdownParser.withCTree(body, options: MarkdownParser.options) { doc, parser in
            prepare(doc, parser: parser, inputs: inputs)
        }
        guard let prepared = prepared ?? nil else { return RenderedBody(html: "", references: [], files: []) }
        return finish(prepared, resolve: resolve, mention: mention)
    }

    /// Renders a parsed body with placeholders for its links and mentions (see `PreparedBody`). Changes the tree.
    /// nil only when cmark-gfm cannot allocate.
    func prepare(_ doc: OpaquePointer, parser: OpaquePointer, inputs: PreparedBody.Inputs) -> PreparedBody? {
        var destinations: [String] = []
        var mentions: [(prefix: String, number: Int)] = []
        var texts: [OpaquePointer] = []
        var links: [OpaquePointer] = []
        var dropped: OpaquePointer?
        var headingLines: [Int] = []
        let lineOffset = inputs.lineOffset

        // Collect first, change afterwards: editing a tree under an iterator is not supported.
        let iter = cmark_iter_new(doc)
        defer { cmark_iter_free(iter) }
        var insideLink = 0
        var text = SearchTextCollector(anchors: inputs.anchors, lineOffset: lineOffset, dropLine: inputs.dropLine)
        while true {
            let event = cmark_iter_next(iter)
            if event == CMARK_EVENT_DONE { break }
            guard let node = cmark_iter_get_node(iter) else { continue }
            let type = cmark_node_get_type(node)
            if inputs.collectText { text.visit(node, type: type, entering: event == CMARK_EVENT_ENTER) }
            if type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE {
                if event == CMARK_EVENT_ENTER { insideLink += 1; links.append(node) } else { insideLink -= 1 }
            } else if type == CMARK_NODE_TEXT, event == CMARK_EVENT_ENTER, insideLink == 0 {
                texts.append(node)
            } else if type == CMARK_NODE_HEADING, event == CMARK_EVENT_ENTER {
                if dropped == nil, let dropLine = inputs.dropLine,
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

        // Every URL becomes a placeholder; the real attributes are written when the body is finished, so no
        // destination reaches the HTML without passing through `LinkTarget`.
        for node in links {
            destinations.append(cmark_node_get_url(node).map { String(cString: $0) } ?? "")
            cmark_node_set_url(node, "archbook:\(destinations.count - 1)")
        }
        if !inputs.idPrefixes.isEmpty {
            let prefixBytes = IDMentions.encoded(inputs.idPrefixes)
            for node in texts {
                linkMentions(in: node, prefixes: prefixBytes, first: destinations.count, mentions: &mentions)
            }
        }
        if let dropped {
            cmark_node_unlink(dropped)
            cmark_node_free(dropped)
        }

        // Headings get their ids when the body is finished, found by their line. Without raw HTML every `<hN>` in the
        // output is a heading node, met in document order: the lines collected above say which. With raw HTML a
        // document can write `<h2>` itself, so headings are told apart by the source positions cmark-gfm then writes
        // (formatting them for every block was 2% of a build's instructions, so only then).
        let positions = inputs.allowRawHTML ? CMARK_OPT_SOURCEPOS : 0
        guard let rendered = cmark_render_html(doc, renderOptions | positions, cmark_parser_get_syntax_extensions(parser)) else {
            return nil
        }
        defer { free(rendered) }
        let html = Array(UnsafeBufferPointer(start: UnsafeRawPointer(rendered).assumingMemoryBound(to: UInt8.self), count: strlen(rendered)))
        return PreparedBody(html: html, destinations: destinations, mentions: mentions, headingLines: headingLines,
                            segments: inputs.collectText ? text.finish() : [], inputs: inputs)
    }

    /// The body's HTML with its links resolved, as `render` makes it.
    func finish(_ body: PreparedBody, resolve: (String) -> LinkTarget,
                mention: (String, Int) -> (href: String, document: Int)?) -> RenderedBody {
        var targets: [LinkTarget?] = []
        targets.reserveCapacity(body.destinations.count + body.mentions.count)
        var references = Set<Int>()
        var files = Set<String>()
        for destination in body.destinations {
            let target = resolve(destination)
            switch target {
            case .page(_, let d), .brokenAnchor(_, let d, _): references.insert(d)
            case .file(_, let path): files.insert(path)
            default: break
            }
            targets.append(target)
        }
        for m in body.mentions {
            if let hit = mention(m.prefix, m.number) {
                references.insert(hit.document)
                targets.append(.page(href: hit.href, document: hit.document))
            } else {
                targets.append(nil)
            }
        }
        let inputs = body.inputs
        let html = body.html.withUnsafeBufferPointer { bytes in
            HTMLPostProcessor(targets: targets, anchors: inputs.anchors, lineOffset: inputs.lineOffset,
                              headingLines: inputs.allowRawHTML ? nil : body.headingLines).process(bytes)
        }
        return RenderedBody(html: html, references: references.sorted(), files: files.sorted(), segments: body.segments)
    }

    /// Splits a text node around the ID mentions in it and puts each in a link node whose URL is a placeholder
    /// (numbered from `first` on); whether a mention names a page is decided when the body is finished.
    private func linkMentions(in node: OpaquePointer, prefixes: IDMentions.Prefixes, first: Int,
                              mentions: inout [(prefix: String, number: Int)]) {
        guard let lit = cmark_node_get_literal(node) else { return }
        // The node's own bytes, valid until it is freed below.
        let text = UnsafeBufferPointer(start: UnsafeRawPointer(lit).assumingMemoryBound(to: UInt8.self), count: strlen(lit))
        let found = IDMentions.find(in: text, prefixBytes: prefixes)
        if found.isEmpty { return }
        var cursor = 0
        func insertText(_ range: Range<Int>, into parent: OpaquePointer?) {
            let textNode = cmark_node_new(CMARK_NODE_TEXT)
            cmark_node_set_literal(textNode, String(decoding: UnsafeBufferPointer(rebasing: text[range]), as: UTF8.self))
            if let parent { cmark_node_append_child(parent, textNode) } else { cmark_node_insert_before(node, textNode) }
        }
        for m in found {
            if m.range.lowerBound > cursor { insertText(cursor..<m.range.lowerBound, into: nil) }
            let linkNode = cmark_node_new(CMARK_NODE_LINK)
            cmark_node_set_url(linkNode, "archbook:\(first + mentions.count)")
            mentions.append((m.prefix, m.number))
            insertText(m.range, into: linkNode)
            cmark_node_insert_before(node, linkNode)
            cursor = m.range.upperBound
        }
        if cursor < text.count { insertText(cursor..<text.count, into: nil) }
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
    /// nil for an ID mention that names no page: its `<a>` and `</a>` are left out, its text stays.
    let targets: [LinkTarget?]
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
        // An unlinked mention is `<a href="archbook:N">` + its text (escaped, so no tag) + `</a>`.
        let unlinked = targets.contains { $0 == nil }
        let placeholderLink = Array("<a href=\"archbook:".utf8), linkClose = Array("</a>".utf8)
        var dropsClose = false
        /// At a `<`: past an unlinked mention's tag (or the `</a>` that closes it), or nil.
        func unlink(at i: Int) -> Int? {
            if dropsClose, matches(linkClose, at: i) {
                flush(i)
                dropsClose = false
                runStart = i + linkClose.count
                return runStart
            }
            guard matches(placeholderLink, at: i) else { return nil }
            let (index, after) = number(at: i + placeholderLink.count)
            guard after > i + placeholderLink.count, after + 1 < n, html[after] == UInt8(ascii: "\""),
                  html[after + 1] == UInt8(ascii: ">"), index < targets.count, targets[index] == nil else { return nil }
            flush(i)
            dropsClose = true
            runStart = after + 2
            return runStart
        }
        while i < n {
            if tagsOnly {
                guard let next = memchr(html.baseAddress! + i, 0x3C, n - i) else { break }
                i = html.baseAddress!.distance(to: next.assumingMemoryBound(to: UInt8.self))
                if unlinked, let after = unlink(at: i) { i = after; continue }
                if matches(linkTag, at: i) { i += linkTag.count } else if matches(imageTag, at: i) { i += imageTag.count }
            }
            let b = html[i]
            if !interesting.contains(b) { i += 1; continue }
            if !tagsOnly, unlinked, b == UInt8(ascii: "<"), let after = unlink(at: i) { i = after; continue }
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
        guard index < targets.count, let target = targets[index] else { return "" }
        switch target {
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
        guard index < targets.count, let target = targets[index] else { return "" }
        switch target {
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
