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

    public static func text(_ s: String) -> String { attribute(s) }

    /// The entities cmark-gfm writes, back to characters (for heading text read out of rendered HTML).
    static func unescape(_ s: String) -> String {
        guard s.contains("&") else { return s }
        return s.replacingAll("&quot;", "\"").replacingAll("&#39;", "'").replacingAll("&lt;", "<")
            .replacingAll("&gt;", ">").replacingAll("&amp;", "&")
    }

    /// JSON for a `<script>` element or a `.js` file: `<`, `>` and `&` as \u escapes, so `</script>` or
    /// `<!--` inside a string cannot end the script.
    public static func scriptSafeJSON(_ json: String) -> String {
        var out = ""
        out.reserveCapacity(json.utf8.count)
        for ch in json.unicodeScalars {
            switch ch {
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}

extension String {
    func replacingAll(_ a: String, _ b: String) -> String {
        guard !a.isEmpty, contains(a) else { return self }
        var out = ""
        var rest = self[...]
        while let r = rest.range(of: a) {
            out += rest[..<r.lowerBound]
            out += b
            rest = rest[r.upperBound...]
        }
        out += rest
        return out
    }
}

/// Paths inside the output site, always `/`-separated and relative to the site root.
public enum SitePath {
    /// The URL of `target` as seen from a page at `from`, percent-encoded, never absolute.
    public static func relative(from: String, to target: String) -> String {
        let fromDir = from.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        let toParts = target.split(separator: "/", omittingEmptySubsequences: false)
        var common = 0
        while common < fromDir.count, common < toParts.count - 1, fromDir[fromDir.startIndex + common] == toParts[common] {
            common += 1
        }
        let ups = Array(repeating: "..", count: fromDir.count - common)
        let rest = toParts[common...].map { encodeSegment(String($0)) }
        let joined = (ups + rest).joined(separator: "/")
        // A first segment such as `a:b` would read as a URL scheme.
        if let first = rest.first, ups.isEmpty, first.contains(":") { return "./" + joined }
        return joined.isEmpty ? "./" : joined
    }

    /// `../` repeated once per folder of `page`: the way back to the site root.
    public static func root(of page: String) -> String {
        let depth = page.split(separator: "/", omittingEmptySubsequences: false).count - 1
        return depth == 0 ? "./" : String(repeating: "../", count: depth)
    }

    /// Percent-encodes everything but unreserved characters and sub-delimiters that are safe in a path.
    public static func encodeSegment(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "!"),
                 UInt8(ascii: "$"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
                 UInt8(ascii: "="), UInt8(ascii: "@"), UInt8(ascii: ":"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%"
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(b >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(b & 15)]))
            }
        }
        return out
    }

    /// Encodes a fragment (anchor) for use after `#`.
    public static func encodeFragment(_ s: String) -> String { encodeSegment(s) }
}
