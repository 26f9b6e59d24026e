// Incremental builds: after every kind of edit, a build that reuses the previous site's unchanged pages (and, as
// archbook serve does, the previous build's bodies) writes exactly the bytes a full build writes, and reuses what
// it should; the build cache on disk is safe to lose or damage.

@testable import ArchbookCLI
import ArchbookCore
import Foundation
import XCTest

final class IncrementalBuildTests: XCTestCase {
    static let contentDir = ArchbookBinary.packageRoot.appendingPathComponent("content")
    static let rabbit = "decisions/0003-fan-out-tracking-events-with-rabbitmq.md"
    static let redis = "decisions/0004-cache-carrier-rate-quotes-in-redis.md"
    static let kafka = "decisions/0006-stream-tracking-events-through-kafka.md"
    static let blackFriday = "postmortems/0001-black-friday-tracking-backlog.md"

    static func sample() throws -> [String: String] {
        let tree = DiskFileTree(root: contentDir.path)
        var files: [String: String] = [:]
        for path in try tree.listing().files { files[path] = String(decoding: try tree.read(path), as: UTF8.self) }
        return files
    }

    struct Built {
        var files: [String: [UInt8]]
        var summary: SiteSummary
        var reused: Set<String>
    }

    /// Bodies kept as `archbook build` keeps them on disk, in memory for the test.
    final class MemoryBodyStore: BodyStore, @unchecked Sendable {
        let lock = NSLock()
        var files: [String: [UInt8]] = [:]
        /// What was written, in no particular order.
        var written: [String] = []
        /// What was read, in no particular order.
        var reads: [String] = []
        func read(_ path: String) -> [UInt8]? { lock.lock(); defer { lock.unlock() }; reads.append(path); return files[path] }
        func write(_ path: String, _ bytes: [UInt8]) { lock.lock(); defer { lock.unlock() }; files[path] = bytes; written.append(path) }
    }

    /// `store`: the bodies come from and go to it (as `archbook build` does); without it, from the previous build's
    /// memo (as `archbook serve` does).
    static func build(_ files: [String: String], after previous: Built? = nil, theme: Theme? = nil,
                      configText: String? = nil, store: MemoryBodyStore? = nil,
                      search: SearchOptions? = SearchOptions()) throws -> Built {
        let tree = InMemoryFileTree(files)
        let text = configText ?? files["archbook.yml"] ?? ""
        let config = try Config.parse(text, file: "archbook.yml")
        let result = try Checker.check(tree, config: config)
        let site = InMemorySite(previous: previous?.files ?? [:])
        let options = SiteOptions(generator: "archbook test", search: search, configText: text)
        let summary = try SiteBuilder.build(result, tree: tree, config: config, theme: try theme ?? SiteTests.theme(),
                                            options: options, sink: site, previous: previous?.summary.manifest,
                                            bodies: store.map { .store($0, reads: true) } ?? .memory(previous?.summary.bodies))
        return Built(files: site.files, summary: summary, reused: Set(site.reused))
    }

    /// Builds `edited` incrementally after `base` and from scratch; the two sites must be byte-identical.
    func assertIncrementalMatchesFull(_ label: String, base: [String: String], edited: [String: String],
                                      file: StaticString = #filePath, line: UInt = #line) throws -> Built {
        let first = try Self.build(base)
        let incremental = try Self.build(edited, after: first)
        let full = try Self.build(edited)
        XCTAssertEqual(full.summary.reusedPages, 0, file: file, line: line)
        XCTAssertEqual(Set(incremental.files.keys), Set(full.files.keys), "\(label): the same files", file: file, line: line)
        for (path, bytes) in full.files where incremental.files[path] != bytes {
            XCTFail("\(label): \(path) differs from a full build (\(incremental.reused.contains(path) ? "reused" : "rendered"))",
                    file: file, line: line)
        }
        XCTAssertEqual(incremental.summary.manifest, full.summary.manifest, "\(label): the same manifest", file: file, line: line)
        return incremental
    }

    /// Pages written anew: neither reused for unchanged inputs nor found byte-identical to the previous build's.
    func rendered(_ b: Built) -> [String] {
        b.files.keys.filter { $0.hasSuffix(".html") || $0.hasSuffix(".xml") }.filter { !b.reused.contains($0) }.sorted()
    }

