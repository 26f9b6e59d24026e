// The real file system behind the core's FileTree protocol: the only place archbook reads a docs tree from disk.

import ArchbookCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct DiskFileTree: FileTree {
    public let root: String
    /// A folder (relative to the root) left out of the listing, such as build output inside the docs tree.
    public let excluded: String?

    public init(root: String, excluding excluded: String? = nil) {
        self.root = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
        self.excluded = excluded
    }

    /// Walks the tree with lstat: symbolic links to directories are not descended (a link may point
    /// outside the docs tree or back into itself); links to files are listed and read.
    public func listing() throws(FileTreeError) -> FileListing {
        var files: [String] = []
        var dirs: [String] = []
        var pending: [String] = [""]
        var first = true
        while let rel = pending.popLast() {
            let abs = rel.isEmpty ? root : root + "/" + rel
            guard let dir = opendir(abs) else {
                if first { throw FileTreeError(path: root, message: "cannot open directory: \(String(cString: strerror(errno)))") }
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
                    var target = stat()
                    if stat(root + "/" + childRel, &target) == 0, target.st_mode & S_IFMT == S_IFREG {
                        files.append(childRel)
                    }
                }
            }
        }
        return FileListing(files: files.sorted(), directories: dirs.sorted())
    }

    /// A directory entry's file name.
    static func name(of entry: UnsafeMutablePointer<dirent>) -> String {
        withUnsafePointer(to: entry.pointee.d_name) {
            $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
        }
    }

    public func read(_ path: String) throws(FileTreeError) -> [UInt8] {
        try Self.readFile(root + "/" + path, reportedAs: path)
    }

    /// Reads any file by its path as given (also one outside a docs tree, such as `--config`).
    public static func readFile(_ fullPath: String, reportedAs path: String? = nil) throws(FileTreeError) -> [UInt8] {
        let path = path ?? fullPath
        let fd = open(fullPath, O_RDONLY)
        guard fd >= 0 else { throw FileTreeError(path: path, message: String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        let size = fstat(fd, &st) == 0 ? Int(st.st_size) : 0
        // One spare byte, so the read that finds end-of-file does not grow (and copy) the buffer.
        var bytes = [UInt8](repeating: 0, count: max(size, 0) + 1)
        var filled = 0
        while true {
            if filled == bytes.count { bytes.append(contentsOf: [UInt8](repeating: 0, count: max(4096, bytes.count))) }
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
