// The build pipeline after `check`: plan page paths, render bodies (in parallel), link them, render pages through the theme.

import Foundation

/// Where a build puts its files. The core never touches the disk; the CLI's sink writes a temporary directory.
public protocol SiteSink: Sendable {
    /// Called from several threads at once, each time with a different path.
    func write(_ path: String, _ bytes: [UInt8]) throws(FileTreeError)
}

/// A sink that keeps the site in memory, for tests.
public final class InMemorySite: SiteSink, @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String: [UInt8]] = [:]

    public init() {}

    public func write(_ path: String, _ bytes: [UInt8]) throws(FileTreeError) {
        lock.lock(); defer { lock.unlock() }
        storage[path] = bytes
    }

    public var files: [String: [UInt8]] {
        lock.lock(); defer { lock.unlock() }
        return storage
    }

    public func text(_ path: String) -> String? { files[path].map { String(decoding: $0, as: UTF8.self) } }
}

/// Refuses any path that could land outside the output, whatever sink is behind it: the paths are checked
/// before they are planned, and this is the last line should a new page type ever build one from a value.
struct CheckedSink<Base: SiteSink>: SiteSink {
    let base: Base

    func write(_ path: String, _ bytes: [UInt8]) throws(FileTreeError) {
        guard FileListing.isSafe(path) else {
            throw FileTreeError(path: FileListing.printable(path), message: "refusing to write outside the output directory")
        }
        try base.write(path, bytes)
    }
}

public struct SiteOptions: Sendable {
    /// The handbook's name; nil takes the title of the root README (or index.md).
    public var title: String?
    /// Used only where a URL must be absolute: the Atom feed and the 404 page. Pages stay relative.
    public var baseURL: String?
    /// Raw HTML in documents is dropped unless this is set (cmark-gfm's unsafe mode plus tagfilter).
    public var allowRawHTML: Bool
    public var generator: String
    /// The search index and page; nil leaves both out.
    public var search: SearchOptions?

    public init(title: String? = nil, baseURL: String? = nil, allowRawHTML: Bool = false, generator: String = "archbook",
                search: SearchOptions? = SearchOptions()) {
        self.title = title
        self.baseURL = baseURL
        self.allowRawHTML = allowRawHTML
        self.generator = generator
        self.search = search
    }
}

public struct SiteSummary: Sendable, Equatable {
    public var pages: Int
    public var files: Int
}

public enum SiteBuilder {
    /// Paths the site itself uses; a document whose page would land on one is moved under `pages/`.
    static let reservedTopLevel: Set<String> = ["index.html", "log.html", "graph.html", "actions.html", "tags.html",
                                                "search.html", "404.html", "feed.xml", ".archbook-site"]
    static let reservedFolders: Set<String> = ["kinds", "status", "tags", "assets", "search"]

    public static func build(_ check: CheckResult, tree: some FileTree, config: Config, theme: Theme,
                             options: SiteOptions, sink unchecked: some SiteSink) throws(FileTreeError) -> SiteSummary {
        let sink = CheckedSink(base: unchecked)
        let model = SiteModel(check: check, listing: try tree.listing().separatingUnsafePaths().0, config: config, options: options)
        let renderer = BodyRenderer(allowRawHTML: options.allowRawHTML)
        let prefixes = config.kinds.map(\.idPrefix).filter { !$0.isEmpty }.sorted { $0.count > $1.count }

        // Phase 1: bodies, in parallel, from the bytes check kept. Each records what it links to, for backlinks.
        let rendered = Checker.parallelMap(Array(model.docs.indices)) { i in
            model.renderBody(i, renderer: renderer, prefixes: prefixes, collectText: options.search != nil)
        }
        var backlinks = Array(repeating: [Int](), count: model.docs.count)
        for (i, body) in rendered.enumerated() {
            for r in body.references where r != i { backlinks[r].append(i) }
        }

        // Phase 2: pages, in parallel; every page is independent once bodies and backlinks exist.
        let pages = PageRenderer(model: model, theme: theme, bodies: rendered, backlinks: backlinks)
        let jobs = pages.jobs()
        let failures: [FileTreeError?] = Checker.parallelMap(jobs) { job in
            do throws(FileTreeError) {
                try sink.write(job.path, Array(pages.render(job).utf8))
                return nil
            } catch {
                return error
            }
        }
        if let failure = failures.compactMap({ $0 }).first { throw failure }

        // Phase 3: the search index, from the documents' text as the bodies were rendered.
        var copied = 0
        if let searchOptions = options.search {
            let searchDocs = model.docs.indices.map { i in
                let d = model.docs[i]
                return SearchDocument(id: d.id, title: d.title, kind: d.kind, status: d.status.flatMap { $0.value.isEmpty ? nil : $0.value },
                                      date: d.date?.iso, tags: d.tags, url: model.pagePaths[i], segments: rendered[i].segments)
            }
            var labels: [String: String] = [:]
            for k in model.kinds { labels[k.name] = pages.kindLabel(k.name) }
            for file in SearchIndex.build(searchDocs, idPrefixes: prefixes, kindLabels: labels, options: searchOptions) {
                try sink.write(file.path, file.bytes)
                copied += 1
            }
        }

        // Phase 4: theme assets and the local files documents link to.
        for (path, bytes) in theme.assets.sorted(by: { $0.key < $1.key }) {
            try sink.write(path, bytes)
            copied += 1
        }
        let files = Set(rendered.flatMap(\.files)).sorted()
        for path in files {
            try sink.write(model.filePath(path), try tree.read(path))
            copied += 1
        }
        return SiteSummary(pages: jobs.count, files: copied)
    }
}

