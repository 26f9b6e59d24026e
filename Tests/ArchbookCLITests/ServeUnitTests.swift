// The pure parts of `archbook serve`: request paths, containment, media types, injection, debouncing, watch rules, status JSON, watchers.

@testable import ArchbookCLI
import ArchbookCore
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

final class ServeUnitTests: XCTestCase {
    // MARK: - Request paths

    func testRequestPathDecodesPlainPaths() {
        XCTAssertEqual(RequestPath(target: "/"), RequestPath(segments: [], trailingSlash: true))
        XCTAssertEqual(RequestPath(target: "/index.html?x=1#top"), RequestPath(segments: ["index.html"], trailingSlash: false))
        XCTAssertEqual(RequestPath(target: "/kinds/"), RequestPath(segments: ["kinds"], trailingSlash: true))
        XCTAssertEqual(RequestPath(target: "/a%20b/caf%C3%A9.html"), RequestPath(segments: ["a b", "café.html"], trailingSlash: false))
        XCTAssertEqual(RequestPath(target: "//a//b"), RequestPath(segments: ["a", "b"], trailingSlash: false))
        XCTAssertEqual(RequestPath(target: "/%252e%252e/x")?.segments, ["%2e%2e", "x"], "decoded once only")
        XCTAssertEqual(RequestPath(target: "/a..b/c...")?.segments, ["a..b", "c..."])
    }

    func testRequestPathRefusesWhatCouldLeaveTheSite() {
        let refused = ["", "index.html", "*", "http://127.0.0.1/index.html", "/..", "/../x", "/a/../x", "/./x", "/%2e%2e/x",
                       "/%2E%2e/x", "/.%2e/x", "/%2e/x", "/a%2f..%2fx", "/%2fetc%2fpasswd", "/a%5cb", "/a\\b", "/a%00b", "/a\u{0}b",
                       "/a%0ab", "/a%7f", "/.git/config", "/.archbook-site", "/%zz", "/%2", "/%e2%28%a1"]
        for target in refused {
            XCTAssertNil(RequestPath(target: target), target.debugDescription)
        }
    }

    func testEncodedPathForRedirects() {
        XCTAssertEqual(RequestPath(segments: ["a b", "café"], trailingSlash: false).encodedPath(trailingSlash: true), "/a%20b/caf%C3%A9/")
        XCTAssertEqual(RequestPath(segments: ["x?y#z"], trailingSlash: false).encodedPath(trailingSlash: false), "/x%3Fy%23z")
    }

