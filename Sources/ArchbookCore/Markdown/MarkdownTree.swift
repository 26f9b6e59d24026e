// An immutable GitHub Flavored Markdown tree with source ranges, stored flat in pre-order for speed.

public enum TaskState: Sendable, Equatable {
    case checked
    case unchecked
}

public enum TableAlignment: Sendable, Equatable {
    case none, left, center, right
}

public enum MarkdownKind: Sendable, Equatable {
    case document
    case blockQuote
    case list(ordered: Bool, start: Int, tight: Bool)
    case item(task: TaskState?)
    case codeBlock(info: String, literal: String, fenced: Bool)
    case htmlBlock(String)
    case paragraph
    case heading(level: Int, setext: Bool)
    case thematicBreak
    case table(alignments: [TableAlignment])
    case tableRow(header: Bool)
    case tableCell
    case footnoteDefinition(label: String)
    case text(String)
    case softBreak
    case lineBreak
    case code(String)
    case htmlInline(String)
    case emphasis
    case strong
    case strikethrough
    case link(destination: String, title: String)
    case image(source: String, title: String)
    case footnoteReference(label: String)
    case other(String)

    public var isBlock: Bool {
        switch self {
        case .document, .blockQuote, .list, .item, .codeBlock, .htmlBlock, .paragraph, .heading,
             .thematicBreak, .table, .tableRow, .tableCell, .footnoteDefinition:
            return true
        default:
            return false
        }
    }
}

/// A node's type without its payload: scans test this first, so walking a tree builds no strings.
/// Block types come first, so `isBlock` is one comparison.
public enum NodeTag: UInt8, Sendable {
    case document, blockQuote, list, item, taskItem, codeBlock, htmlBlock, paragraph, heading, thematicBreak
    case table, tableRow, tableCell, footnoteDefinition
    case text, softBreak, lineBreak, code, htmlInline, emphasis, strong, strikethrough, link, image
    case footnoteReference, other

    public var isBlock: Bool { rawValue <= NodeTag.footnoteDefinition.rawValue }
}

public struct MarkdownTree: Sendable {
    /// One node. It holds no references: its strings live in the tree's one `literals` buffer, so a
    /// document's tree is two allocations, and copying or scanning nodes involves no reference counting.
    public struct NodeData: Sendable {
        public let tag: NodeTag
        /// Per-tag bits, see `Flag`.
        let flags: UInt8
        /// A heading's level, an ordered list's start number.
        let number: Int32
        let startLine: Int32, startColumn: Int32, endLine: Int32, endColumn: Int32
        let parentIndex: Int32
        /// Set by the parser once the node's subtree is complete.
        var endIndex: Int32
        /// Text, code and HTML literals, link and image destinations, footnote labels, unknown type names.
        let literal: ByteSpan
        /// Link and image titles, code block info strings, table alignments (one `l`/`c`/`r`/0 byte per column).
        let extra: ByteSpan

        init(tag: NodeTag, flags: UInt8 = 0, number: Int32 = 0, range: SourceRange, parent: Int, end: Int,
             literal: ByteSpan = .empty, extra: ByteSpan = .empty) {
            self.tag = tag
            self.flags = flags
            self.number = number
            startLine = Int32(truncatingIfNeeded: range.start.line)
            startColumn = Int32(truncatingIfNeeded: range.start.column)
            endLine = Int32(truncatingIfNeeded: range.end.line)
            endColumn = Int32(truncatingIfNeeded: range.end.column)
            parentIndex = Int32(truncatingIfNeeded: parent)
            endIndex = Int32(truncatingIfNeeded: end)
            self.literal = literal
            self.extra = extra
        }

        public var range: SourceRange {
            SourceRange(start: SourcePosition(line: Int(startLine), column: Int(startColumn)),
                        end: SourcePosition(line: Int(endLine), column: Int(endColumn)))
        }

        public var start: SourcePosition { SourcePosition(line: Int(startLine), column: Int(startColumn)) }
        public var parent: Int { Int(parentIndex) }
        /// Index one past this node's last descendant.
        public var end: Int { Int(endIndex) }
        /// A heading's level; 0 for other nodes.
        public var headingLevel: Int { tag == .heading ? Int(number) : 0 }
    }

    /// A run of bytes in `literals`.
    struct ByteSpan: Sendable {
        var start: Int32
        var count: Int32
        static let empty = ByteSpan(start: 0, count: 0)
        var range: Range<Int> { Int(start)..<(Int(start) + Int(count)) }
    }

    enum Flag {
        static let ordered: UInt8 = 1
        static let tight: UInt8 = 2
        static let checked: UInt8 = 4
        static let fenced: UInt8 = 8
        static let header: UInt8 = 16
    }

    public let nodes: [NodeData]
    /// Every node's strings, back to back.
    let literals: [UInt8]

    init(nodes: [NodeData], literals: [UInt8]) {
        self.nodes = nodes
        self.literals = literals
    }

    public var root: MarkdownNode { MarkdownNode(tree: self, index: 0) }

    /// Every node in document order.
    public var all: LazyMapSequence<Range<Int>, MarkdownNode> {
        nodes.indices.lazy.map { MarkdownNode(tree: self, index: $0) }
    }

