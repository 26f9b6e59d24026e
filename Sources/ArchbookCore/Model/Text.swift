// Small, pure text routines shared by extraction and validation: status normalisation, dates, slugs, globs, IDs.

import Foundation

public enum StatusText {
    /// The result of reading a status as people write it.
    public struct Parsed: Equatable, Sendable {
        /// Lower-cased status words, e.g. `accepted`, `superseded by adr-0005`.
        public var value: String
        public var note: String?
        /// Relation phrases that followed the status (`accepted; supersedes ADR-0045`).
        public var trailing: [String]
    }

    /// Drops emoji, markup, a parenthesised qualifier and trailing punctuation; keeps only the first sentence.
    public static func parse(_ raw: String) -> Parsed {
        // Statuses are nearly always ASCII: no decorations to drop, and bytes then give the same
        // answers as Characters and Foundation's Unicode-aware searches.
        let ascii = raw.utf8.allSatisfy { $0 < 0x80 }
        var s = ascii ? raw : String(String.UnicodeScalarView(raw.unicodeScalars.filter { !isDecoration($0) }))
        for marker in [UInt8(ascii: "*"), UInt8(ascii: "_")] where s.utf8.contains(marker) {
            s = ascii ? removingPairs(of: marker, in: s) : s.replacingOccurrences(of: marker == UInt8(ascii: "*") ? "**" : "__", with: "")
        }
        return ascii ? parseASCII(s) : parseCharacters(s)
    }

    /// `parse` after decorations and emphasis are gone, by Characters and Foundation searches.
    static func parseCharacters(_ s: String) -> Parsed {
        var parts = s.split(separator: ";", omittingEmptySubsequences: true).map { String($0) }
        if parts.isEmpty { parts = [""] }
        var head = parts.removeFirst()
        // Only the first sentence is the status: "proposed. This ADR did not reach consensus..."
        if head.utf8.contains(UInt8(ascii: ".")), let r = head.range(of: ". ") {
            head = String(head[..<r.lowerBound])
        }
        var note: String?
        if let open = head.firstIndex(of: "("), let close = head[open...].firstIndex(of: ")") {
            let inner = head[head.index(after: open)..<close].trimmed
            if !inner.isEmpty { note = inner }
            head = String(head[..<open]) + String(head[head.index(after: close)...])
        }
        var value = collapse(head.lowercased())
        value = trim(value, " *_`.!:,-–—")
        return Parsed(value: value, note: note,
                      trailing: parts.map { collapse($0).trimmed }.filter { !$0.isEmpty })
    }

