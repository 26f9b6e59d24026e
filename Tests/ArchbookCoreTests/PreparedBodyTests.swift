// Bodies rendered while the check parses them (`PreparedBody`) make the same site as bodies parsed again by the build.

@testable import ArchbookCore
import Foundation
import XCTest

final class PreparedBodyTests: XCTestCase {
    static let config = """
        kinds:
          adr:
            paths: ["decisions/**"]
            id-prefix: ADR
            id-from: file-name
          runbook:
            paths: ["runbooks/**"]
            id-prefix: RB
        """

    /// Links with and without anchors (good and broken), images, IDs in prose, headings and tables that hold them,
    /// a title the page shows itself, task items, code that spells an ID, raw HTML.
    static let files: [String: String] = [
        "decisions/0001-use-postgres.md": """
            # 1. Use Postgres

            ## Status

            Accepted

            ## Context

            We follow [the runbook](../runbooks/restore.md#steps), [nothing](../runbooks/restore.md#nowhere) and
            [gone](missing.md); see ADR-2, ADR 2, RB-1 and ADR-77 (no such page), never `ADR-2` in code.
            ![diagram](diagram.png) <b>raw</b>

            ## Decision about ADR-2 and ADR-9

            | Record | Why |
            |---|---|
            | ADR-2 | ADR-404 |

            - [x] done with ADR-2
            - [ ] ADR-31 to do

            ## Consequences

            ADR-99 only, no link at all.

            """,
        "decisions/0002-use-kafka.md": """
            ---
            title: Use Kafka
            status: accepted
            ---
            ## Context

            Replaces nothing; ADR-1 came first. [Back](0001-use-postgres.md#context).

            ## Decision

            Kafka.

            ## Consequences

            More brokers.

            """,
        "runbooks/restore.md": """
            # Restore

            ## Steps

            1. Stop ADR-1's writers (RB-1 is this page).
            2. Restore.

            """,
        "decisions/diagram.png": "not really a PNG",
    ]

    func tree() -> InMemoryFileTree {
        var files = Self.files
        files["archbook.yml"] = Self.config
        return InMemoryFileTree(files)
    }

    func build(_ check: CheckResult, config: Config, options: SiteOptions) throws -> [String: [UInt8]] {
        let site = InMemorySite()
        _ = try SiteBuilder.build(check, tree: tree(), config: config, theme: try BadInputTests.theme(), options: options, sink: site)
        return site.files
    }

    func testPreparedBodiesMakeTheSameSiteAsBodiesParsedAgain() throws {
        let config = try Config.parse(Self.config, file: "archbook.yml")
        for options in [SiteOptions(generator: "t"), SiteOptions(allowRawHTML: true, generator: "t"),
                        SiteOptions(generator: "t", search: nil)] {
            let plain = try Checker.check(tree(), config: config)
            XCTAssertNil(plain.preparedBodies)
            let prepared = try Checker.check(tree(), config: config,
                                             preparing: SiteBuilder.bodyPreparation(config: config, options: options))
            XCTAssertEqual(prepared.documents.map(\.path), plain.documents.map(\.path))
            XCTAssertEqual(prepared.diagnostics, plain.diagnostics)
            // Every document was parsed here, so every body was prepared.
            XCTAssertEqual((0..<prepared.documents.count).filter { prepared.preparedBodies?.take($0) != nil }.count, 3)

            let again = try Checker.check(tree(), config: config,
                                          preparing: SiteBuilder.bodyPreparation(config: config, options: options))
            let expected = try build(plain, config: config, options: options)
            let actual = try build(again, config: config, options: options)
            XCTAssertEqual(Set(actual.keys), Set(expected.keys))
            for (path, bytes) in expected where actual[path] != bytes {
                XCTFail("\(path) differs (raw HTML \(options.allowRawHTML), search \(options.search != nil))")
            }
            // The build took each prepared body.
            XCTAssertNil(again.preparedBodies?.take(0))
        }
    }

