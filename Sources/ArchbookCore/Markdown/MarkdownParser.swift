// Parses GitHub Flavored Markdown with libcmark-gfm and copies the result into a Swift `MarkdownTree`.

import CCmarkGFM

public enum MarkdownParser {
    /// The GFM extensions every document is parsed with.
    public static let extensionNames = ["table", "tasklist", "strikethrough", "autolink", "tagfilter"]

    /// cmark-gfm keeps its extension registry in a C global; registering it once, before any
    /// parser runs, is what makes concurrent parsing on several threads safe.
    private static let registered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()

    /// Parses UTF-8 bytes. `lineOffset` is added to every line so positions refer to the whole file
    /// when the bytes are a document's body after its front matter.
    public static func parse(_ bytes: ArraySlice<UInt8>, lineOffset: Int = 0) -> MarkdownTree {
        _ = registered
        let options = CMARK_OPT_FOOTNOTES | CMARK_OPT_VALIDATE_UTF8
        guard let parser = cmark_parser_new(options) else {
            return MarkdownTree(nodes: [.init(kind: .document, tag: .document, range: SourceRange(line: 1, column: 1), parent: -1, end: 1)])
        }
        defer { cmark_parser_free(parser) }
        for name in extensionNames {
            if let ext = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, ext)
            }
        }
        bytes.withUnsafeBufferPointer { buf in
            buf.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: buf.count) {
                    cmark_parser_feed(parser, $0, buf.count)
                }
            }
        }
        guard let doc = cmark_parser_finish(parser) else {
            return MarkdownTree(nodes: [.init(kind: .document, tag: .document, range: SourceRange(line: 1, column: 1), parent: -1, end: 1)])
        }
        defer { cmark_node_free(doc) }
        return convert(doc, lineOffset: lineOffset)
    }

    public static func parse(_ text: String) -> MarkdownTree {
        parse(Array(text.utf8)[...])
    }

    /// Walks the C tree iteratively (deeply nested input must not exhaust the stack) and
    /// records nodes in pre-order with the index just past each subtree.
    private static func convert(_ root: OpaquePointer, lineOffset: Int) -> MarkdownTree {
        var kinds: [MarkdownKind] = []
        var ranges: [SourceRange] = []
        var parents: [Int] = []
        var ends: [Int] = []
        var stack: [Int] = []
        var node: OpaquePointer? = root
        var lastLine = 1 + lineOffset
        while let current = node {
            let idx = kinds.count
            kinds.append(kind(of: current))
            var range = SourceRange(
                start: SourcePosition(line: Int(cmark_node_get_start_line(current)) + lineOffset,
                                      column: Int(cmark_node_get_start_column(current))),
                end: SourcePosition(line: Int(cmark_node_get_end_line(current)) + lineOffset,
                                    column: Int(cmark_node_get_end_column(current))))
            // Some inlines carry no position of their own; place them at the nearest known line.
            if range.start.line <= lineOffset {
                let p = stack.last.map { ranges[$0].start } ?? SourcePosition(line: lastLine, column: 1)
                range = SourceRange(start: p, end: p)
            }
            lastLine = range.start.line
            ranges.append(range)
            parents.append(stack.last ?? -1)
            ends.append(idx + 1)
            if let child = cmark_node_first_child(current) {
                stack.append(idx)
                node = child
                continue
            }
            var n: OpaquePointer? = current
            node = nil
            while let m = n {
                if m == root { break }
                if let next = cmark_node_next(m) {
                    node = next
                    break
                }
                n = cmark_node_parent(m)
                if let closed = stack.popLast() { ends[closed] = kinds.count }
            }
        }
        while let closed = stack.popLast() { ends[closed] = kinds.count }
        var data: [MarkdownTree.NodeData] = []
        data.reserveCapacity(kinds.count)
        for i in kinds.indices {
            data.append(.init(kind: kinds[i], tag: NodeTag(kinds[i]), range: ranges[i], parent: parents[i], end: ends[i]))
        }
        return MarkdownTree(nodes: data)
    }

    private static func string(_ p: UnsafePointer<CChar>?) -> String {
        p.map { String(cString: $0) } ?? ""
    }

    private static func kind(of node: OpaquePointer) -> MarkdownKind {
        let type = cmark_node_get_type(node)
        switch type {
        case CMARK_NODE_DOCUMENT: return .document
        case CMARK_NODE_BLOCK_QUOTE: return .blockQuote
        case CMARK_NODE_LIST:
            return .list(ordered: cmark_node_get_list_type(node) == CMARK_ORDERED_LIST,
                         start: Int(cmark_node_get_list_start(node)),
                         tight: cmark_node_get_list_tight(node) != 0)
        case CMARK_NODE_ITEM:
            // Only the tasklist extension claims list items.
            if cmark_node_get_syntax_extension(node) != nil {
                return .item(task: cmark_gfm_extensions_get_tasklist_item_checked(node) ? .checked : .unchecked)
            }
            return .item(task: nil)
        case CMARK_NODE_CODE_BLOCK:
            // cmark_node_get_fenced writes through all three pointers unconditionally.
            var length: Int32 = 0, offset: Int32 = 0
            var character: CChar = 0
            return .codeBlock(info: string(cmark_node_get_fence_info(node)),
                              literal: string(cmark_node_get_literal(node)),
                              fenced: cmark_node_get_fenced(node, &length, &offset, &character) != 0)
        case CMARK_NODE_HTML_BLOCK: return .htmlBlock(string(cmark_node_get_literal(node)))
        case CMARK_NODE_PARAGRAPH: return .paragraph
        case CMARK_NODE_HEADING:
            return .heading(level: Int(cmark_node_get_heading_level(node)), setext: false)
        case CMARK_NODE_THEMATIC_BREAK: return .thematicBreak
        case CMARK_NODE_FOOTNOTE_DEFINITION: return .footnoteDefinition(label: string(cmark_node_get_literal(node)))
        case CMARK_NODE_TEXT: return .text(string(cmark_node_get_literal(node)))
        case CMARK_NODE_SOFTBREAK: return .softBreak
        case CMARK_NODE_LINEBREAK: return .lineBreak
        case CMARK_NODE_CODE: return .code(string(cmark_node_get_literal(node)))
        case CMARK_NODE_HTML_INLINE: return .htmlInline(string(cmark_node_get_literal(node)))
        case CMARK_NODE_EMPH: return .emphasis
        case CMARK_NODE_STRONG: return .strong
        case CMARK_NODE_LINK:
            return .link(destination: string(cmark_node_get_url(node)), title: string(cmark_node_get_title(node)))
        case CMARK_NODE_IMAGE:
            return .image(source: string(cmark_node_get_url(node)), title: string(cmark_node_get_title(node)))
        case CMARK_NODE_FOOTNOTE_REFERENCE: return .footnoteReference(label: string(cmark_node_get_literal(node)))
        case CMARK_NODE_TABLE:
            let n = Int(cmark_gfm_extensions_get_table_columns(node))
            var aligns: [TableAlignment] = []
            if let a = cmark_gfm_extensions_get_table_alignments(node) {
                for i in 0..<n {
                    switch a[i] {
                    case UInt8(ascii: "l"): aligns.append(.left)
                    case UInt8(ascii: "c"): aligns.append(.center)
                    case UInt8(ascii: "r"): aligns.append(.right)
                    default: aligns.append(.none)
                    }
                }
            }
            return .table(alignments: aligns)
        case CMARK_NODE_TABLE_ROW:
            return .tableRow(header: cmark_gfm_extensions_get_table_row_is_header(node) != 0)
        case CMARK_NODE_TABLE_CELL: return .tableCell
        case CMARK_NODE_STRIKETHROUGH: return .strikethrough
        default:
            return .other(typeString(node))
        }
    }

    private static func typeString(_ node: OpaquePointer) -> String {
        string(cmark_node_get_type_string(node))
    }
}
