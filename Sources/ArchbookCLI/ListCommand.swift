// `archbook list`: the handbook's documents as a table, JSON or CSV, filtered by kind, status or tag.

import ArchbookCore
import ArgumentParser

extension ListFormat: ExpressibleByArgument {}

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the documents (ID, kind, status, date, title), filtered by kind, status or tag.",
        discussion: """
        DIR defaults to ./content when it exists, else the current directory. Documents are sorted by kind (in \
        configuration order), then by number. --status matches after the kind's aliases (approved finds accepted \
        decisions); --kind, --status and --tag can be repeated, and a document must match one value of each.
        table is for people; json (a versioned object) and csv (RFC 4180, with a header row) are for scripts and \
        also give each document's path. Exit codes: 0 listed (also when nothing matches), 2 usage or configuration error.
        """
    )

    @Argument(help: "The docs tree.", completion: .directory)
    var directory: String?

    @Option(help: "Configuration file (default: DIR/archbook.yml if present).", completion: .file())
    var config: String?

    @Option(help: "Only documents of this kind (name or ID prefix); repeatable.")
    var kind: [String] = []

    @Option(help: "Only documents with this status; repeatable.")
    var status: [String] = []

    @Option(help: "Only documents with this tag; repeatable.")
    var tag: [String] = []

    @Option(help: "Output format: table, json or csv.")
    var format: ListFormat = .table

    func run() throws {
        let (setup, query) = try Workspace.query(directory: directory, config: config)
        var kinds = Set<String>()
        for k in kind {
            do { kinds.insert(try query.kind(named: k).name) } catch { throw RunFailure(message: error.message) }
        }
        let tags = Set(tag.map { $0.lowercased() })
        let shown = query.sorted(query.records.filter { i in
            let d = query.documents[i]
            if !kinds.isEmpty && !kinds.contains(d.kind ?? "") { return false }
            if !status.isEmpty {
                guard let value = d.status?.value, status.contains(where: { query.status($0, for: d.kind) == value }) else { return false }
            }
            if !tags.isEmpty && !d.tags.contains(where: { tags.contains($0.lowercased()) }) { return false }
            return true
        })
        Output.out(HandbookViews.list(query, shown, format: format, prefix: setup.displayPrefix))
    }
}
