// The build pipeline after `check`: plan page paths, render bodies (in parallel), link them, render pages through the theme.

import Foundation

/// Where a build puts its files. The core never touches the disk; the CLI's sink writes a temporary directory.
public protocol SiteSink: Sendable {
    /// Called from several threads at once, each time with a different path.
    func write(_ path: String, _ bytes: [UInt8]) throws(FileTreeError)
    /// Puts the previous build's file at `path` (of `size` bytes) into this one, for an incremental build;
    /// false when it has none (or it is not that size any more), and the file is then made anew.
    func reuse(_ path: String, size: Int) -> Bool
}

extension SiteSink {
    public func reuse(_ path: String, size: Int) -> Bool { false }
}

/// A sink that keeps the site in memory, for tests.
public final class InMemorySite: SiteSink, @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String: [UInt8]] = [:]
    /// The previous build's files, for incremental builds.
    private let previous: [String: [UInt8]]
    public private(set) var reused: [String] = []

    public init(previous: [String: [UInt8]] = [:]) {
        self.previous = previous
    }

    public func reuse(_ path: String, size: Int) -> Bool {
        guard let bytes = previous[path], bytes.count == size else { return false }
        lock.lock(); defer { lock.unlock() }
        storage[path] = bytes
        reused.append(path)
        return true
    }

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

    func reuse(_ path: String, size: Int) -> Bool {
        FileListing.isSafe(path) && base.reuse(path, size: size)
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
    /// The configuration as the user wrote it (or as detected): part of what every page is made from.
    public var configText: String

    public init(title: String? = nil, baseURL: String? = nil, allowRawHTML: Bool = false, generator: String = "archbook",
                search: SearchOptions? = SearchOptions(), configText: String = "") {
        self.title = title
        self.baseURL = baseURL
        self.allowRawHTML = allowRawHTML
        self.generator = generator
        self.search = search
        self.configText = configText
    }
}

public struct SiteSummary: Sendable, Equatable {
    public var pages: Int
    public var files: Int
    /// Pages taken from the previous build because nothing they show changed.
    public var reusedPages: Int
    /// What the next build needs to reuse this one's files.
    public var manifest: BuildManifest
    /// Bodies rendered (or reused) in this build, for the next one, when it was given an in-memory `BodyCache`.
    public var bodies: BodyMemo?
    /// Bodies taken from the memo given to this build instead of being rendered.
    public var reusedBodies: Int = 0
    /// What the search index was made from, for the next build (with a body cache and search on).
    public var search: SearchState?

    public static func == (a: SiteSummary, b: SiteSummary) -> Bool {
        a.pages == b.pages && a.files == b.files && a.reusedPages == b.reusedPages && a.manifest == b.manifest
            && a.bodies === b.bodies && a.reusedBodies == b.reusedBodies && a.search === b.search
    }
}

/// Where a build finds the bodies an earlier build rendered, and keeps its own.
public enum BodyCache: Sendable {
    /// In memory, for a long-running process (archbook serve): the summary carries the memo for the next build.
    case memory(BodyMemo?)
    /// On disk, one file per document (archbook build): read before rendering, written when rendered. Without
    /// `reads`, every body is rendered and stored (`--no-cache`).
    case store(any BodyStore, reads: Bool)
}

public enum SiteBuilder {
    /// Paths the site itself uses; a document whose page would land on one is moved under `pages/`.
    static let reservedTopLevel: Set<String> = ["index.html", "log.html", "graph.html", "actions.html", "tags.html",
                                                "search.html", "404.html", "feed.xml", ".archbook-site"]
    static let reservedFolders: Set<String> = ["kinds", "status", "tags", "assets", "search"]

    /// How the check before a build prepares the bodies it parses (`Checker.check(preparing:)`): as this build renders them.
    public static func bodyPreparation(config: Config, options: SiteOptions) -> BodyPreparation {
        BodyPreparation(renderer: BodyRenderer(allowRawHTML: options.allowRawHTML),
                        idPrefixes: config.kinds.map(\.idPrefix).filter { !$0.isEmpty }.sorted { $0.count > $1.count },
                        collectText: options.search != nil)
    }

