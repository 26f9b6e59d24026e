// `archbook graph`: the relation graph (supersedes, amends, relates-to) as Graphviz DOT, Mermaid or a standalone SVG.

import ArchbookCore
import ArgumentParser

extension GraphFormat: ExpressibleByArgument {}

struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print the relation graph as Graphviz DOT, Mermaid or SVG.",
        discussion: """
        Nodes are the documents joined by supersedes, amends or relates-to relations (--all adds every other document \
        of a kind); edges point from the newer document (supersedes, amends) and relates-to edges have no direction. \
        Documents with a terminal status (superseded, deprecated, rejected) are drawn dashed. svg is the site's \
        diagram with its colours embedded. DIR defaults to ./content when it exists, else the current directory.
        Exit codes: 0 printed, 2 usage or configuration error.
        """
    )

    @Argument(help: "The docs tree.", completion: .directory)
    var directory: String?

    @Option(help: "Configuration file (default: DIR/archbook.yml if present).", completion: .file())
    var config: String?

    @Option(help: "Output format: dot, mermaid or svg.")
    var format: GraphFormat = .dot

    @Option(help: "Only documents of this kind (name or ID prefix).")
    var kind: String?

    @Flag(help: "Also show documents without relations.")
    var all = false

    func run() throws {
        let (_, query) = try Workspace.query(directory: directory, config: config)
        var kindName: String?
        if let kind {
            do { kindName = try query.kind(named: kind).name } catch { throw RunFailure(message: error.message) }
        }
        let nodes = HandbookViews.graphNodes(query, kind: kindName, all: all)
        Output.out(HandbookViews.graph(query, nodes: nodes, format: format))
    }
}
