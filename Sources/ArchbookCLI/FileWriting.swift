// Writing users' documents: new files only where nothing exists, changed files replaced atomically and only if unchanged since read.

import ArchbookCore
#if canImport(Glibc)
import Glibc
#endif

enum DocumentFiles {
    /// Creates `path` (and missing folders) with O_EXCL, so an existing file, or one appearing meanwhile, is never overwritten.
    static func create(_ path: String, _ bytes: [UInt8]) throws {
        let parent = DiskSite.parent(of: path)
        if parent != "." && parent != "/" && !DiskFileTree.isDirectory(parent) {
            var dir = path.hasPrefix("/") ? "" : "."
            for part in parent.split(separator: "/") {
                dir += "/" + part
                if mkdir(dir, 0o755) != 0 && errno != EEXIST {
                    throw RunFailure(message: "cannot create folder \(dir): \(String(cString: strerror(errno)))")
                }
            }
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RunFailure(message: errno == EEXIST
                ? "\(path) already exists; archbook new never overwrites a file"
                : "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        try writeAll(fd, bytes, path: path)
    }

    /// Replaces a file's bytes through a temporary file and rename, keeping its permissions; refuses when the file
    /// no longer holds `expected` (someone edited it since archbook read it).
    static func replace(_ path: String, expected: [UInt8], with bytes: [UInt8]) throws {
        let now: [UInt8]
        do { now = try DiskFileTree.readFile(path) } catch { throw RunFailure(message: "cannot read \(path): \(error.message)") }
        guard now == expected else {
            throw RunFailure(message: "\(path) changed while archbook was working; nothing was written to it")
        }
        var st = stat()
        let mode = stat(path, &st) == 0 ? st.st_mode & 0o7777 : 0o644
        let temp = DiskSite.parent(of: path) + "/.\(DiskSite.name(of: path)).archbook-\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw RunFailure(message: "cannot write next to \(path): \(String(cString: strerror(errno)))") }
        do {
            try writeAll(fd, bytes, path: temp)
            fchmod(fd, mode)
            close(fd)
        } catch {
            close(fd)
            unlink(temp)
            throw error
        }
        if rename(temp, path) != 0 {
            let why = String(cString: strerror(errno))
            unlink(temp)
            throw RunFailure(message: "cannot replace \(path): \(why)")
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw RunFailure(message: "cannot write \(path): \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }
}

/// Reads and writes at a position (`pread`, `pwrite`), whole or not at all, retrying after signals: the site
/// writer overwrites files of the spare site and the bodies' pack is appended to and read by several threads.
enum PositionedIO {
    /// Writes all of `bytes` at `offset`; nil on success, else the `errno` of the failure.
    static func write(_ fd: Int32, _ bytes: [UInt8], at offset: Int) -> Int32? {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress! + done, bytes.count - done, off_t(offset + done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return n < 0 ? errno : EIO }
            done += n
        }
        return nil
    }

    /// Exactly `count` bytes at `offset`; nil when the file ends before or cannot be read.
    static func read(_ fd: Int32, count: Int, at offset: Int) -> [UInt8]? {
        var complete = true
        // Read straight into the array's storage, not first zeroed: a page's body is read this way.
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                let n = pread(fd, buffer.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { complete = false; break }
                done += n
            }
            initialized = done
        }
        return complete ? bytes : nil
    }
}
