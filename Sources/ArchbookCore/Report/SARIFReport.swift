// The `--format sarif` report: SARIF 2.1.0 for GitHub code scanning and other static-analysis dashboards.

enum SARIFReport {
    static let schemaURI = "https://json.schemastore.org/sarif-2.1.0.json"
    static let informationURI = "https://github.com/archbook/archbook"

    static func render(_ input: ReportInput) -> String {
        let ruleIndex = Dictionary(input.rules.enumerated().map { ($0.element.id, $0.offset) },
                                   uniquingKeysWith: { first, _ in first })
        let driver = JSONValue.object([
            ("name", .string("archbook")),
            ("version", .string(input.toolVersion)),
            ("informationUri", .string(informationURI)),
            // All rules, not only those that fired, so dashboards can show what a clean run checked.
            ("rules", .array(input.rules.map(descriptor))),
        ])
        let run = JSONValue.object([
            ("tool", .object([("driver", driver)])),
            // Diagnostics count UTF-8 bytes, which SARIF cannot express; results are converted to code points.
            ("columnKind", .string("unicodeCodePoints")),
            ("results", .array(input.diagnostics.map { result($0, input: input, ruleIndex: ruleIndex) })),
        ])
        return JSONValue.object([
            ("$schema", .string(schemaURI)),
            ("version", .string("2.1.0")),
            ("runs", .array([run])),
        ]).prettyPrinted()
    }

    private static func descriptor(_ rule: Rule) -> JSONValue {
        .object([
            ("id", .string(rule.id)),
            ("name", .string(pascalCase(rule.id))),
            ("shortDescription", .object([("text", .string(rule.summary))])),
            ("fullDescription", .object([("text", .string(rule.help))])),
            ("help", .object([("text", .string(rule.help))])),
            ("defaultConfiguration", .object([("level", .string(rule.defaultSeverity.rawValue))])),
        ])
    }

    private static func result(_ d: Diagnostic, input: ReportInput, ruleIndex: [String: Int]) -> JSONValue {
        var text = d.message
        if let hint = d.hint { text += "\n\nhint: " + hint }
        var column = max(1, d.position.column)
        if let line = input.line(for: d) {
            column = SourceColumns.codePointColumn(ofByteColumn: column, in: line)
        }
        let location = JSONValue.object([
            ("physicalLocation", .object([
                ("artifactLocation", .object([
                    ("uri", .string(uriReference(input.displayPath(d.file)))),
                    ("uriBaseId", .string("%SRCROOT%")),
                ])),
                ("region", .object([
                    // SARIF requires positive line numbers; file-level problems use line 1.
                    ("startLine", .int(max(1, d.position.line))),
                    ("startColumn", .int(column)),
                ])),
            ])),
        ])
        var members: [(key: String, value: JSONValue)] = [("ruleId", .string(d.rule))]
        // A rule missing from the catalogue gets no index rather than a wrong one.
        if let index = ruleIndex[d.rule] { members.append(("ruleIndex", .int(index))) }
        members += [
            ("level", .string(d.severity.rawValue)),
            ("message", .object([("text", .string(text))])),
            ("locations", .array([location])),
        ]
        return .object(members)
    }

    /// `relation-not-reciprocated` → `RelationNotReciprocated` (SARIF's `name` is meant to be an identifier).
    static func pascalCase(_ id: String) -> String {
        id.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            .map { $0.prefix(1).uppercased() + $0.dropFirst() }
            .joined()
    }

    /// A relative URI reference for `path`: every byte outside RFC 3986 `pchar` is percent-encoded, and so is
    /// `:` (it would make the first segment read as a URI scheme).
    static func uriReference(_ path: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        for byte in path.utf8 {
            if isAllowed(byte) {
                bytes.append(byte)
            } else {
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "-._~!$&'()*+,;=@/".utf8.contains(byte)
        }
    }
}
