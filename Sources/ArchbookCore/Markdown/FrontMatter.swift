// Splits YAML front matter from a Markdown body without disturbing line numbers.

public struct FrontMatterSplit: Sendable {
    /// The YAML between the fences, or nil when the document has none.
    public let yaml: String?
    /// Byte offset where the Markdown body starts.
    public let bodyOffset: Int
    /// Number of lines before the body (the body's line 1 is file line `bodyLineOffset + 1`).
    public let bodyLineOffset: Int
    /// Set when a `---` opens front matter that never closes.
    public let unclosed: Bool

    /// Front matter opens with `---` on the first line and closes with `---` or `...` on a line of its own.
    public static func split(_ bytes: [UInt8]) -> FrontMatterSplit {
        let none = FrontMatterSplit(yaml: nil, bodyOffset: 0, bodyLineOffset: 0, unclosed: false)
        guard let firstEnd = lineEnd(bytes, from: 0), isFence(bytes, 0, firstEnd.contentEnd, allowDots: false)
        else { return none }
        var lineStart = firstEnd.next
        var line = 1
        while lineStart < bytes.count {
            guard let end = lineEnd(bytes, from: lineStart) else { break }
            line += 1
            if isFence(bytes, lineStart, end.contentEnd, allowDots: true) {
                let yaml = String(decoding: bytes[firstEnd.next..<lineStart], as: UTF8.self)
                return FrontMatterSplit(yaml: yaml, bodyOffset: end.next, bodyLineOffset: line, unclosed: false)
            }
            lineStart = end.next
        }
        return FrontMatterSplit(yaml: nil, bodyOffset: 0, bodyLineOffset: 0, unclosed: true)
    }

    private static func lineEnd(_ b: [UInt8], from start: Int) -> (contentEnd: Int, next: Int)? {
        guard start < b.count else { return nil }
        var i = start
        while i < b.count {
            if b[i] == 0x0A { return (i, i + 1) }
            if b[i] == 0x0D {
                return (i, (i + 1 < b.count && b[i + 1] == 0x0A) ? i + 2 : i + 1)
            }
            i += 1
        }
        return (b.count, b.count)
    }

    private static func isFence(_ b: [UInt8], _ s: Int, _ e: Int, allowDots: Bool) -> Bool {
        var end = e
        while end > s, b[end - 1] == 0x20 || b[end - 1] == 0x09 { end -= 1 }
        guard end - s == 3 else { return false }
        let dash = b[s] == 0x2D && b[s + 1] == 0x2D && b[s + 2] == 0x2D
        let dots = b[s] == 0x2E && b[s + 1] == 0x2E && b[s + 2] == 0x2E
        return dash || (allowDots && dots)
    }
}