    func testEditingOneDocumentsTextRendersOnlyItsPage() throws {
        let base = try Self.sample()
        var edited = base
        edited[Self.redis]! += "\nOne more paragraph of context.\n"
        let b = try assertIncrementalMatchesFull("text edit", base: base, edited: edited)
        XCTAssertEqual(rendered(b), ["decisions/0004-cache-carrier-rate-quotes-in-redis.html"])
        XCTAssertEqual(b.summary.reusedPages, b.summary.pages - 1)
        let documents = try XCTUnwrap(b.summary.bodies).count
        XCTAssertEqual(b.summary.reusedBodies, documents - 1, "only the edited body is rendered again")

        let again = try Self.build(edited, after: b)
        XCTAssertEqual(again.summary.reusedPages, again.summary.pages, "nothing changed: every page reused")
    }

    func testATitleChangeRendersThePagesThatShowTheTitle() throws {
        let base = try Self.sample()
        var edited = base
        edited[Self.kafka] = edited[Self.kafka]!.replacingOccurrences(of: "# Stream tracking events through Apache Kafka",
                                                                      with: "# Stream tracking events through Kafka topics")
        XCTAssertTrue(edited[Self.kafka] != base[Self.kafka], "the title was edited")
        let b = try assertIncrementalMatchesFull("title", base: base, edited: edited)
        let pages = rendered(b)
        XCTAssertTrue(pages.contains("decisions/0006-stream-tracking-events-through-kafka.html"))
        XCTAssertTrue(pages.contains("decisions/0003-fan-out-tracking-events-with-rabbitmq.html"), "superseded by 6: shows its title")
        XCTAssertTrue(pages.contains("log.html") && pages.contains("kinds/decision.html"), "\(pages)")
        XCTAssertFalse(pages.contains("requirements/0002-shipment-booking-and-labels.html"), "\(pages)")

        // A page that shows a document only among its backlinks ("Referenced by"), and one only through a relation.
        var linked = base
        linked["decisions/0013-pilot.md"] = "# 13. Pilot region\n\nDate: 2024-06-01\n\n## Status\n\nProposed\n\nAmends [ADR-0009](0009-deploy-with-argo-cd-gitops.md)\n\n"
            + "## Context\n\nSee [ADR-12](0012-multi-region-tracking-ingestion.md).\n\n## Decision\n\nd\n\n## Consequences\n\ne\n"
        var renamed = linked
        renamed["decisions/0013-pilot.md"] = renamed["decisions/0013-pilot.md"]!.replacingOccurrences(of: "# 13. Pilot region", with: "# 13. Pilot in one region")
        let b2 = try assertIncrementalMatchesFull("backlink title", base: linked, edited: renamed)
        XCTAssertTrue(rendered(b2).contains("decisions/0012-multi-region-tracking-ingestion.html"), "\(rendered(b2))")
        XCTAssertTrue(rendered(b2).contains("decisions/0009-deploy-with-argo-cd-gitops.html"), "\(rendered(b2))")
    }

