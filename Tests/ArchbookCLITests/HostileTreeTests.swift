// Hostile docs trees on a real disk, through the real binary: links, permissions, odd names, huge files, output paths, concurrent builds.

import ArchbookCore
import ArchbookCLI
import Foundation
import XCTest

final class HostileTreeTests: XCTestCase {
    /// A decision with every section, so a tree of them reports only what a test is about.
    static func decision(_ number: Int, _ title: String, extra: String = "") -> String {
        "# \(number). \(title)\n\n## Status\n\nAccepted\n\n## Context\n\nWe need it.\n\n## Decision\n\nWe do it.\(extra)\n\n## Consequences\n\nFine.\n"
    }

    func symlink(_ dir: URL, _ path: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent(path).path, withDestinationPath: target)
    }

    /// Every file of a built site, by site path.
    func siteFiles(_ site: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let base = site.resolvingSymlinksInPath().path
        for case let url as URL in FileManager.default.enumerator(at: site, includingPropertiesForKeys: nil)! {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue {
                out[String(url.resolvingSymlinksInPath().path.dropFirst(base.count + 1))] = try Data(contentsOf: url)
            }
        }
        return out
    }

    // MARK: - Symbolic links

    /// A link to a file outside the tree is neither read, shown nor published; loops are reported; links to
    /// folders are not descended (inside the tree silently, outside with a warning).
    func testSymbolicLinksOutsideTheTreeAreNotFollowed() throws {
        let dir = try makeTree([
            "secret.txt": "TOP SECRET key material\n",
            "outside.md": "# TOP SECRET notes\n",
            "docs/adr/0001-use-links.md": Self.decision(1, "Use links", extra: " See ![key](secret.png) and [notes](notes.md)."),
        ], testCase: self)
        try symlink(dir, "docs/adr/secret.png", to: "../../secret.txt")
        try symlink(dir, "docs/adr/notes.md", to: "../../outside.md")
        try symlink(dir, "docs/adr/loop-a.md", to: "loop-b.md")
        try symlink(dir, "docs/adr/loop-b.md", to: "loop-a.md")
        try symlink(dir, "docs/adr/again", to: "..")
        try symlink(dir, "docs/etc", to: "/etc")
        let check = try ArchbookBinary.run(["check", "docs"], in: dir)
        XCTAssertEqual(check.status, 1)
        XCTAssertEqual(check.err, "")
        XCTAssertFalse(check.out.contains("TOP SECRET"), "a source excerpt must not come from outside the tree:\n\(check.out)")
        let quiet = try ArchbookBinary.run(["check", "docs", "--quiet"], in: dir)
        XCTAssertEqual(quiet.out, """
        docs/adr/0001-use-links.md:13:15: error: image target 'secret.png' does not exist [broken-link]
        docs/adr/0001-use-links.md:13:38: error: link target 'notes.md' does not exist [broken-link]
        docs/adr/loop-a.md:1:1: error: cannot read: symbolic link cannot be followed: Too many levels of symbolic links [unreadable-file]
        docs/adr/loop-b.md:1:1: error: cannot read: symbolic link cannot be followed: Too many levels of symbolic links [unreadable-file]
        docs/adr/notes.md:1:1: warning: symbolic link to '../../outside.md', outside the docs tree, is not followed [symlink-outside]
        docs/adr/secret.png:1:1: warning: symbolic link to '../../secret.txt', outside the docs tree, is not followed [symlink-outside]
        docs/etc:1:1: warning: symbolic link to '/etc', outside the docs tree, is not followed [symlink-outside]
        4 errors, 3 warnings in 1 document

        """)
        let build = try ArchbookBinary.run(["build", "docs", "--quiet"], in: dir)
        XCTAssertEqual(build.status, 1, build.err)
        let site = try siteFiles(dir.appendingPathComponent("_site"))
        XCTAssertNotNil(site["adr/0001-use-links.html"])
        for (path, data) in site {
            XCTAssertNil(String(decoding: data, as: UTF8.self).range(of: "TOP SECRET"), "\(path) carries a file from outside the tree")
        }
        XCTAssertFalse(site.keys.contains { $0.hasPrefix("etc/") || $0.hasPrefix("adr/again") }, site.keys.sorted().description)
    }

    /// `--follow-symlinks` (a command-line choice, never archbook.yml's, which a pull request could change) reads
    /// and publishes files that links outside the tree lead to; links to folders are still not descended.
    func testFollowSymlinksReadsLinkedFilesOutsideTheTree() throws {
        let dir = try makeTree([
            "shared/key.png": "PNG shared image\n",
            "shared/0002-shared.md": Self.decision(2, "Shared decision"),
            "docs/adr/0001-use-links.md": Self.decision(1, "Use links", extra: " See ![key](key.png) and [shared](0002-shared.md)."),
        ], testCase: self)
        try symlink(dir, "docs/adr/key.png", to: "../../shared/key.png")
        try symlink(dir, "docs/adr/0002-shared.md", to: "../../shared/0002-shared.md")
        try symlink(dir, "docs/etc", to: "/etc")
        let plain = try ArchbookBinary.run(["check", "docs", "--quiet"], in: dir)
        XCTAssertEqual(plain.status, 1)
        XCTAssertTrue(plain.out.contains("[symlink-outside]"), plain.out)
        let followed = try ArchbookBinary.run(["check", "docs", "--quiet", "--follow-symlinks"], in: dir)
        XCTAssertEqual(followed.out, "0 errors, 0 warnings in 2 documents\n")
        XCTAssertEqual(followed.status, 0, followed.err)
        let build = try ArchbookBinary.run(["build", "docs", "--quiet", "--follow-symlinks"], in: dir)
        XCTAssertEqual(build.status, 0, build.err)
        let site = try siteFiles(dir.appendingPathComponent("_site"))
        XCTAssertEqual(site["adr/key.png"].map { String(decoding: $0, as: UTF8.self) }, "PNG shared image\n")
        XCTAssertNotNil(site["adr/0002-shared.html"], site.keys.sorted().description)
        XCTAssertFalse(site.keys.contains { $0.hasPrefix("etc/") }, site.keys.sorted().description)
    }

    /// A file read through a link that stays inside the tree gives the file's bytes whatever the link's form (the
    /// kernel's confined open takes a relative link; one that leaves and comes back, or an absolute one, takes the
    /// realpath way); a link that leads outside is refused even when it appeared after the tree was listed.
    func testReadsThroughLinksInsideTheTreeAndNeverOutside() throws {
        let dir = try makeTree([
            "secret.md": "TOP SECRET\n",
            "docs/a.md": "# A\n",
            "docs/sub/plain.md": "# Plain\n",
        ], testCase: self)
        try symlink(dir, "docs/sub/relative.md", to: "../a.md")
        try symlink(dir, "docs/sub/around.md", to: "../../docs/a.md")
        try symlink(dir, "docs/sub/absolute.md", to: dir.appendingPathComponent("docs/a.md").path)
        try symlink(dir, "docs/linked", to: "sub")
        let tree = DiskFileTree(root: dir.appendingPathComponent("docs").path)
        XCTAssertEqual(try tree.listing().files, ["a.md", "sub/absolute.md", "sub/around.md", "sub/plain.md", "sub/relative.md"])
        for path in ["a.md", "sub/relative.md", "sub/around.md", "sub/absolute.md", "linked/relative.md"] {
            XCTAssertEqual(String(decoding: try tree.read(path), as: UTF8.self), "# A\n", path)
        }
        XCTAssertEqual(String(decoding: try tree.read("linked/plain.md"), as: UTF8.self), "# Plain\n")
        try symlink(dir, "docs/sub/late.md", to: "../../secret.md")
        try symlink(dir, "docs/late", to: "..")
        for path in ["sub/late.md", "late/secret.md", "../secret.md"] {
            XCTAssertThrowsError(try tree.read(path), path) { error in
                XCTAssertEqual((error as? FileTreeError)?.message, "the file is outside the docs tree (through a symbolic link)", path)
            }
        }
        XCTAssertThrowsError(try tree.read("sub/missing.md")) { error in
            XCTAssertEqual((error as? FileTreeError)?.message, "No such file or directory")
        }
        let followed = DiskFileTree(root: dir.appendingPathComponent("docs").path, followsLinksOutside: true)
        XCTAssertEqual(String(decoding: try followed.read("sub/late.md"), as: UTF8.self), "TOP SECRET\n")
    }

    // MARK: - Permissions

    /// Root reads everything, so as root the binary runs as `nobody` (setpriv) to meet a real permission error.
    func launcherWithoutRoot() throws -> [String] {
        guard geteuid() == 0 else { return [] }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { throw XCTSkip("running as root without setpriv") }
        return ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    }

    func testUnreadableFileAndFolderAreReported() throws {
        let dir = try makeTree([
            "docs/adr/0001-readable.md": Self.decision(1, "Readable"),
            "docs/adr/0002-locked.md": Self.decision(2, "Locked"),
            "docs/private/0001-hidden.md": "# Hidden\n",
        ], testCase: self)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: dir.appendingPathComponent("docs/adr/0002-locked.md").path)
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: dir.appendingPathComponent("docs/private").path)
        addTeardownBlock {
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.appendingPathComponent("docs/private").path)
        }
        let r = try ArchbookBinary.run(["check", "docs", "--quiet"], in: dir, launcher: try launcherWithoutRoot())
        XCTAssertEqual(r.status, 1, r.err)
        XCTAssertEqual(r.out, """
        docs/adr/0002-locked.md:1:1: error: cannot read file: Permission denied [unreadable-file]
        docs/private:1:1: error: cannot read: cannot open folder: Permission denied [unreadable-file]
        2 errors, 0 warnings in 2 documents

        """)
    }

    /// A FIFO or device named like a document would block a reader forever; it is not a regular file, so it is left out.
    func testFIFONamedLikeADocumentDoesNotHang() throws {
        let dir = try makeTree(["docs/adr/0001-fine.md": Self.decision(1, "Fine")], testCase: self)
        XCTAssertEqual(mkfifo(dir.appendingPathComponent("docs/adr/0002-pipe.md").path, 0o644), 0)
        try symlink(dir, "docs/adr/0003-pipe-link.md", to: "0002-pipe.md")
        let start = Date()
        let r = try ArchbookBinary.run(["check", "docs", "--quiet"], in: dir)
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        XCTAssertEqual(r.status, 0, r.out)
        XCTAssertEqual(r.out, "0 errors, 0 warnings in 1 document\n")
    }

    // MARK: - File names

    /// Spaces, non-ASCII letters and shell metacharacters are ordinary names; a newline in a name would start
    /// a new line in the log (where GitHub Actions reads `::` commands), so such a file is skipped with an escaped name.
    func testFileNamesWithMetacharactersAndNewlines() throws {
        let odd = "0002-$(touch pwned); `id` & \"q\" <b>.md"
        let dir = try makeTree([
            "docs/adr/0001 use café.md": Self.decision(1, "Use café"),
            "docs/adr/\(odd)": Self.decision(2, "Odd <b>name</b>"),
            "docs/adr/0003-x\n::error file=evil.md,line=1::injected.md": Self.decision(3, "Newline"),
        ], testCase: self)
        let text = try ArchbookBinary.run(["check", "docs", "--quiet"], in: dir)
        XCTAssertEqual(text.out, """
        docs/adr/0003-x\\u{A}::error file=evil.md,line=1::injected.md:1:1: error: file name adr/0003-x\\u{A}::error file=evil.md,line=1::injected.md cannot be used safely (absolute, '..', an empty segment or a control character); it was skipped [unsafe-path]
        1 error, 0 warnings in 2 documents

        """)
        let github = try ArchbookBinary.run(["check", "docs", "--format", "github"], in: dir)
        let lines = github.out.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, github.out)
        XCTAssertTrue(lines[0].hasPrefix("::error file=docs/adr/0003-x\\u{A}%3A%3Aerror file=evil.md%2Cline=1%3A%3Ainjected.md,line=1,col=1,title=unsafe-path::"), String(lines[0]))
        XCTAssertFalse(lines.contains { $0.hasPrefix("::error file=evil.md") })
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("pwned").path))

        let build = try ArchbookBinary.run(["build", "docs", "--quiet"], in: dir)
        XCTAssertEqual(build.status, 1, build.err)
        let site = try siteFiles(dir.appendingPathComponent("_site"))
        XCTAssertNotNil(site["adr/0001 use café.html"])
        XCTAssertNotNil(site["adr/0002-$(touch pwned); `id` & \"q\" <b>.html"])
        XCTAssertFalse(site.keys.contains { $0.contains("\n") || $0.contains("injected") })
        let index = String(decoding: try XCTUnwrap(site["kinds/decision.html"]), as: UTF8.self)
        XCTAssertTrue(index.contains(#"href="../adr/0002-$%28touch%20pwned%29;%20%60id%60%20%26%20%22q%22%20%3Cb%3E.html""#), index)
        // Inline HTML in a title is dropped from the title's text, never rendered as a tag.
        XCTAssertTrue(index.contains(">Odd name</a>"), index)
        XCTAssertFalse(index.contains("<b>"), index)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("pwned").path))
    }

    /// Names that differ only by case are two documents here, but one file on macOS and Windows.
    func testNamesDifferingOnlyInCase() throws {
        let dir = try makeTree([
            "docs/notes/Guide.md": "# Guide\n",
            "docs/notes/guide.md": "# guide\n",
        ], testCase: self)
        let r = try ArchbookBinary.run(["check", "docs", "--quiet"], in: dir)
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.out, """
        docs/notes/guide.md:1:1: warning: 'docs/notes/guide.md' and 'docs/notes/Guide.md' differ only in letter case [case-collision]
        0 errors, 1 warning in 2 documents

        """)
        let build = try ArchbookBinary.run(["build", "docs", "--quiet"], in: dir)
        XCTAssertEqual(build.status, 0, build.err)
        let site = try siteFiles(dir.appendingPathComponent("_site"))
        XCTAssertNotNil(site["notes/Guide.html"])
        XCTAssertNotNil(site["notes/guide.html"])
    }

    // MARK: - Size

    /// A 50 MB document is not read at all (the limit applies to the size on disk), so the check stays fast.
    func testFiftyMegabyteDocumentIsRefusedQuickly() throws {
        let dir = try makeTree(["docs/adr/0001-small.md": Self.decision(1, "Small")], testCase: self)
        let big = dir.appendingPathComponent("docs/adr/0002-huge.md")
        let line = Data(String(repeating: "All work and no play makes a very long decision. ", count: 20).utf8 + [0x0A])
        XCTAssertTrue(FileManager.default.createFile(atPath: big.path, contents: nil))
        let handle = try FileHandle(forWritingTo: big)
        var written = 0
        while written < 50 * 1024 * 1024 { handle.write(line); written += line.count }
        try handle.close()
        let start = Date()
        let r = try ArchbookBinary.run(["check", "docs", "--quiet"], in: dir)
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.out, """
        docs/adr/0002-huge.md:1:1: error: file is \(written) bytes, over the limit of 10485760 (limits.max-file-bytes); it was not read [resource-limit]
        1 error, 0 warnings in 2 documents

        """)
    }

    /// A report stays readable and inert: a 1 MB line is shown cut around the caret, and escape sequences
    /// quoted from a document (in the message or the line) do not reach the terminal.
    func testReportCutsLongLinesAndDropsEscapeSequences() throws {
        let long = String(repeating: "word ", count: 200_000) + "[gone](gone.md)"
        let dir = try makeTree([
            "docs/adr/0001-long.md": Self.decision(1, "Long", extra: "\n\n" + long),
            "docs/adr/0002-escape.md": Self.decision(2, "Escape").replacingOccurrences(of: "Accepted", with: "Acc\u{1B}]0;pwned\u{07}\u{1B}[2Jepted"),
        ], testCase: self)
        let r = try ArchbookBinary.run(["check", "docs"], in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertFalse(r.out.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" }, "escape sequences reached the report")
        let lines = r.out.split(separator: "\n")
        XCTAssertLessThanOrEqual(lines.map(\.count).max() ?? 0, 300, "a source line was not cut")
        XCTAssertTrue(r.out.contains("docs/adr/0001-long.md:15:1000001: error: link target 'gone.md' does not exist [broken-link]\n    …word word"), r.out)
        XCTAssertTrue(r.out.contains("word [gone](gone.md)\n"), r.out)
        XCTAssertTrue(r.out.contains("warning: unknown decision status 'Acc\u{FFFD}]0;pwned\u{FFFD}\u{FFFD}[2Jepted'"), r.out)
    }

    func testUnknownLimitIsAConfigurationError() throws {
        let dir = try makeTree(["docs/archbook.yml": "limits:\n  max-file-size: 10\n", "docs/a.md": "# A\n"], testCase: self)
        let r = try ArchbookBinary.run(["check", "docs"], in: dir)
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.err, "archbook: error: docs/archbook.yml:2:3: unknown limit 'max-file-size' (expected max-file-bytes, max-total-bytes, max-files, max-front-matter-bytes, max-yaml-nodes, max-asset-bytes, max-total-asset-bytes)\n")
    }
}

