// The preview loop of `archbook serve`: rebuild into a fresh folder, swap it in, tell the terminal and the browsers; and its temporary folder's lifetime.

import ArchbookCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

final class PreviewSession {
    let rebuilder: any SiteRebuilder
    let state: PreviewState
    let hub: EventHub
    /// The temporary folder that holds every build of this session, one subfolder each.
    let workDir: String
    let format: ReportFormat
    let quiet: Bool
    private(set) var plan = WatchPlan(trees: [], files: [])
    /// Build folders made (site-1, site-2, …), failed builds included.
    private var folders = 0
    /// Sites served: the generation pages compare with.
    private var sites = 0
    private var attempts = 0
    private var served: String?
    /// Removes the folders of sites no longer served, one after another, after the pages were told to reload:
    /// deleting the 20,000 files of a large site took longer than most rebuilds.
    private let remover = DispatchQueue(label: "archbook.serve.remove")

    init(rebuilder: any SiteRebuilder, state: PreviewState, hub: EventHub, workDir: String, format: ReportFormat, quiet: Bool) {
        self.rebuilder = rebuilder
        self.state = state
        self.hub = hub
        self.workDir = workDir
        self.format = format
        self.quiet = quiet
    }

    /// Builds into a new folder; on success it becomes the served site at once (one pointer swap, so a
    /// request sees either the old site or the new one, never a half-written folder) and the old folder goes,
    /// once the pages have been told to reload.
    /// On failure the previous site stays. Returns the failure's message, if any.
    @discardableResult
    func rebuild(changes: Set<String>) -> String? {
        folders += 1
        attempts += 1
        let dir = workDir + "/site-\(folders)"
        guard mkdir(dir, 0o755) == 0 else {
            return fail("cannot create \(dir): \(String(cString: strerror(errno)))")
        }
        let started = Monotonic.now()
        switch rebuilder.rebuild(SiteRebuildRequest(directory: dir, previous: served, changes: changes)) {
        case .failed(let message):
            DiskSite.remove(dir)
            return fail(message)
        case .built(let built):
            let elapsed = Double(Monotonic.now() - started) / 1e9
            printReport(built.check, tree: built.tree, prefix: built.displayPrefix, format: format, quiet: quiet)
            sites += 1
            let status = PreviewStatus(session: state.snapshot.status.session, site: sites, attempt: attempts,
                                       diagnostics: built.check.diagnostics, documents: built.check.fileCount,
                                       displayPrefix: built.displayPrefix)
            let old = served
            served = dir
            state.publish(root: DiskSite.absolute(dir), status: status)
            plan = built.watchPlan
            if DiskFileTree.isDirectory(dir + "/__archbook") {
                Output.err("archbook: warning: the site has a folder named __archbook, which serve uses for itself; its files are not served\n")
            }
            let timing = String(format: "%.2f", elapsed)
            Output.err("archbook: built \(built.summary.pages) pages in \(timing) s\(changeNote(changes))\n")
            hub.broadcast(ServerSentEvent.message(event: "reload", data: status.eventData()))
            if let old { remover.async { DiskSite.remove(old) } }
            return nil
        }
    }

    private func fail(_ message: String) -> String {
        let status = state.snapshot.status.failed(message, attempt: attempts)
        state.publish(root: nil, status: status)
        // The first build's failure ends serve with the message (there is nothing to serve); later ones are shown.
        if served != nil {
            Output.err("archbook: error: \(message)\narchbook: still serving the last site that built; fix the problem and save again\n")
        }
        hub.broadcast(ServerSentEvent.message(event: "status", data: status.eventData()))
        return message
    }

    private func changeNote(_ changes: Set<String>) -> String {
        guard let first = changes.sorted().first else { return "" }
        let more = changes.count > 1 ? " and \(changes.count - 1) more" : ""
        return " (changed: \(Self.display(first))\(more))"
    }

    /// A path as the user would type it: relative to the current folder when it is inside it.
    static func display(_ path: String) -> String {
        let cwd = DiskSite.absolute(".")
        return DiskSite.isInside(path, cwd) && path != cwd ? String(path.dropFirst(cwd == "/" ? 1 : cwd.count + 1)) : path
    }

    /// Waits for changes and rebuilds, for as long as the process runs. A burst of events becomes one
    /// rebuild (Debouncer). Events that arrive while a rebuild runs wait in the watcher and start the next.
    func watch(with first: any FileWatcher) -> Never {
        var watcher = first
        var debouncer = Debouncer()
        var pending = Set<String>()
        // The watcher may have been started from a provisional plan (before the first build).
        do throws(WatchFailure) {
            try watcher.update(plan)
        } catch {
            Output.err("archbook: \(error.message); watching for changes by polling every 0.5 s instead\n")
            watcher = PollingWatcher(plan: plan)
            debouncer.record(at: Monotonic.now())
        }
        while true {
            let now = Monotonic.now()
            let timeout = debouncer.deadline.map { Int(($0 > now ? $0 - now : 0) / 1_000_000) + 1 }
            do throws(WatchFailure) {
                let changed = try watcher.wait(milliseconds: timeout)
                if !changed.isEmpty {
                    debouncer.record(at: Monotonic.now())
                    pending.formUnion(changed)
                }
                if debouncer.fire(at: Monotonic.now()) {
                    let changes = pending
                    pending = []
                    rebuild(changes: changes)
                    try watcher.update(plan)
                }
            } catch {
                Output.err("archbook: \(error.message); watching for changes by polling every 0.5 s instead\n")
                watcher = PollingWatcher(plan: plan)
                // Whatever happened while inotify was failing is caught by one rebuild now.
                debouncer.record(at: Monotonic.now())
            }
        }
    }

    /// The watcher for `plan`: inotify unless polling is asked for or inotify cannot watch the tree.
    static func makeWatcher(_ plan: WatchPlan, poll: Bool) -> any FileWatcher {
        if poll { return PollingWatcher(plan: plan) }
        do {
            return try InotifyWatcher(plan: plan)
        } catch {
            Output.err("archbook: \(error.message); watching for changes by polling every 0.5 s instead\n")
            return PollingWatcher(plan: plan)
        }
    }
}

/// The session's temporary folder is removed however serve ends: Ctrl-C (SIGINT), SIGTERM, SIGHUP, or a
/// startup failure. (SIGKILL cannot be caught; the folder then stays in the system's temporary folder.)
enum PreviewCleanup {
    /// Made in $TMPDIR (else /tmp), never in the docs tree or beside the user's _site.
    static func makeWorkDir() throws -> String {
        var base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        if base.isEmpty || !DiskFileTree.isDirectory(base) { base = "/tmp" }
        while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
        var template = Array((base + "/archbook-serve-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw RunFailure(message: "cannot create a temporary folder in \(base): \(String(cString: strerror(errno)))")
        }
        return String(cString: made)
    }

    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    /// Ignores the default actions of the stop signals and handles them on a queue of their own instead.
    /// A rebuild may be writing into the folder meanwhile, so removal is retried until the folder is gone.
    static func removeOnSignals(_ workDir: String) {
        signal(SIGPIPE, SIG_IGN)
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                remove(workDir)
                exit(0)
            }
            source.resume()
            sources.append(source)
        }
    }

    static func remove(_ workDir: String) {
        for _ in 0..<100 {
            DiskSite.remove(workDir)
            var st = stat()
            if lstat(workDir, &st) != 0 { return }
            usleep(10_000)
        }
    }
}
