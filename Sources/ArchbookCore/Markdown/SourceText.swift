// Turns a file's raw bytes into the text archbook parses: BOM dropped, invalid UTF-8 located and replaced.

public struct SourceText: Sendable {
    /// Valid UTF-8 bytes of the document (BOM removed, invalid sequences replaced by U+FFFD).
    public let bytes: [UInt8]
    /// 1-based lines that contained invalid UTF-8 in the original file.
    public let invalidUTF8Lines: [Int]
    public let hadByteOrderMark: Bool

    public init(decoding raw: [UInt8]) {
        var start = 0
        if raw.count >= 3, raw[0] == 0xEF, raw[1] == 0xBB, raw[2] == 0xBF {
            start = 3
            hadByteOrderMark = true
        } else {
            hadByteOrderMark = false
        }
        let body = raw[start...]
        if let firstBad = SourceText.firstInvalidOffset(body) {
            var lines: [Int] = []
            var out: [UInt8] = []
            out.reserveCapacity(body.count + 16)
            var line = 1 + body[body.startIndex..<firstBad].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            out.append(contentsOf: body[body.startIndex..<firstBad])
            var i = firstBad
            while i < body.endIndex {
                let len = SourceText.validSequenceLength(body, at: i)
                if len > 0 {
                    if body[i] == 0x0A { line += 1 }
                    out.append(contentsOf: body[i..<(i + len)])
                    i += len
                } else {
                    if lines.last != line { lines.append(line) }
                    out.append(contentsOf: [0xEF, 0xBF, 0xBD])
                    i += 1
                }
            }
            bytes = out
            invalidUTF8Lines = lines
        } else {
            bytes = Array(body)
            invalidUTF8Lines = []
        }
    }

    public init(_ string: String) {
        self.init(decoding: Array(string.utf8))
    }

    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Whether the bytes are well-formed UTF-8 (NUL bytes count as well formed: cmark-gfm replaces those itself).
    static func isValidUTF8(_ b: ArraySlice<UInt8>) -> Bool { firstInvalidOffset(b) == nil }

    private static func firstInvalidOffset(_ b: ArraySlice<UInt8>) -> Int? {
        b.withUnsafeBytes { raw -> Int? in
            let n = raw.count
            var k = 0
            while k < n {
                // Pure-ASCII stretches go a word at a time: most documents are mostly ASCII.
                if k + 8 <= n, raw.loadUnaligned(fromByteOffset: k, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    k += 8
                    continue
                }
                if raw[k] < 0x80 { k += 1; continue }
                let len = validSequenceLength(b, at: b.startIndex + k)
                if len == 0 { return b.startIndex + k }
                k += len
            }
            return nil
        }
    }

    /// Length of the well-formed UTF-8 sequence at `i` (per Unicode table 3-7), or 0.
    private static func validSequenceLength(_ b: ArraySlice<UInt8>, at i: Int) -> Int {
        let c0 = b[i]
        if c0 < 0x80 { return 1 }
        func cont(_ k: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> Bool {
            i + k < b.endIndex && b[i + k] >= lo && b[i + k] <= hi
        }
        switch c0 {
        case 0xC2...0xDF: return cont(1) ? 2 : 0
        case 0xE0: return cont(1, 0xA0, 0xBF) && cont(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return cont(1) && cont(2) ? 3 : 0
        case 0xED: return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0
        case 0xF0: return cont(1, 0x90, 0xBF) && cont(2) && cont(3) ? 4 : 0
        case 0xF1...0xF3: return cont(1) && cont(2) && cont(3) ? 4 : 0
        case 0xF4: return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0
        default: return 0
        }
    }
}

/// The lines of a text, for showing a diagnostic's source line. Accepts LF, CRLF and lone CR.
public func sourceLines(of text: String) -> [Substring] {
    var lines: [Substring] = []
    var start = text.startIndex
    var i = text.startIndex
    while i < text.endIndex {
        let c = text[i]
        if c == "\n" || c == "\r" || c == "\r\n" {
            lines.append(text[start..<i])
            i = text.index(after: i)
            start = i
        } else {
            i = text.index(after: i)
        }
    }
    lines.append(text[start..<text.endIndex])
    return lines
}