    func testLocateStaysInsideTheRootThroughSymbolicLinks() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("archbook-locate-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: base) }
        let root = base.appendingPathComponent("site")
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("docs/inner"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("empty"), withIntermediateDirectories: true)
        try Data("home".utf8).write(to: root.appendingPathComponent("index.html"))
        try Data("inner".utf8).write(to: root.appendingPathComponent("docs/inner/index.html"))
        try Data("secret".utf8).write(to: base.appendingPathComponent("secret.txt"))
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("out").path, withDestinationPath: base.path)
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("leak.html").path, withDestinationPath: "../secret.txt")
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("alias.html").path, withDestinationPath: "index.html")
        let real = DiskSite.absolute(root.path)

        func locate(_ target: String) -> SiteLookup {
            guard let path = RequestPath(target: target) else { return .notFound }
            return SiteFiles.locate(path, root: real)
        }
        XCTAssertEqual(locate("/"), .file(real + "/index.html"))
        XCTAssertEqual(locate("/index.html"), .file(real + "/index.html"))
        XCTAssertEqual(locate("/alias.html"), .file(real + "/index.html"), "a link inside the site is fine")
        XCTAssertEqual(locate("/docs/inner"), .redirect("/docs/inner/"))
        XCTAssertEqual(locate("/docs/inner/"), .file(real + "/docs/inner/index.html"))
        XCTAssertEqual(locate("/docs"), .notFound, "a folder without index.html")
        XCTAssertEqual(locate("/empty/"), .notFound)
        XCTAssertEqual(locate("/index.html/"), .notFound)
        XCTAssertEqual(locate("/out/secret.txt"), .notFound)
        XCTAssertEqual(locate("/out/"), .notFound)
        XCTAssertEqual(locate("/leak.html"), .notFound)
        XCTAssertEqual(locate("/missing.html"), .notFound)
        XCTAssertEqual(SiteFiles.read(real + "/index.html"), Array("home".utf8))
        XCTAssertNil(SiteFiles.read(real + "/leak.html"), "reading never follows a link")
    }

    // MARK: - What serve adds to responses

    func testMediaTypes() {
        XCTAssertEqual(MediaType.of("index.html"), "text/html; charset=utf-8")
        XCTAssertEqual(MediaType.of("assets/archbook.css"), "text/css; charset=utf-8")
        XCTAssertEqual(MediaType.of("assets/archbook.js"), "text/javascript; charset=utf-8")
        XCTAssertEqual(MediaType.of("search/index.json"), "application/json")
        XCTAssertEqual(MediaType.of("assets/favicon.svg"), "image/svg+xml")
        XCTAssertEqual(MediaType.of("feed.xml"), "application/xml")
        XCTAssertEqual(MediaType.of("img/ARCH.PNG"), "image/png")
        XCTAssertEqual(MediaType.of("photo.jpeg"), "image/jpeg")
        XCTAssertEqual(MediaType.of("font.woff2"), "font/woff2")
        XCTAssertEqual(MediaType.of("notes.txt"), "text/plain; charset=utf-8")
        XCTAssertEqual(MediaType.of("archive.bin"), "application/octet-stream")
        XCTAssertEqual(MediaType.of("Makefile"), "application/octet-stream")
        XCTAssertEqual(MediaType.of(".hidden"), "application/octet-stream")
        XCTAssertEqual(MediaType.of("dir.d/file"), "application/octet-stream")
    }

    func testInjectionGoesBeforeTheLastBodyEndTag() {
        let tag = ReloadInjection.tag(session: "abc", site: 3)
        XCTAssertEqual(tag, "<script src=\"/__archbook/reload.js?session=abc&amp;site=3\"></script>")
        func inject(_ html: String) -> String { String(decoding: ReloadInjection.inject("<T>", into: Array(html.utf8)), as: UTF8.self) }
        XCTAssertEqual(inject("<p>a</p></body></html>"), "<p>a</p><T></body></html>")
        XCTAssertEqual(inject("<pre>&lt;/body></pre></BODY >\n"), "<pre>&lt;/body></pre><T></BODY >\n")
        XCTAssertEqual(inject("<code></body></code></body>"), "<code></body></code><T></body>")
        XCTAssertEqual(inject("<p>no end tag"), "<p>no end tag<T>")
        XCTAssertEqual(inject(""), "<T>")
    }

    func testNotFoundPageLinksBecomeRootRelative() {
        let html = #"<link rel="stylesheet" href="./assets/archbook.css"><a href="index.html">home</a><a href="https://x.org/a">x</a>"#
            + ##"<a href="/abs">a</a><a href="#top">t</a><a href="mailto:a@b">m</a><script src="assets/archbook.js"></script><a href="">e</a>"##
        let out = String(decoding: ReloadInjection.rootRelativeLinks(Array(html.utf8)), as: UTF8.self)
        XCTAssertEqual(out, #"<link rel="stylesheet" href="/assets/archbook.css"><a href="/index.html">home</a><a href="https://x.org/a">x</a>"#
            + ##"<a href="/abs">a</a><a href="#top">t</a><a href="mailto:a@b">m</a><script src="/assets/archbook.js"></script><a href="">e</a>"##)
    }

    func testReloadScriptWritesTextOnly() {
        let js = ReloadScript.javascript
        XCTAssertFalse(js.contains("innerHTML"))
        XCTAssertFalse(js.contains("outerHTML"))
        XCTAssertFalse(js.contains("insertAdjacentHTML"))
        XCTAssertFalse(js.contains("document.write"))
        XCTAssertFalse(js.contains("eval("))
        XCTAssertTrue(js.contains("textContent"))
        XCTAssertTrue(js.contains("/__archbook/events"))
        XCTAssertTrue(js.contains("/__archbook/diagnostics.json"))
        XCTAssertFalse(ReloadScript.stylesheet.contains("@import"))
    }

    // MARK: - Status and events

    func testStatusJSONListsProblemsAsTheTerminalShowsThem() throws {
        let diagnostics = [
            Diagnostic(rule: "broken-link", severity: .error, file: "adr/0001-a.md", position: SourcePosition(line: 3, column: 7),
                       message: "link target 'x.md' does not exist", hint: "Fix the path."),
            Diagnostic(rule: "empty-section", severity: .warning, file: "adr/0002-b.md", position: SourcePosition(line: 9, column: 1),
                       message: "section 'Consequences' is empty <script>"),
        ]
        let status = PreviewStatus(session: "s1", site: 4, attempt: 6, diagnostics: diagnostics, documents: 2, displayPrefix: "docs")
        let json = String(decoding: status.json(), as: UTF8.self)
        XCTAssertEqual(json, #"{"attempt":6,"digest":"\#(status.digest)","documents":2,"errors":1,"problems":[{"column":7,"file":"docs/adr/0001-a.md","hint":"Fix the path.","line":3,"message":"link target 'x.md' does not exist","rule":"broken-link","severity":"error"},{"column":1,"file":"docs/adr/0002-b.md","line":9,"message":"section 'Consequences' is empty <script>","rule":"empty-section","severity":"warning"}],"session":"s1","site":4,"warnings":1}"#)
        XCTAssertEqual(try JSONDecoder().decode(PreviewStatus.self, from: Data(json.utf8)), status)
        XCTAssertEqual(status.eventData(), #"{"attempt":6,"session":"s1","site":4}"#)

        let failed = status.failed("docs/archbook.yml:3:1: invalid YAML", attempt: 7)
        XCTAssertEqual(failed.site, 4, "the old site is still served")
        XCTAssertEqual(failed.attempt, 7)
        XCTAssertEqual(failed.problems, [])
        XCTAssertEqual(failed.failure, "docs/archbook.yml:3:1: invalid YAML")

        // The digest follows what is shown, not when.
        let again = PreviewStatus(session: "s2", site: 9, attempt: 12, diagnostics: diagnostics, documents: 2, displayPrefix: "docs/")
        XCTAssertEqual(again.digest, status.digest)
        XCTAssertNotEqual(failed.digest, status.digest)
        XCTAssertNotEqual(PreviewStatus(session: "s", site: 1, attempt: 1, diagnostics: Array(diagnostics.prefix(1)), documents: 2,
                                        displayPrefix: "docs").digest, status.digest)
        XCTAssertEqual(status.digest.count, 16)
    }

    func testServerSentEventFormat() {
        XCTAssertEqual(String(decoding: ServerSentEvent.message(event: "reload", data: "{\"site\":2}"), as: UTF8.self),
                       "event: reload\ndata: {\"site\":2}\n\n")
        XCTAssertEqual(String(decoding: ServerSentEvent.message(event: "x", data: "a\nb"), as: UTF8.self), "event: x\ndata: a\ndata: b\n\n")
    }

    func testEventHubDropsStreamsWhoseReaderIsGone() async {
        let hub = EventHub()
        var stream: EventStreamBytes? = hub.subscribe { Array("first".utf8) }
        XCTAssertEqual(hub.count, 1)
        var iterator = stream!.makeAsyncIterator()
        let first = await iterator.nextBuffer(suggested: 3)
        XCTAssertEqual(first, Array("fir".utf8))
        let rest = await iterator.nextBuffer(suggested: 100)
        XCTAssertEqual(rest, Array("st".utf8))
        hub.broadcast(Array("two".utf8))
        let two = await iterator.nextBuffer(suggested: 100)
        XCTAssertEqual(two, Array("two".utf8))
        stream = nil
        iterator = hub.subscribe { [] }.makeAsyncIterator()
        XCTAssertEqual(hub.count, 1, "the first stream's entry went with its reader")
        _ = iterator
    }

    // MARK: - Watching

    func testDebouncerWaitsForQuietWithinALimit() {
        var d = Debouncer(quietMilliseconds: 100, limitMilliseconds: 1000)
        let ms: UInt64 = 1_000_000
        XCTAssertNil(d.deadline)
        XCTAssertFalse(d.fire(at: 0))
        d.record(at: 10 * ms)
        XCTAssertEqual(d.deadline, 110 * ms)
        XCTAssertFalse(d.fire(at: 109 * ms))
        d.record(at: 50 * ms)
        XCTAssertEqual(d.deadline, 150 * ms, "each event pushes the rebuild back")
        XCTAssertTrue(d.fire(at: 150 * ms))
        XCTAssertNil(d.deadline, "fired once")
        XCTAssertFalse(d.fire(at: 200 * ms))
        // A steady stream of events still rebuilds after the limit.
        for t in stride(from: 1000, through: 2100, by: 50) { d.record(at: UInt64(t) * ms) }
        XCTAssertEqual(d.deadline, 2000 * ms)
        XCTAssertTrue(d.fire(at: 2100 * ms))
    }

    func testWatchFilterIgnoresEditorFilesAndOutput() {
        for name in [".git", ".0001-a.md.swp", ".#0001-a.md", "0001-a.md~", "4913", "#0001-a.md#", "x.swx", "x.md___jb_tmp___",
                     "node_modules", "_site", ".archbook-cache", ".DS_Store"] {
            XCTAssertTrue(WatchFilter.isIgnoredName(Substring(name)), name)
        }
        for name in ["0001-a.md", "archbook.yml", "img", "4914", "a#b.md", "README.md", "layout.mustache"] {
            XCTAssertFalse(WatchFilter.isIgnoredName(Substring(name)), name)
        }
        let plan = WatchPlan(trees: ["/r/docs", "/r/theme", "/r/docs/sub"], files: ["/r/archbook.yml", "/r/docs/archbook.yml", "/r/docs/.hidden.yml"],
                             excluded: ["/r/docs/out"])
        XCTAssertEqual(plan.trees, ["/r/docs", "/r/theme"], "a tree inside another is covered")
        XCTAssertEqual(plan.files, ["/r/archbook.yml", "/r/docs/.hidden.yml"], "a file the tree ignores stays watched on its own")
        XCTAssertEqual(plan.fileFolders, ["/r", "/r/docs"])
        XCTAssertTrue(plan.matters("/r/docs/adr/0001.md"))
        XCTAssertTrue(plan.matters("/r/docs"))
        XCTAssertTrue(plan.matters("/r/theme/templates/layout.mustache"))
        XCTAssertTrue(plan.matters("/r/archbook.yml"))
        XCTAssertTrue(plan.matters("/r/docs/.hidden.yml"))
        XCTAssertFalse(plan.matters("/r/other.yml"), "the configuration's folder is watched for that file only")
        XCTAssertFalse(plan.matters("/r/docs/.git/index"))
        XCTAssertFalse(plan.matters("/r/docs/adr/.0001.md.swp"))
        XCTAssertFalse(plan.matters("/r/docs/out/index.html"))
        XCTAssertFalse(plan.matters("/r/docs/node_modules/x/README.md"))
        XCTAssertFalse(plan.matters("/r/docsx/a.md"))
    }

    func testPollingChangesComparesStamps() {
        typealias S = PollingWatcher.Stamp
        let a = S(modified: 1, modifiedNanoseconds: 0, changed: 1, changedNanoseconds: 0, size: 10, inode: 5)
        var b = a
        b.modifiedNanoseconds = 1
        var c = a
        c.inode = 6
        XCTAssertEqual(PollingWatcher.changes(from: ["x": a, "y": a, "z": a], to: ["x": a, "y": b, "w": a, "z": c]), ["w", "y", "z"])
        XCTAssertEqual(PollingWatcher.changes(from: ["x": a], to: ["x": a]), [])
        XCTAssertEqual(PollingWatcher.changes(from: ["x": a], to: [:]), ["x"])
    }

    /// Both watchers on a real folder: an edit, a new folder and a file in it, an ignored file.
    func checkWatcher(_ make: (WatchPlan) throws -> any FileWatcher) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("archbook-watch-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("adr"), withIntermediateDirectories: true)
        try Data("a".utf8).write(to: root.appendingPathComponent("adr/0001.md"))
        let real = DiskSite.absolute(root.path)
        let watcher = try make(WatchPlan(trees: [real], files: []))

        func collect(until done: (Set<String>) -> Bool) throws -> Set<String> {
            var seen = Set<String>()
            let end = Date().addingTimeInterval(10)
            while Date() < end && !done(seen) { seen.formUnion(try watcher.wait(milliseconds: 100)) }
            return seen
        }
        XCTAssertEqual(try watcher.wait(milliseconds: 0), [])
        try Data(".swp".utf8).write(to: root.appendingPathComponent("adr/.0001.md.swp"))
        try Data("b".utf8).write(to: root.appendingPathComponent("adr/0001.md"))
        let edited = try collect { $0.contains(real + "/adr/0001.md") }
        XCTAssertTrue(edited.contains(real + "/adr/0001.md"), "\(edited)")
        XCTAssertFalse(edited.contains(real + "/adr/.0001.md.swp"))
        // A new folder with a file: inotify reports the folder (the file may come before its watch), polling the file.
        try FileManager.default.createDirectory(at: root.appendingPathComponent("adr/new"), withIntermediateDirectories: true)
        try Data("c".utf8).write(to: root.appendingPathComponent("adr/new/0002.md"))
        let created = try collect { $0.contains(real + "/adr/new") || $0.contains(real + "/adr/new/0002.md") }
        XCTAssertFalse(created.isEmpty)
        // From then on the folder is watched.
        try Data("cc".utf8).write(to: root.appendingPathComponent("adr/new/0002.md"))
        let added = try collect { $0.contains(real + "/adr/new/0002.md") }
        XCTAssertTrue(added.contains(real + "/adr/new/0002.md"), "\(added)")
        // A renamed folder is watched under its new name, and a new folder under the old name is watched too.
        try FileManager.default.moveItem(at: root.appendingPathComponent("adr/new"), to: root.appendingPathComponent("adr/renamed"))
        _ = try collect { $0.contains(real + "/adr/renamed") || $0.contains(real + "/adr/renamed/0002.md") }
        try Data("d".utf8).write(to: root.appendingPathComponent("adr/renamed/0002.md"))
        let renamed = try collect { $0.contains(real + "/adr/renamed/0002.md") }
        XCTAssertTrue(renamed.contains(real + "/adr/renamed/0002.md"), "\(renamed)")
        XCTAssertFalse(renamed.contains(real + "/adr/new/0002.md"), "\(renamed)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("adr/new"), withIntermediateDirectories: true)
        try Data("e".utf8).write(to: root.appendingPathComponent("adr/new/0003.md"))
        _ = try collect { $0.contains(real + "/adr/new") || $0.contains(real + "/adr/new/0003.md") }
        try Data("ee".utf8).write(to: root.appendingPathComponent("adr/new/0003.md"))
        let recreated = try collect { $0.contains(real + "/adr/new/0003.md") }
        XCTAssertTrue(recreated.contains(real + "/adr/new/0003.md"), "\(recreated)")
        try FileManager.default.removeItem(at: root.appendingPathComponent("adr/new"))
        let removed = try collect { $0.contains(real + "/adr/new") || $0.contains(real + "/adr/new/0003.md") }
        XCTAssertFalse(removed.isEmpty)
    }

    func testInotifyWatcher() throws {
        try checkWatcher { try InotifyWatcher(plan: $0) }
    }

    func testPollingWatcher() throws {
        try checkWatcher { PollingWatcher(plan: $0, intervalMilliseconds: 50) }
    }
}
