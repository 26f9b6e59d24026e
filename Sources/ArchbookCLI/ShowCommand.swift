// `archbook show ID`: one document's metadata, relations from both sides, sections, checklist progress and problems.

import ArchbookCore
import ArgumentParser

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one document: metadata, relations (both directions), sections, checklist progress, problems.",
        discussion: """
        ID is a document's ID (ADR-0006, adr-6), a number when only one kind has it, a path or a file name without \
        extension. DIR defaults to ./content when it exists, else the current directory. --body adds the document's \
        text as written. --format json prints the document as `archbook export` describes it.
        Exit codes: 0 shown, 2 no such document, usage or configuration error.
        """
    )

    @Argument(help: "The document: an ID, a path or a file name.")
    var id: String

    @Argument(help: "The docs tree.", completion: .directory)
    var directory: String?

    @Option(help: "Configuration file (default: DIR/archbook.yml if present).", completion: .file())
    var config: String?

    @Option(help: "Output format: text or json.")
    var format: ShowFormat = .text

    @Flag(help: "Also print the document's text.")
    var body = false

    enum ShowFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    func run() throws {
        let (setup, query) = try Workspace.query(directory: directory, config: config)
        var reference = id
        if !setup.displayPrefix.isEmpty, reference.hasPrefix(setup.displayPrefix) { reference.removeFirst(setup.displayPrefix.count) }
        let index: Int
        do { index = try query.find(reference) } catch { throw RunFailure(message: error.message) }
        switch format {
        case .text:
            var text = HandbookViews.show(query, index, prefix: setup.displayPrefix)
            if body {
                let bytes = (try? setup.tree.read(query.documents[index].path)) ?? []
                var source = String(decoding: bytes, as: UTF8.self)
                if !source.hasSuffix("\n") { source += "\n" }
                text += "\n" + source
            }
            Output.out(text)
        case .json:
            Output.out(HandbookExport.documentJSON(query, index, prefix: setup.displayPrefix, toolVersion: archbookVersion))
        }
    }
}