/// Everything pages need to know about the handbook, computed once.
struct SiteModel: Sendable {
    let docs: [Document]
    let config: Config
    let options: SiteOptions
    let diagnostics: [Diagnostic]
    /// Site path of each document's page.
    let pagePaths: [String]
    let pageSet: Set<String>
    let byPath: [String: Int]
    let files: Set<String>
    let validator: HandbookValidator
    /// Resolved relations in both directions: (from, type, to), sorted.
    let relations: [(from: Int, type: RelationType, to: Int)]
    /// Kinds that have documents, in configuration order.
    let kinds: [KindSchema]
    let siteTitle: String
    /// Each document's heading anchors by their lower-cased form: GitHub matches fragments ignoring case, browsers do not.
    let anchors: [[String: String]]
    /// The root README or index.md, shown as the home page's introduction.
    let intro: Int?

    init(check: CheckResult, listing: FileListing, config: Config, options: SiteOptions) {
        docs = check.documents
        self.config = config
        self.options = options
        diagnostics = check.diagnostics
        var pagePaths: [String] = []
        var byPath: [String: Int] = [:]
        for (i, d) in docs.enumerated() {
            byPath[d.path] = i
            var page = Self.htmlPath(d.path)
            let first = page.split(separator: "/").first.map(String.init) ?? page
            if SiteBuilder.reservedTopLevel.contains(page) || (page.contains("/") && SiteBuilder.reservedFolders.contains(first)) {
                page = "pages/" + page
            }
            pagePaths.append(page)
        }
        self.pagePaths = pagePaths
        pageSet = Set(pagePaths)
        self.byPath = byPath
        files = Set(listing.files)
        validator = HandbookValidator(documents: docs, listing: listing, config: config, displayPrefix: "")
        var rels: [(Int, RelationType, Int)] = []
        var seen = Set<String>()
        for (i, d) in docs.enumerated() {
            for r in d.relations {
                guard let t = validator.target(r.target, from: i), t != i else { continue }
                for (a, type, b) in [(i, r.type, t), (t, r.type.inverse ?? .relatesTo, i)] {
                    let key = "\(a)|\(type.rawValue)|\(b)"
                    if seen.insert(key).inserted { rels.append((a, type, b)) }
                }
            }
        }
        relations = rels.sorted { ($0.0, $0.1.rawValue, $0.2) < ($1.0, $1.1.rawValue, $1.2) }
        let used = Set(docs.compactMap(\.kind))
        kinds = config.kinds.filter { used.contains($0.name) }
        anchors = docs.map { d in
            var m: [String: String] = [:]
            for s in d.sections where m[s.anchor.lowercased()] == nil { m[s.anchor.lowercased()] = s.anchor }
            return m
        }
        let intro = ["README.md", "readme.md", "Readme.md", "index.md", "_index.md"].lazy.compactMap { byPath[$0] }.first
        self.intro = intro
        let docs = self.docs
        siteTitle = options.title ?? intro.flatMap { i in docs[i].titleSource == .fileName ? nil : docs[i].title } ?? "Architecture handbook"
    }

    static func htmlPath(_ path: String) -> String {
        for ext in [".md", ".markdown", ".MD", ".Markdown"] where path.hasSuffix(ext) {
            return String(path.dropLast(ext.count)) + ".html"
        }
        return path + ".html"
    }

