// `list`, `show`, `graph` and `export` through the real binary, and dates taken from git history.

import ArchbookCore
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

final class QueryCommandsTests: XCTestCase {
    static let files = [
        "docs/adr/0001-use-postgres.md": "# 1. Use Postgres\n\nDate: 2024-01-01\n\n## Status\n\nSuperseded by [2. Use CockroachDB](0002-use-cockroachdb.md)\n\n## Context\n\nc\n\n## Decision\n\nd\n\n## Consequences\n\ne\n",
        "docs/adr/0002-use-cockroachdb.md": "---\nstatus: accepted\ndate: 2024-02-01\nsupersedes: ADR-0001\ntags: [data, \"a,b\"]\n---\n# Use CockroachDB, \"finally\"\n\n## Context\n\nSee [Postgres](0001-use-postgres.md).\n\n## Decision\n\n- [x] migrate\n- [ ] tune\n\n## Consequences\n\ne\n",
        "docs/runbooks/0001-db-failover.md": "---\nstatus: draft\n---\n# DB failover\n\n## Overview\n\nSee ADR-0002.\n\n## Diagnosis\n\nd\n\n## Mitigation\n\nm\n",
        "docs/README.md": "# Handbook\n",
    ]

    func testListFormats() throws {
        let dir = try makeTree(Self.files, testCase: self)
        let table = try ArchbookBinary.run(["list", "docs"], in: dir)
        XCTAssertEqual(table.status, 0)
        XCTAssertEqual(table.out, """
        ID        KIND      STATUS      DATE        TITLE
        ADR-0001  decision  superseded  2024-01-01  Use Postgres
        ADR-0002  decision  accepted    2024-02-01  Use CockroachDB, "finally"
        RB-0001   runbook   draft       -           DB failover

        """)
        let csv = try ArchbookBinary.run(["list", "docs", "--format", "csv", "--kind", "adr", "--status", "approved"], in: dir)
        XCTAssertEqual(csv.out, "id,kind,status,date,title,path\r\nADR-0002,decision,accepted,2024-02-01,\"Use CockroachDB, \"\"finally\"\"\",docs/adr/0002-use-cockroachdb.md\r\n")
        let json = try ArchbookBinary.run(["list", "docs", "--format", "json", "--tag", "A,B"], in: dir)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])
        XCTAssertEqual(object["version"] as? Int, 1)
        let docs = try XCTUnwrap(object["documents"] as? [[String: Any]])
        XCTAssertEqual(docs.map { $0["id"] as? String }, ["ADR-0002"])
        XCTAssertEqual(docs.first?["tags"] as? [String], ["data", "a,b"])
        let none = try ArchbookBinary.run(["list", "docs", "--status", "rejected"], in: dir)
        XCTAssertEqual(none.out, "ID  KIND  STATUS  DATE  TITLE\n")
        let unknown = try ArchbookBinary.run(["list", "docs", "--kind", "memo"], in: dir)
        XCTAssertEqual(unknown.status, 2)
        XCTAssertEqual(unknown.err, "archbook: error: unknown kind 'memo'; kinds: decision, requirement, runbook, postmortem\n")
    }

    func testShow() throws {
        let dir = try makeTree(Self.files, testCase: self)
        let show = try ArchbookBinary.run(["show", "adr-2", "docs"], in: dir)
        XCTAssertEqual(show.status, 0, show.err)
        XCTAssertEqual(show.out, """
        title:        Use CockroachDB, "finally"
        id:           ADR-0002
        kind:         decision
        status:       accepted
        date:         2024-02-01
        tags:         data, a,b
        path:         docs/adr/0002-use-cockroachdb.md
        supersedes:   ADR-0001  Use Postgres (superseded)
        linked from:  ADR-0001
        checklist:    1 of 2 done

        sections:
          Context
          Decision  [1/2]
          Consequences

        """)
        // By path (as the shell completes it) and with the text.
        let byPath = try ArchbookBinary.run(["show", "docs/adr/0001-use-postgres.md", "docs", "--body"], in: dir)
        XCTAssertTrue(byPath.out.hasPrefix("title:          Use Postgres\nid:             ADR-0001\n"), byPath.out)
        XCTAssertTrue(byPath.out.contains("superseded by:  ADR-0002  Use CockroachDB, \"finally\" (accepted)\n"), byPath.out)
        XCTAssertTrue(byPath.out.hasSuffix("\n\n" + Self.files["docs/adr/0001-use-postgres.md"]!), byPath.out)
        let json = try ArchbookBinary.run(["show", "RB-1", "docs", "--format", "json"], in: dir)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])
        XCTAssertEqual((object["document"] as? [String: Any])?["path"] as? String, "docs/runbooks/0001-db-failover.md")
        let missing = try ArchbookBinary.run(["show", "ADR-0009", "docs"], in: dir)
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(missing.err, "archbook: error: no document 'ADR-0009' in the handbook\n")
        let typo = try ArchbookBinary.run(["show", "ARD-2", "docs"], in: dir)
        XCTAssertEqual(typo.err, "archbook: error: no document 'ARD-2' in the handbook; did you mean ADR-0002?\n")
    }

    func testGraphFormats() throws {
        let dir = try makeTree(Self.files, testCase: self)
        let dot = try ArchbookBinary.run(["graph", "docs"], in: dir)
        XCTAssertEqual(dot.out, """
        digraph archbook {
          rankdir=LR;
          node [shape=box, style=rounded, fontname="sans-serif"];
          edge [fontname="sans-serif", fontsize=10];
          "ADR-0001" [label="ADR-0001\\nUse Postgres", tooltip="superseded", style="rounded,dashed", fontcolor=gray35];
          "ADR-0002" [label="ADR-0002\\nUse CockroachDB, \\"finally\\"", tooltip="accepted"];
          "ADR-0002" -> "ADR-0001" [label="supersedes"];
        }

        """)
        let mermaid = try ArchbookBinary.run(["graph", "docs", "--format", "mermaid", "--all"], in: dir)
        XCTAssertEqual(mermaid.out, """
        flowchart LR
          d0["ADR-0001: Use Postgres"]
          d1["ADR-0002: Use CockroachDB, #quot;finally#quot;"]
          d2["RB-0001: DB failover"]
          d1 -->|"supersedes"| d0
          classDef ended stroke-dasharray: 5 5, color: #57606a
          class d0 ended

        """)
        let svg = try ArchbookBinary.run(["graph", "docs", "--format", "svg"], in: dir)
        XCTAssertTrue(svg.out.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""), svg.out)
        XCTAssertTrue(svg.out.contains("<style>\ntext { fill: #1b1f24; }"), svg.out)
        XCTAssertTrue(svg.out.contains("class=\"edge rel-supersedes\""), svg.out)
        let parser = XMLParser(data: svg.stdout)
        XCTAssertTrue(parser.parse(), "the SVG is well-formed XML")
        let runbooks = try ArchbookBinary.run(["graph", "docs", "--kind", "runbook"], in: dir)
        XCTAssertFalse(runbooks.out.contains("->"), runbooks.out)
    }

    func testExportIsVersionedAndReadsBack() throws {
        let dir = try makeTree(Self.files, testCase: self)
        let run = try ArchbookBinary.run(["export", "docs"], in: dir)
        XCTAssertEqual(run.status, 0)
        let decoded = try JSONDecoder().decode(HandbookExport.self, from: run.stdout)
        XCTAssertEqual(decoded.format, "archbook-export")
        XCTAssertEqual(decoded.version, 1)
        XCTAssertEqual(decoded.root, "docs")
        XCTAssertEqual(decoded.json(), run.out, "decoding and writing again gives the same bytes")
        let adr2 = try XCTUnwrap(decoded.documents.first { $0.id == "ADR-0002" })
        XCTAssertEqual(adr2.tasks.done, 1)
        XCTAssertEqual(adr2.tasks.total, 2)
        XCTAssertEqual(adr2.sections.map { "\($0.title) \($0.done)/\($0.total)" }, ["Use CockroachDB, \"finally\" 1/2", "Context 0/0", "Decision 1/2", "Consequences 0/0"])
        XCTAssertEqual(adr2.relations.map { "\($0.type) \($0.target) \($0.resolved ?? "-") \($0.line)" },
                       ["supersedes ADR-0001 docs/adr/0001-use-postgres.md 4"])
        XCTAssertEqual(decoded.relations.map { "\($0.from) \($0.fromId ?? "-") \($0.type) \($0.to) \($0.toId ?? "-")" },
                       ["docs/adr/0002-use-cockroachdb.md ADR-0002 supersedes docs/adr/0001-use-postgres.md ADR-0001"])
        XCTAssertEqual(try ArchbookBinary.run(["export", "docs"], in: dir).stdout, run.stdout, "the same tree gives the same bytes")
    }

    func testDatesFromGitHistory() throws {
        let repo = try GitFixture.make([
            "docs/runbooks/0001-db-failover.md": "---\nstatus: draft\n---\n# DB failover\n\n## Overview\n\no\n\n## Diagnosis\n\nd\n\n## Mitigation\n\nm\n",
            "docs/runbooks/0002-dated.md": "---\nstatus: draft\ndate: 2020-01-01\n---\n# Dated\n\n## Overview\n\no\n\n## Diagnosis\n\nd\n\n## Mitigation\n\nm\n",
            "docs/archbook.yml": "git-dates: true\n",
        ], testCase: self, date: "2021-05-06T10:00:00")
        try repo.write("docs/runbooks/0001-db-failover.md", try repo.read("docs/runbooks/0001-db-failover.md") + "\nMore.\n")
        try repo.commit("edit", date: "2022-07-08T10:00:00")
        try repo.git("mv", "docs/runbooks/0001-db-failover.md", "docs/runbooks/0001-database-failover.md")
        try repo.commit("rename", date: "2023-09-10T10:00:00")
        let show = try ArchbookBinary.run(["show", "RB-1", "docs"], in: repo.url)
        XCTAssertEqual(show.status, 0, show.err)
        // First commit (followed through the rename) and last change.
        XCTAssertTrue(show.out.contains("\ncreated:  2021-05-06\nupdated:  2023-09-10\n"), show.out)
        let dated = try ArchbookBinary.run(["show", "RB-2", "docs"], in: repo.url)
        XCTAssertTrue(dated.out.contains("\ndate:     2020-01-01\nupdated:  2021-05-06\n"), dated.out)
        XCTAssertFalse(dated.out.contains("created"), "a document with a date of its own keeps it")
        // Without the option, no dates come from git.
        try repo.write("docs/archbook.yml", "git-dates: false\n")
        XCTAssertFalse(try ArchbookBinary.run(["show", "RB-1", "docs"], in: repo.url).out.contains("created"))
        // With it, outside a repository, archbook says why it cannot.
        let plain = try makeTree(["docs/archbook.yml": "git-dates: true\n"], testCase: self)
        let failed = try ArchbookBinary.run(["list", "docs"], in: plain, environment: ["GIT_CEILING_DIRECTORIES": plain.deletingLastPathComponent().path])
        XCTAssertEqual(failed.status, 2)
        XCTAssertTrue(failed.err.hasPrefix("archbook: error: git-dates (in the configuration) needs a git repository, but 'docs' is not in one"), failed.err)
    }
}
