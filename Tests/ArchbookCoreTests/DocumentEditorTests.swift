// Editing documents in place: every convention's status and relation lines change, and not one other byte does.

import XCTest
@testable import ArchbookCore

final class DocumentEditorTests: XCTestCase {
    let successor = RelationLink(id: "ADR-0013", heading: "13. Use Kafka", path: "0013-use-kafka.md")

    func editor(_ path: String, _ text: String) throws -> DocumentEditor {
        try DocumentEditor(path: path, bytes: Array(text.utf8), config: .default)
    }

    func text(_ e: DocumentEditor) -> String { String(decoding: e.bytes, as: UTF8.self) }

    // MARK: - adr-tools: a Status section

    func testStatusSectionSupersededAsAdrToolsDoes() throws {
        var e = try editor("decisions/0002-use-postgres.md", """
        # 2. Use Postgres

        Date: 2020-01-02

        ## Status

        Accepted

        ## Context

        We need a database.

        """)
        XCTAssertEqual(e.style(), .statusSection)
        try e.markSuperseded(by: successor, statusAllowed: true)
        XCTAssertEqual(text(e), """
        # 2. Use Postgres

        Date: 2020-01-02

        ## Status

        Superseded by [13. Use Kafka](0013-use-kafka.md)

        ## Context

        We need a database.

        """)
        XCTAssertEqual(e.document.status?.value, "superseded")
        XCTAssertEqual(e.document.relations.map(\.target), ["0013-use-kafka.md"])
        // Again: nothing to do, nothing changes.
        let once = e.bytes
        try e.markSuperseded(by: successor, statusAllowed: true)
        XCTAssertEqual(e.bytes, once)
    }

    func testStatusSectionAmendedAddsAParagraphAfterTheExistingRelations() throws {
        var e = try editor("decisions/0002-use-postgres.md", """
        # 2. Use Postgres

        ## Status

        **Accepted**

        Amends [1. Record decisions](0001-record-decisions.md)
        ## Context

        c
        """)
        try e.addRelations(.amendedBy, [successor])
        XCTAssertEqual(text(e), """
        # 2. Use Postgres

        ## Status

        **Accepted**

        Amends [1. Record decisions](0001-record-decisions.md)

        Amended by [13. Use Kafka](0013-use-kafka.md)
        ## Context

        c
        """)
    }

    func testAlreadySupersededGetsASecondSuccessorLine() throws {
        var e = try editor("adr/0002-x.md", "# 2. X\n\n## Status\n\nSuperseded by [9. Y](0009-y.md)\n")
        try e.markSuperseded(by: successor, statusAllowed: true)
        XCTAssertEqual(text(e), "# 2. X\n\n## Status\n\nSuperseded by [9. Y](0009-y.md)\n\nSuperseded by [13. Use Kafka](0013-use-kafka.md)\n")
    }

    func testStatusSectionWithoutTrailingNewlineAndWithCRLF() throws {
        var e = try editor("adr/0002-x.md", "# 2. X\r\n\r\n## Status\r\n\r\nAccepted")
        try e.addRelations(.amendedBy, [successor])
        XCTAssertEqual(text(e), "# 2. X\r\n\r\n## Status\r\n\r\nAccepted\r\n\r\nAmended by [13. Use Kafka](0013-use-kafka.md)\r\n")
    }

    // MARK: - Front matter

    func testFrontMatterStatusAndSupersededByKeepCommentsAndOrder() throws {
        var e = try editor("decisions/0006-kafka.md", """
        ---
        status: accepted # agreed in the 2024-01 review
        date: 2024-01-15
        supersedes: ADR-0003
        tags: [a, b]
        ---

        # Kafka

        """)
        XCTAssertEqual(e.style(), .frontMatter)
        try e.markSuperseded(by: successor, statusAllowed: true)
        XCTAssertEqual(text(e), """
        ---
        status: superseded # agreed in the 2024-01 review
        date: 2024-01-15
        supersedes: ADR-0003
        superseded-by: ADR-0013
        tags: [a, b]
        ---

        # Kafka

        """)
    }

    func testFrontMatterListsGrowInTheirOwnStyle() throws {
        var flow = try editor("decisions/0006-kafka.md", "---\nstatus: superseded\nsuperseded-by: [ADR-0009]\n---\n# K\n")
        try flow.markSuperseded(by: successor, statusAllowed: true)
        XCTAssertEqual(text(flow), "---\nstatus: superseded\nsuperseded-by: [ADR-0009, ADR-0013]\n---\n# K\n")

        var scalar = try editor("decisions/0006-kafka.md", "---\nstatus: accepted\namended_by: \"ADR-0009\"\n---\n# K\n")
        try scalar.addRelations(.amendedBy, [successor])
        XCTAssertEqual(text(scalar), "---\nstatus: accepted\namended_by: [\"ADR-0009\", ADR-0013]\n---\n# K\n")

        var block = try editor("decisions/0006-kafka.md", "---\nstatus: accepted\namended-by:\n    - ADR-0009\n\n# owners\nowner: me\n---\n# K\n")
        try block.addRelations(.amendedBy, [successor])
        XCTAssertEqual(text(block), "---\nstatus: accepted\namended-by:\n    - ADR-0009\n    - ADR-0013\n\n# owners\nowner: me\n---\n# K\n")
    }