    /// `previous`: the manifest the last build into the same output left; its pages whose inputs are unchanged
    /// are taken from the sink's previous site instead of being rendered. `bodies`: where the bodies of an earlier
    /// build are and this build's go (see `BodyCache`); bodies whose inputs are unchanged are taken from there.
    /// `search`: what the last build's search index was made from (`SiteSummary.search`), so that only the terms of
    /// the documents changed since are scored again. `searchMade`: called, before the pages are made, with what this
    /// build's search index was made from (nil without search), so that a caller can save it while they are; the
    /// summary then leaves it out.
    public static func build(_ check: CheckResult, tree: some FileTree, config: Config, theme: Theme,
                             options: SiteOptions, sink unchecked: some SiteSink, previous: BuildManifest? = nil,
                             bodies cache: BodyCache? = nil, search earlier: SearchState? = nil,
                             searchMade: ((SearchState?) -> Void)? = nil) throws(FileTreeError) -> SiteSummary {
        // The check's listing, which its lookups were made from; listed again only for a result that has none.
        let listing: FileListing
        if let known = check.lookups?.listing { listing = known } else { listing = try tree.listing().separatingUnsafePaths().0 }
        let maxBytes = config.limits.maxFileBytes
        let model = SiteModel(check: check, listing: listing, config: config, options: options,
                              sources: SourceFiles { try? tree.read($0, maxBytes: maxBytes) })
        let preparation = bodyPreparation(config: config, options: options)
        let renderer = preparation.renderer
        let prefixes = preparation.idPrefixes
        let buildKey = Self.buildKey(options: options, theme: theme)
        let sink = RecordingSink(CheckedSink(base: unchecked), previous: previous?.buildKey == buildKey ? previous : nil)

        // Phase 1: bodies, in parallel, from the bytes check kept. Each records what it links to, for backlinks.
        let bodyKey = BodyMemo.key(options: options, prefixes: prefixes)
        // When every link and ID would resolve as it did for the cached bodies, their recorded answers stand: an
        // edit that moves no heading, path or ID is not followed by asking each body's links again.
        let world = model.linkWorld()
        let sameWorld: Bool
        switch cache {
        case .memory(let memo): sameWorld = memo?.world == world
        case .store(let store, let reads):
            sameWorld = reads && store.read(BodyMemo.worldKey).flatMap { BodyMemo.decodeWorld($0, key: bodyKey) } == world
        case nil: sameWorld = false
        }
        var results = Checker.parallelMap(Array(model.docs.indices)) { i in
            model.renderBody(i, renderer: renderer, prefixes: prefixes, collectText: options.search != nil,
                             cache: cache, key: bodyKey, sameWorld: sameWorld)
        }
        // Every body the store now holds for this build was rendered, or checked, against this world.
        if !sameWorld, case .store(let store, _) = cache { store.write(BodyMemo.worldKey, BodyMemo.encodeWorld(world, key: bodyKey)) }
        if let failure = model.sources.failure { throw failure }
        var rendered = results.map(\.body)
        let reusedBodies = results.count(where: \.reused)
        // Bodies leave their HTML and search text in the store until a page, the index or a fragment needs them: an
        // edit reads a handful of them, not the whole handbook's, and a full build does not hold them all at once.
        let storedSegments: (@Sendable (Int) -> [SearchSegment])?
        var storedHTML: (@Sendable (Int) -> String)?
        if case .store(let store, _) = cache {
            let seals = rendered.map(\.textSeal)
            storedSegments = { i in
                guard let seal = seals[i] else { return [] }
                return model.storedSegments(i, seal: seal, store: store, key: bodyKey, renderer: renderer, prefixes: prefixes)
            }
            storedHTML = { i in
                guard let seal = seals[i] else { return "" }
                return model.storedHTML(i, seal: seal, store: store, key: bodyKey, renderer: renderer, prefixes: prefixes)
            }
        } else {
            storedSegments = nil
        }
        var backlinks = Array(repeating: [Int](), count: model.docs.count)
        for (i, body) in rendered.enumerated() {
            for r in body.references where r != i { backlinks[r].append(i) }
        }

        var copied = 0
        var searchState: SearchState?
        // Phase 2: the search index, from the documents' text as the bodies were rendered. Before the pages, so
        // that text is released before page rendering adds its own memory.
        if let searchOptions = options.search {
            let bodies = rendered
            let reused = results.map(\.reused)
            let searchDocs = Checker.parallelMap(Array(model.docs.indices)) { i in
                let d = model.docs[i]
                let body = bodies[i]
                var doc = SearchDocument(id: d.id, title: d.title, kind: d.kind, status: d.status.flatMap { $0.value.isEmpty ? nil : $0.value },
                                         date: d.date?.iso, tags: d.tags, url: model.pagePaths[i], segments: body.segments,
                                         terms: body.terms)
                doc.segmentsHash = body.segmentsHash
                if body.textSeal != nil {
                    // A body in the store: its segments wait there to be counted or shown in a fragment, and the terms
                    // an earlier build counted for it (if any) for a count of every posting (`SearchIndex.Fragments`).
                    doc.segmentsStored = true
                    doc.termsStored = reused[i] && body.terms == nil
                }
                return doc
            }
            for i in rendered.indices { rendered[i].segments = []; rendered[i].terms = nil }
            var labels: [String: String] = [:]
            for k in model.kinds { labels[k.name] = PageRenderer.kindLabel(k.name) }
            // The terms the index counts are kept with the bodies for the next build: on disk as they are counted,
            // beside the entry stored in phase 1 (holding them all would add to the build's peak memory).
            let counted: (@Sendable (Int, SearchTerms) -> Void)?
            var inMemory: TermsBox?
            var fragments = SearchIndex.Fragments(
                reuse: { path, inputs in sink.reusePage(path, inputs: inputs, isPage: false) },
                write: { path, bytes, inputs throws(FileTreeError) in try sink.write(path, bytes, inputs: inputs) },
                segments: { i in storedSegments?(i) ?? [] })
            switch cache {
            case .store(let store, _):
                // Terms are stored beside, and named by the seal of, the entry of the body they were counted in.
                let sealed = results.map(\.sealed)
                counted = { i, terms in
                    guard let entry = sealed[i] else { return }
                    let path = model.docs[i].path
                    store.write(BodyMemo.termsKey(path), BodyMemo.encodeTerms(terms, path: path, key: bodyKey, entry: entry))
                }
                fragments.terms = { i in
                    guard let entry = sealed[i] else { return nil }
                    let path = model.docs[i].path
                    return store.read(BodyMemo.termsKey(path)).flatMap { BodyMemo.decodeTerms($0, path: path, key: bodyKey, entry: entry) }
                }
            case .memory:
                let box = TermsBox()
                inMemory = box
                counted = { i, terms in box.add(i, terms) }
            case nil: counted = nil
            }
            let written = try SearchIndex.write(searchDocs, idPrefixes: prefixes, kindLabels: labels, options: searchOptions,
                                                to: sink, counted: counted, fragments: fragments, previous: earlier,
                                                keepsState: cache != nil)
            copied += written.files
            searchState = written.state
            for (i, terms) in inMemory?.all ?? [] where results[i].entry != nil { results[i].entry!.terms = terms }
        }
        if let searchMade {
            searchMade(searchState)
            // The caller has it: not held through the pages, whose memory is the build's peak.
            searchState = nil
        }
        // For the next build in this process: every body's entry, with the terms the index counted.
        var kept: BodyMemo?
        if case .memory = cache {
            var entries: [String: BodyMemo.Entry] = [:]
            for (d, r) in zip(model.docs, results) { entries[d.path] = r.entry }
            kept = BodyMemo(key: bodyKey, entries: entries, world: world)
        }

        // Phase 3: pages, in parallel; every page is independent once bodies and backlinks exist. A page whose
        // inputs are those of the previous build's page is taken from it.
        let pages = PageRenderer(model: model, theme: theme, bodies: rendered, backlinks: backlinks, storedHTML: storedHTML)
        let keys = PageKeys(pages: pages, buildKey: buildKey)
        let jobs = pages.jobs()
        let failures: [FileTreeError?] = Checker.parallelMap(jobs) { job in
            do throws(FileTreeError) {
                let inputs = keys.key(job)
                if sink.reusePage(job.path, inputs: inputs) { return nil }
                try sink.write(job.path, pages.render(job), inputs: inputs)
                return nil
            } catch {
                return error
            }
        }
        if let failure = failures.compactMap({ $0 }).first { throw failure }
        if let failure = model.sources.failure { throw failure }

        // Phase 4: theme assets and the local files documents link to.
        for (path, bytes) in theme.assets.sorted(by: { $0.key < $1.key }) {
            try sink.write(path, bytes)
            copied += 1
        }
        // Only files the check published reach here (links to others render broken). Each is read again within the
        // limit and checked again, so a file changed since the check is not copied unchecked.
        let files = Set(rendered.flatMap(\.files)).sorted()
        var total = 0
        for path in files {
            let bytes = try tree.read(path, maxBytes: config.limits.maxAssetBytes)
            total += bytes.count
            guard LinkedFiles.mayCopy(path, bytes, config: config), total <= config.limits.maxTotalAssetBytes else {
                throw FileTreeError(path: path, message: "changed while the site was built (it is now over a limit or has active content); build again")
            }
            try sink.write(model.filePath(path), bytes)
            copied += 1
        }
        return SiteSummary(pages: jobs.count, files: copied, reusedPages: sink.reusedPages,
                           manifest: BuildManifest(buildKey: buildKey, files: sink.manifestFiles), bodies: kept,
                           reusedBodies: reusedBodies, search: searchState)
    }

