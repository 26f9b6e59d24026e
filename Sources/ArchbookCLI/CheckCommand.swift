// `archbook check`: validate every document of a docs tree and report all problems at once.

import ArchbookCore
import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

extension ReportFormat: ExpressibleByArgument {}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate every document and report problems with file, line and column.",
        discussion: """
        DIR defaults to ./content when it exists, else the current directory. The configuration is \
        DIR/archbook.yml unless --config names another file; without either, archbook detects per folder the \
        preset the documents fit best (see --explain, and `archbook init` to write it down).
        Exit codes: 0 no errors (warnings allowed), 1 errors (or warnings with --strict), 2 usage or configuration error.
        """
    )

    @Argument(help: "The docs tree to check.", completion: .directory)
    var directory: String?

    @Option(help: "Configuration file (default: DIR/archbook.yml if present).", completion: .file())
    var config: String?

    @Option(help: "Output format: text, json, github or sarif.")
    var format: ReportFormat = .text

    @Flag(help: "Treat warnings as errors for the exit code.")
    var strict = false

    @Flag(help: "Follow symbolic links to files outside the docs tree (off by default: see SECURITY.md).")
    var followSymlinks = false

    @Flag(help: "Text format: one line per problem, no source excerpts or hints.")
    var quiet = false

    @Flag(help: "Print the resolved configuration (per kind: preset and why, folders, required sections, statuses) to standard error.")
    var explain = false

    @Option(help: ArgumentHelp("Also compare with a git revision: numbers it already uses, changed accepted decisions, deleted documents still referenced.", valueName: "REF"))
    var base: String?

    func run() throws {
        var setup = try Workspace.open(directory: directory, config: config, followSymlinks: followSymlinks)
        try setup.resolveConfig(tree: setup.tree)
        // Only the comparison with --base reads document bodies after the check.
        var result = try setup.check(setup.tree, keepingBodies: base != nil)
        var rules = Rules.all
        if let base {
            result.diagnostics = try setup.compare(result, with: base)
            rules = Rules.known
        }
        if explain { setup.printExplanation(result) }
        printReport(result, tree: setup.tree, prefix: setup.displayPrefix, format: format, quiet: quiet, rules: rules)
        let summary = result.summary
        let failed = summary.errors > 0 || (strict && summary.warnings > 0)
        // Exit here rather than return: tearing down every parsed document one by one costs
        // a measurable share of a large run, and the process is ending anyway.
        withExtendedLifetime(result) { Glibc.exit(failed ? 1 : 0) }
    }
}

/// Prints a check result's diagnostics to stdout in the chosen format.
func printReport(_ result: CheckResult, tree: some FileTree, prefix: String, format: ReportFormat, quiet: Bool,
                 rules: [Rule] = Rules.all) {
    let lines: @Sendable (String, Int) -> String?
    // Text shows source lines; SARIF needs them to convert byte columns to code points.
    if (format == .text && !quiet) || format == .sarif {
        lines = SourceLines.loader(tree, result.diagnostics)
    } else {
        lines = { _, _ in nil }
    }
    let input = ReportInput(diagnostics: result.diagnostics, documentCount: result.fileCount,
                            toolVersion: archbookVersion, sourceLine: lines, pathPrefix: prefix, rules: rules)
    let color = format == .text && Terminal.wantsColor(fd: STDOUT_FILENO)
    Output.out(Report.render(input, format: format, color: color, quiet: quiet))
}

/// A docs tree opened for a command: its root, configuration and how to show its paths.
struct Workspace {
    var root: String
    var tree: DiskFileTree
    var config: Config
    /// Prefix that turns a docs-relative path into one relative to the current directory.
    var displayPrefix: String
    /// The configuration file used, or nil when there is none and the configuration is detected.
    var configFile: String?
    var detection: Detection?
    /// What detection read and parsed, until the check has used it.
    var parsed: ParsedSources?
    /// The configuration's text: the file's, or the detected archbook.yml. Part of every page's build key.
    var configText = ""

