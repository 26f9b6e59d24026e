// Named schemas for the templates and tools teams already use (adr-tools, MADR, log4brains, RFCs, runbooks, post-mortems).

/// One named, documented schema a kind can pick with `preset:` (docs/presets.md describes each).
public struct Preset: Sendable, Equatable {
    public let name: String
    /// The kind a folder written this way holds, and the kind a detected folder is given.
    public let kind: String
    /// The tool or template the preset follows, for `--explain`, `archbook init` and the docs.
    public let matches: String
    public let idPrefix: String
    public let idDigits: Int
    /// Folders a kind declared only with `preset:` looks in, and folder names detection takes as a hint.
    public let paths: [String]
    public let sectionSets: [[SectionRequirement]]
    public let optionalSections: [String]
    public let statuses: [StatusDefinition]
    public let requireStatus: Bool
    public let idFrom: IDFrom
    public let titleFrom: TitleFrom
    /// Header keys (`* Start Date:`) this template uses, mapped to document fields.
    public let fields: [String: String]
    /// Rules this convention makes meaningless, with the severity they get under the preset.
    public let rules: [String: Severity?]
    /// What distinguishes a document written this way from one written for a sibling preset.
    let signals: [Signal]

    public static func named(_ name: String) -> Preset? {
        all.first { $0.name == name }
    }

    public static var names: [String] { all.map(\.name) }
}

/// Where a kind's document IDs come from.
public enum IDFrom: Sendable, Equatable {
    /// The number at the start of the file name (`0007-x.md` → `ADR-0007`), else the title's.
    case number
    /// The file name without extension (`20200925-use-x`, `KubePodCrashLooping`): for names without a sequence number.
    case fileName
    /// The file name, prefixed with `<name>/` under a `packages/<name>/` folder: how log4brains names a monorepo's package ADRs.
    case packageFileName
    /// The first match (or first capture group) of a regular expression over the file name without extension.
    case pattern(String)
}

/// Where a kind's document titles come from.
public enum TitleFrom: String, Sendable, Equatable {
    /// `title:` in front matter, else the first H1, else the file name (with a missing-title warning).
    case heading
    /// `title:` in front matter, else the file name made readable (`0001-private-fields.md` → "Private fields").
    case fileName = "file-name"
}

/// Evidence a document was written for a preset; detection counts how many of a preset's signals each document shows.
enum Signal: Sendable, Equatable {
    /// `# 7. Title`: adr-tools numbers the title.
    case numberedTitle
    /// A `Date: 2016-02-12` line under the title.
    case dateLine
    case statusSection
    /// A `* Key: value` bullet (or line) under the title with this lower-cased key.
    case headerField(String)
    /// YAML front matter with any of these keys.
    case frontMatterKey([String])
    case frontMatter
    case noTitleHeading
    /// `YYYYMMDD-slug.md`.
    case datedFileName
    /// `0007-slug.md`: a sequence number, as MADR and adr-tools name files.
    case numberedFileName
    /// A heading with this (normalised) name.
    case section(String)

    var description: String {
        switch self {
        case .numberedTitle: return "a numbered title (`# 7. Title`)"
        case .dateLine: return "a `Date:` line"
        case .statusSection: return "a Status section"
        case .headerField(let k):
            let label = k.split(separator: " ").map { $0 == "rfc" || $0 == "pr" ? $0.uppercased() : $0.prefix(1).uppercased() + $0.dropFirst() }
            return "a `\(label.joined(separator: " ")):` header line"
        case .frontMatterKey(let keys): return "front matter `\(keys.joined(separator: "`/`"))`"
        case .frontMatter: return "YAML front matter"
        case .noTitleHeading: return "no H1 title"
        case .datedFileName: return "date-based file names (YYYYMMDD-slug.md)"
        case .numberedFileName: return "numbered file names (0007-slug.md)"
        case .section(let s): return "a '\(s)' section"
        }
    }
}

extension Preset {
    private static func section(_ name: String, _ aliases: String...) -> SectionRequirement {
        SectionRequirement(name, aliases: aliases, satisfiedBy: SectionKey.normalize(name) == "status" ? "status" : nil)
    }