    /// Everything that changes every page: archbook's version, the configuration, the theme and the options.
    static func buildKey(options: SiteOptions, theme: Theme) -> UInt64 {
        var h = StableHash()
        h.add(options.generator)
        h.add(options.configText)
        h.add(Int(truncatingIfNeeded: theme.fingerprint))
        h.add(options.title)
        h.add(options.baseURL)
        h.add(options.allowRawHTML)
        h.add(options.search.map { "\($0.splitBytes) \($0.shardBytes)" })
        return h.value == 0 ? 1 : h.value
    }
}

/// What each page is made from, as one hash. A document page shows its own document and body, its
/// problems, and the title, ID, status, kind, dates and place of every document it links to, is linked
/// from or is related to; the other pages list every document. Anything else a page shows is in the build key.
struct PageKeys: Sendable {
    let buildKey: UInt64
    /// Per document: what other pages show of it.
    let summaries: [UInt64]
    /// Per document: its own page's inputs.
    let documents: [UInt64]
    /// The index, log, graph, tag and status pages, the feed, and the pages that show only the build key.
    let lists: UInt64

    init(pages: PageRenderer, buildKey: UInt64) {
        self.buildKey = buildKey
        let model = pages.model
        let docs = model.docs
        let summaries: [UInt64] = Checker.parallelMap(Array(docs.indices)) { i in
            let d = docs[i]
            var h = StableHash()
            h.add(d.path); h.add(model.pagePaths[i]); h.add(d.id); h.add(d.title); h.add(d.kind)
            h.add(d.status?.value); h.add(d.status?.note)
            for (name, date) in d.dates.sorted(by: { $0.key < $1.key }) { h.add(name); h.add(date.iso) }
            h.add(d.tags.count); for t in d.tags { h.add(t) }
            return h.value
        }
        self.summaries = summaries
        // What every page's header and navigation show.
        var chrome = StableHash()
        chrome.add(Int(truncatingIfNeeded: buildKey))
        chrome.add(model.siteTitle)
        for k in model.kinds { chrome.add(k.name) }
        let chromeKey = Int(truncatingIfNeeded: chrome.value)
        let problems = pages.problems
        documents = Checker.parallelMap(Array(docs.indices)) { i in
            let d = docs[i]
            var h = StableHash()
            h.add(chromeKey)
            h.add(Int(truncatingIfNeeded: summaries[i]))
            h.add(Int(truncatingIfNeeded: pages.bodies[i].htmlHash))
            h.add(d.titleSource.rawValue); h.add(d.titlePosition.line)
            for names in [d.people.authors, d.people.deciders, d.people.owners, d.people.consulted, d.people.informed] {
                h.add(names.count); for n in names { h.add(n) }
            }
            h.add(d.relations.count)
            for r in d.relations { h.add(r.type.rawValue); h.add(r.target); h.add(model.validator.target(r.target, from: i) ?? -1) }
            h.add(d.sections.count)
            for s in d.sections { h.add(s.title); h.add(s.anchor); h.add(s.level); h.add(s.range.start.line); h.add(s.parent ?? -1) }
            h.add(d.tasks.count)
            for t in d.tasks { h.add(t.checked); h.add(t.section ?? -1) }
            for p in problems[d.path] ?? [] { h.add(p.severity.rawValue); h.add(p.position.line); h.add(p.message); h.add(p.rule) }
            // The documents it shows, in the order the page shows them (indices move when documents come and go).
            func neighbour(_ j: Int) { h.add(Int(truncatingIfNeeded: summaries[j])) }
            h.add(pages.relationsFrom[i].count)
            for r in pages.relationsFrom[i] { h.add(r.type.rawValue); neighbour(r.to) }
            h.add(pages.forwardTouching[i].count)
            for k in pages.forwardTouching[i] { let f = pages.forward[k]; h.add(f.type.rawValue); neighbour(f.from); neighbour(f.to) }
            h.add(pages.bodies[i].references.count); for r in pages.bodies[i].references { neighbour(r) }
            h.add(pages.backlinks[i].count); for b in pages.backlinks[i] { neighbour(b) }
            return h.value == 0 ? 1 : h.value
        }
        // What the list pages show of each document, hashed on every core, then combined in order.
        let listed: [UInt64] = Checker.parallelMap(Array(docs.indices)) { i in
            let d = docs[i]
            var h = StableHash()
            h.add(Int(truncatingIfNeeded: summaries[i]))
            // What its body links to or mentions: the relation graph draws those edges.
            h.add(pages.bodies[i].references.count)
            for r in pages.bodies[i].references { h.add(Int(truncatingIfNeeded: summaries[r])) }
            for names in [d.people.authors, d.people.deciders, d.people.owners] { h.add(names.count); for n in names { h.add(n) } }
            h.add(d.tasks.count)
            for t in d.tasks {
                h.add(t.checked); h.add(t.text); h.add(t.position.line)
                h.add(t.section.map { d.sections[$0].title }); h.add(t.section.map { d.sections[$0].anchor })
            }
            return h.value
        }
        var h = StableHash()
        h.add(chromeKey)
        h.add(docs.count)
        for v in listed { h.add(Int(truncatingIfNeeded: v)) }
        for r in pages.forward { h.add(Int(truncatingIfNeeded: summaries[r.from])); h.add(r.type.rawValue); h.add(Int(truncatingIfNeeded: summaries[r.to])) }
        if let intro = model.intro { h.add(Int(truncatingIfNeeded: pages.bodies[intro].htmlHash)) }
        for d in model.diagnostics { h.add(d.severity.rawValue); h.add(d.file) }
        lists = h.value == 0 ? 1 : h.value
    }