    /// What the site builder is told: the configuration's site settings, `--base-url` over its `base-url`
    /// (as `archbook build` makes them; `archbook serve` builds with these).
    func siteOptions(baseURL: String?) -> SiteOptions {
        SiteOptions(title: config.site.title, baseURL: baseURL ?? config.site.baseURL,
                    allowRawHTML: config.site.rawHTML, generator: "archbook \(archbookVersion)", search: config.site.search,
                    configText: configText)
    }

    /// Without a configuration file, detects the configuration from the documents of `tree`. `memo`: what an
    /// earlier detection extracted (see `Detector.detect(_:memo:)`); the new one is returned, for the next detection
    /// (nil when there is a configuration file or no memo was given).
    @discardableResult
    mutating func resolveConfig(tree: some FileTree, memo: ExtractionMemo? = nil) throws -> ExtractionMemo? {
        guard configFile == nil else { return nil }
        do {
            var d = try Detector.detect(tree, memo: memo)
            parsed = d.parsed
            d.parsed = nil
            let kept = d.memo
            d.memo = nil
            detection = d
            config = d.config
            configText = d.yaml
            return kept
        } catch {
            throw RunFailure(message: "cannot read \(root): \(error.message)")
        }
    }

    /// Checks a tree (the docs tree, or it without build output), with dates from git when the configuration asks for them.
    /// Uses, once, the files detection parsed (then lets them go: a build keeps the workspace to the end).
    /// `memo`: what the previous check of this workspace extracted (serve keeps it between rebuilds); with
    /// `keepingMemo`, the result carries a memo for the next one. `keepingBodies`: see `Checker.check(keepsBodies:)`.
    /// `preparing`: for a build, see `Checker.check(preparing:)`.
    mutating func check(_ tree: some FileTree, memo: ExtractionMemo? = nil, keepingMemo: Bool = false,
                        keepingBodies: Bool = true, preparing: BodyPreparation? = nil) throws -> CheckResult {
        defer { parsed = nil }
        var history: DocumentHistory?
        if config.gitDates {
            let repo = try GitRepository.open(root, purpose: "git-dates (in the configuration)")
            if repo.isShallow() {
                Output.err("archbook: warning: the repository is a shallow clone, so dates from git history start at its oldest commit (fetch the whole history; in GitHub Actions check out with `fetch-depth: 0`)\n")
            }
            history = try repo.history()
        }
        do {
            return try Checker.check(tree, config: config, displayPrefix: displayPrefix, history: history, parsed: parsed,
                                     memo: memo, memoKey: keepingMemo ? configText : nil, keepsBodies: keepingBodies,
                                     preparing: preparing)
        } catch {
            throw RunFailure(message: "cannot read \(root): \(error.message)")
        }
    }

    /// `check --base`: the diagnostics of `head` with those of the rules that compare it with a git revision.
    func compare(_ head: CheckResult, with revision: String) throws -> [Diagnostic] {
        let repo = try GitRepository.open(root, purpose: "--base")
        let commit = try repo.commit(revision)
        let mergeBase = repo.mergeBase(commit)
        if mergeBase == nil {
            Output.err("archbook: warning: HEAD and \(revision) have no commit in common (a shallow clone?), so documents renamed on this branch may be reported as number collisions; fetch the whole history\n")
        }
        let baseTree = try repo.tree(at: commit)
        let baseResult: CheckResult
        let headListing: FileListing
        do {
            baseResult = try Checker.check(baseTree, config: config, displayPrefix: displayPrefix, linkedFiles: false)
            headListing = try tree.listing()
        } catch {
            throw RunFailure(message: "cannot read \(root) at \(revision): \(error.message)")
        }
        let mergeBasePaths = try mergeBase.map { Set(try repo.files(at: $0).map(\.path)) }
        let snapshot = BaseSnapshot(name: revision, result: baseResult, listing: baseTree.files, mergeBasePaths: mergeBasePaths)
        return BaseComparison.compare(head: head, headListing: headListing, base: snapshot, config: config, displayPrefix: displayPrefix)
    }

