// Per-kind schemas (folders, IDs, sections, statuses) and the built-in defaults that follow the seed templates.

import Foundation

public struct SectionRequirement: Sendable, Equatable {
    public let name: String
    public let aliases: [String]
    /// A metadata field that satisfies the requirement without a section (`Status` is met by any status).
    public let satisfiedBy: String?
    /// Normalised name and aliases, computed once: every document is matched against them.
    public let keys: [String]

    public init(_ name: String, aliases: [String] = [], satisfiedBy: String? = nil) {
        self.name = name
        self.aliases = aliases
        self.satisfiedBy = satisfiedBy
        self.keys = ([name] + aliases).map(SectionKey.normalize)
    }
}

public struct StatusDefinition: Sendable, Equatable {
    public var name: String
    public var aliases: [String]
    /// A terminal status ends a document's life (rejected, superseded, deprecated).
    public var terminal: Bool

    public init(_ name: String, aliases: [String] = [], terminal: Bool = false) {
        self.name = name
        self.aliases = aliases
        self.terminal = terminal
    }
}

/// Metadata kept in a YAML file beside the Markdown (Kubernetes KEPs keep `kep.yaml` next to README.md).
public struct Sidecar: Sendable, Equatable {
    /// The sidecar's file name, looked up in the document's folder.
    public var file: String
    /// Document field → key in the sidecar (`id: kep-number`).
    public var fields: [String: String]

    public init(file: String, fields: [String: String]) {
        self.file = file
        self.fields = fields
    }
}

public struct KindSchema: Sendable, Equatable {
    public var name: String
    /// Globs relative to the docs root, e.g. `**/decisions/**`.
    public var paths: [String]
    public var idPrefix: String
    /// Digits the number in a canonical ID is padded to (`ADR-0007`).
    public var idDigits: Int
    /// Alternative sets of required sections; a document must satisfy one of them.
    public var sectionSets: [[SectionRequirement]]
    public var optionalSections: [String]
    /// Empty means any status is allowed.
    public var statuses: [StatusDefinition]
    public var requireStatus: Bool
    public var requiredFields: [String]
    /// The preset the schema started from (`preset:` in archbook.yml, or detection), if any.
    public var preset: String?
    public var idFrom: IDFrom
    public var titleFrom: TitleFrom
    /// Header keys (lower case, single spaces) mapped to document fields: `start date` → `created`.
    public var fields: [String: String]
    /// A YAML file beside each document that supplies its metadata.
    public var sidecar: Sidecar?
    /// The template `archbook new` fills, relative to the docs root (nil: found in the docs tree or the theme).
    public var template: String?
    /// How `archbook new` names files, e.g. `{number}-{slug}.md` (nil: follow the existing files).
    public var fileName: String?
    /// Sections that must not change once a document has one of `frozenStatuses` (`check --base`).
    public var frozenSections: [String]
    /// Normalised statuses under which `frozenSections` are frozen.
    public var frozenStatuses: [String]

    public init(name: String, paths: [String], idPrefix: String, idDigits: Int = 4,
                sectionSets: [[SectionRequirement]], optionalSections: [String] = [],
                statuses: [StatusDefinition], requireStatus: Bool = true, requiredFields: [String] = [],
                preset: String? = nil, idFrom: IDFrom = .number, titleFrom: TitleFrom = .heading,
                fields: [String: String] = [:], sidecar: Sidecar? = nil, template: String? = nil,
                fileName: String? = nil, frozenSections: [String] = [], frozenStatuses: [String] = []) {
        self.name = name
        self.paths = paths
        self.idPrefix = idPrefix
        self.idDigits = idDigits
        self.sectionSets = sectionSets
        self.optionalSections = optionalSections
        self.statuses = statuses
        self.requireStatus = requireStatus
        self.requiredFields = requiredFields
        self.preset = preset
        self.idFrom = idFrom
        self.titleFrom = titleFrom
        self.fields = fields
        self.sidecar = sidecar
        self.template = template
        self.fileName = fileName
        self.frozenSections = frozenSections
        self.frozenStatuses = frozenStatuses
    }

