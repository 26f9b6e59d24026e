// Whether a file documents link to could run script in the site's origin when a reader opens it: by its name, and
// for SVG (and markup of unknown type) by a conservative scan of its bytes that prefers refusing a harmless file.

public enum ActiveContent {
    /// What a linked file's name says about how a browser would show it.
    public enum FileType: Sendable, Equatable {
        /// Rendered as a page that runs its scripts (HTML, XML, XSLT, web archives, compressed SVG): never
        /// published unless archbook.yml says so. The text says what it is and why that matters, as it follows
        /// "linked file 'x' is" in a message.
        case document(String)
        /// Rendered as a page when opened directly: published when `scan` finds nothing active.
        case svg
        /// Images, PDF, office documents, archives, media, fonts and plain text: shown or downloaded, never run.
        case inert
        /// Anything else. A server may send an XML type for it (any `+xml` type is rendered as a page) or none,
        /// and then the browser sniffs: so it is scanned when it starts like markup.
        case unknown
    }

    /// Something active found by `scan`.
    public struct Hit: Sendable, Equatable {
        /// What was found, as it follows "linked file 'x.svg'" in a message: "contains <script>".
        public var finding: String
        /// The 1-based line of the file it is on.
        public var line: Int
        /// How to remove it, for the hint.
        public var fix: String
    }

    // The extensions servers map to HTML, XML and XSLT types (Apache's and nginx's mime.types), and archives
    // a browser opens as pages.
    static let documentTypes: [String: String] = {
        let runs = "which can run scripts in the site's origin"
        var types: [String: String] = [:]
        for ext in ["html", "htm", "shtml", "shtm", "xhtml", "xht", "xhtm"] { types[ext] = "an HTML file, \(runs)" }
        types["xml"] = "an XML file, \(runs)"
        for ext in ["xsl", "xslt"] { types[ext] = "an XSLT stylesheet, \(runs)" }
        for ext in ["mht", "mhtml"] { types[ext] = "a web archive (MHTML), \(runs)" }
        types["svgz"] = "a compressed SVG, \(runs) and which archbook cannot check"
        return types
    }()

    // Types that browsers display or download but never run, whatever the bytes say (image types are sniffed only
    // among images, text/plain is never sniffed into HTML), so they are not read before copying.
    static let inertTypes: Set<String> = [
        "png", "jpg", "jpeg", "jpe", "jfif", "gif", "webp", "avif", "bmp", "ico", "tif", "tiff", "heic", "heif",
        "pdf", "txt", "text", "log", "csv", "tsv", "json", "yaml", "yml", "toml", "ini", "cfg", "conf", "properties",
        "sql", "diff", "patch", "js", "mjs", "css", "puml", "plantuml", "mmd", "dot", "gv",
        "zip", "gz", "tgz", "tar", "bz2", "xz", "zst", "7z", "rar", "jar",
        "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "odg", "rtf", "key", "numbers", "pages",
        "vsd", "vsdx", "mp3", "mp4", "m4a", "m4v", "webm", "ogg", "oga", "ogv", "opus", "wav", "flac", "mov", "avi", "mkv",
        "woff", "woff2", "ttf", "otf", "eot",
    ]

    /// Elements that run script, embed other documents or carry HTML into an SVG (compared by local name, so
    /// `<svg:script>` counts).
    static let activeElements: [String: String] = [
        "script": "script", "foreignobject": "foreignObject", "iframe": "iframe", "frame": "frame", "frameset": "frameset",
        "embed": "embed", "object": "object", "applet": "applet", "portal": "portal", "fencedframe": "fencedframe",
        "handler": "handler", "listener": "listener",
    ]

    public static func fileType(of path: String) -> FileType {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return .unknown }
        let ext = name[name.index(after: dot)...].lowercased()
        if let what = documentTypes[ext] { return .document(what) }
        if ext == "svg" { return .svg }
        return inertTypes.contains(ext) ? .inert : .unknown
    }

    /// Whether a file of unknown type starts the way a page must for a browser to render it: with `<` after an
    /// optional byte order mark and white space (XML requires it, and MIME sniffing finds HTML and XML only
    /// there), or as UTF-16 text.
    public static func looksLikeMarkup(_ bytes: [UInt8]) -> Bool {
        let n = bytes.count
        if n >= 2 && ((bytes[0] == 0xFE && bytes[1] == 0xFF) || (bytes[0] == 0xFF && bytes[1] == 0xFE)) { return true }
        if n >= 2 && ((bytes[0] == 0 && bytes[1] == UInt8(ascii: "<")) || (bytes[0] == UInt8(ascii: "<") && bytes[1] == 0)) { return true }
        var i = n >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        while i < n, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0C || bytes[i] == 0x0D { i += 1 }
        return i < n && bytes[i] == UInt8(ascii: "<")
    }

    /// The first active thing in a file's bytes, or nil when there is none. Matching ignores ASCII case, and looks
    /// at the whole file (comments and CDATA included): a false alarm costs a diagram, a miss costs the site.
    public static func scan(_ bytes: [UInt8]) -> Hit? {
        bytes.withUnsafeBufferPointer { buffer in
            var scanner = ActiveScanner(b: buffer)
            return scanner.run()
        }
    }
}

