// Detection on in-memory trees: which preset each folder gets and why, adjustments to the documents, and the
// archbook.yml and --explain text that say so.

import XCTest
@testable import ArchbookCore

final class DetectionTests: XCTestCase {
    func nygard(_ n: Int, _ title: String, status: String? = "Accepted") -> String {
        "# \(n). \(title)\n\nDate: 2024-01-0\(n)\n\n" + (status.map { "## Status\n\n\($0)\n\n" } ?? "")
            + "## Context\n\nc\n\n## Decision\n\nd\n\n## Consequences\n\ne\n"
    }

    func madr2(_ title: String) -> String {
        "# \(title)\n\n* Status: accepted\n* Deciders: Ana\n* Date: 2024-02-01\n\n## Context and Problem Statement\n\nc\n\n"
            + "## Considered Options\n\n* A\n* B\n\n## Decision Outcome\n\nChosen option: A.\n"
    }

    func madr4(_ title: String) -> String {
        "---\nstatus: accepted\ndate: 2024-02-01\ndecision-makers: Ana\n---\n# \(title)\n\n## Context and Problem Statement\n\nc\n\n"
            + "## Considered Options\n\n* A\n* B\n\n## Decision Outcome\n\nChosen option: A.\n"
    }

    func postmortem(_ title: String, sections: [String]) -> String {
        "# \(title)\n\n" + sections.map { "## \($0)\n\nText.\n\n" }.joined()
    }

    func detect(_ files: [String: String]) throws -> Detection {
        try Detector.detect(InMemoryFileTree(files))
    }

    func summary(_ d: Detection) -> [String] {
        d.kinds.map { "\($0.name) \($0.preset ?? "built-in") \($0.folders.map { $0.isEmpty ? "." : $0 }.joined(separator: ",")) \($0.documents)" }
    }

    func testEachFolderGetsThePresetItsDocumentsFit() throws {
        let d = try detect([
            "doc/adr/0001-record.md": nygard(1, "Record"),
            "doc/adr/0002-use-make.md": nygard(2, "Use make"),
            "doc/adr/README.md": "# Decisions\n",
            "rfcs/text/0001-tail-calls.md": "- Feature Name: tail_calls\n- Start Date: 2024-01-01\n- RFC PR: x\n\n## Summary\n\ns\n\n## Motivation\n\nm\n",
            "ops/alerts/DiskFull.md": "# DiskFull\n\n## Meaning\n\nm\n\n## Impact\n\ni\n\n## Diagnosis\n\nd\n\n## Mitigation\n\nm\n",
            "notes/ideas.md": "# Ideas\n\nSome text.\n\n## Later\n\nMore.\n",
        ])
        XCTAssertEqual(summary(d), ["decision nygard doc/adr 2", "runbook runbook-alert ops/alerts 1", "rfc rfc rfcs/text 1"])
        XCTAssertEqual(d.folders.map { "\($0.path): \($0.reason)" }, [
            "doc/adr: nygard fits best (1.00; next: built-in decision 0.80).",
            "notes: no schema fits its documents well enough (best: nygard 0.00, needs 0.50); they stay plain pages.",
            "ops/alerts: runbook-alert fits best (1.00; next: built-in runbook 0.80).",
            "rfcs/text: rfc fits best (1.00; next: built-in runbook 0.27).",
        ])
        let check = try Checker.check(InMemoryFileTree([
            "doc/adr/0001-record.md": nygard(1, "Record"),
            "ops/alerts/DiskFull.md": "# DiskFull\n\n## Meaning\n\nm\n",
        ]), config: d.config)
        XCTAssertEqual(check.documents.map { "\($0.path) \($0.kind ?? "-") \($0.id ?? "-")" },
                       ["doc/adr/0001-record.md decision ADR-0001", "ops/alerts/DiskFull.md runbook DiskFull"])
        XCTAssertEqual(check.diagnostics.map(\.message), [
            "runbook is missing the required section 'Diagnosis'", "runbook is missing the required section 'Impact'",
            "runbook is missing the required section 'Mitigation'",
        ])
    }

