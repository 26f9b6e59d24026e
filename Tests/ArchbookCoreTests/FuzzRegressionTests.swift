// Inputs that once crashed or hung a fuzz harness (Fuzz/), run through the same code in every `make test`.

import ArchbookFuzzTargets
import Foundation
import XCTest
@testable import ArchbookCore

final class FuzzRegressionTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("FuzzRegressions")

    /// The files of FuzzRegressions/<harness>/, sorted; `make fuzz` says to copy each crash input there.
    static func inputs(_ harness: String) throws -> [URL] {
        let dir = root.appendingPathComponent(harness)
        return try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// A crash fails the whole run; a hang shows as a slow input.
    func run(_ harness: String, _ body: ([UInt8]) -> Int) throws {
        let inputs = try Self.inputs(harness)
        XCTAssertFalse(inputs.isEmpty, "no regression inputs in FuzzRegressions/\(harness)")
        for url in inputs {
            let start = Date()
            _ = body(Array(try Data(contentsOf: url)))
            XCTAssertLessThan(Date().timeIntervalSince(start), 5, "\(harness)/\(url.lastPathComponent) is slow again")
        }
    }

    func testDocumentHarnessInputs() throws {
        try run("document") { FuzzTargets.document($0) }
    }

    func testSiteHarnessInputs() throws {
        let theme = try BadInputTests.theme()
        try run("site") { FuzzTargets.site($0, theme: theme) }
    }

    func testConfigHarnessInputs() throws {
        try run("config") { FuzzTargets.config($0) }
    }

    /// The hang the inputs above replay (Yams hashed an aliased key in full): refused where the expansion passes the limit.
    func testAliasAsMappingKeyIsRefusedNotHashed() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("document/hang-alias-as-mapping-key.md"), encoding: .utf8)
        let (_, diagnostics) = Extractor.extract(path: "decisions/0001-laughs.md", bytes: Array(text.utf8), context: ExtractionContext(config: .default))
        XCTAssertEqual(diagnostics.first.map { "\($0.position.line):\($0.position.column) \($0.rule)" }, "7:8 resource-limit")
    }
}
