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
        var from = from, target = target
        return from.withUTF8 { f in target.withUTF8 { t in relative(f, t) } }
    }

    private static func relative(_ f: UnsafeBufferPointer<UInt8>, _ t: UnsafeBufferPointer<UInt8>) -> String {
        let slash = UInt8(ascii: "/")
        var shared = 0
        var index = 0
        let common = min(f.count, t.count)
        while index < common, f[index] == t[index] {
            index += 1
            if f[index - 1] == slash { shared = index }
        }
        var ups = 0
        for k in shared..<f.count where f[k] == slash { ups += 1 }
        // A first segment such as `a:b` would read as a URL scheme.
        var dot = false
        if ups == 0 {
            var k = shared
            while k < t.count, t[k] != slash {
                if t[k] == UInt8(ascii: ":") { dot = true; break }
                k += 1
            }
        }
        let rest = t.count - shared
        if ups == 0 && !dot && rest == 0 { return "./" }
        return String(unsafeUninitializedCapacity: ups * 3 + 2 + rest * 3) { out in
            var n = 0
            func put(_ b: UInt8) { out[n] = b; n += 1 }
            for _ in 0..<ups { put(UInt8(ascii: ".")); put(UInt8(ascii: ".")); put(slash) }
            if dot { put(UInt8(ascii: ".")); put(slash) }
            for k in shared..<t.count {
                let b = t[k]
                if b == slash || isSafe(b) {
                    put(b)
                } else {
                    put(UInt8(ascii: "%"))
                    put(hexDigits[Int(b >> 4)])
                    put(hexDigits[Int(b & 15)])
                }
            }
            return n
        }
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
