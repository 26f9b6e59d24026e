// `archbook check --base REF` on real git branches: two pull requests taking the same number, an accepted decision
// rewritten, a deleted document still referenced, and the clear failures (no git, no such revision, no repository).

import Foundation
import XCTest

final class BaseCheckTests: XCTestCase {
    static func record(_ n: Int, _ title: String, status: String = "Accepted", decision: String = "We do it.", extra: String = "") -> String {
        """
        # \(n). \(title)

        Date: 2024-01-0\(n)

        ## Status

        \(status)

        ## Context

        Context of \(title).\(extra)

        ## Decision

        \(decision)

        ## Consequences

        Fine.

        """
    }

    /// main: ADR 1. Branch `feature` (checked out) forks from there; main then gets ADR 2 "Use Redis".
    func forked() throws -> GitFixture {
        let repo = try GitFixture.make(["docs/adr/0001-use-postgresql.md": Self.record(1, "Use PostgreSQL")], testCase: self)
        try repo.git("checkout", "-q", "-b", "feature")
        try repo.git("checkout", "-q", "main")
        try repo.write("docs/adr/0002-use-redis.md", Self.record(2, "Use Redis"))
        try repo.commit("ADR 2 on main", date: "2024-02-01T10:00:00")
        try repo.git("checkout", "-q", "feature")
        return repo
    }

