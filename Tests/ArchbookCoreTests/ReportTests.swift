// Exact-output tests for the four report formats, on hand-made diagnostics chosen to hit the tricky cases:
// tabs and multi-byte characters before a column, escaping, URI encoding, singular counts, colour.
import Foundation
import XCTest
@testable import ArchbookCore

final class ReportTests: XCTestCase {
    // MARK: Fixture

    /// Column 20 in UTF-8 bytes is the `[`: tab (1 byte) + "See the résumé: " (18 bytes, 16 characters).
    static let brokenLink = Diagnostic(
        rule: "broken-link", severity: .error, file: "adr/0001-use-kafka.md",
        position: SourcePosition(line: 7, column: 20),
        message: "Link target `../missing.md` does not exist.", hint: "Did you mean `../present.md`?")
    static let emptySection = Diagnostic(
        rule: "empty-section", severity: .warning, file: "adr/0001-use-kafka.md",
        position: SourcePosition(line: 12, column: 1), message: "Section \"Consequences\" is empty.")
    static let unknownStatus = Diagnostic(
        rule: "unknown-status", severity: .note, file: "requirements/search spec, v2.md",
        position: SourcePosition(line: 3, column: 9),
        message: "Status \"wip: 100%\" is not a known status, using draft.\nDeclare it in archbook.yml.",
        hint: "Statuses: draft, review.")

    static let lines: [String: String] = [
        "adr/0001-use-kafka.md:7": "\tSee the résumé: [x](../missing.md)",
        "adr/0001-use-kafka.md:12": "## Consequences",
        "requirements/search spec, v2.md:3": "status: wip: 100%",
    ]

    func input(_ diagnostics: [Diagnostic] = [brokenLink, emptySection, unknownStatus], documents: Int = 3,
               lines: [String: String] = ReportTests.lines, prefix: String = "content/") -> ReportInput {
        ReportInput(diagnostics: diagnostics, documentCount: documents, toolVersion: "0.1.0",
                    sourceLine: { file, line in lines["\(file):\(line)"] }, pathPrefix: prefix)
    }

    // MARK: text

    func testTextShowsSourceCaretAndHint() {
        let expected = """
            content/adr/0001-use-kafka.md:7:20: error: Link target `../missing.md` does not exist. [broken-link]
                    See the résumé: [x](../missing.md)
                                    ^
                hint: Did you mean `../present.md`?

            content/adr/0001-use-kafka.md:12:1: warning: Section "Consequences" is empty. [empty-section]
                ## Consequences
                ^

            content/requirements/search spec, v2.md:3:9: note: Status "wip: 100%" is not a known status, using draft. Declare it in archbook.yml. [unknown-status]
                status: wip: 100%
                        ^
                hint: Statuses: draft, review.

            1 error, 1 warning, 1 note in 3 documents

            """
        XCTAssertEqual(Report.render(input(), format: .text), expected)
    }

    func testTextQuietKeepsOnlyLocationLinesAndSummary() {
        let expected = """
            content/adr/0001-use-kafka.md:7:20: error: Link target `../missing.md` does not exist. [broken-link]
            content/adr/0001-use-kafka.md:12:1: warning: Section "Consequences" is empty. [empty-section]
            content/requirements/search spec, v2.md:3:9: note: Status "wip: 100%" is not a known status, using draft. Declare it in archbook.yml. [unknown-status]
            1 error, 1 warning, 1 note in 3 documents

            """
        XCTAssertEqual(Report.render(input(), format: .text, quiet: true), expected)
    }

