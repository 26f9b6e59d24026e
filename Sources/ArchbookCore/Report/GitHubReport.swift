// The `--format github` report: GitHub Actions workflow commands, which become annotations on the pull request.

enum GitHubReport {
    static func render(_ input: ReportInput) -> String {
        var out = ""
        for d in input.diagnostics {
            let command: String
            switch d.severity {
            case .error: command = "error"
            case .warning: command = "warning"
            case .note: command = "notice"
            }
            var message = d.message
            if let hint = d.hint { message += "\nhint: " + hint }
            let properties = [
                "file=" + escapeProperty(input.displayPath(d.file)),
                "line=\(d.position.line)",
                "col=\(d.position.column)",
                "title=" + escapeProperty(d.rule),
            ]
            out += "::\(command) \(properties.joined(separator: ","))::\(escapeData(message))\n"
        }
        // Not a command, so the runner just logs it; it tells a reader of the log how the run ended.
        out += Report.summaryLine(input.summary) + "\n"
        return out
    }

    /// As @actions/core's `escapeData`: a raw newline would end the command and start another.
    static func escapeData(_ s: String) -> String {
        escape(s, extra: false)
    }

    /// As @actions/core's `escapeProperty`: `:` and `,` also delimit properties.
    static func escapeProperty(_ s: String) -> String {
        escape(s, extra: true)
    }

    private static func escape(_ s: String, extra: Bool) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            case ":" where extra: out += "%3A"
            case "," where extra: out += "%2C"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
