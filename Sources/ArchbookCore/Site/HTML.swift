// Escaping for each place text can land in a page, and the relative URLs between pages of the site.

import Foundation

public enum HTML {
    /// Text or a double-quoted attribute value: `& < > " '` become entities.
    public static func attribute(_ s: String) -> String {
        // On the string's bytes: every value of every page passes here, most with nothing to escape, and
        // iterating `utf8` generically cost a few hundred instructions a value.
        var text = s
        let escaped: String? = text.withUTF8 { u in
            var extra = 0
            for b in u {
                switch b {
                case 0x26, 0x27: extra += 4
                case 0x3C, 0x3E: extra += 3
                case 0x22: extra += 5
                default: break
                }
            }
            guard extra > 0 else { return nil }
            return String(unsafeUninitializedCapacity: u.count + extra) { out in
                var n = 0
                func put(_ bytes: StaticString) {
                    for k in 0..<bytes.utf8CodeUnitCount { out[n + k] = bytes.utf8Start[k] }
                    n += bytes.utf8CodeUnitCount
                }
                for b in u {
                    switch b {
                    case 0x26: put("&amp;")
                    case 0x3C: put("&lt;")
                    case 0x3E: put("&gt;")
                    case 0x22: put("&quot;")
                    case 0x27: put("&#39;")
                    default: out[n] = b; n += 1
                    }
                }
                return n
            }
        }
        return escaped ?? s
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
        return from.withUTF8 { f in
            target.withUTF8 { t in relative(f, t) }
        }
    }

    private static func relative(_ f: UnsafeBufferPointer<UInt8>, _ t: UnsafeBufferPointer<UInt8>) -> String {
        let slash = UInt8(ascii: "/")
        var shared = 0
        var index = 0
        while index < f.count, index < t.count, f[index] == t[index] {
            index += 1
            if f[index - 1] == slash { shared = index }
        }
        var ups = 0
        for k in shared..<f.count where f[k] == slash { ups += 1 }
        let rest = UnsafeBufferPointer(rebasing: t[shared...])
        // A first segment such as `a:b` would read as a URL scheme.
        let firstSlash = rest.firstIndex(of: slash) ?? rest.endIndex
        let dotSlash = ups == 0 && rest[rest.startIndex..<firstSlash].contains(UInt8(ascii: ":"))
        var length = ups * 3 + (dotSlash ? 2 : 0)
        for b in rest { length += b == slash || isSafe(b) ? 1 : 3 }
        if length == 0 { return "./" }
        return String(unsafeUninitializedCapacity: length) { out in
            var n = 0
            for _ in 0..<ups {
                out[n] = UInt8(ascii: "."); out[n + 1] = UInt8(ascii: "."); out[n + 2] = slash
                n += 3
            }
            if dotSlash { out[n] = UInt8(ascii: "."); out[n + 1] = slash; n += 2 }
            for b in rest {
                if b == slash || isSafe(b) {
                    out[n] = b
                    n += 1
                } else {
                    out[n] = UInt8(ascii: "%"); out[n + 1] = hexDigits[Int(b >> 4)]; out[n + 2] = hexDigits[Int(b & 15)]
                    n += 3
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
