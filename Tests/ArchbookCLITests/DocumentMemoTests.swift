// The check's memo on disk (`.archbook-cache/<output>.documents`): what the last build extracted from each file,
// read back so that the next build parses only the files that changed.

import Foundation
import XCTest
@testable import ArchbookCLI
@testable import ArchbookCore

final class DocumentMemoTests: XCTestCase {
    /// Every stored property of every document (through reflection, so a field the file leaves out shows), and the
    /// diagnostics.
    /// `bodies: false` leaves out the bodies and what the check knew of their files (`Document.source`).
    static func dumped(_ r: CheckResult, bodies: Bool = true) -> [String] {
        r.documents.map { d -> String in
            // Dictionaries in key order: two equal ones may list their keys in different orders.
            var plain = d
            plain.dates = [:]
            plain.fields = [:]
            if !bodies { plain.body = []; plain.source = nil }
            var s = ""
            dump(plain, to: &s)
            dump(d.dates.sorted { $0.key < $1.key }, to: &s)
            dump(d.fields.sorted { $0.key < $1.key }, to: &s)
            return s
        } + r.diagnostics.map { "\($0)" }
    }

    /// The sample handbook and every corpus in ../shared/corpora (none when it is absent).
    static func handbooks() -> [String] {
        [IncrementalBuildTests.contentDir.path]
            + ((try? CorporaTests.corpusNames())?.map { CorporaTests.corpora.appendingPathComponent($0).path } ?? [])
    }

    /// The sample handbook and every corpus: the documents read back from the file are the ones a fresh check makes,
    /// field by field, and the check takes them from it (a marked entry shows through) instead of parsing again.
    /// (The files are compared by their bytes here: `FileStampTests` has the files that are not read again.)
    func testDocumentsReadBackFromTheFileAreTheCheckedOnes() throws {
        let dirs = Self.handbooks()
        for dir in dirs {
            let tree = FileStampTests.Unstamped(DiskFileTree(root: dir))
            let config = try Detector.detect(tree).config
            let first = try Checker.check(tree, config: config, memoKey: "config text")
            let memo = try XCTUnwrap(first.memo)
            let bytes = memo.encoded(tag: "archbook test")
            let read = try XCTUnwrap(ExtractionMemo.decode(bytes, tag: "archbook test"), dir)
            XCTAssertEqual(read.entries.count, memo.entries.count, dir)
            let again = try Checker.check(tree, config: config, memo: read, memoKey: "config text")
            let (x, y) = (Self.dumped(again), Self.dumped(first))
            XCTAssertEqual(x.count, y.count, dir)
            for (a, b) in zip(x, y) where a != b {
                let (la, lb) = (a.split(separator: "\n"), b.split(separator: "\n"))
                let k = (0..<min(la.count, lb.count)).first { la[$0] != lb[$0] } ?? min(la.count, lb.count)
                XCTFail("\(dir): \(la.first ?? "") differs at line \(k): \(k < la.count ? la[k] : "-") vs \(k < lb.count ? lb[k] : "-")")
                break
            }
            XCTAssertEqual(again.memo?.encoded(tag: "archbook test"), bytes, "\(dir): written back as it was read")

            guard dir == dirs[0], let path = first.documents.first?.path else { continue }
            var entries = read.entries
            entries[path]!.document!.title = "From the file"
            let marked = try Checker.check(tree, config: config, memo: ExtractionMemo(key: read.key, entries: entries), memoKey: "config text")
            XCTAssertEqual(marked.documents.first?.title, "From the file", dir)
        }
    }