    /// Accepted decisions are amended or superseded, not rewritten: what `check --base` guards by default.
    public static let decisionFrozenSections = ["Decision", "Decision Outcome"]
    public static let decisionFrozenStatuses = ["accepted"]

    /// Maps a normalised status through names and aliases.
    public func canonicalStatus(_ normalized: String) -> StatusDefinition? {
        statuses.first { $0.name.lowercased() == normalized || $0.aliases.contains { $0.lowercased() == normalized } }
    }

    public func isTerminal(_ status: String) -> Bool {
        statuses.first { $0.name == status }?.terminal ?? false
    }

    /// `ADR-0007` for 7.
    public func canonicalID(number: Int) -> String {
        let s = String(number)
        return idPrefix + "-" + String(repeating: "0", count: max(0, idDigits - s.count)) + s
    }
}

extension KindSchema {
    public static let decision = KindSchema(
        name: "decision",
        paths: ["**/decisions/**", "**/adr/**", "**/adrs/**"],
        idPrefix: "ADR",
        sectionSets: [
            [SectionRequirement("Status", satisfiedBy: "status"),
             SectionRequirement("Context", aliases: ["Context and Problem Statement", "Background"]),
             SectionRequirement("Decision"),
             SectionRequirement("Consequences")],
            [SectionRequirement("Status", satisfiedBy: "status"),
             SectionRequirement("Context and Problem Statement", aliases: ["Context"]),
             SectionRequirement("Considered Options"),
             SectionRequirement("Decision Outcome")],
        ],
        optionalSections: ["Decision Drivers", "Alternatives Considered", "Pros and Cons of the Options",
                           "Confirmation", "More Information", "References", "Risks", "Links"],
        statuses: [
            StatusDefinition("proposed", aliases: ["draft", "pending", "open", "under review", "in review"]),
            StatusDefinition("accepted", aliases: ["approved", "agreed", "adopted", "done", "decided"]),
            StatusDefinition("rejected", aliases: ["declined"], terminal: true),
            StatusDefinition("deprecated", aliases: ["obsolete"], terminal: true),
            StatusDefinition("superseded", terminal: true),
        ],
        frozenSections: decisionFrozenSections, frozenStatuses: decisionFrozenStatuses)

    public static let requirement = KindSchema(
        name: "requirement",
        paths: ["**/requirements/**"],
        idPrefix: "REQ",
        sectionSets: [[
            SectionRequirement("Status", satisfiedBy: "status"),
            SectionRequirement("Functional Requirements"),
            SectionRequirement("Non-Functional Requirements", aliases: ["Nonfunctional Requirements", "Quality Requirements"]),
            SectionRequirement("Constraints"),
        ]],
        optionalSections: ["Success Metrics", "Scope", "Assumptions", "Open Questions"],
        statuses: [
            StatusDefinition("draft", aliases: ["proposed"]),
            StatusDefinition("review", aliases: ["in review", "in-review"]),
            StatusDefinition("approved", aliases: ["accepted"]),
            StatusDefinition("implemented", aliases: ["done"]),
            StatusDefinition("obsolete", aliases: ["deprecated", "superseded"], terminal: true),
        ])

    public static let runbook = KindSchema(
        name: "runbook",
        paths: ["**/runbooks/**"],
        idPrefix: "RB",
        sectionSets: [[
            SectionRequirement("Overview", aliases: ["Summary", "Purpose", "Meaning", "Description"]),
            SectionRequirement("Diagnosis", aliases: ["Investigation", "Triage"]),
            SectionRequirement("Mitigation", aliases: ["Resolution", "Remediation", "Recovery"]),
        ]],
        optionalSections: ["Impact", "Escalation", "Prerequisites", "Verification"],
        statuses: [
            StatusDefinition("draft"),
            StatusDefinition("active", aliases: ["published", "current"]),
            StatusDefinition("deprecated", aliases: ["obsolete", "retired"], terminal: true),
        ],
        requireStatus: false)

