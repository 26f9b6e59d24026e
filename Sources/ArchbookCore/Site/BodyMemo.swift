// The bodies the last build rendered, kept for the next one: in memory by archbook serve, on disk by archbook build.

import Foundation

/// A rendered body depends on its document's Markdown and on the answers to the questions the renderer asked on
/// the way: where each link goes, and which page each ID in prose names. A later build takes a body from here when
/// the Markdown and its placement are the same and every recorded question, asked again of the new build's
/// handbook, gets the same answer — which is exactly when rendering it again would give the same bytes. Documents
/// are recorded by path, not index, because indices move when documents come and go. Immutable once made, so the
/// workers share it.
public final class BodyMemo: Sendable {
    /// Where a link went, with documents named by path.
    enum Answer: Equatable, Sendable {
        case page(href: String, path: String)
        case file(href: String, path: String)
        case external(String)
        case broken(reason: String)
        case brokenAnchor(href: String, path: String, reason: String)
        case unsafe
    }

    struct Mention: Equatable, Sendable {
        var prefix: String
        var number: Int
        var href: String?
        var path: String?
    }

    struct Entry: Sendable {
        /// The Markdown (sharing the checked document's bytes) and what places it on its page. A memo read from
        /// disk has only the Markdown's hash.
        var body: ArraySlice<UInt8>?
        var bodyHash: UInt64?
        var page: String
        var lineOffset: Int
        var anchors: [Int: String]
        var dropLine: Int?
        /// Every question the renderer asked, with its answer, in the order asked.
        var links: [Link]
        var mentions: [Mention]
        var html: String
        var references: [String]
        /// Where `references` were among the documents of the build that rendered the body, in the same order: a
        /// build whose documents resolve links as that one's did (`sameWorld`) has them at the same places.
        var referenceIndices: [Int] = []
        var files: [String]
        var segments: [SearchSegment]
        /// The segments' terms as the search index counted them (nil until it has).
        var terms: SearchTerms?
        var htmlHash: UInt64
        var segmentsHash: UInt64
        /// For an entry read from disk: `html` and `segments` are not read yet; they are in the store's text entry
        /// (`textKey`) that ends with this checksum.
        var textSeal: UInt64?
    }

    struct Link: Equatable, Sendable {
        var destination: String
        var answer: Answer
    }

    /// What every body depends on besides its own inputs: raw HTML on or off, the ID prefixes, whether search text
    /// is collected, and archbook's version. A memo made under another key is not used.
    let key: UInt64
    let entries: [String: Entry]
    /// What every link and ID in its bodies was resolved against (`SiteModel.linkWorld`).
    let world: UInt64?
    /// The documents whose bodies it holds.
    public var count: Int { entries.count }

    init(key: UInt64, entries: [String: Entry], world: UInt64? = nil) {
        self.key = key
        self.entries = entries
        self.world = world
    }

    static func key(options: SiteOptions, prefixes: [String]) -> UInt64 {
        var h = StableHash()
        h.add(options.generator)
        h.add(options.allowRawHTML)
        h.add(options.search != nil)
        h.add(prefixes.count)
        for p in prefixes { h.add(p) }
        return h.value
    }
}

extension SiteModel {
    func answer(_ target: LinkTarget) -> BodyMemo.Answer {
        switch target {
        case .page(let href, let document): return .page(href: href, path: docs[document].path)
        case .file(let href, let path): return .file(href: href, path: path)
        case .external(let url): return .external(url)
        case .broken(let reason): return .broken(reason: reason)
        case .brokenAnchor(let href, let document, let reason): return .brokenAnchor(href: href, path: docs[document].path, reason: reason)
        case .unsafe: return .unsafe
        }
    }

    /// An ID in prose and what it resolved to, as a memo records it (the document by path).
    func answer(_ prefix: String, _ number: Int, _ hit: (href: String, document: Int)?) -> BodyMemo.Mention {
        BodyMemo.Mention(prefix: prefix, number: number, href: hit?.href, path: hit.map { docs[$0.document].path })
    }