    func testTextColor() {
        let e = "\u{1B}["
        let expected = """
            \(e)1mcontent/adr/0001-use-kafka.md:7:20:\(e)0m \(e)31merror\(e)0m: Link target `../missing.md` does not exist. [broken-link]
                    See the résumé: [x](../missing.md)
                                    \(e)32m^\(e)0m
                hint: Did you mean `../present.md`?

            \(e)1mcontent/adr/0001-use-kafka.md:12:1:\(e)0m \(e)33mwarning\(e)0m: Section "Consequences" is empty. [empty-section]
                ## Consequences
                \(e)32m^\(e)0m

            \(e)1mcontent/requirements/search spec, v2.md:3:9:\(e)0m \(e)36mnote\(e)0m: Status "wip: 100%" is not a known status, using draft. Declare it in archbook.yml. [unknown-status]
                status: wip: 100%
                        \(e)32m^\(e)0m
                hint: Statuses: draft, review.

            1 error, 1 warning, 1 note in 3 documents

            """
        XCTAssertEqual(Report.render(input(), format: .text, color: true), expected)
        XCTAssertEqual(Report.render(input(), format: .text, color: true, quiet: true), """
            \(e)1mcontent/adr/0001-use-kafka.md:7:20:\(e)0m \(e)31merror\(e)0m: Link target `../missing.md` does not exist. [broken-link]
            \(e)1mcontent/adr/0001-use-kafka.md:12:1:\(e)0m \(e)33mwarning\(e)0m: Section "Consequences" is empty. [empty-section]
            \(e)1mcontent/requirements/search spec, v2.md:3:9:\(e)0m \(e)36mnote\(e)0m: Status "wip: 100%" is not a known status, using draft. Declare it in archbook.yml. [unknown-status]
            1 error, 1 warning, 1 note in 3 documents

            """)
    }

    func testNoEscapeCodesWithoutColor() {
        // A document line holding an escape sequence must not restyle the terminal either.
        let d = Diagnostic(rule: "broken-link", severity: .error, file: "a.md",
                           position: SourcePosition(line: 1, column: 5), message: "m")
        let hostile = input([d], documents: 1, lines: ["a.md:1": "\u{1B}[31mred"], prefix: "")
        for format in ReportFormat.allCases {
            XCTAssertFalse(Report.render(input(), format: format).contains("\u{1B}"), "\(format)")
            XCTAssertFalse(Report.render(input(), format: format, quiet: true).contains("\u{1B}"), "\(format)")
        }
        XCTAssertEqual(Report.render(hostile, format: .text), """
            a.md:1:5: error: m [broken-link]
                \u{FFFD}[31mred
                    ^

            1 error, 0 warnings in 1 document

            """)
    }

    func testTextEmpty() {
        let empty = input([], documents: 12)
        XCTAssertEqual(Report.render(empty, format: .text), "0 errors, 0 warnings in 12 documents\n")
        XCTAssertEqual(Report.render(empty, format: .text, color: true, quiet: true),
                       "0 errors, 0 warnings in 12 documents\n")
    }

    func testSummaryCounts() {
        let one = DiagnosticSummary(diagnostics: [Self.brokenLink, Self.emptySection], documents: 1)
        XCTAssertEqual(Report.summaryLine(one), "1 error, 1 warning in 1 document")
        let many = DiagnosticSummary(diagnostics: [Self.emptySection, Self.emptySection, Self.unknownStatus,
                                                   Self.unknownStatus], documents: 0)
        XCTAssertEqual(Report.summaryLine(many), "0 errors, 2 warnings, 2 notes in 0 documents")
    }

    func testCaretUnderWideCharactersAndOddColumns() {
        // "| 日本 | ✅ | x |": `x` is byte 18 but terminal cell 15 (CJK and emoji take two cells each).
        let table = "| 日本 | ✅ | x |"
        func caret(_ column: Int, _ line: String) -> String {
            let d = Diagnostic(rule: "decision-matrix", severity: .error, file: "t.md",
                               position: SourcePosition(line: 2, column: column), message: "m")
            let out = Report.render(input([d], documents: 1, lines: ["t.md:2": line], prefix: ""), format: .text)
            return out.split(separator: "\n", omittingEmptySubsequences: false)[1...2].joined(separator: "\n")
        }
        XCTAssertEqual(caret(18, table), "    | 日本 | ✅ | x |\n                  ^")
        // A column in the middle of a multi-byte character points at that character.
        XCTAssertEqual(caret(4, table), "    | 日本 | ✅ | x |\n      ^")
        // Past the end of the line (e.g. a missing item): just after the last character.
        XCTAssertEqual(caret(99, "abc"), "    abc\n       ^")
        // Tabs advance to the next multiple of 4, in the excerpt and the caret line alike.
        XCTAssertEqual(caret(5, "a\tb\tc"), "    a   b   c\n            ^")
        // The line terminator a reader might hand back is not shown.
        XCTAssertEqual(caret(1, "abc\r\n"), "    abc\n    ^")
    }

