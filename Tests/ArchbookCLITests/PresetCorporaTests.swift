// Zero configuration on the real collections of ../shared/corpora: `archbook init`, `check` and `build` on a copy of
// each, the preset detected, counts and facts, and every diagnostic left, each a true problem of that corpus.

import ArchbookCLI
import ArchbookCore
import Foundation
import XCTest

final class PresetCorporaTests: XCTestCase {
    /// One corpus after `archbook init` and `archbook check` on a scratch copy.
    struct Run {
        var name: String
        var root: URL
        /// `archbook init`'s standard error: what it wrote and what it detected.
        var initReport: String
        var config: Config
        var result: CheckResult
        /// Every diagnostic of `archbook check --format json`: `rule file:line 'first quoted part of the message'`.
        var problems: [String]
        var checkStatus: Int32

        func doc(_ suffix: String, file: StaticString = #filePath, line: UInt = #line) -> Document? {
            let d = result.documents.first { $0.path.hasSuffix(suffix) }
            XCTAssertNotNil(d, "no document ending in \(suffix)", file: file, line: line)
            return d
        }

        /// Documents per kind, and how many of them have a status.
        var counts: [String: [Int]] {
            var out: [String: [Int]] = [:]
            for d in result.documents {
                let k = d.kind ?? "(plain pages)"
                out[k, default: [0, 0]][0] += 1
                if d.status != nil { out[k, default: [0, 0]][1] += 1 }
            }
            return out
        }

        /// `kind: preset [paths]` per kind that has documents.
        var kinds: [String] {
            let used = Set(result.documents.compactMap(\.kind))
            return config.kinds.filter { used.contains($0.name) }.map { "\($0.name): \($0.preset ?? "built-in") \($0.paths)" }
        }
    }

    func relations(_ d: Document?) -> [String] {
        (d?.relations ?? []).map { "\($0.type.rawValue) \($0.target)" }
    }