    func testStatusRelationTaskAndLinkEditsGiveTheFullBuildsBytes() throws {
        let base = try Self.sample()
        var status = base
        status[Self.redis] = status[Self.redis]!.replacingOccurrences(of: "* Status: accepted", with: "* Status: deprecated")
        _ = try assertIncrementalMatchesFull("status", base: base, edited: status)

        var relation = base
        relation[Self.redis] = relation[Self.redis]!.replacingOccurrences(
            of: "* Status: accepted", with: "* Status: accepted\n* Supersedes: [ADR-0002](0002-use-postgresql-for-shipment-data.md)")
        _ = try assertIncrementalMatchesFull("relation", base: base, edited: relation)

        var task = base
        task[Self.blackFriday] = task[Self.blackFriday]!.replacingOccurrences(of: "- [ ] Second SMS provider", with: "- [x] Second SMS provider")
        XCTAssertTrue(task[Self.blackFriday] != base[Self.blackFriday], "the task was ticked")
        _ = try assertIncrementalMatchesFull("task", base: base, edited: task)

        // A new link between two documents: the relation graph gains an edge (its page was once left stale).
        var newLink = base
        newLink[Self.redis]! += "\nSee [the Kafka decision](0006-stream-tracking-events-through-kafka.md).\n"
        let linkBuilt = try assertIncrementalMatchesFull("new link", base: base, edited: newLink)
        XCTAssertFalse(linkBuilt.reused.contains("graph.html"))

        // A link to a page that does not exist yet, then the page.
        var link = base
        link[Self.redis]! += "\nSee [the follow-up](0013-follow-up.md) and ADR-13.\n"
        let withLink = try Self.build(link)
        var added = link
        added["decisions/0013-follow-up.md"] = "# 13. Follow up\n\nDate: 2024-05-01\n\n## Status\n\nProposed\n\n## Context\n\nc\n\n## Decision\n\nd\n\n## Consequences\n\ne\n"
        let incremental = try Self.build(added, after: withLink)
        let full = try Self.build(added)
        XCTAssertEqual(incremental.files, full.files, "a new document that was linked before it existed")
        XCTAssertTrue(rendered(incremental).contains("decisions/0004-cache-carrier-rate-quotes-in-redis.html"))
        // Its own Markdown did not change, but its link and its "ADR-13" now have a target: rendered again, as is the new one.
        let documents = try XCTUnwrap(incremental.summary.bodies).count
        XCTAssertEqual(incremental.summary.reusedBodies, documents - 2)

        // And gone again: the links are broken once more.
        let removed = try Self.build(link, after: incremental)
        XCTAssertEqual(removed.files, withLink.files, "a deleted document")
        XCTAssertEqual(removed.summary.reusedBodies, documents - 2, "the linking body is rendered again")

        // A renamed heading breaks the anchor of a link to it; the linking body is rendered again.
        var anchored = base
        anchored[Self.redis]! += "\nSee [Kafka's context](0006-stream-tracking-events-through-kafka.md#context).\n"
        let withAnchor = try Self.build(anchored)
        var renamed = anchored
        renamed[Self.kafka] = renamed[Self.kafka]!.replacingOccurrences(of: "## Context\n", with: "## Background\n")
        XCTAssertTrue(renamed[Self.kafka] != anchored[Self.kafka], "the heading was renamed")
        _ = try assertIncrementalMatchesFull("renamed heading", base: anchored, edited: renamed)
        let afterRename = try Self.build(renamed, after: withAnchor)
        XCTAssertTrue(String(decoding: afterRename.files["decisions/0004-cache-carrier-rate-quotes-in-redis.html"]!, as: UTF8.self)
            .contains("class=\"broken-link\" title=\"Broken link: no heading &#39;#context&#39;"), "the link to the renamed heading shows as broken")
        XCTAssertEqual(afterRename.summary.reusedBodies, documents - 1 - 2, "the renamed document and the one linking to it")
    }

    /// An edit reads from the store the HTML and search text of no body it did not change: pages and search
    /// fragments that show them are taken from the previous site (the index is split into per-document fragments
    /// here, as it is for any large handbook; an index in one file shows every document's text). The edited body's
    /// text is read back where it is needed: a new body waits in the store rather than in memory.
    func testAnEditReadsNoOtherBodysTextFromTheStore() throws {
        let base = try Self.sample()
        let split = SearchOptions(splitBytes: 1_000, shardBytes: 1_000)
        let store = MemoryBodyStore()
        let first = try Self.build(base, store: store, search: split)
        XCTAssertTrue(first.files.keys.contains("search/docs/0.js"))
        var edited = base
        edited[Self.redis]! += "\nOne more paragraph of context.\n"
        store.reads = []
        let second = try Self.build(edited, after: first, store: store, search: split)
        XCTAssertEqual(second.files, try Self.build(edited, search: split).files)
        // The edited body's text three times: counted for the index, shown in its fragment, its HTML on its page.
        XCTAssertEqual(store.reads.filter { $0.hasSuffix("\u{0}text") }, Array(repeating: Self.redis + "\u{0}text", count: 3))
        XCTAssertTrue(second.reused.contains("search/docs/0.js"), "an unchanged document's fragment is the previous one")
        let fragments = first.files.keys.filter { $0.hasPrefix("search/docs/") }
        XCTAssertEqual(second.reused.intersection(fragments).count, fragments.count - 1, "all but the edited document's")
    }