    /// `parse` after decorations and emphasis are gone, on the bytes of ASCII text, where each byte is a
    /// Character except a CR LF pair (kept together, as `collapse` sees it). Statuses are read for every
    /// document, and the Character-based steps cost thousands of instructions each.
    static func parseASCII(_ text: String) -> Parsed {
        let u = Array(text.utf8)
        var parts = u.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: true).map { Array($0) }
        if parts.isEmpty { parts = [[]] }
        var head = parts.removeFirst()
        // Only the first sentence is the status: "proposed. This ADR did not reach consensus..."
        if let k = head.indices.dropLast().first(where: { head[$0] == UInt8(ascii: ".") && head[$0 + 1] == 0x20 }) {
            head.removeSubrange(k...)
        }
        var note: String?
        if let open = head.firstIndex(of: UInt8(ascii: "(")), let close = head[open...].firstIndex(of: UInt8(ascii: ")")) {
            let inner = String(decoding: head[(open + 1)..<close], as: UTF8.self).trimmed
            if !inner.isEmpty { note = inner }
            head.removeSubrange(open...close)
        }
        let lowered = head.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }
        let value = trim(String(decoding: collapseASCII(lowered), as: UTF8.self), " *_`.!:,-–—")
        return Parsed(value: value, note: note,
                      trailing: parts.map { String(decoding: collapseASCII($0), as: UTF8.self).trimmed }.filter { !$0.isEmpty })
    }

    /// `collapse` on ASCII bytes: runs of space, tab and line feed become one space, none at either end;
    /// a line feed after a carriage return is half of one Character there, so it does not separate.
    static func collapseASCII(_ u: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(u.count)
        var pendingSpace = false
        for (k, b) in u.enumerated() {
            if b == 0x20 || b == 0x09 || (b == 0x0A && (k == 0 || u[k - 1] != 0x0D)) {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out.append(0x20); pendingSpace = false }
            out.append(b)
        }
        return out
    }

    /// `s` without each non-overlapping pair of `marker` bytes, left to right, as `replacingOccurrences` removes them.
    private static func removingPairs(of marker: UInt8, in s: String) -> String {
        var out: [UInt8] = []
        let u = Array(s.utf8)
        out.reserveCapacity(u.count)
        var i = 0
        while i < u.count {
            if u[i] == marker, i + 1 < u.count, u[i + 1] == marker { i += 2; continue }
            out.append(u[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isDecoration(_ u: Unicode.Scalar) -> Bool {
        if u.value == 0xFE0F || u.value == 0x200D || u.value == 0x20E3 { return true }
        if u.value < 0x80 { return false }
        let p = u.properties
        return p.isEmojiPresentation || p.isEmoji || p.generalCategory == .otherSymbol
    }

    static func collapse(_ s: String) -> String {
        s.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).joined(separator: " ")
    }

    static func trim(_ s: String, _ chars: String) -> String {
        // On ASCII text a byte is a Character (a CR LF pair is one, but neither byte is ever trimmed), and
        // the non-ASCII characters of `chars` cannot match: bytes give the same result without Character walks.
        if s.utf8.allSatisfy({ $0 < 0x80 }) {
            let u = s.utf8
            func trimmed(_ b: UInt8) -> Bool { chars.utf8.contains(b) }
            var start = u.startIndex, end = u.endIndex
            while start < end, trimmed(u[start]) { start = u.index(after: start) }
            while end > start, trimmed(u[u.index(before: end)]) { end = u.index(before: end) }
            return String(s[start..<end])
        }
        var sub = Substring(s)
        while let f = sub.first, chars.contains(f) { sub.removeFirst() }
        while let l = sub.last, chars.contains(l) { sub.removeLast() }
        return String(sub)
    }

    /// The allowed status an unknown value most likely meant: a name or alias within a small edit distance,
    /// else one the value starts (or is the start of), else one the value contains as a word. Returns the
    /// status's name (`approvd` → `accepted`).
    public static func nearest(_ value: String, in statuses: [StatusDefinition]) -> String? {
        guard !value.isEmpty else { return nil }
        var candidates: [(spelling: String, name: String)] = []
        for s in statuses {
            candidates.append((s.name, s.name))
            for a in s.aliases { candidates.append((a, s.name)) }
        }
        var best: (distance: Int, name: String)?
        for c in candidates {
            let d = distance(c.spelling, value)
            if d <= max(2, c.spelling.count / 3), d < (best?.distance ?? Int.max) { best = (d, c.name) }
        }
        if let best { return best.name }
        if value.count >= 3, let c = candidates.first(where: { $0.spelling.hasPrefix(value) || value.hasPrefix($0.spelling + " ") }) {
            return c.name
        }
        let words = Set(value.split { !$0.isLetter && $0 != "-" }.map(String.init))
        return candidates.first { words.contains($0.spelling) }?.name
    }

    /// `complete, action items in progress` → (`complete`, `action items in progress`): a status followed by a
    /// qualifier after a comma or a dash.
    public static func splitQualifier(_ value: String) -> (String, String)? {
        // In ASCII text a byte search finds what Foundation's would (and the non-ASCII dashes cannot occur).
        let ascii = value.utf8.allSatisfy { $0 < 0x80 }
        for separator in [",", " - ", " – ", " — ", ":"] {
            if let r = ascii ? value.byteRange(of: separator) : value.range(of: separator) {
                let head = trim(String(value[..<r.lowerBound]), " *_`.!:,-–—")
                let tail = value[r.upperBound...].trimmed
                if !head.isEmpty, !tail.isEmpty { return (head, tail) }
            }
        }
        return nil
    }

    /// Levenshtein distance, for "did you mean" hints.
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}

public enum DateText {
    public enum Outcome: Equatable, Sendable {
        case valid(year: Int, month: Int, day: Int)
        /// Not in `YYYY-MM-DD` form.
        case malformed
        /// In the right form but not on the calendar (2023-14-05, 2023-02-30).
        case impossible(String)
    }

    /// Reads `YYYY-MM-DD`, optionally followed by a time (`T10:00:00Z` or ` 10:00`).
    public static func parse(_ raw: String) -> Outcome {
        let s = raw.trimmed
        let u = Array(s.utf8)
        guard u.count >= 10, u[4] == 0x2D, u[7] == 0x2D,
              let y = digits(u[0..<4]), let m = digits(u[5..<7]), let d = digits(u[8..<10])
        else { return .malformed }
        if u.count > 10, u[10] != 0x54, u[10] != 0x20, u[10] != 0x74 { return .malformed }
        guard (1...12).contains(m) else { return .impossible("month \(m) does not exist") }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        guard (1...days).contains(d) else {
            return .impossible("day \(d) does not exist in \(monthNames[m - 1]) \(y)")
        }
        return .valid(year: y, month: m, day: d)
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July",
                             "August", "September", "October", "November", "December"]

    private static func digits(_ s: ArraySlice<UInt8>) -> Int? {
        var n = 0
        for c in s {
            guard c >= 0x30, c <= 0x39 else { return nil }
            n = n * 10 + Int(c - 0x30)
        }
        return n
    }
}

public enum Slug {
    /// GitHub's heading anchor: lower case, letters/digits/spaces/hyphens/underscores kept, spaces to hyphens.
    public static func anchor(_ heading: String) -> String {
        if heading.utf8.allSatisfy({ $0 < 0x80 }) {
            return String(unsafeUninitializedCapacity: heading.utf8.count) { out in
                var n = 0
                for b in heading.utf8 {
                    switch b {
                    case UInt8(ascii: "A")...UInt8(ascii: "Z"): out[n] = b + 32
                    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                         UInt8(ascii: "-"), UInt8(ascii: "_"): out[n] = b
                    case UInt8(ascii: " "): out[n] = UInt8(ascii: "-")
                    default: continue
                    }
                    n += 1
                }
                return n
            }
        }
        var out = ""
        for ch in heading.lowercased() {
            if ch == " " { out.append("-") }
            else if ch == "-" || ch == "_" || ch.isLetter || ch.isNumber { out.append(ch) }
        }
        return out
    }
}

public enum Glob {
    /// Matches a `/`-separated relative path against a glob: `*` and `?` stay within a segment,
    /// `**` spans any number of segments (including none).
    public static func matches(_ pattern: String, _ path: String) -> Bool {
        GlobPattern(pattern).matches(path)
    }
}

/// A glob split into segments once, for matching against many paths.
public struct GlobPattern: Sendable, Equatable {
    let segments: [[UInt8]]

    public init(_ pattern: String) {
        var p = pattern
        if p.hasSuffix("/") { p += "**" }
        segments = p.utf8.split(separator: UInt8(ascii: "/")).map { Array($0) }
    }

    public func matches(_ path: String) -> Bool {
        // Every document's path is matched against every kind's globs: work on the path's bytes in
        // place, with segments as ranges, rather than copying each segment into an array.
        var path = path
        return path.withUTF8 { bytes in
            var parts: [Range<Int>] = []
            var start = 0
            for k in 0...bytes.count where k == bytes.count || bytes[k] == UInt8(ascii: "/") {
                if k > start { parts.append(start..<k) }
                start = k + 1
            }
            return Self.match(segments[...], parts[...], bytes)
        }
    }

    private static let doubleStar: [UInt8] = [UInt8(ascii: "*"), UInt8(ascii: "*")]

    private static func match(_ p: ArraySlice<[UInt8]>, _ s: ArraySlice<Range<Int>>, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = p.first else { return s.isEmpty }
        if first == doubleStar {
            var rest = s
            while true {
                if match(p.dropFirst(), rest, bytes) { return true }
                if rest.isEmpty { return false }
                rest = rest.dropFirst()
            }
        }
        guard let seg = s.first, segment(first, 0, bytes, seg.lowerBound, seg.upperBound) else { return false }
        return match(p.dropFirst(), s.dropFirst(), bytes)
    }

    /// Byte-wise: `*` and `?` never meet a `/` here, and a multi-byte character only matters to `?`,
    /// which then matches one byte of it — acceptable for folder and file-name patterns.
    private static func segment(_ p: [UInt8], _ pi: Int, _ s: UnsafeBufferPointer<UInt8>, _ si: Int, _ end: Int) -> Bool {
        guard pi < p.count else { return si == end }
        switch p[pi] {
        case UInt8(ascii: "*"):
            var k = si
            while true {
                if segment(p, pi + 1, s, k, end) { return true }
                if k == end { return false }
                k += 1
            }
        case UInt8(ascii: "?"):
            return si < end && segment(p, pi + 1, s, si + 1, end)
        default:
            return si < end && s[si] == p[pi] && segment(p, pi + 1, s, si + 1, end)
        }
    }
}

/// IDs such as `ADR-0007`, `adr 7`, `INC-12`.
public struct IDText: Equatable, Sendable {
    public var prefix: String?
    public var number: Int

    /// Reads `PREFIX-0007`, `PREFIX 7`, `PREFIX0007` or a bare number.
    public static func parse(_ s: String) -> IDText? {
        let t = s.trimmed
        let scalars = Array(t.unicodeScalars)
        var i = 0
        while i < scalars.count, scalars[i].properties.isAlphabetic, scalars[i].isASCII { i += 1 }
        let prefix = i > 0 ? String(String.UnicodeScalarView(scalars[0..<i])).uppercased() : nil
        if i < scalars.count, scalars[i] == "-" || scalars[i] == " " || scalars[i] == "_" , prefix != nil { i += 1 }
        var j = i
        while j < scalars.count, ("0"..."9").contains(scalars[j]) { j += 1 }
        guard j > i, j == scalars.count, j - i <= 12 else { return nil }
        return IDText(prefix: prefix, number: scalars[i..<j].reduce(0) { $0 * 10 + Int($1.value - 0x30) })
    }

    /// A number at the start of a file name: `0007-use-kafka.md` gives 7.
    public static func fileNumber(_ fileName: String) -> Int? {
        // Bytes: digits and separators are ASCII, and this runs for every file more than once.
        var count = 0
        for b in fileName.utf8 {
            if b >= 0x30 && b <= 0x39 { count += 1 } else {
                guard count > 0, b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == 0x20 || b == UInt8(ascii: ".") else { return nil }
                break
            }
        }
        guard count > 0, count <= 12 else { return nil }
        let digits = String(fileName.utf8.prefix(count))!
        // log4brains names files by date (20201016-slug.md): a date is not a sequence number.
        if digits.count == 8, case .valid = DateText.parse(
            "\(digits.prefix(4))-\(digits.dropFirst(4).prefix(2))-\(digits.suffix(2))") { return nil }
        // Nor is one written 2025-09-29-slug.md.
        if digits.count == 4, case .valid = DateText.parse(String(fileName.prefix(10))) { return nil }
        return Int(digits)
    }

    /// An ID at the start of a title: `ADR-007: Use X`, `7. Use X`, `ADR 12 - Use X`.
    /// Returns the ID and the title without it.
    public static func fromTitle(_ title: String) -> (id: IDText, rest: String)? {
        // Every heading comes here and most have no ID: bytes, so the common case allocates nothing.
        var text = title
        return text.withUTF8 { u -> (id: IDText, rest: String)? in
            func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
            func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
            let count = u.count
            var i = 0
            while i < count, isLetter(u[i]) { i += 1 }
            let prefix = i > 0 ? String(decoding: UnsafeBufferPointer(rebasing: u[0..<i]), as: UTF8.self).uppercased() : nil
            if prefix != nil {
                guard i < count, i <= 10, u[i] == UInt8(ascii: "-") || u[i] == 0x20 || u[i] == UInt8(ascii: "_") || isDigit(u[i]) else { return nil }
                if !isDigit(u[i]) { i += 1 }
            }
            var j = i
            while j < count, isDigit(u[j]) { j += 1 }
            guard j > i, j - i <= 12 else { return nil }
            let n = u[i..<j].reduce(0) { $0 * 10 + Int($1 - 0x30) }
            // A separator must follow: "7. X", "7: X", "7) X", "ADR-7 - X", or (with a prefix) just a space.
            var k = j
            var separated = false
            while k < count {
                let b = u[k]
                if b == 0x20 || b == UInt8(ascii: ".") || b == UInt8(ascii: ":") || b == UInt8(ascii: ")") || b == UInt8(ascii: "-") {
                    if b != 0x20 || prefix != nil { separated = true }
                    k += 1
                } else if b == 0xE2, k + 2 < count, u[k + 1] == 0x80, u[k + 2] == 0x93 || u[k + 2] == 0x94 {
                    // En and em dash.
                    separated = true
                    k += 3
                } else {
                    break
                }
            }
            if k == count, prefix != nil { separated = true }
            guard separated else { return nil }
            let rest = String(decoding: UnsafeBufferPointer(rebasing: u[k...]), as: UTF8.self).trimmed
            return (IDText(prefix: prefix, number: n), rest)
        }
    }
}

/// Paths inside a docs tree, taken apart on bytes: `/` is ASCII, and a Character split walks grapheme
/// clusters (it showed in the check's profile, once per document).
public enum PathText {
    /// The last non-empty component (`a/b.md` → `b.md`, `a/b/` → `b`), as `split(separator: "/").last`
    /// gives it; the path itself when it has none.
    public static func fileName(_ path: String) -> String {
        let u = path.utf8
        var end = u.endIndex
        while end > u.startIndex, u[u.index(before: end)] == UInt8(ascii: "/") { end = u.index(before: end) }
        let start = u[..<end].lastIndex(of: UInt8(ascii: "/")).map { u.index(after: $0) } ?? u.startIndex
        return start < end ? String(path[start..<end]) : path
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// The offset of the first `byte`: memchr, many times faster than a generic search on long text.
    func firstOffset(of byte: UInt8) -> Int? {
        guard let base = baseAddress, count > 0, let hit = memchr(base, Int32(byte), count) else { return nil }
        return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
    }

    func containsByte(_ byte: UInt8) -> Bool { firstOffset(of: byte) != nil }
}

extension StringProtocol {
    /// Without leading and trailing spaces, tabs and line breaks; cheaper than Foundation's trimming,
    /// which matters because extraction trims every heading, cell and list item.
    public var trimmed: String {
        let sub = Substring(self)
        let u = sub.utf8
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        var start = u.startIndex, end = u.endIndex
        while start < end, isSpace(u[start]) { start = u.index(after: start) }
        while end > start, isSpace(u[u.index(before: end)]) { end = u.index(before: end) }
        return String(sub[start..<end])
    }

    /// Whether `needle` occurs byte for byte (no Unicode equivalence, no case folding): Foundation's
    /// `contains` goes through CFString for every heading and file name, which showed in check's profile.
    public func containsBytes(_ needle: String) -> Bool { byteOffset(of: needle) != nil }

    /// The UTF-8 offset of the first `byte`: memchr on native strings, where `utf8.firstIndex(of:)` is a
    /// generic walk costing about a thousand instructions on a short link.
    public func firstByteOffset(_ byte: UInt8) -> Int? {
        if let found = utf8.withContiguousStorageIfAvailable({ $0.firstOffset(of: byte) }) { return found }
        return utf8.firstIndex(of: byte).map { utf8.distance(from: utf8.startIndex, to: $0) }
    }

    public func containsByte(_ byte: UInt8) -> Bool { firstByteOffset(byte) != nil }

    /// Percent-escapes decoded, or the text as it is when they are malformed, as Foundation's
    /// `removingPercentEncoding` gives it. That costs tens of thousands of instructions even on text with no
    /// `%`, and every link passes here; without one it changes nothing but a leading U+FEFF, which it drops.
    public var percentDecoded: String {
        let leadingBOM = utf8.starts(with: [0xEF, 0xBB, 0xBF])
        return containsByte(UInt8(ascii: "%")) || leadingBOM ? (removingPercentEncoding ?? String(self)) : String(self)
    }

    /// The first byte-for-byte occurrence of `needle`, as a range of this string's indices.
    public func byteRange(of needle: String) -> Range<Index>? {
        byteOffset(of: needle).map { k in
            let lower = utf8.index(utf8.startIndex, offsetBy: k)
            return lower..<utf8.index(lower, offsetBy: needle.utf8.count)
        }
    }

    /// The UTF-8 offset of the first byte-for-byte occurrence of `needle`.
    public func byteOffset(of needle: String) -> Int? {
        // Native strings are searched in place; only bridged or sliced ones are copied first.
        if let found = utf8.withContiguousStorageIfAvailable({ hay in
            needle.utf8.withContiguousStorageIfAvailable { Self.search(hay, $0) }
        }), let found { return found }
        return Array(utf8).withUnsafeBufferPointer { hay in Array(needle.utf8).withUnsafeBufferPointer { Self.search(hay, $0) } }
    }

    private static func search(_ hay: UnsafeBufferPointer<UInt8>, _ pat: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !pat.isEmpty else { return 0 }
        guard hay.count >= pat.count else { return nil }
        let first = pat[0]
        var i = 0
        while i <= hay.count - pat.count {
            if hay[i] == first {
                var k = 1
                while k < pat.count, hay[i + k] == pat[k] { k += 1 }
                if k == pat.count { return i }
            }
            i += 1
        }
        return nil
    }
}

/// A kind's `id-pattern`: a regular expression over the file name (without extension) whose first capture
/// group, or whole match, is the document's ID (`^(PM[0-9]{4}-[0-9]{3})` on `PM2020-002 - KIAM outage`).
public struct IDPattern: @unchecked Sendable {
    // NSRegularExpression is immutable once built and documented as safe to share between threads.
    let regex: NSRegularExpression

    public static func compile(_ pattern: String) -> IDPattern? {
        (try? NSRegularExpression(pattern: pattern)).map(IDPattern.init)
    }

    public func firstMatch(in name: String) -> String? {
        let ns = name as NSString
        guard let m = regex.firstMatch(in: name, range: NSRange(location: 0, length: ns.length)) else { return nil }
        let range = m.numberOfRanges > 1 && m.range(at: 1).location != NSNotFound ? m.range(at: 1) : m.range
        let id = ns.substring(with: range).trimmed
        return id.isEmpty ? nil : id
    }
}