    func testBlankSourceLineIsLeftOut() {
        let d = Diagnostic(rule: "empty-section", severity: .warning, file: "e.md",
                           position: SourcePosition(line: 4, column: 1), message: "m", hint: "first\nsecond")
        XCTAssertEqual(Report.render(input([d], documents: 1, lines: ["e.md:4": "  \t"], prefix: ""), format: .text), """
            e.md:4:1: warning: m [empty-section]
                hint: first
                      second

            0 errors, 1 warning in 1 document

            """)
    }

    func testPrefixWithoutSlash() {
        let out = Report.render(input([Self.emptySection], documents: 1, prefix: "docs"), format: .text, quiet: true)
        XCTAssertEqual(out, "docs/adr/0001-use-kafka.md:12:1: warning: Section \"Consequences\" is empty. [empty-section]\n"
                       + "0 errors, 1 warning in 1 document\n")
    }

    // MARK: json

    func testJSON() throws {
        let out = Report.render(input(), format: .json)
        XCTAssertEqual(out, expectedJSON + "\n")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        XCTAssertEqual(object["version"] as? Int, 1)
        let diagnostics = try XCTUnwrap(object["diagnostics"] as? [[String: Any]])
        XCTAssertEqual(diagnostics.map { $0["hint"] == nil }, [false, true, false])
        XCTAssertEqual(diagnostics[2]["message"] as? String, Self.unknownStatus.message)
    }

