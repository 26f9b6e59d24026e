// A YAML value with source positions, read through Yams, for front matter, sidecars and archbook.yml.

import Yams

public indirect enum YAMLValue: Sendable, Equatable {
    case scalar(String, SourcePosition)
    case sequence([YAMLValue], SourcePosition)
    case mapping([YAMLEntry], SourcePosition)

    public var position: SourcePosition {
        switch self {
        case .scalar(_, let p), .sequence(_, let p), .mapping(_, let p): return p
        }
    }

    public var scalar: String? {
        if case .scalar(let s, _) = self { return s }
        return nil
    }

    /// A scalar as a one-element list, a sequence of scalars as a list; other shapes give nil.
    public var stringList: [String]? {
        switch self {
        case .scalar(let s, _):
            return s.isEmpty ? [] : [s]
        case .sequence(let items, _):
            var out: [String] = []
            for item in items {
                guard let s = item.scalar else { return nil }
                out.append(s)
            }
            return out
        case .mapping:
            return nil
        }
    }

    public var typeName: String {
        switch self {
        case .scalar: return "a scalar"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }
}

public struct YAMLEntry: Sendable, Equatable {
    public var key: String
    public var keyPosition: SourcePosition
    public var value: YAMLValue
}

public struct YAMLParseError: Error, Sendable, Equatable {
    public var message: String
    /// Position within the YAML text (1-based line and column).
    public var position: SourcePosition
    /// Set when the text is well-formed but expands past the value budget (`limits.max-yaml-nodes`).
    public var exceedsLimit = false

    public init(message: String, position: SourcePosition, exceedsLimit: Bool = false) {
        self.message = message
        self.position = position
        self.exceedsLimit = exceedsLimit
    }
}

public enum YAMLReader {
    /// Upper bound on values, aliases expanded, so aliases that expand exponentially ("billion laughs") stay cheap.
    public static let nodeBudget = Config.Limits().maxYAMLNodes

    /// Parses one YAML document. `lineOffset` shifts positions to file lines. Returns nil for an empty document.
    /// A text that would expand to more than `budget` values is refused before Yams composes it.
    public static func read(_ text: String, lineOffset: Int = 0, budget: Int = nodeBudget) -> Result<YAMLValue?, YAMLParseError> {
        if let excess = YAMLExpansion.check(text, budget: budget, lineOffset: lineOffset) {
            return .failure(YAMLParseError(
                message: "YAML expands to more than \(budget) values through its aliases (limits.max-yaml-nodes)",
                position: excess.position, exceedsLimit: true))
        }
        let node: Node?
        do {
            // Every scalar is read as text, so Yams' tag resolution (regexes per scalar) would be wasted work.
            node = try Yams.compose(yaml: text, .basic, .default, .utf8)
        } catch let error as YamlError {
            return .failure(describe(error, text: text, lineOffset: lineOffset))
        } catch {
            return .failure(YAMLParseError(message: "\(error)", position: SourcePosition(line: lineOffset + 1, column: 1)))
        }
        guard let node else { return .success(nil) }
        var budget = budget
        do {
            return .success(try convert(node, lineOffset: lineOffset, budget: &budget))
        } catch let e as YAMLParseError {
            return .failure(e)
        } catch {
            return .failure(YAMLParseError(message: "\(error)", position: SourcePosition(line: lineOffset + 1, column: 1)))
        }
    }

    private static func position(_ mark: Mark?, _ lineOffset: Int) -> SourcePosition {
        guard let mark else { return SourcePosition(line: lineOffset + 1, column: 1) }
        return SourcePosition(line: mark.line + lineOffset, column: mark.column)
    }

    private static func convert(_ node: Node, lineOffset: Int, budget: inout Int) throws -> YAMLValue {
        budget -= 1
        if budget < 0 {
            throw YAMLParseError(
                message: "YAML expands to too many values through its aliases (limits.max-yaml-nodes)",
                position: position(node.mark, lineOffset), exceedsLimit: true)
        }
        switch node {
        case .scalar(let s):
            return .scalar(s.string, position(s.mark, lineOffset))
        case .sequence(let seq):
            var items: [YAMLValue] = []
            for child in seq {
                items.append(try convert(child, lineOffset: lineOffset, budget: &budget))
            }
            return .sequence(items, position(seq.mark, lineOffset))
        case .mapping(let map):
            var entries: [YAMLEntry] = []
            for (k, v) in map {
                let key: String
                if case .scalar(let ks) = k { key = ks.string } else { key = k.string ?? "" }
                entries.append(YAMLEntry(key: key, keyPosition: position(k.mark, lineOffset),
                                         value: try convert(v, lineOffset: lineOffset, budget: &budget)))
            }
            return .mapping(entries, position(map.mark, lineOffset))
        case .alias(let a):
            return .scalar("*" + a.anchor.rawValue, position(a.mark, lineOffset))
        }
    }

    private static func describe(_ error: YamlError, text: String, lineOffset: Int) -> YAMLParseError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            // libyaml's own wording names a C function; its limit (1000) is fixed.
            var msg = problem.hasPrefix("Maximum nesting level reached") ? "YAML nests deeper than 1000 levels" : problem
            if let context { msg += " (\(context.text) at line \(context.mark.line + lineOffset))" }
            return YAMLParseError(message: msg, position: SourcePosition(line: mark.line + lineOffset, column: mark.column))
        case let .duplicatedKeysInMapping(duplicates, context):
            // Yams points at the mapping; the useful place is the key's second occurrence.
            var position = SourcePosition(line: context.mark.line + lineOffset, column: context.mark.column)
            if let key = duplicates.first {
                let hits = sourceLines(of: text).enumerated().compactMap { (i, line) -> SourcePosition? in
                    let indent = line.prefix { $0 == " " }.count
                    let rest = line.dropFirst(indent)
                    guard rest.hasPrefix(key), rest.dropFirst(key.count).trimmed.hasPrefix(":") else { return nil }
                    return SourcePosition(line: i + 1 + lineOffset, column: indent + 1)
                }
                if hits.count > 1 { position = hits[1] }
            }
            return YAMLParseError(message: "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", "))",
                                  position: position)
        case let .reader(problem, _, _, _):
            return YAMLParseError(message: problem, position: SourcePosition(line: lineOffset + 1, column: 1))
        default:
            return YAMLParseError(message: "\(error)", position: SourcePosition(line: lineOffset + 1, column: 1))
        }
    }
}