    func testByteOrderMarkAndCRLFFrontMatterStay() throws {
        let original: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("---\r\nstatus: accepted\r\n---\r\n# K\r\n".utf8)
        var e = try DocumentEditor(path: "decisions/0006-k.md", bytes: original, config: .default)
        try e.markSuperseded(by: successor, statusAllowed: true)
        XCTAssertEqual(e.bytes, [0xEF, 0xBB, 0xBF] + Array("---\r\nstatus: superseded\r\nsuperseded-by: ADR-0013\r\n---\r\n# K\r\n".utf8))
    }

    func testKindWithoutSupersededStatusOnlyGetsTheRelation() throws {
        var e = try editor("runbooks/0001-x.md", "---\nstatus: active\n---\n# X\n")
        try e.markSuperseded(by: successor, statusAllowed: false)
        XCTAssertEqual(text(e), "---\nstatus: active\nsuperseded-by: ADR-0013\n---\n# X\n")
    }

    // MARK: - Header bullets (MADR 2, log4brains)

    func testHeaderBulletsSupersededAndAmended() throws {
        let original = """
        # Use Postgres

        * Status: accepted <!-- since the review -->
        * Deciders: Ann, Bo
        * Date: 2020-01-02

        ## Context and Problem Statement

        p

        """
        var superseded = try editor("docs/adr/0002-use-postgres.md", original)
        XCTAssertEqual(superseded.style(), .headerList)
        try superseded.markSuperseded(by: successor, statusAllowed: true)
        XCTAssertEqual(text(superseded), original.replacingOccurrences(
            of: "* Status: accepted <!--", with: "* Status: superseded by [ADR-0013](0013-use-kafka.md) <!--"))
        XCTAssertEqual(superseded.document.status?.value, "superseded")

        var amended = try editor("docs/adr/0002-use-postgres.md", original)
        try amended.addRelations(.amendedBy, [successor])
        try amended.addRelations(.amendedBy, [RelationLink(id: "ADR-0014", heading: "14. X", path: "0014-x.md")])
        XCTAssertEqual(text(amended), original.replacingOccurrences(
            of: "since the review -->\n", with: "since the review -->\n* Amended by [ADR-0013](0013-use-kafka.md)\n* Amended by [ADR-0014](0014-x.md)\n"))
        XCTAssertEqual(amended.document.relations.map(\.type), [.amendedBy, .amendedBy])
    }

    func testATableRowStatusHasNoPlaceForAmendments() throws {
        var e = try editor("adr/0002-x.md", "# 2. X\n\n| Status | Accepted |\n|---|---|\n\n## Context\n\nc\n")
        XCTAssertEqual(e.style(), .tableRow)
        try e.markSuperseded(by: successor, statusAllowed: true)
        XCTAssertEqual(text(e), "# 2. X\n\n| Status | Superseded by [ADR-0013](0013-use-kafka.md) |\n|---|---|\n\n## Context\n\nc\n")
        var other = try editor("adr/0002-x.md", "# 2. X\n\n| Status | Accepted |\n|---|---|\n")
        XCTAssertThrowsError(try other.addRelations(.amendedBy, [successor])) { error in
            XCTAssertEqual((error as? AuthoringError)?.message,
                           "adr/0002-x.md writes its status in a table row, which has no place for 'amended by' lines; add the relation by hand")
        }
        XCTAssertEqual(text(other), "# 2. X\n\n| Status | Accepted |\n|---|---|\n")
    }

    func testMetadataInASidecarIsNotEdited() throws {
        var kind = KindSchema.new(named: "kep", preset: .nygard)
        kind.paths = ["keps/**"]
        kind.sidecar = Sidecar(file: "kep.yaml", fields: ["status": "status"])
        var e = try DocumentEditor(path: "keps/0001-x/README.md", bytes: Array("# X\n\n## Status\n\nAccepted\n".utf8),
                                   config: Config(kinds: [kind]))
        XCTAssertNil(e.style())
        XCTAssertThrowsError(try e.markSuperseded(by: successor, statusAllowed: true)) { error in
            XCTAssertEqual((error as? AuthoringError)?.message, "keps/0001-x/README.md keeps its metadata in keps/0001-x/kep.yaml; record 'superseded by' there by hand")
        }
    }

    func testRefusesInvalidUTF8() {
        XCTAssertThrowsError(try DocumentEditor(path: "adr/0001-x.md", bytes: [0x23, 0x20, 0xFF, 0x0A], config: .default))
    }
}
