// Files that still have the stamp they had when they were read (`FileStamp`) are not read again: the check takes
// their documents from its memo, and a build reads a body it left unread only when it renders it again.

import Foundation
import XCTest
@testable import ArchbookCLI
@testable import ArchbookCore

final class FileStampTests: XCTestCase {
    /// A docs tree in memory whose files have the stamps the test gives them, and which records what is read.
    final class StampedTree: FileTree, @unchecked Sendable {
        private let lock = NSLock()
        private var files: [String: [UInt8]]
        private var stamps: [String: FileStamp] = [:]
        private var readPaths: [String] = []
        private var clock: Int64 = 0

        init(_ files: [String: String]) {
            self.files = files.mapValues { Array($0.utf8) }
            for path in self.files.keys { touch(path) }
        }

        /// A new stamp for the file (as `touch` gives), settled or not.
        func touch(_ path: String, settled: Bool = true) {
            lock.lock(); defer { lock.unlock() }
            clock += 1
            stamps[path] = FileStamp(size: files[path]!.count, modified: clock, changed: clock, inode: 7, device: 1, settled: settled)
        }

        /// New bytes, and the new stamp they come with.
        func write(_ path: String, _ text: String) {
            lock.lock()
            files[path] = Array(text.utf8)
            lock.unlock()
            touch(path)
        }

        /// New bytes under the old stamp: what a file changed after its stamp was taken holds.
        func replaceKeepingStamp(_ path: String, _ text: String) {
            lock.lock(); defer { lock.unlock() }
            files[path] = Array(text.utf8)
        }

        func text(_ path: String) -> String {
            lock.lock(); defer { lock.unlock() }
            return String(decoding: files[path]!, as: UTF8.self)
        }

        /// The files read since the last call, in path order.
        func takeReads() -> [String] {
            lock.lock(); defer { lock.unlock() }
            defer { readPaths = [] }
            return readPaths.sorted()
        }

        func listing() throws(FileTreeError) -> FileListing {
            lock.lock(); defer { lock.unlock() }
            return try InMemoryFileTree(bytes: files).listing()
        }

        func read(_ path: String) throws(FileTreeError) -> [UInt8] {
            lock.lock(); defer { lock.unlock() }
            readPaths.append(path)
            guard let bytes = files[path] else { throw FileTreeError(path: path, message: "no such file") }
            return bytes
        }

        func size(_ path: String) -> Int? {
            lock.lock(); defer { lock.unlock() }
            return files[path]?.count
        }

        func stamp(_ path: String) -> FileStamp? {
            lock.lock(); defer { lock.unlock() }
            return stamps[path]
        }
    }

    /// A tree that gives no stamps, so every file is read and compared by its bytes.
    struct Unstamped<Base: FileTree>: FileTree {
        let base: Base
        init(_ base: Base) { self.base = base }
        func listing() throws(FileTreeError) -> FileListing { try base.listing() }
        func read(_ path: String) throws(FileTreeError) -> [UInt8] { try base.read(path) }
        func read(_ path: String, maxBytes: Int) throws(FileTreeError) -> [UInt8] { try base.read(path, maxBytes: maxBytes) }
        func size(_ path: String) -> Int? { base.size(path) }
    }

    static let config = """
        kinds:
          adr:
            paths: ["decisions/**"]
            id-prefix: ADR
            id-from: file-name
        """

    static let files: [String: String] = [
        "decisions/0001-use-postgres.md": """
            # 1. Use Postgres

            ## Status

            Accepted

            ## Context

            Backups as in [the Kafka decision](0002-use-kafka.md#backups) and ADR-3.

            """,
        "decisions/0002-use-kafka.md": """
            # 2. Use Kafka

            ## Status

            Accepted

            ## Backups

            Daily; see ADR-1.

            """,
        "decisions/0003-use-redis.md": """
            # 3. Use Redis

            ## Status

            Proposed

            ## Context

            Caching.

            """,
    ]

    func check(_ tree: some FileTree, memo: ExtractionMemo?) throws -> CheckResult {
        let config = try Config.parse(Self.config, file: "archbook.yml")
        return try Checker.check(tree, config: config, memo: memo, memoKey: Self.config)
    }

    /// The memo as the next `archbook build` reads it: through its file format.
    func onDisk(_ result: CheckResult) throws -> ExtractionMemo {
        let memo = try XCTUnwrap(result.memo)
        return try XCTUnwrap(ExtractionMemo.decode(memo.encoded(tag: "t"), tag: "t"))
    }

