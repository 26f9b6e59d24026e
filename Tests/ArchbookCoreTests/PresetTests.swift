// Presets: the reference document of each validates cleanly, and archbook.yml applies a preset before its own keys.

import Foundation
import XCTest
@testable import ArchbookCore

final class PresetTests: XCTestCase {
    static let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("PresetTemplates")

    /// The reference document of a preset, as a docs tree holding that one file.
    func referenceTree(_ preset: String) throws -> (InMemoryFileTree, String) {
        let folder = Self.templates.appendingPathComponent(preset)
        let name = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: folder.path).first { $0.hasSuffix(".md") })
        let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        return (InMemoryFileTree(["docs/\(name)": text]), "docs/\(name)")
    }

    func config(_ yaml: String) throws -> Config {
        try Config.parse(yaml, file: "archbook.yml")
    }

    func testEachPresetValidatesItsReferenceDocument() throws {
        XCTAssertEqual(Preset.names, ["nygard", "madr4", "madr3", "madr2", "log4brains", "rfc", "proposal",
                                      "runbook-alert", "postmortem-google", "postmortem-pagerduty"])
        for preset in Preset.all {
            let (tree, path) = try referenceTree(preset.name)
            let cfg = try config("kinds:\n  \(preset.kind):\n    preset: \(preset.name)\n    paths: [\"docs/*\"]\n")
            let result = try Checker.check(tree, config: cfg)
            XCTAssertEqual(result.diagnostics, [], "\(preset.name): its reference document should validate cleanly")
            XCTAssertEqual(result.documents.map(\.kind), [preset.kind], preset.name)
            XCTAssertEqual(result.documents.first?.path, path)
            // Detection, given only this document, recognises the preset it was written for.
            let detection = try Detector.detect(tree)
            XCTAssertEqual(detection.kinds.map(\.name), [preset.kind], preset.name)
            XCTAssertEqual(detection.kinds.first?.preset, preset.name, "\(preset.name): detection picked \(detection.folders.first?.reason ?? "nothing")")
        }
    }

    func testReferenceDocumentsReadAsTheirToolsMeanThem() throws {
        func doc(_ preset: String) throws -> Document {
            let (tree, _) = try referenceTree(preset)
            let kind = Preset.named(preset)!.kind
            let result = try Checker.check(tree, config: config("kinds:\n  \(kind):\n    preset: \(preset)\n    paths: [\"docs/*\"]\n"))
            return try XCTUnwrap(result.documents.first)
        }
        let nygard = try doc("nygard")
        XCTAssertEqual([nygard.id, nygard.title, nygard.status?.value, nygard.date?.iso],
                       ["ADR-0001", "Record architecture decisions", "accepted", "2024-02-12"])
        let madr2 = try doc("madr2")
        XCTAssertEqual(madr2.people.deciders, ["Ana Lima", "Bo Chen"])
        XCTAssertEqual(madr2.headerFields.map(\.key), ["status", "deciders", "date", "technical story"])
        XCTAssertEqual(madr2.fields, [:], "a line of a paragraph is not a field unless a kind maps its key")
        XCTAssertEqual(madr2.status?.source, .headerBullet)
        let madr3 = try doc("madr3")
        XCTAssertEqual([madr3.people.deciders, madr3.people.consulted, madr3.people.informed], [["Ana Lima", "Bo Chen"], ["Desktop team"], ["Support"]])
        let madr4 = try doc("madr4")
        XCTAssertEqual([madr4.status?.value, madr4.date?.iso], ["proposed", "2024-06-03"])
        XCTAssertEqual(madr4.people.deciders, ["Platform team"])
        XCTAssertEqual(madr4.people.consulted, ["Payments team", "Search team"])
        let log4brains = try doc("log4brains")
        XCTAssertEqual(log4brains.id, "20240301-use-pnpm-workspaces")
        XCTAssertEqual(log4brains.tags, ["tooling", "build"])
        let rfc = try doc("rfc")
        XCTAssertEqual([rfc.id, rfc.title, rfc.dates["created"]?.iso], ["RFC-0001", "Tail call elision", "2024-04-02"])
        XCTAssertEqual(rfc.titleSource, .fileName)
        XCTAssertEqual(rfc.fields, ["feature-name": "tail_call_elision", "rfc-pr": "rust-lang/rfcs#0001",
                                    "tracking-issue": "rust-lang/rust#0001"])
        let proposal = try doc("proposal")
        XCTAssertEqual([proposal.id, proposal.title, proposal.status?.value, proposal.status?.note],
                       ["SE-0401", "Structured widgets", "implemented", "Swift 5.9"])
        XCTAssertEqual(proposal.status?.raw, "Implemented (Swift 5.9)")
        XCTAssertEqual(proposal.people.authors, ["Ana Lima"])
        XCTAssertEqual(proposal.fields["review-manager"], "Bo Chen")
        let runbook = try doc("runbook-alert")
        XCTAssertEqual([runbook.id, runbook.title], ["WidgetQueueBacklog", "Widget Queue Backlog"])
        let google = try doc("postmortem-google")
        XCTAssertEqual([google.status?.value, google.status?.note, google.date?.iso], ["published", "action items in progress", "2024-05-14"])
        XCTAssertEqual(google.status?.source, .statusSection)
        XCTAssertEqual(google.people.authors, ["Ana Lima", "Bo Chen"])
        let pagerduty = try doc("postmortem-pagerduty")
        XCTAssertEqual(pagerduty.people.owners, ["Ana Lima"])
        XCTAssertEqual(pagerduty.fields["meeting"], "2024-06-11 10:00 UTC")
    }

    func testPresetComesFirstAndExplicitKeysOverrideIt() throws {
        let cfg = try config("""
        kinds:
          decision:
            required-sections: [Context, Decision]
            preset: madr4
            statuses: [proposed, accepted, {name: retired, terminal: true}]
            rules:
              relation-not-reciprocated: warning
        """)
        let d = try XCTUnwrap(cfg.kind(named: "decision"))
        XCTAssertEqual(d.preset, "madr4")
        XCTAssertEqual(d.sectionSets.map { $0.map(\.name) }, [["Context", "Decision"]])
        XCTAssertEqual(d.optionalSections, Preset.madr4.optionalSections)
        XCTAssertEqual(d.statuses.map(\.name), ["proposed", "accepted", "retired"])
        // MADR makes the status optional; declaring statuses does not make it required again.
        XCTAssertFalse(d.requireStatus)
        // The built-in kind keeps its folders and prefix.
        XCTAssertEqual(d.paths, KindSchema.decision.paths)
        XCTAssertEqual(d.idPrefix, "ADR")
        XCTAssertEqual(cfg.kindRuleSeverities["decision"]?["relation-not-reciprocated"], .some(.warning))
        XCTAssertEqual(cfg.severity(of: Rules.relationNotReciprocated, kind: "decision"), .warning)

        let plain = try config("kinds:\n  decision:\n    preset: madr2\n")
        XCTAssertEqual(plain.severity(of: Rules.relationNotReciprocated, kind: "decision"), nil)
        XCTAssertEqual(plain.severity(of: Rules.relationNotReciprocated, kind: "runbook"), .error)
    }

    func testNewKindTakesThePresetsFoldersAndPrefix() throws {
        let cfg = try config("kinds:\n  proposals:\n    preset: proposal\n  rfc:\n    preset: rfc\n    paths: [\"text/*\"]\n")
        let p = try XCTUnwrap(cfg.kind(named: "proposals"))
        XCTAssertEqual([p.paths, [p.idPrefix]], [["**/proposals/**"], ["SE"]])
        XCTAssertTrue(p.requireStatus)
        XCTAssertEqual(p.fields["proposal"], "id")
        let r = try XCTUnwrap(cfg.kind(named: "rfc"))
        XCTAssertEqual([r.paths, [r.idPrefix]], [["text/*"], ["RFC"]])
        XCTAssertEqual(r.titleFrom, .fileName)
        XCTAssertEqual(cfg.kinds.map(\.name), ["decision", "requirement", "runbook", "postmortem", "proposals", "rfc"])
    }

    func testIDAndTitleSettings() throws {
        let cfg = try config("""
        kinds:
          postmortem:
            paths: ["*"]
            id-pattern: '^(PM[0-9]{4}-[0-9]{3})'
            title-from: file-name
            fields: {Incident Lead: owner, "Severity": severity}
          runbook:
            id-from: file-name
        """)
        XCTAssertEqual(cfg.kind(named: "postmortem")?.idFrom, .pattern("^(PM[0-9]{4}-[0-9]{3})"))
        XCTAssertEqual(cfg.kind(named: "postmortem")?.fields, ["incident lead": "owner", "severity": "severity"])
        XCTAssertEqual(cfg.kind(named: "runbook")?.idFrom, .fileName)
        let tree = InMemoryFileTree([
            "PM2020-002 - KIAM outage.md": "* Incident Lead: Ana\n* Severity: 2\n\n## Summary\n\nx\n",
        ])
        let doc = try XCTUnwrap(try Checker.check(tree, config: cfg).documents.first)
        XCTAssertEqual(doc.id, "PM2020-002")
        XCTAssertEqual(doc.title, "PM2020 002 KIAM outage")
        XCTAssertEqual(doc.people.owners, ["Ana"])
        XCTAssertEqual(doc.fields, ["severity": "2"])
    }

    func testPresetConfigurationErrorsNameLineAndKey() {
        func error(_ yaml: String) -> String {
            do { _ = try Config.parse(yaml, file: "archbook.yml"); return "no error" } catch { return error.description }
        }
        XCTAssertEqual(error("kinds:\n  decision:\n    preset: madr5\n"),
                       "archbook.yml:3:13: unknown preset 'madr5'; known presets: nygard, madr4, madr3, madr2, log4brains, rfc, proposal, runbook-alert, postmortem-google, postmortem-pagerduty (key 'preset')")
        XCTAssertEqual(error("kinds:\n  decision:\n    id-from: title\n"),
                       "archbook.yml:3:5: expected number, file-name or package-file-name (or give id-pattern) (key 'id-from')")
        XCTAssertEqual(error("kinds:\n  decision:\n    id-pattern: '([a-z'\n"),
                       "archbook.yml:3:17: '([a-z' is not a valid regular expression (key 'id-pattern')")
        XCTAssertEqual(error("kinds:\n  decision:\n    title-from: h1\n"),
                       "archbook.yml:3:5: expected heading or file-name (key 'title-from')")
        XCTAssertEqual(error("kinds:\n  kep:\n    sidecar: {file: kep.yaml, fields: {number: kep-number}}\n"),
                       "archbook.yml:3:40: unknown document field 'number'; sidecars can fill id, title, status, date, created, updated, authors, deciders, owner, consulted, informed, tags, supersedes, superseded-by, amends, amended-by, relates-to")
        XCTAssertEqual(error("kinds:\n  kep:\n    sidecar: {fields: {id: kep-number}}\n"),
                       "archbook.yml:3:5: a sidecar needs a file name (file: kep.yaml) (key 'sidecar')")
        XCTAssertEqual(error("kinds:\n  kep:\n    sidecar: {file: ../kep.yaml}\n"),
                       "archbook.yml:3:15: expected a file name in the document's folder, such as kep.yaml (key 'file')")
    }
}