// MARK: - Output safety

extension HostileTreeTests {
    /// The output is never the docs tree or a folder above it, however it is spelled (a symbolic link included).
    func testOutputIsNeverTheDocsTreeOrAParentOfIt() throws {
        let dir = try makeTree(["docs/adr/0001-a.md": Self.decision(1, "A")], testCase: self)
        try symlink(dir, "alias", to: ".")
        try symlink(dir, "docs-link", to: "docs")
        for output in [".", "docs", "docs/..", "alias", "docs-link", "docs/adr/..", dir.path, "/"] {
            let r = try ArchbookBinary.run(["build", "docs", "-o", output, "--force"], in: dir)
            XCTAssertEqual(r.status, 2, output)
            XCTAssertEqual(r.err, "archbook: error: output '\(output)' contains the docs tree 'docs'; choose a separate folder such as _site\n", output)
        }
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("docs/adr/0001-a.md"), encoding: .utf8), Self.decision(1, "A"))
        // Inside the docs tree is allowed: the output is left out of what is read.
        let inside = try ArchbookBinary.run(["build", "docs", "-o", "docs/_build", "--quiet"], in: dir)
        XCTAssertEqual(inside.status, 0, inside.err)
        let again = try ArchbookBinary.run(["build", "docs", "-o", "docs/_build", "--quiet"], in: dir)
        XCTAssertEqual(again.status, 0, again.err)
        XCTAssertNil(try siteFiles(dir.appendingPathComponent("docs/_build")).keys.first { $0.hasPrefix("_build") })
    }

    /// Paths from a tree that would land outside the output (`..`, absolute, empty segments) are reported and
    /// never written, even by a FileTree that is not the disk.
    func testPathsThatWouldEscapeTheOutputAreRefused() throws {
        let tree = InMemoryFileTree([
            "adr/0001-fine.md": Self.decision(1, "Fine", extra: " See [up](../escape.md) and [abs](/etc/passwd)."),
            "../escape.md": Self.decision(2, "Escape"),
            "/etc/cron.d/evil.md": Self.decision(3, "Absolute"),
            "adr//double.md": Self.decision(4, "Double"),
            "adr/./dot.md": Self.decision(5, "Dot"),
        ])
        let result = try Checker.check(tree, config: .default)
        XCTAssertEqual(result.diagnostics.filter { $0.rule == "unsafe-path" }.map(\.file),
                       ["../escape.md", "/etc/cron.d/evil.md", "adr/./dot.md", "adr//double.md"])
        XCTAssertEqual(result.documents.map(\.path), ["adr/0001-fine.md"])
        let site = try SiteTests.build(tree)
        for path in site.files.keys {
            XCTAssertTrue(FileListing.isSafe(path), path)
            XCTAssertFalse(path.contains("escape") || path.contains("evil") || path.contains("double") || path.contains("dot."), path)
        }
    }
}

