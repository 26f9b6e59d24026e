// The catalogue of validation rules: stable IDs, default severities and the text reports show for them.

public struct Rule: Hashable, Sendable {
    public let id: String
    public let defaultSeverity: Severity
    /// One sentence, shown as SARIF's shortDescription and in `--format json` rule metadata.
    public let summary: String
    /// How to fix it in general; a diagnostic's own hint is more specific.
    public let help: String
}

public enum Rules {
    public static let missingSection = Rule(id: "missing-section", defaultSeverity: .error,
        summary: "A section the document's kind requires is missing.",
        help: "Add a heading with the section's name (any level; numbering, case and a trailing colon are ignored).")
    public static let emptySection = Rule(id: "empty-section", defaultSeverity: .warning,
        summary: "A required section has a heading but no content.",
        help: "Write the section's content, or remove the heading if the kind does not require it.")
    public static let missingStatus = Rule(id: "missing-status", defaultSeverity: .error,
        summary: "The document has no status.",
        help: "Add `status:` to the front matter, a `## Status` section, or a `* Status:` bullet under the title.")
    public static let unknownStatus = Rule(id: "unknown-status", defaultSeverity: .warning,
        summary: "The status is not one the document's kind allows.",
        help: "Use one of the kind's statuses, or declare the value (or an alias for it) in archbook.yml.")
    public static let missingTitle = Rule(id: "missing-title", defaultSeverity: .warning,
        summary: "The document has no title.",
        help: "Start the document with a `# Title` heading or set `title:` in the front matter.")
    public static let missingMetadata = Rule(id: "missing-metadata", defaultSeverity: .error,
        summary: "A metadata field the kind requires is missing.",
        help: "Add the field to the front matter or as a `* Field: value` bullet under the title.")
    public static let duplicateID = Rule(id: "duplicate-id", defaultSeverity: .error,
        summary: "Two documents claim the same ID.",
        help: "Renumber one of them to the next free number (this usually happens when two pull requests add a document at once).")
    public static let idMismatch = Rule(id: "id-mismatch", defaultSeverity: .warning,
        summary: "The ID in the title disagrees with the ID from the file name or front matter.",
        help: "Make the title's number match the file name, or rename the file.")
    public static let brokenLink = Rule(id: "broken-link", defaultSeverity: .error,
        summary: "A relative link points to a file that does not exist.",
        help: "Fix the link's path (it is resolved relative to the linking document).")
    public static let brokenAnchor = Rule(id: "broken-anchor", defaultSeverity: .error,
        summary: "A link points to a heading anchor that does not exist.",
        help: "Use the anchor GitHub derives from the heading: lower case, spaces as hyphens, punctuation removed.")
    public static let relationTargetMissing = Rule(id: "relation-target-missing", defaultSeverity: .error,
        summary: "A relation names a document that does not exist.",
        help: "Point the relation at an existing document's ID or file.")
    public static let relationNotReciprocated = Rule(id: "relation-not-reciprocated", defaultSeverity: .error,
        summary: "A supersedes or amends relation is not recorded on the other document.",
        help: "Record the inverse relation on the other document, so both ends of the chain agree.")
    public static let relationCycle = Rule(id: "relation-cycle", defaultSeverity: .error,
        summary: "Supersedes or amends relations form a cycle.",
        help: "A decision cannot (indirectly) supersede or amend itself; remove one relation of the cycle.")
    public static let supersededWithoutSuccessor = Rule(id: "superseded-without-successor", defaultSeverity: .warning,
        summary: "The document is superseded but does not say by what.",
        help: "Add `superseded-by:` with the successor's ID, or a `Superseded by [...](...)` line in the Status section.")
    public static let invalidFrontMatter = Rule(id: "invalid-front-matter", defaultSeverity: .error,
        summary: "The YAML front matter cannot be read.",
        help: "Fix the YAML syntax; the front matter must be a mapping between two `---` lines.")
    public static let invalidDate = Rule(id: "invalid-date", defaultSeverity: .error,
        summary: "A date is not a valid calendar date.",
        help: "Write dates as YYYY-MM-DD.")
    public static let unfilledPlaceholder = Rule(id: "unfilled-placeholder", defaultSeverity: .warning,
        summary: "Template placeholder text was left in the document.",
        help: "Replace the placeholder with the real value.")
    public static let decisionMatrix = Rule(id: "decision-matrix", defaultSeverity: .error,
        summary: "A weighted decision matrix does not add up.",
        help: "Weights must sum to 100% and each weighted score must equal the sum of weight times score.")
    public static let invalidUTF8 = Rule(id: "invalid-utf8", defaultSeverity: .warning,
        summary: "The file is not valid UTF-8.",
        help: "Re-save the file as UTF-8; invalid bytes were read as U+FFFD.")
    public static let unreadableFile = Rule(id: "unreadable-file", defaultSeverity: .error,
        summary: "The file could not be read.",
        help: "Check the file's permissions.")
    public static let nulByte = Rule(id: "nul-byte", defaultSeverity: .warning,
        summary: "The file contains NUL bytes: it is binary, or text in another encoding such as UTF-16.",
        help: "Re-save the file as UTF-8 text; NUL bytes are shown as U+FFFD.")
    public static let resourceLimit = Rule(id: "resource-limit", defaultSeverity: .error,
        summary: "A file is larger, or expands to more, than a limit allows; that part was not read.",
        help: "Shrink or split the file, or raise the limit the message names under `limits:` in archbook.yml.")
    public static let symlinkOutside = Rule(id: "symlink-outside", defaultSeverity: .warning,
        summary: "A symbolic link points outside the docs tree; it is not followed.",
        help: "Copy the file into the docs tree, or link to it by URL; archbook never reads or publishes files outside the tree.")
    public static let unsafePath = Rule(id: "unsafe-path", defaultSeverity: .error,
        summary: "A file's path cannot be used safely (absolute, `..`, empty segments or control characters); it is skipped.",
        help: "Rename the file: control characters such as newlines in names end up in logs and links.")
    public static let caseCollision = Rule(id: "case-collision", defaultSeverity: .warning,
        summary: "Two files' paths differ only in letter case.",
        help: "Rename one of them: on case-insensitive file systems (macOS, Windows) and some web hosts one replaces the other.")
    public static let activeFile = Rule(id: "active-file", defaultSeverity: .warning,
        summary: "A linked file could run scripts in the site's origin when opened (HTML, XML, or an SVG with scripts); it is not published.",
        help: "Remove the active content (scripts, event handlers, javascript: or data: URLs), link to the file where it is hosted, or set `site: publish-active-files: true` in archbook.yml to publish such files as they are.")

