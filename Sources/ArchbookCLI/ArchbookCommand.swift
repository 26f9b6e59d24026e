// The command-line surface: argument parsing and wiring of the core library to files and streams.

import ArchbookCore
import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

public let archbookVersion = "0.1.0"

public struct ArchbookCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "archbook",
        abstract: "Validate and publish a repository of architecture documents.",
        discussion: """
        Without an archbook.yml, archbook detects per folder the preset the documents follow (adr-tools, MADR, \
        log4brains, RFCs, proposals, runbooks, post-mortems); `archbook init` writes it down.
        Exit codes: 0 no errors, 1 errors found (or warnings with --strict), 2 usage or configuration error.
        """,
        version: archbookVersion,
        subcommands: [CheckCommand.self, BuildCommand.self, ServeCommand.self, InitCommand.self, NewCommand.self, ListCommand.self,
                      ShowCommand.self, GraphCommand.self, ExportCommand.self]
    )
    public init() {}

    /// Runs the command line and exits. Usage errors exit with 2 (not ArgumentParser's 64),
    /// so CI can tell "your documents have errors" (1) from "archbook was called wrongly" (2).
    public static func runMain(_ arguments: [String]? = nil) -> Never {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Glibc.exit(0)
        } catch let failure as RunFailure {
            Output.err("archbook: error: \(failure.message)\n")
            Glibc.exit(2)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                Output.err(fullMessage(for: error) + "\n")
                Glibc.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// A failure of the run itself (bad arguments, unreadable config): reported on stderr with exit code 2.
struct RunFailure: Error {
    var message: String
}
