// Escaping for each place text can land in a page, and the relative URLs between pages of the site.

import Foundation

public enum HTML {
    /// Text or a double-quoted attribute value: `& < > " '` become entities.
    public static func attribute(_ s: String) -> String {
        var needs = false
        for b in s.utf8 where b == 0x26 || b == 0x3C || b == 0x3E || b == 0x22 || b == 0x27 { needs = true; break }
        guard needs else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// The entities cmark-gfm writes, back to characters (for heading text read out of rendered HTML).
    static func unescape(_ s: String) -> String {
        guard s.contains("&") else { return s }
        return s.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}

/// Paths inside the output site, always `/`-separated and relative to the site root.
public enum SitePath {
    /// The URL of `target` as seen from a page at `from`, percent-encoded, never absolute.
    /// Byte-level: a build computes one for every link of every page.
    public static func relative(from: String, to target: String) -> String {
        let slash = UInt8(ascii: "/")
        var shared = 0
        var f = from.utf8.makeIterator(), t = target.utf8.makeIterator()
        var index = 0
        while let a = f.next(), let b = t.next(), a == b {
            index += 1
            if a == slash { shared = index }
        }
        var out: [UInt8] = []
        var ups = 0
        for b in from.utf8.dropFirst(shared) where b == slash { ups += 1 }
        for _ in 0..<ups { out.append(contentsOf: [UInt8(ascii: "."), UInt8(ascii: "."), slash]) }
        let rest = target.utf8.dropFirst(shared)
        // A first segment such as `a:b` would read as a URL scheme.
        if ups == 0, let firstSlash = rest.firstIndex(of: slash) ?? Optional(rest.endIndex),
           rest[rest.startIndex..<firstSlash].contains(UInt8(ascii: ":")) {
            out.append(contentsOf: [UInt8(ascii: "."), slash])
        }
        for b in rest {
            if b == slash || isSafe(b) {
                out.append(b)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(b >> 4)])
                out.append(hexDigits[Int(b & 15)])
            }
        }
        return out.isEmpty ? "./" : String(decoding: out, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func isSafe(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "!"),
             UInt8(ascii: "$"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
             UInt8(ascii: "="), UInt8(ascii: "@"), UInt8(ascii: ":"):
            return true
        default:
            return false
        }
    }

    /// `../` repeated once per folder of `page`: the way back to the site root.
    public static func root(of page: String) -> String {
        var depth = 0
        for b in page.utf8 where b == UInt8(ascii: "/") { depth += 1 }
        return depth == 0 ? "./" : String(repeating: "../", count: depth)
    }

    /// Percent-encodes everything but unreserved characters and sub-delimiters that are safe in a path.
    public static func encodeSegment(_ s: String) -> String {
        if s.utf8.allSatisfy(isSafe) { return s }
        var out: [UInt8] = []
        for b in s.utf8 {
            if isSafe(b) {
                out.append(b)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(b >> 4)])
                out.append(hexDigits[Int(b & 15)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Encodes a fragment (anchor) for use after `#`.
    public static func encodeFragment(_ s: String) -> String { encodeSegment(s) }
}