    /// Bodies in the store keep their links' answers while nothing they resolve against changes; any change to a
    /// heading, a document's path or ID, or the files of the tree renders the bodies whose links it moves, so
    /// each build of this sequence equals a full build.
    func testStoredBodiesFollowEveryChangeToWhatTheirLinksResolveTo() throws {
        let base = try Self.sample()
        var steps: [(String, [String: String])] = []
        var tree = base
        tree[Self.redis]! += "\nSee [Kafka's context](0006-stream-tracking-events-through-kafka.md#context), [the follow-up](0013-follow-up.md), ADR-13 and [the diagram](diagram.svg).\n"
        steps.append(("links to a heading, a missing page, a missing ID and a missing file", tree))
        tree[Self.kafka]! += "\nMore words, no heading moved.\n"
        steps.append(("an edit that moves nothing", tree))
        tree[Self.kafka] = tree[Self.kafka]!.replacingOccurrences(of: "## Context\n", with: "## Background\n")
        steps.append(("the heading renamed", tree))
        tree["decisions/0013-follow-up.md"] = HostileTreeTests.decision(13, "Follow up")
        steps.append(("the page and ID appear", tree))
        tree["decisions/diagram.svg"] = "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>\n"
        steps.append(("the file appears", tree))
        tree["decisions/0013-follow-up.md"] = nil
        steps.append(("the page is deleted", tree))
        let store = MemoryBodyStore()
        var previous = try Self.build(base, store: store)
        for (label, files) in steps {
            let incremental = try Self.build(files, after: previous, store: store)
            let full = try Self.build(files)
            XCTAssertEqual(Set(incremental.files.keys), Set(full.files.keys), label)
            for (path, bytes) in full.files where incremental.files[path] != bytes { XCTFail("\(label): \(path) differs") }
            previous = incremental
        }
    }

    func testBodiesKeptOnDiskAreReusedAndDamagedOnesRenderedAgain() throws {
        let base = try Self.sample()
        let store = MemoryBodyStore()
        let first = try Self.build(base, store: store)
        XCTAssertEqual(first.summary.reusedBodies, 0)
        // Per document its body's head and, beside it, its HTML and search text, and the search terms counted in it;
        // and what the links were resolved against.
        let documents = store.files.keys.count { !$0.contains("\u{0}") }
        XCTAssertGreaterThan(documents, 20)
        XCTAssertEqual(store.files.count, 3 * documents + 1)
        XCTAssertNotNil(store.files[BodyMemo.worldKey])

        var edited = base
        edited[Self.redis]! += "\nOne more paragraph of context.\n"
        let full = try Self.build(edited)
        let second = try Self.build(edited, after: first, store: store)
        XCTAssertEqual(second.files, full.files)
        XCTAssertEqual(second.summary.reusedBodies, documents - 1, "only the edited body is rendered again")

        // A stored body cut short, one with a changed byte, and one stored for another document are not trusted.
        store.files[Self.kafka]!.removeLast(3)
        store.files[Self.rabbit]![40] ^= 0x20
        store.files[Self.blackFriday] = store.files[Self.redis]
        // Damaged terms, and terms of another body, are counted again (the body itself is still reused).
        store.files[BodyMemo.termsKey(Self.redis)]![30] ^= 0x01
        let otherTerms = try XCTUnwrap(store.files.keys.first { $0.hasSuffix("\u{0}terms") && ![Self.redis, Self.kafka, Self.rabbit, Self.blackFriday].map(BodyMemo.termsKey).contains($0) })
        store.files[otherTerms] = store.files[BodyMemo.termsKey(Self.kafka)]
        store.written = []
        let third = try Self.build(edited, after: second, store: store)
        XCTAssertEqual(third.files, full.files)
        XCTAssertEqual(third.summary.reusedBodies, documents - 3)
        // The three bodies rendered again are stored again; their terms are not, since the ones stored match the new
        // entries (the same bytes, so the same seal).
        XCTAssertEqual(Set(store.written), Set([Self.kafka, Self.rabbit, Self.blackFriday].flatMap { [$0, BodyMemo.textKey($0)] }
            + [BodyMemo.termsKey(Self.redis), otherTerms]))
        store.written = []
        XCTAssertEqual(try Self.build(edited, after: third, store: store).summary.reusedBodies, documents, "and stored again")
        XCTAssertEqual(store.written, [], "bodies and terms all taken from the store")

        // A page shown again takes its body's HTML from the store: Kafka's page gains a backlink from Redis's edited
        // body. A missing or damaged stored text is rendered again instead, to the same page.
        var linking = edited
        linking[Self.redis]! += "\nSee [the Kafka decision](0006-stream-tracking-events-through-kafka.md).\n"
        let linked = try Self.build(linking)
        let kafkaPage = "decisions/0006-stream-tracking-events-through-kafka.html"
        XCTAssertNotEqual(linked.files[kafkaPage], full.files[kafkaPage], "Kafka's page shows the new backlink")
        for damage in ["none", "changed byte", "missing", "another document's"] {
            let copy = MemoryBodyStore()
            copy.files = store.files
            switch damage {
            case "changed byte": copy.files[BodyMemo.textKey(Self.kafka)]![50] ^= 0x20
            case "missing": copy.files[BodyMemo.textKey(Self.kafka)] = nil
            case "another document's": copy.files[BodyMemo.textKey(Self.kafka)] = copy.files[BodyMemo.textKey(Self.rabbit)]
            default: break
            }
            let again = try Self.build(linking, after: third, store: copy)
            XCTAssertEqual(again.files.keys.sorted(), linked.files.keys.sorted(), damage)
            for (path, bytes) in linked.files where again.files[path] != bytes { XCTFail("\(damage): \(path) differs") }
            XCTAssertEqual(again.summary.reusedBodies, documents - 1, damage)
            XCTAssertTrue(copy.reads.contains(BodyMemo.textKey(Self.kafka)), damage)
        }

        // Another set of ID prefixes (which every body's ID links depend on) renders every body.
        let prefixes = base["archbook.yml"]!.replacingOccurrences(of: "id-prefix: CHK", with: "id-prefix: CKL")
        XCTAssertTrue(prefixes != base["archbook.yml"]!)
        let other = try Self.build(edited, configText: prefixes, store: store)
        XCTAssertEqual(other.summary.reusedBodies, 0)
        XCTAssertEqual(other.files, try Self.build(edited, configText: prefixes).files)
    }

