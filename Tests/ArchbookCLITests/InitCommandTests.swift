// `archbook init` and `--explain` through the real binary: what is written, what is refused, and where text goes.

import ArchbookCore
import Foundation
import XCTest

final class InitCommandTests: XCTestCase {
    let record1 = "# 1. Use PostgreSQL\n\nDate: 2024-01-01\n\n## Status\n\nAccepted\n\n## Context\n\nc\n\n## Decision\n\nd\n\n## Consequences\n\ne\n"
    let record2 = "# 2. Use Kafka\n\nDate: 2024-01-02\n\n## Status\n\nProposed\n\n## Context\n\nc\n\n## Decision\n\nd\n"

    func tree() throws -> URL {
        try makeTree(["docs/adr/0001-use-postgresql.md": record1, "docs/adr/0002-use-kafka.md": record2, "docs/README.md": "# Handbook\n"],
                     testCase: self)
    }

    func testInitWritesTheDetectedConfigurationAndNeverOverwrites() throws {
        let dir = try tree()
        let written = try ArchbookBinary.run(["init", "docs"], in: dir)
        XCTAssertEqual(written.status, 0)
        XCTAssertEqual(written.out, "")
        XCTAssertEqual(written.err, "archbook: wrote docs/archbook.yml\n  decision: nygard, 2 documents in adr\n")
        let file = dir.appendingPathComponent("docs/archbook.yml")
        let yaml = try String(contentsOf: file, encoding: .utf8)
        XCTAssertTrue(yaml.contains("\n  decision:\n"), yaml)
        XCTAssertTrue(yaml.contains("\n    preset: \"nygard\"\n    paths: [\"adr/*\"]\n"), yaml)
        let config = try Config.parse(yaml, file: "archbook.yml")
        XCTAssertEqual(config.kind(named: "decision")?.preset, "nygard")

        // A second run refuses, with exit code 2, and leaves the file as it was.
        try Data("# mine\n".utf8).write(to: file)
        let again = try ArchbookBinary.run(["init", "docs"], in: dir)
        XCTAssertEqual(again.status, 2)
        XCTAssertEqual(again.out, "")
        XCTAssertEqual(again.err, "archbook: error: docs/archbook.yml already exists; archbook init never overwrites it (remove it first, or use --print to see what init would write)\n")
        XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), "# mine\n")

        // --print writes to standard output only, also when the file exists.
        let printed = try ArchbookBinary.run(["init", "docs", "--print"], in: dir)
        XCTAssertEqual(printed.status, 0)
        XCTAssertEqual(printed.out, yaml)
        XCTAssertEqual(printed.err, "")
        XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), "# mine\n")
    }

    func testInitDefaultsToContentAndRejectsAMissingFolder() throws {
        let dir = try makeTree(["content/decisions/0001-use-postgresql.md": record1], testCase: self)
        let written = try ArchbookBinary.run(["init"], in: dir)
        XCTAssertEqual(written.status, 0, written.err)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("content/archbook.yml").path))
        let missing = try ArchbookBinary.run(["init", "nowhere"], in: dir)
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(missing.err, "archbook: error: 'nowhere' is not a directory; pass the folder that holds your documents\n")
    }

    func testExplainGoesToStandardErrorAndTheReportIsUnchanged() throws {
        let dir = try tree()
        let plain = try ArchbookBinary.run(["check", "docs", "--format", "json"], in: dir)
        let explained = try ArchbookBinary.run(["check", "docs", "--format", "json", "--explain"], in: dir)
        XCTAssertEqual(explained.out, plain.out)
        XCTAssertEqual(explained.status, plain.status)
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: explained.stdout))
        XCTAssertTrue(explained.err.hasPrefix("""
        archbook: no archbook.yml; configuration detected from the documents (`archbook init` writes it down)

        decision (preset nygard): 2 documents, 2 with a status
          preset:            nygard: Michael Nygard's ADR format as adr-tools writes it: `# N. Title`, `Date:`, a Status section with Supersedes/Superseded by lines
          why:               adr (2 documents): nygard fits best (0.91; next: built-in decision 0.70).
        """), explained.err)
        XCTAssertEqual(plain.err, "")
        // Once written, the file is the configuration, and --explain says so.
        XCTAssertEqual(try ArchbookBinary.run(["init", "docs"], in: dir).status, 0)
        let fromFile = try ArchbookBinary.run(["check", "docs", "--format", "json", "--explain"], in: dir)
        XCTAssertEqual(fromFile.out, plain.out)
        XCTAssertTrue(fromFile.err.hasPrefix("archbook: configuration from docs/archbook.yml\n\ndecision (preset nygard): 2 documents, 2 with a status\n"), fromFile.err)
        // build --explain too.
        let built = try ArchbookBinary.run(["build", "docs", "-o", "site", "--quiet", "--explain"], in: dir)
        XCTAssertEqual(built.status, 1)
        XCTAssertTrue(built.err.hasPrefix("archbook: configuration from docs/archbook.yml\n"), built.err)
    }

    func testHelpListsInit() throws {
        let root = try makeTree([:], testCase: self)
        let help = try ArchbookBinary.run(["--help"], in: root)
        XCTAssertTrue(help.out.contains("init"), help.out)
        let initHelp = try ArchbookBinary.run(["init", "--help"], in: root)
        XCTAssertTrue(initHelp.out.contains("--print"), initHelp.out)
        XCTAssertTrue(initHelp.out.contains("never overwritten"), initHelp.out)
        let checkHelp = try ArchbookBinary.run(["check", "--help"], in: root)
        XCTAssertTrue(checkHelp.out.contains("--explain"), checkHelp.out)
    }
}
