// Problems found in the user's documents: the single currency every phase reports in.

/// A position in a source file. Lines and columns are 1-based; column counts UTF-8 bytes
/// as cmark-gfm does (the SARIF report converts to code points).
public struct SourcePosition: Hashable, Comparable, Sendable, Codable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static let start = SourcePosition(line: 1, column: 1)

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}

/// A span in a source file, both ends inclusive (cmark-gfm's convention).
public struct SourceRange: Hashable, Sendable, Codable {
    public var start: SourcePosition
    public var end: SourcePosition

    public init(start: SourcePosition, end: SourcePosition) {
        self.start = start
        self.end = end
    }

    public init(line: Int, column: Int) {
        self.start = SourcePosition(line: line, column: column)
        self.end = self.start
    }
}

public enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
    case error
    case warning
    case note

    private var rank: Int {
        switch self {
        case .error: return 0
        case .warning: return 1
        case .note: return 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

public struct Diagnostic: Hashable, Sendable, Codable {
    /// Stable rule identifier, e.g. `missing-section`.
    public var rule: String
    public var severity: Severity
    /// Path relative to the docs root, with `/` separators.
    public var file: String
    public var position: SourcePosition
    public var message: String
    public var hint: String?

    public init(rule: String, severity: Severity, file: String, position: SourcePosition,
                message: String, hint: String? = nil) {
        self.rule = rule
        self.severity = severity
        self.file = file
        self.position = position
        self.message = message
        self.hint = hint
    }

    /// Order used by every report: file, then position, then rule, then message.
    public static func reportOrder(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
        if a.file != b.file { return a.file < b.file }
        if a.position != b.position { return a.position < b.position }
        if a.rule != b.rule { return a.rule < b.rule }
        return a.message < b.message
    }
}

/// Summary counts for a run.
public struct DiagnosticSummary: Sendable, Equatable {
    public var errors: Int
    public var warnings: Int
    public var notes: Int
    public var documents: Int

    public init(diagnostics: [Diagnostic], documents: Int) {
        errors = diagnostics.filter { $0.severity == .error }.count
        warnings = diagnostics.filter { $0.severity == .warning }.count
        notes = diagnostics.filter { $0.severity == .note }.count
        self.documents = documents
    }
}
