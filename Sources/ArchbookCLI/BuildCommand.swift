// `archbook build`: validate, then render the handbook as a static site written atomically into the output folder.

import ArchbookCore
import ArgumentParser
import Dispatch
#if canImport(Glibc)
import Glibc
import Synchronization
#endif

struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Render the handbook as a static, cross-linked HTML site.",
        discussion: """
        DIR defaults to ./content when it exists, else the current directory. The site goes to --output, by default \
        _site beside DIR (or ./_site when DIR is the current directory). It is written to a temporary folder and \
        swapped in when complete; a non-empty folder that archbook did not write is never replaced (unless --force).
        The configuration is DIR/archbook.yml unless --config names another file; without either, it is detected from \
        the documents as by `archbook check` (see --explain).
        Diagnostics are printed as by `archbook check`. Exit codes: 0 built without errors, 1 built but the documents \
        have errors (with --strict: not built, errors or warnings), 2 usage, configuration, theme or output error.
        """
    )

    @Argument(help: "The docs tree to build.", completion: .directory)
    var directory: String?

    @Option(name: .shortAndLong, help: "Output folder (default: _site beside DIR).", completion: .directory)
    var output: String?

    @Option(help: "Configuration file (default: DIR/archbook.yml if present).", completion: .file())
    var config: String?

    @Option(help: "A theme folder whose templates/ and assets/ override the default theme's files.", completion: .directory)
    var theme: String?

    @Option(help: "Absolute URL the site is published at (used by the Atom feed and the 404 page).")
    var baseURL: String?

    @Option(help: "Diagnostics format: text, json, github or sarif.")
    var format: ReportFormat = .text

    @Flag(help: "Do not build when there are errors or warnings; the previous site stays as it was.")
    var strict = false

    @Flag(help: "Replace the output folder even if archbook did not create it.")
    var force = false

    @Flag(help: "Follow symbolic links to files outside the docs tree (off by default: see SECURITY.md).")
    var followSymlinks = false

    @Flag(help: "Render every page, without reusing unchanged pages of the previous build (the cache is then written anew).")
    var noCache = false

    @Flag(help: "Text format: one line per problem, no source excerpts or hints.")
    var quiet = false

    @Flag(help: "Print the resolved configuration (per kind: preset and why, folders, required sections, statuses) to standard error.")
    var explain = false

    func run() throws {
        if let baseURL, !Config.isWebURL(baseURL) {
            throw ValidationError("--base-url must be an absolute http or https URL, such as https://handbook.example.com/")
        }
        var setup = try Workspace.open(directory: directory, config: config, followSymlinks: followSymlinks)
        let docsRoot = DiskSite.absolute(setup.root)
        let outputPath = output ?? defaultOutput(for: setup.root)
        let target = DiskSite.absolute(outputPath)
        if DiskSite.isInside(docsRoot, target) {
            throw RunFailure(message: "output '\(outputPath)' contains the docs tree '\(setup.root)'; choose a separate folder such as _site")
        }
        if case .foreign(let why) = DiskSite.state(of: target), !force {
            throw RunFailure(message: "will not replace '\(outputPath)': \(why). Choose another --output or pass --force")
        }
        let themeLayers = try loadTheme(setup)
        try createParents(of: target, display: outputPath)
        let lock: SiteLock
        do {
            guard let acquired = try SiteLock.acquire(for: target) else {
                throw RunFailure(message: "another archbook build is writing '\(outputPath)' right now (it holds \(DiskSite.parent(of: outputPath))/.\(DiskSite.name(of: target)).archbook-lock); nothing was changed. Run again when it has finished")
            }
            lock = acquired
        } catch let error as FileTreeError {
            throw RunFailure(message: "cannot lock '\(outputPath)' against other builds: \(error.description)")
        }
        defer { lock.release() }

        var tree = setup.tree
        // The output may sit inside the docs tree (./_site when DIR is .); never read it back as input.
        if DiskSite.isInside(target, docsRoot) {
            tree = DiskFileTree(root: setup.root, excluding: String(target.dropFirst(docsRoot.count + 1)),
                                followsLinksOutside: followSymlinks)
        }
        var cache = BuildCache(target: target)
        var trusted = !noCache
        if let tracked = cache.trackedByGit(site: target) {
            Output.err("archbook: warning: not using the build cache, because git tracks '\(tracked)': a cache or site that came with the repository (a pull request can commit one) could put any HTML into the site. Every page is rendered; remove it from git (git rm -r --cached) to build incrementally again\n")
            trusted = false
            cache.usable = false
        }
        // Cache files written while the build goes on (each through a temporary file renamed over the old one), all
        // finished before the lock is released or the process exits, so a build never leaves one half-written.
        let background = DispatchGroup()
        defer { background.wait() }
        // What the last build's search index was made from, read while the documents are checked; what it extracted
        // from each file, read while detection runs; its manifest and bodies, opened while the documents are checked.
        let searchLoad = Pending<SearchState>()
        let memoLoad = Pending<ExtractionMemo>()
        let manifestLoad = Pending<BuildManifest>()
        let bodiesOpen = Pending<PackBodyStore>()
        do {
            let c = cache
            if trusted, cache.usable { searchLoad.start { c.loadSearch() } }
            if trusted {
                memoLoad.start { c.loadMemo(c.documents) }
                manifestLoad.start { c.load(site: target) }
            }
            let reads = trusted
            bodiesOpen.start { PackBodyStore(base: c.bodiesBase, reads: reads) }
        }
        // Zero-config: what detection extracted from the files it read last time (an empty memo makes a new one).
        let detectionMemo = cache.usable ? (trusted ? cache.loadMemo(cache.detection) : nil) ?? .empty(key: Detector.memoKey) : nil
        if let kept = try setup.resolveConfig(tree: tree, memo: detectionMemo) {
            let (c, file) = (cache, cache.detection)
            DispatchQueue.global().async(group: background) { c.saveMemo(kept, to: file) }
        }
        // What the last build extracted from each file: only the files that changed since are parsed again (and
        // rendered as they are parsed).
        let options = setup.siteOptions(baseURL: baseURL)
        var result = try setup.check(tree, memo: memoLoad.value(), keepingMemo: cache.usable,
                                     preparing: SiteBuilder.bodyPreparation(config: setup.config, options: options))
        if explain { setup.printExplanation(result) }
        printReport(result, tree: tree, prefix: setup.displayPrefix, format: format, quiet: quiet)
        let summary = result.summary
        if strict && (summary.errors > 0 || summary.warnings > 0) {
            Output.err("archbook: not building because of \(summary.errors) error(s) and \(summary.warnings) warning(s) (--strict); '\(outputPath)' was not changed\n")
            background.wait()
            lock.release()
            withExtendedLifetime(result) { Glibc.exit(1) }
        }

        // After an edit (a few documents parsed again) the memo is written while the site is built, which is then
        // quick and far below a full build's memory. A full build writes it before the site is built: written
        // meanwhile, it added 5 to 10 MB to the peak of 10,000 documents.
        let edited = (result.preparedBodies?.parsed ?? 0) <= max(16, result.documents.count / 50)
        if cache.usable, let kept = result.memo {
            let (c, file) = (cache, cache.documents)
            if edited {
                DispatchQueue.global().async(group: background) { c.saveMemo(kept, to: file) }
            } else {
                c.saveMemo(kept, to: file)
            }
        }
        result.memo = nil
        let previous = manifestLoad.value()
        // The bodies do not depend on the site being there: each is checked against what it was made from.
        let bodies = bodiesOpen.value() ?? PackBodyStore(base: cache.bodiesBase, reads: trusted)
        let searchState = options.search != nil ? searchLoad.value() : nil
        // The manifest goes before the swap and comes back after it, so it never describes another site than the one there.
        let built = try writeAtomically(to: target, display: outputPath, previous: previous == nil ? nil : target,
                                        spare: cache.usable ? cache.spareFolder : nil,
                                        beforeSwap: { cache.remove() }) { sink throws(FileTreeError) in
            try SiteBuilder.build(result, tree: tree, config: setup.config, theme: themeLayers, options: options, sink: sink,
                                  previous: previous, bodies: .store(bodies, reads: trusted), search: searchState) { state in
                // Written while the pages are made, and its memory gone once it is. A state describes itself (each
                // document's key), so one written by a build that then fails still serves the next build as well as
                // the one it replaced.
                guard cache.usable else { return }
                let c = cache
                DispatchQueue.global().async(group: background) {
                    if let state { c.saveSearch(state) } else { unlink(c.search) }
                }
            }
        }
        // Files that do not depend on each other, written side by side.
        let keys = BodyMemo.storeKeys(for: result.documents.map(\.path))
        DispatchQueue.global().async(group: background) { bodies.finish(keeping: keys) }
        if let problem = cache.save(built.manifest) {
            Output.err("archbook: warning: \(problem); the next build renders every page\n")
        }
        background.wait()
        lock.release()
        let index = outputPath.hasSuffix("/") ? outputPath + "index.html" : outputPath + "/index.html"
        let reused = built.reusedPages > 0 ? " (\(built.reusedPages) unchanged since the last build)" : ""
        Output.err("archbook: wrote \(built.pages) pages\(reused) and \(built.files) files to \(outputPath)\n\(index)\n")
        withExtendedLifetime(result) { Glibc.exit(summary.errors > 0 ? 1 : 0) }
    }

    /// `_site` beside the docs tree; inside it when the docs tree is the current directory.
    func defaultOutput(for root: String) -> String {
        var r = root
        while r.count > 1 && r.hasSuffix("/") { r.removeLast() }
        if r == "." || r == "./" { return "_site" }
        let parent = DiskSite.parent(of: r)
        return parent == "." && !r.hasPrefix("./") ? "_site" : parent + "/_site"
    }

    func loadTheme(_ setup: Workspace) throws -> Theme {
        try ThemeLocator.load(setup, theme: theme, config: config)
    }

    /// Creates the folders above the output that are missing, as `mkdir -p` would.
    func createParents(of target: String, display: String) throws {
        let parent = DiskSite.parent(of: target)
        guard !DiskFileTree.isDirectory(parent) else { return }
        var path = ""
        for part in parent.split(separator: "/") {
            path += "/" + part
            if mkdir(path, 0o755) != 0 && errno != EEXIST {
                throw RunFailure(message: "cannot create \(path) for '\(display)': \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Builds into a temporary folder next to `target` and swaps it in; on any failure the old site stays.
    /// The caller holds the target's `SiteLock`, so no other build renames the same folders meanwhile.
    /// `spare`: where the site this build replaces is kept, to be the next build's working folder (`SpareSite`).
    func writeAtomically(to target: String, display: String, previous: String? = nil, spare: String? = nil,
                         beforeSwap: () -> Void = {},
                         _ body: (DiskSiteSink) throws(FileTreeError) -> SiteSummary) throws -> SiteSummary {
        let parent = DiskSite.parent(of: target)
        let name = DiskSite.name(of: target)
        let temp = "\(parent)/.\(name).archbook-tmp-\(getpid())"
        DiskSite.remove(temp)
        let existing = spare.flatMap { SpareSite.take($0, as: temp) }
        if existing == nil {
            if let spare { DiskSite.remove(spare) }
            guard mkdir(temp, 0o755) == 0 else {
                throw RunFailure(message: "cannot create \(temp): \(String(cString: strerror(errno)))")
            }
        }
        let sink = DiskSiteSink(root: temp, previousRoot: previous, existing: existing ?? [:])
        let summary: SiteSummary
        do {
            try sink.write(siteMarkerName, Array(siteMarkerText.utf8))
            summary = try body(sink)
        } catch {
            DiskSite.remove(temp)
            throw RunFailure(message: "build failed, '\(display)' was not changed: \(error.description)")
        }
        if let existing {
            SpareSite.prune(temp, had: existing, keeping: Set(summary.manifest.files.keys).union([siteMarkerName]))
        }
        beforeSwap()
        let old = "\(parent)/.\(name).archbook-old-\(getpid())"
        var hadOld = false
        if case .missing = DiskSite.state(of: target) {} else {
            if rename(target, old) != 0 {
                let why = String(cString: strerror(errno))
                DiskSite.remove(temp)
                throw RunFailure(message: "cannot replace '\(display)': \(why)")
            }
            hadOld = true
        }
        if rename(temp, target) != 0 {
            let why = String(cString: strerror(errno))
            if hadOld { rename(old, target) }
            DiskSite.remove(temp)
            throw RunFailure(message: "cannot move the new site into '\(display)': \(why)")
        }
        if hadOld {
            // Kept as the next build's spare when it can be; a folder of the build cache, so deleting the cache
            // deletes it.
            if let spare, DiskSite.ensureFolder(DiskSite.parent(of: spare)), rename(old, spare) == 0 {} else { DiskSite.remove(old) }
        }
        // Test hook: hold the finished build (and its lock) for a while, so a test can start a second build meanwhile.
        if let pause = getenv("ARCHBOOK_TEST_HOLD_LOCK").flatMap({ Double(String(cString: $0)) }) { usleep(UInt32(pause * 1_000_000)) }
        return summary
    }
}

/// `.archbook-cache/` beside the output: the manifest of the last build into it and the bodies it rendered
/// (`PackBodyStore`), for incremental builds, and the site it replaced (`SpareSite`).
struct BuildCache {
    let file: String
    /// Where `PackBodyStore` keeps its pack (`<base>.bodies`) and index (`<base>.bodies-index`).
    let bodiesBase: String
    /// The site the last build replaced (`SpareSite`).
    let spareFolder: String
    /// What the last check extracted from each file (`ExtractionMemo`).
    let documents: String
    /// Without a configuration file: what the last detection extracted from the files it read.
    let detection: String
    /// What the last build's search index was made from (`SearchState`).
    let search: String
    /// false when git tracks a file of the cache: then not even the spare site is taken (see `trackedByGit`).
    var usable = true

    init(target: String) {
        let base = DiskSite.parent(of: target) + "/.archbook-cache/" + DiskSite.name(of: target)
        file = base + ".manifest"
        bodiesBase = base
        spareFolder = base + ".spare"
        documents = base + ".documents"
        detection = base + ".detection"
        search = base + ".search"
    }

    /// Names the archbook that wrote a cache file: its version and this very executable (its size, time and inode),
    /// since what extraction makes of a file changes between builds of archbook as well as between versions.
    static let toolTag: String = {
        var st = stat()
        let executable = stat("/proc/self/exe", &st) == 0
            ? "\(st.st_size) \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec) \(st.st_ino)" : "unknown executable"
        return "archbook \(archbookVersion) \(executable)"
    }()

    /// What the last build's search index was made from, if this archbook wrote it whole; anything else is ignored.
    func loadSearch() -> SearchState? {
        (try? DiskFileTree.readFile(search)).flatMap { SearchState.decode($0, tag: Self.toolTag) }
    }

    /// A failure only means the next build counts every document's terms.
    func saveSearch(_ state: SearchState) {
        _ = Self.write(to: search) { fd in
            state.write(tag: Self.toolTag) { piece in (try? DocumentFiles.writeAll(fd, piece, path: search)) != nil }
        }
    }

    /// The memo in `file` (`documents`, `detection`), if this archbook wrote it; anything else is ignored.
    func loadMemo(_ file: String) -> ExtractionMemo? {
        (try? DiskFileTree.readFile(file)).flatMap { ExtractionMemo.decode($0, tag: Self.toolTag) }
    }

    /// A failure only means the next build parses every file.
    func saveMemo(_ memo: ExtractionMemo, to file: String) {
        _ = Self.write(to: file) { fd in
            // Through a buffer of a megabyte: the memo's pieces are one per document, most of them small.
            var buffer: [UInt8] = []
            buffer.reserveCapacity(1 << 20)
            func flush() -> Bool {
                defer { buffer.removeAll(keepingCapacity: true) }
                return (try? DocumentFiles.writeAll(fd, buffer, path: file)) != nil
            }
            let written = memo.write(tag: Self.toolTag) { piece in
                if buffer.count + piece.count > buffer.capacity, !buffer.isEmpty, !flush() { return false }
                buffer.append(contentsOf: piece)
                return true
            }
            return written && flush()
        }
    }

    /// The previous build's manifest, when the site it describes is still there; anything unreadable,
    /// damaged or of another format is ignored, and every page is rendered.
    func load(site: String) -> BuildManifest? {
        guard case .ourSite = DiskSite.state(of: site), let bytes = try? DiskFileTree.readFile(file) else { return nil }
        return BuildManifest.decode(bytes)
    }

    func remove() { unlink(file) }

    /// A file of the cache or of the previous site that git tracks, if any. Both are trusted as archbook's own
    /// output (pages are reused, bodies inserted as HTML), so only what this machine wrote may be used: a fresh
    /// clone of a pull request holds only tracked files. nil when there is none, or no git or repository.
    func trackedByGit(site: String) -> String? {
        let cacheFolder = DiskSite.parent(of: file)
        guard DiskFileTree.isDirectory(cacheFolder) || DiskFileTree.isDirectory(site) else { return nil }
        guard let out = try? SystemGit().run(["ls-files", "-z", "--", cacheFolder, site], in: DiskSite.parent(of: cacheFolder), input: nil),
              let first = out.split(separator: 0).first else { return nil }
        return String(decoding: first, as: UTF8.self)
    }

    func save(_ manifest: BuildManifest) -> String? {
        Self.write(manifest.encoded(), to: file)
    }

    /// Writes through a temporary file, so a crash never leaves half of one; nil on success.
    static func write(_ bytes: [UInt8], to file: String) -> String? {
        write(to: file) { fd in (try? DocumentFiles.writeAll(fd, bytes, path: file)) != nil }
    }

    /// Writes a cache file through a temporary one renamed over it, so a reader never sees half of it; `body` writes
    /// the bytes to the descriptor it is given and says whether all of them were written.
    static func write(to file: String, _ body: (Int32) -> Bool) -> String? {
        let dir = DiskSite.parent(of: file)
        if mkdir(dir, 0o755) != 0 && errno != EEXIST { return "cannot create \(dir): \(String(cString: strerror(errno)))" }
        let temp = file + ".tmp-\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { return "cannot write \(temp): \(String(cString: strerror(errno)))" }
        let written = body(fd)
        close(fd)
        guard written, rename(temp, file) == 0 else {
            unlink(temp)
            return "cannot write \(file)"
        }
        return nil
    }
}

enum ThemeLocator {
    /// The default theme with the custom one (--theme, else the configuration's `site.theme`) layered over it.
    static func load(_ setup: Workspace, theme: String?, config: String?) throws -> Theme {
        guard let defaultTheme = defaultTheme() else {
            throw RunFailure(message: "cannot find the default theme (themes/default); set ARCHBOOK_THEME_DIR to its folder")
        }
        var layers = [Theme.Layer(label: defaultTheme, tree: DiskFileTree(root: defaultTheme))]
        if let custom = customTheme(setup, theme: theme, config: config) {
            guard DiskFileTree.isDirectory(custom) else {
                throw RunFailure(message: "theme '\(custom)' is not a directory")
            }
            layers.append(Theme.Layer(label: custom, tree: DiskFileTree(root: custom)))
        }
        do {
            return try Theme.load(layers)
        } catch {
            throw RunFailure(message: error.description)
        }
    }

    /// The custom theme folder: --theme, else `site.theme` relative to the configuration file's folder.
    static func customTheme(_ setup: Workspace, theme: String?, config: String?) -> String? {
        if let theme { return theme }
        guard let configured = setup.config.site.theme else { return nil }
        let base = config.map { DiskSite.parent(of: $0) } ?? setup.root
        return configured.hasPrefix("/") ? configured : (base == "." ? configured : base + "/" + configured)
    }

    /// The default theme: $ARCHBOOK_THEME_DIR, else `themes/default` in a folder above the executable
    /// (the repository a development build lives in), else `share/archbook/themes/default` of an install prefix.
    static func defaultTheme() -> String? {
        if let env = getenv("ARCHBOOK_THEME_DIR"), env.pointee != 0 {
            let dir = String(cString: env)
            return DiskFileTree.isDirectory(dir) ? dir : nil
        }
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        guard n > 0 else { return nil }
        var dir = DiskSite.parent(of: String(decoding: buf.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        for _ in 0..<6 {
            for candidate in [dir + "/themes/default", dir + "/share/archbook/themes/default"]
            where DiskFileTree.isFile(candidate + "/templates/layout.mustache") {
                return candidate
            }
            if dir == "/" { break }
            dir = DiskSite.parent(of: dir)
        }
        return nil
    }
}

/// A value made on another thread; `value()` waits for it (nil when it was never started, or made nothing).
final class Pending<Value: Sendable>: Sendable {
    private let slot = Mutex<Value?>(nil)
    private let group = DispatchGroup()

    func start(_ make: @escaping @Sendable () -> Value?) {
        DispatchQueue.global().async(group: group) {
            let made = make()
            self.slot.withLock { $0 = made }
        }
    }

    func value() -> Value? {
        group.wait()
        return slot.withLock { $0 }
    }
}

/// `.archbook-cache/<output>.bodies`: every document's rendered body (`BodyMemo.encode`) in one append-only pack file,
/// found through `<output>.bodies-index` (`BodyMemo.PackIndex`). Workers append entries as they render bodies (an
/// offset taken under a lock, then `pwrite`) and read the last build's with `pread`; `finish` writes the new index
/// (through a temporary file) and, when more than half of the pack is entries no longer indexed, compacts it.
/// A crash leaves the previous index, whose entries are still where it says (appending overwrites nothing); an entry
/// that is not what it should be fails `BodyMemo.decode` (checksum, path, key) and its body is rendered again.
final class PackBodyStore: BodyStore {
    let packPath: String
    let indexPath: String
    private let fd: Int32
    private let previous: BodyMemo.PackIndex
    /// The end of the pack (where the next entry goes) and the entries written by this build.
    private let state: Mutex<(end: Int, written: [String: BodyMemo.PackIndex.Slot])>

    /// `reads`: false for `--no-cache` (nothing is read; the pack is started afresh).
    init(base: String, reads: Bool) {
        packPath = base + ".bodies"
        indexPath = base + ".bodies-index"
        _ = DiskSite.ensureFolder(DiskSite.parent(of: base))
        // The pack was a folder of one file per document before; that folder is only a cache.
        if DiskFileTree.isDirectory(packPath) { DiskSite.remove(packPath) }
        var index = reads ? (try? DiskFileTree.readFile(indexPath)).flatMap(BodyMemo.PackIndex.decode) : nil
        fd = open(packPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        var st = stat()
        if fd < 0 || fstat(fd, &st) != 0 {
            index = nil
        }
        if index == nil {
            // Starting afresh: the old index must not outlive the bytes it describes.
            unlink(indexPath)
            if fd >= 0 { ftruncate(fd, 0) }
            st.st_size = 0
        }
        previous = index ?? BodyMemo.PackIndex()
        state = Mutex((end: Int(st.st_size), written: [:]))
    }

    deinit { if fd >= 0 { close(fd) } }

    /// This build's entry for `path`, else the previous build's.
    func read(_ path: String) -> [UInt8]? {
        (state.withLock { $0.written[path] } ?? previous.slots[path]).flatMap(read(slot:))
    }

    func write(_ path: String, _ bytes: [UInt8]) {
        guard fd >= 0, !bytes.isEmpty else { return }
        let offset = state.withLock { s in
            defer { s.end += bytes.count }
            return s.end
        }
        guard PositionedIO.write(fd, bytes, at: offset) == nil else { return }
        state.withLock { $0.written[path] = BodyMemo.PackIndex.Slot(offset: offset, length: bytes.count) }
    }

    /// Records where the bodies of `paths` (the documents of this build) are: the ones written now, else the
    /// previous build's. The previous ones of documents that are gone are dropped.
    func finish(keeping paths: [String]) {
        guard fd >= 0 else { return }
        let (size, fresh) = state.withLock { ($0.end, $0.written) }
        var kept: [(path: String, slot: BodyMemo.PackIndex.Slot)] = []
        kept.reserveCapacity(paths.count)
        var live = 0
        for path in paths {
            if let slot = fresh[path] ?? previous.slots[path] { kept.append((path, slot)); live += slot.length }
        }
        if size > 2 * live + (1 << 20),
           let compacted = compact(BodyMemo.PackIndex(slots: Dictionary(kept, uniquingKeysWith: { _, last in last }))) {
            _ = BuildCache.write(compacted.encoded(), to: indexPath)
            return
        }
        _ = BuildCache.write(BodyMemo.PackIndex.encode(kept), to: indexPath)
    }

    /// The live entries copied into a new pack, which replaces the old one; nil when that fails.
    private func compact(_ index: BodyMemo.PackIndex) -> BodyMemo.PackIndex? {
        let temp = packPath + ".tmp-\(getpid())"
        let out = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard out >= 0 else { return nil }
        defer { close(out) }
        var compacted = BodyMemo.PackIndex()
        var offset = 0
        for (path, slot) in index.slots.sorted(by: { $0.value.offset < $1.value.offset }) {
            guard let bytes = read(slot: slot), PositionedIO.write(out, bytes, at: offset) == nil else { unlink(temp); return nil }
            compacted.slots[path] = BodyMemo.PackIndex.Slot(offset: offset, length: bytes.count)
            offset += bytes.count
        }
        guard rename(temp, packPath) == 0 else { unlink(temp); return nil }
        return compacted
    }

    private func read(slot: BodyMemo.PackIndex.Slot) -> [UInt8]? {
        // A damaged index could name any length; no body is near a gigabyte.
        guard fd >= 0, slot.length <= 1 << 30 else { return nil }
        return PositionedIO.read(fd, count: slot.length, at: slot.offset)
    }
}
