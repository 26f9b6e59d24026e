// The human-readable report: compiler-style locations that editors and terminals make clickable, with the
// offending source line and a caret.

enum TextReport {
    private struct Style {
        let enabled: Bool
        func apply(_ code: String, _ text: String) -> String {
            enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
        }
        func location(_ text: String) -> String { apply("1", text) }
        func caret(_ text: String) -> String { apply("32", text) }
        func severity(_ severity: Severity) -> String {
            switch severity {
            case .error: return apply("31", "error")
            case .warning: return apply("33", "warning")
            case .note: return apply("36", "note")
            }
        }
    }

    static func render(_ input: ReportInput, color: Bool, quiet: Bool) -> String {
        let style = Style(enabled: color)
        var out = ""
        for diagnostic in input.diagnostics {
            out += headline(diagnostic, input: input, style: style)
            if quiet { continue }
            if let fullLine = input.line(for: diagnostic) {
                let (line, caretIndex) = window(fullLine, caretIndex: SourceColumns.characterIndex(ofByteColumn: diagnostic.position.column, in: fullLine))
                let excerpt = SourceColumns.excerpt(line, caretIndex: caretIndex)
                let shown = trimmingTrailingSpaces(excerpt.text)
                // A caret under an empty line points at nothing, so blank lines are left out.
                if !shown.isEmpty {
                    out += "    " + shown + "\n"
                    out += "    " + String(repeating: " ", count: excerpt.caretOffset) + style.caret("^") + "\n"
                }
            }
            if let hint = diagnostic.hint {
                out += indented(hint, first: "    hint: ", rest: String(repeating: " ", count: 10))
            }
            out += "\n"
        }
        out += Report.summaryLine(input.summary) + "\n"
        return out
    }

    /// Characters of a source line shown at most; a longer line (a 1 MB paragraph) is cut around the caret.
    static let excerptCharacters = 240

    private static func window(_ line: String, caretIndex: Int) -> (String, Int) {
        let count = line.count
        guard count > excerptCharacters else { return (line, caretIndex) }
        let start = max(0, min(caretIndex - excerptCharacters / 2, count - excerptCharacters))
        let from = line.index(line.startIndex, offsetBy: start)
        let to = line.index(from, offsetBy: excerptCharacters)
        let head = start > 0 ? "…" : ""
        return (head + line[from..<to] + (to < line.endIndex ? "…" : ""), caretIndex - start + head.count)
    }

    /// `path:line:col: severity: message [rule]` on one line, because editors' problem matchers and grep read
    /// reports line by line; a line break inside the message becomes a space.
    private static func headline(_ diagnostic: Diagnostic, input: ReportInput, style: Style) -> String {
        let location = "\(input.displayPath(diagnostic.file)):\(diagnostic.position.line):\(diagnostic.position.column):"
        // Messages quote documents (a status, a link): their escape sequences must not restyle the terminal.
        let message = String(diagnostic.message.split(whereSeparator: \.isNewline).joined(separator: " ")
            .map { SourceColumns.isUnsafeForTerminal($0) ? "\u{FFFD}" : $0 })
        return "\(style.location(location)) \(style.severity(diagnostic.severity)): \(message) [\(diagnostic.rule)]\n"
    }

    private static func indented(_ text: String, first: String, rest: String) -> String {
        splitLines(text).enumerated().map { item in
            item.offset == 0 ? first + item.element : item.element.isEmpty ? "" : rest + item.element
        }.joined(separator: "\n") + "\n"
    }

    private static func splitLines(_ text: String) -> [String] {
        text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
    }

    private static func trimmingTrailingSpaces(_ text: String) -> String {
        var text = text
        while let last = text.last, last == " " { text.removeLast() }
        return text
    }
}
