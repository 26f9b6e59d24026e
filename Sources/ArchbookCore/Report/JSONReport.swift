// The `--format json` report: a versioned, stable schema for scripts (documented in docs/report-formats.md).

enum JSONReport {
    /// Bumped only for incompatible changes; adding keys is compatible.
    static let schemaVersion = 1

    static func render(_ input: ReportInput) -> String {
        let summary = input.summary
        let occurring = Set(input.diagnostics.map(\.rule))
        // Only the rules that fired, so the report explains itself without bloating clean runs.
        let rules = Rules.known.filter { occurring.contains($0.id) }.sorted { $0.id < $1.id }
        let root = JSONValue.object([
            ("version", .int(schemaVersion)),
            ("tool", .object([("name", .string("archbook")), ("version", .string(input.toolVersion))])),
            ("summary", .object([
                ("errors", .int(summary.errors)),
                ("warnings", .int(summary.warnings)),
                ("notes", .int(summary.notes)),
                ("documents", .int(summary.documents)),
            ])),
            ("diagnostics", .array(input.diagnostics.map { diagnostic(input, $0) })),
            ("rules", .array(rules.map { rule in
                .object([
                    ("id", .string(rule.id)),
                    ("severity", .string(rule.defaultSeverity.rawValue)),
                    ("summary", .string(rule.summary)),
                    ("help", .string(rule.help)),
                ])
            })),
        ])
        return root.prettyPrinted()
    }

    private static func diagnostic(_ input: ReportInput, _ d: Diagnostic) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("rule", .string(d.rule)),
            ("severity", .string(d.severity.rawValue)),
            ("file", .string(input.displayPath(d.file))),
            ("line", .int(d.position.line)),
            ("column", .int(d.position.column)),
            ("message", .string(d.message)),
        ]
        if let hint = d.hint { members.append(("hint", .string(hint))) }
        return .object(members)
    }
}
