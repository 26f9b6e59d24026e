// Parses GitHub Flavored Markdown with libcmark-gfm and copies the result into a Swift `MarkdownTree`.

import CCmarkGFM
import CCmarkFields
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum MarkdownParser {
    /// The GFM extensions every document is parsed with.
    public static let extensionNames = ["table", "tasklist", "strikethrough", "autolink", "tagfilter"]

    /// cmark-gfm keeps its extension registry in a C global; registering it once, before any
    /// parser runs, is what makes concurrent parsing on several threads safe.
    private static let registered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()

    /// libcmark-gfm 0.29 keeps the inline extensions' trigger characters (`:` and `w` for autolinks, `~` for
    /// strikethrough) in one process-wide table, which `cmark_parser_finish` fills before its inline pass and
    /// clears after it: a document finishing on one thread makes another, mid-pass, lose its autolinks
    /// (github/cmark-gfm#176; seen as ~3% of pages differing between two builds of 10,000 documents).
    /// archbook defines the function that clears the table so that it is never cleared (CCmarkFields,
    /// special_chars.c); once that definition is seen in use, finishing runs in parallel too. Until then, and
    /// wherever the library's own is called (a linker that does not let the program's definition win),
    /// documents are finished one at a time under this lock.
    private static let finishLock = NSLock()

    /// What every document is parsed with (how its HTML is rendered is the renderer's own option).
    static let options = CMARK_OPT_FOOTNOTES | CMARK_OPT_VALIDATE_UTF8

    /// Parses UTF-8 bytes. `lineOffset` is added to every line so positions refer to the whole file
    /// when the bytes are a document's body after its front matter.
    public static func parse(_ bytes: ArraySlice<UInt8>, lineOffset: Int = 0) -> MarkdownTree {
        withCTree(bytes, options: options) { doc, _ in
            convert(doc, lineOffset: lineOffset, sourceSize: bytes.count)
        } ?? MarkdownTree(nodes: [.init(tag: .document, range: SourceRange(line: 1, column: 1), parent: -1, end: 1)], literals: [])
    }

    /// Parses `bytes` with cmark-gfm and the GFM extensions, and hands the C document and its parser (the
    /// HTML renderer needs the parser's extension list) to `body`; both are freed when it returns.
    /// Nil only when cmark-gfm cannot allocate.
    static func withCTree<R>(_ bytes: ArraySlice<UInt8>, options: Int32,
                             _ body: (_ document: OpaquePointer, _ parser: OpaquePointer) -> R) -> R? {
        _ = registered
        // cmark-gfm's own validation looks at every byte (4% of a check's instructions); ours skips ASCII a word at
        // a time, and text that passes it is what the validation would leave as it is. Documents come here already
        // repaired (SourceText), so the option only stays on for bytes that are not.
        var options = options
        if options & CMARK_OPT_VALIDATE_UTF8 != 0, SourceText.isValidUTF8(bytes) { options &= ~CMARK_OPT_VALIDATE_UTF8 }
        guard let parser = cmark_parser_new(options) else { return nil }
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
        // Decided once per document: the flag may turn on during this very call.
        let serial = archbook_special_chars_kept() == 0
        if serial { finishLock.lock() }
        let finished = cmark_parser_finish(parser)
        if serial { finishLock.unlock() }
        guard let doc = finished else { return nil }
        defer { cmark_node_free(doc) }
        return body(doc, parser)
    }

    public static func parse(_ text: String) -> MarkdownTree {
        parse(Array(text.utf8)[...])
    }

    /// Walks the C tree iteratively (deeply nested input must not exhaust the stack) and
    /// records nodes in pre-order with the index just past each subtree.
    static func convert(_ root: OpaquePointer, lineOffset: Int, sourceSize: Int) -> MarkdownTree {
        var nodes: [MarkdownTree.NodeData] = []
        // Prose averages a node per few dozen bytes; starting near that skips most regrowing.
        nodes.reserveCapacity(sourceSize / 32 + 8)
        // Literals are a little smaller than the source; one reservation avoids regrowing.
        var literals: [UInt8] = []
        literals.reserveCapacity(sourceSize)
        var stack: [Int] = []
        var node: OpaquePointer? = root
        var lastLine = 1 + lineOffset
        var info = archbook_node_info()
        while let current = node {
            let idx = nodes.count
            archbook_get_node_info(current, &info)
            var range = SourceRange(
                start: SourcePosition(line: Int(info.start_line) + lineOffset, column: Int(info.start_column)),
                end: SourcePosition(line: Int(info.end_line) + lineOffset, column: Int(info.end_column)))
            // Some inlines carry no position of their own; place them at the nearest known line.
            if range.start.line <= lineOffset {
                let p = stack.last.map { nodes[$0].start } ?? SourcePosition(line: lastLine, column: 1)
                range = SourceRange(start: p, end: p)
            }
            lastLine = range.start.line
            nodes.append(data(of: current, type: info.type, range: range, parent: stack.last ?? -1, end: idx + 1,
                              literals: &literals))
            if let child = info.first_child {
                stack.append(idx)
                node = child
                continue
            }
            var n: OpaquePointer? = current
            var next = info.next, parent = info.parent
            node = nil
            while let m = n {
                if m == root { break }
                if let next {
                    node = next
                    break
                }
                n = parent
                if let closed = stack.popLast() { nodes[closed].endIndex = Int32(truncatingIfNeeded: nodes.count) }
                if let p = n {
                    next = cmark_node_next(p)
                    parent = cmark_node_parent(p)
                }
            }
        }
        while let closed = stack.popLast() { nodes[closed].endIndex = Int32(truncatingIfNeeded: nodes.count) }
        return MarkdownTree(nodes: nodes, literals: literals)
    }

    /// Copies one of a node's string fields into `literals`.
    private static func append(_ field: archbook_bytes, to literals: inout [UInt8]) -> MarkdownTree.ByteSpan {
        guard field.length > 0, let data = field.data else { return .empty }
        let start = literals.count
        literals.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(field.length)))
        return MarkdownTree.ByteSpan(start: Int32(truncatingIfNeeded: start), count: field.length)
    }

    /// Copies a C string into `literals`.
    private static func append(_ p: UnsafePointer<CChar>?, to literals: inout [UInt8]) -> MarkdownTree.ByteSpan {
        guard let p else { return .empty }
        return p.withMemoryRebound(to: UInt8.self, capacity: 1) {
            append(archbook_bytes(data: $0, length: Int32(truncatingIfNeeded: strlen(p))), to: &literals)
        }
    }

    private static func data(of node: OpaquePointer, type: cmark_node_type, range: SourceRange, parent: Int, end: Int,
                             literals: inout [UInt8]) -> MarkdownTree.NodeData {
        typealias Flag = MarkdownTree.Flag
        func make(_ tag: NodeTag, flags: UInt8 = 0, number: Int32 = 0,
                  literal: MarkdownTree.ByteSpan = .empty, extra: MarkdownTree.ByteSpan = .empty) -> MarkdownTree.NodeData {
            MarkdownTree.NodeData(tag: tag, flags: flags, number: number, range: range, parent: parent, end: end,
                                  literal: literal, extra: extra)
        }
        func literal() -> MarkdownTree.ByteSpan { append(archbook_literal(node), to: &literals) }
        switch type {
        case CMARK_NODE_DOCUMENT: return make(.document)
        case CMARK_NODE_BLOCK_QUOTE: return make(.blockQuote)
        case CMARK_NODE_LIST:
            return make(.list, flags: (cmark_node_get_list_type(node) == CMARK_ORDERED_LIST ? Flag.ordered : 0)
                            | (cmark_node_get_list_tight(node) != 0 ? Flag.tight : 0),
                        number: cmark_node_get_list_start(node))
        case CMARK_NODE_ITEM:
            // Only the tasklist extension claims list items.
            if cmark_node_get_syntax_extension(node) != nil {
                return make(.taskItem, flags: cmark_gfm_extensions_get_tasklist_item_checked(node) ? Flag.checked : 0)
            }
            return make(.item)
        case CMARK_NODE_CODE_BLOCK:
            // cmark_node_get_fenced writes through all three pointers unconditionally.
            var length: Int32 = 0, offset: Int32 = 0
            var character: CChar = 0
            let fenced = cmark_node_get_fenced(node, &length, &offset, &character) != 0
            let info = append(archbook_fence_info(node), to: &literals)
            return make(.codeBlock, flags: fenced ? Flag.fenced : 0, literal: literal(), extra: info)
        case CMARK_NODE_HTML_BLOCK: return make(.htmlBlock, literal: literal())
        case CMARK_NODE_PARAGRAPH: return make(.paragraph)
        case CMARK_NODE_HEADING: return make(.heading, number: cmark_node_get_heading_level(node))
        case CMARK_NODE_THEMATIC_BREAK: return make(.thematicBreak)
        case CMARK_NODE_FOOTNOTE_DEFINITION: return make(.footnoteDefinition, literal: literal())
        case CMARK_NODE_TEXT: return make(.text, literal: literal())
        case CMARK_NODE_SOFTBREAK: return make(.softBreak)
        case CMARK_NODE_LINEBREAK: return make(.lineBreak)
        case CMARK_NODE_CODE: return make(.code, literal: literal())
        case CMARK_NODE_HTML_INLINE: return make(.htmlInline, literal: literal())
        case CMARK_NODE_EMPH: return make(.emphasis)
        case CMARK_NODE_STRONG: return make(.strong)
        case CMARK_NODE_LINK, CMARK_NODE_IMAGE:
            let url = append(archbook_url(node), to: &literals)
            let title = append(archbook_title(node), to: &literals)
            return make(type == CMARK_NODE_LINK ? .link : .image, literal: url, extra: title)
        case CMARK_NODE_FOOTNOTE_REFERENCE: return make(.footnoteReference, literal: literal())
        case CMARK_NODE_TABLE:
            let n = Int(cmark_gfm_extensions_get_table_columns(node))
            let start = literals.count
            if let a = cmark_gfm_extensions_get_table_alignments(node) {
                for i in 0..<n { literals.append(a[i]) }
            }
            return make(.table, extra: MarkdownTree.ByteSpan(start: Int32(truncatingIfNeeded: start),
                                                             count: Int32(truncatingIfNeeded: literals.count - start)))
        case CMARK_NODE_TABLE_ROW:
            return make(.tableRow, flags: cmark_gfm_extensions_get_table_row_is_header(node) != 0 ? Flag.header : 0)
        case CMARK_NODE_TABLE_CELL: return make(.tableCell)
        case CMARK_NODE_STRIKETHROUGH: return make(.strikethrough)
        default:
            return make(.other, literal: append(cmark_node_get_type_string(node), to: &literals))
        }
    }
}