    /// A cache or a site that came with the repository (a pull request can commit one) could put any HTML into the
    /// site through a forged body or page; only what this machine wrote is used.
    func testACacheOrSiteThatGitTracksIsNotTrusted() throws {
        var files: [String: String] = [:]
        for (path, text) in try Self.sample() { files["docs/" + path] = text }
        let repo = try GitFixture.make(files, testCase: self)
        func build() throws -> String {
            let r = try ArchbookBinary.run(["build", "docs", "--quiet"], in: repo.root)
            XCTAssertEqual(r.status, 0, r.err)
            return r.err
        }
        XCTAssertTrue(try build().contains("archbook: wrote 77 pages and 6 files to _site"))
        XCTAssertTrue(try build().contains("archbook: wrote 77 pages (77 unchanged since the last build) and 6 files to _site"))

        try repo.commit("the cache and the site, as a pull request could commit them")
        let tracked = try build()
        XCTAssertTrue(tracked.contains("archbook: warning: not using the build cache, because git tracks '.archbook-cache/"), tracked)
        XCTAssertTrue(tracked.contains("archbook: wrote 77 pages and 6 files to _site"), tracked)

        try repo.git("rm", "-r", "-q", "--cached", ".archbook-cache", "_site")
        XCTAssertTrue(try build().contains("(77 unchanged since the last build)"))
    }

    func testAConfigurationOrThemeChangeRendersEveryPage() throws {
        let base = try Self.sample()
        let first = try Self.build(base)
        let config = try Self.build(base, after: first, configText: base["archbook.yml"]! + "\n# a comment\n")
        XCTAssertEqual(config.summary.reusedPages, 0)

        let overlay = InMemoryFileTree(["assets/archbook.css": "body { color: black }\n"])
        let theme = try Theme.load([Theme.Layer(label: "themes/default", tree: DiskFileTree(root: SiteTests.themeDir.path)),
                                    Theme.Layer(label: "custom", tree: overlay)])
        let themed = try Self.build(base, after: first, theme: theme)
        XCTAssertEqual(themed.summary.reusedPages, 0)
        XCTAssertEqual(themed.files, try Self.build(base, theme: theme).files)
    }

    func testTheManifestRoundTripsAndADamagedOneIsRefused() throws {
        let manifest = try Self.build(try Self.sample()).summary.manifest
        let bytes = manifest.encoded()
        XCTAssertEqual(BuildManifest.decode(bytes), manifest)
        XCTAssertGreaterThan(manifest.files.count, 80)
        XCTAssertNil(BuildManifest.decode(Array(bytes.dropLast(40))), "truncated")
        var edited = bytes
        edited[60] = edited[60] == 0x30 ? 0x31 : 0x30
        XCTAssertNil(BuildManifest.decode(edited), "one byte changed")
        XCTAssertNil(BuildManifest.decode([]))
        XCTAssertNil(BuildManifest.decode(Array("archbook-build-manifest 2\n".utf8)))

        let index = BodyMemo.PackIndex(slots: ["docs/a b.md": .init(offset: 0, length: 120), "docs/ü\n.md": .init(offset: 120, length: 7)])
        let encoded = index.encoded()
        XCTAssertEqual(BodyMemo.PackIndex.decode(encoded), index)
        // In the order given, as a build lists its documents: the same index.
        let listed = BodyMemo.PackIndex.encode([("docs/ü\n.md", .init(offset: 120, length: 7)), ("docs/a b.md", .init(offset: 0, length: 120))])
        XCTAssertEqual(BodyMemo.PackIndex.decode(listed), index)
        XCTAssertNil(BodyMemo.PackIndex.decode(Array(encoded.dropLast(1))), "truncated")
        var flipped = encoded
        flipped[30] ^= 1
        XCTAssertNil(BodyMemo.PackIndex.decode(flipped), "one bit changed")
        XCTAssertNil(BodyMemo.PackIndex.decode([]))
    }

