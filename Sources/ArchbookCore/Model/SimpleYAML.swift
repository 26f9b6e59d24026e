// Reads the plainest front matter (`key: value` and `key: [a, b]` lines) without Yams, which costs
// more than parsing the whole Markdown body; anything else is left to Yams.

enum SimpleYAML {
    /// The mapping Yams would produce for `text`, or nil when `text` is not in the plain subset.
    /// The subset: ASCII, `\n` line ends, one entry per line starting in column 1, keys of letters,
    /// digits, `-` and `_`, each key once, and values that are a plain scalar or a flow list of them,
    /// made of characters that mean nothing to YAML.
    static func read(_ text: String, lineOffset: Int) -> YAMLValue? {
        var text = text
        return text.withUTF8 { read($0, lineOffset: lineOffset) }
    }

    private static func read(_ u: UnsafeBufferPointer<UInt8>, lineOffset: Int) -> YAMLValue? {
        guard !u.isEmpty, u[u.count - 1] == 0x0A else { return nil }
        var entries: [YAMLEntry] = []
        var keys: Set<String> = []
        var line = 1
        var i = 0
        func position(_ offset: Int, lineStart: Int) -> SourcePosition {
            SourcePosition(line: line + lineOffset, column: offset - lineStart + 1)
        }
        while i < u.count {
            let lineStart = i
            var end = i
            while u[end] != 0x0A { end += 1 }
            // Key.
            guard isLetter(u[i]) else { return nil }
            while i < end, isLetter(u[i]) || isDigit(u[i]) || u[i] == UInt8(ascii: "-") || u[i] == UInt8(ascii: "_") { i += 1 }
            let key = String(decoding: UnsafeBufferPointer(rebasing: u[lineStart..<i]), as: UTF8.self)
            guard i + 1 < end, u[i] == UInt8(ascii: ":"), u[i + 1] == 0x20, keys.insert(key).inserted else { return nil }
            i += 1
            while i < end, u[i] == 0x20 { i += 1 }
            guard i < end else { return nil }
            // Value: a flow list or a scalar.
            let value: YAMLValue
            if u[i] == UInt8(ascii: "[") {
                let open = i
                var items: [YAMLValue] = []
                i += 1
                while i < end, u[i] == 0x20 { i += 1 }
                if i < end, u[i] != UInt8(ascii: "]") {
                    while true {
                        guard let (s, e) = scalar(u, from: i, to: end, inList: true) else { return nil }
                        items.append(.scalar(String(decoding: UnsafeBufferPointer(rebasing: u[s..<e]), as: UTF8.self),
                                             position(s, lineStart: lineStart)))
                        i = e
                        while i < end, u[i] == 0x20 { i += 1 }
                        guard i < end else { return nil }
                        if u[i] == UInt8(ascii: "]") { break }
                        guard u[i] == UInt8(ascii: ",") else { return nil }
                        i += 1
                        while i < end, u[i] == 0x20 { i += 1 }
                    }
                }
                guard i < end, u[i] == UInt8(ascii: "]") else { return nil }
                i += 1
                while i < end, u[i] == 0x20 { i += 1 }
                guard i == end else { return nil }
                value = .sequence(items, position(open, lineStart: lineStart))
            } else {
                guard let (s, e) = scalar(u, from: i, to: end, inList: false) else { return nil }
                var rest = e
                while rest < end, u[rest] == 0x20 { rest += 1 }
                guard rest == end else { return nil }
                value = .scalar(String(decoding: UnsafeBufferPointer(rebasing: u[s..<e]), as: UTF8.self),
                                position(s, lineStart: lineStart))
            }
            entries.append(YAMLEntry(key: key, keyPosition: position(lineStart, lineStart: lineStart), value: value))
            i = end + 1
            line += 1
        }
        return .mapping(entries, SourcePosition(line: 1 + lineOffset, column: 1))
    }

    /// A plain scalar from `start`: it begins with a letter or digit, holds only letters, digits, spaces
    /// and `. / + - _ ( )`, and ends before trailing spaces (and, in a list, before `,` or `]`).
    private static func scalar(_ u: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, inList: Bool) -> (Int, Int)? {
        guard start < end, isLetter(u[start]) || isDigit(u[start]) else { return nil }
        var i = start
        var last = start
        while i < end {
            let b = u[i]
            if inList && (b == UInt8(ascii: ",") || b == UInt8(ascii: "]")) { break }
            guard isLetter(b) || isDigit(b) || b == 0x20 || b == UInt8(ascii: ".") || b == UInt8(ascii: "/")
                || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
                || b == UInt8(ascii: "(") || b == UInt8(ascii: ")") else { return nil }
            if b != 0x20 { last = i }
            i += 1
        }
        return (start, last + 1)
    }

    private static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") }
    private static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
}
