// The real file system behind the core's FileTree protocol: the only place archbook reads a docs tree from disk.

import ArchbookCore
import CFileAccess
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct DiskFileTree: FileTree {
    public let root: String
    /// A folder (relative to the root) left out of the listing, such as build output inside the docs tree.
    public let excluded: String?

    /// Whether symbolic links to files outside the tree are followed (`--follow-symlinks`). Off by default:
    /// a pull request could otherwise publish any file the build machine can read. Never set from archbook.yml,
    /// which the same pull request could change.
    public let followsLinksOutside: Bool

    /// The root with symbolic links resolved: what every file read must lie under (unless `followsLinksOutside`).
    let realRoot: String

    /// The root, open, for reads the kernel keeps inside it (see `read(_:maxBytes:)`).
    let rootFolder: OpenFolder

    /// When the tree was opened (nanoseconds since 1970): files last changed two seconds before are settled (`FileStamp`).
    let openedAt: Int64

    /// `openedAt`: for tests, another moment than now to decide which files are settled.
    public init(root: String, excluding excluded: String? = nil, followsLinksOutside: Bool = false, openedAt: Int64? = nil) {
        self.root = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
        self.excluded = excluded
        self.followsLinksOutside = followsLinksOutside
        realRoot = Self.realPath(self.root) ?? self.root
        rootFolder = OpenFolder(realRoot)
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        self.openedAt = openedAt ?? Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }

    /// A folder descriptor that lives as long as the trees sharing it.
    final class OpenFolder: Sendable {
        let fd: Int32
        init(_ path: String) { fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        deinit { if fd >= 0 { close(fd) } }
    }

    /// Walks the tree with lstat. Symbolic links to directories are not descended (a link may point back into
    /// itself); links to files are listed only when their target is inside the tree, so a document cannot pull
    /// a file from elsewhere on the machine (`key.png -> ~/.ssh/id_rsa`) into a published site.
    public func listing() throws(FileTreeError) -> FileListing {
        var files: [String] = []
        var dirs: [String] = []
        var skipped: [SkippedEntry] = []
        var pending: [String] = [""]
        var first = true
        while let rel = pending.popLast() {
            let abs = rel.isEmpty ? root : root + "/" + rel
            guard let dir = opendir(abs) else {
                let why = String(cString: strerror(errno))
                if first { throw FileTreeError(path: root, message: "cannot open directory: \(why)") }
                skipped.append(SkippedEntry(path: rel, reason: .unreadable(message: "cannot open folder: \(why)")))
                continue
            }
            first = false
            defer { closedir(dir) }
            while let entry = readdir(dir) {
                let name = Self.name(of: entry)
                if name.hasPrefix(".") || ignoredDirectoryNames.contains(name) { continue }
                let childRel = rel.isEmpty ? name : rel + "/" + name
                if childRel == excluded { continue }
                // The directory entry usually says what it is; lstat only when the file system does not.
                let mode: mode_t
                switch Int32(entry.pointee.d_type) {
                case Int32(DT_DIR): mode = S_IFDIR
                case Int32(DT_REG): mode = S_IFREG
                case Int32(DT_LNK): mode = S_IFLNK
                case Int32(DT_UNKNOWN):
                    var st = stat()
                    guard lstat(root + "/" + childRel, &st) == 0 else { continue }
                    mode = st.st_mode & S_IFMT
                default: continue
                }
                if mode == S_IFDIR {
                    dirs.append(childRel)
                    pending.append(childRel)
                } else if mode == S_IFREG {
                    files.append(childRel)
                } else if mode == S_IFLNK {
                    let full = root + "/" + childRel
                    guard let target = Self.realPath(full) else {
                        skipped.append(SkippedEntry(path: childRel, reason: .unreadable(
                            message: "symbolic link cannot be followed: \(String(cString: strerror(errno)))")))
                        continue
                    }
                    guard target == realRoot || mayRead(target) else {
                        skipped.append(SkippedEntry(path: childRel, reason: .symlinkOutside(target: Self.linkText(full) ?? target)))
                        continue
                    }
                    var st = stat()
                    if stat(full, &st) == 0, st.st_mode & S_IFMT == S_IFREG {
                        files.append(childRel)
                    }
                }
            }
        }
        return FileListing(files: files.sorted(), directories: dirs.sorted(), skipped: skipped.sorted { $0.path < $1.path })
    }

    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    /// What a symbolic link says, as written (for messages).
    static func linkText(_ path: String) -> String? {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buf, buf.count - 1)
        guard n >= 0 else { return nil }
        return String(decoding: buf.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A directory entry's file name.
    static func name(of entry: UnsafeMutablePointer<dirent>) -> String {
        withUnsafePointer(to: entry.pointee.d_name) {
            $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
        }
    }

    public func read(_ path: String) throws(FileTreeError) -> [UInt8] {
        try read(path, maxBytes: Int.max - 1)
    }

    /// Only files inside the tree, whatever links lead there: the listing leaves out links to outside, and this
    /// also keeps any other reader (a report showing a source line) from following one.
    public func read(_ path: String, maxBytes: Int) throws(FileTreeError) -> [UInt8] {
        // The kernel resolves the path and refuses to leave the root on the way: one system call where
        // realpath(3) takes one per path component. Anything it refuses (a link that leaves and comes back, an
        // absolute link, a kernel without openat2) or cannot open takes the long way below, which decides and words
        // the error exactly as before.
        if !followsLinksOutside, rootFolder.fd >= 0 {
            let fd = archbook_open_beneath(rootFolder.fd, path)
            if fd >= 0 { return try Self.read(fd: fd, path: path, maxBytes: maxBytes) }
        }
        let full = root + "/" + path
        guard let real = Self.realPath(full) else {
            throw FileTreeError(path: path, message: String(cString: strerror(errno)))
        }
        guard mayRead(real) else {
            throw FileTreeError(path: path, message: "the file is outside the docs tree (through a symbolic link)")
        }
        return try Self.readFile(real, reportedAs: path, maxBytes: maxBytes)
    }

    /// Whether a resolved path may be read: inside the tree, or anywhere with `--follow-symlinks`.
    func mayRead(_ real: String) -> Bool {
        followsLinksOutside || real.hasPrefix(realRoot == "/" ? "/" : realRoot + "/")
    }

    public func size(_ path: String) -> Int? {
        stamp(path)?.size
    }

    public func stamp(_ path: String) -> FileStamp? {
        var st = stat()
        guard stat(root + "/" + path, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return nil }
        let modified = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        let changed = Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec)
        return FileStamp(size: Int(st.st_size), modified: modified, changed: changed, inode: UInt64(st.st_ino),
                         device: UInt64(st.st_dev), settled: max(modified, changed) < openedAt - 2_000_000_000)
    }

    /// Reads any file by its path as given (also one outside a docs tree, such as `--config`): at most
    /// `maxBytes + 1` bytes, so a caller can tell a file over its limit without holding all of it.
    /// Only regular files: a FIFO or device would block or never end.
    public static func readFile(_ fullPath: String, reportedAs path: String? = nil, maxBytes: Int = Int.max - 1) throws(FileTreeError) -> [UInt8] {
        let path = path ?? fullPath
        let fd = open(fullPath, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else { throw FileTreeError(path: path, message: String(cString: strerror(errno))) }
        return try read(fd: fd, path: path, maxBytes: maxBytes)
    }

    /// Reads an open file to its end (at most `maxBytes + 1` bytes) and closes it.
    static func read(fd: Int32, path: String, maxBytes: Int) throws(FileTreeError) -> [UInt8] {
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileTreeError(path: path, message: String(cString: strerror(errno))) }
        guard st.st_mode & S_IFMT == S_IFREG else { throw FileTreeError(path: path, message: "not a regular file") }
        let cap = maxBytes + 1
        // One spare byte, so the read that finds end-of-file does not grow (and copy) the buffer.
        var bytes = [UInt8](repeating: 0, count: min(max(Int(st.st_size), 0) + 1, cap))
        var filled = 0
        while filled < cap {
            if filled == bytes.count { bytes.append(contentsOf: [UInt8](repeating: 0, count: min(max(4096, bytes.count), cap - filled))) }
            let n = bytes.withUnsafeMutableBytes { buf in
                Glibc.read(fd, buf.baseAddress! + filled, buf.count - filled)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileTreeError(path: path, message: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            filled += n
        }
        bytes.removeSubrange(filled...)
        return bytes
    }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR
    }

    public static func isFile(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFREG
    }
}
