// How real repositories write things that are not mistakes: templates, redirects, notation in braces, heading ids,
// combined section names, dated file names, schedules in tables.

import XCTest
@testable import ArchbookCore

final class ConventionTests: XCTestCase {
    func check(_ files: [String: String], config: Config = .default) throws -> CheckResult {
        try Checker.check(InMemoryFileTree(files), config: config)
    }

    let nygard = "# 1. A\n\n## Status\n\nAccepted\n\n## Context\n\nc\n\n## Decision\n\nd\n\n## Consequences\n\ne\n"

    func testTemplatesAreNotRecordsAndTheirExampleLinksAreNotChecked() throws {
        let r = try check([
            "adr/0001-a.md": nygard,
            "adr/adr-template.md": "# {short title}\n\n## Status\n\n[proposed | accepted]\n\nSee [ADR-0005](0005-example.md).\n",
            "adr/0039-use-velocity-as-template-engine.md": nygard.replacingOccurrences(of: "# 1. A", with: "# 39. Use Velocity as template engine"),
        ])
        XCTAssertEqual(r.documents.map { "\($0.path) \($0.kind ?? "-") \($0.isTemplate)" }, [
            "adr/0001-a.md decision false", "adr/0039-use-velocity-as-template-engine.md decision false", "adr/adr-template.md - true",
        ])
        XCTAssertEqual(r.diagnostics, [])
    }

    func testRedirectPagesAreNotRecords() throws {
        let r = try check([
            "adr/0002-b.md": nygard.replacingOccurrences(of: "# 1. A", with: "# 2. B"),
            "adr/0003-old.md": "# 3. Old name\n\nMoved to [2. B](0002-b.md).\n",
            "runbooks/Stub.md": "# Stub\n\nSee [Node RAID Degraded]({{< ref \"./NodeRAIDDegraded.md\" >}})\n",
            // A record that merely starts with "See" and goes on is still a record.
            "adr/0004-c.md": "# 4. C\n\nSee [2. B](0002-b.md).\n\n## Context\n\nc\n",
        ])
        XCTAssertEqual(r.documents.map { "\($0.path) \($0.kind ?? "-")" },
                       ["adr/0002-b.md decision", "adr/0003-old.md -", "adr/0004-c.md decision", "runbooks/Stub.md -"])
        XCTAssertEqual(r.diagnostics.map { "\($0.file) \($0.message)" }, [
            "adr/0004-c.md decision is missing the required section 'Consequences'",
            "adr/0004-c.md decision is missing the required section 'Decision'",
            "adr/0004-c.md decision has no status",
        ])
    }

    func testBracesThatAreNotPlaceholders() throws {
        let r = try check(["notes.md": """
        # Notes

        The builder accepts {json} and the set {MAX, MIN} or { SEP }, per `{placeholder}` in code.

        A note.
        {: .prompt-note}

        Hugo links: [next]({{< ref "next.md" >}}) and {{% notice %}}.

        Left in: {DATE}, {PROJECT_NAME} and {short title of the decision}.
        """])
        XCTAssertEqual(r.diagnostics.map(\.message), [
            "template placeholder '{DATE}' was left in the document",
            "template placeholder '{PROJECT_NAME}' was left in the document",
            "template placeholder '{short title of the decision}' was left in the document",
        ])
    }

    func testHeadingIDsAndHTMLAnchorsAreLinkTargets() throws {
        let r = try check(["a.md": """
        # A

        ## Poor interaction with deref { #overload }

        <span id="orphan"></span>
        <a name="footnote1"></a>

        See [overload](#overload), [orphan](#orphan), [note](#footnote1) and [missing](#nowhere).
        """])
        XCTAssertEqual(r.documents.first?.sections.map { "\($0.title) #\($0.anchor)" },
                       ["A #a", "Poor interaction with deref #overload"])
        XCTAssertEqual(r.diagnostics.map(\.message), ["anchor '#nowhere' does not exist in this document"])
    }