    /// Copies the corpus, checks it without configuration, runs `init` (twice: the second must refuse), then `check`
    /// and `build` with the file written, and checks the library agrees with the binary.
    func run(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> Run {
        let source = CorporaTests.corpora.appendingPathComponent(name)
        try XCTSkipUnless(FileManager.default.fileExists(atPath: source.path), "corpus \(name) not present at \(source.path)")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("archbook-presets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: scratch) }
        let root = scratch.appendingPathComponent(name)
        try FileManager.default.copyItem(at: source, to: root)

        let zeroConfig = try ArchbookBinary.run(["check", name, "--format", "json"], in: scratch)
        let made = try ArchbookBinary.run(["init", name], in: scratch)
        XCTAssertEqual(made.status, 0, "\(name): init failed: \(made.err)", file: file, line: line)
        XCTAssertEqual(made.out, "", file: file, line: line)
        let again = try ArchbookBinary.run(["init", name], in: scratch)
        XCTAssertEqual(again.status, 2, file: file, line: line)
        XCTAssertEqual(again.err, "archbook: error: \(name)/archbook.yml already exists; archbook init never overwrites it (remove it first, or use --print to see what init would write)\n", file: file, line: line)
        let yaml = try String(contentsOf: root.appendingPathComponent("archbook.yml"), encoding: .utf8)
        let printed = try ArchbookBinary.run(["init", name, "--print"], in: scratch)
        XCTAssertEqual(printed.out, yaml, "\(name): --print shows what init wrote", file: file, line: line)
        let config = try Config.parse(yaml, file: "archbook.yml")

        let check = try ArchbookBinary.run(["check", name, "--format", "json"], in: scratch)
        XCTAssertTrue([0, 1].contains(check.status), "\(name): check exit \(check.status)\n\(check.err)", file: file, line: line)
        XCTAssertEqual(check.out, zeroConfig.out, "\(name): the written archbook.yml must give what zero-config gave", file: file, line: line)
        let explained = try ArchbookBinary.run(["check", name, "--explain", "--quiet"], in: scratch)
        XCTAssertTrue(explained.err.hasPrefix("archbook: configuration from \(name)/archbook.yml\n"), explained.err, file: file, line: line)

        let build = try ArchbookBinary.run(["build", name, "-o", "site", "--quiet", "--format", "json"], in: scratch)
        XCTAssertEqual(build.status, check.status, "\(name): build exit \(build.status)\n\(build.err)", file: file, line: line)
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("site/index.html").path), file: file, line: line)

        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: check.stdout) as? [String: Any], file: file, line: line)
        let diagnostics = try XCTUnwrap(json["diagnostics"] as? [[String: Any]], file: file, line: line)
        let problems = diagnostics.map { d -> String in
            let path = String((d["file"] as! String).dropFirst(name.count + 1))
            let message = d["message"] as! String
            var quoted = ""
            if let open = message.firstIndex(of: "'"), let close = message[message.index(after: open)...].firstIndex(of: "'") {
                quoted = " " + String(message[open...close])
            }
            return "\(d["rule"] as! String) \(path):\(d["line"] as! Int)\(quoted)"
        }

        let tree = DiskFileTree(root: root.path)
        let result = try Checker.check(tree, config: config)
        XCTAssertEqual(result.diagnostics.count, diagnostics.count, "\(name): library and binary disagree", file: file, line: line)
        XCTAssertEqual(try Detector.detect(tree).config, config, "\(name): detection and the written file disagree", file: file, line: line)
        return Run(name: name, root: root, initReport: made.err, config: config, result: result, problems: problems,
                   checkStatus: check.status)
    }

    // MARK: - adr-tools: Nygard records written by adr-tools itself

    func testAdrTools() throws {
        let r = try run("adr-tools")
        XCTAssertEqual(r.initReport, "archbook: wrote adr-tools/archbook.yml\n  decision: nygard, 9 documents in doc/adr\n")
        XCTAssertEqual(r.kinds, ["decision: nygard [\"doc/adr/*\"]"])
        XCTAssertEqual(r.counts, ["decision": [9, 9]])
        let d5 = r.doc("0005-help-comments.md")
        XCTAssertEqual([d5?.id, d5?.title, d5?.status?.value, d5?.date?.iso], ["ADR-0005", "Help comments", "accepted", "2016-02-13"])
        XCTAssertEqual(relations(d5), ["amended-by 0009-help-scripts.md"])
        XCTAssertEqual(relations(r.doc("0009-help-scripts.md")), ["amends 0005-help-comments.md"])
        XCTAssertEqual(r.problems, [])
        XCTAssertEqual(r.checkStatus, 0)
    }

    // MARK: - adr-govuk-aws: adr-tools layout, Pending and Superseded statuses

    func testAdrGovukAws() throws {
        let r = try run("adr-govuk-aws")
        XCTAssertEqual(r.initReport, "archbook: wrote adr-govuk-aws/archbook.yml\n  decision: nygard, 38 documents in docs/architecture/decisions\n")
        XCTAssertEqual(r.kinds, ["decision: nygard [\"docs/architecture/decisions/*\"]"])
        XCTAssertEqual(r.counts, ["decision": [38, 38]])
        let d4 = r.doc("0004-dns-definitions-for-hosts-and-services.md")
        XCTAssertEqual(d4?.status?.value, "superseded")
        XCTAssertEqual(relations(d4), ["superseded-by 0015-dns-infrastructure.md"])
        // "Pending" is an alias of proposed.
        XCTAssertEqual(r.result.documents.filter { $0.status?.raw == "Pending" }.map(\.status?.value), Array(repeating: "proposed", count: 6))
        XCTAssertEqual(r.doc("0020-merge-api-postgresql-instance-into-main-postgresql-instance.md")?.title,
                       "Merge API PostgreSQL instance into main PostgreSQL instance")
        XCTAssertEqual(r.problems, [
            // A status adr-tools does not write; the nearest allowed value is named.
            "unknown-status docs/architecture/decisions/0003-aws-networking-outline.md:7 'Partly superseded'",
            // adr-tools records supersession on both records; 0015 does not say it supersedes 0004.
            "relation-not-reciprocated docs/architecture/decisions/0004-dns-definitions-for-hosts-and-services.md:7",
            // Images the records show are not in the repository's docs folder (the corpus keeps Markdown only).
            "broken-link docs/architecture/decisions/0015-dns-infrastructure.md:24 './0015-govuk-aws-dns.jpg'",
            "broken-link docs/architecture/decisions/0027-move-publicapi-away-from-frontend-lb.md:13 './0027-move-publicapi-away-from-frontend-lb-img01.jpg'",
            "broken-link docs/architecture/decisions/0032-transfer-artefact-binary.md:24 './0032-transfer-artefact-binary-img01.png'",
            // Titles numbered 3 in files 0033 and 0035.
            "id-mismatch docs/architecture/decisions/0033-ip-ranges.md:1",
            "id-mismatch docs/architecture/decisions/0035-bouncer-load-balancer-on-port-80-and-443.md:1",
            // Links to Terraform files outside the docs folder.
            "broken-link docs/architecture/decisions/0035-bouncer-load-balancer-on-port-80-and-443.md:27 '../../../terraform/projects/infra-public-services/main.tf'",
            "broken-link docs/architecture/decisions/0035-bouncer-load-balancer-on-port-80-and-443.md:32 '../../../terraform/modules/aws/lb/main.tf'",
            "broken-link docs/architecture/decisions/0036-performance-platform-and-backdrop-architecture.md:32 './0036-performance-platform-and-backdrop-architecture-img01.png'",
            // The record has Status, Definitions, Context, Proposal and Consequences: no Decision.
            "missing-section docs/architecture/decisions/0039-non-govuk-domain-policy.md:1 'Decision'",
        ])
    }

    // MARK: - adr-compliantk8s: MADR 2 header bullets

    func testAdrCompliantKubernetes() throws {
        let r = try run("adr-compliantk8s")
        XCTAssertEqual(r.initReport, "archbook: wrote adr-compliantk8s/archbook.yml\n  decision: madr2, 57 documents in docs/adr\n")
        XCTAssertEqual(r.kinds, ["decision: madr2 [\"docs/adr/*\"]"])
        // The plain pages are index.md and template.md (whose `[proposed | rejected | …]` reads as a status).
        XCTAssertEqual(r.counts, ["decision": [57, 56], "(plain pages)": [2, 1]])
        let d12 = r.doc("0012-do-not-persist-dex.md")
        XCTAssertEqual([d12?.title, d12?.status?.value], ["Do not persist Dex", "superseded"])
        XCTAssertEqual(relations(d12), ["superseded-by 0017-persist-dex.md"])
        XCTAssertEqual(r.doc("0017-persist-dex.md")?.people.deciders, ["Architecture Meeting"])
        // MADR 2 makes the status optional: 0000 has none and is not reported.
        XCTAssertNil(r.doc("0000-use-markdown-architectural-decision-records.md")?.status)
        XCTAssertEqual(r.problems, [
            // Links into the rest of the documentation site, which the corpus does not include.
            "broken-link docs/adr/0009-use-cluster-issuers-for-letsencrypt.md:38 '../ciso-guide/cryptography.md'",
            "broken-link docs/adr/0021-tls-for-additional-services.md:16 '../operator-manual/provider-audit.md'",
            "broken-link docs/adr/0027-postgresql-external-replication.md:36 '../img/adr-0027.drawio.svg'",
            // The heading is there, its content is not.
            "empty-section docs/adr/0029-expose-jaeger-ui.md:7 'Context and Problem Statement'",
            "broken-link docs/adr/0029-expose-jaeger-ui.md:46 '../img/adr/adr-0029-option1.png'",
            "broken-link docs/adr/0029-expose-jaeger-ui.md:54 '../img/adr/adr-0029-option2.png'",
            "broken-link docs/adr/0029-expose-jaeger-ui.md:62 '../img/adr/adr-0029-option3.png'",
            "broken-link docs/adr/0029-expose-jaeger-ui.md:72 '../img/adr/adr-0029-option4.png'",
            "broken-link docs/adr/0043-rclone-and-encryption-adhere-cryptography-policy.md:14 '../operator-manual/cryptography.md'",
            "broken-link docs/adr/0043-rclone-and-encryption-adhere-cryptography-policy.md:49 './../operator-manual/cryptography.md'",
            "broken-link docs/adr/0043-rclone-and-encryption-adhere-cryptography-policy.md:59 '../operator-manual/cryptography.md'",
            "broken-link docs/adr/0050-use-cluster-isolation.md:52 '../user-guide/how-many-environments.md'",
            "broken-link docs/adr/0050-use-cluster-isolation.md:89 'img/0050-use-cluster-isolation.drawio.svg'",
            "broken-link docs/adr/0050-use-cluster-isolation.md:97 '../glossary.md'",
            "broken-link docs/adr/0050-use-cluster-isolation.md:98 '../glossary.md'",
            "broken-link docs/adr/0050-use-cluster-isolation.md:100 '../glossary.md'",
            "broken-link docs/adr/0050-use-cluster-isolation.md:118 '../ciso-guide/log-review.md'",
            "broken-link docs/adr/0052-azure-encryption-at-rest.md:52 './../ciso-guide/cryptography.md'",
            "broken-link docs/adr/0052-azure-encryption-at-rest.md:66 './../ciso-guide/cryptography.md'",
            "broken-link docs/adr/0052-azure-encryption-at-rest.md:87 './../ciso-guide/cryptography.md'",
            "broken-link docs/adr/index.md:40 '../tech-radar/index.html'",
            "broken-link docs/adr/index.md:63 '../tech-radar/index.html'",
        ])
    }

    // MARK: - adr-jabref: MADR with front matter, requirements in OpenFastTrace style

    func testAdrJabref() throws {
        let r = try run("adr-jabref")
        XCTAssertEqual(r.initReport, """
        archbook: wrote adr-jabref/archbook.yml
          decision: madr4, 70 documents in docs/decisions
          requirement: built-in schema, 24 documents in docs/requirements, docs/requirements/ai

        """)
        XCTAssertEqual(r.kinds, ["decision: madr4 [\"docs/decisions/*\"]",
                                 "requirement: built-in [\"docs/requirements/*\", \"docs/requirements/ai/*\"]"])
        XCTAssertEqual(r.counts, ["decision": [70, 6], "requirement": [24, 0], "(plain pages)": [3, 0]])
        // No requirement has a status or the built-in sections: detection made both optional for this kind.
        XCTAssertEqual(r.config.kind(named: "requirement")?.requireStatus, false)
        XCTAssertEqual(r.config.kind(named: "requirement")?.sectionSets, [[]])
        XCTAssertEqual(r.doc("docs/requirements/cli.md")?.id, "cli")
        XCTAssertEqual(r.doc("0002-use-slf4j-for-logging.md")?.title, "Use SLF4J together with log4j2 for logging")
        // A numbered record about a template engine is a record, not a template.
        XCTAssertEqual(r.doc("0039-use-apache-velocity-as-template-engine.md")?.kind, "decision")
        XCTAssertEqual(r.doc("docs/decisions/adr-template.md")?.kind, nil)
        XCTAssertEqual(r.problems, [
            // How-to pages of the developer documentation, not part of the corpus.
            "broken-link docs/decisions/0027-synchronization.md:41 '../code-howtos/remote-storage-jabdrive.md'",
            "broken-link docs/decisions/0027-synchronization.md:49 '../code-howtos/remote-storage-sql.md'",
            // Screenshots in an assets folder the corpus does not keep.
            "broken-link docs/decisions/0040-display-front-cover-in-preview-tab.md:36 'assets/0040-placement-in-sidepane.png'",
            "broken-link docs/decisions/0040-display-front-cover-in-preview-tab.md:44 'assets/0040-placement-in-new-sidepane.png'",
            "broken-link docs/decisions/0040-display-front-cover-in-preview-tab.md:51 'assets/0040-placement-in-preview-panel.png'",
            "broken-link docs/decisions/0040-display-front-cover-in-preview-tab.md:58 'assets/0040-placement-in-maintable.png'",
            "broken-link docs/decisions/0050-custom-code-style.md:122 'assets/0050-spring-empty-lines.png'",
            "broken-link docs/decisions/0050-custom-code-style.md:126 'assets/0050-spring-merge.png'",
        ])
    }

    // MARK: - adr-log4brains: dated file names, monorepo packages, log4brains' own test fixtures

    func testAdrLog4brains() throws {
        let r = try run("adr-log4brains")
        XCTAssertEqual(r.initReport, "archbook: wrote adr-log4brains/archbook.yml\n  decision: log4brains, 39 documents in docs/adr, packages/core/docs/adr, packages/core/integration-tests/ro-project/docs/adr, packages/core/integration-tests/ro-project/packages/package1/adr, packages/core/integration-tests/ro-project/packages/package2/adr, packages/init/assets, packages/web/docs/adr\n")
        // Plain pages: READMEs, indexes and templates (four of them with a template status bullet).
        XCTAssertEqual(r.counts, ["decision": [39, 30], "(plain pages)": [10, 4]])
        let number = r.doc("docs/adr/20200926-use-the-adr-number-as-its-unique-id.md")
        XCTAssertEqual([number?.id, number?.status?.value, number?.date?.iso],
                       ["20200926-use-the-adr-number-as-its-unique-id", "superseded", "2020-09-26"])
        XCTAssertEqual(relations(number), ["superseded-by 20201016-use-the-adr-slug-as-its-unique-id.md"])
        // The newer record does not repeat it, as log4brains never does: no relation-not-reciprocated below.
        XCTAssertEqual(relations(r.doc("docs/adr/20201016-use-the-adr-slug-as-its-unique-id.md")), [])
        // Package records are named <package>/<slug>, so the fixtures' repeated slugs are distinct records.
        XCTAssertEqual(r.doc("ro-project/packages/package1/adr/20200101-first-adr.md")?.id, "package1/20200101-first-adr")
        XCTAssertEqual(r.doc("packages/core/docs/adr/20201002-use-explicit-architecture-and-ddd-for-the-core-api.md")?.id,
                       "core/20201002-use-explicit-architecture-and-ddd-for-the-core-api")
        let first = r.doc("ro-project/docs/adr/20200101-first-adr.md")
        XCTAssertEqual(first?.tags, ["foo", "bar"])
        XCTAssertEqual(first?.people.deciders, ["John Doe", "Foo bar"])
        XCTAssertEqual(r.problems, [
            // Two records with only Decision and Links sections: no context at all.
            "missing-section docs/adr/20200927-avoid-default-exports.md:1 'Context and Problem Statement'",
            // An image log4brains serves from its web app; it is not in the repository.
            "broken-link docs/adr/index.md:28 '/l4b-static/adr-workflow.png'",
            "missing-section packages/core/docs/adr/20201002-use-explicit-architecture-and-ddd-for-the-core-api.md:1 'Context and Problem Statement'",
            "missing-section packages/core/docs/adr/20201002-use-explicit-architecture-and-ddd-for-the-core-api.md:1 'Decision Outcome'",
            // log4brains' test fixtures for records without a title, and links broken on purpose.
            "missing-title packages/core/integration-tests/ro-project/docs/adr/20200102-adr-without-title.md:1",
            "missing-title packages/core/integration-tests/ro-project/docs/adr/20201028-adr-with-no-metadata-no-title.md:1",
            "missing-section packages/core/integration-tests/ro-project/docs/adr/20201028-links.md:1 'Context and Problem Statement'",
            "missing-section packages/core/integration-tests/ro-project/docs/adr/20201028-links.md:1 'Decision Outcome'",
            "broken-link packages/core/integration-tests/ro-project/docs/adr/20201028-links.md:11 '20200101-first-adr-BROKEN.md'",
            // ../../docs from packages/package1/adr is packages/docs, which does not exist.
            "broken-link packages/core/integration-tests/ro-project/packages/package1/adr/20201028-links-to-global.md:7 '../../docs/adr/20200101-first-adr.md'",
            "broken-link packages/core/integration-tests/ro-project/packages/package1/adr/20201028-links-to-global.md:11 '../../docs/adr/20201028-links.md'",
            "missing-section packages/core/integration-tests/ro-project/packages/package2/adr/20201028-links-to-another-package.md:1 'Context and Problem Statement'",
            "missing-section packages/core/integration-tests/ro-project/packages/package2/adr/20201028-links-to-another-package.md:1 'Decision Outcome'",
            // `log4brains init` copies these files and fills the placeholders; in the repository they are unfilled.
            "unfilled-placeholder packages/init/assets/index.md:5 '{PROJECT_NAME}'",
            "broken-link packages/init/assets/index.md:28 '/l4b-static/adr-workflow.png'",
            "unfilled-placeholder packages/init/assets/use-log4brains-to-manage-the-adrs.md:4 '{DATE_YESTERDAY}'",
            "unfilled-placeholder packages/init/assets/use-log4brains-to-manage-the-adrs.md:4 '{DATE_YESTERDAY}'",
            "unfilled-placeholder packages/init/assets/use-markdown-architectural-decision-records.md:4 '{DATE_YESTERDAY}'",
            "unfilled-placeholder packages/init/assets/use-markdown-architectural-decision-records.md:4 '{DATE_YESTERDAY}'",
            "broken-link packages/init/assets/use-markdown-architectural-decision-records.md:42 '{LOG4BRAINS_ADR_SLUG}.md'",
            "missing-section packages/web/docs/adr/20200926-react-file-structure-organized-by-feature.md:1 'Context and Problem Statement'",
            "missing-section packages/web/docs/adr/20200927-use-react-hooks.md:1 'Context and Problem Statement'",
        ])
    }

    // MARK: - adr-madr: MADR's own records and its templates

    func testAdrMadr() throws {
        let r = try run("adr-madr")
        XCTAssertEqual(r.initReport, "archbook: wrote adr-madr/archbook.yml\n  decision: madr4, 19 documents in docs/decisions\n")
        XCTAssertEqual(r.kinds, ["decision: madr4 [\"docs/decisions/*\"]"])
        // Plain pages: the site's pages, the templates and the template folder (one template with a status).
        XCTAssertEqual(r.counts, ["decision": [19, 1], "(plain pages)": [12, 1]])
        // MADR 4 makes the status optional: the 18 records without one are not reported.
        let d3 = r.doc("docs/decisions/0003-provide-own-madr-tools.md")
        XCTAssertEqual([d3?.status?.raw, d3?.status?.value, d3?.title], ["on hold", "on hold", "Write Own MADR Tooling"])
        let d15 = r.doc("docs/decisions/0015-include-consulting-informed-of-raci.md")
        XCTAssertEqual([d15?.id, d15?.title], ["ADR-0015", "Include \"Consulted\" and \"Informed\" of RACI"])
        // The template folder's example record is not a second ADR-0000.
        XCTAssertNil(r.doc("template/0000-use-markdown-architectural-decision-records.md")?.kind)
        XCTAssertEqual(r.problems, [
            // "on hold" is none of MADR's statuses (proposed, rejected, accepted, deprecated, superseded).
            "unknown-status docs/decisions/0003-provide-own-madr-tools.md:4 'on hold'",
            // Example screenshots the corpus does not keep.
            "broken-link docs/decisions/0008-add-status-field.md:47 '0008-example-badge.png'",
            "broken-link docs/decisions/0008-add-status-field.md:74 '0008-example-separate-heading.png'",
            "broken-link docs/decisions/0008-add-status-field.md:82 '0008-example-table.png'",
            "broken-link docs/decisions/0013-use-yaml-front-matter-for-meta-data.md:48 '0013-example.png'",
        ])
    }

    // MARK: - pm-dfds: post-mortems named "PM2020-002 - Title.md", a house template close to PagerDuty's

    func testPmDfds() throws {
        let r = try run("pm-dfds")
        XCTAssertEqual(r.initReport, "archbook: wrote pm-dfds/archbook.yml\n  postmortem: postmortem-pagerduty, 38 documents in .\n")
        XCTAssertEqual(r.kinds, ["postmortem: postmortem-pagerduty [\"*\"]"])
        XCTAssertEqual(r.counts, ["postmortem": [38, 0], "(plain pages)": [1, 0]])
        let pm = r.doc("PM2022-006 - ALB 502 errors.md")
        XCTAssertEqual([pm?.id, pm?.title], ["PM2022-006", "ALB 502 Errors"])
        XCTAssertEqual(pm?.sections.map(\.title), ["ALB 502 Errors", "Summary", "Timeline", "Contributing Factors", "Action Items",
                                                    "Lessons Learned", "Attendees", "Stats"])
        // The team's template, not a record.
        XCTAssertNil(r.doc("PMyyyy-nnn - Postmortem template.md")?.kind)
        // What Happened, Resolution and Impact are in no record here, so they are not required.
        let required = r.config.kind(named: "postmortem")?.sectionSets.first?.map(\.name)
        XCTAssertEqual(required, ["Overview", "Contributing Factors", "Timeline", "Action Items"])
        XCTAssertEqual(r.problems, [
            // The team's template and 37 of its 38 records have Contributing Factors; this one does not.
            "missing-section PM2021-011 - Log4Shell.md:1 'Contributing Factors'",
        ])
    }

    // MARK: - pm-posthog: free-form post-mortems named by date

    func testPmPosthog() throws {
        let r = try run("pm-posthog")
        XCTAssertEqual(r.initReport, "archbook: wrote pm-posthog/archbook.yml\n  postmortem: postmortem-google, 6 documents in .\n")
        XCTAssertEqual(r.kinds, ["postmortem: postmortem-google [\"*\"]"])
        XCTAssertEqual(r.counts, ["postmortem": [6, 1], "(plain pages)": [2, 0]])
        let replay = r.doc("2026-01-17-replay-sdk-fetch-wrapper-incident.md")
        XCTAssertEqual([replay?.id, replay?.status?.raw, replay?.status?.value],
                       ["2026-01-17-replay-sdk-fetch-wrapper-incident", "Resolved", "published"])
        XCTAssertEqual(r.doc("2025-09-29-flags-is-down.md")?.title, "PostHog Feature Flags Service Outage - September 29, 2025")
        // Trigger, Detection and Action Items are in at most one record: not required here.
        // Nor Impact and Lessons Learned, which four of the six have: fewer than four in five.
        XCTAssertEqual(r.config.kind(named: "postmortem")?.sectionSets.first?.map(\.name), ["Summary", "Root Causes", "Resolution", "Timeline"])
        XCTAssertEqual(r.problems, [
            // Written as questions and answers, this record has none of the sections the other five share.
            "missing-section 2025-11-26-shai-hulud-attack.md:1 'Resolution'",
            "missing-section 2025-11-26-shai-hulud-attack.md:1 'Root Causes'",
            "missing-section 2025-11-26-shai-hulud-attack.md:1 'Summary'",
            "missing-section 2025-11-26-shai-hulud-attack.md:1 'Timeline'",
            // A path of the posthog.com site, not a file of this repository.
            "broken-link 2025-11-26-shai-hulud-attack.md:136 '/community/profiles/34651'",
            // A date range in words, where a date is expected.
            "invalid-date 2026-01-17-replay-sdk-fetch-wrapper-incident.md:3 'January 14-19, 2026'",
        ])
    }

    // MARK: - runbooks-prom-op: one runbook per alert, Hugo site

    func testRunbooksPrometheusOperator() throws {
        let r = try run("runbooks-prom-op")
        XCTAssertEqual(r.initReport, "archbook: wrote runbooks-prom-op/archbook.yml\n  runbook: runbook-alert, 107 documents in content/runbooks/alertmanager, content/runbooks/etcd, content/runbooks/general, content/runbooks/kube-state-metrics, content/runbooks/kubernetes, content/runbooks/node, content/runbooks/prometheus, content/runbooks/prometheus-operator\n")
        XCTAssertEqual(r.counts, ["runbook": [107, 0], "(plain pages)": [12, 0]])
        // A stub that only says "See [Node RAID Degraded](…)" is a redirect page, not a runbook missing every section.
        XCTAssertNil(r.doc("node/NodeRAIDDiskFailure.md")?.kind)
        let crash = r.doc("kubernetes/KubePodCrashLooping.md")
        XCTAssertEqual([crash?.id, crash?.title], ["KubePodCrashLooping", "Kube Pod Crash Looping"])
        XCTAssertEqual(crash?.sections.map(\.title), ["KubePodCrashLooping", "Meaning", "Impact", "Diagnosis", "Mitigation"])
        XCTAssertEqual(r.problems, [
            // A Hugo site path without extension: resolves on the Hugo site only, not in the repository.
            "broken-link content/_index.md:26 '/docs/add-runbook'",
            // Sections with a heading and nothing under it.
            "empty-section content/runbooks/alertmanager/AlertmanagerMembersInconsistent.md:12 'Impact'",
            // Written as Impact / Critical / Warning / Runbook instead of the template's sections.
            "missing-section content/runbooks/kubernetes/KubeAPIErrorBudgetBurn.md:2 'Diagnosis'",
            "missing-section content/runbooks/kubernetes/KubeAPIErrorBudgetBurn.md:2 'Meaning'",
            "missing-section content/runbooks/kubernetes/KubeAPIErrorBudgetBurn.md:2 'Mitigation'",
            "empty-section content/runbooks/node/NodeFilesystemAlmostOutOfFiles.md:24 'Diagnosis'",
            "empty-section content/runbooks/node/NodeFilesystemAlmostOutOfSpace.md:23 'Diagnosis'",
            "empty-section content/runbooks/prometheus-operator/PrometheusOperatorListErrors.md:22 'Mitigation'",
            // A code block left open in Diagnosis swallows the Mitigation heading (GitHub renders it as code too).
            "missing-section content/runbooks/prometheus-operator/PrometheusOperatorNodeLookupErrors.md:2 'Mitigation'",
            "empty-section content/runbooks/prometheus-operator/PrometheusOperatorReconcileErrors.md:21 'Mitigation'",
            "empty-section content/runbooks/prometheus-operator/PrometheusOperatorSyncFailed.md:21 'Mitigation'",
            "empty-section content/runbooks/prometheus-operator/PrometheusOperatorWatchErrors.md:21 'Mitigation'",
            // Two runbooks written as prose without any of the template's sections.
            "missing-section content/runbooks/prometheus/PrometheusDuplicateTimestamps.md:2 'Diagnosis'",
            "missing-section content/runbooks/prometheus/PrometheusDuplicateTimestamps.md:2 'Impact'",
            "missing-section content/runbooks/prometheus/PrometheusDuplicateTimestamps.md:2 'Meaning'",
            "missing-section content/runbooks/prometheus/PrometheusDuplicateTimestamps.md:2 'Mitigation'",
            "empty-section content/runbooks/prometheus/PrometheusLabelLimitHit.md:16 'Diagnosis'",
            "missing-section content/runbooks/prometheus/PrometheusOutOfOrderTimestamps.md:2 'Diagnosis'",
            "missing-section content/runbooks/prometheus/PrometheusOutOfOrderTimestamps.md:2 'Impact'",
            "missing-section content/runbooks/prometheus/PrometheusOutOfOrderTimestamps.md:2 'Meaning'",
            "missing-section content/runbooks/prometheus/PrometheusOutOfOrderTimestamps.md:2 'Mitigation'",
            "empty-section content/runbooks/prometheus/PrometheusTargetLimitHit.md:16 'Diagnosis'",
        ])
    }

    // MARK: - rfc-rust: 639 RFCs without H1 titles

    func testRfcRust() throws {
        let r = try run("rfc-rust")
        // text/ holds more than 250 files, so detection scores a sample and counts its documents by name: 639, where
        // the check below finds 638 (the "Moved to" page of the second 2071 is no document).
        XCTAssertEqual(r.initReport, "archbook: wrote rfc-rust/archbook.yml\n  rfc: rfc, 639 documents in text\n")
        XCTAssertEqual(r.kinds, ["rfc: rfc [\"text/*\"]"])
        // The root template, the nine pages of text/3392-leadership-council/ and the "Moved to" page of the second
        // 2071 stay plain pages.
        XCTAssertEqual(r.counts, ["rfc": [638, 0], "(plain pages)": [11, 0]])
        XCTAssertNil(r.doc("text/2071-impl-trait-type-alias.md")?.kind)
        XCTAssertEqual(r.doc("text/2071-impl-trait-existential-types.md")?.id, "RFC-2071")
        let first = r.doc("text/0001-private-fields.md")
        XCTAssertEqual([first?.id, first?.title, first?.titleSource.rawValue, first?.dates["created"]?.iso],
                       ["RFC-0001", "Private fields", "file-name", "2014-03-11"])
        XCTAssertEqual(first?.fields["rfc-pr"], "rust-lang/rfcs#1")
        let tail = r.doc("text/3606-temporary-lifetimes-in-tail-expressions.md")
        XCTAssertEqual([tail?.title, tail?.fields["feature-name"], tail?.fields["tracking-issue"]],
                       ["Temporary lifetimes in tail expressions", "shorter_tail_lifetimes", "rust-lang/rust#123739"])
        // Heading attributes ({ #overload }) and HTML ids are anchors: 0048's links to them are not reported.
        XCTAssertFalse(r.problems.contains { $0.contains("0048-traits.md:501") })
        XCTAssertEqual(r.problems, [
            // Links to files the RFC repository does not have at that path (README outside text/, RFC 0003 is
            // another file, URLs without a scheme are relative paths, placeholders and parenthesised URLs).
            "broken-link text/0002-rfc-process.md:86 '../README.md'",
            "broken-link text/0002-rfc-process.md:97 '../README.md'",
            "broken-link text/0019-opt-in-builtin-traits.md:263 '0003-opt-in-builtin-traits.md'",
            // Anchors below: each names a heading the document does not have (renamed or never written).
            "broken-anchor text/0048-traits.md:729 '#assoc'",
            // Start dates not in YYYY-MM-DD form, or not on the calendar.
            "invalid-date text/0179-and-mut-patterns.md:1 '23-07-2014'",
            "broken-anchor text/0235-collections-conventions.md:1595 '#ownership-management-for-keys'",
            "broken-link text/0474-path-reform.md:110 'www.boost.org/doc/libs/1_57_0/libs/filesystem/doc/reference.html'",
            // Summary and Motivation are the two sections every era of the RFC template has; these RFCs lack one.
            "missing-section text/0517-io-os-reform.md:1 'Motivation'",
            "broken-anchor text/0517-io-os-reform.md:62 '#error'",
            "broken-anchor text/0517-io-os-reform.md:480 '#atomicity-and-the-reader-writer-traits'",
            "invalid-date text/0534-deriving2derive.md:1 '2014-19-19'",
            // Headings of template sections left with nothing under them.
            "empty-section text/0601-replace-be-with-become.md:36 'Unresolved questions'",
            "empty-section text/1219-use-group-as.md:68 'Drawbacks'",
            "empty-section text/1219-use-group-as.md:70 'Alternatives'",
            "empty-section text/1219-use-group-as.md:72 'Unresolved Questions'",
            "empty-section text/1399-repr-pack.md:77 'Drawbacks'",
            "empty-section text/1498-ipv6addr-octets.md:77 'Unresolved questions'",
            "broken-link text/1589-rustc-bug-fix-procedure.md:107 'LINK_TO_THIS_RFC'",
            "empty-section text/1598-generic_associated_types.md:479 'Unresolved questions'",
            "empty-section text/1607-style-rfcs.md:323 'Unresolved questions'",
            "broken-anchor text/1733-trait-alias.md:242 '#semantics'",
            "empty-section text/1849-non-static-type-id.md:68 'Unresolved questions'",
            "empty-section text/1866-more-readable-assert-eq.md:87 'Unresolved questions'",
            "broken-anchor text/1937-ques-in-main.md:199 '#changes-to-lang-start'",
            "broken-anchor text/1937-ques-in-main.md:244 '#values-used-for-success-and-failure'",
            "empty-section text/2045-target-feature.md:363 'Alternatives'",
            "empty-section text/2086-allow-if-let-irrefutables.md:76 'Unresolved questions'",
            "broken-link text/2115-argument-lifetimes.md:501 '(https://internals.rust-lang.org/t/lang-team-minutes-elision-2-0/5182)'",
            "empty-section text/2166-impl-only-use.md:129 'Unresolved questions'",
            "missing-section text/2230-bury-description.md:1 'Summary'",
            "empty-section text/2235-libc-struct-traits.md:91 'Unresolved questions'",
            "empty-section text/2341-const-locals.md:67 'Unresolved questions'",
            "empty-section text/2342-const-control-flow.md:142 'Unresolved questions'",
            "empty-section text/2436-style-guide.md:68 'Unresolved questions'",
            // Template-style braces the author left in prose.
            "unfilled-placeholder text/2451-re-rebalancing-coherence.md:131 '{definition given above}'",
            "unfilled-placeholder text/2451-re-rebalancing-coherence.md:132 '{definition given above}'",
            "broken-anchor text/2476-clippy-uno.md:688 '#wrong_self_convention'",
            "broken-anchor text/2476-clippy-uno.md:692 '#string_add_assign'",
            "missing-section text/2657-roadmap-2019.md:1 'Motivation'",
            "empty-section text/2696-debug-map-key-value.md:253 'Unresolved questions'",
            "broken-anchor text/2795-format-args-implicit-identifiers.md:375 '#interpolation'",
            "broken-anchor text/2795-format-args-implicit-identifiers.md:483 '#interpolation'",
            "broken-link text/2797-project-ffi-unwind.md:165 'stabilizing-unspecified-tbd-behavior'",
            "empty-section text/2856-project-groups.md:321 'Unresolved questions'",
            "broken-anchor text/2873-inline-asm.md:1044 '#dsl'",
            "empty-section text/2912-rust-analyzer.md:195 'Future possibilities'",
            "invalid-date text/2930-read-buf.md:2 '2020/05/18'",
            "broken-anchor text/2945-c-unwind-abi.md:51 '#analysis-of-design-goals'",
            "broken-anchor text/2945-c-unwind-abi.md:214 '#abi-boundaries-and-forced-unwinding'",
            "broken-link text/2945-c-unwind-abi.md:274 'forced-unwind'",
            "broken-anchor text/2945-c-unwind-abi.md:463 '#changes-to-extern-c-behavior'",
            "missing-section text/3007-panic-plan.md:1 'Motivation'",
            "empty-section text/3014-must-not-suspend-lint.md:139 'Unresolved questions'",
            "broken-link text/3101-reserved_prefixes.md:201 'archive.adaic.com/standards/83lrm/html/lrm-02-04.html'",
            "broken-anchor text/3114-prelude-2021.md:93 '#references'",
            // An April-fools de-RFC with Demotivation and Drawforwards instead of the template's sections.
            "missing-section text/3307-de-rfc-type-ascription.md:1 'Motivation'",
            "missing-section text/3346-t-opsem.md:1 'Motivation'",
            "broken-anchor text/3392-leadership-council.md:425 '#the-council-s-decision-making-process'",
            "empty-section text/3416-feature-metadata.md:154 'Prior art'",
            "empty-section text/3416-feature-metadata.md:158 'Unresolved questions'",
            "broken-link text/3455-t-test.md:33 '(https://internals.rust-lang.org/t/pre-rfc-implementing-test-binary-list-format-json-for-use-by-ide-test-explorers-runners/18308)'",
            "broken-anchor text/3458-unsafe-fields.md:563 '#alarm-fatigue'",
            "empty-section text/3491-remove-implicit-features.md:128 'Prior art'",
            "empty-section text/3491-remove-implicit-features.md:131 'Unresolved questions'",
            "empty-section text/3491-remove-implicit-features.md:134 'Future possibilities'",
            "empty-section text/3493-precise-pre-release-cargo-update.md:215 'Unresolved questions'",
            "missing-section text/3498-lifetime-capture-rules-2024.md:1 'Motivation'",
            "broken-link text/3502-cargo-script.md:965 'play.rust-lang.org/'",
            "empty-section text/3503-frontmatter.md:652 'Unresolved questions'",
            "empty-section text/3516-public-private-dependencies.md:287 'Unresolved questions'",
            "broken-anchor text/3519-arbitrary-self-types-v2.md:143 '#enable-for-pointers'",
            "broken-anchor text/3519-arbitrary-self-types-v2.md:413 '#picking-the-shadowed-method'",
            "broken-anchor text/3529-cargo-path-bases.md:160 '#built-in-path-bases'",
            "empty-section text/3558-libtest-json.md:111 'Drawbacks'",
            "empty-section text/3558-libtest-json.md:129 'Unresolved questions'",
            // A diagram in a folder beside the RFC that the corpus does not keep; below, pages of other books.
            "broken-link text/3606-temporary-lifetimes-in-tail-expressions.md:16 '3606-temporary-lifetimes-in-tail-expressions/diagram.svg'",
            "broken-anchor text/3654-return-type-notation.md:280 '#future-directions'",
            "invalid-date text/3673-rustdoc-types-maintainers.md:1 '2023-10-3'",
            "broken-anchor text/3681-default-field-values.md:519 '#future-privacy'",
            "broken-anchor text/3691-trusted-publishing-cratesio.md:46 '#trusted-publisher-configuration-cratesio'",
            "broken-anchor text/3691-trusted-publishing-cratesio.md:246 '#trusted-publisher-configuration-cratesio'",
            "empty-section text/3692-feature-unification.md:42 'Guide-level explanation'",
            "broken-link text/3764-Project-Goals-2025h1.md:16 './build-std.html'",
            "empty-section text/3772-build-target-edition.md:186 'Prior art'",
            "broken-anchor text/3834-export-visibility.md:453 '#interaction-between-export_visibility--hidden-vs-dylibs'",
            "broken-anchor text/3834-export-visibility.md:494 '#interaction-between-export_visibility--hidden-vs-dylibs'",
            // The template's "(fill me in with today's date, YYYY-MM-DD)" is still the start date.
            "unfilled-placeholder text/3849-Project-Goals-2025h2.md:2 '(fill me in with today'",
            "broken-anchor text/3849-Project-Goals-2025h2.md:33 '#flexible-faster-rust-compilation'",
            "empty-section text/3855-mitigation-enforcement.md:249 'Drawbacks'",
            "broken-anchor text/3855-mitigation-enforcement.md:477 '#gnubuildattributes-1'",
            "empty-section text/3855-mitigation-enforcement.md:619 'Unresolved questions'",
            "empty-section text/3892-complex-numbers.md:147 'Unresolved questions'",
            "broken-link text/3923-cargo-min-publish-age.md:233 'config.md'",
            "broken-link text/3923-cargo-min-publish-age.md:235 'config.md'",
            "broken-anchor text/3923-cargo-min-publish-age.md:298 '#related-options'",
            "empty-section text/3945-inherit-default-features.md:205 'Prior art'",
            "empty-section text/3945-inherit-default-features.md:208 'Unresolved questions'",
            "broken-anchor text/3946-crates-io-username-identity.md:451 '#crates-io-account-rename-restrictions'",
        ])
    }

    /// Every corpus folder has a test above: a new corpus must get its own.
    func testEveryCorpusHasATest() throws {
        XCTAssertEqual(try CorporaTests.corpusNames(), [
            "adr-compliantk8s", "adr-govuk-aws", "adr-jabref", "adr-log4brains", "adr-madr", "adr-tools", "pm-dfds",
            "pm-posthog", "rfc-rust", "runbooks-prom-op",
        ])
    }
}
