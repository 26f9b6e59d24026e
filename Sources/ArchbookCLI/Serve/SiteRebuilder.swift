// The seam between `archbook serve` and the build: how a preview asks for a new site, and the full rebuild behind it today.

import ArchbookCore

/// One rebuild asked of a `SiteRebuilder`.
struct SiteRebuildRequest {
    /// An empty folder to write the complete site into. It is served only if the rebuild succeeds.
    var directory: String
    /// The folder of the site being served now (nil for the first build). Read-only: browsers are reading it.
    /// An incremental rebuilder may copy or hard-link the files that did not change from it.
    var previous: String?
    /// Absolute paths reported changed since the last rebuild (empty for the first). Only a hint: an overflowed
    /// watch queue reports a whole tree, editors replace files through temporary names, and a rebuilder that
    /// keeps its own content hashes (as the incremental cache does) should trust those over this.
    var changes: Set<String>
}

/// A rebuild that produced a complete site.
struct SiteRebuild {
    /// The checked documents: their diagnostics go to the terminal and the overlay.
    var check: CheckResult
    /// The docs tree as read, for the source lines of the text report.
    var tree: DiskFileTree
    /// Prefix that makes docs-relative paths relative to where archbook was started.
    var displayPrefix: String
    var summary: SiteSummary
    /// What to watch from now on (the configuration may have named another theme).
    var watchPlan: WatchPlan
}

enum SiteRebuildOutcome {
    case built(SiteRebuild)
    /// The site could not be built (configuration, theme, unreadable tree, write error); the message is
    /// shown as `archbook build` shows it, and the previous site stays served.
    case failed(String)
}

/// Builds the site for `archbook serve`. Called from one thread, one rebuild at a time, so an implementation
/// may keep state between calls (a cache, the previous check result).
protocol SiteRebuilder: AnyObject {
    func rebuild(_ request: SiteRebuildRequest) -> SiteRebuildOutcome
}

/// Every rebuild goes through the same calls as `archbook build` (Workspace, ThemeLocator, Checker,
/// SiteBuilder), so a preview shows byte for byte what `archbook build` writes; pages whose inputs did not
/// change are hard-linked from the folder being served, as an incremental `archbook build` does, and files
/// whose bytes did not change are not extracted again (the check's and detection's memos, kept in memory), nor
/// are bodies whose Markdown and link targets did not change rendered again (the build's body memo, in memory too).
final class FullSiteRebuilder: SiteRebuilder {
    /// The last successful build's manifest, for the next rebuild (kept in memory: serve's folders are temporary).
    private var manifest: BuildManifest?
    /// What the last check extracted from each file: files that did not change are not parsed again.
    private var memo: ExtractionMemo?
    /// The bodies the last build rendered: a body whose Markdown and link targets did not change is not rendered again.
    private var bodies: BodyMemo?
    /// What the last build's search index was made from: only the terms of documents changed since are scored again.
    private var search: SearchState?
    /// Without a configuration file: what the last detection extracted from the files it read, so an edit is not
    /// followed by parsing the whole sample again to detect the same layout (`archbook build` keeps it on disk).
    private var detection: ExtractionMemo?

    let directory: String?
    let config: String?
    let theme: String?
    /// Folders never watched, such as serve's own temporary folder if it happens to lie in the docs tree.
    let excluded: [String]
    /// `--follow-symlinks`: links to files outside the docs tree are read.
    let followSymlinks: Bool

    init(directory: String?, config: String?, theme: String?, excluded: [String], followSymlinks: Bool = false) {
        self.directory = directory
        self.config = config
        self.theme = theme
        self.excluded = excluded
        self.followSymlinks = followSymlinks
    }

    func rebuild(_ request: SiteRebuildRequest) -> SiteRebuildOutcome {
        do {
            // Read afresh each time: the configuration, the theme and the documents may all have changed.
            var setup = try Workspace.open(directory: directory, config: config, followSymlinks: followSymlinks)
            let themeLayers = try ThemeLocator.load(setup, theme: theme, config: config)
            let tree = setup.tree
            detection = try setup.resolveConfig(tree: tree, memo: detection ?? .empty(key: Detector.memoKey))
            let options = setup.siteOptions(baseURL: nil)
            var result = try setup.check(tree, memo: memo, keepingMemo: true,
                                         preparing: SiteBuilder.bodyPreparation(config: setup.config, options: options))
            memo = result.memo
            result.memo = nil
            let sink = DiskSiteSink(root: request.directory, previousRoot: request.previous)
            try sink.write(siteMarkerName, Array(siteMarkerText.utf8))
            var summary = try SiteBuilder.build(result, tree: tree, config: setup.config, theme: themeLayers,
                                                options: options, sink: sink,
                                                previous: request.previous == nil ? nil : manifest,
                                                bodies: .memory(bodies), search: search)
            manifest = summary.manifest
            bodies = summary.bodies
            search = summary.search
            summary.bodies = nil
            summary.search = nil
            return .built(SiteRebuild(check: result, tree: tree, displayPrefix: setup.displayPrefix, summary: summary,
                                      watchPlan: watchPlan(setup)))
        } catch let failure as RunFailure {
            return .failed(failure.message)
        } catch let error as FileTreeError {
            return .failed("build failed: \(error.description)")
        } catch {
            return .failed("build failed: \(error)")
        }
    }

    /// The docs tree, the custom theme and the configuration file, as absolute paths.
    func watchPlan(_ setup: Workspace) -> WatchPlan {
        var trees = [DiskSite.absolute(setup.root)]
        if let custom = ThemeLocator.customTheme(setup, theme: theme, config: config) { trees.append(DiskSite.absolute(custom)) }
        let files = (config ?? setup.configFile).map { [DiskSite.absolute($0)] } ?? []
        return WatchPlan(trees: trees, files: files, excluded: excluded)
    }
}