    /// The node's type with its payload; builds strings, so scans test `tag` first.
    public func kind(at i: Int) -> MarkdownKind {
        let n = nodes[i]
        switch n.tag {
        case .document: return .document
        case .blockQuote: return .blockQuote
        case .list: return .list(ordered: n.flags & Flag.ordered != 0, start: Int(n.number), tight: n.flags & Flag.tight != 0)
        case .item: return .item(task: nil)
        case .taskItem: return .item(task: n.flags & Flag.checked != 0 ? .checked : .unchecked)
        case .codeBlock: return .codeBlock(info: string(n.extra), literal: string(n.literal), fenced: n.flags & Flag.fenced != 0)
        case .htmlBlock: return .htmlBlock(string(n.literal))
        case .paragraph: return .paragraph
        case .heading: return .heading(level: Int(n.number), setext: false)
        case .thematicBreak: return .thematicBreak
        case .table:
            return .table(alignments: literals[n.extra.range].map {
                switch $0 {
                case UInt8(ascii: "l"): return .left
                case UInt8(ascii: "c"): return .center
                case UInt8(ascii: "r"): return .right
                default: return .none
                }
            })
        case .tableRow: return .tableRow(header: n.flags & Flag.header != 0)
        case .tableCell: return .tableCell
        case .footnoteDefinition: return .footnoteDefinition(label: string(n.literal))
        case .text: return .text(string(n.literal))
        case .softBreak: return .softBreak
        case .lineBreak: return .lineBreak
        case .code: return .code(string(n.literal))
        case .htmlInline: return .htmlInline(string(n.literal))
        case .emphasis: return .emphasis
        case .strong: return .strong
        case .strikethrough: return .strikethrough
        case .link: return .link(destination: string(n.literal), title: string(n.extra))
        case .image: return .image(source: string(n.literal), title: string(n.extra))
        case .footnoteReference: return .footnoteReference(label: string(n.literal))
        case .other: return .other(string(n.literal))
        }
    }

    func string(_ span: ByteSpan) -> String {
        span.count == 0 ? "" : String(decoding: literals[span.range], as: UTF8.self)
    }

    /// Text, code and HTML literals; a link's or image's destination.
    func literal(_ i: Int) -> String { string(nodes[i].literal) }

    /// Whether the node's literal starts with `prefix` (ASCII).
    func literal(_ i: Int, hasPrefix prefix: StaticString) -> Bool {
        let span = nodes[i].literal
        guard Int(span.count) >= prefix.utf8CodeUnitCount else { return false }
        let p = UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
        var k = Int(span.start)
        for b in p {
            if literals[k] != b { return false }
            k += 1
        }
        return true
    }

    /// Appends what `plainText` shows of nodes `from..<to` to `out`.
    func appendPlainText(from: Int, to: Int, into out: inout [UInt8]) {
        literals.withUnsafeBufferPointer { lit in
            for i in from..<to {
                let n = nodes[i]
                switch n.tag {
                case .text, .code, .codeBlock:
                    let r = n.literal.range
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: lit[r]))
                case .softBreak, .lineBreak:
                    out.append(0x20)
                default:
                    break
                }
            }
        }
    }

    /// The plain text of node `i`; `trimmed` drops surrounding spaces, tabs and line breaks as `String.trimmed` does.
    func plainText(_ i: Int, trimmed: Bool) -> String {
        let end = nodes[i].end
        // A heading or cell usually holds one text node: no buffer needed.
        if end == i + 2, nodes[i + 1].tag == .text {
            return trimmed ? Self.trimmedString(literals[nodes[i + 1].literal.range]) : string(nodes[i + 1].literal)
        }
        var out: [UInt8] = []
        appendPlainText(from: i, to: end, into: &out)
        return trimmed ? Self.trimmedString(out[...]) : String(decoding: out, as: UTF8.self)
    }

    static func trimmedString(_ bytes: ArraySlice<UInt8>) -> String {
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        var lo = bytes.startIndex, hi = bytes.endIndex
        while lo < hi, isSpace(bytes[lo]) { lo += 1 }
        while hi > lo, isSpace(bytes[hi - 1]) { hi -= 1 }
        return String(decoding: bytes[lo..<hi], as: UTF8.self)
    }
}

/// A view of one node of a `MarkdownTree`.
public struct MarkdownNode: Sendable {
    public let tree: MarkdownTree
    public let index: Int

    public var kind: MarkdownKind { tree.kind(at: index) }
    public var tag: NodeTag { tree.nodes[index].tag }
    public var range: SourceRange { tree.nodes[index].range }
    public var parent: MarkdownNode? {
        let p = tree.nodes[index].parent
        return p < 0 ? nil : MarkdownNode(tree: tree, index: p)
    }

    public var children: [MarkdownNode] {
        var result: [MarkdownNode] = []
        var j = index + 1
        let end = tree.nodes[index].end
        while j < end {
            result.append(MarkdownNode(tree: tree, index: j))
            j = tree.nodes[j].end
        }
        return result
    }

    /// Where the node's visible content starts: its first inline descendant, else the node itself.
    /// cmark-gfm starts a table cell at the space after `|`; a caret belongs under the text.
    public var contentStart: SourcePosition {
        let end = tree.nodes[index].end
        return index + 1 < end ? tree.nodes[index + 1].start : tree.nodes[index].start
    }

    /// This node and all its descendants in document order.
    public var subtree: LazyMapSequence<Range<Int>, MarkdownNode> {
        (index..<tree.nodes[index].end).lazy.map { MarkdownNode(tree: tree, index: $0) }
    }

    /// The text a reader sees: literals of text and code, breaks as spaces, no markup.
    public var plainText: String { tree.plainText(index, trimmed: false) }
}

extension MarkdownTree {
    /// Indices of node `i`'s children, without building an array.
    func childIndices(of i: Int) -> ChildIndices { ChildIndices(nodes: nodes, first: i + 1, end: nodes[i].end) }

    struct ChildIndices: Sequence, IteratorProtocol {
        let nodes: [NodeData]
        var first: Int
        let end: Int

        mutating func next() -> Int? {
            guard first < end else { return nil }
            defer { first = nodes[first].end }
            return first
        }
    }
}