    /// The remembered body of document `i`, if every input it was rendered from is the same in this build.
    /// `sameWorld`: every link and ID resolves as it did when the memo was made (`linkWorld` is the same), so the
    /// recorded answers need not be asked again.
    func remembered(_ i: Int, _ e: BodyMemo.Entry, anchors: [Int: String], dropLine: Int?,
                    collectText: Bool, sameWorld: Bool = false) -> (RenderedBody, BodyMemo.Entry)? {
        let d = docs[i]
        guard e.page == pagePaths[i], e.lineOffset == d.bodyLineOffset,
              e.dropLine == dropLine, e.anchors == anchors else { return nil }
        if let body = e.body, d.source?.unread != true {
            guard Bytes.same(body, d.body) else { return nil }
        } else {
            guard e.bodyHash == d.bodyIdentity else { return nil }
        }
        if !sameWorld {
            for link in e.links where answer(resolveLink(link.destination, from: i)) != link.answer { return nil }
            for m in e.mentions where answer(m.prefix, m.number, mention(m.prefix, m.number, from: i)) != m { return nil }
        }
        var references: [Int] = []
        if sameWorld, e.referenceIndices.count == e.references.count,
           zip(e.referenceIndices, e.references).allSatisfy({ k, path in k >= 0 && k < docs.count && docs[k].path == path }) {
            references = e.referenceIndices
        } else {
            for path in e.references {
                guard let r = byPath[path] else { return nil }
                references.append(r)
            }
        }
        // Keep this build's body bytes: they are the same, and the document holds them anyway (unless it left them unread).
        var entry = e
        entry.body = d.source?.unread == true ? nil : d.body
        var body = RenderedBody(html: e.html, references: references.sorted(), files: e.files,
                                segments: collectText ? e.segments : [], terms: collectText ? e.terms : nil)
        body.htmlHash = e.htmlHash
        body.segmentsHash = collectText ? e.segmentsHash : nil
        body.textSeal = e.textSeal
        return (body, entry)
    }
}

// Bodies on disk, for `archbook build`: one entry per document, written when its body is rendered and read when the
// next build would render it. The CLI keeps them in one append-only pack file with an index (`BodyMemo.PackIndex`),
// so an edit appends one entry rather than rewriting the bodies of the whole handbook (about three times the
// Markdown's size), and a build creates one file rather than one per document. Each entry is binary (strings with
// their lengths, little-endian integers) and ends with a checksum of everything before it: a truncated, damaged
// or misplaced entry is recognised and ignored, never trusted.

/// Where a build keeps bodies between runs. Called from several threads at once, each time with another document.
public protocol BodyStore: Sendable {
    /// The bytes last stored for the document at `path`, if any.
    func read(_ path: String) -> [UInt8]?
    /// Stores a document's body; a failure only means the next build renders it again.
    func write(_ path: String, _ bytes: [UInt8])
}

extension BodyMemo {
    static let magic = Array("archbook-body 3\n".utf8)
    static let textMagic = Array("archbook-body-text 1\n".utf8)
    static let termsMagic = Array("archbook-terms 1\n".utf8)

    /// An entry as two store entries: the HTML and search text (`text`, stored under `textKey`), which an
    /// incremental build reads only for the pages it renders again, and everything else (`head`), which it reads
    /// for every document; the head ends with the text's checksum, so the two are only ever used together.
    static func encode(_ e: Entry, path: String, key: UInt64) -> (head: [UInt8], text: [UInt8]) {
        var t = MemoWriter()
        t.bytes = Self.textMagic
        t.int(Int(truncatingIfNeeded: key))
        t.string(path)
        t.string(e.html)
        t.int(e.segments.count)
        for s in e.segments { t.string(s.anchor); t.string(s.heading); t.string(s.text) }
        t.seal()

        var w = MemoWriter()
        w.bytes = Self.magic
        w.int(Int(truncatingIfNeeded: key))
        w.string(path)
        w.int(Int(truncatingIfNeeded: e.bodyHash ?? e.body.map { StableHash.of($0) } ?? 0))
        w.string(e.page)
        w.int(e.lineOffset)
        w.int(e.anchors.count)
        for (line, anchor) in e.anchors.sorted(by: { $0.key < $1.key }) { w.int(line); w.string(anchor) }
        w.int(e.dropLine ?? -1)
        w.int(e.links.count)
        for link in e.links {
            w.string(link.destination)
            switch link.answer {
            case .page(let href, let path): w.int(0); w.string(href); w.string(path)
            case .file(let href, let path): w.int(1); w.string(href); w.string(path)
            case .external(let url): w.int(2); w.string(url)
            case .broken(let reason): w.int(3); w.string(reason)
            case .brokenAnchor(let href, let path, let reason): w.int(4); w.string(href); w.string(path); w.string(reason)
            case .unsafe: w.int(5)
            }
        }
        w.int(e.mentions.count)
        for m in e.mentions {
            w.string(m.prefix); w.int(m.number)
            if let href = m.href, let path = m.path { w.int(1); w.string(href); w.string(path) } else { w.int(0) }
        }
        w.int(e.references.count); for r in e.references { w.string(r) }
        w.int(e.referenceIndices.count); for k in e.referenceIndices { w.int(k) }
        w.int(e.files.count); for f in e.files { w.string(f) }
        w.int(Int(truncatingIfNeeded: e.htmlHash))
        w.int(Int(truncatingIfNeeded: e.segmentsHash))
        w.int(Int(truncatingIfNeeded: MemoReader.seal(of: t.bytes[...])))
        w.seal()
        return (w.bytes, t.bytes)
    }

