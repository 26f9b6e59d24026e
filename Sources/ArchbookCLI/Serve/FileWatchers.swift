// Noticing edits for `archbook serve`: inotify on Linux, and a polling scan when inotify is unavailable or out of watches.

import ArchbookCore
#if canImport(Glibc)
import Glibc
#endif

/// Why a watcher cannot go on; serve switches to polling and says so.
struct WatchFailure: Error {
    var message: String
}

protocol FileWatcher: AnyObject {
    /// Shown in the terminal: how changes are noticed.
    var name: String { get }
    /// Waits up to `milliseconds` (nil: without limit) for changes and returns the paths that changed and
    /// matter to the plan; empty when the time ran out. A path may be reported more than once.
    func wait(milliseconds: Int?) throws(WatchFailure) -> [String]
    /// Called after every rebuild: a new plan (the theme or configuration moved), or the same one, so
    /// folders that vanished and came back are watched again.
    func update(_ plan: WatchPlan) throws(WatchFailure)
}

enum Monotonic {
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}

/// inotify: one watch per folder, added for new folders as they appear, so an edit is seen at once.
final class InotifyWatcher: FileWatcher {
    let name = "inotify"
    private let fd: Int32
    private var plan: WatchPlan
    private var folders: [Int32: String] = [:]
    private var descriptors: [String: Int32] = [:]
    /// Test hook (ARCHBOOK_TEST_WATCH_LIMIT=n): adding more than n watches fails as it does when
    /// fs.inotify.max_user_watches is reached, so the switch to polling can be tested.
    private let limit: Int?
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    private static let mask = UInt32(IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO
                                     | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF) | UInt32(IN_ONLYDIR) | UInt32(IN_DONT_FOLLOW)

    init(plan: WatchPlan) throws(WatchFailure) {
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw WatchFailure(message: "inotify is not available (\(String(cString: strerror(errno))))") }
        self.plan = plan
        limit = getenv("ARCHBOOK_TEST_WATCH_LIMIT").flatMap { Int(String(cString: $0)) }
        do {
            try addAll()
        } catch {
            close(fd)
            throw error
        }
    }

    deinit { close(fd) }

    private func addAll() throws(WatchFailure) {
        for tree in plan.trees { try addTree(tree) }
        for folder in plan.fileFolders { try addFolder(folder) }
    }

    /// Watches `dir` and every folder under it that the plan does not ignore; symbolic links are not followed
    /// (the build does not descend into them either).
    private func addTree(_ dir: String) throws(WatchFailure) {
        guard try addFolder(dir) else { return }
        for entry in DiskSite.entries(of: dir) ?? [] {
            let child = dir + "/" + entry
            guard plan.matters(child) else { continue }
            var st = stat()
            if lstat(child, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR { try addTree(child) }
        }
    }

    /// False when the folder is gone or cannot be watched (it is reported when it comes back).
    @discardableResult
    private func addFolder(_ dir: String) throws(WatchFailure) -> Bool {
        if descriptors[dir] != nil { return true }
        if let limit, descriptors.count >= limit {
            throw WatchFailure(message: "inotify watch limit reached (ARCHBOOK_TEST_WATCH_LIMIT=\(limit))")
        }
        let wd = inotify_add_watch(fd, dir, Self.mask)
        if wd < 0 {
            if errno == ENOSPC || errno == ENOMEM {
                throw WatchFailure(message: "inotify watch limit reached (raise fs.inotify.max_user_watches to watch this tree)")
            }
            return false
        }
        folders[wd] = dir
        descriptors[dir] = wd
        return true
    }

    /// Stops watching `dir` and every folder under it.
    private func forget(_ dir: String) {
        for (folder, wd) in descriptors where DiskSite.isInside(folder, dir) {
            inotify_rm_watch(fd, wd)
            descriptors[folder] = nil
            folders[wd] = nil
        }
    }

    func update(_ newPlan: WatchPlan) throws(WatchFailure) {
        if newPlan != plan {
            plan = newPlan
            for (dir, wd) in descriptors
            where !plan.trees.contains(where: { DiskSite.isInside(dir, $0) }) && !plan.fileFolders.contains(dir) {
                inotify_rm_watch(fd, wd)
                descriptors[dir] = nil
                folders[wd] = nil
            }
        }
        // Roots that were deleted (and so lost their watch) are watched again if they are back.
        for tree in plan.trees where descriptors[tree] == nil { try addTree(tree) }
        for folder in plan.fileFolders where descriptors[folder] == nil { try addFolder(folder) }
    }

    func wait(milliseconds: Int?) throws(WatchFailure) -> [String] {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&pfd, 1, Int32(clamping: milliseconds ?? -1))
        guard ready > 0 else { return [] }
        var changed: [String] = []
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            try handle(count: n, into: &changed)
        }
        return changed
    }

    /// Reads the `struct inotify_event` records in the buffer: wd, mask, cookie, name length, then the name.
    private func handle(count: Int, into changed: inout [String]) throws(WatchFailure) {
        var offset = 0
        while offset + 16 <= count {
            let (wd, mask, length) = buffer.withUnsafeBytes { raw in
                (raw.loadUnaligned(fromByteOffset: offset, as: Int32.self),
                 raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                 Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)))
            }
            let nameBytes = buffer[(offset + 16)..<min(count, offset + 16 + length)].prefix { $0 != 0 }
            offset += 16 + length
            if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                // Events were lost: rebuild, and make sure folders created meanwhile are watched.
                changed.append(plan.trees.first ?? "")
                try addAll()
                continue
            }
            guard let dir = folders[wd] else { continue }
            if mask & UInt32(IN_IGNORED) != 0 {
                folders[wd] = nil
                if descriptors[dir] == wd { descriptors[dir] = nil }
                continue
            }
            let path = nameBytes.isEmpty ? dir : dir + "/" + String(decoding: nameBytes, as: UTF8.self)
            // A watch follows its folder when it is renamed, so under the old name it would report the wrong
            // paths (and keep a new folder of that name from being watched): drop it; the new name is added below.
            if mask & UInt32(IN_ISDIR) != 0 && mask & UInt32(IN_MOVED_FROM) != 0 { forget(path) }
            if mask & UInt32(IN_MOVE_SELF) != 0 { forget(dir) }
            guard plan.matters(path) else { continue }
            if mask & UInt32(IN_ISDIR) != 0 && mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 {
                try addTree(path)
            }
            changed.append(path)
        }
    }
}

