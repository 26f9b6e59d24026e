// The one door to files: the core reads a docs tree only through this protocol, so tests use in-memory trees.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct FileListing: Sendable, Equatable {
    /// Regular files, relative to the root, `/`-separated, sorted.
    public var files: [String]
    /// Directories, relative to the root, sorted.
    public var directories: [String]
    /// Entries left out of `files` on purpose, which checks report so nothing goes missing silently.
    public var skipped: [SkippedEntry]

    public init(files: [String], directories: [String], skipped: [SkippedEntry] = []) {
        self.files = files
        self.directories = directories
        self.skipped = skipped
    }
}

extension FileListing {
    /// A path safe to read and to write under an output folder: relative, no `.`, `..` or empty segments,
    /// and no control characters (a newline in a name would start a new line in logs, where CI reads commands).
    public static func isSafe(_ path: String) -> Bool {
        // One pass over the bytes: every path of the tree is checked, twice in a zero-config run.
        // Segments "", "." and ".." are refused; so are C0 controls, DEL and C1 controls (U+0080–U+009F,
        // which UTF-8 writes as 0xC2 0x80–0x9F).
        var segmentLength = 0, dots = 0
        var previous: UInt8 = 0
        for b in path.utf8 {
            if b < 0x20 || b == 0x7F || (previous == 0xC2 && b >= 0x80 && b <= 0x9F) { return false }
            if b == UInt8(ascii: "/") {
                if segmentLength == 0 || (dots == segmentLength && dots <= 2) { return false }
                segmentLength = 0
                dots = 0
            } else {
                segmentLength += 1
                if b == UInt8(ascii: ".") { dots += 1 }
            }
            previous = b
        }
        return !(segmentLength == 0 || (dots == segmentLength && dots <= 2))
    }

    /// A path as it can be printed: control characters spelled as `\u{..}` escapes.
    public static func printable(_ path: String) -> String {
        var out = ""
        for scalar in path.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The listing without paths that are not `isSafe`, and those paths: nothing is read from or written to them.
    public func separatingUnsafePaths() -> (FileListing, unsafe: [String]) {
        guard files.contains(where: { !Self.isSafe($0) }) || directories.contains(where: { !Self.isSafe($0) }) else { return (self, []) }
        var kept = self
        kept.files = files.filter(Self.isSafe)
        kept.directories = directories.filter(Self.isSafe)
        return (kept, files.filter { !Self.isSafe($0) })
    }
}

/// A file or folder of the tree that is not read, and why.
public struct SkippedEntry: Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        /// A symbolic link whose target is outside the tree (the link's text is kept for the message).
        case symlinkOutside(target: String)
        /// A folder that cannot be opened, or a link that cannot be followed (a loop).
        case unreadable(message: String)
    }

    public var path: String
    public var reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }
}

public struct FileTreeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

public protocol FileTree: Sendable {
    /// Every file and directory under the root, skipping hidden entries and build output.
    func listing() throws(FileTreeError) -> FileListing
    /// The bytes of a file given relative to the root.
    func read(_ path: String) throws(FileTreeError) -> [UInt8]
    /// At most `maxBytes + 1` bytes of a file: more than `maxBytes` means the file is over the limit,
    /// and a tree on disk stops reading there instead of loading all of it.
    func read(_ path: String, maxBytes: Int) throws(FileTreeError) -> [UInt8]
    /// The file's size in bytes when it is cheap to know, so limits apply before reading.
    func size(_ path: String) -> Int?
    /// What the file system says of the file (size, times, identity), without reading it; nil for a tree that
    /// cannot say, whose files are then always read and compared by their bytes.
    func stamp(_ path: String) -> FileStamp?
}

/// A file as the file system describes it. A file whose stamp is the one it had when it was read holds the bytes
/// read then, provided the stamp was `settled` when taken: the file was last changed (or had its times set) at
/// least two seconds before the tree was opened, so no write after the read can have left its size, times, inode
/// and device all as they were (file times come from a clock that moves in ticks of a few milliseconds, and setting
/// them changes `changed`). A build reads the stamp before the bytes, so a stamp never vouches for newer bytes.
public struct FileStamp: Sendable {
    public var size: Int
    /// Last modification and last status change, in nanoseconds since 1970.
    public var modified: Int64
    public var changed: Int64
    public var inode: UInt64
    public var device: UInt64
    /// Whether the stamp may vouch for the bytes (see above). Not part of what the file is.
    public var settled: Bool

    public init(size: Int, modified: Int64, changed: Int64, inode: UInt64, device: UInt64, settled: Bool) {
        self.size = size
        self.modified = modified
        self.changed = changed
        self.inode = inode
        self.device = device
        self.settled = settled
    }

    /// The stamp a memo may record for the bytes read after it: this one when it is settled.
    public var recordable: FileStamp? { settled ? self : nil }

    /// The same file, unchanged since `other` was taken.
    public func sameFile(as other: FileStamp) -> Bool {
        size == other.size && modified == other.modified && changed == other.changed && inode == other.inode
            && device == other.device
    }
}

extension FileTree {
    public func read(_ path: String, maxBytes: Int) throws(FileTreeError) -> [UInt8] {
        let bytes = try read(path)
        return bytes.count > maxBytes ? Array(bytes.prefix(maxBytes + 1)) : bytes
    }

    public func size(_ path: String) -> Int? { nil }

    public func stamp(_ path: String) -> FileStamp? { nil }

    /// The file's size and stamp from one look at it: the stamp's size when the tree gives stamps.
    public func sizeAndStamp(_ path: String) -> (size: Int?, stamp: FileStamp?) {
        if let stamp = stamp(path) { return (stamp.size, stamp) }
        return (size(path), nil)
    }
}

/// Directory names never descended into: VCS metadata, dependencies and generated output.
public let ignoredDirectoryNames: Set<String> = ["node_modules", "_site", ".git", ".build", ".archbook-cache", "vendor"]

/// A docs tree held in memory.
public struct InMemoryFileTree: FileTree {
    public var files: [String: [UInt8]]

    public init(_ files: [String: String]) {
        self.files = files.mapValues { Array($0.utf8) }
    }

    public init(bytes: [String: [UInt8]]) {
        self.files = bytes
    }

    public func listing() throws(FileTreeError) -> FileListing {
        var dirs = Set<String>()
        for path in files.keys {
            var parts = path.split(separator: "/").dropLast()
            while !parts.isEmpty {
                dirs.insert(parts.joined(separator: "/"))
                parts = parts.dropLast()
            }
        }
        return FileListing(files: files.keys.sorted(), directories: dirs.sorted())
    }

    public func read(_ path: String) throws(FileTreeError) -> [UInt8] {
        guard let b = files[path] else { throw FileTreeError(path: path, message: "no such file") }
        return b
    }

    public func size(_ path: String) -> Int? { files[path]?.count }
}

/// File contents compared with memcmp: `==` on byte arrays goes element by element, and builds compare whole files
/// (a remembered body with the file's tail, a page with the file it would replace).
public enum Bytes {
    public static func same(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBytes { x in
            b.withUnsafeBytes { y in x.count == 0 || x.baseAddress == y.baseAddress || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 }
        }
    }
}
