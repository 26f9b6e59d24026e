// The document model: exact fields extracted from each metadata convention.

import XCTest
@testable import ArchbookCore

final class ModelTests: XCTestCase {
    func testContainsBytesMatchesBytesExactly() {
        XCTAssertTrue("Motivation and Summary".containsBytes(" and "))
        XCTAssertTrue("background & motivation for a rather long heading".containsBytes(" & "))
        XCTAssertFalse("Brand new".containsBytes(" and "))
        XCTAssertTrue("x".containsBytes(""))
        XCTAssertFalse("".containsBytes("a"))
        XCTAssertTrue("adr-template-minimal"[...].containsBytes("template"))
        XCTAssertTrue("ünïcode tëmplate".containsBytes("tëmplate"))
        XCTAssertFalse("e\u{301}".containsBytes("é"), "bytes, not canonical equivalence")
    }

    func testByteHelpersOfTextAndLinks() {
        XCTAssertEqual("a, b".byteOffset(of: ", "), 1)
        XCTAssertEqual("ünï - x".byteOffset(of: " - "), 5, "an offset in UTF-8 bytes")
        XCTAssertNil("abc".byteOffset(of: "abcd"))
        XCTAssertEqual(StatusText.trim("**Accepted.** ", " *_`.!:,-–—"), "Accepted")
        XCTAssertEqual(StatusText.trim("— Accepted —", " *_`.!:,-–—"), "Accepted")
        XCTAssertEqual(StatusText.splitQualifier("complete, action items in progress")?.1, "action items in progress")
        XCTAssertEqual(StatusText.splitQualifier("accepted - 2024-01-02")?.0, "accepted")
        XCTAssertEqual(StatusText.splitQualifier("accepted – by the board")?.0, "accepted")
        XCTAssertNil(StatusText.splitQualifier("accepted"))
        XCTAssertNil(StatusText.splitQualifier(", x"), "no status before the comma")
        // Link targets, resolved against the linking document's folder.
        XCTAssertEqual(HandbookValidator.resolve("../runbooks/db.md", from: "adr/0001-x.md"), "runbooks/db.md")
        XCTAssertEqual(HandbookValidator.resolve("./b//c/./d.md", from: "a/x.md"), "a/b/c/d.md")
        XCTAssertEqual(HandbookValidator.resolve("/top.md", from: "a/b/x.md"), "top.md")
        XCTAssertEqual(HandbookValidator.resolve("y.md", from: "x.md"), "y.md")
        XCTAssertEqual(HandbookValidator.resolve("", from: "a/x.md"), "a")
        XCTAssertEqual(HandbookValidator.resolve("..", from: "a/x.md"), "")
        XCTAssertNil(HandbookValidator.resolve("../../etc/passwd", from: "a/x.md"), "above the docs root")
        XCTAssertEqual(HandbookValidator.resolve("über/ç.md", from: "ä/x.md"), "ä/über/ç.md")
        XCTAssertTrue(HandbookValidator.splitDestination("a.md?x=1#Sec") == ("a.md", "Sec"))
        XCTAssertTrue(HandbookValidator.splitDestination("#top") == ("", "top"))
        XCTAssertTrue(HandbookValidator.splitDestination("a.md#") == ("a.md", ""))
        XCTAssertTrue(HandbookValidator.splitDestination("ü.md") == ("ü.md", nil))
        XCTAssertEqual("a%20b.md".percentDecoded, "a b.md")
        XCTAssertEqual("ü%C3%BC".percentDecoded, "üü")
        XCTAssertEqual("100%zz".percentDecoded, "100%zz", "malformed escapes stay as written")
        XCTAssertEqual("plain-name.md".percentDecoded, "plain-name.md")
        for s in ["\u{FEFF}x.md", "a\u{FEFF}b.md", "a%20\u{FEFF}b.md", "ü.md", "%E2%82%AC", "%"] {
            XCTAssertEqual(s.percentDecoded, s.removingPercentEncoding ?? s, "as Foundation decodes \(s.debugDescription)")
        }
    }