    func testFilesWithTheStampTheyWereReadWithAreNotReadAgain() throws {
        let tree = StampedTree(Self.files)
        let first = try check(tree, memo: nil)
        XCTAssertEqual(tree.takeReads().count, 3)
        let again = try check(tree, memo: try onDisk(first))
        XCTAssertEqual(tree.takeReads(), [], "no file read")
        XCTAssertEqual(DocumentMemoTests.dumped(again, bodies: false), DocumentMemoTests.dumped(first, bodies: false))
        XCTAssertTrue(again.documents.allSatisfy { $0.body.isEmpty && $0.source?.unread == true })
        XCTAssertEqual(again.documents.map(\.bodyIdentity), first.documents.map(\.bodyIdentity),
                       "an unread body is the same body as far as the bodies' cache can tell")
        // Written back as read: every entry keeps its stamp.
        XCTAssertEqual(try XCTUnwrap(again.memo).encoded(tag: "t"), try XCTUnwrap(first.memo).encoded(tag: "t"))

        // New bytes: only that file is read.
        tree.write("decisions/0003-use-redis.md", tree.text("decisions/0003-use-redis.md") + "More caching.\n")
        let edited = try check(tree, memo: try onDisk(again))
        XCTAssertEqual(tree.takeReads(), ["decisions/0003-use-redis.md"])
        XCTAssertEqual(edited.documents.map { $0.source?.unread }, [true, true, false])

        // The same bytes with a new stamp (touched): read once, taken from the memo, and stamped anew.
        tree.touch("decisions/0001-use-postgres.md")
        let touched = try check(tree, memo: try onDisk(edited))
        XCTAssertEqual(tree.takeReads(), ["decisions/0001-use-postgres.md"])
        XCTAssertEqual(DocumentMemoTests.dumped(touched, bodies: false), DocumentMemoTests.dumped(edited, bodies: false))
        _ = try check(tree, memo: try onDisk(touched))
        XCTAssertEqual(tree.takeReads(), [])

        // A stamp taken too soon after the file changed vouches for nothing: read, and not recorded.
        tree.touch("decisions/0002-use-kafka.md", settled: false)
        let soon = try check(tree, memo: try onDisk(touched))
        XCTAssertEqual(tree.takeReads(), ["decisions/0002-use-kafka.md"])
        _ = try check(tree, memo: try onDisk(soon))
        XCTAssertEqual(tree.takeReads(), ["decisions/0002-use-kafka.md"], "still unsettled")
        tree.touch("decisions/0002-use-kafka.md")
        let settled = try check(tree, memo: try onDisk(soon))
        XCTAssertEqual(tree.takeReads(), ["decisions/0002-use-kafka.md"])
        _ = try check(tree, memo: try onDisk(settled))
        XCTAssertEqual(tree.takeReads(), [])

        // A tree without stamps reads every file, as before.
        _ = try check(Unstamped(tree), memo: try onDisk(settled))
        XCTAssertEqual(tree.takeReads().count, 3)
    }

    /// Zero-config detection likewise reads only the sampled files whose stamp changed, and detects the same.
    func testDetectionReadsOnlyFilesWhoseStampChanged() throws {
        let tree = StampedTree(Self.files)
        let first = try Detector.detect(tree, memo: .empty(key: Detector.memoKey))
        XCTAssertEqual(tree.takeReads().count, 3)
        let memo = try XCTUnwrap(ExtractionMemo.decode(try XCTUnwrap(first.memo).encoded(tag: "t"), tag: "t"))
        let again = try Detector.detect(tree, memo: memo)
        XCTAssertEqual(tree.takeReads(), [])
        XCTAssertEqual(again.yaml, first.yaml)
        tree.touch("decisions/0002-use-kafka.md")
        let touched = try Detector.detect(tree, memo: memo)
        XCTAssertEqual(tree.takeReads(), ["decisions/0002-use-kafka.md"])
        XCTAssertEqual(touched.yaml, first.yaml)
        _ = try Detector.detect(tree, memo: try XCTUnwrap(touched.memo))
        XCTAssertEqual(tree.takeReads(), [], "stamped anew")
    }

    func build(_ result: CheckResult, tree: some FileTree, store: IncrementalBuildTests.MemoryBodyStore?) throws -> [String: [UInt8]] {
        let config = try Config.parse(Self.config, file: "archbook.yml")
        let site = InMemorySite()
        let options = SiteOptions(generator: "archbook test", configText: Self.config)
        _ = try SiteBuilder.build(result, tree: tree, config: config, theme: try SiteTests.theme(), options: options,
                                  sink: site, bodies: store.map { .store($0, reads: true) })
        return site.files
    }