    /// The entry for `path` under `key` from its head (its HTML and segments left in the store, see `decodeHTML` and `decodeSegments`);
    /// nil for anything but a complete head of this format made for them. Without `answers`, the links and mentions
    /// are checked and skipped, not made (a build whose links resolve as the last one's does not ask them again).
    static func decode(_ bytes: [UInt8], path expected: String, key expectedKey: UInt64, answers: Bool = true) -> Entry? {
        guard var r = MemoReader(sealed: bytes, magic: magic) else { return nil }
        guard let key = r.int(), UInt64(bitPattern: Int64(key)) == expectedKey, let path = r.string(), path == expected,
              let hash = r.int(), let page = r.string(), let lineOffset = r.int(), let anchorCount = r.count() else { return nil }
        var anchors: [Int: String] = [:]
        for _ in 0..<anchorCount {
            guard let line = r.int(), let anchor = r.string() else { return nil }
            anchors[line] = anchor
        }
        guard let drop = r.int(), let linkCount = r.count() else { return nil }
        var links: [Link] = []
        for _ in 0..<linkCount where !answers {
            guard r.skipString(), let tag = r.int() else { return nil }
            let strings: Int
            switch tag {
            case 0, 1: strings = 2
            case 2, 3: strings = 1
            case 4: strings = 3
            case 5: strings = 0
            default: return nil
            }
            for _ in 0..<strings { guard r.skipString() else { return nil } }
        }
        for _ in 0..<linkCount where answers {
            guard let destination = r.string(), let tag = r.int() else { return nil }
            let answer: Answer
            switch tag {
            case 0: guard let h = r.string(), let p = r.string() else { return nil }; answer = .page(href: h, path: p)
            case 1: guard let h = r.string(), let p = r.string() else { return nil }; answer = .file(href: h, path: p)
            case 2: guard let u = r.string() else { return nil }; answer = .external(u)
            case 3: guard let why = r.string() else { return nil }; answer = .broken(reason: why)
            case 4: guard let h = r.string(), let p = r.string(), let why = r.string() else { return nil }
                answer = .brokenAnchor(href: h, path: p, reason: why)
            case 5: answer = .unsafe
            default: return nil
            }
            links.append(Link(destination: destination, answer: answer))
        }
        guard let mentionCount = r.count() else { return nil }
        var mentions: [Mention] = []
        for _ in 0..<mentionCount where !answers {
            guard r.skipString(), r.int() != nil, let hit = r.int() else { return nil }
            if hit == 1 { guard r.skipString(), r.skipString() else { return nil } }
        }
        for _ in 0..<mentionCount where answers {
            guard let prefix = r.string(), let number = r.int(), let hit = r.int() else { return nil }
            if hit == 1 {
                guard let h = r.string(), let p = r.string() else { return nil }
                mentions.append(Mention(prefix: prefix, number: number, href: h, path: p))
            } else {
                mentions.append(Mention(prefix: prefix, number: number, href: nil, path: nil))
            }
        }
        guard let references = r.strings(), let indices = r.list({ $0.int() }), let files = r.strings(), let htmlHash = r.int(),
              let segmentsHash = r.int(), let textSeal = r.int(), r.at == r.bytes.endIndex else { return nil }
        return Entry(body: nil, bodyHash: UInt64(bitPattern: Int64(hash)), page: page, lineOffset: lineOffset,
                     anchors: anchors, dropLine: drop < 0 ? nil : drop, links: links, mentions: mentions,
                     html: "", references: references, referenceIndices: indices, files: files, segments: [],
                     htmlHash: UInt64(bitPattern: Int64(htmlHash)), segmentsHash: UInt64(bitPattern: Int64(segmentsHash)),
                     textSeal: UInt64(bitPattern: Int64(textSeal)))
    }

