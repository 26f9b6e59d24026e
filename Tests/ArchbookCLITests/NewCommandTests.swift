// `archbook new` through the real binary in a temporary git repository: numbering, the file written, and the superseded
// document changed exactly where adr-tools would change it (checked with git's own diff).

import Foundation
import XCTest

final class NewCommandTests: XCTestCase {
    static let first = """
    # 1. Record architecture decisions

    Date: 2024-01-02

    ## Status

    Accepted

    ## Context

    We need to record decisions.

    ## Decision

    We use ADRs.

    ## Consequences

    See Michael Nygard's article.

    """

    static let second = """
    ---
    status: accepted   # since the March review
    date: 2024-03-01
    deciders: [Ann]
    ---

    # Use PostgreSQL

    ## Context

    Shipments need a store.

    ## Decision

    PostgreSQL.

    ## Consequences

    One more database.

    """

    func repository() throws -> GitFixture {
        try GitFixture.make(["docs/adr/0001-record-architecture-decisions.md": Self.first,
                             "docs/adr/0002-use-postgresql.md": Self.second], testCase: self)
    }

    func testNewSupersedesAndChangesOnlyTheStatusLines() throws {
        let repo = try repository()
        let run = try ArchbookBinary.run(["new", "decision", "Use", "CockroachDB", "--docs", "docs", "--supersedes", "ADR-2", "--amends", "1"],
                                         in: repo.url, environment: ["ARCHBOOK_TODAY": "2025-10-01"])
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertEqual(run.out, "docs/adr/0003-use-cockroachdb.md\n")
        XCTAssertTrue(run.err.hasPrefix("archbook: created docs/adr/0003-use-cockroachdb.md (ADR-0003) from "), run.err)
        XCTAssertTrue(run.err.hasSuffix("\narchbook: updated docs/adr/0002-use-postgresql.md\narchbook: updated docs/adr/0001-record-architecture-decisions.md\n"), run.err)
        XCTAssertEqual(try repo.read("docs/adr/0003-use-cockroachdb.md"), """
        # 3. Use CockroachDB

        Date: 2025-10-01

        ## Status

        Proposed

        Supersedes [Use PostgreSQL](0002-use-postgresql.md)

        Amends [1. Record architecture decisions](0001-record-architecture-decisions.md)

        ## Context

        {What is the issue that motivates this decision or change?}

        ## Decision

        {What is the change that we are proposing or have agreed to implement?}

        ## Consequences

        {What becomes easier or more difficult to do because of this change?}

        """)
        // git sees exactly these lines changed in the targets, and nothing else in the repository.
        XCTAssertEqual(try repo.git("status", "--porcelain"), """
         M docs/adr/0001-record-architecture-decisions.md
         M docs/adr/0002-use-postgresql.md
        ?? docs/adr/0003-use-cockroachdb.md

        """)
        XCTAssertEqual(try repo.git("diff", "-U0", "--no-color", "docs/adr/0002-use-postgresql.md").split(separator: "\n").dropFirst(4).joined(separator: "\n"), """
        @@ -2 +2,2 @@
        -status: accepted   # since the March review
        +status: superseded   # since the March review
        +superseded-by: ADR-0003
        """)
        XCTAssertEqual(try repo.read("docs/adr/0001-record-architecture-decisions.md"),
                       Self.first.replacingOccurrences(of: "Accepted\n", with: "Accepted\n\nAmended by [3. Use CockroachDB](0003-use-cockroachdb.md)\n"))
        // The handbook is consistent afterwards: the relations are reciprocated; only the template's prompts are left.
        let check = try ArchbookBinary.run(["check", "docs", "--quiet"], in: repo.url)
        XCTAssertEqual(check.status, 0, check.out)
        XCTAssertEqual(check.out.split(separator: "\n").filter { !$0.contains("[unfilled-placeholder]") }, ["0 errors, 3 warnings in 3 documents"])

        // The next one is number 4, with the date given.
        let next = try ArchbookBinary.run(["new", "adr", "Use Redis", "--docs", "docs", "--date", "2025-10-02"], in: repo.url)
        XCTAssertEqual(next.out, "docs/adr/0004-use-redis.md\n")
        XCTAssertTrue(try repo.read("docs/adr/0004-use-redis.md").contains("\nDate: 2025-10-02\n"))
    }

    func testNeverOverwritesAndPrintWritesNothing() throws {
        let repo = try GitFixture.make([
            "docs/runbooks/DiskFull.md": "# DiskFull\n\n## Meaning\n\nm\n",
            "docs/archbook.yml": "kinds:\n  runbook:\n    preset: runbook-alert\n    paths: [\"runbooks/**\"]\n    file-name: \"{name}.md\"\n",
        ], testCase: self)
        let refused = try ArchbookBinary.run(["new", "runbook", "disk", "full", "--docs", "docs", "--date", "2025-10-01"], in: repo.url)
        XCTAssertEqual(refused.status, 2)
        XCTAssertEqual(refused.out, "")
        XCTAssertEqual(refused.err, "archbook: error: docs/runbooks/DiskFull.md already exists; archbook new never overwrites a file\n")
        XCTAssertEqual(try repo.read("docs/runbooks/DiskFull.md"), "# DiskFull\n\n## Meaning\n\nm\n")

        let printed = try ArchbookBinary.run(["new", "runbook", "Node not ready", "--docs", "docs", "--date", "2025-10-01", "--print"], in: repo.url)
        XCTAssertEqual(printed.status, 0, printed.err)
        XCTAssertTrue(printed.out.hasPrefix("# Node not ready\n\n## Meaning\n"), printed.out)
        XCTAssertTrue(printed.err.hasPrefix("archbook: would create docs/runbooks/NodeNotReady.md (NodeNotReady) from "), printed.err)
        XCTAssertEqual(try repo.git("status", "--porcelain"), "")
    }

    func testUsageErrorsExitTwo() throws {
        let repo = try repository()
        let cases: [([String], String)] = [
            (["new", "memo", "X", "--docs", "docs"], "archbook: error: unknown kind 'memo'; kinds: decision, requirement, runbook, postmortem\n"),
            (["new", "decision", "X", "--docs", "docs", "--date", "2025-02-30"], "Error: --date '2025-02-30' is not a date in YYYY-MM-DD form."),
            (["new", "decision", "X", "--docs", "docs", "--supersedes", "ADR-0009"], "archbook: error: no document 'ADR-0009' to supersede\n"),
            (["new", "decision", "X", "--docs", "docs", "--status", "maybe"],
             "archbook: error: 'maybe' is not a decision status (proposed, accepted, rejected, deprecated, superseded)\n"),
        ]
        for (arguments, message) in cases {
            let run = try ArchbookBinary.run(arguments, in: repo.url, environment: ["ARCHBOOK_TODAY": "2025-10-01"])
            XCTAssertEqual(run.status, 2, arguments.joined(separator: " "))
            XCTAssertTrue(run.err.hasPrefix(message), run.err)
        }
        XCTAssertEqual(try repo.git("status", "--porcelain"), "")
    }
}
