// Binary tests: exit codes, which stream gets what, and the command-line surface of the real executable.

import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class CLITests: XCTestCase {
    /// An ADR with one warning (a misspelt status) and nothing else.
    static let warningOnly = [
        "docs/adr/0001-use-postgresql.md": """
        # 1. Use PostgreSQL

        ## Status

        Acepted

        ## Context

        We need to store shipments.

        ## Decision

        We use PostgreSQL.

        ## Consequences

        We run one more database.

        """,
    ]

    /// Two ADRs with an error (missing section) and a warning (empty section).
    static let errorsAndWarnings = [
        "docs/adr/0001-use-postgresql.md": """
        # 1. Use PostgreSQL

        ## Status

        Accepted

        ## Context

        We need to store shipments.

        ## Decision

        We use PostgreSQL.

        """,
        "docs/adr/0002-use-kafka.md": """
        # 2. Use Kafka

        ## Status

        Proposed

        ## Context

        We need events.

        ## Decision

        We use Kafka.

        ## Consequences

        """,
    ]

    var root: URL { ArchbookBinary.packageRoot }

    // MARK: - The sample handbook

    func testSampleContentIsClean() throws {
        let result = try ArchbookBinary.run(["check", "content"], in: root)
        let documents = try markdownFileCount(root.appendingPathComponent("content"))
        XCTAssertEqual(result.status, 0, result.out)
        XCTAssertEqual(result.out, "0 errors, 0 warnings in \(documents) documents\n")
        XCTAssertEqual(result.err, "")
    }

    /// Without DIR, `check` uses ./content when it exists.
    func testDefaultDirectoryIsContent() throws {
        let explicit = try ArchbookBinary.run(["check", "content", "--format", "json"], in: root)
        let implicit = try ArchbookBinary.run(["check", "--format", "json"], in: root)
        XCTAssertEqual(implicit.status, explicit.status)
        XCTAssertEqual(implicit.out, explicit.out)
        XCTAssertEqual(implicit.err, "")
        let object = try JSONSerialization.jsonObject(with: implicit.stdout) as? [String: Any]
        let summary = try XCTUnwrap(object?["summary"] as? [String: Any], implicit.out)
        XCTAssertEqual(summary["documents"] as? Int, try markdownFileCount(root.appendingPathComponent("content")))
    }

    // MARK: - Exit codes

    func testErrorsExitOne() throws {
        let dir = try makeTree(Self.errorsAndWarnings, testCase: self)
        let result = try ArchbookBinary.run(["check", "docs"], in: dir)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.out.hasSuffix("\n1 error, 1 warning in 2 documents\n"), result.out)
        XCTAssertEqual(result.err, "")
    }

    func testWarningsOnlyExitZeroAndOneWithStrict() throws {
        let dir = try makeTree(Self.warningOnly, testCase: self)
        let plain = try ArchbookBinary.run(["check", "docs"], in: dir)
        XCTAssertEqual(plain.status, 0, plain.out)
        XCTAssertTrue(plain.out.hasSuffix("\n0 errors, 1 warning in 1 document\n"), plain.out)
        XCTAssertEqual(plain.err, "")

        let strict = try ArchbookBinary.run(["check", "docs", "--strict"], in: dir)
        XCTAssertEqual(strict.status, 1)
        XCTAssertEqual(strict.out, plain.out, "--strict changes the exit code, not the report")
        XCTAssertEqual(strict.err, "")
    }

    func testStrictOnCleanTreeExitsZero() throws {
        let dir = try makeTree(["docs/adr/0001-use-postgresql.md": Self.warningOnly.values.first!
            .replacingOccurrences(of: "Acepted", with: "Accepted")], testCase: self)
        let result = try ArchbookBinary.run(["check", "docs", "--strict"], in: dir)
        XCTAssertEqual(result.status, 0, result.out)
        XCTAssertEqual(result.out, "0 errors, 0 warnings in 1 document\n")
    }

    // MARK: - Usage and configuration errors (exit 2, nothing on stdout)

    func testMissingDirectory() throws {
        let dir = try makeTree([:], testCase: self)
        let result = try ArchbookBinary.run(["check", "no-such-docs"], in: dir)
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.out, "")
        XCTAssertTrue(result.err.contains("no-such-docs"), result.err)
        XCTAssertTrue(result.err.hasPrefix("archbook: error: "), result.err)
    }

    /// Checks the warning-only tree under `config`, expecting a configuration error: exit 2, nothing on stdout.
    func runRejectingConfig(_ config: String, file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        let dir = try makeTree(Self.warningOnly.merging(["docs/archbook.yml": config]) { a, _ in a }, testCase: self)
        let result = try ArchbookBinary.run(["check", "docs"], in: dir)
        XCTAssertEqual(result.status, 2, file: file, line: line)
        XCTAssertEqual(result.out, "", file: file, line: line)
        return result
    }

    func testConfigUnknownKeyNamesFileLineAndKey() throws {
        let result = try runRejectingConfig("# archbook configuration\nrules: {}\nfrobnicate: true\n")
        XCTAssertTrue(result.err.contains("archbook.yml:3:1:"), result.err)
        XCTAssertTrue(result.err.contains("frobnicate"), result.err)
    }

    func testConfigUnknownRuleNamesLineAndRule() throws {
        let result = try runRejectingConfig("rules:\n  unknown-status: off\n  missing-sections: warning\n")
        XCTAssertTrue(result.err.contains("docs/archbook.yml:3:3:"), result.err)
        XCTAssertTrue(result.err.contains("missing-sections"), result.err)
    }

    func testConfigInvalidYAML() throws {
        let result = try runRejectingConfig("rules:\n  unknown-status: [off\nexclude: []\n")
        // The flow sequence opened on line 2 runs into the `:` of line 3.
        XCTAssertTrue(result.err.contains("docs/archbook.yml:3:8: invalid YAML"), result.err)
    }

    func testExplicitConfigIsUsedAndMissingConfigIsAnError() throws {
        let dir = try makeTree(Self.warningOnly.merging([
            "quiet.yml": "rules:\n  unknown-status: off\n",
        ]) { a, _ in a }, testCase: self)
        let used = try ArchbookBinary.run(["check", "docs", "--config", "quiet.yml"], in: dir)
        XCTAssertEqual(used.status, 0)
        XCTAssertEqual(used.out, "0 errors, 0 warnings in 1 document\n")
        XCTAssertEqual(used.err, "")

        let missing = try ArchbookBinary.run(["check", "docs", "--config", "absent.yml"], in: dir)
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(missing.out, "")
        XCTAssertTrue(missing.err.contains("absent.yml"), missing.err)
    }

    func testUnknownOption() throws {
        let dir = try makeTree(Self.warningOnly, testCase: self)
        let result = try ArchbookBinary.run(["check", "docs", "--frobnicate"], in: dir)
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.out, "")
        XCTAssertTrue(result.err.contains("--frobnicate"), result.err)
        XCTAssertTrue(result.err.contains("Usage: archbook check"), result.err)
        XCTAssertTrue(result.err.contains("--help"), result.err)
    }

    func testUnknownFormat() throws {
        let dir = try makeTree(Self.warningOnly, testCase: self)
        let result = try ArchbookBinary.run(["check", "docs", "--format", "xml"], in: dir)
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.out, "")
        XCTAssertTrue(result.err.contains("'xml'"), result.err)
        XCTAssertTrue(result.err.contains("text"), result.err)
    }

    // MARK: - Output shapes

    func testQuietPrintsOneLinePerDiagnosticThenSummary() throws {
        let dir = try makeTree(Self.errorsAndWarnings, testCase: self)
        let result = try ArchbookBinary.run(["check", "docs", "--quiet"], in: dir)
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.err, "")
        XCTAssertTrue(result.out.hasSuffix("\n"))
        let lines = result.out.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        XCTAssertEqual(lines.count, 3, result.out)
        let headline = try NSRegularExpression(pattern: #"^docs/adr/[0-9a-z-]+\.md:\d+:\d+: (error|warning|note): .+ \[[a-z0-9-]+\]$"#)
        for line in lines.dropLast() {
            XCTAssertNotNil(headline.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)), "not a headline: \(line)")
        }
        XCTAssertEqual(lines.last, "1 error, 1 warning in 2 documents")
        XCTAssertEqual(lines, [
            "docs/adr/0001-use-postgresql.md:1:1: error: decision is missing the required section 'Consequences' [missing-section]",
            "docs/adr/0002-use-kafka.md:15:1: warning: section 'Consequences' is empty [empty-section]",
            "1 error, 1 warning in 2 documents",
        ])
    }

    func testJSONParsesWithVersionOne() throws {
        let dir = try makeTree(Self.errorsAndWarnings, testCase: self)
        let result = try ArchbookBinary.run(["check", "docs", "--format", "json"], in: dir)
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.err, "")
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        XCTAssertEqual(object["version"] as? Int, 1)
        let tool = try XCTUnwrap(object["tool"] as? [String: Any])
        XCTAssertEqual(tool["name"] as? String, "archbook")
        let summary = try XCTUnwrap(object["summary"] as? [String: Any])
        XCTAssertEqual(summary["errors"] as? Int, 1)
        XCTAssertEqual(summary["warnings"] as? Int, 1)
        XCTAssertEqual(summary["documents"] as? Int, 2)
        let diagnostics = try XCTUnwrap(object["diagnostics"] as? [[String: Any]])
        XCTAssertEqual(diagnostics.compactMap { $0["rule"] as? String }, ["missing-section", "empty-section"])
        XCTAssertEqual(diagnostics.first?["file"] as? String, "docs/adr/0001-use-postgresql.md")
        let rules = try XCTUnwrap(object["rules"] as? [[String: Any]])
        XCTAssertEqual(rules.compactMap { $0["id"] as? String }, ["empty-section", "missing-section"])
    }

    // MARK: - Colour

    func testNoEscapeCodesWhenStdoutIsAPipe() throws {
        let dir = try makeTree(Self.errorsAndWarnings, testCase: self)
        let result = try ArchbookBinary.run(["check", "docs"], in: dir, noColor: false, environment: ["TERM": "xterm-256color"])
        XCTAssertEqual(result.status, 1)
        XCTAssertFalse(result.stdout.contains(0x1B), "escape codes in piped output:\n\(result.out)")
        XCTAssertFalse(result.stderr.contains(0x1B))
    }

    /// Colour is for terminals: on a pseudo-terminal it appears, and NO_COLOR turns it off again.
    func testColourOnATerminalUnlessNoColor() throws {
        let dir = try makeTree(Self.errorsAndWarnings, testCase: self)
        let coloured = try runOnTerminal(["check", "docs", "--quiet"], in: dir, noColor: false)
        XCTAssertTrue(coloured.contains("\u{1B}[31merror\u{1B}[0m"), String(reflecting: coloured))
        XCTAssertTrue(coloured.contains("\u{1B}[33mwarning\u{1B}[0m"), String(reflecting: coloured))
        let plain = try runOnTerminal(["check", "docs", "--quiet"], in: dir, noColor: true)
        XCTAssertFalse(plain.contains("\u{1B}"), String(reflecting: plain))
        XCTAssertTrue(plain.contains("error: decision is missing"), String(reflecting: plain))
    }

    /// Runs the binary with standard output on a new pseudo-terminal and returns what it printed.
    private func runOnTerminal(_ arguments: [String], in directory: URL, noColor: Bool) throws -> String {
        guard let pty = PseudoTerminal.open() else { throw XCTSkip("no pseudo-terminal available") }
        let (master, slavePath) = pty
        defer { close(master) }
        guard let slave = FileHandle(forWritingAtPath: slavePath) else { throw XCTSkip("cannot open \(slavePath)") }
        let process = Process()
        process.executableURL = ArchbookBinary.url
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "NO_COLOR")
        env["TERM"] = "xterm-256color"
        if noColor { env["NO_COLOR"] = "1" }
        process.environment = env
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = slave
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try slave.close()
        // The output is small, so it all sits in the terminal's buffer; read until it is drained.
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var pfd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        while poll(&pfd, 1, 200) > 0 {
            let n = read(master, &buffer, buffer.count)
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        // The terminal turns "\n" into "\r\n".
        return String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
    }

    // MARK: - Unreadable files

    /// unreadable-file has no golden fixture: root ignores chmod 000. On Linux a link to /proc/self/mem is a
    /// regular file that opens but fails to read (EIO at offset 0), whoever runs the test.
    // MARK: - Version and help

    func testVersion() throws {
        let result = try ArchbookBinary.run(["--version"], in: root)
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.out, "0.1.0\n")
        XCTAssertEqual(result.err, "")
    }

    func testHelpListsCheck() throws {
        let result = try ArchbookBinary.run(["--help"], in: root)
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.out.contains("USAGE: archbook <subcommand>"), result.out)
        XCTAssertNotNil(result.out.range(of: #"\n  check +Validate"#, options: .regularExpression), result.out)
        XCTAssertEqual(result.err, "")
    }

    func testCheckHelpListsOptions() throws {
        let result = try ArchbookBinary.run(["check", "--help"], in: root)
        XCTAssertEqual(result.status, 0)
        for option in ["--config", "--format", "--strict", "--quiet"] {
            XCTAssertTrue(result.out.contains(option), "check --help does not mention \(option)")
        }
        XCTAssertEqual(result.err, "")
    }

    // MARK: - Helpers

    /// Markdown files in a tree, skipping hidden entries as archbook does.
    private func markdownFileCount(_ dir: URL) throws -> Int {
        let enumerator = try XCTUnwrap(FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil,
                                                                      options: [.skipsHiddenFiles]))
        var count = 0
        for case let url as URL in enumerator where ["md", "markdown"].contains(url.pathExtension.lowercased()) {
            count += 1
        }
        return count
    }
}

