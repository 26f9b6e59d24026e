// Maps an HTTP request target to a file inside the served site, refusing anything that could name a file outside it.

#if canImport(Glibc)
import Glibc
#endif

/// A request target decoded into site-relative path segments. Pure: no file system access.
struct RequestPath: Equatable {
    /// Decoded segments, none empty, `.`, `..`, hidden, or holding a slash, backslash or control character.
    var segments: [String]
    /// The target ended in `/` (a folder was asked for).
    var trailingSlash: Bool

    var relative: String { segments.joined(separator: "/") }

    /// Decodes the path part of `target` (query and fragment dropped). Nil for anything that is not a plain
    /// origin-form path of safe segments: absolute-form URLs, dot segments (literal or percent-encoded),
    /// encoded slashes or backslashes, NUL and other control bytes, malformed escapes, invalid UTF-8.
    /// Rejecting instead of normalising `..` keeps the rule simple: browsers never send dot segments.
    init?(target: String) {
        var raw = Substring(target)
        if let cut = raw.firstIndex(where: { $0 == "?" || $0 == "#" }) { raw = raw[..<cut] }
        guard raw.hasPrefix("/") else { return nil }
        var segments: [String] = []
        for part in raw.split(separator: "/", omittingEmptySubsequences: true) {
            guard let decoded = Self.percentDecoded(part), Self.isSafeSegment(decoded) else { return nil }
            segments.append(decoded)
        }
        self.segments = segments
        self.trailingSlash = raw.hasSuffix("/")
    }

    init(segments: [String], trailingSlash: Bool) {
        self.segments = segments
        self.trailingSlash = trailingSlash
    }

    static func isSafeSegment(_ s: String) -> Bool {
        if s.isEmpty || s.hasPrefix(".") { return false }
        return !s.utf8.contains { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") }
    }

    /// Strict percent-decoding: `%` must be followed by two hex digits and the result must be UTF-8.
    static func percentDecoded(_ s: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count)
        var it = s.utf8.makeIterator()
        while let b = it.next() {
            if b == UInt8(ascii: "%") {
                guard let h = it.next().flatMap(hexValue), let l = it.next().flatMap(hexValue) else { return nil }
                bytes.append(h << 4 | l)
            } else {
                bytes.append(b)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// The segments as an absolute URL path, percent-encoded (for a redirect's Location).
    func encodedPath(trailingSlash slash: Bool) -> String {
        var out = "/"
        for (i, segment) in segments.enumerated() {
            if i > 0 { out += "/" }
            for b in segment.utf8 {
                if Self.unreserved(b) {
                    out.unicodeScalars.append(Unicode.Scalar(b))
                } else {
                    let hex = Array("0123456789ABCDEF".utf8)
                    out += "%" + String(decoding: [hex[Int(b >> 4)], hex[Int(b & 15)]], as: UTF8.self)
                }
            }
        }
        if slash && !segments.isEmpty { out += "/" }
        return out
    }

    private static func unreserved(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "-._~!$&'()*+,;=:@".utf8.contains(b)
        }
    }
}

/// What a request path names in a site folder on disk.
enum SiteLookup: Equatable {
    /// A regular file inside the site, by its resolved absolute path.
    case file(String)
    /// A folder asked for without its trailing slash: redirect so the page's relative links resolve.
    case redirect(String)
    case notFound
}

enum SiteFiles {
    /// Resolves `path` under `root` (an absolute path with symbolic links already resolved). The candidate is
    /// resolved with realpath and must still lie inside `root`, so a symbolic link in the site that points
    /// elsewhere is never followed out of it. Folders give their index.html (and are not found without one).
    static func locate(_ path: RequestPath, root: String) -> SiteLookup {
        let candidate = path.segments.isEmpty ? root : root + "/" + path.relative
        guard let real = resolvedInside(candidate, root: root) else { return .notFound }
        var st = stat()
        guard stat(real, &st) == 0 else { return .notFound }
        switch st.st_mode & S_IFMT {
        case S_IFREG:
            return path.trailingSlash ? .notFound : .file(real)
        case S_IFDIR:
            guard let index = resolvedInside(real + "/index.html", root: root),
                  stat(index, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return .notFound }
            if !path.trailingSlash && !path.segments.isEmpty {
                return .redirect(path.encodedPath(trailingSlash: true))
            }
            return .file(index)
        default:
            return .notFound
        }
    }

    /// `path` with every symbolic link resolved, or nil when it does not exist or lands outside `root`.
    static func resolvedInside(_ path: String, root: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        let real = String(cString: resolved)
        return DiskSite.isInside(real, root) ? real : nil
    }

    /// Reads a located file without following a symbolic link that might have replaced it since `locate`.
    static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(st.st_size))
        var filled = 0
        while filled < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            filled += n
        }
        return filled == bytes.count ? bytes : Array(bytes.prefix(filled))
    }
}
