// The document model: everything archbook knows about one Markdown file, independent of how it was written.

public enum RelationType: String, Sendable, Codable, CaseIterable {
    case supersedes
    case supersededBy = "superseded-by"
    case amends
    case amendedBy = "amended-by"
    case relatesTo = "relates-to"

    /// The relation the target must record for the chain to be consistent.
    public var inverse: RelationType? {
        switch self {
        case .supersedes: return .supersededBy
        case .supersededBy: return .supersedes
        case .amends: return .amendedBy
        case .amendedBy: return .amends
        case .relatesTo: return nil
        }
    }

    /// "A supersedes B" / "A is superseded by B": the relation as a sentence.
    public func sentence(_ a: String, _ b: String) -> String {
        switch self {
        case .supersedes, .amends: return "\(a) \(rawValue) \(b)"
        case .supersededBy, .amendedBy, .relatesTo: return "\(a) is \(phrase) \(b)"
        }
    }

    /// Human wording, as in "Superseded by".
    public var phrase: String {
        switch self {
        case .supersedes: return "supersedes"
        case .supersededBy: return "superseded by"
        case .amends: return "amends"
        case .amendedBy: return "amended by"
        case .relatesTo: return "related to"
        }
    }
}

public struct Relation: Sendable, Equatable, Codable {
    public var type: RelationType
    /// As written: an ID (`ADR-0002`), a relative path (`0002-use-x.md`) or a slug.
    public var target: String
    public var position: SourcePosition
    /// The file the relation was written in when it is not the document itself (a sidecar).
    public var file: String?

    public init(type: RelationType, target: String, position: SourcePosition, file: String? = nil) {
        self.type = type
        self.target = target
        self.position = position
        self.file = file
    }
}

/// Where a piece of metadata was found; used to explain and to point diagnostics at the right line.
public enum MetadataSource: String, Sendable, Codable {
    case frontMatter = "front-matter"
    case statusSection = "status-section"
    case headerBullet = "header-bullet"
    case dateLine = "date-line"
    case tableRow = "table-row"
    case heading
    case fileName = "file-name"
    case sidecar
    /// A section named after the field (`### Date`, `## Authors`), as the Google SRE template writes them.
    case section
}

/// A `Key: value` line under the title (a header bullet or a line such as `Date: 2016-02-12`), whatever its key.
public struct HeaderField: Sendable, Equatable {
    /// Lower case with single spaces, without surrounding emphasis: `start date`.
    public var key: String
    public var value: String
    public var source: MetadataSource
    /// Where the line's text starts (its key, for `* Date: ...`).
    public var position: SourcePosition

    public init(key: String, value: String, source: MetadataSource, position: SourcePosition = .start) {
        self.key = key
        self.value = value
        self.source = source
        self.position = position
    }
}

public struct Status: Sendable, Equatable, Codable {
    /// The text as written, e.g. `**Accepted** ✅`.
    public var raw: String
    /// Normalised and mapped through the kind's aliases, e.g. `accepted`.
    public var value: String
    /// A qualifier that followed the status, e.g. `Swift 5.5` in `Implemented (Swift 5.5)`.
    public var note: String?
    public var source: MetadataSource
    public var position: SourcePosition
}

public struct DateValue: Sendable, Equatable, Codable {
    public var raw: String
    public var year: Int
    public var month: Int
    public var day: Int
    public var position: SourcePosition

