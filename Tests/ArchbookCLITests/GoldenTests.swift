// Golden tests: the real binary run over small docs trees, its output compared byte for byte with recorded files.
// See Golden/README.md for the layout and for recording (ARCHBOOK_RECORD_GOLDEN=1).

import ArchbookCore
import Foundation
import XCTest

final class GoldenTests: XCTestCase {
    /// The fixtures in the source tree (not a resource copy), so record mode writes back where git sees it.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static var recording: Bool { ProcessInfo.processInfo.environment["ARCHBOOK_RECORD_GOLDEN"] == "1" }

    static let formats: [(format: String, file: String)] = [
        ("text", "expected.txt"), ("json", "expected.json"), ("github", "expected.github"), ("sarif", "expected.sarif"),
    ]
    static let exitFile = "expected-exit"

    /// Rules without a fixture of their own, and why.
    static let rulesWithoutFixture: [String: String] = [
        "unreadable-file": "needs an unreadable file; chmod 000 does not stop root, so HostileTreeTests covers it at run time (as nobody)",
        "unsafe-path": "needs a control character in a file name, which a checkout should not carry; HostileTreeTests makes one at run time",
        "case-collision": "two names differing only in case cannot be checked out on macOS or Windows; HostileTreeTests makes them at run time",
    ]