    func testTwoBranchesTakingTheSameNumberIsAnErrorNamingBothFiles() throws {
        let repo = try forked()
        try repo.write("docs/adr/0002-use-kafka.md", Self.record(2, "Use Kafka"))
        try repo.commit("ADR 2 on the feature branch")
        // Alone, the branch is clean: the collision only shows against main.
        let alone = try ArchbookBinary.run(["check", "docs"], in: repo.url)
        XCTAssertEqual(alone.status, 0, alone.out)
        let run = try ArchbookBinary.run(["check", "docs", "--base", "main"], in: repo.url)
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.err, "")
        XCTAssertEqual(run.out, """
        docs/adr/0002-use-kafka.md:1:1: error: ADR-0002 is already used on main by docs/adr/0002-use-redis.md; this branch adds docs/adr/0002-use-kafka.md with the same number [number-collision]
            # 2. Use Kafka
            ^
            hint: Rebase on main and renumber this document to ADR-0003 (file name and title).

        1 error, 0 warnings in 2 documents

        """)
        // SARIF lists the history rules when they ran.
        let sarif = try ArchbookBinary.run(["check", "docs", "--base", "main", "--format", "sarif"], in: repo.url)
        let object = try JSONSerialization.jsonObject(with: sarif.stdout) as? [String: Any]
        let runs = try XCTUnwrap(object?["runs"] as? [[String: Any]])
        let driver = try XCTUnwrap((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let ids = (driver["rules"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
        XCTAssertEqual(Array(ids.suffix(3)), ["number-collision", "frozen-section-changed", "deleted-document-referenced"])
        let results = try XCTUnwrap(runs[0]["results"] as? [[String: Any]])
        XCTAssertEqual(results.map { $0["ruleId"] as? String }, ["number-collision"])
        // Once rebased on main (or merged), the two files meet in one tree: duplicate-id, not a history finding.
        try repo.git("merge", "-q", "--no-edit", "main", environment: ["GIT_AUTHOR_DATE": "2024-03-01T10:00:00", "GIT_COMMITTER_DATE": "2024-03-01T10:00:00"])
        let merged = try ArchbookBinary.run(["check", "docs", "--base", "main", "--quiet"], in: repo.url)
        XCTAssertEqual(merged.status, 1)
        XCTAssertEqual(merged.out.split(separator: "\n").map { $0.hasSuffix("[duplicate-id]") || $0.hasPrefix("2 errors") }, [true, true, true])
    }

    func testARenameOnTheBranchIsNoCollision() throws {
        let repo = try forked()
        try repo.git("mv", "docs/adr/0001-use-postgresql.md", "docs/adr/0001-use-postgres.md")
        try repo.commit("rename")
        let run = try ArchbookBinary.run(["check", "docs", "--base", "main", "--quiet"], in: repo.url)
        XCTAssertEqual(run.out, "0 errors, 0 warnings in 1 document\n")
        XCTAssertEqual(run.status, 0)
    }

    func testRewritingAnAcceptedDecisionIsAWarningAndConfigurable() throws {
        let repo = try GitFixture.make([
            "docs/adr/0001-use-postgresql.md": Self.record(1, "Use PostgreSQL"),
            "docs/adr/0002-use-redis.md": Self.record(2, "Use Redis", status: "Proposed"),
        ], testCase: self)
        try repo.git("checkout", "-q", "-b", "feature")
        // Context edits and proposed decisions are fine; the accepted Decision section is not.
        try repo.write("docs/adr/0001-use-postgresql.md", Self.record(1, "Use PostgreSQL", decision: "We do it differently.", extra: "\nMore context."))
        try repo.write("docs/adr/0002-use-redis.md", Self.record(2, "Use Redis", status: "Proposed", decision: "Changed."))
        let run = try ArchbookBinary.run(["check", "docs", "--base", "main", "--quiet"], in: repo.url)
        XCTAssertEqual(run.status, 0)
        XCTAssertEqual(run.out, """
        docs/adr/0001-use-postgresql.md:14:1: warning: ADR-0001 is accepted on main and this branch changes its 'Decision' section; accepted documents are amended or superseded, not rewritten [frozen-section-changed]
        0 errors, 1 warning in 2 documents

        """)
        // Whitespace at line ends and line endings do not count as a change.
        try repo.write("docs/adr/0001-use-postgresql.md", Self.record(1, "Use PostgreSQL", extra: "\nMore context.")
            .replacingOccurrences(of: "We do it.\n", with: "We do it.   \n").replacingOccurrences(of: "\n", with: "\r\n"))
        XCTAssertEqual(try ArchbookBinary.run(["check", "docs", "--base", "main", "--quiet"], in: repo.url).out, "0 errors, 0 warnings in 2 documents\n")
        // Per kind: an error, or off.
        try repo.write("docs/adr/0001-use-postgresql.md", Self.record(1, "Use PostgreSQL", decision: "Rewritten."))
        try repo.write("docs/archbook.yml", "kinds:\n  decision:\n    rules:\n      frozen-section-changed: error\n")
        let strict = try ArchbookBinary.run(["check", "docs", "--base", "main", "--quiet"], in: repo.url)
        XCTAssertEqual(strict.status, 1)
        XCTAssertTrue(strict.out.contains(": error: ADR-0001 is accepted on main"), strict.out)
        try repo.write("docs/archbook.yml", "kinds:\n  decision:\n    frozen-sections: []\n")
        XCTAssertEqual(try ArchbookBinary.run(["check", "docs", "--base", "main", "--quiet"], in: repo.url).out, "0 errors, 0 warnings in 2 documents\n")
    }

    func testDeletedDocumentStillReferencedIsOneErrorPerReference() throws {
        let repo = try GitFixture.make([
            "docs/adr/0001-use-postgresql.md": Self.record(1, "Use PostgreSQL"),
            "docs/adr/0002-use-redis.md": Self.record(2, "Use Redis", extra: "\n\nSee [ADR 1](0001-use-postgresql.md)."),
        ], testCase: self)
        try repo.git("checkout", "-q", "-b", "feature")
        try repo.remove("docs/adr/0001-use-postgresql.md")
        try repo.commit("delete ADR 1")
        let run = try ArchbookBinary.run(["check", "docs", "--base", "main", "--quiet"], in: repo.url)
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.out, """
        docs/adr/0002-use-redis.md:13:5: error: links to ADR-0001 (docs/adr/0001-use-postgresql.md), which exists on main but this branch deletes [deleted-document-referenced]
        1 error, 0 warnings in 1 document

        """)
        // Without --base the same link is a plain broken link.
        let plain = try ArchbookBinary.run(["check", "docs", "--quiet"], in: repo.url)
        XCTAssertTrue(plain.out.hasPrefix("docs/adr/0002-use-redis.md:13:5: error: link target '0001-use-postgresql.md' does not exist [broken-link]\n"), plain.out)
    }

    func testGitFailuresExitTwo() throws {
        let repo = try forked()
        let badRevision = try ArchbookBinary.run(["check", "docs", "--base", "no-such-branch"], in: repo.url)
        XCTAssertEqual(badRevision.status, 2)
        XCTAssertEqual(badRevision.out, "")
        XCTAssertEqual(badRevision.err, "archbook: error: --base 'no-such-branch' is not a commit in this repository; fetch it first (for example `git fetch origin main`, and in GitHub Actions check out with `fetch-depth: 0`)\n")

        let noGit = try ArchbookBinary.run(["check", "docs", "--base", "main"], in: repo.url, environment: ["ARCHBOOK_GIT": "/nonexistent/git"])
        XCTAssertEqual(noGit.status, 2)
        XCTAssertEqual(noGit.err, "archbook: error: --base needs git, which was not found (install git, or set ARCHBOOK_GIT to its path)\n")

        let plain = try makeTree(["docs/adr/0001-x.md": Self.record(1, "X")], testCase: self)
        let notARepository = try ArchbookBinary.run(["check", "docs", "--base", "main"], in: plain, environment: ["GIT_CEILING_DIRECTORIES": plain.deletingLastPathComponent().path])
        XCTAssertEqual(notARepository.status, 2)
        XCTAssertTrue(notARepository.err.hasPrefix("archbook: error: --base needs a git repository, but 'docs' is not in one (fatal: not a git repository"), notARepository.err)
    }
}
