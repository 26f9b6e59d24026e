// The rules of `check --base`, on two in-memory trees: the branch and the base revision (no git involved).

import XCTest
@testable import ArchbookCore

final class BaseComparisonTests: XCTestCase {
    static func record(_ n: Int, _ title: String, status: String = "Accepted", decision: String = "We do it.", body: String = "") -> String {
        "# \(n). \(title)\n\n## Status\n\n\(status)\n\n## Context\n\nc\(body)\n\n## Decision\n\n\(decision)\n\n## Consequences\n\ne\n"
    }

    /// The head's diagnostics after comparing with `base`; `mergeBase` lists the files at the branch point.
    func compare(head: [String: String], base: [String: String], mergeBase: [String]?, config: Config = .default) throws -> [Diagnostic] {
        let headTree = InMemoryFileTree(head), baseTree = InMemoryFileTree(base)
        let headResult = try Checker.check(headTree, config: config)
        let snapshot = BaseSnapshot(name: "main", result: try Checker.check(baseTree, config: config), listing: try baseTree.listing(),
                                    mergeBasePaths: mergeBase.map(Set.init))
        return BaseComparison.compare(head: headResult, headListing: try headTree.listing(), base: snapshot, config: config, displayPrefix: "docs")
    }

    func lines(_ diagnostics: [Diagnostic]) -> [String] {
        diagnostics.map { "\($0.file):\($0.position.line):\($0.position.column): \($0.severity.rawValue): \($0.message) [\($0.rule)]" }
    }

    func testNumberTakenOnTheBaseSinceTheBranchPoint() throws {
        let one = Self.record(1, "A")
        let found = try compare(head: ["adr/0001-a.md": one, "adr/0002-kafka.md": Self.record(2, "Kafka")],
                                base: ["adr/0001-a.md": one, "adr/0002-redis.md": Self.record(2, "Redis")],
                                mergeBase: ["adr/0001-a.md"])
        XCTAssertEqual(lines(found), ["adr/0002-kafka.md:1:1: error: ADR-0002 is already used on main by docs/adr/0002-redis.md; this branch adds docs/adr/0002-kafka.md with the same number [number-collision]"])
        XCTAssertEqual(found[0].hint, "Rebase on main and renumber this document to ADR-0003 (file name and title).")
        // Without a merge base archbook cannot tell, and reports it.
        XCTAssertEqual(try compare(head: ["adr/0001-a.md": one, "adr/0002-kafka.md": Self.record(2, "Kafka")],
                                   base: ["adr/0001-a.md": one, "adr/0002-redis.md": Self.record(2, "Redis")], mergeBase: nil).count, 1)
        // A number the branch point already had is this branch's own renumbering or rename.
        XCTAssertEqual(try compare(head: ["adr/0001-renamed.md": one], base: ["adr/0001-a.md": one], mergeBase: ["adr/0001-a.md"]), [])
        // The same file name added on both sides, with other contents.
        XCTAssertEqual(lines(try compare(head: ["adr/0001-a.md": one, "adr/0002-b.md": Self.record(2, "B")],
                                         base: ["adr/0001-a.md": one, "adr/0002-b.md": Self.record(2, "B", decision: "Other.")],
                                         mergeBase: ["adr/0001-a.md"])),
                       ["adr/0002-b.md:1:1: error: main also adds docs/adr/0002-b.md, with other contents; both claim ADR-0002 [number-collision]"])
    }

    func testFrozenSectionsOfAcceptedDocuments() throws {
        let madr = { (outcome: String) in "---\nstatus: approved\n---\n# Use X\n\n## Context and Problem Statement\n\np\n\n## Considered Options\n\n* X\n\n## Decision Outcome\n\n\(outcome)\n\n### Consequences\n\nc\n\n## Links\n\nl\n" }
        let found = try compare(head: ["adr/0001-x.md": madr("Chosen option: X.\n\n### Later note\n\nn")],
                                base: ["adr/0001-x.md": madr("Chosen option: X.")], mergeBase: ["adr/0001-x.md"])
        XCTAssertEqual(lines(found), ["adr/0001-x.md:14:1: warning: ADR-0001 is accepted on main and this branch changes its 'Decision Outcome' section; accepted documents are amended or superseded, not rewritten [frozen-section-changed]"])
        // Sections after it (Links) and statuses other than the frozen ones are free.
        XCTAssertEqual(try compare(head: ["adr/0001-x.md": madr("Chosen option: X.") + "more\n"], base: ["adr/0001-x.md": madr("Chosen option: X.")],
                                   mergeBase: ["adr/0001-x.md"]), [])
        let proposed = { (d: String) in Self.record(1, "A", status: "Proposed", decision: d) }
        XCTAssertEqual(try compare(head: ["adr/0001-a.md": proposed("New.")], base: ["adr/0001-a.md": proposed("Old.")], mergeBase: ["adr/0001-a.md"]), [])
        // A removed section counts; frozen statuses are configurable and go through the kind's aliases.
        var config = Config.default
        config.kinds[0].frozenStatuses = ["approved", "proposed"]
        let removed = try compare(head: ["adr/0001-a.md": "# 1. A\n\n## Status\n\nProposed\n"], base: ["adr/0001-a.md": proposed("Old.")],
                                  mergeBase: ["adr/0001-a.md"], config: config)
        XCTAssertEqual(lines(removed).filter { $0.hasSuffix("[frozen-section-changed]") },
                       ["adr/0001-a.md:1:1: warning: ADR-0001 is proposed on main and this branch removes its 'Decision' section; proposed documents are amended or superseded, not rewritten [frozen-section-changed]"])
    }

    func testDeletedDocumentStillReferencedReplacesTheBrokenReference() throws {
        let base = ["adr/0001-a.md": Self.record(1, "A"),
                    "adr/0002-b.md": "---\nstatus: accepted\nrelates-to: ADR-0001\n---\n# B\n\n## Context\n\nSee [A](0001-a.md#decision).\n\n## Decision\n\nd\n\n## Consequences\n\ne\n"]
        var head = base
        head.removeValue(forKey: "adr/0001-a.md")
        let found = try compare(head: head, base: base, mergeBase: Array(base.keys))
        XCTAssertEqual(lines(found), [
            "adr/0002-b.md:3:13: error: records 'related to' ADR-0001 (docs/adr/0001-a.md), which exists on main but this branch deletes [deleted-document-referenced]",
            "adr/0002-b.md:9:5: error: links to ADR-0001 (docs/adr/0001-a.md), which exists on main but this branch deletes [deleted-document-referenced]",
        ])
        // A document the base added after the branch point was never here to delete.
        XCTAssertEqual(lines(try compare(head: head, base: base, mergeBase: ["adr/0002-b.md"])).map { $0.hasSuffix("[deleted-document-referenced]") }, [false, false])
    }
}
