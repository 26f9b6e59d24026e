// `archbook export`: the whole handbook model as versioned JSON (docs/export-schema.md) for Backstage, dashboards or scripts.

import ArchbookCore
import ArgumentParser

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print the handbook model (documents, metadata, relations, sections, checklists, diagnostics) as JSON.",
        discussion: """
        The schema is versioned (`"version": 1`) and described in docs/export-schema.md; keys keep their documented \
        order and the output is byte-for-byte the same for the same tree. DIR defaults to ./content when it exists, \
        else the current directory. Diagnostics are included, and do not change the exit code.
        Exit codes: 0 exported, 2 usage or configuration error.
        """
    )

    @Argument(help: "The docs tree.", completion: .directory)
    var directory: String?

    @Option(help: "Configuration file (default: DIR/archbook.yml if present).", completion: .file())
    var config: String?

    @Option(help: "Output format: json.")
    var format: ExportFormat = .json

    enum ExportFormat: String, ExpressibleByArgument, CaseIterable {
        case json
    }

    func run() throws {
        let (setup, query) = try Workspace.query(directory: directory, config: config)
        Output.out(HandbookExport(query, prefix: setup.displayPrefix, toolVersion: archbookVersion).json())
    }
}
