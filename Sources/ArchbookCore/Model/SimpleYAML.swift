// Reads the plainest front matter (`key: value` and `key: [a, b]` lines) without Yams, which costs
// more than parsing the whole Markdown body; anything else is left to Yams.

enum SimpleYAML {
    /// The mapping Yams would produce for `text`, or nil when `text` is not in the plain subset.
    /// The subset: `\n` line ends, entries starting in column 1, keys of ASCII letters, digits, `-` and
    /// `_`, each key once, and values that are a plain scalar, a flow list of them or a block list of
    /// them (`- item` lines), made of characters that mean nothing to YAML, or a double-quoted
    /// scalar without escapes.
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
        // YAML counts columns in characters, not bytes.
        func position(_ offset: Int, lineStart: Int) -> SourcePosition {
            var column = 1
            for k in lineStart..<offset where u[k] & 0xC0 != 0x80 { column += 1 }
            return SourcePosition(line: line + lineOffset, column: column)
        }
        while i < u.count {
            let lineStart = i
            var end = i
            while u[end] != 0x0A { end += 1 }
            // Key.
            guard isLetter(u[i]) else { return nil }
            while i < end, isLetter(u[i]) || isDigit(u[i]) || u[i] == UInt8(ascii: "-") || u[i] == UInt8(ascii: "_") { i += 1 }
            let key = String(decoding: UnsafeBufferPointer(rebasing: u[lineStart..<i]), as: UTF8.self)
            guard i < end, u[i] == UInt8(ascii: ":"), keys.insert(key).inserted else { return nil }
            let keyPosition = position(lineStart, lineStart: lineStart)
            i += 1
            // Value: a block list on the following lines, a flow list or a scalar.
            let value: YAMLValue
            if i == end {
                var items: [YAMLValue] = []
                var listPosition: SourcePosition?
                var indent: Int?
                i = end + 1
                while i < u.count {
                    let itemLine = i
                    var itemEnd = i
                    while u[itemEnd] != 0x0A { itemEnd += 1 }
                    while i < itemEnd, u[i] == 0x20 { i += 1 }
                    guard i + 1 < itemEnd, u[i] == UInt8(ascii: "-"), u[i + 1] == 0x20,
                          indent == nil || indent == i - itemLine else { i = itemLine; break }
                    line += 1
                    indent = i - itemLine
                    if listPosition == nil { listPosition = position(i, lineStart: itemLine) }
                    i += 1
                    while i < itemEnd, u[i] == 0x20 { i += 1 }
                    guard let (s, e) = scalar(u, from: i, to: itemEnd, inList: false) else { return nil }
                    var rest = e
                    while rest < itemEnd, u[rest] == 0x20 { rest += 1 }
                    guard rest == itemEnd else { return nil }
                    items.append(.scalar(String(decoding: UnsafeBufferPointer(rebasing: u[s..<e]), as: UTF8.self),
                                         position(s, lineStart: itemLine)))
                    i = itemEnd + 1
                }
                guard let listPosition else { return nil }
                entries.append(YAMLEntry(key: key, keyPosition: keyPosition, value: .sequence(items, listPosition)))
                line += 1
                continue
            }
            guard u[i] == 0x20 else { return nil }
            while i < end, u[i] == 0x20 { i += 1 }
            guard i < end else { return nil }
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
            } else if u[i] == UInt8(ascii: "\"") {
                // A double-quoted scalar without escapes: its text is what lies between the quotes.
                let open = i
                i += 1
                while i < end, u[i] != UInt8(ascii: "\"") {
                    guard u[i] >= 0x20, u[i] != 0x7F, u[i] != UInt8(ascii: "\\"), u[i] < 0x80 || isPlainNonASCII(u, i, end) else { return nil }
                    i += 1
                }
                guard i < end else { return nil }
                let close = i
                i += 1
                while i < end, u[i] == 0x20 { i += 1 }
                guard i == end else { return nil }
                value = .scalar(String(decoding: UnsafeBufferPointer(rebasing: u[(open + 1)..<close]), as: UTF8.self),
                                position(open, lineStart: lineStart))
            } else {
                guard let (s, e) = scalar(u, from: i, to: end, inList: false) else { return nil }
                var rest = e
                while rest < end, u[rest] == 0x20 { rest += 1 }
                guard rest == end else { return nil }
                value = .scalar(String(decoding: UnsafeBufferPointer(rebasing: u[s..<e]), as: UTF8.self),
                                position(s, lineStart: lineStart))
            }
            entries.append(YAMLEntry(key: key, keyPosition: keyPosition, value: value))
            i = end + 1
            line += 1
        }
        return .mapping(entries, SourcePosition(line: 1 + lineOffset, column: 1))
    }

    /// A plain scalar from `start`: it begins with a letter or digit, holds only letters, digits, spaces
    /// and `. / + - _ ( )`, and ends before trailing spaces (and, in a list, before `,` or `]`).
    /// Non-ASCII characters count as letters, except those YAML treats as line breaks, byte-order
    /// marks or unprintable.
    private static func scalar(_ u: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, inList: Bool) -> (Int, Int)? {
        guard start < end, isLetter(u[start]) || isDigit(u[start]) || u[start] >= 0x80 else { return nil }
        var i = start
        var last = start
        while i < end {
            let b = u[i]
            if inList && (b == UInt8(ascii: ",") || b == UInt8(ascii: "]")) { break }
            if b >= 0x80 {
                guard isPlainNonASCII(u, i, end) else { return nil }
            } else {
                guard isLetter(b) || isDigit(b) || b == 0x20 || b == UInt8(ascii: ".") || b == UInt8(ascii: "/")
                    || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
                    || b == UInt8(ascii: "(") || b == UInt8(ascii: ")") else { return nil }
            }
            if b != 0x20 { last = i }
            i += 1
        }
        return (start, last + 1)
    }

    /// False at the first byte of U+0080–U+009F (C1 controls, NEL), U+2028, U+2029, U+FEFF, U+FFFE, U+FFFF.
    private static func isPlainNonASCII(_ u: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> Bool {
        func at(_ k: Int) -> UInt8 { i + k < end ? u[i + k] : 0 }
        switch u[i] {
        case 0xC2: return at(1) >= 0xA0
        case 0xE2: return !(at(1) == 0x80 && (at(2) == 0xA8 || at(2) == 0xA9))
        case 0xEF: return !(at(1) == 0xBB && at(2) == 0xBF) && !(at(1) == 0xBF && (at(2) == 0xBE || at(2) == 0xBF))
        default: return true
        }
    }

    private static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") }
    private static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
}