    /// Where the store keeps the `linkWorld` its bodies were rendered or checked against (no path holds a zero byte).
    public static let worldKey = "\u{0}links"
    static let worldMagic = Array("archbook-links 1\n".utf8)

    static func encodeWorld(_ world: UInt64, key: UInt64) -> [UInt8] {
        var w = MemoWriter()
        w.bytes = Self.worldMagic
        w.int(Int(truncatingIfNeeded: key))
        w.int(Int(truncatingIfNeeded: world))
        w.seal()
        return w.bytes
    }

    static func decodeWorld(_ bytes: [UInt8], key expectedKey: UInt64) -> UInt64? {
        guard var r = MemoReader(sealed: bytes, magic: worldMagic), let key = r.int(),
              UInt64(bitPattern: Int64(key)) == expectedKey, let world = r.int(), r.at == r.bytes.endIndex else { return nil }
        return UInt64(bitPattern: Int64(world))
    }

    /// Where the HTML and search text of the document at `path` are stored, beside its head (no path holds a zero byte).
    public static func textKey(_ path: String) -> String { path + "\u{0}text" }

    /// A text entry's search text, for the search index (the whole entry is checked; its HTML is skipped).
    static func decodeSegments(_ bytes: [UInt8], path expected: String, key expectedKey: UInt64, seal: UInt64) -> [SearchSegment]? {
        guard var r = textReader(bytes, path: expected, key: expectedKey, seal: seal), let html = r.count() else { return nil }
        r.at += html
        guard let segments = r.list({ r -> SearchSegment? in
                  guard let a = r.string(), let h = r.string(), let t = r.string() else { return nil }
                  return SearchSegment(anchor: a, heading: h, text: t)
              }), r.at == r.bytes.endIndex else { return nil }
        return segments
    }

    /// A text entry's HTML, for a page (the whole entry is checked; its search text is not decoded).
    static func decodeHTML(_ bytes: [UInt8], path expected: String, key expectedKey: UInt64, seal: UInt64) -> String? {
        guard var r = textReader(bytes, path: expected, key: expectedKey, seal: seal) else { return nil }
        return r.string()
    }

    /// A text entry checked whole (its seal, checksum, key and path), read up to its HTML.
    private static func textReader(_ bytes: [UInt8], path expected: String, key expectedKey: UInt64, seal: UInt64) -> MemoReader? {
        guard Self.seal(of: bytes) == seal, var r = MemoReader(sealed: bytes, magic: textMagic),
              let key = r.int(), UInt64(bitPattern: Int64(key)) == expectedKey, let path = r.string(), path == expected
        else { return nil }
        return r
    }

    /// Where the search terms of the document at `path` are stored, beside its body (no path holds a zero byte).
    public static func termsKey(_ path: String) -> String { path + "\u{0}terms" }

    /// Every store entry a build of the documents at `paths` keeps: their heads, texts and terms, and the world.
    public static func storeKeys(for paths: [String]) -> [String] {
        [worldKey] + paths.flatMap { [$0, textKey($0), termsKey($0)] }
    }

    /// The checksum that ends an encoded entry: names those very bytes, for the terms counted in its segments.
    static func seal(of entry: [UInt8]) -> UInt64? {
        entry.count >= 8 ? MemoReader.seal(of: entry[...]) : nil
    }

    /// The terms the search index counted in the segments of the entry sealed with `entry`, stored apart from it
    /// because they are counted after the entry is stored (keeping every new body in memory until then cost a
    /// full build a fifth more memory).
    static func encodeTerms(_ t: SearchTerms, path: String, key: UInt64, entry: UInt64) -> [UInt8] {
        var w = MemoWriter()
        w.bytes = Self.termsMagic
        w.int(Int(truncatingIfNeeded: key))
        w.string(path)
        w.int(Int(truncatingIfNeeded: entry))
        w.raw(t.bytes)
        w.int(t.counts.count)
        for c in t.counts { for k in 0..<4 { w.bytes.append(UInt8(truncatingIfNeeded: c >> (8 * UInt32(k)))) } }
        w.int(Int(t.headingWords))
        w.int(Int(t.bodyWords))
        w.seal()
        return w.bytes
    }