/// The passes of `ActiveContent.scan`, all at each byte in one walk over the file.
private struct ActiveScanner {
    let b: UnsafeBufferPointer<UInt8>
    /// The local name of the last start tag seen, lower-cased: which element an `href` belongs to.
    var element: [UInt8] = []

    init(b: UnsafeBufferPointer<UInt8>) { self.b = b }

    var n: Int { b.count }

    func lower(_ i: Int) -> UInt8 {
        let c = b[i]
        return c >= 0x41 && c <= 0x5A ? c | 0x20 : c
    }

    static func isLetter(_ c: UInt8) -> Bool { c >= 0x61 && c <= 0x7A }
    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    /// White space as HTML reads it between attributes (XML's plus form feed).
    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0C || c == 0x0D }
    /// Bytes of an XML or HTML name: letters, digits, `-`, `_`, `.`, `:` and anything not ASCII.
    static func isNameByte(_ c: UInt8) -> Bool {
        isLetter(c) || isDigit(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: ".")
            || c == UInt8(ascii: ":") || c >= 0x80
    }

    /// Whether the file has `word` (lower-case ASCII) at `i`, ignoring case.
    func has(_ word: StaticString, at i: Int) -> Bool {
        let count = word.utf8CodeUnitCount
        guard i + count <= n else { return false }
        let w = word.utf8Start
        for k in 0..<count where lower(i + k) != w[k] { return false }
        return true
    }

    func line(of offset: Int) -> Int {
        var line = 1
        for k in 0..<min(offset, n) where b[k] == 0x0A { line += 1 }
        return line
    }

    func hit(_ finding: String, at offset: Int, fix: String) -> ActiveContent.Hit {
        ActiveContent.Hit(finding: finding, line: line(of: offset), fix: fix)
    }

    /// Text from the file for a message: at most 60 bytes, control characters as `?`.
    func quoted(_ range: Range<Int>) -> String {
        let end = min(range.upperBound, range.lowerBound + 60)
        let bytes = b[range.lowerBound..<end].map { $0 < 0x20 || $0 == 0x7F ? UInt8(ascii: "?") : $0 }
        return String(decoding: bytes, as: UTF8.self) + (end < range.upperBound ? "…" : "")
    }

    // XML's five, and the HTML names that spell URL syntax or white space inside a scheme; whether the name may
    // go without its semicolon, as HTML still reads a few legacy names.
    static let named: [(StaticString, UInt8, Bool)] = [
        ("lt", UInt8(ascii: "<"), true), ("gt", UInt8(ascii: ">"), true), ("amp", UInt8(ascii: "&"), true),
        ("quot", UInt8(ascii: "\""), true), ("apos", UInt8(ascii: "'"), false), ("colon", UInt8(ascii: ":"), false),
        ("tab", 0x09, false), ("newline", 0x0A, false), ("lpar", UInt8(ascii: "("), false), ("rpar", UInt8(ascii: ")"), false),
        ("sol", UInt8(ascii: "/"), false), ("num", UInt8(ascii: "#"), false), ("period", UInt8(ascii: "."), false),
        ("bsol", UInt8(ascii: "\\"), false),
    ]

    /// The character a browser reads at `i`, lower-cased, with a character reference (`&#106;`, `&#x6A`, `&colon;`)
    /// decoded as attribute values and XML text decode them; anything not ASCII is 0x80. Returns it and where the
    /// next one starts.
    func decoded(at i: Int) -> (UInt8, Int) {
        let c = lower(i)
        guard c == UInt8(ascii: "&"), i + 1 < n else { return (c >= 0x80 ? 0x80 : c, i + 1) }
        var j = i + 1
        if b[j] == UInt8(ascii: "#") {
            j += 1
            let hex = j < n && lower(j) == UInt8(ascii: "x")
            if hex { j += 1 }
            var value = 0, digits = 0
            while j < n {
                let d = lower(j)
                let v: Int
                if Self.isDigit(d) { v = Int(d - 0x30) } else if hex && d >= 0x61 && d <= 0x66 { v = Int(d - 0x61 + 10) } else { break }
                value = min(value * (hex ? 16 : 10) + v, 0x110000)
                digits += 1
                j += 1
            }
            guard digits > 0 else { return (c, i + 1) }
            if j < n && b[j] == UInt8(ascii: ";") { j += 1 }
            guard value > 0 && value < 0x80 else { return (0x80, j) }
            let v = UInt8(value)
            return (v >= 0x41 && v <= 0x5A ? v | 0x20 : v, j)
        }
        for (name, value, semicolonOptional) in Self.named where has(name, at: j) {
            let end = j + name.utf8CodeUnitCount
            if end < n && b[end] == UInt8(ascii: ";") { return (value, end + 1) }
            if semicolonOptional && (end >= n || !Self.isLetter(lower(end)) && !Self.isDigit(lower(end))) { return (value, end) }
        }
        return (c, i + 1)
    }

    /// The end of `word` read through `decoded` from `i`; tabs and line breaks between its characters are skipped
    /// when `inURL`, as URL parsing removes them (`java&#10;script:`). Nil when it is not there.
    func matchDecoded(_ word: StaticString, at i: Int, inURL: Bool) -> Int? {
        var j = i
        let w = word.utf8Start
        for k in 0..<word.utf8CodeUnitCount {
            while true {
                guard j < n else { return nil }
                let (c, next) = decoded(at: j)
                if inURL && k > 0 && (c == 0x09 || c == 0x0A || c == 0x0D) { j = next; continue }
                guard c == w[k] else { return nil }
                j = next
                break
            }
        }
        return j
    }

    /// A value as a browser would take it, from `i` (an opening quote, or its first character) up to the closing
    /// quote, or up to white space or `>` when unquoted (`stop` adds `)` for CSS's url()): decoded, lower-cased,
    /// without tabs and line breaks, leading spaces and controls trimmed, at most 200 characters (enough for a
    /// scheme and a media type).
    func value(at start: Int, stop: UInt8? = nil) -> [UInt8] {
        var j = start
        var quote: UInt8?
        if j < n, b[j] == UInt8(ascii: "\"") || b[j] == UInt8(ascii: "'") { quote = b[j]; j += 1 }
        var out: [UInt8] = []
        while j < n, out.count < 200 {
            if let quote { if b[j] == quote { break } } else if Self.isSpace(b[j]) || b[j] == UInt8(ascii: ">") || b[j] == stop { break }
            let (c, next) = decoded(at: j)
            j = next
            if c == 0x09 || c == 0x0A || c == 0x0D { continue }
            if out.isEmpty && c <= 0x20 { continue }
            out.append(c)
        }
        return out
    }

    /// Whether a URL is allowed in the file: within it (`#id`), relative, http(s) or mailto, or a data: URL of a
    /// raster image or a font; and for `<use>`, only within it. Returns the hit otherwise.
    func checkURL(_ url: [UInt8], element: [UInt8], at offset: Int, attribute: String) -> ActiveContent.Hit? {
        if url.isEmpty || url[0] == UInt8(ascii: "#") { return nil }
        let text = String(decoding: url.prefix(60), as: UTF8.self)
        var k = 0
        while k < url.count, Self.isLetter(url[k]) || (k > 0 && (Self.isDigit(url[k]) || url[k] == UInt8(ascii: "+") || url[k] == UInt8(ascii: "-") || url[k] == UInt8(ascii: "."))) { k += 1 }
        let scheme = k > 0 && k < url.count && url[k] == UInt8(ascii: ":") ? String(decoding: url[..<k], as: UTF8.self) : nil
        let isUse = element == Array("use".utf8)
        switch scheme {
        case nil, "http", "https", "mailto":
            guard isUse else { return nil }
            return hit("has a <use> element that refers to another file ('\(text)')", at: offset,
                       fix: "Copy the shape it uses into the file and refer to it by '#id'")
        case "data":
            if !isUse && Self.isImageOrFontData(url[(k + 1)...]) { return nil }
            let type = url[(k + 1)...].prefix { $0 != UInt8(ascii: ",") && $0 != UInt8(ascii: ";") }
            return hit("contains a data: URL that is not a PNG, JPEG, GIF, WebP or AVIF image or a font (data:\(String(decoding: type.prefix(40), as: UTF8.self)))",
                       at: offset, fix: "Remove the data: URL from the file (embedded PNG, JPEG, GIF, WebP and AVIF images are allowed)")
        case "javascript", "vbscript":
            return hit("contains a \(scheme!): URL", at: offset, fix: "Remove the \(scheme!): URL from the file")
        default:
            return hit("contains a '\(scheme!):' URL in \(attribute)", at: offset,
                       fix: "Remove the \(scheme!): URL from the file (an SVG may use links within itself, relative, http:, https: and mailto: links, and image data: URLs)")
        }
    }

    /// A data: URL's media type (after `data:`) is a raster image's or a font's: nothing a browser runs.
    static func isImageOrFontData(_ rest: ArraySlice<UInt8>) -> Bool {
        let type = String(decoding: rest.drop { $0 == 0x20 }.prefix { $0 != UInt8(ascii: ",") && $0 != UInt8(ascii: ";") }, as: UTF8.self)
        return ["image/png", "image/jpeg", "image/jpg", "image/gif", "image/webp", "image/avif"].contains(type)
            || type.hasPrefix("font/") || type.hasPrefix("application/font-") || type.hasPrefix("application/x-font-")
            || type == "application/vnd.ms-fontobject"
    }

    mutating func run() -> ActiveContent.Hit? {
        if n >= 2 && ((b[0] == 0xFE && b[1] == 0xFF) || (b[0] == 0xFF && b[1] == 0xFE)) {
            return hit("is encoded in UTF-16 or UTF-32", at: 0,
                       fix: "Save the file as UTF-8 (archbook checks UTF-8 and ASCII-compatible text only)")
        }
        var i = 0
        while i < n {
            let c = lower(i)
            if let found = step(c, at: i) { return found }
            i += 1
        }
        return nil
    }

    /// Every check that can start at byte `i`.
    mutating func step(_ c: UInt8, at i: Int) -> ActiveContent.Hit? {
        switch c {
        case 0:
            return hit("contains NUL bytes", at: i,
                       fix: "Save the file as UTF-8 text (NUL bytes, as in UTF-16 text, hide markup from archbook's check)")
        case 0x1B:
            return hit("contains escape bytes (0x1B)", at: i,
                       fix: "Save the file as UTF-8 (escape sequences, as in ISO-2022-JP, hide markup from archbook's check)")
        case UInt8(ascii: "<"):
            return tag(at: i)
        default:
            break
        }
        // Attribute names are never written with character references, so these read the bytes as they are.
        let boundary = i == 0 || !(Self.isLetter(lower(i - 1)) || Self.isDigit(lower(i - 1)) || b[i - 1] == UInt8(ascii: "_"))
        if c == UInt8(ascii: "o"), boundary, let found = eventHandler(at: i) { return found }
        if (c == UInt8(ascii: "h") || c == UInt8(ascii: "s")) && (i == 0 || !Self.isNameByte(lower(i - 1)) || b[i - 1] == UInt8(ascii: ":")),
           let found = urlAttribute(at: i) { return found }
        if c == UInt8(ascii: "x"), boundary, has("xml:base", at: i), equals(after: i + 8) != nil {
            return hit("sets xml:base, which changes where its links lead", at: i, fix: "Remove the xml:base attribute from the file")
        }
        if c == UInt8(ascii: "a"), boundary, has("attributename", at: i), let eq = equals(after: i + 13) {
            let name = value(at: eq)
            let local = name.split(separator: UInt8(ascii: ":")).last.map(Array.init) ?? []
            if local.starts(with: Array("on".utf8)) || local == Array("href".utf8) || local == Array("src".utf8) {
                let shown = String(decoding: name.prefix(40), as: UTF8.self)
                return hit("animates an event-handler or link attribute (attributeName=\"\(shown)\")", at: i,
                           fix: "Remove the animation of \(shown) from the file")
            }
        }
        // URLs: a scheme may be written with character references and broken by tabs and line breaks.
        let d = c == UInt8(ascii: "&") ? decoded(at: i).0 : c
        if d == UInt8(ascii: "j"), matchDecoded("javascript:", at: i, inURL: true) != nil {
            return hit("contains a javascript: URL", at: i, fix: "Remove the javascript: URL from the file")
        }
        if d == UInt8(ascii: "v"), matchDecoded("vbscript:", at: i, inURL: true) != nil {
            return hit("contains a vbscript: URL", at: i, fix: "Remove the vbscript: URL from the file")
        }
        if d == UInt8(ascii: "u"), let open = matchDecoded("url(", at: i, inURL: false) {
            var j = open
            while j < n, Self.isSpace(b[j]) { j += 1 }
            let url = value(at: j, stop: UInt8(ascii: ")"))
            if url.contains(UInt8(ascii: "\\")) {
                return hit("has a url() written with backslash escapes", at: i, fix: "Write the url() without backslash escapes")
            }
            if let found = checkURL(url, element: [], at: i, attribute: "url()") { return found }
        }
        return nil
    }

    /// After an attribute name ending before `i`: optional white space, `=`, optional white space; where the value starts.
    func equals(after i: Int) -> Int? {
        var j = i
        while j < n, Self.isSpace(b[j]) { j += 1 }
        guard j < n, b[j] == UInt8(ascii: "=") else { return nil }
        j += 1
        while j < n, Self.isSpace(b[j]) { j += 1 }
        return j
    }

    /// `on` + letters + `=`: an event-handler attribute, in a tag or in text that a lax parser might read as one.
    func eventHandler(at i: Int) -> ActiveContent.Hit? {
        guard i + 2 < n, lower(i + 1) == UInt8(ascii: "n") else { return nil }
        var j = i + 2
        while j < n, Self.isLetter(lower(j)) { j += 1 }
        guard j > i + 2, equals(after: j) != nil else { return nil }
        let name = quoted(i..<j)
        return hit("has an event-handler attribute (\(name)=)", at: i, fix: "Remove the \(name) attribute from the file")
    }

    /// `href`, `xlink:href` and `src`: the URL must be one `checkURL` allows.
    func urlAttribute(at i: Int) -> ActiveContent.Hit? {
        let word: StaticString
        if has("href", at: i) { word = "href" } else if has("src", at: i) { word = "src" } else { return nil }
        guard let start = equals(after: i + word.utf8CodeUnitCount) else { return nil }
        return checkURL(value(at: start), element: element, at: i, attribute: word.description)
    }

    /// Declarations, processing instructions and start tags.
    mutating func tag(at i: Int) -> ActiveContent.Hit? {
        guard i + 1 < n else { return nil }
        let next = b[i + 1]
        if next == UInt8(ascii: "!") {
            let declarations: [(StaticString, String)] = [("entity", "entities"), ("attlist", "attributes"), ("element", "elements"), ("notation", "notations")]
            for (decl, what) in declarations where has(decl, at: i + 2) {
                return hit("declares \(what) in a DOCTYPE (<!\(decl.description.uppercased())>)",
                           at: i, fix: "Remove the DOCTYPE from the file (an SVG needs none; its declarations can add content archbook's check does not see)")
            }
            if has("doctype", at: i + 2) {
                var j = i + 9
                while j < n, b[j] != UInt8(ascii: ">") {
                    if b[j] == UInt8(ascii: "[") {
                        return hit("has a DOCTYPE with declarations ([…])", at: i,
                                   fix: "Remove the DOCTYPE from the file (an SVG needs none; its declarations can add content archbook's check does not see)")
                    }
                    j += 1
                }
            }
            return nil
        }
        if next == UInt8(ascii: "?") {
            var j = i + 2
            while j < n, Self.isNameByte(lower(j)) { j += 1 }
            if String(decoding: (i + 2..<j).map { lower($0) }, as: UTF8.self).contains("stylesheet") {
                return hit("asks for a stylesheet to transform it (<?\(quoted(i + 2..<j))?>), which can make a page with scripts of it",
                           at: i, fix: "Remove the <?\(quoted(i + 2..<j)) ...?> line from the file")
            }
            return nil
        }
        var j = i + 1
        while j < n, Self.isNameByte(lower(j)) { j += 1 }
        guard j > i + 1 else { return nil }
        let name = (i + 1..<j).map { lower($0) }
        let local = Array(name.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false).last ?? [])
        element = local
        if let canonical = ActiveContent.activeElements[String(decoding: local, as: UTF8.self)] {
            let written = quoted(i + 1..<j)
            let fix = canonical == "foreignObject"
                ? "Remove the <\(written)> element from the file (diagram tools write one for HTML labels: export without them, or as PNG)"
                : "Remove the <\(written)> element from the file"
            return hit("contains <\(written)>", at: i, fix: fix)
        }
        return nil
    }
}
