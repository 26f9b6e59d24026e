// The one door to files: the core reads a docs tree only through this protocol, so tests use in-memory trees.

public struct FileListing: Sendable, Equatable {
    /// Regular files, relative to the root, `/`-separated, sorted.
    public var files: [String]
    /// Directories, relative to the root, sorted.
    public var directories: [String]

    public init(files: [String], directories: [String]) {
        self.files = files
        self.directories = directories
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
}