    func testSitePathsAndEscapes() {
        // URLs between pages, escaped attribute values and JSON strings, as the site writes them.
        XCTAssertEqual(SitePath.relative(from: "decisions/a.html", to: "decisions/b.html"), "b.html")
        XCTAssertEqual(SitePath.relative(from: "decisions/a.html", to: "runbooks/x y.html"), "../runbooks/x%20y.html")
        XCTAssertEqual(SitePath.relative(from: "a/b/c.html", to: "index.html"), "../../index.html")
        XCTAssertEqual(SitePath.relative(from: "index.html", to: "a:b/c.html"), "./a:b/c.html", "not read as a URL scheme")
        XCTAssertEqual(SitePath.relative(from: "index.html", to: "ü.html"), "%C3%BC.html")
        XCTAssertEqual(SitePath.relative(from: "x.html", to: ""), "./")
        XCTAssertEqual(SitePath.relative(from: "ab/x.html", to: "abc/y.html"), "../abc/y.html", "shared folders end at a slash")
        XCTAssertEqual(HTML.attribute("Use <b> & \"quotes\" 'too' — ü"), "Use &lt;b&gt; &amp; &quot;quotes&quot; &#39;too&#39; — ü")
        XCTAssertEqual(HTML.attribute("nothing to escape"), "nothing to escape")
        XCTAssertEqual(HTML.attribute(""), "")
        XCTAssertEqual(JSONValue.quoted("a\"b\\c\r\nd\te\u{08}\u{0C}\u{01}\u{1F}ü—"), "\"a\\\"b\\\\c\\r\\nd\\te\\b\\f\\u0001\\u001fü—\"")
        XCTAssertEqual(JSONValue.quoted(""), "\"\"")
        XCTAssertEqual(JSONValue.quoted("plain"), "\"plain\"")
    }

    func testIDMentionsInProse() {
        func found(_ text: String) -> [String] {
            let bytes = Array(text.utf8)
            return IDMentions.find(in: bytes, prefixes: ["ADR", "INC", "A"]).map {
                "\(String(decoding: bytes[$0.range], as: UTF8.self))=\($0.prefix)\($0.number)"
            }
        }
        XCTAssertEqual(found("See ADR-0005 and ADR 7, INC_12, ADR9."), ["ADR-0005=ADR5", "ADR 7=ADR7", "INC_12=INC12", "ADR9=ADR9"])
        XCTAssertEqual(found("xADR-5 ADR-5x ADR- 5 ADR-"), [], "inside words, followed by letters, or without digits")
        XCTAssertEqual(found("A-1 AD-2"), ["A-1=A1"], "the prefix must be whole")
        XCTAssertEqual(found("ADR-1234567890"), [], "more digits than an ID has")
        XCTAssertEqual(found("éADR-1 ADR-1é"), [], "non-ASCII letters are word characters too")
        XCTAssertEqual(found("ADR"), [])
    }

    func extract(_ path: String, _ text: String, config: Config = .default) -> (Document, [Diagnostic]) {
        Extractor.extract(path: path, bytes: Array(text.utf8), context: ExtractionContext(config: config))
    }

    func testFrontMatterConvention() {
        let (doc, diags) = extract("decisions/0012-use-kafka.md", """
        ---
        status: Accepted
        date: 2024-03-05
        deciders: [Ana Lima, Bo Chen]
        owner: Platform team
        tags: [messaging, data]
        supersedes: ADR-0003
        amends: [ADR-0004, ADR-0005]
        relates_to: "[ADR-0006](0006-x.md)"
        ---
        # Use Kafka for tracking events

        ## Context
        Volume grows.

        ## Decision
        Kafka.

        ## Consequences
        - [x] Provision brokers
        - [ ] Migrate consumers
        """)
        XCTAssertEqual(diags, [])
        XCTAssertEqual(doc.kind, "decision")
        XCTAssertEqual(doc.id, "ADR-0012")
        XCTAssertEqual(doc.idSource, .fileName)
        XCTAssertEqual(doc.title, "Use Kafka for tracking events")
        XCTAssertEqual(doc.titleSource, .heading)
        XCTAssertEqual(doc.status?.raw, "Accepted")
        XCTAssertEqual(doc.status?.value, "accepted")
        XCTAssertEqual(doc.status?.source, .frontMatter)
        XCTAssertEqual(doc.status?.position, SourcePosition(line: 2, column: 9))
        XCTAssertEqual(doc.date?.iso, "2024-03-05")
        XCTAssertEqual(doc.people.deciders, ["Ana Lima", "Bo Chen"])
        XCTAssertEqual(doc.people.owners, ["Platform team"])
        XCTAssertEqual(doc.tags, ["messaging", "data"])
        XCTAssertEqual(doc.relations.map { "\($0.type.rawValue) \($0.target) \($0.position.line)" }, [
            "supersedes ADR-0003 7", "amends ADR-0004 8", "amends ADR-0005 8", "relates-to 0006-x.md 9",
        ])
        XCTAssertEqual(doc.sections.map(\.title), ["Use Kafka for tracking events", "Context", "Decision", "Consequences"])
        XCTAssertEqual(doc.sections.map(\.range.start.line), [11, 13, 16, 19])
        XCTAssertEqual(doc.sections[1].parent, 0)
        XCTAssertEqual(doc.tasks.map(\.checked), [true, false])
        XCTAssertEqual(doc.tasks.map(\.text), ["Provision brokers", "Migrate consumers"])
        XCTAssertEqual(doc.tasks.map(\.section), [3, 3])
        XCTAssertEqual(doc.tasks.map(\.position.line), [20, 21])
        XCTAssertEqual(doc.frontMatter?.entries.map(\.key), ["status", "date", "deciders", "owner", "tags", "supersedes", "amends", "relates_to"])
    }

