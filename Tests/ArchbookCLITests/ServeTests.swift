// `archbook serve` end to end: the real binary on a free loopback port, read with raw HTTP and its event stream.

import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

final class ServeTests: XCTestCase {
    static let fixture = SiteTests.siteDir.appendingPathComponent("fixture")
    static let decision = "decisions/0001-use-postgresql"

    /// A scratch folder holding a copy of the site fixture as `docs/`.
    func makeDocs() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("archbook-serve-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: Self.fixture, to: dir.appendingPathComponent("docs"))
        return dir
    }

    func write(_ text: String, to path: String, in dir: URL) throws {
        try Data(text.utf8).write(to: dir.appendingPathComponent(path))
    }

    func append(_ text: String, to path: String, in dir: URL) throws {
        let handle = try FileHandle(forWritingTo: dir.appendingPathComponent(path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    /// Every file under `root`, relative, sorted.
    func files(under root: URL) throws -> [String] {
        try SiteTests.files(under: root)
    }

    // MARK: - Serving

    func testServesEveryBuiltFileWithItsTypeAndTheBuiltBytes() throws {
        let dir = try makeDocs()
        let build = try ArchbookBinary.run(["build", "docs", "-o", "built", "--quiet"], in: dir)
        XCTAssertEqual(build.status, 1, build.err)
        let serve = try ServeProcess(["docs", "--quiet"], in: dir)
        defer { serve.stop() }

        let expectedTypes = ["html": "text/html; charset=utf-8", "css": "text/css; charset=utf-8",
                             "js": "text/javascript; charset=utf-8", "json": "application/json",
                             "svg": "image/svg+xml", "xml": "application/xml", "png": "image/png"]
        let built = dir.appendingPathComponent("built")
        var seenTypes = Set<String>()
        for path in try files(under: built) where !path.hasPrefix(".") {
            let reply = try serve.get("/" + path.split(separator: "/").map {
                $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!
            }.joined(separator: "/"))
            XCTAssertEqual(reply.status, 200, path)
            let ext = String(path.split(separator: ".").last!)
            if let type = expectedTypes[ext] {
                XCTAssertEqual(reply.headers["content-type"], type, path)
                seenTypes.insert(ext)
            }
            XCTAssertEqual(reply.headers["cache-control"], "no-store", path)
            let file = try [UInt8](Data(contentsOf: built.appendingPathComponent(path)))
            if ext == "html" {
                // The only difference: one script tag before </body>.
                let tag = try XCTUnwrap(reply.text.range(of: #"<script src="/__archbook/reload\.js\?session=[0-9a-f]+&amp;site=1"></script>"#,
                                                          options: .regularExpression), path)
                var text = reply.text
                text.removeSubrange(tag)
                XCTAssertEqual(Array(text.utf8), file, path)
                XCTAssertTrue(reply.text[tag.upperBound...].hasPrefix("</body>"), path)
            } else {
                XCTAssertEqual(reply.body, file, path)
            }
        }
        XCTAssertEqual(seenTypes, Set(expectedTypes.keys), "the fixture's site has one file of each type")

        // Folders give their index.html; without the slash they redirect so relative links resolve.
        let home = try serve.get("/")
        XCTAssertEqual(home.status, 200)
        XCTAssertTrue(home.text.contains("/__archbook/reload.js"))
        let kinds = try files(under: built).first { $0.hasSuffix("/index.html") }
        if let kinds {
            let folder = String(kinds.dropLast("/index.html".count))
            XCTAssertEqual(try serve.get("/\(folder)").headers["location"], "/\(folder)/")
        }
        // HEAD: the headers of GET, no body.
        let head = try RawHTTP.get(port: serve.port, "/index.html", method: "HEAD")
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.body, [])
        XCTAssertEqual(head.headers["content-length"], String(home.body.count))
        XCTAssertEqual(try RawHTTP.get(port: serve.port, "/index.html", method: "POST").status, 405)

        // A missing page gets the site's 404 page, its links made root-relative so they work at any depth.
        let missing = try serve.get("/decisions/no-such-page.html")
        XCTAssertEqual(missing.status, 404)
        XCTAssertTrue(missing.text.contains("Page not found"), missing.text)
        XCTAssertTrue(missing.text.contains("href=\"/assets/archbook.css\""), missing.text)
        XCTAssertTrue(missing.text.contains("src=\"/assets/archbook.js\""), missing.text)
        XCTAssertTrue(missing.text.contains("/__archbook/reload.js"))

        // serve's own files.
        let script = try serve.get("/__archbook/reload.js")
        XCTAssertEqual(script.status, 200)
        XCTAssertEqual(script.headers["content-type"], "text/javascript; charset=utf-8")
        XCTAssertFalse(script.text.contains("innerHTML"))
        XCTAssertEqual(try serve.get("/__archbook/overlay.css").headers["content-type"], "text/css; charset=utf-8")
        XCTAssertEqual(try serve.get("/__archbook/nothing").status, 404)
        XCTAssertEqual(serve.stop(), 0)
    }

    func testRequestsOutsideTheSiteGet404AndReadNothing() throws {
        let dir = try makeDocs()
        let secret = "TOP-SECRET-\(UUID().uuidString)"
        try write(secret, to: "secret.txt", in: dir)
        let serve = try ServeProcess(["docs", "--quiet"], in: dir)
        defer { serve.stop() }
        // Links planted in the served folder itself, pointing out of it: a folder and a file.
        let site = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: serve.workDir).first { $0.hasPrefix("site-") })
        let siteDir = serve.workDir + "/" + site
        try FileManager.default.createSymbolicLink(atPath: siteDir + "/outside", withDestinationPath: dir.path)
        try FileManager.default.createSymbolicLink(atPath: siteDir + "/secret.html", withDestinationPath: dir.appendingPathComponent("secret.txt").path)
        let secretPath = dir.appendingPathComponent("secret.txt").path
        let depth = String(repeating: "../", count: 12)
        let targets = [
            "/../secret.txt", "/../../secret.txt", "/assets/../../secret.txt",
            "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/%2e%2e%2fsecret.txt", "/..%2fsecret.txt", "/assets/..%2f..%2fsecret.txt",
            "/%252e%252e/secret.txt", "/.%2e/secret.txt", "/..\\secret.txt", "/%5c..%5csecret.txt",
            "/" + depth + "etc/passwd", "//etc/passwd", "/%2fetc%2fpasswd", secretPath, "/" + secretPath.dropFirst().replacingOccurrences(of: "/", with: "%2f"),
            "http://127.0.0.1/../secret.txt", "secret.txt", "*",
            "/index.html%00", "/index.html%00.txt", "/%00../secret.txt",
            "/outside/secret.txt", "/outside/", "/secret.html", "/.archbook-site", "/%2earchbook-site",
            "/%zz", "/%e2%28%a1",
        ]
        for target in targets {
            let reply = try RawHTTP.exchange(port: serve.port, Array("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8))
            XCTAssertEqual(reply.status, 404, target)
            XCTAssertFalse(reply.text.contains(secret), target)
            XCTAssertFalse(reply.text.contains("root:x:0"), target)
        }
        // A raw NUL byte in the request line.
        let nul = try RawHTTP.exchange(port: serve.port, Array("GET /index.html".utf8) + [0] + Array("/../../secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
        XCTAssertNotEqual(nul.status, 200)
        XCTAssertFalse(nul.text.contains(secret))
        // The server is still fine.
        XCTAssertEqual(try serve.get("/index.html").status, 200)
    }

    // MARK: - Rebuild and reload

    @discardableResult
    func checkEditReloads(environment: [String: String] = [:], arguments: [String] = [], expectWatcher: String) throws -> String {
        let dir = try makeDocs()
        let serve = try ServeProcess(["docs", "--quiet"] + arguments, in: dir, environment: environment)
        defer { serve.stop() }
        XCTAssertTrue(serve.stderr.text.contains("watching for changes with \(expectWatcher)"), serve.stderr.text)
        let events = try EventStreamReader(port: serve.port)
        let hello = EventStreamReader.fields(try XCTUnwrap(events.next("hello")))
        XCTAssertEqual(hello["site"] as? Int, 1)

        // Editor droppings and ignored folders do not rebuild.
        try write("x", to: "docs/decisions/.0001-use-postgresql.md.swp", in: dir)
        try write("x", to: "docs/decisions/4913", in: dir)
        try write("x", to: "docs/decisions/0001-use-postgresql.md~", in: dir)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("docs/.git"), withIntermediateDirectories: true)
        try write("x", to: "docs/.git/index", in: dir)
        XCTAssertNil(events.next("reload", timeout: 1.2), "ignored files rebuilt the site")

        let page = "docs/\(Self.decision).md"
        var text = try String(contentsOf: dir.appendingPathComponent(page), encoding: .utf8)
        text = text.replacingOccurrences(of: "# 1. Use PostgreSQL", with: "# 1. Use PostgreSQL everywhere")
        XCTAssertTrue(text.contains("everywhere"))
        try write(text, to: page, in: dir)
        let reload = EventStreamReader.fields(try XCTUnwrap(events.next("reload"), serve.stderr.text))
        XCTAssertEqual(reload["site"] as? Int, 2)
        XCTAssertEqual(reload["attempt"] as? Int, 2, "one rebuild for the edit, none for the ignored files")
        XCTAssertTrue(try serve.get("/\(Self.decision).html").text.contains("Use PostgreSQL everywhere"))
        XCTAssertTrue(try serve.get("/index.html").text.contains("site=2"))
        XCTAssertTrue(eventually(timeout: 5) { serve.stderr.text.contains("changed: docs/\(Self.decision).md") }, serve.stderr.text)

        // A new folder with a new document; the folder is watched from then on.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("docs/decisions/more"), withIntermediateDirectories: true)
        try write("# Notes\n\nFirst.\n", to: "docs/decisions/more/notes.md", in: dir)
        XCTAssertNotNil(events.next("reload"), serve.stderr.text)
        XCTAssertTrue(eventually { (try? serve.get("/decisions/more/notes.html").status) == 200 }, serve.stderr.text)
        try append("Second.\n", to: "docs/decisions/more/notes.md", in: dir)
        XCTAssertTrue(eventually { (try? serve.get("/decisions/more/notes.html").text.contains("Second.")) == true }, serve.stderr.text)
        // Only the newest build folder is kept.
        XCTAssertTrue(eventually { (try? FileManager.default.contentsOfDirectory(atPath: serve.workDir).count) == 1 })
        return serve.stderr.text
    }

    func testEditReloadsPagesWithInotify() throws {
        try checkEditReloads(expectWatcher: "inotify")
    }

    func testEditReloadsPagesWithPolling() throws {
        try checkEditReloads(arguments: ["--poll"], expectWatcher: "polling")
    }

    func testPollingForcedByEnvironment() throws {
        let dir = try makeDocs()
        let serve = try ServeProcess(["docs", "--quiet"], in: dir, environment: ["ARCHBOOK_SERVE_POLL": "1"])
        defer { serve.stop() }
        XCTAssertTrue(serve.stderr.text.contains("watching for changes with polling"), serve.stderr.text)
    }

    func testWatchLimitFallsBackToPolling() throws {
        // At start: the fixture has five folders.
        let atStart = try checkEditReloads(environment: ["ARCHBOOK_TEST_WATCH_LIMIT": "2"], expectWatcher: "polling")
        XCTAssertTrue(atStart.contains("archbook: inotify watch limit reached (ARCHBOOK_TEST_WATCH_LIMIT=2); watching for changes by polling every 0.5 s instead\n"), atStart)
        // While running: the sixth folder, made by the test, is one too many.
        let later = try checkEditReloads(environment: ["ARCHBOOK_TEST_WATCH_LIMIT": "5"], expectWatcher: "inotify")
        XCTAssertTrue(later.contains("archbook: inotify watch limit reached (ARCHBOOK_TEST_WATCH_LIMIT=5); watching for changes by polling every 0.5 s instead\n"), later)
    }

    func testNewErrorShowsInDiagnosticsAndTerminal() throws {
        let dir = try makeDocs()
        let serve = try ServeProcess(["docs", "--format", "json"], in: dir)
        defer { serve.stop() }
        let before = try JSONSerialization.jsonObject(with: Data(serve.get("/__archbook/diagnostics.json").body)) as? [String: Any]
        XCTAssertEqual(before?["errors"] as? Int, 1)
        XCTAssertEqual(before?["site"] as? Int, 1)
        let events = try EventStreamReader(port: serve.port)
        XCTAssertNotNil(events.next("hello"))

        let page = "docs/\(Self.decision).md"
        var text = try String(contentsOf: dir.appendingPathComponent(page), encoding: .utf8)
        text += "\nSee [the plan](no-such-plan.md).\n"
        try write(text, to: page, in: dir)
        XCTAssertNotNil(events.next("reload"))
        let reply = try serve.get("/__archbook/diagnostics.json")
        XCTAssertEqual(reply.headers["content-type"], "application/json")
        let status = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(reply.body)) as? [String: Any])
        XCTAssertEqual(status["errors"] as? Int, 2)
        XCTAssertNil(status["failure"])
        let problems = try XCTUnwrap(status["problems"] as? [[String: Any]])
        let added = try XCTUnwrap(problems.first { ($0["message"] as? String)?.contains("no-such-plan.md") == true }, "\(problems)")
        XCTAssertEqual(added["file"] as? String, "docs/\(Self.decision).md")
        XCTAssertEqual(added["severity"] as? String, "error")
        XCTAssertEqual(added["rule"] as? String, "broken-link")
        XCTAssertEqual(added["line"] as? Int, text.split(separator: "\n", omittingEmptySubsequences: false).count - 1)
        XCTAssertEqual(added["column"] as? Int, 5)
        // The terminal got the report `archbook check --format json` prints, after each build.
        let check = try ArchbookBinary.run(["check", "docs", "--format", "json"], in: dir)
        XCTAssertTrue(eventually(timeout: 10) { serve.stdout.text.hasSuffix(check.out) }, "last report:\n\(serve.stdout.text.suffix(600))")
    }

    func testBrokenConfigKeepsTheLastSiteServedAndShowsWhy() throws {
        let dir = try makeDocs()
        try write("site:\n  title: Before title\n", to: "docs/archbook.yml", in: dir)
        let serve = try ServeProcess(["docs", "--quiet"], in: dir)
        defer { serve.stop() }
        let events = try EventStreamReader(port: serve.port)
        XCTAssertNotNil(events.next("hello"))
        let page = try serve.get("/\(Self.decision).html")
        XCTAssertTrue(page.text.contains("Before title"))

        try write("site:\n  title: [unclosed\n", to: "docs/archbook.yml", in: dir)
        let failed = EventStreamReader.fields(try XCTUnwrap(events.next("status"), serve.stderr.text))
        XCTAssertEqual(failed["site"] as? Int, 1, "still the first site")
        let status = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(serve.get("/__archbook/diagnostics.json").body)) as? [String: Any])
        let failure = try XCTUnwrap(status["failure"] as? String)
        XCTAssertTrue(failure.contains("archbook.yml:3:1: invalid YAML"), failure)
        XCTAssertEqual(status["site"] as? Int, 1)
        let still = try serve.get("/\(Self.decision).html")
        XCTAssertEqual(still.status, 200)
        XCTAssertEqual(still.body, page.body, "the last good site is served unchanged")
        XCTAssertTrue(eventually(timeout: 5) { serve.stderr.text.contains("still serving the last site that built") }, serve.stderr.text)