    /// Where a copied local file goes: its own path, unless that collides with a generated folder.
    func filePath(_ path: String) -> String {
        let first = path.split(separator: "/").first.map(String.init) ?? path
        if SiteBuilder.reservedTopLevel.contains(path) || SiteBuilder.reservedFolders.contains(first) || first == "pages"
            || first == "files" || pageSet.contains(path) {
            return "files/" + path
        }
        return path
    }

    func label(_ i: Int) -> String { docs[i].id ?? docs[i].title }

    /// What a link written in document `i` points to.
    func resolveLink(_ dest: String, from i: Int) -> LinkTarget {
        let page = pagePaths[i]
        if dest.isEmpty { return .broken(reason: "Empty link") }
        if dest.hasPrefix("#") {
            return anchored(page: "", document: i, fragment: String(dest.dropFirst()), from: i)
        }
        if HandbookValidator.isExternal(dest) {
            let lower = dest.lowercased()
            if lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("mailto:") || lower.hasPrefix("//") {
                return .external(dest)
            }
            return .unsafe
        }
        let (pathPart, fragment) = HandbookValidator.splitDestination(dest)
        let decoded = pathPart.removingPercentEncoding ?? pathPart
        guard let resolved = HandbookValidator.resolve(decoded, from: docs[i].path) else {
            return .broken(reason: "Broken link: '\(pathPart)' points outside the handbook")
        }
        let trimmed = resolved.hasSuffix("/") ? String(resolved.dropLast()) : resolved
        let suffix = fragment.map { "#" + SitePath.encodeFragment($0.removingPercentEncoding ?? $0) } ?? ""
        if let t = byPath[trimmed] {
            let href = SitePath.relative(from: page, to: pagePaths[t])
            guard let fragment else { return .page(href: href, document: t) }
            return anchored(page: href, document: t, fragment: fragment, from: i)
        }
        if files.contains(trimmed) {
            return .file(href: SitePath.relative(from: page, to: filePath(trimmed)) + suffix, path: trimmed)
        }
        // A folder: link to its README or index page when it has one.
        for index in ["README.md", "readme.md", "index.md", "_index.md"] {
            let candidate = trimmed.isEmpty ? index : trimmed + "/" + index
            if let t = byPath[candidate] { return .page(href: SitePath.relative(from: page, to: pagePaths[t]) + suffix, document: t) }
        }
        return .broken(reason: "Broken link: '\(pathPart)' does not exist")
    }

    /// A link to a heading: the anchor as the page spells it, or a link to the page's top marked broken.
    func anchored(page href: String, document t: Int, fragment raw: String, from i: Int) -> LinkTarget {
        let fragment = raw.removingPercentEncoding ?? raw
        if fragment.isEmpty { return .page(href: href.isEmpty ? "#" : href, document: t) }
        if let actual = anchors[t][fragment.lowercased()] {
            return .page(href: href + "#" + SitePath.encodeFragment(actual), document: t)
        }
        // Footnotes and similar ids come from the renderer, not from headings; keep them as written.
        if fragment.hasPrefix("fn-") || fragment.hasPrefix("fnref-") {
            return .page(href: href + "#" + SitePath.encodeFragment(fragment), document: t)
        }
        let where_ = t == i ? "this page" : docs[t].path
        return .brokenAnchor(href: href.isEmpty ? "#" : href, document: t, reason: "Broken link: no heading '#\(fragment)' in \(where_)")
    }

    func renderBody(_ i: Int, renderer: BodyRenderer, prefixes: [String], collectText: Bool = false) -> RenderedBody {
        let d = docs[i]
        var anchors: [Int: String] = [:]
        for s in d.sections { anchors[s.range.start.line] = s.anchor }
        let drop = d.titleSource == .heading ? d.titlePosition.line : nil
        return renderer.render(body: d.body, lineOffset: d.bodyLineOffset, anchors: anchors, dropLine: drop,
                               resolve: { resolveLink($0, from: i) },
                               mention: { prefix, number in
                                   for k in config.kinds where k.idPrefix == prefix {
                                       if let hits = validator.byID[k.canonicalID(number: number).uppercased()], hits.count == 1, hits[0] != i {
                                           return (SitePath.relative(from: pagePaths[i], to: pagePaths[hits[0]]), hits[0])
                                       }
                                   }
                                   return nil
                               },
                               idPrefixes: prefixes, collectText: collectText)
    }
}