    func testNygardStatusSection() {
        let (doc, diags) = extract("doc/adr/0009-help-scripts.md", """
        # 9. Help scripts

        Date: 2016-02-12

        ## Status

        Accepted

        Amends [5. Help comments](0005-help-comments.md)

        Superseded by [12. Better help](0012-better-help.md)

        ## Context

        Text.

        ## Decision

        Text.

        ## Consequences

        Text, see [the context](#context).
        """)
        XCTAssertEqual(diags, [])
        XCTAssertEqual(doc.id, "ADR-0009")
        XCTAssertEqual(doc.title, "Help scripts")
        XCTAssertEqual(doc.status?.value, "accepted")
        XCTAssertEqual(doc.status?.source, .statusSection)
        XCTAssertEqual(doc.status?.position, SourcePosition(line: 7, column: 1))
        XCTAssertEqual(doc.date?.iso, "2016-02-12")
        XCTAssertEqual(doc.date?.position.line, 3)
        XCTAssertEqual(doc.relations.map { "\($0.type.rawValue) \($0.target) \($0.position.line)" },
                       ["amends 0005-help-comments.md 9", "superseded-by 0012-better-help.md 11"])
        XCTAssertEqual(doc.links.map(\.destination), ["0005-help-comments.md", "0012-better-help.md", "#context"])
        XCTAssertEqual(doc.links.last?.position, SourcePosition(line: 23, column: 11))
    }

    func testStatusSectionThatOnlySaysSupersededBy() {
        let (doc, _) = extract("adr/0004-dns.md", """
        # 4. DNS

        ## Status

        Superseded by [DNS Infrastructure](0015-dns-infrastructure.md)

        ## Context
        x
        """)
        XCTAssertEqual(doc.status?.value, "superseded")
        XCTAssertEqual(doc.relations.map(\.target), ["0015-dns-infrastructure.md"])
        XCTAssertEqual(doc.relations.map(\.type), [.supersededBy])
    }

    func testMADRHeaderBullets() {
        let (doc, diags) = extract("docs/adr/0030-run-argocd.md", """
        # Run ArgoCD on the Elastisys nodes

        - Status: **Accepted** ✅
        - Deciders: arch meeting, Ana
        - Date: 2023-01-26
        - Tags: gitops, k8s

        ## Context and Problem Statement
        Where?

        ## Considered Options
        * A
        * B

        ## Decision Outcome
        A.
        """)
        XCTAssertEqual(diags, [])
        XCTAssertEqual(doc.id, "ADR-0030")
        XCTAssertEqual(doc.title, "Run ArgoCD on the Elastisys nodes")
        XCTAssertEqual(doc.status?.raw, "Accepted ✅", "raw is the text a reader sees, markup removed")
        XCTAssertEqual(doc.status?.value, "accepted")
        XCTAssertEqual(doc.status?.source, .headerBullet)
        XCTAssertEqual(doc.status?.position, SourcePosition(line: 3, column: 3))
        XCTAssertEqual(doc.people.deciders, ["arch meeting", "Ana"])
        XCTAssertEqual(doc.date?.iso, "2023-01-26")
        XCTAssertEqual(doc.tags, ["gitops", "k8s"])
    }