    /// The terms for the entry sealed with `entry`; nil for anything else.
    static func decodeTerms(_ bytes: [UInt8], path expected: String, key expectedKey: UInt64, entry: UInt64) -> SearchTerms? {
        guard var r = MemoReader(sealed: bytes, magic: termsMagic),
              let key = r.int(), UInt64(bitPattern: Int64(key)) == expectedKey, let path = r.string(), path == expected,
              let sum = r.int(), UInt64(bitPattern: Int64(sum)) == entry,
              let terms = r.raw(), let n = r.count(), n * 4 <= r.bytes.endIndex - r.at else { return nil }
        var counts = [UInt32](repeating: 0, count: n)
        for k in 0..<n {
            let at = r.at + 4 * k
            counts[k] = UInt32(r.bytes[at]) | UInt32(r.bytes[at + 1]) << 8 | UInt32(r.bytes[at + 2]) << 16 | UInt32(r.bytes[at + 3]) << 24
        }
        r.at += 4 * n
        // As many terms as counts, each ended by a zero byte, or these are not terms this build wrote.
        guard terms.count(where: { $0 == 0 }) == n, terms.last ?? 0 == 0,
              let headingWords = r.int(), let bodyWords = r.int(),
              let h = Int32(exactly: headingWords), let b = Int32(exactly: bodyWords), r.at == r.bytes.endIndex else { return nil }
        return SearchTerms(bytes: terms, counts: counts, headingWords: h, bodyWords: b)
    }
}

extension BodyMemo {
    /// Where each document's entry is in the pack file: byte offset and length, by document path. Encoded with a
    /// magic line and a checksum; anything else decodes to nil (and the pack is then started afresh).
    public struct PackIndex: Equatable, Sendable {
        public struct Slot: Equatable, Sendable {
            public var offset: Int
            public var length: Int
            public init(offset: Int, length: Int) {
                self.offset = offset
                self.length = length
            }
        }

        public var slots: [String: Slot]
        public init(slots: [String: Slot] = [:]) { self.slots = slots }

        static let magic = Array("archbook-bodies-index 1\n".utf8)

        public func encoded() -> [UInt8] {
            Self.encode(slots.sorted(by: { $0.key < $1.key }).map { ($0.key, $0.value) })
        }

        /// The index of these entries, in this order (each path once): the build lists them in its documents' order,
        /// which sorting 30,000 keys again only repeated.
        public static func encode(_ entries: [(path: String, slot: Slot)]) -> [UInt8] {
            var w = MemoWriter()
            w.bytes = magic
            w.bytes.reserveCapacity(entries.count * 64)
            w.int(entries.count)
            for (path, slot) in entries {
                w.string(path)
                w.int(slot.offset)
                w.int(slot.length)
            }
            w.seal()
            return w.bytes
        }

        public static func decode(_ bytes: [UInt8]) -> PackIndex? {
            guard var r = MemoReader(sealed: bytes, magic: magic), let n = r.count() else { return nil }
            var slots: [String: Slot] = [:]
            for _ in 0..<n {
                guard let path = r.string(), let offset = r.int(), let length = r.int(), offset >= 0, length > 0 else { return nil }
                slots[path] = Slot(offset: offset, length: length)
            }
            guard r.at == r.bytes.endIndex else { return nil }
            return PackIndex(slots: slots)
        }
    }
}

struct MemoWriter {
    var bytes: [UInt8] = []