    func testMADRVersionsAndLog4brainsAreToldApartBySignals() throws {
        let d = try detect([
            "decisions/0001-a.md": madr4("A"), "decisions/0002-b.md": madr4("B"), "decisions/0003-c.md": madr4("C"),
            "legacy/adr/0001-x.md": madr2("X"), "legacy/adr/0002-y.md": madr2("Y"),
            "web/adr/20240101-use-react.md": madr2("Use React").replacingOccurrences(of: "* Deciders: Ana\n", with: "* Tags: ui\n"),
            "web/adr/20240102-use-vite.md": madr2("Use Vite"),
        ])
        XCTAssertEqual(summary(d), ["decision madr4 decisions 3", "decision-madr2 madr2 legacy/adr 2", "decision-log4brains log4brains web/adr 2"])
        XCTAssertEqual(d.folders.map(\.reason), [
            // Front matter and decision-makers, no Confirmation section: 0.7 + 0.3 × 2/3.
            "madr4 fits best (0.90; next: built-in decision 0.80).",
            // Status, Deciders and Date bullets and a numbered file name, no Technical Story: 0.7 + 0.3 × 4/5.
            "madr2 fits best (0.94; next: log4brains 0.85).",
            // Dated names: madr2 misses the number (and one record its Deciders).
            "log4brains fits best (0.96; next: madr2 0.85).",
        ])
        let check = try Checker.check(InMemoryFileTree(["web/adr/20240101-use-react.md": madr2("Use React")]), config: d.config)
        XCTAssertEqual(check.documents.first?.id, "20240101-use-react")
        XCTAssertEqual(check.documents.first?.kind, "decision-log4brains")
    }

    func testPostmortemTemplatesAndAdjustmentToTheDocuments() throws {
        let house = ["Summary", "Timeline", "Contributing Factors", "Action Items", "Lessons Learned"]
        var files: [String: String] = [:]
        for i in 1...5 {
            files["house/PM2024-00\(i) - Outage \(i).md"] = postmortem("Outage \(i)", sections: i == 5 ? house.filter { $0 != "Contributing Factors" } : house)
        }
        let d = try detect(files)
        XCTAssertEqual(summary(d), ["postmortem postmortem-pagerduty house 5"])
        // Overview (as Summary), Contributing Factors, Timeline and Action Items of PagerDuty's seven: 4/7 for four
        // records, 3/7 for the fifth; the built-in schema meets 4 of 6 (3 of 6), weighed down to 0.8 as a fallback.
        XCTAssertEqual(d.folders.map(\.reason), ["postmortem-pagerduty fits best (0.54; next: built-in postmortem 0.53)."])
        let house_ = try XCTUnwrap(d.kinds.first)
        XCTAssertEqual(house_.settings.map { "\($0.key): \($0.value)" }, [
            "preset: \"postmortem-pagerduty\"",
            "paths: [\"house/*\"]",
            "id-pattern: \"^([A-Za-z]+[0-9]+(?:-[0-9]+)*)(?=[ _.-]|$)\"",
            "required-sections: [{name: \"Overview\", aliases: [\"Summary\", \"Executive Summary\", \"Incident Summary\"]}, {name: \"Contributing Factors\", aliases: [\"Root Causes\", \"Root Cause\"]}, {name: \"Timeline\", aliases: [\"Incident Timeline\"]}, \"Action Items\"]",
            "optional-sections: [\"Responders\", \"How'd We Do?\", \"What Went Well?\", \"What Didn't Go So Well?\", \"Messaging\", \"Internal Email\", \"External Message\", \"What Happened\", \"Resolution\", \"Impact\"]",
        ])
        XCTAssertEqual(house_.settings.compactMap(\.comment).dropFirst(), [
            "IDs lead the file names (5 of 5, e.g. PM2024-001)",
            "Not required here, most documents do not have them: What Happened (0 of 5), Resolution (0 of 5), Impact (0 of 5)",
            "Known, so checked for emptiness",
        ])
        // The one record without Contributing Factors is the true problem left (4 of 5 have it: still required).
        let check = try Checker.check(InMemoryFileTree(files), config: d.config)
        XCTAssertEqual(check.diagnostics.map { "\($0.file): \($0.message)" }, [
            "house/PM2024-005 - Outage 5.md: postmortem is missing the required section 'Contributing Factors'",
        ])
        XCTAssertEqual(check.documents.filter { $0.kind == "postmortem" }.map { $0.id ?? "-" },
                       ["PM2024-001", "PM2024-002", "PM2024-003", "PM2024-004", "PM2024-005"])
    }