    func testJSONEmpty() throws {
        let out = Report.render(input([], documents: 12), format: .json)
        XCTAssertEqual(out, """
            {
              "version": 1,
              "tool": {
                "name": "archbook",
                "version": "0.1.0"
              },
              "summary": {
                "errors": 0,
                "warnings": 0,
                "notes": 0,
                "documents": 12
              },
              "diagnostics": [],
              "rules": []
            }

            """)
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(out.utf8)))
    }

    func testJSONEscapesControlCharacters() throws {
        let d = Diagnostic(rule: "no-such-rule", severity: .error, file: "q\"\\.md",
                           position: SourcePosition(line: 1, column: 1), message: "a\tb\u{1}c\u{8}\u{C}/é")
        let out = Report.render(input([d], documents: 1, prefix: ""), format: .json)
        XCTAssertTrue(out.contains(#""file": "q\"\\.md","#), out)
        XCTAssertTrue(out.contains(#""message": "a\tb\u0001c\b\f/é""#), out)
        // A rule missing from the catalogue is reported but not described.
        XCTAssertTrue(out.hasSuffix("  \"rules\": []\n}\n"), out)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        let diagnostic = try XCTUnwrap((object["diagnostics"] as? [[String: Any]])?.first)
        XCTAssertEqual(diagnostic["message"] as? String, d.message)
        XCTAssertEqual(diagnostic["file"] as? String, d.file)
    }

    // MARK: github

    func testGitHub() {
        let expected = """
            ::error file=content/adr/0001-use-kafka.md,line=7,col=20,title=broken-link::Link target `../missing.md` does not exist.%0Ahint: Did you mean `../present.md`?
            ::warning file=content/adr/0001-use-kafka.md,line=12,col=1,title=empty-section::Section "Consequences" is empty.
            ::notice file=content/requirements/search spec%2C v2.md,line=3,col=9,title=unknown-status::Status "wip: 100%25" is not a known status, using draft.%0ADeclare it in archbook.yml.%0Ahint: Statuses: draft, review.
            1 error, 1 warning, 1 note in 3 documents

            """
        XCTAssertEqual(Report.render(input(), format: .github), expected)
        XCTAssertEqual(Report.render(input([], documents: 12), format: .github),
                       "0 errors, 0 warnings in 12 documents\n")
    }

    func testGitHubEscapesPropertiesAndCarriageReturns() {
        let d = Diagnostic(rule: "broken-link", severity: .error, file: "a:b%,c.md",
                           position: SourcePosition(line: 2, column: 3), message: "x\r\ny%z")
        XCTAssertEqual(Report.render(input([d], documents: 1, prefix: ""), format: .github),
                       "::error file=a%3Ab%25%2Cc.md,line=2,col=3,title=broken-link::x%0D%0Ay%25z\n"
                       + "1 error, 0 warnings in 1 document\n")
    }

    // MARK: sarif

    func testSARIF() throws {
        let out = Report.render(input(), format: .sarif)
        XCTAssertEqual(out, expectedSARIF + "\n")

        let log = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        XCTAssertEqual(log["$schema"] as? String, "https://json.schemastore.org/sarif-2.1.0.json")
        XCTAssertEqual(log["version"] as? String, "2.1.0")
        let runs = try XCTUnwrap(log["runs"] as? [[String: Any]])
        XCTAssertEqual(runs.count, 1)
        let driver = try XCTUnwrap((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any])
        XCTAssertEqual(driver["name"] as? String, "archbook")
        XCTAssertEqual(driver["version"] as? String, "0.1.0")
        XCTAssertEqual(driver["informationUri"] as? String, "https://github.com/archbook/archbook")
        let rules = try XCTUnwrap(driver["rules"] as? [[String: Any]])
        XCTAssertEqual(rules.compactMap { $0["id"] as? String }, Rules.all.map(\.id))
        for rule in rules {
            for key in ["id", "name", "shortDescription", "fullDescription", "help", "defaultConfiguration"] {
                XCTAssertNotNil(rule[key], "\(key) in \(rule)")
            }
        }
        let results = try XCTUnwrap(runs[0]["results"] as? [[String: Any]])
        XCTAssertEqual(results.count, 3)
        for result in results {
            let ruleID = try XCTUnwrap(result["ruleId"] as? String)
            let index = try XCTUnwrap(result["ruleIndex"] as? Int)
            XCTAssertEqual(rules[index]["id"] as? String, ruleID)
            XCTAssertNotNil((result["message"] as? [String: Any])?["text"] as? String)
            let location = try XCTUnwrap((result["locations"] as? [[String: Any]])?.first?["physicalLocation"]
                as? [String: Any])
            let artifact = try XCTUnwrap(location["artifactLocation"] as? [String: Any])
            XCTAssertEqual(artifact["uriBaseId"] as? String, "%SRCROOT%")
            XCTAssertNotNil(URL(string: try XCTUnwrap(artifact["uri"] as? String)))
            let region = try XCTUnwrap(location["region"] as? [String: Any])
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(region["startLine"] as? Int), 1)
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(region["startColumn"] as? Int), 1)
        }
    }

    func testSARIFEmptyHasEveryRuleAndNoResults() throws {
        let out = Report.render(input([], documents: 12), format: .sarif)
        let full = expectedSARIF + "\n"
        let results = try XCTUnwrap(full.range(of: "\"results\": ["))
        let head = String(full[..<results.lowerBound])
        XCTAssertEqual(out, head + "\"results\": []\n    }\n  ]\n}\n")
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(out.utf8)))
    }

    func testSARIFUnknownRuleHasNoIndexAndURIsAreEncoded() {
        let d = Diagnostic(rule: "no-such-rule", severity: .warning, file: "a:b/ü #1?.md",
                           position: SourcePosition(line: 0, column: 0), message: "m")
        let out = Report.render(input([d], documents: 1, prefix: ""), format: .sarif)
        XCTAssertFalse(out.contains("\"ruleIndex\""))
        XCTAssertTrue(out.contains(#""uri": "a%3Ab/%C3%BC%20%231%3F.md","#), out)
        XCTAssertTrue(out.contains("\"startLine\": 1,\n                  \"startColumn\": 1\n"), out)
    }

    func testSARIFRuleNames() {
        XCTAssertEqual(SARIFReport.pascalCase("relation-not-reciprocated"), "RelationNotReciprocated")
        XCTAssertEqual(SARIFReport.pascalCase("invalid-utf8"), "InvalidUtf8")
    }
}

// Expected outputs, kept at column 0 so they read exactly as archbook prints them (each without its final
// newline, which the tests add).

private let expectedJSON = #"""
{
  "version": 1,
  "tool": {
    "name": "archbook",
    "version": "0.1.0"
  },
  "summary": {
    "errors": 1,
    "warnings": 1,
    "notes": 1,
    "documents": 3
  },
  "diagnostics": [
    {
      "rule": "broken-link",
      "severity": "error",
      "file": "content/adr/0001-use-kafka.md",
      "line": 7,
      "column": 20,
      "message": "Link target `../missing.md` does not exist.",
      "hint": "Did you mean `../present.md`?"
    },
    {
      "rule": "empty-section",
      "severity": "warning",
      "file": "content/adr/0001-use-kafka.md",
      "line": 12,
      "column": 1,
      "message": "Section \"Consequences\" is empty."
    },
    {
      "rule": "unknown-status",
      "severity": "note",
      "file": "content/requirements/search spec, v2.md",
      "line": 3,
      "column": 9,
      "message": "Status \"wip: 100%\" is not a known status, using draft.\nDeclare it in archbook.yml.",
      "hint": "Statuses: draft, review."
    }
  ],
  "rules": [
    {
      "id": "broken-link",
      "severity": "error",
      "summary": "A relative link points to a file that does not exist.",
      "help": "Fix the link's path (it is resolved relative to the linking document)."
    },
    {
      "id": "empty-section",
      "severity": "warning",
      "summary": "A required section has a heading but no content.",
      "help": "Write the section's content, or remove the heading if the kind does not require it."
    },
    {
      "id": "unknown-status",
      "severity": "warning",
      "summary": "The status is not one the document's kind allows.",
      "help": "Use one of the kind's statuses, or declare the value (or an alias for it) in archbook.yml."
    }
  ]
}
"""#

private let expectedSARIF = #"""
{
  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
  "version": "2.1.0",
  "runs": [
    {
      "tool": {
        "driver": {
          "name": "archbook",
          "version": "0.1.0",
          "informationUri": "https://github.com/archbook/archbook",
          "rules": [
            {
              "id": "missing-section",
              "name": "MissingSection",
              "shortDescription": {
                "text": "A section the document's kind requires is missing."
              },
              "fullDescription": {
                "text": "Add a heading with the section's name (any level; numbering, case and a trailing colon are ignored)."
              },
              "help": {
                "text": "Add a heading with the section's name (any level; numbering, case and a trailing colon are ignored)."
              },
              "defaultConfiguration": {
                "level": "error"
              }
            },
            {
              "id": "empty-section",
              "name": "EmptySection",
              "shortDescription": {
                "text": "A required section has a heading but no content."
              },
              "fullDescription": {
                "text": "Write the section's content, or remove the heading if the kind does not require it."
              },
              "help": {
                "text": "Write the section's content, or remove the heading if the kind does not require it."
              },
              "defaultConfiguration": {
                "level": "warning"
              }
            },
            {
              "id": "missing-status",
              "name": "MissingStatus",
              "shortDescription": {
                "text": "The document has no status."
              },
              "fullDescription": {
                "text": "Add `status:` to the front matter, a `## Status` section, or a `* Status:` bullet under the title."
              },
              "help": {
                "text": "Add `status:` to the front matter, a `## Status` section, or a `* Status:` bullet under the title."
              },
              "defaultConfiguration": {
                "level": "error"
              }
            },
            {
              "id": "unknown-status",
              "name": "UnknownStatus",
              "shortDescription": {
                "text": "The status is not one the document's kind allows."
              },
              "fullDescription": {
                "text": "Use one of the kind's statuses, or declare the value (or an alias for it) in archbook.yml."
              },
              "help": {
                "text": "Use one of the kind's statuses, or declare the value (or an alias for it) in archbook.yml."
              },
              "defaultConfiguration": {
                "level": "warning"
              }
            },
            {
              "id": "missing-title",
              "name": "MissingTitle",
              "shortDescription": {
                "text": "The document has no title."
              },
              "fullDescription": {
                "text": "Start the document with a `# Title` heading or set `title:` in the front matter."
              },
              "help": {
                "text": "Start the document with a `# Title` heading or set `title:` in the front matter."
              },
              "defaultConfiguration": {
                "level": "warning"
              }
            },
            {
              "id": "missing-metadata",
              "name": "MissingMetadata",
              "shortDescription": {
                "text": "A metadata field the kind requires is missing."
              },
              "fullDescription": {
                "text": "Add the field to the front matter or as a `* Field: value` bullet under the title."
              },
              "help": {
                "text": "Add the field to the front matter or as a `* Field: value` bullet under the title."
              },
              "defaultConfiguration": {
                "level": "error"
              }
            },
            {
              "id": "duplicate-id",
              "name": "DuplicateId",
              "shortDescription": {
                "text": "Two documents claim the same ID."
              },
              "fullDescription": {
                "text": "Renumber one of them to the next free number (this usually happens when two pull requests add a document at once)."
              },
              "help": {
                "text": "Renumber one of them to the next free number (this usually happens when two pull requests add a document at once)."
              },
              "defaultConfiguration": {
                "level": "error"
              }
            },
            {
              "id": "id-mismatch",
              "name": "IdMismatch",
              "shortDescription": {
                "text": "The ID in the title disagrees with the ID from the file name or front matter."
              },
              "fullDescription": {
                "text": "Make the title's number match the file name, or rename the file."
              },
              "help": {
                "text": "Make the title's number match the file name, or rename the file."
              },
              "defaultConfiguration": {
                "level": "warning"
              }
            },
            {
              "id": "broken-link",
              "name": "BrokenLink",
              "shortDescription": {
                "text": "A relative link points to a file that does not exist."
              },
              "fullDescription": {
                "text": "Fix the link's path (it is resolved relative to the linking document)."
              },
              "help": {
                "text": "Fix the link's path (it is resolved relative to the linking document)."
              },
              "defaultConfiguration": {
                "level": "error"
              }
            },
            {
              "id": "broken-anchor",
              "name": "BrokenAnchor",
              "shortDescription": {
                "text": "A link points to a heading anchor that does not exist."
              },
              "fullDescription": {
                "text": "Use the anchor GitHub derives from the heading: lower case, spaces as hyphens, punctuation removed."
              },
              "help": {
                "text": "Use the anchor GitHub derives from the heading: lower case, spaces as hyphens, punctuation removed."
              },
              "defaultConfiguration": {
                "level": "error"
              }
            },
            {
              "id": "relation-target-missing",
              "name": "RelationTargetMissing",
              "shortDescription": {
                "text": "A relation names a document that does not exist."
              },
              "fullDescription": {
                "text": "Point the relation at an existing document's ID or file."
              },
              "help": {
                "text": "Point the relation at an existing document's ID or file."
              },
              "defaultConfiguration": {
                "level": "error"
              }
            },
            {
              "id": "relation-not-reciprocated",
              "name": "RelationNotReciprocated",
              "shortDescription": {
                "text": "A supersedes or amends relation is not recorded on the other document."
              },
              "fullDescription": {
                "text": "Record the inverse relation on the other document, so both ends of the chain agree."
              },
              "help": {
                "text": "Record the inverse relation on the other document, so both ends of the chain agree."
              },
              "defaultConfiguration": {
                "level": "error"
              }
            },
            {
              "id": "relation-cycle",
              "name": "RelationCycle",
              "shortDescription": {
                "text": "Supersedes or amends relations form a cycle."
              },
              "fullDescription": {
                "text": "A decision cannot (indirectly) supersede or amend itself; remove one relation of the cycle."
              },
              "help": {
                "text": "A decision cannot (indirectly) supersede or amend itself; remove one relation of the cycle."
              },
              "defaultConfiguration": {
                "level": "error"
              }
            },
            {
              "id": "superseded-without-successor",
              "name": "SupersededWithoutSuccessor",
              "shortDescription": {
                "text": "The document is superseded but does not say by what."
              },
              "fullDescription": {
                "text": "Add `superseded-by:` with the successor's ID, or a `Superseded by [...](...)` line in the Status section."
              },
              "help": {
                "text": "Add `superseded-by:` with the successor's ID, or a `Superseded by [...](...)` line in the Status section."
              },
              "defaultConfiguration": {
                "level": "warning"
              }
            },
            {
              "id": "invalid-front-matter",
              "name": "InvalidFrontMatter",
              "shortDescription": {
                "text": "The YAML front matter cannot be read."
              },
              "fullDescription": {
                "text": "Fix the YAML syntax; the front matter must be a mapping between two `---` lines."
              },
              "help": {
                "text": "Fix the YAML syntax; the front matter must be a mapping between two `---` lines."
              },
              "defaultConfiguration": {
                "level": "error"
              }
            },
            {
              "id": "invalid-date",
              "name": "InvalidDate",
              "shortDescription": {
                "text": "A date is not a valid calendar date."
              },
              "fullDescription": {
                "text": "Write dates as YYYY-MM-DD."
              },
              "help": {
                "text": "Write dates as YYYY-MM-DD."
              },
              "defaultConfiguration": {
                "level": "error"
              }
            },
            {
              "id": "unfilled-placeholder",
              "name": "UnfilledPlaceholder",
              "shortDescription": {
                "text": "Template placeholder text was left in the document."
              },
              "fullDescription": {
                "text": "Replace the placeholder with the real value."
              },
              "help": {
                "text": "Replace the placeholder with the real value."
              },
              "defaultConfiguration": {
                "level": "warning"
              }
            },
            {
              "id": "decision-matrix",
              "name": "DecisionMatrix",
              "shortDescription": {
                "text": "A weighted decision matrix does not add up."
              },
              "fullDescription": {
                "text": "Weights must sum to 100% and each weighted score must equal the sum of weight times score."
              },
              "help": {
                "text": "Weights must sum to 100% and each weighted score must equal the sum of weight times score."
              },
              "defaultConfiguration": {
                "level": "error"
              }
            },
            {
              "id": "invalid-utf8",
              "name": "InvalidUtf8",
              "shortDescription": {
                "text": "The file is not valid UTF-8."
              },
              "fullDescription": {
                "text": "Re-save the file as UTF-8; invalid bytes were read as U+FFFD."
              },
              "help": {
                "text": "Re-save the file as UTF-8; invalid bytes were read as U+FFFD."
              },
              "defaultConfiguration": {
                "level": "warning"
              }
            },
            {
              "id": "unreadable-file",
              "name": "UnreadableFile",
              "shortDescription": {
                "text": "The file could not be read."
              },
              "fullDescription": {
                "text": "Check the file's permissions."
              },
              "help": {
                "text": "Check the file's permissions."
              },
              "defaultConfiguration": {
                "level": "error"
              }
            },
            {
              "id": "nul-byte",
              "name": "NulByte",
              "shortDescription": {
                "text": "The file contains NUL bytes: it is binary, or text in another encoding such as UTF-16."
              },
              "fullDescription": {
                "text": "Re-save the file as UTF-8 text; NUL bytes are shown as U+FFFD."
              },
              "help": {
                "text": "Re-save the file as UTF-8 text; NUL bytes are shown as U+FFFD."
              },
              "defaultConfiguration": {
                "level": "warning"
              }
            },
            {
              "id": "resource-limit",
              "name": "ResourceLimit",
              "shortDescription": {
                "text": "A file is larger, or expands to more, than a limit allows; that part was not read."
              },
              "fullDescription": {
                "text": "Shrink or split the file, or raise the limit the message names under `limits:` in archbook.yml."
              },
              "help": {
                "text": "Shrink or split the file, or raise the limit the message names under `limits:` in archbook.yml."
              },
              "defaultConfiguration": {
                "level": "error"
              }
            },
            {
              "id": "symlink-outside",
              "name": "SymlinkOutside",
              "shortDescription": {
                "text": "A symbolic link points outside the docs tree; it is not followed."
              },
              "fullDescription": {
                "text": "Copy the file into the docs tree, or link to it by URL; archbook never reads or publishes files outside the tree."
              },
              "help": {
                "text": "Copy the file into the docs tree, or link to it by URL; archbook never reads or publishes files outside the tree."
              },
              "defaultConfiguration": {
                "level": "warning"
              }
            },
            {
              "id": "unsafe-path",
              "name": "UnsafePath",
              "shortDescription": {
                "text": "A file's path cannot be used safely (absolute, `..`, empty segments or control characters); it is skipped."
              },
              "fullDescription": {
                "text": "Rename the file: control characters such as newlines in names end up in logs and links."
              },
              "help": {
                "text": "Rename the file: control characters such as newlines in names end up in logs and links."
              },
              "defaultConfiguration": {
                "level": "error"
              }
            },
            {
              "id": "case-collision",
              "name": "CaseCollision",
              "shortDescription": {
                "text": "Two files' paths differ only in letter case."
              },
              "fullDescription": {
                "text": "Rename one of them: on case-insensitive file systems (macOS, Windows) and some web hosts one replaces the other."
              },
              "help": {
                "text": "Rename one of them: on case-insensitive file systems (macOS, Windows) and some web hosts one replaces the other."
              },
              "defaultConfiguration": {
                "level": "warning"
              }
            },
            {
              "id": "active-file",
              "name": "ActiveFile",
              "shortDescription": {
                "text": "A linked file could run scripts in the site's origin when opened (HTML, XML, or an SVG with scripts); it is not published."
              },
              "fullDescription": {
                "text": "Remove the active content (scripts, event handlers, javascript: or data: URLs), link to the file where it is hosted, or set `site: publish-active-files: true` in archbook.yml to publish such files as they are."
              },
              "help": {
                "text": "Remove the active content (scripts, event handlers, javascript: or data: URLs), link to the file where it is hosted, or set `site: publish-active-files: true` in archbook.yml to publish such files as they are."
              },
              "defaultConfiguration": {
                "level": "warning"
              }
            }
          ]
        }
      },
      "columnKind": "unicodeCodePoints",
      "results": [
        {
          "ruleId": "broken-link",
          "ruleIndex": 8,
          "level": "error",
          "message": {
            "text": "Link target `../missing.md` does not exist.\n\nhint: Did you mean `../present.md`?"
          },
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": {
                  "uri": "content/adr/0001-use-kafka.md",
                  "uriBaseId": "%SRCROOT%"
                },
                "region": {
                  "startLine": 7,
                  "startColumn": 18
                }
              }
            }
          ]
        },
        {
          "ruleId": "empty-section",
          "ruleIndex": 1,
          "level": "warning",
          "message": {
            "text": "Section \"Consequences\" is empty."
          },
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": {
                  "uri": "content/adr/0001-use-kafka.md",
                  "uriBaseId": "%SRCROOT%"
                },
                "region": {
                  "startLine": 12,
                  "startColumn": 1
                }
              }
            }
          ]
        },
        {
          "ruleId": "unknown-status",
          "ruleIndex": 3,
          "level": "note",
          "message": {
            "text": "Status \"wip: 100%\" is not a known status, using draft.\nDeclare it in archbook.yml.\n\nhint: Statuses: draft, review."
          },
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": {
                  "uri": "content/requirements/search%20spec,%20v2.md",
                  "uriBaseId": "%SRCROOT%"
                },
                "region": {
                  "startLine": 3,
                  "startColumn": 9
                }
              }
            }
          ]
        }
      ]
    }
  ]
}
"""#
