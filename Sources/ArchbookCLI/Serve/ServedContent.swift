// What serve changes or adds to a response: media types by extension and the reload script tag in HTML pages.

enum MediaType {
    static let html = "text/html; charset=utf-8"
    static let octetStream = "application/octet-stream"

    private static let byExtension: [String: String] = [
        "html": html, "htm": html,
        "css": "text/css; charset=utf-8",
        "js": "text/javascript; charset=utf-8", "mjs": "text/javascript; charset=utf-8",
        "json": "application/json", "map": "application/json",
        "xml": "application/xml", "atom": "application/atom+xml",
        "svg": "image/svg+xml",
        "txt": "text/plain; charset=utf-8", "md": "text/markdown; charset=utf-8", "markdown": "text/markdown; charset=utf-8",
        "csv": "text/csv; charset=utf-8", "yml": "text/plain; charset=utf-8", "yaml": "text/plain; charset=utf-8",
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp",
        "avif": "image/avif", "ico": "image/x-icon", "bmp": "image/bmp",
        "pdf": "application/pdf", "zip": "application/zip", "wasm": "application/wasm",
        "woff": "font/woff", "woff2": "font/woff2", "ttf": "font/ttf", "otf": "font/otf",
        "mp4": "video/mp4", "webm": "video/webm", "mp3": "audio/mpeg", "ogg": "audio/ogg", "wav": "audio/wav",
    ]

    /// The Content-Type for a file name; unknown extensions are sent as bytes to download, never sniffed.
    static func of(_ path: String) -> String {
        let name = path.split(separator: "/").last ?? ""
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return octetStream }
        return byExtension[name[name.index(after: dot)...].lowercased()] ?? octetStream
    }
}

enum ReloadInjection {
    /// The tag added to every HTML response. An external script rather than inline code, so a page whose
    /// Content-Security-Policy allows only the site's own scripts (`script-src 'self'`) still runs it.
    /// The query tells the script which server session and site generation the page came from.
    static func tag(session: String, site: Int) -> String {
        "<script src=\"/__archbook/reload.js?session=\(session)&amp;site=\(site)\"></script>"
    }

    /// Inserts `tag` before the last `</body` (any case); appended when there is none. Only the served bytes
    /// change: the files on disk stay exactly what `archbook build` writes.
    static func inject(_ tag: String, into html: [UInt8]) -> [UInt8] {
        let needle = Array("</body".utf8)
        var at = html.count
        if html.count >= needle.count {
            var i = html.count - needle.count
            while i >= 0 {
                var match = true
                for j in 0..<needle.count where lower(html[i + j]) != needle[j] {
                    match = false
                    break
                }
                if match { at = i; break }
                i -= 1
            }
        }
        var out = html
        out.insert(contentsOf: Array(tag.utf8), at: at)
        return out
    }

    private static func lower(_ b: UInt8) -> UInt8 {
        b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") ? b + 32 : b
    }

    /// The 404 page is served for missing paths at any depth, but its links are relative to the site root
    /// (unless the site has a base URL). Serve-time only, its relative `href`/`src` values are made
    /// root-absolute so its stylesheet and links work wherever the missing page was.
    static func rootRelativeLinks(_ html: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(html.count + 64)
        let attributes = [Array(" href=\"".utf8), Array(" src=\"".utf8)]
        var i = 0
        while i < html.count {
            var matched: [UInt8]?
            for a in attributes where i + a.count <= html.count && html[i..<(i + a.count)].elementsEqual(a) {
                matched = a
                break
            }
            guard let attribute = matched else {
                out.append(html[i])
                i += 1
                continue
            }
            out.append(contentsOf: attribute)
            i += attribute.count
            if i < html.count && isRelativeStart(html[i...]) {
                out.append(UInt8(ascii: "/"))
                // `./x` from the site root is `/x`.
                if html[i...].starts(with: Array("./".utf8)) { i += 2 }
            }
        }
        return out
    }

    /// A URL value that is relative to the page: not absolute, not root-relative, not a fragment or query.
    private static func isRelativeStart(_ value: ArraySlice<UInt8>) -> Bool {
        guard let first = value.first else { return false }
        if first == UInt8(ascii: "/") || first == UInt8(ascii: "#") || first == UInt8(ascii: "?") || first == UInt8(ascii: "\"") {
            return false
        }
        // A scheme (https:, mailto:, data:) comes before any '/', '?' or '#'.
        for b in value {
            if b == UInt8(ascii: ":") { return false }
            if b == UInt8(ascii: "/") || b == UInt8(ascii: "?") || b == UInt8(ascii: "#") || b == UInt8(ascii: "\"") { break }
        }
        return true
    }
}