    /// The build resolves relations and IDs with the lookups the check made of the same documents, and makes its own
    /// for documents changed after the check (a page never links through lookups of other documents).
    func testABuildUsesTheChecksLookupsOnlyForTheDocumentsTheyWereMadeFrom() throws {
        let config = try Config.parse(Self.config, file: "archbook.yml")
        let options = SiteOptions(generator: "t")
        var check = try Checker.check(tree(), config: config)
        let listing = try XCTUnwrap(check.lookups?.listing)
        // The check's lookups know the documents' heading anchors; the ones a site model makes itself do without.
        func reused(_ model: SiteModel) -> Bool { !model.validator.anchorSets.isEmpty }
        XCTAssertTrue(reused(SiteModel(check: check, listing: listing, config: config, options: options)))
        // Another configuration, or another listing, is not what they were made under.
        var other = config
        other.kinds[1].idPrefix = "RUN"
        XCTAssertFalse(reused(SiteModel(check: check, listing: listing, config: other, options: options)))
        var fewer = listing
        fewer.files.removeLast()
        XCTAssertFalse(reused(SiteModel(check: check, listing: fewer, config: config, options: options)))
        // A document renamed after the check: ADR-1 in prose no longer names it.
        let k = try XCTUnwrap(check.documents.firstIndex { $0.path == "decisions/0001-use-postgres.md" })
        check.documents[k].id = "ADR-0101"
        let model = SiteModel(check: check, listing: listing, config: config, options: options)
        XCTAssertFalse(reused(model))
        XCTAssertEqual(model.validator.byID["ADR-0101"], [k])
        XCTAssertNil(model.validator.byID["ADR-0001"])
        let site = try build(check, config: config, options: options)
        let page = String(decoding: try XCTUnwrap(site["decisions/0002-use-kafka.html"]), as: UTF8.self)
        XCTAssertFalse(page.contains("<a href=\"0001-use-postgres.html\">ADR-1</a>"), page)
    }

    /// The page shows the prepared body rather than parsing the file again; a body prepared with other inputs than the
    /// build's is not used.
    func testABuildTakesPreparedBodiesOnlyWhenPreparedAsItRenders() throws {
        let config = try Config.parse(Self.config, file: "archbook.yml")
        let options = SiteOptions(generator: "t")
        func page(preparedWith preparation: BodyPreparation) throws -> String {
            var check = try Checker.check(tree(), config: config, preparing: preparation)
            let k = try XCTUnwrap(check.documents.firstIndex { $0.path == "decisions/0002-use-kafka.md" })
            // What the build would parse, were it to parse the file again.
            let body = "\n## Context\n\nParsed again.\n"
            check.documents[k].body = ArraySlice(Array(body.utf8))
            let site = try build(check, config: config, options: options)
            return String(decoding: try XCTUnwrap(site["decisions/0002-use-kafka.html"]), as: UTF8.self)
        }
        let same = try page(preparedWith: SiteBuilder.bodyPreparation(config: config, options: options))
        XCTAssertTrue(same.contains("<p>Replaces nothing; <a href=\"0001-use-postgres.html\">ADR-1</a> came first."), same)
        XCTAssertFalse(same.contains("Parsed again."))
        var other = SiteBuilder.bodyPreparation(config: config, options: options)
        other.idPrefixes = ["RB"]
        let reparsed = try page(preparedWith: other)
        XCTAssertTrue(reparsed.contains("<p>Parsed again.</p>"), reparsed)
    }

    /// A mention that names no page leaves no trace of the link it was prepared as, in text, headings, tables and
    /// task items, with either scan.
    func testUnlinkedMentionsLeaveTheirTextAsItWas() throws {
        let config = try Config.parse(Self.config, file: "archbook.yml")
        for raw in [false, true] {
            let options = SiteOptions(allowRawHTML: raw, generator: "t")
            let check = try Checker.check(tree(), config: config, preparing: SiteBuilder.bodyPreparation(config: config, options: options))
            let html = String(decoding: try XCTUnwrap(try build(check, config: config, options: options)["decisions/0001-use-postgres.html"]),
                              as: UTF8.self)
            XCTAssertTrue(html.contains("""
                ; see <a href="0002-use-kafka.html">ADR-2</a>, <a href="0002-use-kafka.html">ADR 2</a>, RB-1 and ADR-77 (no such page), never <code>ADR-2</code> in code.
                """), html)
            XCTAssertTrue(html.contains(#"<h2 id="decision-about-adr-2-and-adr-9">Decision about <a href="0002-use-kafka.html">ADR-2</a> and ADR-9</h2>"#), html)
            XCTAssertTrue(html.contains("<td><a href=\"0002-use-kafka.html\">ADR-2</a></td>\n<td>ADR-404</td>"), html)
            XCTAssertTrue(html.contains("ADR-31 to do</li>"), html)
            XCTAssertTrue(html.contains("<p>ADR-99 only, no link at all.</p>"), html)
            XCTAssertFalse(html.contains("archbook:"), html)
        }
    }
}
