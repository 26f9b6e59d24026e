// libcmark-gfm keeps the inline extensions' trigger characters in one process-wide table that every parser
// sets and clears around its inline pass; documents parsed on several threads must still all get their
// autolinks and strikethrough (github/cmark-gfm#176).

import XCTest
@testable import ArchbookCore

final class ConcurrentParsingTests: XCTestCase {
    func testAutolinksAndStrikethroughSurviveParallelParsing() {
        let text = (1...40).map { "Line \($0): see https://example.com/\($0) and ~~old \($0)~~ text.\n\n" }.joined()
        let bytes = Array(text.utf8)
        let counts = Checker.parallelMap(Array(0..<600)) { _ -> Int in
            let tree = MarkdownParser.parse(bytes[...])
            return tree.all.filter { node in
                if case .link = node.kind { return true }
                return node.tag == .strikethrough
            }.count
        }
        let wrong = counts.filter { $0 != 80 }
        XCTAssertTrue(wrong.isEmpty, "\(wrong.count) of \(counts.count) parses lost autolinks or strikethrough: \(wrong.prefix(10))")
    }
}