/// posix_openpt and friends, looked up at run time: the Glibc module does not export them (they need _XOPEN_SOURCE).
private enum PseudoTerminal {
    typealias OpenPT = @convention(c) (Int32) -> Int32
    typealias FDCall = @convention(c) (Int32) -> Int32
    typealias PTSName = @convention(c) (Int32, UnsafeMutablePointer<CChar>, Int) -> Int32

    /// The master's file descriptor and the slave's path, or nil when the system has no pseudo-terminals.
    static func open() -> (Int32, String)? {
        guard let handle = dlopen(nil, RTLD_NOW),
              let openSym = dlsym(handle, "posix_openpt"), let grantSym = dlsym(handle, "grantpt"),
              let unlockSym = dlsym(handle, "unlockpt"), let nameSym = dlsym(handle, "ptsname_r") else { return nil }
        let openpt = unsafeBitCast(openSym, to: OpenPT.self)
        let grantpt = unsafeBitCast(grantSym, to: FDCall.self)
        let unlockpt = unsafeBitCast(unlockSym, to: FDCall.self)
        let ptsname = unsafeBitCast(nameSym, to: PTSName.self)
        let master = openpt(O_RDWR | O_NOCTTY)
        guard master >= 0 else { return nil }
        var name = [CChar](repeating: 0, count: 128)
        guard grantpt(master) == 0, unlockpt(master) == 0, ptsname(master, &name, name.count) == 0 else {
            close(master)
            return nil
        }
        let bytes = name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return (master, String(decoding: bytes, as: UTF8.self))
    }
}
