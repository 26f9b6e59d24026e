// archbook.yml keys of the pull-request workflow: templates, file names, frozen sections, git dates, history rules.

import XCTest
@testable import ArchbookCore

final class WorkflowConfigTests: XCTestCase {
    func testKeysAreRead() throws {
        let config = try Config.parse("""
        git-dates: true
        kinds:
          decision:
            template: decisions/templates/template.md
            file-name: "{number}_{slug}.md"
            frozen-sections: [Decision, Consequences]
            frozen-statuses: [Approved]
            rules:
              frozen-section-changed: error
        rules:
          number-collision: warning
        """, file: "archbook.yml")
        XCTAssertTrue(config.gitDates)
        let decision = try XCTUnwrap(config.kind(named: "decision"))
        XCTAssertEqual(decision.template, "decisions/templates/template.md")
        XCTAssertEqual(decision.fileName, "{number}_{slug}.md")
        XCTAssertEqual(decision.frozenSections, ["Decision", "Consequences"])
        XCTAssertEqual(decision.frozenStatuses, ["approved"])
        XCTAssertEqual(config.severity(of: Rules.frozenSectionChanged, kind: "decision"), .error)
        XCTAssertEqual(config.severity(of: Rules.numberCollision, kind: "decision"), .warning)
        XCTAssertEqual(config.severity(of: Rules.deletedDocumentReferenced, kind: "decision"), .error)
    }

    func testDefaults() throws {
        XCTAssertFalse(Config.default.gitDates)
        XCTAssertEqual(KindSchema.decision.frozenSections, ["Decision", "Decision Outcome"])
        XCTAssertEqual(KindSchema.decision.frozenStatuses, ["accepted"])
        XCTAssertEqual(KindSchema.requirement.frozenSections, [])
        // Decision kinds made from a preset get the same protection.
        XCTAssertEqual(KindSchema.new(named: "adr", preset: .madr4).frozenSections, ["Decision", "Decision Outcome"])
        XCTAssertEqual(KindSchema.new(named: "rfc", preset: .rfc).frozenSections, [])
        // History rules are known to the configuration but not part of every run's rule list.
        XCTAssertEqual(Rules.history.map(\.id), ["number-collision", "frozen-section-changed", "deleted-document-referenced"])
        XCTAssertTrue(Rules.history.allSatisfy { r in !Rules.all.contains { $0.id == r.id } })
    }

    func testErrors() {
        func message(_ yaml: String) -> String? {
            do { _ = try Config.parse(yaml, file: "archbook.yml"); return nil } catch { return error.description }
        }
        XCTAssertEqual(message("kinds:\n  decision:\n    file-name: \"{number}-{title}.md\"\n"),
                       "archbook.yml:3:16: file-name '{number}-{title}.md' has an unknown placeholder {title} (known: {number}, {slug}, {name}, {date}, {yyyymmdd}) (key 'file-name')")
        XCTAssertEqual(message("kinds:\n  decision:\n    template: /etc/passwd\n"),
                       "archbook.yml:3:5: expected a template file relative to the docs root, such as decisions/templates/template.md (key 'template')")
        XCTAssertEqual(message("git-dates: maybe\n"), "archbook.yml:1:1: expected true or false (key 'git-dates')")
    }
}