    /// Status values shared by the decision presets (adr-tools, MADR, log4brains).
    private static let decisionStatuses: [StatusDefinition] = [
        StatusDefinition("proposed", aliases: ["draft", "pending", "open", "under review", "in review"]),
        StatusDefinition("accepted", aliases: ["approved", "agreed", "adopted", "done", "decided"]),
        StatusDefinition("rejected", aliases: ["declined"], terminal: true),
        StatusDefinition("deprecated", aliases: ["obsolete"], terminal: true),
        StatusDefinition("superseded", terminal: true),
    ]

    private static let postmortemStatuses: [StatusDefinition] = [
        StatusDefinition("draft"),
        StatusDefinition("in-review", aliases: ["review", "in review"]),
        StatusDefinition("published", aliases: ["final", "complete", "completed", "closed", "done", "resolved"]),
    ]

    private static let madrSections: [SectionRequirement] = [
        section("Status"),
        section("Context and Problem Statement", "Context"),
        // MADR 1 called them Considered Alternatives; many records still do.
        section("Considered Options", "Considered Alternatives"),
        section("Decision Outcome", "Decision"),
    ]

    private static let madrOptional = ["Decision Drivers", "Pros and Cons of the Options", "Consequences",
                                       "More Information", "Links"]

    /// MADR records "superseded by" on the older record only: asking the newer one to record it too is noise.
    private static let oneSidedRelations: [String: Severity?] = ["relation-not-reciprocated": Severity?.none]

    public static let nygard = Preset(
        name: "nygard", kind: "decision",
        matches: "Michael Nygard's ADR format as adr-tools writes it: `# N. Title`, `Date:`, a Status section with Supersedes/Superseded by lines",
        idPrefix: "ADR", idDigits: 4, paths: ["**/decisions/**", "**/adr/**", "**/adrs/**"],
        sectionSets: [[section("Status"), section("Context", "Context and Problem Statement", "Background"),
                       section("Decision"), section("Consequences")]],
        optionalSections: KindSchema.decision.optionalSections,
        statuses: decisionStatuses, requireStatus: true, idFrom: .number, titleFrom: .heading,
        fields: [:], rules: [:],
        signals: [.numberedTitle, .dateLine, .statusSection])

    public static let madr2 = Preset(
        name: "madr2", kind: "decision",
        matches: "MADR 2.x: `* Status:`, `* Deciders:`, `* Date:` bullets under the title and `Technical Story:`",
        idPrefix: "ADR", idDigits: 4, paths: ["**/decisions/**", "**/adr/**", "**/adrs/**"],
        sectionSets: [madrSections],
        optionalSections: madrOptional + ["Positive Consequences", "Negative Consequences"],
        statuses: decisionStatuses, requireStatus: false, idFrom: .number, titleFrom: .heading,
        fields: [:], rules: oneSidedRelations,
        signals: [.headerField("status"), .headerField("deciders"), .headerField("date"), .headerField("technical story"),
                  .numberedFileName])

    public static let madr3 = Preset(
        name: "madr3", kind: "decision",
        matches: "MADR 3.x: YAML front matter with status, date, deciders, consulted, informed; a Validation section",
        idPrefix: "ADR", idDigits: 4, paths: ["**/decisions/**", "**/adr/**", "**/adrs/**"],
        sectionSets: [madrSections],
        optionalSections: madrOptional + ["Validation"],
        statuses: decisionStatuses, requireStatus: false, idFrom: .number, titleFrom: .heading,
        fields: [:], rules: oneSidedRelations,
        signals: [.frontMatter, .frontMatterKey(["deciders"]), .section("validation")])

    public static let madr4 = Preset(
        name: "madr4", kind: "decision",
        matches: "MADR 4.x: YAML front matter with status, date, decision-makers, consulted, informed; a Confirmation section",
        idPrefix: "ADR", idDigits: 4, paths: ["**/decisions/**", "**/adr/**", "**/adrs/**"],
        sectionSets: [madrSections],
        optionalSections: madrOptional + ["Confirmation"],
        statuses: decisionStatuses, requireStatus: false, idFrom: .number, titleFrom: .heading,
        fields: [:], rules: oneSidedRelations,
        signals: [.frontMatter, .frontMatterKey(["decision-makers", "consulted", "informed"]), .section("confirmation")])