    func key(_ job: PageJob) -> UInt64 {
        if case .document(let i) = job.kind { return documents[i] }
        var h = StableHash()
        h.add(Int(truncatingIfNeeded: lists))
        h.add(job.path)
        return h.value == 0 ? 1 : h.value
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
    /// Which of the files documents link to the check allowed to publish.
    let linkedFiles: LinkedFiles
    let validator: HandbookValidator
    /// The bodies the check prepared, taken as they are finished.
    let prepared: PreparedBodies?
    /// Resolved relations in both directions: (from, type, to), sorted.
    let relations: [(from: Int, type: RelationType, to: Int)]
    /// Kinds that have documents, in configuration order.
    let kinds: [KindSchema]
    let siteTitle: String
    /// The root README or index.md, shown as the home page's introduction.
    let intro: Int?
    /// The docs tree, for bodies the check left unread.
    let sources: SourceFiles

    init(check: CheckResult, listing: FileListing, config: Config, options: SiteOptions, sources: SourceFiles = SourceFiles()) {
        self.sources = sources
        docs = check.documents
        self.config = config
        self.options = options
        diagnostics = check.diagnostics
        // Per document work on every core, fields read in place (a copied Document retains each of its fields);
        // only the table inserts are serial.
        let docs = docs
        let pagePaths: [String] = Checker.parallelMap(Array(docs.indices)) { i in
            let page = Self.htmlPath(docs[i].path)
            if let slash = page.utf8.firstIndex(of: UInt8(ascii: "/")) {
                return SiteBuilder.reservedFolders.contains(String(page[..<slash])) ? "pages/" + page : page
            }
            return SiteBuilder.reservedTopLevel.contains(page) ? "pages/" + page : page
        }
        var byPath: [String: Int] = [:]
        byPath.reserveCapacity(docs.count)
        for i in docs.indices { byPath[docs[i].path] = i }
        self.pagePaths = pagePaths
        pageSet = Set(pagePaths)
        self.byPath = byPath
        linkedFiles = check.linkedFiles
        prepared = check.preparedBodies
        if let known = check.lookups, known.describes(docs, listing: listing, config: config) {
            validator = known
        } else {
            validator = HandbookValidator(documents: docs, listing: listing, config: config, displayPrefix: "", anchors: false)
        }
        files = validator.files
        var rels: [(Int, RelationType, Int)] = []
        var seen = Set<RelationKey>()
        let types = RelationType.allCases
        for i in docs.indices {
            for r in docs[i].relations {
                guard let t = validator.target(r.target, from: i), t != i else { continue }
                for (a, type, b) in [(i, r.type, t), (t, r.type.inverse ?? .relatesTo, i)] {
                    if seen.insert(RelationKey(from: a, type: types.firstIndex(of: type)!, to: b)).inserted { rels.append((a, type, b)) }
                }
            }
        }
        relations = rels.sorted { ($0.0, $0.1.rawValue, $0.2) < ($1.0, $1.1.rawValue, $1.2) }
        let used = Set(docs.compactMap(\.kind))
        kinds = config.kinds.filter { used.contains($0.name) }
        let intro = ["README.md", "readme.md", "Readme.md", "index.md", "_index.md"].lazy.compactMap { byPath[$0] }.first
        self.intro = intro
        siteTitle = options.title ?? intro.flatMap { i in docs[i].titleSource == .fileName ? nil : docs[i].title } ?? "Architecture handbook"
    }

    private struct RelationKey: Hashable {
        var from: Int
        var type: Int
        var to: Int
    }

    /// The body of document `i`, which the check left unread (`SourceFile.unread`), read from its file; nil when the
    /// file is no longer the one the document was extracted from (it changed while the site was being built).
    func unreadBody(_ i: Int) -> ArraySlice<UInt8>? {
        guard let s = docs[i].source, let bytes = sources.read(docs[i].path), bytes.count == s.size, s.start <= bytes.count,
              StableHash.of(bytes) == s.hash else { return nil }
        return bytes[s.start...]
    }

    /// Document `t`'s heading anchor whose lower-cased form is `folded`, as its page spells it (the first such
    /// heading's): GitHub matches fragments ignoring case, browsers do not. Looked up when a link asks, which few do.
    func anchor(_ t: Int, folded: String) -> String? {
        for s in docs[t].sections where s.anchor.lowercased() == folded { return s.anchor }
        return nil
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
        let decoded = pathPart.percentDecoded
        guard let resolved = HandbookValidator.resolve(decoded, from: docs[i].path) else {
            return .broken(reason: "Broken link: '\(pathPart)' points outside the handbook")
        }
        let trimmed = resolved.hasSuffix("/") ? String(resolved.dropLast()) : resolved
        let suffix = fragment.map { "#" + SitePath.encodeFragment($0.percentDecoded) } ?? ""
        if let t = byPath[trimmed] {
            let href = SitePath.relative(from: page, to: pagePaths[t])
            guard let fragment else { return .page(href: href, document: t) }
            return anchored(page: href, document: t, fragment: fragment, from: i)
        }
        if files.contains(trimmed) {
            guard linkedFiles.published.contains(trimmed) else {
                return .broken(reason: "Not published: '\(pathPart)' \(linkedFiles.refused[trimmed] ?? "was not checked")")
            }
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
        let fragment = raw.percentDecoded
        if fragment.isEmpty { return .page(href: href.isEmpty ? "#" : href, document: t) }
        if let actual = anchor(t, folded: fragment.lowercased()) {
            return .page(href: href + "#" + SitePath.encodeFragment(actual), document: t)
        }
        // Footnotes and similar ids come from the renderer, not from headings; keep them as written.
        if fragment.hasPrefix("fn-") || fragment.hasPrefix("fnref-") {
            return .page(href: href + "#" + SitePath.encodeFragment(fragment), document: t)
        }
        let where_ = t == i ? "this page" : docs[t].path
        return .brokenAnchor(href: href.isEmpty ? "#" : href, document: t, reason: "Broken link: no heading '#\(fragment)' in \(where_)")
    }

    /// Which page an ID written in document `i`'s prose names (`prefix` and `number` as the renderer read them).
    func mention(_ prefix: String, _ number: Int, from i: Int) -> (href: String, document: Int)? {
        for k in config.kinds where k.idPrefix == prefix {
            if let hits = validator.byID[k.canonicalID(number: number).uppercased()], hits.count == 1, hits[0] != i {
                return (SitePath.relative(from: pagePaths[i], to: pagePaths[hits[0]]), hits[0])
            }
        }
        return nil
    }

    /// Everything a link or an ID in a body is resolved against, as one hash: the configuration (ID formats), every
    /// document's path, page, ID and heading anchors, the files of the tree and which of them are published.
    func linkWorld() -> UInt64 {
        let perDocument: [UInt64] = Checker.parallelMap(Array(docs.indices)) { i in
            var h = StableHash()
            h.add(docs[i].path); h.add(pagePaths[i]); h.add(docs[i].id)
            // The anchors in page order, which decide what each lower-cased fragment finds (`anchor(_:folded:)`).
            let sections = docs[i].sections
            h.add(sections.count)
            for s in sections { h.add(s.anchor) }
            return h.value
        }
        var h = StableHash()
        h.add(options.configText)
        h.add(perDocument.count)
        for v in perDocument { h.add(Int(truncatingIfNeeded: v)) }
        h.add(files.count)
        for f in files.sorted() { h.add(f) }
        h.add(linkedFiles.published.count)
        for f in linkedFiles.published.sorted() { h.add(f) }
        h.add(linkedFiles.refused.count)
        for (f, why) in linkedFiles.refused.sorted(by: { $0.key < $1.key }) { h.add(f); h.add(why) }
        return h.value
    }

    /// The search text of a body in the store (`RenderedBody.textSeal`), read from `store`; should that entry be gone
    /// or damaged, the body is rendered again (from the same inputs, so to the same bytes).
    func storedSegments(_ i: Int, seal: UInt64, store: any BodyStore, key: UInt64, renderer: BodyRenderer, prefixes: [String]) -> [SearchSegment] {
        let path = docs[i].path
        if let bytes = store.read(BodyMemo.textKey(path)),
           let segments = BodyMemo.decodeSegments(bytes, path: path, key: key, seal: seal) {
            return segments
        }
        return renderBody(i, renderer: renderer, prefixes: prefixes, collectText: true).body.segments
    }

    /// The HTML of a body in the store, for a page; rendered again as `storedSegments` is.
    func storedHTML(_ i: Int, seal: UInt64, store: any BodyStore, key: UInt64, renderer: BodyRenderer, prefixes: [String]) -> String {
        let path = docs[i].path
        if let bytes = store.read(BodyMemo.textKey(path)), let html = BodyMemo.decodeHTML(bytes, path: path, key: key, seal: seal) {
            return html
        }
        return renderBody(i, renderer: renderer, prefixes: prefixes).body.html
    }

    /// Document `i`'s body: from `cache` when nothing it was made from changed, else rendered (and then stored
    /// there). For an in-memory cache, also the entry the next build's memo keeps.
    func renderBody(_ i: Int, renderer: BodyRenderer, prefixes: [String], collectText: Bool = false,
                    cache: BodyCache? = nil, key: UInt64 = 0, sameWorld: Bool = false)
        -> (body: RenderedBody, entry: BodyMemo.Entry?, reused: Bool, sealed: UInt64?) {
        let d = docs[i]
        // Taken whether or not it is used, so its memory goes now.
        let prepared = self.prepared?.take(i)
        let inputs = BodyPreparation(renderer: renderer, idPrefixes: prefixes, collectText: collectText).inputs(for: d)
        let anchors = inputs.anchors
        let drop = inputs.dropLine
        var earlier: BodyMemo.Entry?
        var sealed: UInt64?
        switch cache {
        case .memory(let memo): earlier = memo?.key == key ? memo?.entries[d.path] : nil
        case .store(let store, let reads):
            if reads, let bytes = store.read(d.path) {
                earlier = BodyMemo.decode(bytes, path: d.path, key: key, answers: !sameWorld)
                sealed = BodyMemo.seal(of: bytes)
            }
        case nil: earlier = nil
        }
        if let earlier, let (remembered, entry) = remembered(i, earlier, anchors: anchors, dropLine: drop, collectText: collectText,
                                                                    sameWorld: sameWorld) {
            if case .memory = cache { return (remembered, entry, true, nil) }
            // The terms counted for it stay in the store too: only a full count of the index reads them.
            return (remembered, nil, true, sealed)
        }
        let recording = cache != nil
        var links: [BodyMemo.Link] = []
        var mentions: [BodyMemo.Mention] = []
        let resolving = { (destination: String) -> LinkTarget in
            let target = resolveLink(destination, from: i)
            if recording { links.append(BodyMemo.Link(destination: destination, answer: answer(target))) }
            return target
        }
        let mentioning = { (prefix: String, number: Int) -> (href: String, document: Int)? in
            let hit = mention(prefix, number, from: i)
            if recording { mentions.append(answer(prefix, number, hit)) }
            return hit
        }
        let body: RenderedBody
        // The Markdown: the check's, or for a body it left unread, its file's as the check knew it.
        var markdown = d.body
        if d.source?.unread == true {
            if let read = unreadBody(i) { markdown = read } else { sources.changed(d.path) }
        }
        if let prepared, prepared.inputs == inputs {
            body = renderer.finish(prepared, resolve: resolving, mention: mentioning)
        } else {
            body = renderer.render(body: markdown, lineOffset: d.bodyLineOffset, anchors: anchors, dropLine: drop, resolve: resolving,
                                   mention: mentioning, idPrefixes: prefixes, collectText: collectText)
        }
        var hashed = body
        hashed.htmlHash = RenderedBody.hash(of: body.html)
        guard recording else { return (hashed, nil, false, nil) }
        let segmentsHash = RenderedBody.hash(of: body.segments)
        if collectText { hashed.segmentsHash = segmentsHash }
        let entry = BodyMemo.Entry(body: markdown, bodyHash: d.bodyIdentity, page: pagePaths[i], lineOffset: d.bodyLineOffset,
                                   anchors: anchors, dropLine: drop,
                                   links: links, mentions: mentions, html: body.html, references: body.references.map { docs[$0].path },
                                   referenceIndices: body.references,
                                   files: body.files, segments: body.segments, htmlHash: hashed.htmlHash, segmentsHash: segmentsHash)
        if case .store(let store, _) = cache {
            let (head, text) = BodyMemo.encode(entry, path: d.path, key: key)
            store.write(BodyMemo.textKey(d.path), text)
            store.write(d.path, head)
            // The HTML waits in the store for its page, and the search text for the index, as a kept body's do:
            // holding every new body's HTML until the pages are made was 50 MB of a 10,000-document build's peak of
            // 490 MB, and its search text, held until the index was made, 61 MB of a peak of 488 MB.
            hashed.html = ""
            hashed.segments = []
            hashed.textSeal = BodyMemo.seal(of: text)
            return (hashed, nil, false, BodyMemo.seal(of: head))
        }
        return (hashed, entry, false, nil)
    }
}

/// Where a build reads the bodies the check left unread (`SourceFile.unread`), and which of those files had changed
/// by then: the build then fails rather than show a body with another version's metadata.
final class SourceFiles: @unchecked Sendable {
    let read: @Sendable (String) -> [UInt8]?
    private let lock = NSLock()
    private var paths: Set<String> = []

    init(read: @escaping @Sendable (String) -> [UInt8]? = { _ in nil }) {
        self.read = read
    }

    func changed(_ path: String) {
        lock.lock(); defer { lock.unlock() }
        paths.insert(path)
    }

    /// A failure naming the first file (in path order) that changed during the build, if any did.
    var failure: FileTreeError? {
        lock.lock(); defer { lock.unlock() }
        return paths.min().map {
            FileTreeError(path: $0, message: "changed while the site was being built; nothing was replaced, build again")
        }
    }
}

/// Terms counted on several threads, for a memo kept in memory.
final class TermsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [(Int, SearchTerms)] = []

    func add(_ i: Int, _ terms: SearchTerms) {
        lock.lock(); defer { lock.unlock() }
        items.append((i, terms))
    }

    var all: [(Int, SearchTerms)] {
        lock.lock(); defer { lock.unlock() }
        return items
    }
}
