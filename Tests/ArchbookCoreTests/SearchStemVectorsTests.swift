// PorterStemmer against the shared test vectors in tests/fixtures/porter-stems.tsv. The browser tests
// (tests/browser/test_search.py) check archbookSearch.stem in Chromium against the same file, so the terms the
// index is built from and the terms a query looks up come from one list of expectations.
import Foundation
import XCTest
@testable import ArchbookCore

final class SearchStemVectorsTests: XCTestCase {
    static let vectorsFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("tests/fixtures/porter-stems.tsv")

    /// `word<TAB>stem` lines; blank lines and lines starting with `#` are skipped.
    static func vectors(_ url: URL) throws -> [(word: String, stem: String, line: Int)] {
        let text = try String(contentsOf: url, encoding: .utf8)
        var out: [(String, String, Int)] = []
        for (k, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = trimmed.split(separator: "\t")
            XCTAssertEqual(fields.count, 2, "\(url.lastPathComponent):\(k + 1): expected word<TAB>stem, got \(trimmed)")
            if fields.count == 2 { out.append((String(fields[0]), String(fields[1]), k + 1)) }
        }
        return out
    }

    func check(_ url: URL, atLeast: Int) throws {
        let vectors = try Self.vectors(url)
        XCTAssertGreaterThanOrEqual(vectors.count, atLeast, "\(url.path) has too few vectors")
        var wrong: [String] = []
        for v in vectors {
            let got = PorterStemmer.stem(v.word)
            if got != v.stem { wrong.append("\(url.lastPathComponent):\(v.line): \(v.word) -> \(got), expected \(v.stem)") }
            // The index goes through SearchText.term, which stems words of three or more ASCII letters.
            if v.word.count > 2 { XCTAssertEqual(SearchText.term(v.word), got, "SearchText.term(\(v.word))") }
        }
        XCTAssert(wrong.isEmpty, "\(wrong.count) of \(vectors.count) stems differ:\n" + wrong.prefix(50).joined(separator: "\n"))
    }

    func testSharedPorterVectors() throws {
        try check(Self.vectorsFile, atLeast: 60)
    }

    /// ARCHBOOK_STEM_VECTORS=FILE adds a larger list in the same format (for example a whole vocabulary stemmed by a
    /// reference implementation); skipped when unset.
    func testExtraVectorsFromEnvironment() throws {
        guard let path = ProcessInfo.processInfo.environment["ARCHBOOK_STEM_VECTORS"], !path.isEmpty else {
            throw XCTSkip("ARCHBOOK_STEM_VECTORS is not set")
        }
        try check(URL(fileURLWithPath: path), atLeast: 1)
    }
}