    /// `YYYY-MM-DD`.
    public var iso: String {
        func pad(_ n: Int, _ w: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}

public struct Section: Sendable, Equatable {
    public var title: String
    /// Title normalised for matching against schema section names.
    public var key: String
    public var level: Int
    /// The heading's range.
    public var range: SourceRange
    /// GitHub-style anchor, unique within the document.
    public var anchor: String
    /// Index of the enclosing section in `Document.sections`, if any.
    public var parent: Int?
    /// Whether any block other than headings sits under it (including in subsections).
    public var hasContent: Bool
    /// Whether any block sits directly under it, before its first subsection.
    public var hasOwnContent: Bool
    /// Index in `MarkdownTree.nodes` of the heading node.
    public var node: Int
}

public struct TaskItem: Sendable, Equatable {
    public var checked: Bool
    public var text: String
    /// Index in `Document.sections` of the section the task is in.
    public var section: Int?
    public var position: SourcePosition
}

public struct Link: Sendable, Equatable {
    public var destination: String
    public var text: String
    public var isImage: Bool
    public var position: SourcePosition
}

public struct People: Sendable, Equatable, Codable {
    public var authors: [String] = []
    public var deciders: [String] = []
    public var owners: [String] = []
    public var consulted: [String] = []
    public var informed: [String] = []

    public init() {}
}

public struct Document: Sendable {
    /// Path relative to the docs root, `/`-separated.
    public var path: String
    public var kind: String?
    public var id: String?
    public var idSource: MetadataSource?
    public var title: String
    public var titleSource: MetadataSource
    public var titlePosition: SourcePosition
    public var status: Status?
    /// Named dates: `date`, `created`, `updated`, ... (front matter keys, or `date` from other conventions).
    public var dates: [String: DateValue]
    public var people: People
    public var tags: [String]
    public var relations: [Relation]
    public var sections: [Section]
    public var tasks: [TaskItem]
    public var links: [Link]
    public var frontMatter: FrontMatter?
    /// Every `Key: value` line under the title, in document order.
    public var headerFields: [HeaderField]
    /// Header values with no document field of their own (`RFC PR`, `Review Manager`), by the name the kind maps them to.
    public var fields: [String: String]
    /// The number a `# 7. Title` heading starts with.
    public var headingNumber: Int?
    /// A template (`template.md`, `adr-template.md`): not a document of any kind, and its links are examples.
    public var isTemplate: Bool
    /// `id` and `name` attributes of raw HTML in the body: link targets beside the heading anchors.
    public var htmlAnchors: [String]
    /// The sidecar file the metadata came from, relative to the docs root.
    public var sidecar: String?
    /// The Markdown body (after any front matter) and the number of lines before it.
    var body: ArraySlice<UInt8>
    var bodyLineOffset: Int
    /// The file the body is the tail of, when it is (a check sets it): what identifies the body without hashing it
    /// again, and what a build reads when a body it left unread is needed after all.
    var source: SourceFile? = nil

    /// What identifies the body's bytes: its file's size and hash and where in it the body starts, else a hash of it.
    var bodyIdentity: UInt64 {
        guard let s = source else { return StableHash.of(body) }
        var h = StableHash()
        h.add("file")
        h.add(s.size)
        h.add(Int(truncatingIfNeeded: s.hash))
        h.add(s.start)
        return h.value
    }

    /// The body's tree, parsed again on each use: nothing after extraction reads it, and a document
    /// that keeps only its bytes holds a third of the memory it would with its tree.
    public var markdown: MarkdownTree { MarkdownParser.parse(body, lineOffset: bodyLineOffset) }

    /// The main date: `date`, else `created`, else `updated`.
    public var date: DateValue? { dates["date"] ?? dates["created"] ?? dates["updated"] }

}

/// A document's file as the check knew it.
struct SourceFile: Sendable, Equatable {
    var size: Int
    var hash: UInt64
    /// Where the body starts in the file.
    var start: Int
    /// The body was not read: the file had the stamp it had when it was last extracted (`FileStamp`), so its
    /// document came from the memo without its bytes, and `body` is empty until a build reads it (`SiteModel`).
    var unread: Bool = false
}

/// When each file was first committed and last changed, from git history (`git-dates: true` in archbook.yml).
public struct DocumentHistory: Sendable, Equatable {
    public struct Dates: Sendable, Equatable {
        public var created: DateValue
        public var updated: DateValue

        public init(created: DateValue, updated: DateValue) {
            self.created = created
            self.updated = updated
        }
    }

    /// By path relative to the docs root.
    public var dates: [String: Dates]

    public init(dates: [String: Dates]) {
        self.dates = dates
    }
}
