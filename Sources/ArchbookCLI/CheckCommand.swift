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

    @Flag(help: "Text format: one line per problem, no source excerpts or hints.")
    var quiet = false

    @Flag(help: "Print the resolved configuration (per kind: preset and why, folders, required sections, statuses) to standard error.")
    var explain = false

    func run() throws {
        var setup = try Workspace.open(directory: directory, config: config)
        try setup.resolveConfig(tree: setup.tree)
        let result: CheckResult
        do {
            result = try Checker.check(setup.tree, config: setup.config, displayPrefix: setup.displayPrefix)
        } catch {
            throw RunFailure(message: "cannot read \(setup.root): \(error.message)")
        }
        if explain { setup.printExplanation(result) }
        printReport(result, tree: setup.tree, prefix: setup.displayPrefix, format: format, quiet: quiet)
        let summary = result.summary
        let failed = summary.errors > 0 || (strict && summary.warnings > 0)
        // Exit here rather than return: tearing down every parsed document one by one costs
        // a measurable share of a large run, and the process is ending anyway.
        withExtendedLifetime(result) { Glibc.exit(failed ? 1 : 0) }
    }
}

/// Prints a check result's diagnostics to stdout in the chosen format.
func printReport(_ result: CheckResult, tree: some FileTree, prefix: String, format: ReportFormat, quiet: Bool) {
    let lines: @Sendable (String, Int) -> String?
    // Text shows source lines; SARIF needs them to convert byte columns to code points.
    if (format == .text && !quiet) || format == .sarif {
        lines = SourceLines.loader(tree, result.diagnostics)
    } else {
        lines = { _, _ in nil }
    }
    let input = ReportInput(diagnostics: result.diagnostics, documentCount: result.fileCount,
                            toolVersion: archbookVersion, sourceLine: lines, pathPrefix: prefix)
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

    /// Without a configuration file, detects the configuration from the documents of `tree`.
    mutating func resolveConfig(tree: some FileTree) throws {
        guard configFile == nil else { return }
        do {
            let d = try Detector.detect(tree)
            detection = d
            config = d.config
        } catch {
            throw RunFailure(message: "cannot read \(root): \(error.message)")
        }
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

    static func open(directory: String?, config configPath: String?) throws -> Workspace {
        let root = Self.root(directory)
        guard DiskFileTree.isDirectory(root) else {
            throw RunFailure(message: "'\(root)' is not a directory; pass the folder that holds your documents")
        }
        var config = Config.default
        let explicit = configPath != nil
        let path = configPath ?? (root == "." ? Config.fileName : root + "/" + Config.fileName)
        var configFile: String?
        if explicit || DiskFileTree.isFile(path) {
            configFile = path
            let bytes: [UInt8]
            do {
                bytes = try DiskFileTree.readFile(path)
            } catch {
                throw RunFailure(message: "cannot read configuration \(path): \(error.message)")
            }
            do {
                config = try Config.parse(String(decoding: bytes, as: UTF8.self), file: path)
            } catch {
                throw RunFailure(message: error.description)
            }
        }
        var prefix = root
        while prefix.hasPrefix("./") { prefix.removeFirst(2) }
        if prefix == "." || prefix.isEmpty { prefix = "" } else if !prefix.hasSuffix("/") { prefix += "/" }
        return Workspace(root: root, tree: DiskFileTree(root: root), config: config, displayPrefix: prefix,
                         configFile: configFile, detection: nil)
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