    func testHeaderBulletSupersededByLink() {
        let (doc, _) = extract("docs/adr/0010-x.md", """
        # X

        * Status: superseded by [ADR-0019](0019-push-metrics.md)

        ## Context
        """)
        XCTAssertEqual(doc.status?.value, "superseded")
        XCTAssertEqual(doc.relations.map { "\($0.type.rawValue) \($0.target)" }, ["superseded-by 0019-push-metrics.md"])
    }

    func testTableRowConvention() {
        let (doc, _) = extract("decisions/0002-y.md", """
        # ADR-002: Use Y

        | Field | Value |
        |---|---|
        | Status | Approved |
        | Date | 2022-11-30 |

        ## Context
        """)
        XCTAssertEqual(doc.id, "ADR-0002")
        XCTAssertEqual(doc.title, "Use Y")
        XCTAssertEqual(doc.status?.value, "accepted", "approved is an alias of accepted")
        XCTAssertEqual(doc.status?.raw, "Approved")
        XCTAssertEqual(doc.status?.source, .tableRow)
        XCTAssertEqual(doc.status?.position.line, 5)
        XCTAssertEqual(doc.date?.iso, "2022-11-30")
    }

    func testIDFromTitleWhenFileHasNoNumber() {
        let (doc, _) = extract("decisions/kafka.md", "# ADR-7: Use Kafka\n")
        XCTAssertEqual(doc.id, "ADR-0007")
        XCTAssertEqual(doc.idSource, .heading)
        XCTAssertEqual(doc.title, "Use Kafka")
    }

    func testFrontMatterIDAndTitleWin() {
        let (doc, _) = extract("decisions/0001-a.md", "---\nid: adr-12\ntitle: Front title\n---\n# 1. Heading title\n")
        XCTAssertEqual(doc.id, "ADR-0012")
        XCTAssertEqual(doc.title, "Front title")
        XCTAssertEqual(doc.titleSource, .frontMatter)
    }

    func testTitleFallsBackToFileName() {
        let (doc, diags) = extract("runbooks/restart-api.md", "---\nstatus: active\n---\nNo heading.\n")
        XCTAssertEqual(doc.title, "restart-api")
        XCTAssertEqual(doc.titleSource, .fileName)
        XCTAssertTrue(diags.contains { $0.rule == "missing-title" })
    }

    func testKindFromFrontMatterOverridesFolder() {
        let (doc, _) = extract("notes/0003-db.md", "---\nkind: runbook\n---\n# DB\n")
        XCTAssertEqual(doc.kind, "runbook")
        XCTAssertEqual(doc.id, "RB-0003")
    }

    func testPlainPageHasNoKindAndNoSchemaDiagnostics() {
        let (doc, diags) = extract("README.md", "Just text.\n")
        XCTAssertNil(doc.kind)
        XCTAssertNil(doc.id)
        XCTAssertEqual(diags, [])
    }

    func testStatusNormalisation() {
        func value(_ raw: String) -> String { StatusText.parse(raw).value }
        XCTAssertEqual(value("**Accepted**"), "accepted")
        XCTAssertEqual(value("Accepted."), "accepted")
        XCTAssertEqual(value("✅ Accepted"), "accepted")
        XCTAssertEqual(value("🤔 Proposed"), "proposed")
        XCTAssertEqual(value("⌛️ Pending"), "pending")
        XCTAssertEqual(value("❌ Rejected!"), "rejected")
        XCTAssertEqual(value("  IN   Review "), "in review")
        XCTAssertEqual(value("proposed. This ADR did not reach consensus."), "proposed")
        XCTAssertEqual(StatusText.parse("Implemented (Swift 5.5)").note, "Swift 5.5")
        XCTAssertEqual(value("Implemented (Swift 5.5)"), "implemented")
        XCTAssertEqual(StatusText.parse("accepted; supersedes ADR-0045").trailing, ["supersedes ADR-0045"])
    }