/// Polling: the trees' files by modification time, change time, size and inode every interval. Slower to
/// notice and costlier on large trees, but it works anywhere (network file systems, no watches left).
final class PollingWatcher: FileWatcher {
    let name = "polling"
    struct Stamp: Equatable {
        var modified: Int64
        var modifiedNanoseconds: Int
        var changed: Int64
        var changedNanoseconds: Int
        var size: Int64
        var inode: UInt64
    }

    private var plan: WatchPlan
    private var snapshot: [String: Stamp]
    private let interval: UInt64
    private var nextScan: UInt64

    init(plan: WatchPlan, intervalMilliseconds: UInt64 = 500) {
        self.plan = plan
        interval = intervalMilliseconds * 1_000_000
        snapshot = Self.scan(plan)
        nextScan = Monotonic.now() + interval
    }

    /// Keeps the old snapshot: anything edited during the rebuild still shows up in the next scan.
    func update(_ newPlan: WatchPlan) throws(WatchFailure) {
        plan = newPlan
    }

    func wait(milliseconds: Int?) throws(WatchFailure) -> [String] {
        let deadline = milliseconds.map { Monotonic.now() + UInt64(max(0, $0)) * 1_000_000 }
        while true {
            let now = Monotonic.now()
            if now >= nextScan {
                let current = Self.scan(plan)
                let changed = Self.changes(from: snapshot, to: current)
                snapshot = current
                nextScan = Monotonic.now() + interval
                if !changed.isEmpty { return changed }
            }
            if let deadline, now >= deadline { return [] }
            let wake = min(nextScan, deadline ?? .max)
            let pause = wake > now ? wake - now : 0
            var ts = timespec(tv_sec: Int(pause / 1_000_000_000), tv_nsec: Int(pause % 1_000_000_000))
            nanosleep(&ts, nil)
        }
    }

    /// Paths added, removed or changed between two scans, sorted.
    static func changes(from old: [String: Stamp], to new: [String: Stamp]) -> [String] {
        var changed = Set<String>()
        for (path, stamp) in new where old[path] != stamp { changed.insert(path) }
        for path in old.keys where new[path] == nil { changed.insert(path) }
        return changed.sorted()
    }

    static func scan(_ plan: WatchPlan) -> [String: Stamp] {
        var stamps: [String: Stamp] = [:]
        var pending = plan.trees
        while let dir = pending.popLast() {
            for entry in DiskSite.entries(of: dir) ?? [] {
                let path = dir + "/" + entry
                guard plan.matters(path) else { continue }
                var st = stat()
                guard lstat(path, &st) == 0 else { continue }
                switch st.st_mode & S_IFMT {
                case S_IFDIR: pending.append(path)
                case S_IFREG: stamps[path] = stamp(st)
                case S_IFLNK:
                    // The build reads a link to a file, so the file it points to is what counts.
                    if stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFREG { stamps[path] = stamp(st) }
                default: break
                }
            }
        }
        for file in plan.files {
            var st = stat()
            if stat(file, &st) == 0 { stamps[file] = stamp(st) }
        }
        return stamps
    }

    private static func stamp(_ st: stat) -> Stamp {
        Stamp(modified: Int64(st.st_mtim.tv_sec), modifiedNanoseconds: Int(st.st_mtim.tv_nsec),
              changed: Int64(st.st_ctim.tv_sec), changedNanoseconds: Int(st.st_ctim.tv_nsec),
              size: Int64(st.st_size), inode: UInt64(st.st_ino))
    }
}