    /// `check` lets each file's bytes go once it is extracted (`keepsBodies: false`): the sample handbook and every
    /// corpus give the same documents, bodies aside, and the same diagnostics; so does a check that takes documents
    /// from a memo.
    func testACheckWithoutBodiesFindsTheSame() throws {
        let dirs = Self.handbooks()
        for dir in dirs {
            let tree = DiskFileTree(root: dir)
            let config = try Detector.detect(tree).config
            let full = try Checker.check(tree, config: config, memoKey: "c")
            XCTAssertTrue(full.documents.contains { !$0.body.isEmpty }, dir)
            let lean = try Checker.check(tree, config: config, keepsBodies: false)
            XCTAssertTrue(lean.documents.allSatisfy { $0.body.isEmpty && $0.markdown.nodes.count <= 1 }, dir)
            XCTAssertEqual(Self.dumped(lean), Self.dumped(full, bodies: false), dir)
            let fromMemo = try Checker.check(tree, config: config, memo: full.memo, memoKey: "c", keepsBodies: false)
            XCTAssertTrue(fromMemo.documents.allSatisfy { $0.body.isEmpty }, dir)
            XCTAssertEqual(Self.dumped(fromMemo, bodies: false), Self.dumped(full, bodies: false), dir)
        }
    }

    /// The checksum the cache files are sealed with, over all the bytes at once: the definition the running one must
    /// meet, written out apart from it.
    static func wholeChecksum(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { raw in
            func mix(_ h: UInt64, _ w: UInt64) -> UInt64 {
                let m = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
                return m ^ (m >> 31)
            }
            func word(_ i: Int) -> UInt64 { raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) }
            // Four lanes over the 32-byte blocks, folded; then the words and bytes after the last block.
            let seed: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(raw.count)
            var lanes = [seed, seed ^ 0x9E37_79B9_7F4A_7C15, seed ^ 0xD6E8_FEB8_6659_FD93, seed ^ 0xA076_1D64_78BD_642F]
            var i = 0
            while i + 32 <= raw.count {
                for l in 0..<4 { lanes[l] = mix(lanes[l], word(i + 8 * l)) }
                i += 32
            }
            var h = mix(mix(mix(lanes[0], lanes[1]), lanes[2]), lanes[3])
            while i + 8 <= raw.count { h = mix(h, word(i)); i += 8 }
            while i < raw.count { h = (h ^ UInt64(raw[i])) &* 0x94D0_49BB_1331_11EB; i += 1 }
            return h ^ (h >> 29)
        }
    }

    /// The memo is written in pieces with a running checksum: the same seal as over the whole, wherever the pieces end.
    func testAChecksumOverPiecesIsTheOneOverTheWhole() {
        var generator = SystemRandomNumberGenerator()
        for count in 0..<100 {
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            for _ in 0..<20 {
                var cuts = (0..<Int.random(in: 0...5, using: &generator)).map { _ in Int.random(in: 0...count, using: &generator) }.sorted()
                cuts = [0] + cuts + [count]
                var sum = MemoWriter.Checksum(count: count)
                for k in 1..<cuts.count { bytes[cuts[k - 1]..<cuts[k]].withUnsafeBytes { sum.add($0) } }
                XCTAssertEqual(sum.value, Self.wholeChecksum(bytes), "\(count) bytes cut at \(cuts)")
                XCTAssertEqual(MemoWriter.checksum(bytes[...]), Self.wholeChecksum(bytes))
            }
        }
    }

    func testAFileOfAnotherArchbookOrDamagedIsIgnored() throws {
        let tree = DiskFileTree(root: IncrementalBuildTests.contentDir.path)
        let memo = try XCTUnwrap(try Checker.check(tree, config: Detector.detect(tree).config, memoKey: "c").memo)
        let bytes = memo.encoded(tag: "archbook 1")
        XCTAssertNotNil(ExtractionMemo.decode(bytes, tag: "archbook 1"))
        XCTAssertNil(ExtractionMemo.decode(bytes, tag: "archbook 2"), "another archbook")
        XCTAssertNil(ExtractionMemo.decode(Array(bytes.dropLast(9)), tag: "archbook 1"), "cut short")
        for at in [30, bytes.count / 2, bytes.count - 20] {
            var damaged = bytes
            damaged[at] ^= 0x04
            XCTAssertNil(ExtractionMemo.decode(damaged, tag: "archbook 1"), "a changed byte at \(at)")
        }
        XCTAssertNil(ExtractionMemo.decode(Array("archbook-documents 1\n".utf8) + [UInt8](repeating: 0xFF, count: 64), tag: "archbook 1"))
    }

    /// A file whose bytes differ from what the memo was made from (same size) is parsed again.
    func testAChangedFileOfTheSameSizeIsParsedAgain() throws {
        let a = "# 1. Use Kafka\n\n## Status\n\nAccepted\n\n## Context\n\nc\n"
        var tree = InMemoryFileTree(["decisions/0001-use-kafka.md": a])
        let first = try Checker.check(tree, config: .default, memoKey: "c")
        let read = try XCTUnwrap(ExtractionMemo.decode(try XCTUnwrap(first.memo).encoded(tag: "t"), tag: "t"))
        tree.files["decisions/0001-use-kafka.md"] = Array(a.replacingOccurrences(of: "Kafka", with: "Kefka").utf8)
        let second = try Checker.check(tree, config: .default, memo: read, memoKey: "c")
        XCTAssertEqual(second.documents.map(\.title), ["Use Kefka"])
    }

    /// `archbook build` keeps the memo beside its other cache files; after an edit, and with the memo damaged, the
    /// build reports what `check` reports and makes the site a clean build makes.
    func testBuildKeepsTheDocumentsAndReportsWhatCheckReports() throws {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("archbook-documents-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: dir) }
        let docs = dir.appendingPathComponent("docs")
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        try fm.copyItem(at: IncrementalBuildTests.contentDir, to: docs)
        let memo = dir.appendingPathComponent(".archbook-cache/_site.documents")
        func build(_ extra: [String] = []) throws -> RunResult {
            try ArchbookBinary.run(["build", docs.path, "--format", "json"] + extra, in: dir)
        }
        func check() throws -> RunResult { try ArchbookBinary.run(["check", docs.path, "--format", "json"], in: dir) }
        func site(_ root: URL) throws -> [String: Data] {
            var out: [String: Data] = [:]
            for path in try SiteTests.files(under: root) { out[path] = try Data(contentsOf: root.appendingPathComponent(path)) }
            return out
        }
        XCTAssertEqual(try build().status, 0)
        // Tagged with the archbook that wrote it (the test's own tag names the test runner, not that binary).
        func stored() throws -> ExtractionMemo? {
            let bytes = Array(try Data(contentsOf: memo))
            return ExtractionMemo.tag(in: bytes).flatMap { ExtractionMemo.decode(bytes, tag: $0) }
        }
        let tag = try XCTUnwrap(ExtractionMemo.tag(in: Array(try Data(contentsOf: memo))))
        XCTAssertTrue(tag.hasPrefix("archbook \(archbookVersion) "), tag)
        XCTAssertNotNil(try stored(), "the memo is kept")
        // So is what the search index was made from (written while the pages were made), under the same tag.
        let stateFile = dir.appendingPathComponent(".archbook-cache/_site.search")
        func state() throws -> SearchState { try XCTUnwrap(SearchState.decode(Array(try Data(contentsOf: stateFile)), tag: tag)) }
        let firstState = try state()
        XCTAssertFalse(firstState.keys.isEmpty)

        // An edit that breaks a document: its new problems are reported, the others' come from the memo.
        let redis = docs.appendingPathComponent("decisions/0004-cache-carrier-rate-quotes-in-redis.md")
        try (String(contentsOf: redis, encoding: .utf8).replacingOccurrences(of: "## Status", with: "## State")
             + "\nSee [nothing](0099-missing.md).\n").write(to: redis, atomically: true, encoding: .utf8)
        let edited = try build()
        XCTAssertEqual(edited.status, 1, edited.err)
        XCTAssertTrue(edited.out.contains("broken-link"))
        XCTAssertEqual(edited.out, try check().out)
        XCTAssertEqual(try state().keys.count, firstState.keys.count)
        XCTAssertEqual(zip(try state().keys, firstState.keys).filter { $0 != $1 }.count, 1, "the edited document's key changed")
        let clean = dir.appendingPathComponent("clean")
        XCTAssertEqual(try ArchbookBinary.run(["build", docs.path, "--quiet", "--output", clean.path], in: dir).status, 1)
        XCTAssertEqual(try site(dir.appendingPathComponent("_site")), try site(clean))

        // A damaged memo is ignored (and written anew); so is one of another archbook.
        var bytes = Array(try Data(contentsOf: memo))
        bytes[bytes.count / 2] ^= 0x10
        try Data(bytes).write(to: memo)
        XCTAssertEqual(try build().out, try check().out)
        let other = try XCTUnwrap(try stored(), "written anew")
        try Data(other.encoded(tag: "archbook 0.0.1 another build")).write(to: memo)
        XCTAssertEqual(try build().out, try check().out)
        XCTAssertEqual(try site(dir.appendingPathComponent("_site")), try site(clean))
    }

    /// The detection memo `archbook serve` keeps in memory between rebuilds: files whose bytes are the same are
    /// taken from it, a changed file is parsed again, and the layout detected is the same as without a memo.
    func testADetectionMemoKeptInMemoryParsesOnlyWhatChanged() throws {
        var files = [
            "decisions/0001-use-kafka.md": "# 1. Use Kafka\n\n## Status\n\nAccepted\n\n## Context\n\nEvents.\n",
            "decisions/0002-use-postgres.md": "# 2. Use Postgres\n\n## Status\n\nProposed\n\n## Context\n\nRows.\n",
        ]
        let first = try Detector.detect(InMemoryFileTree(files), memo: .empty(key: Detector.memoKey))
        let memo = try XCTUnwrap(first.memo)
        files["decisions/0002-use-postgres.md"]! += "\nMore rows.\n"
        let again = try Detector.detect(InMemoryFileTree(files), memo: memo)
        XCTAssertEqual(again.yaml, try Detector.detect(InMemoryFileTree(files)).yaml)
        XCTAssertEqual(again.yaml, first.yaml)
        XCTAssertNil(again.parsed?.bytes("decisions/0001-use-kafka.md"), "unchanged: taken from the memo")
        XCTAssertNotNil(again.parsed?.bytes("decisions/0002-use-postgres.md"), "changed: parsed again")
    }

    /// Zero-config detection read back from its memo file: the same configuration, and the files it names are not
    /// parsed again (they are then not among the parsed files handed to the check).
    func testDetectionFromItsMemoDetectsTheSame() throws {
        let dirs = Self.handbooks()
        for dir in dirs {
            let tree = DiskFileTree(root: dir)
            let first = try Detector.detect(tree, memo: .empty(key: Detector.memoKey))
            let memo = try XCTUnwrap(first.memo, dir)
            XCTAssertNil(try Detector.detect(tree).memo, "no memo asked for, none made")
            let read = try XCTUnwrap(ExtractionMemo.decode(memo.encoded(tag: "t"), tag: "t"), dir)
            let again = try Detector.detect(tree, memo: read)
            XCTAssertEqual(again.yaml, first.yaml, dir)
            XCTAssertEqual(again.kinds, first.kinds, dir)
            XCTAssertEqual(again.memo?.entries.count, memo.entries.count, dir)
            let path = try XCTUnwrap(memo.entries.keys.sorted().first, dir)
            XCTAssertNotNil(first.parsed?.bytes(path), dir)
            XCTAssertNil(again.parsed?.bytes(path), "\(dir): taken from the memo, not parsed")
            // A memo under another key is not used.
            let other = try Detector.detect(tree, memo: ExtractionMemo(key: "another", entries: read.entries))
            XCTAssertNotNil(other.parsed?.bytes(path), dir)
        }
    }
}
