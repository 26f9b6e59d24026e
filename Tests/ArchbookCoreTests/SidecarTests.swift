// Sidecar metadata: a YAML file beside each document (a KEP's kep.yaml) fills its fields, mapped in archbook.yml.

import XCTest
@testable import ArchbookCore

final class SidecarTests: XCTestCase {
    let config = """
    kinds:
      kep:
        paths: ["keps/**"]
        id-prefix: KEP
        statuses: [provisional, implementable, implemented, {name: withdrawn, terminal: true}]
        required-sections: [Summary, Motivation]
        sidecar:
          file: kep.yaml
          fields: {id: kep-number, title: title, status: status, authors: authors, created: creation-date, supersedes: replaces}
    """

    func check(_ files: [String: String]) throws -> CheckResult {
        try Checker.check(InMemoryFileTree(files), config: try Config.parse(config, file: "archbook.yml"))
    }

    let readme = "# KEP-1287: In-place pod resize\n\n## Summary\n\ns\n\n## Motivation\n\nm\n"

    func testSidecarFieldsFillTheDocument() throws {
        let result = try check([
            "keps/sig-node/1287-in-place-resize/README.md": readme,
            "keps/sig-node/1287-in-place-resize/kep.yaml": """
            title: In-place Update of Pod Resources
            kep-number: 1287
            authors:
              - "@vinaykul"
              - "@tallclair"
            status: implementable
            creation-date: 2019-01-18
            replaces:
              - keps/sig-node/1000-old/README.md
            """,
            "keps/sig-node/1000-old/README.md": readme.replacingOccurrences(of: "1287", with: "1000"),
            "keps/sig-node/1000-old/kep.yaml": "kep-number: 1000\nstatus: withdrawn\ntitle: Old\n",
        ])
        let doc = try XCTUnwrap(result.documents.first { $0.path.hasPrefix("keps/sig-node/1287") })
        XCTAssertEqual(doc.kind, "kep")
        XCTAssertEqual(doc.sidecar, "keps/sig-node/1287-in-place-resize/kep.yaml")
        XCTAssertEqual([doc.id, doc.title, doc.status?.value], ["KEP-1287", "In-place Update of Pod Resources", "implementable"])
        XCTAssertEqual([doc.idSource, doc.titleSource, doc.status?.source], [.sidecar, .sidecar, .sidecar])
        XCTAssertEqual(doc.people.authors, ["@vinaykul", "@tallclair"])
        XCTAssertEqual(doc.dates["created"]?.iso, "2019-01-18")
        XCTAssertEqual(doc.relations.map { "\($0.type.rawValue) \($0.target) \($0.file ?? "-")" },
                       ["supersedes keps/sig-node/1000-old/README.md keps/sig-node/1287-in-place-resize/kep.yaml"])
        // `replaces` names a path that is no document: reported at that value, in the sidecar.
        XCTAssertEqual(result.diagnostics.map { "\($0.rule) \($0.file):\($0.position.line)" }, [
            "relation-target-missing keps/sig-node/1287-in-place-resize/kep.yaml:9",
        ])
    }

    func testFrontMatterWinsOverTheSidecar() throws {
        let result = try check([
            "keps/a/README.md": "---\nstatus: implemented\n---\n" + readme,
            "keps/a/kep.yaml": "kep-number: 7\nstatus: provisional\n",
        ])
        XCTAssertEqual(result.documents.first?.status?.value, "implemented")
        XCTAssertEqual(result.documents.first?.status?.source, .frontMatter)
        XCTAssertEqual(result.documents.first?.id, "KEP-0007")
    }

    func testBadSidecarYAMLIsADiagnosticNamingTheSidecarAndLine() throws {
        let result = try check([
            "keps/a/README.md": readme,
            "keps/a/kep.yaml": "kep-number: 12\ntitle: [unclosed\nstatus: implementable\n",
        ])
        // The status the sidecar would have given is missing too.
        XCTAssertEqual(result.diagnostics.map { "\($0.rule) \($0.file)" }, ["missing-status keps/a/README.md", "invalid-front-matter keps/a/kep.yaml"])
        let d = try XCTUnwrap(result.diagnostics.last)
        XCTAssertEqual(d.file, "keps/a/kep.yaml")
        XCTAssertEqual(d.position.line, 3)
        XCTAssertTrue(d.message.hasPrefix("invalid YAML in sidecar kep.yaml: "), d.message)
        // The document is still read, from its Markdown.
        XCTAssertEqual(result.documents.first?.title, "In-place pod resize")
        XCTAssertEqual(result.documents.first?.id, "KEP-1287")
    }

    func testSidecarValuesAreValidatedWhereTheyAreWritten() throws {
        let result = try check([
            "keps/a/README.md": readme,
            "keps/a/kep.yaml": "kep-number: 12\nstatus: implementd\ncreation-date: 2019-02-30\nauthors: {name: x}\n",
        ])
        XCTAssertEqual(result.diagnostics.map { "\($0.rule) \($0.file):\($0.position.line):\($0.position.column) \($0.message)" }, [
            "unknown-status keps/a/kep.yaml:2:9 unknown kep status 'implementd'; did you mean 'implemented'?",
            "invalid-date keps/a/kep.yaml:3:16 creation-date '2019-02-30' is not a valid date: day 30 does not exist in February 2019",
            "invalid-front-matter keps/a/kep.yaml:4:10 sidecar 'authors' should be a list of names, not a mapping",
        ])
    }

    func testWithoutASidecarTheREADMEIsNoDocument() throws {
        let result = try check(["keps/a/README.md": readme])
        XCTAssertEqual(result.documents.map(\.kind), [nil])
        XCTAssertEqual(result.diagnostics, [])
    }
}