    /// The site a build without any cache makes of the tree's files as they are.
    func clean(_ tree: StampedTree) throws -> [String: [UInt8]] {
        let files = Dictionary(uniqueKeysWithValues: Self.files.keys.map { ($0, tree.text($0)) })
        let plain = InMemoryFileTree(files)
        return try build(try check(plain, memo: nil), tree: plain, store: nil)
    }

    func assertSame(_ a: [String: [UInt8]], _ b: [String: [UInt8]], _ label: String, line: UInt = #line) {
        XCTAssertEqual(Set(a.keys), Set(b.keys), label, line: line)
        for (path, bytes) in a where b[path] != bytes { XCTFail("\(label): \(path) differs", line: line) }
    }

    func testABuildReadsAnUnreadBodyOnlyToRenderItAgain() throws {
        let tree = StampedTree(Self.files)
        let store = IncrementalBuildTests.MemoryBodyStore()
        let first = try check(tree, memo: nil)
        let site = try build(first, tree: tree, store: store)
        _ = tree.takeReads()

        // Nothing changed: every body comes from the store, and no file is read.
        let again = try check(tree, memo: try onDisk(first))
        XCTAssertEqual(try build(again, tree: tree, store: store), site)
        XCTAssertEqual(tree.takeReads(), [])

        // The heading 0001 links to is renamed: 0002 is read (it changed) and so is 0001, whose link now breaks and
        // whose body is rendered again from its file; 0003 is not.
        let kafka = "decisions/0002-use-kafka.md"
        tree.write(kafka, tree.text(kafka).replacingOccurrences(of: "## Backups", with: "## Back-ups"))
        let edited = try check(tree, memo: try onDisk(again))
        XCTAssertEqual(tree.takeReads(), [kafka])
        let rebuilt = try build(edited, tree: tree, store: store)
        XCTAssertEqual(tree.takeReads(), ["decisions/0001-use-postgres.md"])
        let page = String(decoding: try XCTUnwrap(rebuilt["decisions/0001-use-postgres.html"]), as: UTF8.self)
        XCTAssertTrue(page.contains("title=\"Broken link: no heading &#39;#backups&#39; in decisions/0002-use-kafka.md\""), page)
        assertSame(rebuilt, try clean(tree), "after the edit")

        // Without the bodies' cache every unread body is read to be rendered, and the site is the same.
        let unread = try check(tree, memo: try onDisk(edited))
        XCTAssertEqual(tree.takeReads(), [])
        assertSame(try build(unread, tree: tree, store: IncrementalBuildTests.MemoryBodyStore()), rebuilt, "without bodies")
        XCTAssertEqual(tree.takeReads().count, 3)
    }

    /// A file that changed after the check took its document by stamp and before the build read its body: the build
    /// fails, naming it, rather than show the new body under the old document's title, headings and diagnostics.
    func testAFileChangedDuringTheBuildFailsItByName() throws {
        let tree = StampedTree(Self.files)
        let first = try check(tree, memo: nil)
        let unread = try check(tree, memo: try onDisk(first))
        let redis = "decisions/0003-use-redis.md"
        tree.replaceKeepingStamp(redis, tree.text(redis).replacingOccurrences(of: "Caching.", with: "Sessions."))
        XCTAssertThrowsError(try build(unread, tree: tree, store: IncrementalBuildTests.MemoryBodyStore())) { error in
            XCTAssertEqual((error as? FileTreeError)?.description,
                           "\(redis): changed while the site was being built; nothing was replaced, build again")
        }
    }

    /// On disk: a file changed less than two seconds before the tree was opened is not settled.
    func testADiskStampIsSettledTwoSecondsAfterTheFileChanged() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stamp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("# A\n".utf8).write(to: dir.appendingPathComponent("a.md"))
        let now = DiskFileTree(root: dir.path)
        let stamp = try XCTUnwrap(now.stamp("a.md"))
        XCTAssertFalse(stamp.settled)
        XCTAssertEqual(stamp.size, 4)
        let later = DiskFileTree(root: dir.path, openedAt: now.openedAt + 2_100_000_000)
        let settled = try XCTUnwrap(later.stamp("a.md"))
        XCTAssertTrue(settled.settled)
        XCTAssertTrue(settled.sameFile(as: stamp))
        try Data("# AB\n".utf8).write(to: dir.appendingPathComponent("a.md"))
        XCTAssertFalse(try XCTUnwrap(later.stamp("a.md")).sameFile(as: stamp))
        XCTAssertNil(now.stamp("missing.md"))
        XCTAssertNil(now.stamp("."), "a folder has no stamp")
    }
}