    func testStatusReadByBytesAsByCharacters() {
        let samples = ["Accepted", "  IN   Review ", "proposed. Not agreed.", "Implemented (Swift 5.5) today", "a (b", "a) (b",
                       "accepted; supersedes ADR-0045;; amends 3 ", "x\r\ny", "x \r\n y", "\n\t accepted \t", ";", "", "(x)",
                       "Deprecated: use 12", "done.", "- accepted -", "`accepted`", "ACCEPTED!:", "a\rb", "1.2 released. Later"]
        for s in samples {
            XCTAssertEqual(StatusText.parseASCII(s), StatusText.parseCharacters(s), s.debugDescription)
        }
    }

    func testStatusWithTrailingRelation() {
        let (doc, _) = extract("docs/decisions/0058-x.md", "---\nstatus: \"accepted; supersedes ADR-0045\"\n---\n# X\n")
        XCTAssertEqual(doc.status?.value, "accepted")
        XCTAssertEqual(doc.relations.map { "\($0.type.rawValue) \($0.target)" }, ["supersedes ADR-0045"])
    }

    func testSectionKeysIgnoreNumberingCaseEmphasisColonAndOptional() {
        XCTAssertEqual(SectionKey.normalize("3. Decision Outcome:"), "decision outcome")
        XCTAssertEqual(SectionKey.normalize("**Context** (Optional)"), "context")
        XCTAssertEqual(SectionKey.normalize("2.1 Non-Functional   Requirements"), "non-functional requirements")
        XCTAssertEqual(SectionKey.normalize("CONSEQUENCES"), "consequences")
        XCTAssertEqual(SectionKey.normalize("2. **Écarts** Considérés (Optional):"), "écarts considérés")
        XCTAssertEqual(SectionKey.normalize("3) Décision"), "décision")
    }

    func testByteOrderMarkAndCRLF() {
        let text = "\u{FEFF}---\r\nstatus: accepted\r\n---\r\n# 1. T\r\n\r\n## Context\r\nx\r\n\r\n## Decision\r\nx\r\n\r\n## Consequences\r\nx\r\n"
        let (doc, diags) = extract("adr/0001-t.md", text)
        XCTAssertEqual(diags, [])
        XCTAssertEqual(doc.status?.value, "accepted")
        XCTAssertEqual(doc.sections.map(\.range.start.line), [4, 6, 9, 12])
    }

    func testInvalidUTF8IsReportedWithLineAndStillParsed() {
        var bytes = Array("# 1. T\n\nok\n".utf8)
        bytes += [0x62, 0xFF, 0x0A]
        let (doc, diags) = Extractor.extract(path: "notes.md", bytes: bytes, context: ExtractionContext(config: .default))
        XCTAssertEqual(diags.map(\.rule), ["invalid-utf8"])
        XCTAssertEqual(diags.first?.position, SourcePosition(line: 4, column: 1))
        XCTAssertEqual(doc.markdown.root.plainText, "1. T" + "ok b\u{FFFD}")
    }

    func testAnchorsFollowGitHub() {
        let (doc, _) = extract("a.md", "# Hello, World!\n## Hello, World!\n## Ça va? (2024)\n")
        XCTAssertEqual(doc.sections.map(\.anchor), ["hello-world", "hello-world-1", "ça-va-2024"])
    }

    func testDeeplyNestedInputDoesNotExhaustTheStack() {
        let text = String(repeating: "> ", count: 20_000) + "deep\n"
        let (doc, _) = extract("deep.md", text)
        XCTAssertGreaterThan(doc.markdown.nodes.count, 1)
    }

    func testDatesAreValidatedOnTheCalendar() {
        XCTAssertEqual(DateText.parse("2024-02-29"), .valid(year: 2024, month: 2, day: 29))
        XCTAssertEqual(DateText.parse("2023-02-29"), .impossible("day 29 does not exist in February 2023"))
        XCTAssertEqual(DateText.parse("2023-14-05"), .impossible("month 14 does not exist"))
        XCTAssertEqual(DateText.parse("12/02/2023"), .malformed)
        XCTAssertEqual(DateText.parse("2023-01-05T10:00:00Z"), .valid(year: 2023, month: 1, day: 5))
    }