    public static let postmortem = KindSchema(
        name: "postmortem",
        paths: ["**/postmortems/**", "**/post-mortems/**", "**/incidents/**"],
        idPrefix: "INC",
        sectionSets: [[
            SectionRequirement("Summary", aliases: ["Executive Summary", "Overview"]),
            SectionRequirement("Impact"),
            SectionRequirement("Timeline"),
            SectionRequirement("Root Cause", aliases: ["Root Causes", "Root Cause Analysis", "Causes"]),
            SectionRequirement("Action Items", aliases: ["Follow-up Actions", "Action Plan", "Corrective Actions"]),
            SectionRequirement("Lessons Learned", aliases: ["Lessons Learnt"]),
        ]],
        optionalSections: ["Detection", "Resolution", "Trigger", "Supporting Information"],
        statuses: [
            StatusDefinition("draft"),
            StatusDefinition("in-review", aliases: ["review", "in review"]),
            StatusDefinition("published", aliases: ["final", "complete", "completed", "closed", "done"]),
        ],
        requireStatus: false)

    public static let builtIn: [KindSchema] = [decision, requirement, runbook, postmortem]
}

/// Section-name normalisation shared by schemas and documents.
public enum SectionKey {
    /// The keys a document's headings meet requirements with: each heading's key, and the parts of a heading
    /// that joins two sections ("Motivation and Summary", "Background & motivation") meet each part.
    public static func matchable(_ sections: [Section]) -> Set<String> {
        var keys = Set<String>(minimumCapacity: sections.count)
        for s in sections {
            keys.insert(s.key)
            guard s.key.containsBytes(" and ") || s.key.containsBytes(" & ") else { continue }
            for part in s.key.replacingOccurrences(of: " & ", with: " and ").components(separatedBy: " and ") {
                let p = part.trimmed
                if !p.isEmpty { keys.insert(p) }
            }
        }
        return keys
    }

    /// Lower case, no numbering (`3.`, `3.1`, `A.`), no trailing colon, no `(Optional)`, single spaces.
    public static func normalize(_ title: String) -> String {
        // Every rule below concerns ASCII bytes only, so one pass over UTF-8 serves any title;
        // only lower-casing and the "(optional)" marker need String operations, and rarely.
        var text = title
        if text.utf8.contains(where: { $0 >= 0x80 || $0 == UInt8(ascii: "(") }) {
            text = text.lowercased()
            if text.utf8.contains(UInt8(ascii: "(")) {
                text = text.replacingOccurrences(of: "(optional)", with: "")
                // A trailing qualifier names the same section: "Contributing Factors (findings)".
                let trimmedText = text.trimmed
                if trimmedText.hasSuffix(")"), let open = trimmedText.range(of: " (", options: .backwards),
                   !trimmedText[..<open.lowerBound].trimmed.isEmpty {
                    text = String(trimmedText[..<open.lowerBound])
                }
            }
        }
        // withUTF8 also serves small strings in place, without copying them into an array.
        return text.withUTF8(normalizeBytes)
    }

    /// The byte rules of `normalize`, writing straight into the result: headings and table cells of
    /// every document pass through here.
    private static func normalizeBytes(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b + 32 : b }
        var i = 0
        while i < bytes.count, bytes[i] == 0x20 { i += 1 }
        var j = i
        while j < bytes.count, (bytes[j] >= 0x30 && bytes[j] <= 0x39) || bytes[j] == 0x2E { j += 1 }
        if j > i, j < bytes.count, bytes[j] == 0x20 || bytes[j] == 0x29 || bytes[j - 1] == 0x2E {
            i = bytes[j] == 0x29 ? j + 1 : j
        }
        return String(unsafeUninitializedCapacity: max(1, bytes.count - i)) { out in
            var n = 0
            var lastSpace = true
            for k in i..<bytes.count {
                let b = bytes[k]
                if b == UInt8(ascii: "*") || b == UInt8(ascii: "_") || b == UInt8(ascii: "`") { continue }
                if b == 0x20 || b == 0x09 {
                    if !lastSpace { out[n] = 0x20; n += 1 }
                    lastSpace = true
                    continue
                }
                out[n] = lower(b)
                n += 1
                lastSpace = false
            }
            while n > 0, out[n - 1] == 0x20 || out[n - 1] == UInt8(ascii: ":") { n -= 1 }
            return n
        }
    }
}