    func testFewerThanFiveDocumentsAreNotAdjusted() throws {
        var files: [String: String] = [:]
        for i in 1...4 { files["adr/000\(i)-x\(i).md"] = nygard(i, "X\(i)", status: nil) }
        let d = try detect(files)
        XCTAssertEqual(d.kinds.first?.settings.map(\.key), ["preset", "paths"])
        let check = try Checker.check(InMemoryFileTree(files), config: d.config)
        XCTAssertEqual(check.diagnostics.map(\.rule), Array(repeating: "missing-status", count: 4))
        // From five documents on, a status none of them has is no longer required.
        files["adr/0005-x5.md"] = nygard(5, "X5", status: nil)
        let five = try detect(files)
        XCTAssertEqual(five.kinds.first?.settings.last.map { "\($0.key): \($0.value) # \($0.comment ?? "")" },
                       "require-status: false # Only 0 of 5 documents have a status: it is optional here")
        XCTAssertEqual(try Checker.check(InMemoryFileTree(files), config: five.config).diagnostics, [])
    }

    func testFolderNameHintsAKindWhenNoPresetFits() throws {
        let d = try detect([
            "docs/requirements/search.md": "# Search\n\n## Find by title\n\n`req~search.title~1`\n\nNeeds: impl\n",
            "docs/guide.md": "# Guide\n\n## Install\n\nx\n",
        ])
        XCTAssertEqual(summary(d), ["requirement built-in docs/requirements 1"])
        XCTAssertEqual(d.folders.map(\.reason), [
            "no schema fits its documents well enough (best: nygard 0.00, needs 0.50); they stay plain pages.",
            "the folder name says requirement; no preset fits its documents (best: nygard 0.00), so the built-in requirement schema applies.",
        ])
    }

    func testTemplatesAndTemplateFoldersAreNotDocuments() throws {
        let d = try detect([
            "adr/0001-a.md": nygard(1, "A"),
            "adr/template.md": "# {title}\n\n## Status\n\n[proposed | accepted]\n",
            "adr/adr-template-minimal.md": "# {title}\n",
            "template/0000-example.md": nygard(0, "Example"),
            "adr/0039-use-velocity-as-template-engine.md": nygard(39, "Use Velocity as template engine"),
        ])
        XCTAssertEqual(summary(d), ["decision nygard adr 2"])
        XCTAssertEqual(d.folders.map { "\($0.path): \($0.reason)" }.last, "template: a templates folder: its files are examples to copy, not records.")
        XCTAssertTrue(Extractor.isTemplateName("PMyyyy-nnn - Postmortem template"))
        XCTAssertTrue(Extractor.isTemplateName("0000-template"))
        XCTAssertFalse(Extractor.isTemplateName("20201012-use-a-template-engine"))
        XCTAssertFalse(Extractor.isTemplateName("use-mustache-templates"))
    }

    func testABuiltInKindWhoseFoldersHoldAnotherKindIsSwitchedOff() throws {
        let alert = "# DiskFull\n\n## Meaning\n\nm\n\n## Impact\n\ni\n\n## Diagnosis\n\nd\n\n## Mitigation\n\nm\n"
        let d = try detect(["incidents/DiskFull.md": alert])
        XCTAssertEqual(summary(d), ["runbook runbook-alert incidents 1"])
        XCTAssertEqual(d.disabled.map { "\($0.kind): \($0.because)" }, ["postmortem: its default folders include incidents, which holds runbook documents"])
        let check = try Checker.check(InMemoryFileTree(["incidents/DiskFull.md": alert]), config: d.config)
        XCTAssertEqual(check.documents.map(\.kind), ["runbook"])
        XCTAssertEqual(d.config.kind(named: "postmortem")?.paths, [])
    }

    func testNothingToDetect() throws {
        let d = try detect(["README.md": "# Hello\n", "notes/a.md": "Just text.\n"])
        XCTAssertEqual(d.kinds.count, 0)
        XCTAssertEqual(d.config, Config.default)
        XCTAssertEqual(d.yaml, """
        # archbook.yml written by `archbook init` from the documents it found.
        # Each kind names the preset its documents fit best; the keys after `preset:` override the preset.
        # Presets are described in docs/presets.md, every key in docs/configuration.md.
        # No folder holds documents of a known kind; every Markdown file is a plain page.
        #   notes: no schema fits its documents well enough (best: rfc 0.07, needs 0.50); they stay plain pages.
        """ + "\n")
    }

