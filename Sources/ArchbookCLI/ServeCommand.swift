// `archbook serve`: preview the handbook while writing; the server, watcher and reload logic live in Serve/.

import ArchbookCore
import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Preview the handbook: build it, serve it locally, rebuild and reload pages as you edit.",
        discussion: """
        DIR, --config and --theme are read as by `archbook build`. The site is built into a new temporary folder \
        (never your _site), removed when serve stops (Ctrl-C). Pages get a small script, only while served, that \
        reloads them after each rebuild and shows the documents' problems over the page.
        Changes to the docs tree, the configuration file and the theme folder are noticed with inotify (polling \
        every 0.5 s where it is unavailable or out of watches; ARCHBOOK_SERVE_POLL=1 forces polling). If a rebuild \
        fails (a broken archbook.yml or template), the last site that built stays served and the page shows why.
        Exit codes: 0 stopped by Ctrl-C or SIGTERM; 2 usage, configuration or first-build error, or the port is in use.
        """
    )

    @Argument(help: "The docs tree to preview.", completion: .directory)
    var directory: String?

    @Option(help: "Port to listen on (0 picks a free one).")
    var port: Int = 8000

    @Option(help: "Address to listen on. The default answers this machine only; another address shares the preview with the network.")
    var host: String = "127.0.0.1"

    @Option(help: "Configuration file (default: DIR/archbook.yml if present).", completion: .file())
    var config: String?

    @Option(help: "A theme folder whose templates/ and assets/ override the default theme's files.", completion: .directory)
    var theme: String?

    @Option(help: "Diagnostics format in the terminal after each build: text, json, github or sarif.")
    var format: ReportFormat = .text

    @Flag(help: "Text format: one line per problem, no source excerpts or hints.")
    var quiet = false

    @Flag(help: "Follow symbolic links to files outside the docs tree (off by default: see SECURITY.md). Edits to those files are picked up with the next change inside the tree.")
    var followSymlinks = false

    /// Forces the polling watcher, for tests and file systems where inotify misses changes (network mounts).
    @Flag(help: .hidden)
    var poll = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
    }

    func run() throws {
        let workDir = try PreviewCleanup.makeWorkDir()
        PreviewCleanup.removeOnSignals(workDir)
        do {
            try serve(workDir)
        } catch {
            PreviewCleanup.remove(workDir)
            throw error
        }
    }

    private func serve(_ workDir: String) throws -> Never {
        let state = PreviewState(session: Self.sessionID())
        let hub = EventHub()
        // Listen first: a port in use is reported before any time goes into building.
        let (_, url) = try PreviewServer.start(host: host, port: port, handler: PreviewHandler(state: state, hub: hub))
        hub.startKeepAlive()
        let excluded = [DiskSite.absolute(workDir)]
        // Watch before the first build, so a save during a long first build is not missed. The command line
        // is all there is to go on yet; the build's own plan (a theme named in archbook.yml) replaces it.
        let early = WatchPlan(trees: [DiskSite.absolute(Workspace.root(directory))] + (theme.map { [DiskSite.absolute($0)] } ?? []),
                              files: config.map { [DiskSite.absolute($0)] } ?? [], excluded: excluded)
        let polling = poll || getenv("ARCHBOOK_SERVE_POLL").map { String(cString: $0) == "1" } == true
        let watcher = PreviewSession.makeWatcher(early, poll: polling)
        let rebuilder = FullSiteRebuilder(directory: directory, config: config, theme: theme, excluded: excluded,
                                          followSymlinks: followSymlinks)
        let session = PreviewSession(rebuilder: rebuilder, state: state, hub: hub, workDir: workDir, format: format, quiet: quiet)
        if let failure = session.rebuild(changes: []) {
            throw RunFailure(message: failure)
        }
        if !["127.0.0.1", "localhost", "::1"].contains(host) {
            Output.err("archbook: warning: listening on \(host), so other machines on the network may read the handbook\n")
        }
        Output.err("archbook: serving \(url) (Ctrl-C to stop)\n"
                   + "archbook: the site is in \(workDir) (removed on exit); watching for changes with \(watcher.name)\n")
        session.watch(with: watcher)
    }

    /// Random, so a page left open across a restart of serve can tell it is talking to a new server.
    static func sessionID() -> String {
        String(UInt64.random(in: 1...UInt64.max), radix: 16)
    }
}