/// Parsed front matter: the raw YAML and its top-level mapping.
public struct FrontMatter: Sendable, Equatable {
    public var raw: String
    public var entries: [YAMLEntry] { didSet { keys = entries.map { Self.normalizeKey($0.key) } } }
    /// `entries`' keys normalised once: extraction and detection look keys up many times per document.
    private var keys: [String]

    public init(raw: String, entries: [YAMLEntry]) {
        self.raw = raw
        self.entries = entries
        keys = entries.map { Self.normalizeKey($0.key) }
    }

    /// Looks a key up ignoring case and treating `_` and `-` alike (`superseded_by` = `superseded-by`).
    public func value(_ key: String) -> YAMLEntry? {
        let k = FrontMatter.normalizeKey(key)
        return keys.firstIndex(of: k).map { entries[$0] }
    }

    public static func normalizeKey(_ key: String) -> String {
        // Keys are looked up several times per document and are nearly always ASCII, where bytes
        // and Characters agree.
        if key.utf8.allSatisfy({ $0 < 0x80 }) {
            return String(unsafeUninitializedCapacity: key.utf8.count) { out in
                for (k, b) in key.utf8.enumerated() {
                    out[k] = b >= 0x41 && b <= 0x5A ? b + 32 : b == UInt8(ascii: "_") || b == 0x20 ? UInt8(ascii: "-") : b
                }
                return key.utf8.count
            }
        }
        return String(key.lowercased().map { $0 == "_" || $0 == " " ? "-" : $0 })
    }
}