    public static let log4brains = Preset(
        name: "log4brains", kind: "decision",
        matches: "log4brains (MADR 2 based): `- Status:`, `- Date:`, `- Tags:` bullets, files named YYYYMMDD-slug.md, `superseded by <slug>`",
        idPrefix: "ADR", idDigits: 4, paths: ["**/adr/**"],
        sectionSets: [madrSections],
        optionalSections: madrOptional + ["Positive Consequences", "Negative Consequences"],
        statuses: [StatusDefinition("draft")] + decisionStatuses.map { s in
            var s = s
            s.aliases.removeAll { $0 == "draft" }
            return s
        },
        requireStatus: false, idFrom: .packageFileName, titleFrom: .heading,
        fields: [:], rules: oneSidedRelations,
        signals: [.datedFileName, .headerField("status"), .headerField("date"), .headerField("tags")])

    public static let rfc = Preset(
        name: "rfc", kind: "rfc",
        matches: "Rust-style RFCs: `- Feature Name:`, `- Start Date:`, `- RFC PR:` bullets, no H1 (the title is the file name)",
        idPrefix: "RFC", idDigits: 4, paths: ["**/rfcs/**"],
        // The RFC process treats the remaining template sections as prompts: merged RFCs often leave some out.
        sectionSets: [[section("Summary"), section("Motivation", "Motivations")]],
        optionalSections: ["Guide-level explanation", "Reference-level explanation", "Detailed design", "Drawbacks",
                           "Rationale and alternatives", "Alternatives", "Prior art", "Unresolved questions",
                           "Future possibilities", "How We Teach This"],
        statuses: [], requireStatus: false, idFrom: .number, titleFrom: .fileName,
        fields: ["start date": "created", "feature name": "feature-name", "rfc pr": "rfc-pr",
                 "rust issue": "tracking-issue", "tracking issue": "tracking-issue"],
        rules: [:],
        signals: [.headerField("feature name"), .headerField("start date"), .headerField("rfc pr"), .noTitleHeading])

    public static let proposal = Preset(
        name: "proposal", kind: "proposal",
        matches: "Swift Evolution-style proposals: `* Proposal: [SE-0296](...)`, `* Authors:`, `* Review Manager:`, `* Status: **Implemented (Swift 5.5)**`",
        idPrefix: "SE", idDigits: 4, paths: ["**/proposals/**"],
        sectionSets: [[section("Introduction"), section("Motivation"), section("Proposed solution"), section("Detailed design")]],
        optionalSections: ["Source compatibility", "ABI compatibility", "Effect on ABI stability", "Effect on API resilience",
                           "Implications on adoption", "Impact on existing code", "Future directions",
                           "Alternatives considered", "Acknowledgments", "Acknowledgements"],
        statuses: [
            StatusDefinition("awaiting review", aliases: ["pitch", "awaiting implementation"]),
            StatusDefinition("scheduled for review"),
            StatusDefinition("active review", aliases: ["in review"]),
            StatusDefinition("returned for revision"),
            StatusDefinition("accepted", aliases: ["accepted with modifications", "accepted with revisions"]),
            StatusDefinition("previewing"),
            StatusDefinition("implemented", aliases: ["partially implemented"]),
            StatusDefinition("rejected", terminal: true),
            StatusDefinition("withdrawn", terminal: true),
        ],
        requireStatus: true, idFrom: .number, titleFrom: .heading,
        fields: ["proposal": "id", "review manager": "review-manager", "implementation": "implementation",
                 "upcoming feature flag": "feature-flag", "review": "review", "decision notes": "decision-notes",
                 "previous proposal": "previous-proposal", "previous revision": "previous-revision", "bug": "bug"],
        rules: [:],
        signals: [.headerField("proposal"), .headerField("review manager"), .headerField("status"), .headerField("authors")])

