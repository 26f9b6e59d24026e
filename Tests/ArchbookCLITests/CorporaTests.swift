// Real public document collections (../shared/corpora): no crash, no hang, and exact facts for named documents.

import ArchbookCLI
import ArchbookCore
import Foundation
import XCTest

final class CorporaTests: XCTestCase {
    static let corpora = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/corpora")

    func corpus(_ name: String) throws -> CheckResult {
        let dir = Self.corpora.appendingPathComponent(name).path
        try XCTSkipUnless(FileManager.default.fileExists(atPath: dir), "corpus \(name) not present at \(dir)")
        return try Checker.check(DiskFileTree(root: dir), config: .default)
    }

    func doc(_ result: CheckResult, _ suffix: String, file: StaticString = #filePath, line: UInt = #line) -> Document? {
        let d = result.documents.first { $0.path.hasSuffix(suffix) }
        XCTAssertNotNil(d, "no document ending in \(suffix)", file: file, line: line)
        return d
    }

    /// Every folder of ../shared/corpora, sorted; skips the test when there are none.
    static func corpusNames() throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: corpora.path).filter {
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: corpora.appendingPathComponent($0).path, isDirectory: &isDir) && isDir.boolValue
        }.sorted()
        try XCTSkipIf(names.isEmpty, "no corpora")
        return names
    }

    func relations(_ d: Document?) -> [String] {
        (d?.relations ?? []).map { "\($0.type.rawValue) \($0.target)" }
    }

    /// Every corpus is checked by the real binary within a time limit, ending with exit 0 or 1, never a crash.
    func testEveryCorpusIsCheckedWithoutCrashOrHang() throws {
        let names = try Self.corpusNames()
        let binary = Bundle.main.bundleURL.appendingPathComponent("archbook")
        for name in names {
            for format in ["text", "json", "sarif"] {
                let p = Process()
                p.executableURL = binary
                p.arguments = ["check", Self.corpora.appendingPathComponent(name).path, "--format", format]
                p.standardOutput = FileHandle.nullDevice
                p.standardError = FileHandle.nullDevice
                try p.run()
                let deadline = Date().addingTimeInterval(60)
                while p.isRunning && Date() < deadline { usleep(20_000) }
                if p.isRunning {
                    p.terminate()
                    XCTFail("archbook check \(name) --format \(format) did not finish within 60 s")
                    continue
                }
                XCTAssertEqual(p.terminationReason, .exit, "\(name) \(format): killed by a signal")
                XCTAssertTrue([0, 1].contains(p.terminationStatus), "\(name) \(format): exit \(p.terminationStatus)")
            }
        }
    }

    /// Every corpus builds with the real binary into a temporary folder: exit 0 or 1, every page written, every link resolving.
    func testEveryCorpusBuildsWithoutCrash() throws {
        let names = try Self.corpusNames()
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("archbook-corpora-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: out) }
        for name in names {
            let site = out.appendingPathComponent(name)
            let r = try ArchbookBinary.run(["build", Self.corpora.appendingPathComponent(name).path, "-o", site.path, "--format", "json"], in: out)
            XCTAssertTrue([0, 1].contains(r.status), "\(name): exit \(r.status)\n\(r.err)")
            XCTAssertTrue(FileManager.default.fileExists(atPath: site.appendingPathComponent("index.html").path), name)
            var files: [String: [UInt8]] = [:]
            for path in try SiteTests.files(under: site) where path.hasSuffix(".html") || !path.contains(".") || path.hasPrefix("assets/") {
                files[path] = Array(try Data(contentsOf: site.appendingPathComponent(path)))
            }
            for path in try SiteTests.files(under: site) where files[path] == nil { files[path] = [] }
            XCTAssertEqual(SiteTests.linkProblems(files), [], "\(name): links in the built site that do not resolve")
        }
    }

    func testAdrTools() throws {
        let r = try corpus("adr-tools")
        XCTAssertEqual(r.documents.count, 9)
        XCTAssertEqual(r.diagnostics, [])
        let d1 = doc(r, "0001-record-architecture-decisions.md")
        XCTAssertEqual(d1?.id, "ADR-0001")
        XCTAssertEqual(d1?.title, "Record architecture decisions")
        XCTAssertEqual(d1?.status?.value, "accepted")
        XCTAssertEqual(d1?.date?.iso, "2016-02-12")
        let d5 = doc(r, "0005-help-comments.md")
        XCTAssertEqual(d5?.status?.value, "accepted")
        XCTAssertEqual(relations(d5), ["amended-by 0009-help-scripts.md"])
        let d9 = doc(r, "0009-help-scripts.md")
        XCTAssertEqual(d9?.status?.value, "accepted")
        XCTAssertEqual(relations(d9), ["amends 0005-help-comments.md"])
        XCTAssertEqual(r.documents.filter { $0.kind == "decision" }.count, 9)
        XCTAssertEqual(r.documents.filter { $0.status?.value == "accepted" }.count, 9)
    }

    func testAdrGovukAws() throws {
        let r = try corpus("adr-govuk-aws")
        XCTAssertEqual(r.documents.count, 38)
        let d4 = doc(r, "0004-dns-definitions-for-hosts-and-services.md")
        XCTAssertEqual(d4?.status?.value, "superseded")
        XCTAssertEqual(relations(d4), ["superseded-by 0015-dns-infrastructure.md"])
        let d15 = doc(r, "0015-dns-infrastructure.md")
        XCTAssertEqual(d15?.status?.value, "accepted")
        XCTAssertEqual(relations(d15), [])
        let d3 = doc(r, "0003-aws-networking-outline.md")
        XCTAssertEqual(d3?.status?.raw, "Partly superseded")
        let d20 = doc(r, "0020-merge-api-postgresql-instance-into-main-postgresql-instance.md")
        XCTAssertEqual(d20?.title, "Merge API PostgreSQL instance into main PostgreSQL instance")
        XCTAssertEqual(d20?.date?.iso, "2017-08-07")
        XCTAssertEqual(d20?.status?.value, "accepted")
        // "Pending" is an alias of proposed.
        XCTAssertGreaterThanOrEqual(r.documents.filter { $0.status?.raw == "Pending" && $0.status?.value == "proposed" }.count, 1)
        // Title numbers that disagree with file names are reported, not silently accepted.
        let mismatches = r.diagnostics.filter { $0.rule == "id-mismatch" }.map(\.file)
        XCTAssertTrue(mismatches.contains { $0.hasSuffix("0033-ip-ranges.md") })
        // The one-sided supersede chain of this corpus is a true problem: 0015 does not record that it supersedes 0004.
        XCTAssertEqual(r.diagnostics.filter { $0.rule == "relation-not-reciprocated" }.map(\.message), [
            "ADR-0004 is superseded by ADR-0015, but docs/architecture/decisions/0015-dns-infrastructure.md does not record that ADR-0015 supersedes ADR-0004",
        ])
    }

    func testAdrMadr() throws {
        let r = try corpus("adr-madr")
        XCTAssertEqual(r.documents.count, 31)
        let d3 = doc(r, "docs/decisions/0003-provide-own-madr-tools.md")
        XCTAssertEqual(d3?.status?.raw, "on hold")
        XCTAssertEqual(d3?.status?.source, .frontMatter)
        let d15 = doc(r, "docs/decisions/0015-include-consulting-informed-of-raci.md")
        XCTAssertEqual(d15?.title, "Include \"Consulted\" and \"Informed\" of RACI")
        XCTAssertEqual(d15?.id, "ADR-0015")
        XCTAssertNil(d15?.status)
        XCTAssertEqual(relations(d15), [])
        // MADR's own decisions use the MADR section set: none of them misses Considered Options.
        XCTAssertEqual(r.diagnostics.filter { $0.rule == "missing-section" && $0.file.contains("docs/decisions/00") }.map(\.file), [])
        // Templates are templates: their placeholders are not reported.
        XCTAssertEqual(r.diagnostics.filter { $0.rule == "unfilled-placeholder" }.map(\.file), [])
    }

    func testCompliantKubernetesSupersededByLinksInBullets() throws {
        let r = try corpus("adr-compliantk8s")
        let superseded = r.documents.filter { $0.status?.value == "superseded" }
        XCTAssertGreaterThanOrEqual(superseded.count, 4)
        for d in superseded {
            XCTAssertTrue(d.relations.contains { $0.type == .supersededBy }, "\(d.path) has no superseded-by relation")
        }
    }
}