    func testSectionNamesWithQualifiersOrJoinedWithAnd() throws {
        let r = try check(["adr/0001-a.md": """
        # 1. A

        ## Status

        Accepted

        ## Context and decision drivers (short)

        c

        ## Decision & consequences

        d
        """])
        XCTAssertEqual(r.diagnostics, [])
        XCTAssertEqual(SectionKey.normalize("Contributing Factors (findings)"), "contributing factors")
        XCTAssertEqual(SectionKey.normalize("Drawbacks (Optional)"), "drawbacks")
    }

    func testDatedFileNamesCarryNoNumber() {
        XCTAssertNil(IDText.fileNumber("2025-09-29-flags-is-down.md"))
        XCTAssertNil(IDText.fileNumber("20200925-use-x.md"))
        XCTAssertEqual(IDText.fileNumber("2025-use-x.md"), 2025)
        XCTAssertEqual(IDText.fileNumber("0007-use-kafka.md"), 7)
        XCTAssertEqual(IDText.fileNumber("0012 Use X.md"), 12)
        XCTAssertEqual(IDText.fileNumber("42"), 42)
        XCTAssertNil(IDText.fileNumber("7x-use-kafka.md"))
        XCTAssertNil(IDText.fileNumber("ADR-7.md"))
        XCTAssertNil(IDText.fileNumber("1234567890123-x.md"), "more digits than a sequence number has")
        XCTAssertNil(IDText.fileNumber("٣-arabic-indic.md"), "only ASCII digits number files")
        XCTAssertEqual(Extractor.readableTitle("0921-entry_v3"), "Entry v3")
        XCTAssertEqual(Extractor.readableTitle("3764-Project-Goals-2025h1"), "Project Goals 2025h1")
    }

    func testIDsAtTheStartOfTitles() {
        func parsed(_ title: String) -> String? {
            IDText.fromTitle(title).map { "\($0.id.prefix ?? "-")|\($0.id.number)|\($0.rest)" }
        }
        XCTAssertEqual(parsed("ADR-007: Use X"), "ADR|7|Use X")
        XCTAssertEqual(parsed("7. Use X"), "-|7|Use X")
        XCTAssertEqual(parsed("adr 12 \u{2013} Use X"), "ADR|12|Use X")
        XCTAssertEqual(parsed("RFC_3\u{2014}Über alles"), "RFC|3|Über alles")
        XCTAssertEqual(parsed("INC12 Outage"), "INC|12|Outage")
        XCTAssertEqual(parsed("ADR-7"), "ADR|7|")
        XCTAssertEqual(parsed("3) Ü"), "-|3|Ü")
        XCTAssertNil(parsed("7 Use X"), "a bare number and a space is a sentence, not an ID")
        XCTAssertNil(parsed("Use Kafka"))
        XCTAssertNil(parsed("Über 7"))
        XCTAssertNil(parsed("ABCDEFGHIJK-1 too long a prefix"))
        XCTAssertNil(parsed("1234567890123. too many digits"))
        XCTAssertNil(parsed(""))
    }

    func testOnlyTwoColumnTablesAreKeyValueRows() throws {
        let r = try check(["adr/0001-a.md": """
        # 1. A

        | Date | 2024 H2 milestone | 2025 H1 milestone |
        |---|---|---|
        | Status | started | done |

        ## Context

        c

        ## Decision

        d

        ## Consequences

        - Start Date: (2016-06-17)
        """])
        // A schedule's Date column and a Status row of a three-column table are data, not metadata.
        XCTAssertNil(r.documents.first?.status)
        XCTAssertNil(r.documents.first?.date)
        XCTAssertEqual(r.diagnostics.map(\.message), ["decision has no status"])
        let pairs = try check(["adr/0001-a.md": "# 1. A\n\n| Field | Value |\n|---|---|\n| Status | Accepted |\n| Date | 2024-03-01 |\n"])
        XCTAssertEqual([pairs.documents.first?.status?.value, pairs.documents.first?.date?.iso], ["accepted", "2024-03-01"])
        let dated = try check(["rfcs/0001-x.md": "- Start Date: (2016-06-17)\n\n## Summary\n\ns\n\n## Motivation\n\nm\n"],
                              config: Config.parse("kinds:\n  rfc:\n    preset: rfc\n", file: "archbook.yml"))
        XCTAssertEqual(dated.documents.first?.dates["created"]?.iso, "2016-06-17")
        XCTAssertEqual(dated.diagnostics, [])
    }
}