    mutating func int(_ n: Int) {
        var v = UInt64(bitPattern: Int64(n))
        for _ in 0..<8 { bytes.append(UInt8(v & 0xff)); v >>= 8 }
    }

    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { u in int(u.count); bytes.append(contentsOf: u) }
    }

    /// Bytes as they are, after their count.
    mutating func raw(_ b: [UInt8]) {
        int(b.count)
        bytes.append(contentsOf: b)
    }

    /// Ends the bytes with a checksum of all of them (`MemoReader(sealed:magic:)` checks it).
    mutating func seal() {
        int(Int(truncatingIfNeeded: Self.checksum(bytes[...])))
    }

    /// `checksum` of bytes that come in pieces: the same value as over all of them at once, given their total count.
    /// 32-byte blocks go through `Lanes`; a block split between pieces waits in `pending` until it is whole.
    struct Checksum {
        private var lanes: Lanes
        /// The bytes of a block not yet whole: byte `k` in word `k / 8`, at bit `8 * (k % 8)`.
        private var pending: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        private var count = 0

        init(count: Int) { lanes = Lanes(seed: 0x9E37_79B9_7F4A_7C15 ^ UInt64(count)) }

        @inline(__always)
        private mutating func put(_ b: UInt8) {
            let bits = UInt64(b) << (8 * UInt64(count % 8))
            switch count / 8 {
            case 0: pending.0 |= bits
            case 1: pending.1 |= bits
            case 2: pending.2 |= bits
            default: pending.3 |= bits
            }
            count += 1
            if count == 32 {
                lanes.block(pending.0, pending.1, pending.2, pending.3)
                pending = (0, 0, 0, 0)
                count = 0
            }
        }

        mutating func add(_ raw: UnsafeRawBufferPointer) {
            var i = 0
            while count > 0, i < raw.count { put(raw[i]); i += 1 }
            if i < raw.count { i += lanes.add(UnsafeRawBufferPointer(rebasing: raw[i...])) }
            while i < raw.count { put(raw[i]); i += 1 }
        }

        /// The checksum; the bytes added must be as many as `count` said.
        var value: UInt64 {
            func word(_ k: Int) -> UInt64 {
                switch k {
                case 0: pending.0
                case 1: pending.1
                case 2: pending.2
                default: pending.3
                }
            }
            var v = lanes.folded
            for k in 0..<(count / 8) { v = Lanes.mix(v, word(k)) }
            let last = word(count / 8)
            for k in 0..<(count % 8) { v = (v ^ ((last >> (8 * UInt64(k))) & 0xFF)) &* 0x94D0_49BB_1331_11EB }
            return v ^ (v >> 29)
        }
    }

    /// 32 bytes at a time: the file is checked on every build, and a byte-wise hash of 100 MB takes a tenth of a second.
    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var sum = Checksum(count: bytes.count)
        bytes.withUnsafeBytes { sum.add($0) }
        return sum.value
    }
}

struct MemoReader {
    let bytes: ArraySlice<UInt8>
    var at: Int

    /// A reader after `magic` of bytes that `MemoWriter.seal` ended; nil when they do not start with `magic` or
    /// their checksum does not match (cut short, damaged).
    init?(sealed all: [UInt8], magic: [UInt8]) {
        self.init(sealed: all[...], magic: magic)
    }

    /// A reader of bytes that are not checked, from `at`: for a header read before the whole is checked.
    init(unchecked bytes: ArraySlice<UInt8>, at: Int) {
        self.bytes = bytes
        self.at = at
    }

    init?(sealed all: ArraySlice<UInt8>, magic: [UInt8]) {
        guard all.count >= magic.count + 8, all.starts(with: magic) else { return nil }
        bytes = all[..<(all.endIndex - 8)]
        at = all.startIndex + magic.count
        guard Self.seal(of: all) == MemoWriter.checksum(bytes) else { return nil }
    }

    /// The checksum `MemoWriter.seal` put in the last eight bytes (there must be eight).
    static func seal(of all: ArraySlice<UInt8>) -> UInt64 {
        var sum: UInt64 = 0
        for k in (all.endIndex - 8..<all.endIndex).reversed() { sum = sum << 8 | UInt64(all[k]) }
        return sum
    }

    mutating func int() -> Int? {
        guard at + 8 <= bytes.endIndex else { return nil }
        var v: UInt64 = 0
        for k in (0..<8).reversed() { v = v << 8 | UInt64(bytes[at + k]) }
        at += 8
        return Int(Int64(bitPattern: v))
    }

    /// A count of things that follow: never more than there are bytes left.
    mutating func count() -> Int? {
        guard let n = int(), n >= 0, n <= bytes.endIndex - at else { return nil }
        return n
    }

    mutating func string() -> String? {
        guard let n = count() else { return nil }
        defer { at += n }
        // Through a buffer: String's generic initialiser over a slice costs several times as much.
        let start = at - bytes.startIndex
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[start..<(start + n)]), as: UTF8.self) }
    }

    /// Moves past a string without making it; false when there is none.
    mutating func skipString() -> Bool {
        guard let n = count() else { return false }
        at += n
        return true
    }

    mutating func raw() -> [UInt8]? {
        guard let n = count() else { return nil }
        defer { at += n }
        return Array(bytes[at..<(at + n)])
    }

    mutating func strings() -> [String]? {
        list { $0.string() }
    }

    /// A count and that many items, each read by `item`; nil when any of them is not there.
    mutating func list<T>(_ item: (inout MemoReader) -> T?) -> [T]? {
        guard let n = count() else { return nil }
        var out: [T] = []
        out.reserveCapacity(n)
        for _ in 0..<n {
            guard let x = item(&self) else { return nil }
            out.append(x)
        }
        return out
    }
}
