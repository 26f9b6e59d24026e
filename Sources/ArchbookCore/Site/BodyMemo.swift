// The bodies a long-running process (archbook serve) rendered in its last build, kept for the next one.

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
        /// The Markdown (sharing the checked document's bytes) and what places it on its page.
        var body: ArraySlice<UInt8>
        var page: String
        var lineOffset: Int
        var anchors: [Int: String]
        var dropLine: Int?
        /// Every question the renderer asked, with its answer, in the order asked.
        var links: [Link]
        var mentions: [Mention]
        var html: String
        var references: [String]
        var files: [String]
        var segments: [SearchSegment]
    }

    struct Link: Equatable, Sendable {
        var destination: String
        var answer: Answer
    }

    /// What every body depends on besides its own inputs: raw HTML on or off, the ID prefixes, whether search text
    /// is collected, and archbook's version. A memo made under another key is not used.
    let key: UInt64
    let entries: [String: Entry]
    /// The documents whose bodies it holds.
    public var count: Int { entries.count }

    init(key: UInt64, entries: [String: Entry]) {
        self.key = key
        self.entries = entries
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

    /// The memo's body for document `i`, if every input it was rendered from is the same in this build.
    func remembered(_ i: Int, in memo: BodyMemo, anchors: [Int: String], dropLine: Int?,
                    collectText: Bool) -> (RenderedBody, BodyMemo.Entry)? {
        let d = docs[i]
        guard let e = memo.entries[d.path], e.page == pagePaths[i], e.lineOffset == d.bodyLineOffset,
              e.dropLine == dropLine, e.anchors == anchors, Self.sameBytes(e.body, d.body) else { return nil }
        for link in e.links where answer(resolveLink(link.destination, from: i)) != link.answer { return nil }
        for m in e.mentions {
            let now = mention(m.prefix, m.number, from: i)
            guard now?.href == m.href, now.map({ docs[$0.document].path }) == m.path else { return nil }
        }
        var references: [Int] = []
        for path in e.references {
            guard let r = byPath[path] else { return nil }
            references.append(r)
        }
        // Keep the memo's body bytes: they are the same, and one copy is enough.
        var entry = e
        entry.body = d.body
        return (RenderedBody(html: e.html, references: references.sorted(), files: e.files,
                             segments: collectText ? e.segments : []), entry)
    }

    static func sameBytes(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBytes { x in b.withUnsafeBytes { y in x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 } }
    }
}
