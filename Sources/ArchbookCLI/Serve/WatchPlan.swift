// What serve watches and which changes it ignores, and when a burst of changes is quiet enough to rebuild: pure rules.

import ArchbookCore

/// The files whose changes can change the site. Paths are absolute.
struct WatchPlan: Equatable, Sendable {
    /// Folders watched with everything under them: the docs tree and a custom theme.
    var trees: [String]
    /// Single files watched through their folder: the configuration file when it lies outside the trees.
    var files: [String]
    /// Folders inside a tree that never count: build output such as `_site` beside the documents.
    var excluded: [String]

    init(trees: [String], files: [String], excluded: [String] = []) {
        // A tree inside another is already covered; a file inside a tree too (unless its name is
        // one the trees ignore, such as a hidden `.archbook.yml`, which stays watched on its own).
        var kept: [String] = []
        for t in trees.sorted() where !kept.contains(where: { DiskSite.isInside(t, $0) }) { kept.append(t) }
        self.trees = kept
        self.files = files.filter { f in
            !kept.contains { DiskSite.isInside(f, $0) && !WatchFilter.isIgnored(f, under: $0, excluded: []) }
        }
        self.excluded = excluded
    }

    /// The folders whose entries are watched one level deep, for `files`.
    var fileFolders: [String] { Array(Set(files.map { DiskSite.parent(of: $0) })).sorted() }

    /// Whether a change to `path` can change the site.
    func matters(_ path: String) -> Bool {
        if files.contains(path) { return true }
        for tree in trees where DiskSite.isInside(path, tree) {
            return !WatchFilter.isIgnored(path, under: tree, excluded: excluded)
        }
        return false
    }
}

enum WatchFilter {
    /// Names whose changes never matter. Hidden names cover `.git`, `.archbook-cache`, Vim's `.x.md.swp`,
    /// Emacs's `.#x.md` and the temporary files archbook writes; the build skips them too
    /// (DiskFileTree). The rest are editors' backup and probe files (Vim writes `4913` to test a folder)
    /// and the folders the build never reads.
    static func isIgnoredName(_ name: Substring) -> Bool {
        if name.hasPrefix(".") || name.hasSuffix("~") || name == "4913" { return true }
        if name.hasPrefix("#") && name.hasSuffix("#") { return true }
        for suffix in [".swp", ".swx", ".swo", "___jb_tmp___", "___jb_old___"] where name.hasSuffix(suffix) { return true }
        return ignoredDirectoryNames.contains(String(name))
    }

    /// Whether `path` (absolute, inside `tree`) lies in an excluded folder or has an ignored name on the way.
    static func isIgnored(_ path: String, under tree: String, excluded: [String]) -> Bool {
        if excluded.contains(where: { DiskSite.isInside(path, $0) }) { return true }
        guard path.count > tree.count else { return false }
        let relative = path.dropFirst(tree == "/" ? 1 : tree.count + 1)
        return relative.split(separator: "/").contains { isIgnoredName($0) }
    }
}

/// Turns a burst of file events into one rebuild: fires once no event has come for `quiet`, or `limit`
/// after the first event of the burst, so a steady stream of writes (a formatter, a `git checkout`)
/// still rebuilds now and then. Times are monotonic nanoseconds, passed in so tests need no clock.
struct Debouncer {
    var quiet: UInt64
    var limit: UInt64
    private(set) var first: UInt64?
    private(set) var last: UInt64?

    init(quietMilliseconds: UInt64 = 100, limitMilliseconds: UInt64 = 1000) {
        quiet = quietMilliseconds * 1_000_000
        limit = limitMilliseconds * 1_000_000
    }

    mutating func record(at now: UInt64) {
        if first == nil { first = now }
        last = now
    }

    /// When to fire, if something is pending.
    var deadline: UInt64? {
        guard let first, let last else { return nil }
        return min(last + quiet, first + limit)
    }

    /// True (and the burst forgotten) when the deadline has passed.
    mutating func fire(at now: UInt64) -> Bool {
        guard let deadline, now >= deadline else { return false }
        first = nil
        last = nil
        return true
    }
}