    func testFolderNamesCannotInjectSettings() throws {
        // A newline in a name is refused before detection sees it (unsafe-path); quotes, brackets, colons and
        // hashes are allowed in names, and stay inside the quoted path they are written into.
        let evil = "adr\"], rules: {broken-link: off}, x: [\"#"
        let newline = "adr\nrules:\n  broken-link: off\n\"x"
        let d = try detect(["\(evil)/0001-a.md": nygard(1, "A"), "\(evil)/0002-b.md": nygard(2, "B"),
                            "\(newline)/0003-c.md": nygard(3, "C"), "\(newline)/0004-d.md": nygard(4, "D"),
                            "notes\n  kinds: {}/a.md": "# A\n"])
        XCTAssertEqual(summary(d), ["decision nygard \(evil) 2"])
        let parsed = try Config.parse(d.yaml, file: "archbook.yml")
        XCTAssertEqual(parsed, d.config)
        XCTAssertEqual(parsed.ruleSeverities.count, 0)
        XCTAssertEqual(parsed.kind(named: "decision")?.paths, ["\(evil)/*"])
        XCTAssertTrue(d.yaml.contains("    paths: [\"adr\\\"], rules: {broken-link: off}, x: [\\\"#/*\"]\n"), d.yaml)
        XCTAssertFalse(d.yaml.contains("\nrules:"), d.yaml)
    }

    let small: [String: String] = [
        "docs/adr/0001-use-postgresql.md": "# 1. Use PostgreSQL\n\nDate: 2024-01-01\n\n## Status\n\nAccepted\n\n## Context\n\nc\n\n## Decision\n\nd\n\n## Consequences\n\ne\n",
        "docs/adr/0002-use-kafka.md": "# 2. Use Kafka\n\nDate: 2024-01-02\n\n## Status\n\nProposed\n\n## Context\n\nc\n\n## Decision\n\nd\n",
        "docs/README.md": "# Handbook\n",
    ]

    func testInitWritesWhatDetectionUsesAndItReadsBack() throws {
        let d = try detect(small)
        XCTAssertEqual(d.yaml, """
        # archbook.yml written by `archbook init` from the documents it found.
        # Each kind names the preset its documents fit best; the keys after `preset:` override the preset.
        # Presets are described in docs/presets.md, every key in docs/configuration.md.
        kinds:
          decision:
            # nygard: Michael Nygard's ADR format as adr-tools writes it: `# N. Title`, `Date:`, a Status section with
            #   Supersedes/Superseded by lines.
            # docs/adr (2 documents): nygard fits best (0.91; next: built-in decision 0.70).
            # Sections: Context 2/2, Decision 2/2, Consequences 1/2.
            # Signals: a numbered title (`# 7. Title`) 2/2, a `Date:` line 2/2, a Status section 2/2.
            preset: "nygard"
            paths: ["docs/adr/*"]
        """ + "\n")
        let parsed = try Config.parse(d.yaml, file: "archbook.yml")
        XCTAssertEqual(parsed, d.config)
        let decision = try XCTUnwrap(parsed.kind(named: "decision"))
        XCTAssertEqual(decision.preset, "nygard")
        XCTAssertEqual(decision.paths, ["docs/adr/*"])
        // The file and zero-config give the same diagnostics.
        let tree = InMemoryFileTree(small)
        XCTAssertEqual(try Checker.check(tree, config: parsed).diagnostics, try Checker.check(tree, config: d.config).diagnostics)
        XCTAssertEqual(try Checker.check(tree, config: parsed).diagnostics.map(\.message), ["decision is missing the required section 'Consequences'"])
    }

