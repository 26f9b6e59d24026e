// The check's memo (kept by archbook serve between rebuilds): unchanged files are taken from it, changed ones and
// another configuration's memo are not.

import XCTest
@testable import ArchbookCore

final class ExtractionMemoTests: XCTestCase {
    let a = "# 1. Use Kafka\n\n## Status\n\nAccepted\n\n## Context\n\nc\n\n## Decision\n\nd\n\n## Consequences\n\ne\n"
    let b = "# 2. Use Postgres\n\n## Status\n\nProposed\n\n## Context\n\nSee [one](0001-use-kafka.md).\n"

    func summary(_ r: CheckResult) -> [String] {
        r.documents.map { "\($0.path)|\($0.id ?? "-")|\($0.title)|\($0.status?.value ?? "-")" }
            + r.diagnostics.map { "\($0.file):\($0.position.line):\($0.position.column) \($0.rule) \($0.message)" }
    }

    func testUnchangedFilesComeFromTheMemoAndTheResultIsAFreshChecks() throws {
        var tree = InMemoryFileTree(["decisions/0001-use-kafka.md": a, "decisions/0002-use-postgres.md": b])
        let first = try Checker.check(tree, config: .default, memoKey: "config")
        let memo = try XCTUnwrap(first.memo)
        XCTAssertEqual(memo.entries.count, 2)

        // One file changes: a new title and a broken link.
        tree.files["decisions/0002-use-postgres.md"] = Array(b.replacingOccurrences(of: "Use Postgres", with: "Use MySQL")
            .replacingOccurrences(of: "0001-use-kafka.md", with: "0009-missing.md").utf8)
        let second = try Checker.check(tree, config: .default, memo: memo, memoKey: "config")
        let fresh = try Checker.check(tree, config: .default)
        XCTAssertEqual(summary(second), summary(fresh))
        XCTAssertTrue(summary(second).contains { $0.contains("broken-link") })
        XCTAssertNil(fresh.memo, "a check asked for no memo makes none")

        // What the memo holds for an unchanged file is what the check takes (proved with a marked entry)...
        var entries = memo.entries
        entries["decisions/0001-use-kafka.md"]!.document!.title = "From the memo"
        let marked = ExtractionMemo(key: "config", entries: entries)
        let reused = try Checker.check(tree, config: .default, memo: marked, memoKey: "config")
        XCTAssertEqual(reused.documents.first { $0.path == "decisions/0001-use-kafka.md" }?.title, "From the memo")
        // ...but not under another configuration, nor with dates from git.
        let otherConfig = try Checker.check(tree, config: .default, memo: marked, memoKey: "another config")
        XCTAssertEqual(otherConfig.documents.first { $0.path == "decisions/0001-use-kafka.md" }?.title, "Use Kafka")
        let withHistory = try Checker.check(tree, config: .default, history: DocumentHistory(dates: [:]), memo: marked, memoKey: "config")
        XCTAssertEqual(withHistory.documents.first { $0.path == "decisions/0001-use-kafka.md" }?.title, "Use Kafka")
        XCTAssertNil(withHistory.memo)
    }
}
