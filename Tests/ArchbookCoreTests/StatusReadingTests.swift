// Status values read as people write them, and the warning that names the nearest allowed value.

import XCTest
@testable import ArchbookCore

final class StatusReadingTests: XCTestCase {
    func extract(_ path: String, _ text: String, config: Config = .default) -> (Document, [Diagnostic]) {
        Extractor.extract(path: path, bytes: Array(text.utf8), context: ExtractionContext(config: config))
    }

    /// A Nygard record whose Status section says `status`.
    func nygard(_ status: String) -> (Document, [Diagnostic]) {
        extract("adr/0001-x.md", "# 1. X\n\n## Status\n\n\(status)\n\n## Context\n\nc\n\n## Decision\n\nd\n\n## Consequences\n\ne\n")
    }

    func testCaseEmojiBoldAndTrailingDots() {
        for written in ["ACCEPTED", "accepted.", "Accepted...", "**Accepted**", "__Accepted__", "_Accepted_", "✅ Accepted",
                        "Accepted ✅", "**Accepted** ✅.", "`accepted`", "Approved"] {
            let (doc, diags) = nygard(written)
            XCTAssertEqual(doc.status?.value, "accepted", written)
            XCTAssertNil(doc.status?.note, written)
            XCTAssertEqual(diags, [], written)
        }
    }

    func testQualifierInParenthesesIsKeptAsANote() throws {
        let cfg = try Config.parse("kinds:\n  proposal:\n    preset: proposal\n    paths: [\"**\"]\n", file: "archbook.yml")
        let (doc, diags) = extract("0296-async-await.md", """
        # Async/await

        * Proposal: [SE-0296](0296-async-await.md)
        * Status: **Implemented (Swift 5.5)**

        ## Introduction

        i

        ## Motivation

        m

        ## Proposed solution

        p

        ## Detailed design

        d
        """, config: cfg)
        XCTAssertEqual(diags, [])
        // Header bullets are read without their emphasis.
        XCTAssertEqual(doc.status?.raw, "Implemented (Swift 5.5)")
        XCTAssertEqual(doc.status?.value, "implemented")
        XCTAssertEqual(doc.status?.note, "Swift 5.5")
        XCTAssertEqual(doc.id, "SE-0296")
        XCTAssertEqual(doc.idSource, .headerBullet)
    }

    func testCommaQualifierIsKeptAsANoteWhenTheHeadIsAStatus() {
        let (doc, _) = extract("postmortems/0001-x.md", "# X\n\n## Status\n\nComplete, action items in progress\n")
        XCTAssertEqual(doc.status?.value, "published")
        XCTAssertEqual(doc.status?.note, "action items in progress")
        // Not when the words before the comma are no status: the value stays as written (and is reported).
        let (other, diags) = nygard("Blocked, waiting for legal")
        XCTAssertEqual(other.status?.value, "blocked, waiting for legal")
        XCTAssertEqual(diags.map(\.message), ["unknown decision status 'Blocked, waiting for legal'"])
    }

    func testLinkInsideTheStatusIsARelation() {
        let (doc, diags) = nygard("Superseded by [20. Use Kafka](0020-use-kafka.md)")
        XCTAssertEqual(doc.status?.value, "superseded")
        XCTAssertEqual(doc.relations.map { "\($0.type.rawValue) \($0.target) \($0.position.line)" }, ["superseded-by 0020-use-kafka.md 5"])
        XCTAssertEqual(diags, [])
        // A slug written without a link, as log4brains does.
        let (slug, _) = extract("adr/20200926-x.md", "# X\n\n- Status: superseded by 20201016-use-the-adr-slug\n")
        XCTAssertEqual(slug.relations.map { "\($0.type.rawValue) \($0.target)" }, ["superseded-by 20201016-use-the-adr-slug"])
    }

    func testOnlyTheFirstParagraphIsTheStatus() {
        let (doc, diags) = nygard("""
        Proposed.

        This record did not reach consensus in the March review; it is kept for the discussion.

        Amends [3. Use PostgreSQL](0003-use-postgresql.md)
        """)
        XCTAssertEqual(doc.status?.value, "proposed")
        XCTAssertEqual(doc.status?.raw, "Proposed.")
        XCTAssertEqual(doc.relations.map { "\($0.type.rawValue) \($0.target)" }, ["amends 0003-use-postgresql.md"])
        XCTAssertEqual(diags, [])
        // A first sentence followed by more on the same line.
        XCTAssertEqual(nygard("Accepted. Revisit in 2025.").0.status?.value, "accepted")
    }

    func testUnknownStatusNamesTheNearestAllowedValue() {
        func message(_ written: String) -> String? { nygard(written).1.first?.message }
        // Edit distance, to a name or to an alias (the suggestion is the status the alias stands for).
        XCTAssertEqual(message("acceptd"), "unknown decision status 'acceptd'; did you mean 'accepted'?")
        XCTAssertEqual(message("Aproved"), "unknown decision status 'Aproved'; did you mean 'accepted'?")
        // A prefix of a status, or a status followed by more words.
        XCTAssertEqual(message("depre"), "unknown decision status 'depre'; did you mean 'deprecated'?")
        XCTAssertEqual(message("Rejected for now"), "unknown decision status 'Rejected for now'; did you mean 'rejected'?")
        // A status word inside the value.
        XCTAssertEqual(message("Partly superseded"), "unknown decision status 'Partly superseded'; did you mean 'superseded'?")
        // Nothing close: no guess.
        XCTAssertEqual(message("on hold"), "unknown decision status 'on hold'")
        let (_, diags) = nygard("acceptd")
        XCTAssertEqual(diags.map(\.rule), ["unknown-status"])
        XCTAssertEqual(diags.first?.severity, .warning)
        XCTAssertEqual(diags.first?.position, SourcePosition(line: 5, column: 1))
        XCTAssertEqual(diags.first?.hint, "Allowed: proposed, accepted, rejected, deprecated, superseded. Declare more (or aliases) in archbook.yml.")
    }

    func testNearestIsPure() {
        let statuses = KindSchema.decision.statuses
        XCTAssertEqual(StatusText.nearest("accepte", in: statuses), "accepted")
        XCTAssertEqual(StatusText.nearest("agred", in: statuses), "accepted")
        XCTAssertEqual(StatusText.nearest("sup", in: statuses), "superseded")
        XCTAssertNil(StatusText.nearest("xy", in: statuses))
        XCTAssertNil(StatusText.nearest("", in: statuses))
        XCTAssertEqual(StatusText.splitQualifier("complete, action items in progress")?.0, "complete")
        XCTAssertEqual(StatusText.splitQualifier("accepted - 2024-01-02")?.1, "2024-01-02")
        XCTAssertNil(StatusText.splitQualifier("accepted"))
    }
}