        try write("site:\n  title: After title\n", to: "docs/archbook.yml", in: dir)
        let fixed = EventStreamReader.fields(try XCTUnwrap(events.next("reload"), serve.stderr.text))
        XCTAssertEqual(fixed["site"] as? Int, 2)
        XCTAssertTrue(try serve.get("/\(Self.decision).html").text.contains("After title"))
        let after = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(serve.get("/__archbook/diagnostics.json").body)) as? [String: Any])
        XCTAssertNil(after["failure"])
    }

    func testConfigAndThemeOutsideTheDocsTreeAreWatched() throws {
        let dir = try makeDocs()
        try write("site:\n  title: First\n", to: "handbook.yml", in: dir)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("mytheme/templates"), withIntermediateDirectories: true)
        let serve = try ServeProcess(["docs", "--quiet", "--config", "handbook.yml", "--theme", "mytheme"], in: dir)
        defer { serve.stop() }
        let events = try EventStreamReader(port: serve.port)
        XCTAssertNotNil(events.next("hello"))
        try write("site:\n  title: Second\n", to: "handbook.yml", in: dir)
        XCTAssertNotNil(events.next("reload"), serve.stderr.text)
        XCTAssertTrue(try serve.get("/index.html").text.contains("Second"))
        let layout = try String(contentsOf: ArchbookBinary.packageRoot.appendingPathComponent("themes/default/templates/notfound.mustache"), encoding: .utf8)
        try write(layout.replacingOccurrences(of: "Page not found", with: "Lost in the handbook"), to: "mytheme/templates/notfound.mustache", in: dir)
        XCTAssertNotNil(events.next("reload"), serve.stderr.text)
        XCTAssertTrue(try serve.get("/404.html").text.contains("Lost in the handbook"))
    }

    /// `serve --follow-symlinks` serves the file a link outside the docs tree leads to; without the flag it is not published.
    func testFollowSymlinksServesLinkedFilesOutsideTheTree() throws {
        let dir = try makeDocs()
        try write("PNG outside\n", to: "outside.png", in: dir)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("docs/decisions/outside.png").path,
                                                   withDestinationPath: "../../outside.png")
        try write("# Uses an image\n\n![outside](outside.png)\n", to: "docs/decisions/notes.md", in: dir)
        let plain = try ServeProcess(["docs", "--quiet"], in: dir)
        XCTAssertEqual(try plain.get("/decisions/outside.png").status, 404)
        plain.stop()
        let followed = try ServeProcess(["docs", "--quiet", "--follow-symlinks"], in: dir)
        defer { followed.stop() }
        let image = try followed.get("/decisions/outside.png")
        XCTAssertEqual(image.status, 200)
        XCTAssertEqual(image.text, "PNG outside\n")
    }

    // MARK: - Starting and stopping

    /// A linked SVG that gains a handler while serve runs leaves the site on the next rebuild, and comes back clean.
    func testLinkedFileThatBecomesActiveLeavesTheServedSite() throws {
        let dir = try makeDocs()
        let plain = "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"4\" height=\"4\"/></svg>\n"
        try write(plain, to: "docs/decisions/img/flow.svg", in: dir)
        try write("# Flow\n\n![flow](img/flow.svg)\n", to: "docs/decisions/flow.md", in: dir)
        let serve = try ServeProcess(["docs", "--quiet"], in: dir)
        defer { serve.stop() }
        XCTAssertEqual(try serve.get("/decisions/img/flow.svg").text, plain)
        let events = try EventStreamReader(port: serve.port)
        XCTAssertNotNil(events.next("hello"))

        try write("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>\n", to: "docs/decisions/img/flow.svg", in: dir)
        XCTAssertNotNil(events.next("reload"))
        XCTAssertEqual(try serve.get("/decisions/img/flow.svg").status, 404)
        XCTAssertTrue(try serve.get("/decisions/flow.html").text.contains(#"<img class="broken-image" title="Not published: &#39;img/flow.svg&#39; has an event-handler attribute (onload=) on line 1" alt="flow" />"#))
        let status = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(serve.get("/__archbook/diagnostics.json").body)) as? [String: Any])
        let problems = try XCTUnwrap(status["problems"] as? [[String: Any]])
        XCTAssertTrue(problems.contains { $0["rule"] as? String == "active-file" && $0["file"] as? String == "docs/decisions/flow.md" }, "\(problems)")

        try write(plain, to: "docs/decisions/img/flow.svg", in: dir)
        XCTAssertNotNil(events.next("reload"))
        XCTAssertEqual(try serve.get("/decisions/img/flow.svg").text, plain)
    }

    func testPortInUseIsAClearErrorWithExitTwo() throws {
        let dir = try makeDocs()
        // Hold a port by listening on it.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        XCTAssertEqual(listen(fd, 1), 0)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        let port = Int(UInt16(bigEndian: addr.sin_port))

        let serve = try ServeProcess(["docs", "--port", String(port)], in: dir, expectFailure: true)
        XCTAssertEqual(serve.process.terminationStatus, 2)
        XCTAssertEqual(serve.stderr.text,
                       "archbook: error: port \(port) on 127.0.0.1 is already in use; stop the program using it or choose another port with --port (--port 0 picks a free one)\n")
        XCTAssertEqual(serve.stdout.text, "", "nothing was built")

        let bad = try ArchbookBinary.run(["serve", "docs", "--port", "70000"], in: dir)
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.err.contains("--port must be between 0 and 65535"), bad.err)
        let host = try ArchbookBinary.run(["serve", "docs", "--port", "0", "--host", "example.org"], in: dir)
        XCTAssertEqual(host.status, 2)
        XCTAssertTrue(host.err.contains("--host 'example.org' is not an IP address"), host.err)
    }

    func testFirstBuildFailureExitsTwoAndLeavesNothingBehind() throws {
        let dir = try makeDocs()
        try write("site:\n  title: [unclosed\n", to: "docs/archbook.yml", in: dir)
        let tmp = dir.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        let serve = try ServeProcess(["docs"], in: dir, environment: ["TMPDIR": tmp.path], expectFailure: true)
        XCTAssertEqual(serve.process.terminationStatus, 2)
        XCTAssertTrue(serve.stderr.text.hasPrefix("archbook: error: docs/archbook.yml:3:1: invalid YAML"), serve.stderr.text)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp.path), [])
    }

    func testTemporaryFolderIsRemovedOnSIGTERMAndCtrlC() throws {
        let dir = try makeDocs()
        for signal in [SIGTERM, SIGINT] {
            let serve = try ServeProcess(["docs", "--quiet"], in: dir)
            XCTAssertTrue(serve.workDir.contains("archbook-serve-"), serve.workDir)
            XCTAssertTrue(FileManager.default.fileExists(atPath: serve.workDir + "/site-1/index.html"))
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("_site").path), "never the user's _site")
            XCTAssertEqual(serve.stop(signal), 0)
            XCTAssertEqual(serve.process.terminationReason, .exit)
            XCTAssertFalse(FileManager.default.fileExists(atPath: serve.workDir), "signal \(signal)")
        }
    }

    /// A page left open across a restart reconnects to the new server, whose hello names another session.
    func testEventStreamSaysWhichSessionAndSite() throws {
        let dir = try makeDocs()
        let first = try ServeProcess(["docs", "--quiet"], in: dir)
        let a = EventStreamReader.fields(try XCTUnwrap(try EventStreamReader(port: first.port).next("hello")))
        let page = try first.get("/index.html").text
        XCTAssertTrue(page.contains("session=\(a["session"] as? String ?? "?")&amp;site=1"), page)
        first.stop()
        let second = try ServeProcess(["docs", "--quiet"], in: dir)
        defer { second.stop() }
        let b = EventStreamReader.fields(try XCTUnwrap(try EventStreamReader(port: second.port).next("hello")))
        XCTAssertNotEqual(a["session"] as? String, b["session"] as? String)
        let raw = try RawHTTP.get(port: second.port, "/__archbook/events", method: "HEAD")
        XCTAssertEqual(raw.headers["content-type"], "text/event-stream; charset=utf-8")
    }

    // MARK: - archbook build stays clean

    func testBuiltSiteHasNoTraceOfServe() throws {
        let dir = try makeDocs()
        XCTAssertEqual(try ArchbookBinary.run(["build", "docs", "-o", "out", "--quiet"], in: dir).status, 1)
        let out = dir.appendingPathComponent("out")
        let paths = try files(under: out)
        XCTAssertFalse(paths.isEmpty)
        for path in paths {
            let bytes = try Data(contentsOf: out.appendingPathComponent(path))
            let text = String(decoding: bytes, as: UTF8.self)
            XCTAssertFalse(text.contains("__archbook"), path)
            XCTAssertFalse(text.contains("reload.js"), path)
            XCTAssertFalse(text.contains("EventSource"), path)
        }
        XCTAssertFalse(paths.contains { $0.contains("__archbook") })
    }
}
