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

/// A node's type without its payload: scans test this first, so walking a tree does not copy
/// (and retain) every literal string it passes.
public enum NodeTag: UInt8, Sendable {
    case document, blockQuote, list, item, taskItem, codeBlock, htmlBlock, paragraph, heading, thematicBreak
    case table, tableRow, tableCell, footnoteDefinition
    case text, softBreak, lineBreak, code, htmlInline, emphasis, strong, strikethrough, link, image
    case footnoteReference, other

    init(_ kind: MarkdownKind) {
        switch kind {
        case .document: self = .document
        case .blockQuote: self = .blockQuote
        case .list: self = .list
        case .item(let task): self = task == nil ? .item : .taskItem
        case .codeBlock: self = .codeBlock
        case .htmlBlock: self = .htmlBlock
        case .paragraph: self = .paragraph
        case .heading: self = .heading
        case .thematicBreak: self = .thematicBreak
        case .table: self = .table
        case .tableRow: self = .tableRow
        case .tableCell: self = .tableCell
        case .footnoteDefinition: self = .footnoteDefinition
        case .text: self = .text
        case .softBreak: self = .softBreak
        case .lineBreak: self = .lineBreak
        case .code: self = .code
        case .htmlInline: self = .htmlInline
        case .emphasis: self = .emphasis
        case .strong: self = .strong
        case .strikethrough: self = .strikethrough
        case .link: self = .link
        case .image: self = .image
        case .footnoteReference: self = .footnoteReference
        case .other: self = .other
        }
    }
}

public struct MarkdownTree: Sendable {
    public struct NodeData: Sendable {
        public let kind: MarkdownKind
        public let tag: NodeTag
        public let range: SourceRange
        public let parent: Int
        /// Index one past this node's last descendant.
        public let end: Int
    }

    public let nodes: [NodeData]

    public init(nodes: [NodeData]) {
        self.nodes = nodes
    }

    public var root: MarkdownNode { MarkdownNode(tree: self, index: 0) }

    /// Every node in document order.
    public var all: LazyMapSequence<Range<Int>, MarkdownNode> {
        nodes.indices.lazy.map { MarkdownNode(tree: self, index: $0) }
    }
}

/// A view of one node of a `MarkdownTree`.
public struct MarkdownNode: Sendable {
    public let tree: MarkdownTree
    public let index: Int

    public var kind: MarkdownKind { tree.nodes[index].kind }
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
        return index + 1 < end ? tree.nodes[index + 1].range.start : range.start
    }

    /// This node and all its descendants in document order.
    public var subtree: LazyMapSequence<Range<Int>, MarkdownNode> {
        (index..<tree.nodes[index].end).lazy.map { MarkdownNode(tree: tree, index: $0) }
    }

    /// The text a reader sees: literals of text and code, breaks as spaces, no markup.
    public var plainText: String {
        var out = ""
        for i in index..<tree.nodes[index].end {
            switch tree.nodes[i].kind {
            case .text(let s), .code(let s): out += s
            case .softBreak, .lineBreak: out += " "
            case .codeBlock(_, let literal, _): out += literal
            default: break
            }
        }
        return out
    }
}
