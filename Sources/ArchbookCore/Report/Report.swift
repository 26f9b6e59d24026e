// Turns a run's diagnostics into the text of one output format; pure so every format can be tested as a string.

/// Everything a report needs, gathered by the caller so formatting never touches the file system.
public struct ReportInput: Sendable {
    /// Already sorted in report order (`Diagnostic.reportOrder`); formatters keep the order they are given.
    public var diagnostics: [Diagnostic]
    public var documentCount: Int
    /// e.g. "0.1.0".
    public var toolVersion: String
    /// Returns the text of 1-based `line` in `file` (path relative to the docs root), for showing the source line.
    public var sourceLine: @Sendable (_ file: String, _ line: Int) -> String?
    /// Prefix joined to `file` to make paths relative to the repository/working directory, e.g. "content/"
    /// (may be ""). A missing trailing `/` is supplied.
    public var pathPrefix: String
    /// The rules the run applied, as SARIF lists them: `Rules.all`, plus `Rules.history` with `check --base`.
    public var rules: [Rule]

    public init(diagnostics: [Diagnostic], documentCount: Int, toolVersion: String,
                sourceLine: @escaping @Sendable (_ file: String, _ line: Int) -> String? = { _, _ in nil },
                pathPrefix: String = "", rules: [Rule] = Rules.all) {
        self.diagnostics = diagnostics
        self.documentCount = documentCount
        self.toolVersion = toolVersion
        self.sourceLine = sourceLine
        self.pathPrefix = pathPrefix
        self.rules = rules
    }

    var summary: DiagnosticSummary { DiagnosticSummary(diagnostics: diagnostics, documents: documentCount) }

    /// The path users and CI tools see: relative to where archbook was run, not to the docs root.
    func displayPath(_ file: String) -> String {
        if pathPrefix.isEmpty || pathPrefix.hasSuffix("/") { return pathPrefix + file }
        return pathPrefix + "/" + file
    }

    /// The source line without its line terminator, or nil when there is none to show.
    func line(for diagnostic: Diagnostic) -> String? {
        guard diagnostic.position.line >= 1, var text = sourceLine(diagnostic.file, diagnostic.position.line) else {
            return nil
        }
        while let last = text.last, last.isNewline { text.removeLast() }
        return text
    }
}

public enum ReportFormat: String, CaseIterable, Sendable {
    case text, json, github, sarif
}

public enum Report {
    /// The complete output for `format`, ending in a newline. `color` only affects `text` (ANSI escapes);
    /// `quiet` only affects `text` (location lines and the summary, no source excerpts or hints).
    public static func render(_ input: ReportInput, format: ReportFormat, color: Bool = false,
                              quiet: Bool = false) -> String {
        switch format {
        case .text: return TextReport.render(input, color: color, quiet: quiet)
        case .json: return JSONReport.render(input)
        case .github: return GitHubReport.render(input)
        case .sarif: return SARIFReport.render(input)
        }
    }

    /// `N errors, M warnings[, P notes] in K documents` — shared by the human-facing formats.
    public static func summaryLine(_ summary: DiagnosticSummary) -> String {
        var parts = [counted(summary.errors, "error"), counted(summary.warnings, "warning")]
        if summary.notes > 0 { parts.append(counted(summary.notes, "note")) }
        return parts.joined(separator: ", ") + " in " + counted(summary.documents, "document")
    }

    private static func counted(_ n: Int, _ noun: String) -> String {
        n == 1 ? "1 \(noun)" : "\(n) \(noun)s"
    }
}