    /// Every folder of Golden/ that holds a `docs` tree, sorted.
    static func fixtures() throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path)
        return names.filter { name in
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: root.appendingPathComponent(name).appendingPathComponent("docs").path,
                                                  isDirectory: &isDir) && isDir.boolValue
        }.sorted()
    }

    // MARK: - The golden comparison

    func testGoldenOutputs() throws {
        let fixtures = try Self.fixtures()
        XCTAssertFalse(fixtures.isEmpty, "no fixtures found under \(Self.root.path)")
        var recorded: [String] = []
        for fixture in fixtures {
            let dir = Self.root.appendingPathComponent(fixture)
            var exitCodes: [Int32] = []
            for (format, fileName) in Self.formats {
                let result = try ArchbookBinary.run(["check", "docs", "--format", format], in: dir)
                XCTAssertEqual(result.err, "", "\(fixture) --format \(format): standard error must be empty")
                exitCodes.append(result.status)
                let expectedURL = dir.appendingPathComponent(fileName)
                if Self.recording {
                    if try write(result.stdout, to: expectedURL) { recorded.append("\(fixture)/\(fileName)") }
                    continue
                }
                guard let expected = try? Data(contentsOf: expectedURL) else {
                    XCTFail("\(fixture)/\(fileName) is missing; record it with ARCHBOOK_RECORD_GOLDEN=1 (see Golden/README.md)")
                    continue
                }
                if expected != result.stdout {
                    XCTFail("\(fixture)/\(fileName) differs from `archbook check docs --format \(format)`:\n"
                        + Self.describeDifference(expected: expected, actual: result.stdout))
                }
            }
            XCTAssertEqual(Set(exitCodes).count, 1, "\(fixture): the exit code must not depend on the format, got \(exitCodes)")
            let status = exitCodes.first ?? -1
            let exitURL = dir.appendingPathComponent(Self.exitFile)
            if Self.recording {
                if try write(Data("\(status)\n".utf8), to: exitURL) { recorded.append("\(fixture)/\(Self.exitFile)") }
            } else if let text = try? String(contentsOf: exitURL, encoding: .utf8) {
                XCTAssertEqual(Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), status,
                               "\(fixture): exit code differs from \(Self.exitFile)")
            } else {
                XCTFail("\(fixture)/\(Self.exitFile) is missing; record it with ARCHBOOK_RECORD_GOLDEN=1")
            }
        }
        if Self.recording {
            // A recording run never passes, so it cannot stand in for a real one by accident.
            XCTFail("ARCHBOOK_RECORD_GOLDEN=1: wrote \(recorded.count) changed golden file(s)"
                + (recorded.isEmpty ? "" : ":\n  " + recorded.joined(separator: "\n  "))
                + "\nReview them (git diff Tests/ArchbookCLITests/Golden), then run the tests again without the variable.")
        }
    }

    /// Writes `data` unless the file already holds exactly it. Returns whether it wrote.
    private func write(_ data: Data, to url: URL) throws -> Bool {
        if let old = try? Data(contentsOf: url), old == data { return false }
        try data.write(to: url)
        return true
    }

    /// The first differing line with a little context, then the whole actual output.
    static func describeDifference(expected: Data, actual: Data) -> String {
        let e = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let a = String(decoding: actual, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        var i = 0
        while i < e.count, i < a.count, e[i] == a[i] { i += 1 }
        var out = "first difference at line \(i + 1):\n"
        out += "  expected: " + (i < e.count ? "\(String(reflecting: String(e[i])))" : "<end of output>") + "\n"
        out += "  actual:   " + (i < a.count ? "\(String(reflecting: String(a[i])))" : "<end of output>") + "\n"
        out += "--- actual output ---\n" + String(decoding: actual, as: UTF8.self)
        return out
    }

    // MARK: - The fixture set itself

    /// The `diagnostics` array of a fixture's recorded JSON report.
    static func recordedDiagnostics(_ fixture: String) throws -> [[String: Any]] {
        let url = root.appendingPathComponent(fixture).appendingPathComponent("expected.json")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        return try XCTUnwrap(object?["diagnostics"] as? [[String: Any]], "\(fixture)/expected.json has no diagnostics array")
    }

    /// Each rule has a fixture named after it that triggers that rule and no other.
    func testEveryRuleHasAFixtureOfItsOwn() throws {
        try XCTSkipIf(Self.recording, "recording")
        let fixtures = Set(try Self.fixtures())
        for rule in Rules.all where Self.rulesWithoutFixture[rule.id] == nil {
            guard fixtures.contains(rule.id) else {
                XCTFail("no golden fixture Golden/\(rule.id)/ for rule \(rule.id)")
                continue
            }
            let rules = try Self.recordedDiagnostics(rule.id).compactMap { $0["rule"] as? String }
            XCTAssertFalse(rules.isEmpty, "fixture \(rule.id) triggers no diagnostic")
            XCTAssertEqual(Set(rules), [rule.id], "fixture \(rule.id) should trigger only \(rule.id)")
        }
    }

    /// The README's Rules table and the rule list of docs/report-formats.md name every rule, in catalogue order.
    func testDocumentationListsEveryRule() throws {
        let root = ArchbookBinary.packageRoot
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let table = readme.components(separatedBy: "\n## Rules\n").last?.components(separatedBy: "\n## ").first ?? ""
        let rows = table.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| rule ") }
        XCTAssertEqual(rows.map { String($0.dropFirst(2).prefix { $0 != " " }) }, Rules.known.map(\.id))
        let formats = try String(contentsOf: root.appendingPathComponent("docs/report-formats.md"), encoding: .utf8)
        let list = formats.components(separatedBy: "\n## Rule IDs\n").last?.components(separatedBy: "\n\n")
            .first { $0.hasPrefix("`") } ?? ""
        XCTAssertEqual(list.components(separatedBy: "`").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }, Rules.all.map(\.id))
    }

    /// `<rule-id>-<variant>` fixtures trigger their rule; `clean-*` fixtures trigger nothing and exit 0.
    func testFixtureNamesMatchTheirDiagnostics() throws {
        try XCTSkipIf(Self.recording, "recording")
        let ids = Rules.all.map(\.id).sorted { $0.count > $1.count }
        for fixture in try Self.fixtures() {
            let diagnostics = try Self.recordedDiagnostics(fixture)
            let exit = try String(contentsOf: Self.root.appendingPathComponent(fixture).appendingPathComponent(Self.exitFile),
                                  encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            let errors = diagnostics.filter { $0["severity"] as? String == "error" }.count
            XCTAssertEqual(exit, errors > 0 ? "1" : "0", "\(fixture): exit code does not match its error count")
            if fixture.hasPrefix("clean-") {
                XCTAssertTrue(diagnostics.isEmpty, "\(fixture) should be clean but reports \(diagnostics.count) diagnostic(s)")
            } else if let rule = ids.first(where: { fixture == $0 || fixture.hasPrefix($0 + "-") }) {
                XCTAssertTrue(diagnostics.contains { $0["rule"] as? String == rule }, "\(fixture) does not trigger \(rule)")
            }
        }
    }
}