    public static let runbookAlert = Preset(
        name: "runbook-alert", kind: "runbook",
        matches: "one runbook per alert, as prometheus-operator's runbooks: Meaning, Impact, Diagnosis, Mitigation; the file is named after the alert",
        idPrefix: "RB", idDigits: 4, paths: ["**/runbooks/**"],
        sectionSets: [[section("Meaning"), section("Impact"), section("Diagnosis"), section("Mitigation")]],
        optionalSections: [],
        statuses: KindSchema.runbook.statuses, requireStatus: false, idFrom: .fileName, titleFrom: .heading,
        fields: [:], rules: [:],
        signals: [])

    public static let postmortemGoogle = Preset(
        name: "postmortem-google", kind: "postmortem",
        matches: "the post-mortem template of Google's SRE book: Summary, Impact, Root Causes, Trigger, Resolution, Detection, Action Items, Lessons Learned, Timeline",
        idPrefix: "INC", idDigits: 4, paths: ["**/postmortems/**", "**/post-mortems/**", "**/incidents/**"],
        sectionSets: [[section("Summary", "Executive Summary", "Incident Summary"), section("Impact"),
                       section("Root Causes", "Root Cause", "Root Cause Analysis"), section("Trigger"),
                       section("Resolution", "Remediation", "Mitigation"), section("Detection"),
                       section("Action Items", "Follow-up Actions", "Corrective Actions"),
                       section("Lessons Learned", "Lessons Learnt"), section("Timeline", "Incident Timeline")]],
        optionalSections: ["What went well", "What went wrong", "Where we got lucky", "Supporting information"],
        statuses: postmortemStatuses, requireStatus: false, idFrom: .number, titleFrom: .heading,
        fields: [:], rules: [:],
        signals: [])

    public static let postmortemPagerDuty = Preset(
        name: "postmortem-pagerduty", kind: "postmortem",
        matches: "PagerDuty's post-mortem template: Overview, What Happened, Contributing Factors, Resolution, Impact, Timeline, Action Items",
        idPrefix: "INC", idDigits: 4, paths: ["**/postmortems/**", "**/post-mortems/**", "**/incidents/**"],
        sectionSets: [[section("Overview", "Summary", "Executive Summary", "Incident Summary"), section("What Happened"),
                       section("Contributing Factors", "Root Causes", "Root Cause"), section("Resolution", "Remediation"),
                       section("Impact"), section("Timeline", "Incident Timeline"), section("Action Items")]],
        optionalSections: ["Responders", "How'd We Do?", "What Went Well?", "What Didn't Go So Well?", "Messaging",
                           "Internal Email", "External Message"],
        statuses: postmortemStatuses, requireStatus: false, idFrom: .number, titleFrom: .heading,
        fields: ["postmortem owner": "owner", "post-mortem owner": "owner", "meeting scheduled for": "meeting",
                 "call recording": "call-recording"],
        rules: [:],
        // Its header lines (owner, meeting, recording) are often dropped; the sections tell the template apart.
        signals: [])

    /// Every preset, in the order detection prefers them when two fit a folder equally well.
    public static let all: [Preset] = [nygard, madr4, madr3, madr2, log4brains, rfc, proposal, runbookAlert,
                                       postmortemGoogle, postmortemPagerDuty]
}

extension KindSchema {
    /// This schema with everything the preset defines; the caller then applies keys given explicitly.
    public func applying(_ preset: Preset) -> KindSchema {
        var s = self
        s.preset = preset.name
        s.sectionSets = preset.sectionSets
        s.optionalSections = preset.optionalSections
        s.statuses = preset.statuses
        s.requireStatus = preset.requireStatus
        s.idFrom = preset.idFrom
        s.titleFrom = preset.titleFrom
        s.fields = preset.fields
        return s
    }

    /// A new kind that follows a preset, with the preset's folders, ID prefix and schema.
    public static func new(named name: String, preset: Preset) -> KindSchema {
        var schema = KindSchema(name: name, paths: preset.paths, idPrefix: preset.idPrefix, idDigits: preset.idDigits,
                                sectionSets: [[]], statuses: [], requireStatus: false).applying(preset)
        if preset.kind == "decision" {
            schema.frozenSections = KindSchema.decisionFrozenSections
            schema.frozenStatuses = KindSchema.decisionFrozenStatuses
        }
        return schema
    }
}