    func testExplainText() throws {
        let tree = InMemoryFileTree(small)
        let d = try detect(small)
        let result = try Checker.check(tree, config: d.config)
        XCTAssertEqual(Explanation.render(config: d.config, source: .detected, detection: d, documents: result.documents), """
        archbook: no archbook.yml; configuration detected from the documents (`archbook init` writes it down)

        decision (preset nygard): 2 documents, 2 with a status
          preset:            nygard: Michael Nygard's ADR format as adr-tools writes it: `# N. Title`, `Date:`, a Status section with Supersedes/Superseded by lines
          why:               docs/adr (2 documents): nygard fits best (0.91; next: built-in decision 0.70).
          evidence:          Sections: Context 2/2, Decision 2/2, Consequences 1/2.
                             Signals: a numbered title (`# 7. Title`) 2/2, a `Date:` line 2/2, a Status section 2/2.
          paths:             docs/adr/*
          IDs:               front matter `id`, else ADR-0007 from a file name starting with 7, else the title's number
          titles:            front matter `title`, else the first H1 heading
          required sections: Status (or any status), Context (or Context and Problem Statement, Background), Decision, Consequences
          optional sections: Decision Drivers, Alternatives Considered, Pros and Cons of the Options, Confirmation, More Information, References, Risks, Links
          status:            required; allowed proposed, accepted, rejected*, deprecated*, superseded* (* ends the document's life)
          required fields:   none

        requirement (built-in schema): 0 documents, 0 with a status
          why:               no folder of this kind was found; its default folders apply: **/requirements/**

        runbook (built-in schema): 0 documents, 0 with a status
          why:               no folder of this kind was found; its default folders apply: **/runbooks/**

        postmortem (built-in schema): 0 documents, 0 with a status
          why:               no folder of this kind was found; its default folders apply: **/postmortems/**, **/post-mortems/**, **/incidents/**

        plain pages (links checked only): 1
        """ + "\n")
        // From a file: the same settings, with where they came from.
        let parsed = try Config.parse(d.yaml, file: "docs/archbook.yml")
        let fromFile = Explanation.render(config: parsed, source: .file("docs/archbook.yml"), detection: nil, documents: result.documents)
        XCTAssertTrue(fromFile.hasPrefix("archbook: configuration from docs/archbook.yml\n\ndecision (preset nygard): 2 documents, 2 with a status\n"), fromFile)
        XCTAssertTrue(fromFile.contains("  why:               set in archbook.yml; keys given there override the preset\n"), fromFile)
        XCTAssertTrue(fromFile.contains("requirement (built-in schema): 0 documents, 0 with a status\n  why:               archbook.yml and the built-in defaults\n  paths:             **/requirements/**\n"), fromFile)
    }

    /// Counts reads, to show which files detection opened.
    final class CountingTree: FileTree, @unchecked Sendable {
        let inner: InMemoryFileTree
        private let lock = NSLock()
        private(set) var reads: [String] = []
        init(_ files: [String: String]) { inner = InMemoryFileTree(files) }
        func listing() throws(FileTreeError) -> FileListing { try inner.listing() }
        func read(_ path: String) throws(FileTreeError) -> [UInt8] {
            lock.lock(); reads.append(path); lock.unlock()
            return try inner.read(path)
        }
    }

    func testAVeryLargeFolderIsJudgedByAnEvenlySpacedSample() throws {
        var files: [String: String] = [:]
        for n in 1...1050 { files["doc/adr/\(String(format: "%04d", n))-record.md"] = nygard(n % 9 + 1, "Record \(n)") }
        for n in 1...3 { files["runbooks/0\(n)-lag.md"] = "# Lag \(n)\n\n## Overview\n\no\n\n## Diagnosis\n\nd\n\n## Mitigation\n\nm\n" }
        let tree = CountingTree(files)
        let d = try Detector.detect(tree)
        XCTAssertEqual(tree.reads.count, 253, "250 of the large folder, every file of the small one")
        XCTAssertEqual(Set(tree.reads).count, 253)
        XCTAssertTrue(tree.reads.contains("doc/adr/0001-record.md"), "the sample starts at the first file")
        XCTAssertFalse(tree.reads.contains("doc/adr/1050-record.md"), "and is evenly spaced: the last is skipped")
        XCTAssertEqual(summary(d), ["decision nygard doc/adr 1050", "runbook built-in runbooks 3"])
        let folder = try XCTUnwrap(d.folders.first { $0.path == "doc/adr" })
        XCTAssertEqual(folder.documents, 1050)
        XCTAssertTrue(folder.reason.hasSuffix(" Judged by an evenly spaced sample of 250 of its 1050 documents."), folder.reason)
        XCTAssertEqual(d.kinds[0].evidence.last, "Counted in a sample of 250 of the 1050 documents.")
        XCTAssertFalse(d.folders.first { $0.path == "runbooks" }!.reason.contains("sample"))
    }
}