    // MARK: - On disk, through the binary

    func testRebuildsReuseUnchangedPagesAndSurviveALostOrDamagedCache() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("archbook-incremental-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let docs = dir.appendingPathComponent("docs")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.contentDir, to: docs)
        let site = dir.appendingPathComponent("_site").path
        let cache = dir.appendingPathComponent(".archbook-cache/_site.manifest").path

        func build(_ extra: [String] = []) throws -> String {
            let r = try ArchbookBinary.run(["build", docs.path, "--quiet"] + extra, in: dir)
            XCTAssertEqual(r.status, 0, r.err)
            return r.err.split(separator: "\n").first { $0.hasPrefix("archbook: wrote") }.map(String.init) ?? r.err
        }
        XCTAssertEqual(try build(), "archbook: wrote 77 pages and 6 files to \(dir.path)/_site")
        XCTAssertTrue(FileManager.default.fileExists(atPath: cache))
        // Every document's body (its head, and its HTML and search text) and search terms in one pack, found through its index.
        let pack = dir.appendingPathComponent(".archbook-cache/_site.bodies").path
        let packIndex = dir.appendingPathComponent(".archbook-cache/_site.bodies-index").path
        func indexed() throws -> Int? { BodyMemo.PackIndex.decode(Array(try Data(contentsOf: URL(fileURLWithPath: packIndex))))?.slots.count }
        XCTAssertEqual(try indexed(), 73)
        XCTAssertEqual(try build(), "archbook: wrote 77 pages (77 unchanged since the last build) and 6 files to \(dir.path)/_site")

        let redis = docs.appendingPathComponent(Self.redis)
        try (String(contentsOf: redis, encoding: .utf8) + "\nMore context.\n").write(to: redis, atomically: true, encoding: .utf8)
        XCTAssertEqual(try build(), "archbook: wrote 77 pages (76 unchanged since the last build) and 6 files to \(dir.path)/_site")
        let page = try String(contentsOfFile: site + "/decisions/0004-cache-carrier-rate-quotes-in-redis.html", encoding: .utf8)
        XCTAssertTrue(page.contains("More context."))

        // A damaged cache is ignored; a lost one too; --no-cache renders everything. Each leaves a good cache.
        try "archbook-build-manifest 1\nnot a manifest\n".write(toFile: cache, atomically: true, encoding: .utf8)
        let packSize = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: pack)[.size] as? Int)
        try Data(repeating: 0x41, count: packSize).write(to: URL(fileURLWithPath: pack))
        XCTAssertEqual(try build(), "archbook: wrote 77 pages and 6 files to \(dir.path)/_site")
        try FileManager.default.removeItem(atPath: cache)
        XCTAssertEqual(try build(), "archbook: wrote 77 pages and 6 files to \(dir.path)/_site")
        XCTAssertEqual(try build(["--no-cache"]), "archbook: wrote 77 pages and 6 files to \(dir.path)/_site")
        XCTAssertTrue(try build().contains("(77 unchanged since the last build)"))
        XCTAssertEqual(try indexed(), 73)
        try "archbook-bodies-index 1\nnot an index".write(toFile: packIndex, atomically: false, encoding: .utf8)
        XCTAssertEqual(try build(), "archbook: wrote 77 pages (77 unchanged since the last build) and 6 files to \(dir.path)/_site")
        XCTAssertEqual(try indexed(), 73, "a damaged index: the pack is started afresh")

        // A page edited by hand in the output (another size) is rendered again, not trusted.
        let home = site + "/index.html"
        try (String(contentsOfFile: home, encoding: .utf8) + "<!-- edited -->").write(toFile: home, atomically: false, encoding: .utf8)
        XCTAssertTrue(try build().contains("(76 unchanged since the last build)"))
        XCTAssertFalse(try String(contentsOfFile: home, encoding: .utf8).contains("edited"))

        // The result is what a clean build into another folder writes.
        let clean = dir.appendingPathComponent("clean").path
        let r = try ArchbookBinary.run(["build", docs.path, "--quiet", "--output", clean], in: dir)
        XCTAssertEqual(r.status, 0)
        let diff = Process()
        diff.executableURL = URL(fileURLWithPath: "/usr/bin/diff")
        diff.arguments = ["-r", site, clean]
        diff.standardOutput = FileHandle.nullDevice
        try diff.run(); diff.waitUntilExit()
        XCTAssertEqual(diff.terminationStatus, 0, "incremental and clean builds differ")
    }

    /// The site a build replaces is kept as the next build's working folder and overwritten in place. Nothing in it
    /// is trusted (a symbolic link to a file or folder outside, a stale page), and its files that are hard links to
    /// the live site's (pages an incremental build reused) are never written through: a build that fails after
    /// writing every page leaves the live site byte for byte as it was.
    func testTheReplacedSiteIsReusedInPlaceWithoutTouchingTheLiveSite() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("archbook-spare-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let fm = FileManager.default
        let docs = dir.appendingPathComponent("docs")
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        try fm.copyItem(at: Self.contentDir, to: docs)
        let site = dir.appendingPathComponent("_site")
        let spare = dir.appendingPathComponent(".archbook-cache/_site.spare")
        func build(_ extra: [String] = [], environment: [String: String] = [:]) throws -> RunResult {
            try ArchbookBinary.run(["build", docs.path, "--quiet"] + extra, in: dir, environment: environment)
        }
        func snapshot(_ root: URL) throws -> [String: Data] {
            var out: [String: Data] = [:]
            for path in try SiteTests.files(under: root) { out[path] = try Data(contentsOf: root.appendingPathComponent(path)) }
            return out
        }
        XCTAssertEqual(try build().status, 0)
        XCTAssertFalse(fm.fileExists(atPath: spare.path), "nothing replaced yet")
        XCTAssertEqual(try build(["--no-cache"]).status, 0)
        XCTAssertTrue(fm.fileExists(atPath: spare.appendingPathComponent(".archbook-site").path), "the replaced site is kept")

        // A forged spare: links out of it, a file where a folder goes, a stale page.
        let outside = dir.appendingPathComponent("outside.txt"), outsideDir = dir.appendingPathComponent("outside")
        try "outside\n".write(to: outside, atomically: true, encoding: .utf8)
        try fm.createDirectory(at: outsideDir, withIntermediateDirectories: true)
        try fm.removeItem(at: spare.appendingPathComponent("index.html"))
        try fm.createSymbolicLink(at: spare.appendingPathComponent("index.html"), withDestinationURL: outside)
        try fm.removeItem(at: spare.appendingPathComponent("kinds"))
        try fm.createSymbolicLink(at: spare.appendingPathComponent("kinds"), withDestinationURL: outsideDir)
        try fm.removeItem(at: spare.appendingPathComponent("status"))
        try "a file where a folder goes".write(to: spare.appendingPathComponent("status"), atomically: true, encoding: .utf8)
        try "stale".write(to: spare.appendingPathComponent("decisions/9999-gone.html"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try build(["--no-cache"]).status, 0)
        XCTAssertEqual(try String(contentsOf: outside, encoding: .utf8), "outside\n")
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: outsideDir.path), [])
        XCTAssertFalse(fm.fileExists(atPath: site.appendingPathComponent("decisions/9999-gone.html").path))
        let clean = dir.appendingPathComponent("clean")
        XCTAssertEqual(try ArchbookBinary.run(["build", docs.path, "--quiet", "--output", clean.path], in: dir).status, 0)
        XCTAssertEqual(try snapshot(site), try snapshot(clean))

        // An incremental build hard-links unchanged pages from the live site; the site it replaced becomes the spare,
        // sharing those files with the live site. The next build writes every page into the spare, then fails.
        let redis = docs.appendingPathComponent(Self.redis)
        try (String(contentsOf: redis, encoding: .utf8) + "\nMore context.\n").write(to: redis, atomically: true, encoding: .utf8)
        XCTAssertTrue(try build().err.contains("unchanged since the last build"))
        let live = try snapshot(site)
        try (String(contentsOf: redis, encoding: .utf8) + "\nEven more context.\n").write(to: redis, atomically: true, encoding: .utf8)
        try "# Intro\n\nChanged everywhere.\n".write(to: docs.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        let failed = try build(["--no-cache"], environment: ["ARCHBOOK_TEST_FAIL_WRITE": "assets/archbook.css"])
        XCTAssertEqual(failed.status, 2, failed.err)
        XCTAssertEqual(try snapshot(site), live, "the live site changed during a build that failed")
        XCTAssertEqual(try build().status, 0)
        XCTAssertTrue(try String(contentsOf: site.appendingPathComponent("decisions/0004-cache-carrier-rate-quotes-in-redis.html"), encoding: .utf8)
            .contains("Even more context."))

        // More incremental builds: the spare now holds, for each unchanged page, the very file the live site links
        // to, which is left as it is; the result is still the clean build's.
        for round in 1...2 {
            try (String(contentsOf: redis, encoding: .utf8) + "\nRound \(round).\n").write(to: redis, atomically: true, encoding: .utf8)
            XCTAssertTrue(try build().err.contains("unchanged since the last build"))
        }
        let unchanged = "decisions/0001-record-architecture-decisions.html"
        let inode = { (root: URL) in try fm.attributesOfItem(atPath: root.appendingPathComponent(unchanged).path)[.systemFileNumber] as? Int }
        XCTAssertEqual(try inode(site), try inode(spare), "an unchanged page is one file shared by the live site and the spare")
        let clean2 = dir.appendingPathComponent("clean2")
        XCTAssertEqual(try ArchbookBinary.run(["build", docs.path, "--quiet", "--output", clean2.path], in: dir).status, 0)
        XCTAssertEqual(try snapshot(site), try snapshot(clean2))
    }

    /// The bodies' pack: entries appended by several threads, read back by the next build, the index keeping only
    /// the documents still there, and the pack compacted when most of it is entries no index names any more.
    func testTheBodiesPackAppendsReadsAndCompacts() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("archbook-pack-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = dir.path + "/.archbook-cache/site"
        @Sendable func body(_ k: Int, _ version: Int) -> [UInt8] { Array("body \(k) version \(version) ".utf8) + Array(repeating: UInt8(65 + k % 26), count: 40_000) }
        let paths = (0..<40).map { "docs/\($0).md" }

        let first = PackBodyStore(base: base, reads: true)
        DispatchQueue.concurrentPerform(iterations: paths.count) { k in first.write(paths[k], body(k, 1)) }
        first.finish(keeping: paths)
        let size1 = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: base + ".bodies")[.size] as? Int)
        XCTAssertEqual(size1, (0..<40).reduce(0) { $0 + body($1, 1).count })

        // The next build reads them; it renders two again and one document is gone.
        let second = PackBodyStore(base: base, reads: true)
        for k in 0..<40 { XCTAssertEqual(second.read(paths[k]), body(k, 1)) }
        second.write(paths[3], body(3, 2))
        second.write(paths[7], body(7, 2))
        // A body written by this build is read back as written (its page is made from the pack).
        XCTAssertEqual(second.read(paths[3]), body(3, 2))
        XCTAssertEqual(second.read(paths[8]), body(8, 1))
        second.finish(keeping: paths.filter { $0 != paths[39] })
        let third = PackBodyStore(base: base, reads: true)
        XCTAssertEqual(third.read(paths[3]), body(3, 2))
        XCTAssertEqual(third.read(paths[7]), body(7, 2))
        XCTAssertEqual(third.read(paths[8]), body(8, 1))
        XCTAssertNil(third.read(paths[39]))
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: base + ".bodies")[.size] as? Int,
                       size1 + body(3, 2).count + body(7, 2).count, "appended, nothing rewritten")

        // Every body rendered again, twice over: most of the pack is dead, so it is compacted.
        for k in 0..<39 { third.write(paths[k], body(k, 3)) }
        for k in 0..<39 { third.write(paths[k], body(k, 4)) }
        third.finish(keeping: Array(paths.prefix(39)))
        let live = (0..<39).reduce(0) { $0 + body($1, 4).count }
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: base + ".bodies")[.size] as? Int, live)
        let fourth = PackBodyStore(base: base, reads: true)
        for k in 0..<39 { XCTAssertEqual(fourth.read(paths[k]), body(k, 4)) }

        // --no-cache: nothing read, the pack started afresh.
        let fresh = PackBodyStore(base: base, reads: false)
        XCTAssertNil(fresh.read(paths[0]))
        fresh.write(paths[0], body(0, 5))
        XCTAssertEqual(fresh.read(paths[0]), body(0, 5))
        XCTAssertNil(fresh.read(paths[1]))
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: base + ".bodies")[.size] as? Int, body(0, 5).count)
        XCTAssertFalse(FileManager.default.fileExists(atPath: base + ".bodies-index"))
    }
}