    /// The docs tree opened, configured and checked, for the commands that read the handbook (list, show, graph, export).
    static func query(directory: String?, config: String?) throws -> (Workspace, HandbookQuery) {
        var setup = try open(directory: directory, config: config)
        try setup.resolveConfig(tree: setup.tree)
        let result = try setup.check(setup.tree)
        let listing: FileListing
        do { listing = try setup.tree.listing() } catch { throw RunFailure(message: "cannot read \(setup.root): \(error.message)") }
        return (setup, HandbookQuery(result, listing: listing, config: setup.config))
    }

    /// `--explain`: the resolved configuration on standard error, so reports on standard output stay parseable.
    func printExplanation(_ result: CheckResult) {
        let source: Explanation.Source = configFile.map { .file($0) } ?? .detected
        Output.err(Explanation.render(config: config, source: source, detection: detection, documents: result.documents) + "\n")
    }

    /// DIR as given, else ./content when it exists, else the current directory.
    static func root(_ directory: String?) -> String {
        directory ?? (DiskFileTree.isDirectory("content") ? "content" : ".")
    }

    static func open(directory: String?, config configPath: String?, followSymlinks: Bool = false) throws -> Workspace {
        let root = Self.root(directory)
        guard DiskFileTree.isDirectory(root) else {
            throw RunFailure(message: "'\(root)' is not a directory; pass the folder that holds your documents")
        }
        var config = Config.default
        let explicit = configPath != nil
        let path = configPath ?? (root == "." ? Config.fileName : root + "/" + Config.fileName)
        var configFile: String?
        var configText = ""
        if explicit || DiskFileTree.isFile(path) {
            configFile = path
            let bytes: [UInt8]
            do {
                bytes = try DiskFileTree.readFile(path)
            } catch {
                throw RunFailure(message: "cannot read configuration \(path): \(error.message)")
            }
            configText = String(decoding: bytes, as: UTF8.self)
            do {
                config = try Config.parse(configText, file: path)
            } catch {
                throw RunFailure(message: error.description)
            }
        }
        var prefix = root
        while prefix.hasPrefix("./") { prefix.removeFirst(2) }
        if prefix == "." || prefix.isEmpty { prefix = "" } else if !prefix.hasSuffix("/") { prefix += "/" }
        return Workspace(root: root, tree: DiskFileTree(root: root, followsLinksOutside: followSymlinks), config: config, displayPrefix: prefix,
                         configFile: configFile, detection: nil, configText: configText)
    }
}

enum SourceLines {
    /// Reads each file that has a diagnostic once, so the text report can show source lines.
    /// Files over `maxBytes` (the run's `limits.max-file-bytes`) are not read again just to show a line.
    static func loader(_ tree: some FileTree, _ diagnostics: [Diagnostic], maxBytes: Int = Config.Limits().maxFileBytes) -> @Sendable (String, Int) -> String? {
        var lines: [String: [String]] = [:]
        for file in Set(diagnostics.map(\.file)) {
            if let bytes = try? tree.read(file, maxBytes: maxBytes), bytes.count <= maxBytes {
                lines[file] = sourceLines(of: SourceText(decoding: bytes).string).map(String.init)
            }
        }
        let snapshot = lines
        return { file, line in
            guard let l = snapshot[file], line >= 1, line <= l.count else { return nil }
            return l[line - 1]
        }
    }
}

enum Terminal {
    /// Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org).
    static func wantsColor(fd: Int32) -> Bool {
        if let v = getenv("NO_COLOR"), v.pointee != 0 { return false }
        if let term = getenv("TERM"), String(cString: term) == "dumb" { return false }
        return isatty(fd) != 0
    }
}
