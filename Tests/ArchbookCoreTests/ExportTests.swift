// The export schema: built from the sample handbook, written, read back with JSONDecoder and written again, byte for byte.

import XCTest
@testable import ArchbookCore

final class ExportTests: XCTestCase {
    /// The sample handbook (content/) read into memory.
    func sample() throws -> (InMemoryFileTree, Config) {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("content")
        var files: [String: [UInt8]] = [:]
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
            let path = String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
            files[path] = Array(try Data(contentsOf: url))
        }
        let config = try Config.parse(String(decoding: files["archbook.yml"] ?? [], as: UTF8.self), file: "archbook.yml")
        return (InMemoryFileTree(bytes: files), config)
    }

    func testRoundTripOfTheSampleHandbook() throws {
        let (tree, config) = try sample()
        let result = try Checker.check(tree, config: config, displayPrefix: "content/")
        let export = HandbookExport(HandbookQuery(result, listing: try tree.listing(), config: config), prefix: "content/", toolVersion: "9.9.9")
        let json = export.json()
        let decoded = try JSONDecoder().decode(HandbookExport.self, from: Data(json.utf8))
        XCTAssertEqual(decoded, export)
        XCTAssertEqual(decoded.json(), json)
        // What a consumer reads from it.
        XCTAssertEqual(decoded.version, HandbookExport.schemaVersion)
        XCTAssertEqual(decoded.root, "content")
        XCTAssertEqual(decoded.documents.count, result.documents.count)
        XCTAssertEqual(decoded.summary.errors, 0)
        let adr6 = try XCTUnwrap(decoded.documents.first { $0.id == "ADR-0006" })
        XCTAssertEqual(adr6.path, "content/decisions/0006-stream-tracking-events-through-kafka.md")
        XCTAssertEqual(adr6.status?.value, "accepted")
        XCTAssertEqual(adr6.status?.source, "front-matter")
        XCTAssertEqual(adr6.dates, ["date": "2024-01-15"])
        XCTAssertEqual(adr6.people.deciders.count, 4)
        XCTAssertTrue(decoded.relations.contains { $0.fromId == "ADR-0006" && $0.type == "supersedes" && $0.toId == "ADR-0003" })
        let checklist = try XCTUnwrap(decoded.documents.first { $0.id == "CHK-0001" })
        XCTAssertEqual(checklist.tasks.total, checklist.tasks.items.count)
        XCTAssertGreaterThan(checklist.tasks.done, 0)
        XCTAssertLessThan(checklist.tasks.done, checklist.tasks.total)
        XCTAssertEqual(checklist.sections.first { $0.title == "Checklist" }?.total, checklist.tasks.total)
    }

    func testOptionalMembersAreLeftOutAndDiagnosticsIncluded() throws {
        let tree = InMemoryFileTree(["notes.md": "# Notes\n\n[x](missing.md)\n"])
        let result = try Checker.check(tree, config: .default)
        let json = HandbookExport(HandbookQuery(result, listing: try tree.listing(), config: .default), prefix: "", toolVersion: "1").json()
        XCTAssertTrue(json.contains("\"root\": \".\""), json)
        XCTAssertTrue(json.contains("""
            {
              "path": "notes.md",
              "title": "Notes",
              "dates": {},
        """), json)
        XCTAssertTrue(json.contains("\"rule\": \"broken-link\""), json)
        let decoded = try JSONDecoder().decode(HandbookExport.self, from: Data(json.utf8))
        XCTAssertNil(decoded.documents[0].kind)
        XCTAssertNil(decoded.documents[0].status)
        XCTAssertEqual(decoded.json(), json)
    }
}