    func testGlobs() {
        XCTAssertTrue(Glob.matches("**/adr/**", "doc/adr/0001-x.md"))
        XCTAssertTrue(Glob.matches("**/adr/**", "adr/0001-x.md"))
        XCTAssertFalse(Glob.matches("**/adr/**", "adrs.md"))
        XCTAssertTrue(Glob.matches("checklists/*.md", "checklists/a.md"))
        XCTAssertFalse(Glob.matches("checklists/*.md", "checklists/x/a.md"))
        XCTAssertTrue(Glob.matches("decisions/", "decisions/a/b.md"))
    }

    func testConfigErrorsNameFileLineAndKey() {
        XCTAssertThrowsError(try Config.parse("kinds:\n  decision:\n    id-prefx: X\n", file: "archbook.yml")) { error in
            let e = error as! ConfigError
            XCTAssertEqual(e.position, SourcePosition(line: 3, column: 5))
            XCTAssertEqual(e.key, "id-prefx")
            XCTAssertTrue(e.description.hasPrefix("archbook.yml:3:5: unknown kind setting 'id-prefx'"), e.description)
        }
        XCTAssertThrowsError(try Config.parse("rules:\n  no-such-rule: error\n", file: "a.yml")) { error in
            XCTAssertEqual((error as! ConfigError).position.line, 2)
        }
        XCTAssertThrowsError(try Config.parse("kinds: [\n", file: "a.yml"))
    }

    func testConfigDeclaresKindsStatusesAndOverrides() throws {
        let config = try Config.parse("""
        kinds:
          checklist:
            paths: ["checklists/**"]
            id-prefix: CHK
            required-sections: [Scope, {name: Checklist, aliases: [Items]}]
            statuses: [draft, {name: retired, aliases: [old], terminal: true}]
          decision:
            required-fields: [date]
        rules:
          unfilled-placeholder: error
          empty-section: off
        exclude: ["drafts/**"]
        """, file: "archbook.yml")
        let k = try XCTUnwrap(config.kind(named: "checklist"))
        XCTAssertEqual(k.idPrefix, "CHK")
        XCTAssertEqual(k.sectionSets.first?.map(\.name), ["Scope", "Checklist"])
        XCTAssertEqual(k.canonicalStatus("old")?.name, "retired")
        XCTAssertTrue(k.isTerminal("retired"))
        XCTAssertTrue(k.requireStatus)
        XCTAssertEqual(config.kind(named: "decision")?.requiredFields, ["date"])
        XCTAssertEqual(config.kind(named: "decision")?.idPrefix, "ADR", "overriding a built-in kind keeps its other settings")
        XCTAssertEqual(config.severity(of: Rules.unfilledPlaceholder, kind: nil), .error)
        XCTAssertNil(config.severity(of: Rules.emptySection, kind: "decision"))
        XCTAssertEqual(config.exclude, ["drafts/**"])
    }

    func testHandbookRulesOnAnInMemoryTree() throws {
        let tree = InMemoryFileTree([
            "adr/0001-a.md": "---\nstatus: superseded\nsuperseded-by: ADR-0002\n---\n# A\n## Context\nx\n## Decision\nx\n## Consequences\nSee [b](0002-b.md#decision) and [gone](0009-gone.md).\n",
            "adr/0002-b.md": "---\nstatus: accepted\n---\n# B\n## Context\nx\n## Decision\nx\n## Consequences\nSee [a](0001-a.md#nope).\n",
        ])
        let result = try Checker.check(tree, config: .default)
        XCTAssertEqual(result.documents.map(\.id), ["ADR-0001", "ADR-0002"])
        XCTAssertEqual(result.diagnostics.map { "\($0.file):\($0.position.line):\($0.position.column) \($0.rule)" }, [
            "adr/0001-a.md:3:16 relation-not-reciprocated",
            "adr/0001-a.md:11:33 broken-link",
            "adr/0002-b.md:10:5 broken-anchor",
        ])
    }

    /// Regression: results written from several threads into one Swift array were lost or crashed (8 of 30 runs).
    func testParallelMapKeepsEveryResultInOrder() {
        let items = Array(0..<5_000)
        for _ in 0..<40 {
            let out = Checker.parallelMap(items) { i in String(repeating: "x", count: i % 40) + String(i) }
            XCTAssertEqual(out.count, items.count)
            XCTAssertEqual(out[4_999], String(repeating: "x", count: 4_999 % 40) + "4999")
            XCTAssertTrue(zip(items, out).allSatisfy { $1.hasSuffix(String($0)) })
        }
    }
}