    public static let all: [Rule] = [
        missingSection, emptySection, missingStatus, unknownStatus, missingTitle, missingMetadata,
        duplicateID, idMismatch, brokenLink, brokenAnchor, relationTargetMissing,
        relationNotReciprocated, relationCycle, supersededWithoutSuccessor, invalidFrontMatter,
        invalidDate, unfilledPlaceholder, decisionMatrix, invalidUTF8, unreadableFile,
        nulByte, resourceLimit, symlinkOutside, unsafePath, caseCollision, activeFile,
    ]

    // Rules that compare the docs tree with a git revision (`check --base REF`); they run only then.
    public static let numberCollision = Rule(id: "number-collision", defaultSeverity: .error,
        summary: "A document added here has an ID the base revision already gives another document.",
        help: "Renumber the new document to the next number free on the base branch (two pull requests took the same number).")
    public static let frozenSectionChanged = Rule(id: "frozen-section-changed", defaultSeverity: .warning,
        summary: "A section of an accepted document changed since the base revision.",
        help: "Accepted decisions are amended or superseded, not rewritten: revert the change and record it in a new document that amends or supersedes this one.")
    public static let deletedDocumentReferenced = Rule(id: "deleted-document-referenced", defaultSeverity: .error,
        summary: "A document deleted since the base revision is still referenced.",
        help: "Keep the document (mark it deprecated or superseded instead of deleting it), or remove the references to it.")

    /// The rules of `check --base`, reported (and listed in SARIF) only when a base revision is given.
    public static let history: [Rule] = [numberCollision, frozenSectionChanged, deletedDocumentReferenced]

    /// Every rule a configuration may name.
    public static let known: [Rule] = all + history

    public static func rule(withID id: String) -> Rule? { known.first { $0.id == id } }
}
