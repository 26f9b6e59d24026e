// Planning `archbook new`: numbering, file names, templates of other tools filled in place, and the targets' edits.

import XCTest
@testable import ArchbookCore

final class NewDocumentTests: XCTestCase {
    let day = DateValue.iso("2025-10-01")!

    /// The default theme's `new/` templates, from the source tree.
    var themes: [Theme.Layer] {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("themes/default")
        var files: [String: [UInt8]] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir.path + "/new")) ?? [] {
            files["new/" + name] = Array((try? Data(contentsOf: dir.appendingPathComponent("new/" + name))) ?? Data())
        }
        return [Theme.Layer(label: "themes/default", tree: InMemoryFileTree(bytes: files))]
    }

    func plan(_ files: [String: String], _ request: NewDocumentRequest, config: Config = .default) throws -> NewDocumentPlan {
        let tree = InMemoryFileTree(files)
        let result = try Checker.check(tree, config: config)
        return try NewDocument.plan(request, handbook: result, listing: try tree.listing(), tree: tree, config: config, themes: themes)
    }

    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    func error(_ body: () throws -> Any) -> String? {
        do { _ = try body() } catch let e as AuthoringError { return e.message } catch { return "\(error)" }
        return nil
    }

    let record = "# 1. A\n\nDate: 2020-01-01\n\n## Status\n\nAccepted\n\n## Context\n\nc\n\n## Decision\n\nd\n\n## Consequences\n\ne\n"

    // MARK: - Numbers and names

    func testNextNumberCountsEveryFolderOfTheKindAndKeepsItsPadding() throws {
        let p = try plan([
            "docs/adr/001-first.md": record,
            "docs/adr/002-second.md": record.replacingOccurrences(of: "# 1. A", with: "# 2. B"),
            "team-b/decisions/007-elsewhere.md": record.replacingOccurrences(of: "# 1. A", with: "# 7. C"),
            // A redirect page is no record, but its number is taken.
            "team-b/decisions/008-moved.md": "# Moved\n\nMoved to [007](007-elsewhere.md).\n",
            "docs/adr/template.md": "# NUMBER. TITLE\n",
        ], NewDocumentRequest(kind: "decision", title: "Use Kafka: for events!", date: day))
        XCTAssertEqual(p.path, "team-b/decisions/009-use-kafka-for-events.md")
        XCTAssertEqual(p.id, "ADR-0009")
        // docs/adr/template.md belongs to another folder of the kind, so the theme's Nygard template is used.
        XCTAssertEqual(p.template, "themes/default/new/nygard.md")
    }

    func testSlugStyleFollowsTheExistingFiles() throws {
        let p = try plan(["adr/0001_Use_Postgres.md": record, "adr/0002_Use_Redis.md": record.replacingOccurrences(of: "# 1.", with: "# 2.")],
                         NewDocumentRequest(kind: "adr", title: "Über Cafés and APIs", date: day))
        XCTAssertEqual(p.path, "adr/0003_Uber_Cafes_and_APIs.md")
        let dated = try plan(["adr/20240101-use-x.md": "# Use X\n\n- Status: accepted\n"],
                             NewDocumentRequest(kind: "decision", title: "Use Y", date: day),
                             config: Config(kinds: [KindSchema.new(named: "decision", preset: Preset.log4brains)]))
        XCTAssertEqual(dated.path, "adr/20251001-use-y.md")
        XCTAssertEqual(dated.id, "20251001-use-y")
        let alert = try plan([:], NewDocumentRequest(kind: "runbook", title: "Kube pod crash-looping", date: day),
                             config: Config(kinds: [KindSchema.new(named: "runbook", preset: Preset.runbookAlert)]))
        XCTAssertEqual(alert.path, "runbooks/KubePodCrashLooping.md")
        XCTAssertEqual(alert.id, "KubePodCrashLooping")
    }

    func testFirstDocumentGoesToTheKindsFolder() throws {
        let p = try plan([:], NewDocumentRequest(kind: "decision", title: "Record architecture decisions", date: day))
        XCTAssertEqual(p.path, "decisions/0001-record-architecture-decisions.md")
        XCTAssertEqual(text(p.bytes), """
        # 1. Record architecture decisions

        Date: 2025-10-01

        ## Status

        Proposed

        ## Context

        {What is the issue that motivates this decision or change?}

        ## Decision

        {What is the change that we are proposing or have agreed to implement?}

        ## Consequences

        {What becomes easier or more difficult to do because of this change?}

        """)
        let runbook = try plan([:], NewDocumentRequest(kind: "runbook", title: "Disk full", date: day, folder: "ops/runbooks"))
        XCTAssertEqual(runbook.path, "ops/runbooks/0001-disk-full.md")
        XCTAssertTrue(text(runbook.bytes).hasPrefix("---\nstatus: draft\nupdated: 2025-10-01\n# owner:"), text(runbook.bytes))
    }

    func testRefusals() throws {
        XCTAssertEqual(error { try self.plan([:], NewDocumentRequest(kind: "memo", title: "X", date: self.day)) },
                       "unknown kind 'memo'; kinds: decision, requirement, runbook, postmortem")
        XCTAssertEqual(error { try self.plan([:], NewDocumentRequest(kind: "decision", title: "X", date: self.day, status: "acepted")) },
                       "'acepted' is not a decision status (proposed, accepted, rejected, deprecated, superseded); did you mean 'accepted'?")
        // A broken record still holds its number.
        XCTAssertEqual(try plan(["decisions/0001-a.md": record, "decisions/0002-x.md": "x"],
                                NewDocumentRequest(kind: "decision", title: "X", date: day)).path, "decisions/0003-x.md")
        XCTAssertEqual(error { try self.plan(["notes/a.md": "# A\n"], NewDocumentRequest(kind: "decision", title: "X", date: self.day, folder: "notes")) },
                       "notes/0001-x.md would not be a decision: the folder 'notes' is not one of the kind's folders (**/decisions/**, **/adr/**, **/adrs/**); choose one with --folder")
        XCTAssertEqual(error { try self.plan([:], NewDocumentRequest(kind: "decision", title: "X", date: self.day, supersedes: ["ADR-0004"])) },
                       "no document 'ADR-0004' to supersede")
        var pattern = KindSchema.postmortem
        pattern.idFrom = .pattern("^(PM[0-9]{4})")
        XCTAssertEqual(error { try self.plan([:], NewDocumentRequest(kind: "postmortem", title: "X", date: self.day), config: Config(kinds: [pattern])) },
                       "kind 'postmortem' takes its IDs from id-pattern '^(PM[0-9]{4})', so archbook new cannot tell how to name a new file; set `file-name:` for it in archbook.yml (e.g. \"{yyyymmdd}-{slug}.md\")")
        pattern.fileName = "PM{number} - {name}.md"
        let named = try plan([:], NewDocumentRequest(kind: "postmortem", title: "kiam outage", date: day), config: Config(kinds: [pattern]))
        XCTAssertEqual(named.path, "postmortems/PM0001 - KiamOutage.md")
    }

    func testTitleWithoutLettersOrDigits() throws {
        XCTAssertEqual(error { try self.plan([:], NewDocumentRequest(kind: "decision", title: "?!", date: self.day)) },
                       "cannot make a file name from the title '?!': it has no letters or digits")
    }

    /// The latest record's heading style (`ADR-0012: Title`) carries over to a template that asks for `{{heading}}`.
    func testHeadingFollowsTheLatestRecord() throws {
        let p = try plan(["adr/0012-x.md": record.replacingOccurrences(of: "# 1. A", with: "# ADR-012: X")],
                         NewDocumentRequest(kind: "decision", title: "Y", date: day,
                                            template: TemplateFile(label: "t", bytes: Array("# {{heading}}\n\n## Status\n\n{{statusTitle}}\n".utf8))))
        XCTAssertEqual(text(p.bytes), "# ADR-013: Y\n\n## Status\n\nProposed\n")
    }

    func testFileNamePatternProblems() {
        XCTAssertNil(FileNamePattern.problem(with: "{number}-{slug}.md"))
        XCTAssertEqual(FileNamePattern.problem(with: "{number}-{title}.md"),
                       "file-name '{number}-{title}.md' has an unknown placeholder {title} (known: {number}, {slug}, {name}, {date}, {yyyymmdd})")
        XCTAssertEqual(FileNamePattern.problem(with: "{date}.md"),
                       "file-name '{date}.md' needs {number}, {slug} or {name}, or every document would get the same name")
        XCTAssertEqual(FileNamePattern.problem(with: "{slug}.txt"), "file-name '{slug}.txt' must end in .md or .markdown")
    }

    // MARK: - Other tools' templates in the docs tree

    func testAdrToolsTemplate() throws {
        let adrTools = """
        # NUMBER. TITLE

        Date: DATE

        ## Status

        STATUS

        ## Context

        The issue motivating this decision, and any context that influences or constrains the decision.

        """
        let p = try plan(["doc/adr/0001-record-architecture-decisions.md": record, "doc/adr/templates/template.md": adrTools],
                         NewDocumentRequest(kind: "decision", title: "Use Kafka", date: day, supersedes: ["1"]))
        XCTAssertEqual(p.template, "doc/adr/templates/template.md")
        XCTAssertEqual(text(p.bytes), """
        # 2. Use Kafka

        Date: 2025-10-01

        ## Status

        Proposed

        Supersedes [1. A](0001-record-architecture-decisions.md)

        ## Context

        The issue motivating this decision, and any context that influences or constrains the decision.

        """)
        XCTAssertEqual(p.changes.count, 1)
        XCTAssertEqual(text(p.changes[0].after), record.replacingOccurrences(of: "\nAccepted\n", with: "\nSuperseded by [2. Use Kafka](0002-use-kafka.md)\n"))
    }

    func testMADR2TemplateFilledInPlace() throws {
        let madr2 = """
        # [short title of solved problem and solution]

        * Status: [proposed | rejected | accepted | deprecated | … | superseded by [ADR-0005](0005-example.md)] <!-- optional -->
        * Deciders: [list everyone involved in the decision] <!-- optional -->
        * Date: [YYYY-MM-DD when the decision was last updated] <!-- optional -->

        ## Context and Problem Statement

        [Describe the context and problem statement.]

        """
        let old = "# Use X\n\n* Status: accepted\n* Date: 2020-01-01\n\n## Context and Problem Statement\n\nc\n"
        let p = try plan(["docs/adr/0001-use-x.md": old, "docs/adr/template.md": madr2],
                         NewDocumentRequest(kind: "decision", title: "Use Y", date: day, amends: ["ADR-0001"]))
        XCTAssertEqual(p.path, "docs/adr/0002-use-y.md")
        XCTAssertEqual(text(p.bytes), """
        # Use Y

        * Status: proposed <!-- optional -->
        * Amends [ADR-0001](0001-use-x.md)
        * Deciders: [list everyone involved in the decision] <!-- optional -->
        * Date: 2025-10-01 <!-- optional -->

        ## Context and Problem Statement

        [Describe the context and problem statement.]

        """)
        XCTAssertEqual(text(p.changes[0].after), "# Use X\n\n* Status: accepted\n* Amended by [ADR-0002](0002-use-y.md)\n* Date: 2020-01-01\n\n## Context and Problem Statement\n\nc\n")
    }

    func testMADR3TemplateWhoseFrontMatterIsNotYAML() throws {
        let madr3 = """
        ---
        # These are optional elements. Feel free to remove any of them.
        status: {proposed | rejected | accepted | deprecated | … | superseded by [ADR-0005](0005-example.md)}
        date: {YYYY-MM-DD when the decision was last updated}
        deciders: {list everyone involved in the decision}
        ---
        # {short title of solved problem and solution}

        ## Context and Problem Statement

        {Describe the context and problem statement.}

        """
        let old = "---\nstatus: accepted\n---\n# Use X\n"
        let p = try plan(["docs/decisions/0001-use-x.md": old, "docs/decisions/adr-template.md": madr3],
                         NewDocumentRequest(kind: "decision", title: "Use Y", date: day, supersedes: ["ADR-0001"]))
        XCTAssertEqual(text(p.bytes), """
        ---
        # These are optional elements. Feel free to remove any of them.
        status: proposed
        supersedes: ADR-0001
        date: 2025-10-01
        deciders: {list everyone involved in the decision}
        ---
        # Use Y

        ## Context and Problem Statement

        {Describe the context and problem statement.}

        """)
        XCTAssertEqual(text(p.changes[0].after), "---\nstatus: superseded\nsuperseded-by: ADR-0002\n---\n# Use X\n")
    }

    /// MADR 4's own template: a Jekyll `title:`, the metadata keys commented out.
    func testMADR4TemplateWithCommentedKeysGetsStatusDateAndTitle() throws {
        let madr4 = """
        ---
        parent: Decisions
        title: ADR Template

        # status: "{proposed | rejected | accepted | deprecated | … | superseded by ADR-0123"
        # date: {YYYY-MM-DD when the decision was last updated}
        ---
        # {short title, representative of solved problem and found solution}

        ## Context and Problem Statement

        """
        let old = "---\nparent: Decisions\nnav_order: 5\n---\n# Use Dashes in Filenames\n\n## Context and Problem Statement\n\nc\n"
        let p = try plan(["docs/decisions/0005-use-dashes.md": old, "docs/decisions/adr-template.md": madr4],
                         NewDocumentRequest(kind: "decision", title: "Use Names", date: day, supersedes: ["5"]))
        XCTAssertEqual(text(p.bytes), """
        ---
        parent: Decisions
        title: Use Names
        status: proposed
        supersedes: ADR-0005
        date: 2025-10-01

        # status: "{proposed | rejected | accepted | deprecated | … | superseded by ADR-0123"
        # date: {YYYY-MM-DD when the decision was last updated}
        ---
        # Use Names

        ## Context and Problem Statement

        """)
        XCTAssertEqual(text(p.changes[0].after),
                       "---\nparent: Decisions\nnav_order: 5\nstatus: superseded\nsuperseded-by: ADR-0006\n---\n# Use Dashes in Filenames\n\n## Context and Problem Statement\n\nc\n")
    }

    /// Found in jabref's ADRs: a proper noun's capitals in a few slugs do not make new slugs keep the title's case.
    func testSlugsStayLowerCaseWhenOnlySomeHaveCapitals() throws {
        let p = try plan(["adr/0001-use-Jackson.md": record, "adr/0002-use-gradle.md": record.replacingOccurrences(of: "# 1.", with: "# 2."),
                          "adr/0003-use-java.md": record.replacingOccurrences(of: "# 1.", with: "# 3.")],
                         NewDocumentRequest(kind: "decision", title: "Use JUnit 5", date: day))
        XCTAssertEqual(p.path, "adr/0004-use-junit-5.md")
    }

    /// log4brains names a package's records `package/slug`: such an ID is found although it has a slash.
    func testPackageIDsWithASlash() throws {
        var kind = KindSchema.new(named: "decision", preset: Preset.log4brains)
        kind.paths = ["docs/adr/**", "packages/*/docs/adr/**"]
        let p = try plan(["docs/adr/20200924-use-markdown.md": "# Use Markdown\n\n- Status: accepted\n",
                          "packages/web/docs/adr/20200927-use-hooks.md": "# Use hooks\n\n- Status: accepted\n"],
                         NewDocumentRequest(kind: "decision", title: "Use signals", date: day, amends: ["web/20200927-use-hooks"],
                                            folder: "packages/web/docs/adr"), config: Config(kinds: [kind]))
        XCTAssertEqual(p.path, "packages/web/docs/adr/20251001-use-signals.md")
        XCTAssertEqual(p.id, "web/20251001-use-signals")
        XCTAssertEqual(text(p.changes[0].after),
                       "# Use hooks\n\n- Status: accepted\n- Amended by [web/20251001-use-signals](20251001-use-signals.md)\n")
    }

    func testTemplateWithoutAPlaceForRelationsIsRefused() throws {
        XCTAssertEqual(error { try self.plan(["adr/0001-a.md": self.record, "adr/template.md": "# TITLE\n\nNo status here.\n"],
                                             NewDocumentRequest(kind: "decision", title: "X", date: self.day, supersedes: ["ADR-0001"])) },
                       "adr/0002-x.md has no front matter, Status section or status line to record 'supersedes' in")
    }

    func testExplicitTemplateWins() throws {
        let p = try plan(["adr/template.md": "# NUMBER. TITLE\n"],
                         NewDocumentRequest(kind: "decision", title: "X", date: day,
                                            template: TemplateFile(label: "mine.md", bytes: Array("---\nstatus: {{status}}\n---\n# {{id}}: {{title}}\n".utf8))))
        XCTAssertEqual(p.template, "mine.md")
        XCTAssertEqual(text(p.bytes), "---\nstatus: proposed\n---\n# ADR-0001: X\n")
    }
}