// MARK: - Concurrent builds

extension HostileTreeTests {
    /// Starts the binary without waiting; standard output and error go to files in `dir`.
    func start(_ arguments: [String], in dir: URL, name: String, environment: [String: String] = [:]) throws -> Process {
        let p = Process()
        p.executableURL = ArchbookBinary.url
        p.arguments = arguments
        p.currentDirectoryURL = dir
        p.environment = ProcessInfo.processInfo.environment.merging(environment.merging(["NO_COLOR": "1"]) { a, _ in a }) { _, b in b }
        XCTAssertTrue(FileManager.default.createFile(atPath: dir.appendingPathComponent("\(name).err").path, contents: nil))
        p.standardOutput = FileHandle.nullDevice
        p.standardError = try FileHandle(forWritingTo: dir.appendingPathComponent("\(name).err"))
        try p.run()
        return p
    }

    func tree(documents: Int) throws -> URL {
        var files: [String: String] = [:]
        for i in 1...documents { files["docs/adr/\(String(format: "%04d", i))-decision-\(i).md"] = Self.decision(i, "Decision \(i)") }
        return try makeTree(files, testCase: self)
    }

    /// While one build holds the output, a second one fails at once with exit 2 and changes nothing.
    func testSecondBuildIntoTheSameOutputFailsCleanly() throws {
        let dir = try tree(documents: 5)
        let first = try start(["build", "docs", "--quiet"], in: dir, name: "first", environment: ["ARCHBOOK_TEST_HOLD_LOCK": "3"])
        let lock = dir.appendingPathComponent("._site.archbook-lock").path
        let deadline = Date().addingTimeInterval(20)
        // The site is swapped in before the hold, so its marker file shows the first build holds the lock.
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("_site/.archbook-site").path) && Date() < deadline {
            usleep(20_000)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: lock), "the first build holds \(lock)")
        let before = try siteFiles(dir.appendingPathComponent("_site"))
        let second = try ArchbookBinary.run(["build", "docs", "--quiet"], in: dir)
        XCTAssertEqual(second.status, 2)
        XCTAssertEqual(second.err, "archbook: error: another archbook build is writing '_site' right now (it holds ./._site.archbook-lock); nothing was changed. Run again when it has finished\n")
        XCTAssertEqual(try siteFiles(dir.appendingPathComponent("_site")), before)
        first.waitUntilExit()
        XCTAssertEqual(first.terminationStatus, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: lock), "the lock file is removed when the build ends")
        let third = try ArchbookBinary.run(["build", "docs", "--quiet"], in: dir)
        XCTAssertEqual(third.status, 0, third.err)
    }

    /// Two builds started together: each either builds or fails with the lock message, and what is left is
    /// one whole site, with no temporary folders or lock file beside it.
    func testTwoBuildsAtOnceLeaveOneCompleteSite() throws {
        let dir = try tree(documents: 60)
        let reference = try ArchbookBinary.run(["build", "docs", "-o", "reference", "--quiet"], in: dir)
        XCTAssertEqual(reference.status, 0, reference.err)
        let expected = try siteFiles(dir.appendingPathComponent("reference"))
        var outcomes: [Int32] = []
        for round in 0..<3 {
            let a = try start(["build", "docs", "--quiet"], in: dir, name: "a\(round)")
            let b = try start(["build", "docs", "--quiet"], in: dir, name: "b\(round)")
            a.waitUntilExit()
            b.waitUntilExit()
            for (p, name) in [(a, "a\(round)"), (b, "b\(round)")] {
                let err = try String(contentsOf: dir.appendingPathComponent("\(name).err"), encoding: .utf8)
                outcomes.append(p.terminationStatus)
                if p.terminationStatus == 2 {
                    XCTAssertTrue(err.hasPrefix("archbook: error: another archbook build is writing '_site' right now"), err)
                } else {
                    XCTAssertEqual(p.terminationStatus, 0, err)
                }
            }
            XCTAssertEqual(try siteFiles(dir.appendingPathComponent("_site")), expected, "round \(round)")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("._site") }
            XCTAssertEqual(leftovers, [], "round \(round)")
        }
        XCTAssertTrue(outcomes.contains(0))
    }
}
