// git as a subprocess, behind a protocol: revisions of the docs tree for `check --base`, and file dates for `git-dates`.

import ArchbookCore
import Foundation

/// A git that failed: not installed, not a repository, a revision that does not exist.
struct GitFailure: Error {
    var status: Int32
    var stderr: String
    var notFound = false
}

/// Runs git. The one implementation starts the `git` executable; the protocol keeps everything above it testable.
protocol GitRunner: Sendable {
    /// Runs `git ARGUMENTS` in `directory` with `input` on standard input; returns standard output.
    func run(_ arguments: [String], in directory: String, input: [UInt8]?) throws(GitFailure) -> [UInt8]
}

struct SystemGit: GitRunner {
    /// The executable: $ARCHBOOK_GIT, else `git` on PATH.
    let executable: String?

    init() {
        let env = ProcessInfo.processInfo.environment
        if let explicit = env["ARCHBOOK_GIT"], !explicit.isEmpty {
            executable = explicit
            return
        }
        executable = (env["PATH"] ?? "").split(separator: ":").map { String($0) + "/git" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    func run(_ arguments: [String], in directory: String, input: [UInt8]?) throws(GitFailure) -> [UInt8] {
        guard let executable, FileManager.default.isExecutableFile(atPath: executable) else {
            throw GitFailure(status: 127, stderr: "", notFound: true)
        }
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        // Messages archbook shows must not depend on the user's language, and git must never wait for a pager or a prompt.
        env["LC_ALL"] = "C"
        env["GIT_PAGER"] = "cat"
        env["GIT_TERMINAL_PROMPT"] = "0"
        process.environment = env
        let out = Pipe(), err = Pipe(), inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input == nil ? FileHandle.nullDevice : inPipe
        // Foundation's waitUntilExit polls every 50 ms: most git calls end in a few milliseconds, and a build makes one
        // before anything else. The handler runs once the exit status is set.
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            throw GitFailure(status: 127, stderr: "\(error)", notFound: true)
        }
        let group = DispatchGroup()
        let errData = Box()
        group.enter()
        DispatchQueue.global().async {
            errData.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        if let input {
            group.enter()
            let handle = inPipe.fileHandleForWriting
            DispatchQueue.global().async {
                // A git that stops early closes the pipe: the write then fails (SIGPIPE is ignored) instead of killing archbook.
                try? handle.write(contentsOf: Data(input))
                try? handle.close()
                group.leave()
            }
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        exited.wait()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw GitFailure(status: process.terminationStatus, stderr: String(decoding: errData.data, as: UTF8.self))
        }
        return [UInt8](data)
    }

    /// Written by one reader thread and read after the group is done.
    private final class Box: @unchecked Sendable {
        var data = Data()
    }
}

/// The git repository a docs tree lives in, seen from the docs root: paths are relative to it, as archbook's are.
struct GitRepository {
    let git: any GitRunner
    /// The docs root, where every git command runs.
    let directory: String

    /// Fails (exit code 2) when git is missing or the docs tree is not in a repository; `purpose` says what needed it.
    static func open(_ directory: String, git: any GitRunner = SystemGit(), purpose: String) throws -> GitRepository {
        let repo = GitRepository(git: git, directory: directory)
        do {
            _ = try git.run(["rev-parse", "--show-toplevel"], in: directory, input: nil)
        } catch {
            if error.notFound {
                throw RunFailure(message: "\(purpose) needs git, which was not found (install git, or set ARCHBOOK_GIT to its path)")
            }
            throw RunFailure(message: "\(purpose) needs a git repository, but '\(directory)' is not in one (\(error.stderr.trimmed))")
        }
        return repo
    }

    func run(_ arguments: [String], input: [UInt8]? = nil) throws(GitFailure) -> [UInt8] {
        try git.run(arguments, in: directory, input: input)
    }

    /// The commit a revision names; a clear error when it names none.
    func commit(_ revision: String) throws -> String {
        guard !revision.hasPrefix("-") else { throw RunFailure(message: "--base '\(revision)' is not a revision") }
        do {
            let out = try run(["rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}"])
            return String(decoding: out, as: UTF8.self).trimmed
        } catch {
            throw RunFailure(message: "--base '\(revision)' is not a commit in this repository; fetch it first (for example `git fetch origin main`, and in GitHub Actions check out with `fetch-depth: 0`)")
        }
    }

    /// The commit HEAD and `commit` share, or nil when there is none (unrelated histories, a shallow clone).
    func mergeBase(_ commit: String) -> String? {
        guard let out = try? run(["merge-base", commit, "HEAD"]) else { return nil }
        let sha = String(decoding: out, as: UTF8.self).trimmed
        return sha.isEmpty ? nil : sha
    }

    func isShallow() -> Bool {
        (try? run(["rev-parse", "--is-shallow-repository"])).map { String(decoding: $0, as: UTF8.self).trimmed == "true" } ?? false
    }

    /// Every file under the docs root at a commit: path (relative to the docs root) and blob.
    func files(at commit: String) throws -> [(path: String, blob: String)] {
        let out: [UInt8]
        do { out = try run(["ls-tree", "-r", "-z", commit, "--", "."]) } catch {
            throw RunFailure(message: "cannot list the files of \(commit): \(error.stderr.trimmed)")
        }
        var result: [(String, String)] = []
        for entry in out.split(separator: 0) {
            guard let tab = entry.firstIndex(of: 0x09) else { continue }
            let meta = entry[entry.startIndex..<tab].split(separator: 0x20)
            guard meta.count == 3, meta[1].elementsEqual("blob".utf8) else { continue }
            result.append((String(decoding: entry[(tab + 1)...], as: UTF8.self), String(decoding: meta[2], as: UTF8.self)))
        }
        return result
    }

    /// The docs tree at a commit, for checking it as it was. Markdown and YAML files are read at once (one `git
    /// cat-file --batch`); others are listed, and read only if asked for.
    func tree(at commit: String) throws -> GitFileTree {
        let files = try self.files(at: commit)
        let wanted = files.filter { f in
            let lower = f.path.lowercased()
            return [".md", ".markdown", ".yaml", ".yml"].contains { lower.hasSuffix($0) }
        }
        var contents: [String: [UInt8]] = [:]
        if !wanted.isEmpty {
            let input = Array(wanted.map { $0.blob + "\n" }.joined().utf8)
            let out: [UInt8]
            do { out = try run(["cat-file", "--batch"], input: input) } catch {
                throw RunFailure(message: "cannot read the files of \(commit): \(error.stderr.trimmed)")
            }
            // Each object: `<sha> blob <size>\n<bytes>\n`.
            var k = 0
            for f in wanted {
                guard let eol = out[k...].firstIndex(of: 0x0A) else { break }
                let header = out[k..<eol].split(separator: 0x20)
                guard header.count == 3, let size = Int(String(decoding: header[2], as: UTF8.self)), eol + 1 + size <= out.count else { break }
                contents[f.path] = Array(out[(eol + 1)..<(eol + 1 + size)])
                k = eol + 1 + size + 1
            }
        }
        var dirs = Set<String>()
        for f in files {
            var parts = f.path.split(separator: "/").dropLast()
            while !parts.isEmpty { dirs.insert(parts.joined(separator: "/")); parts = parts.dropLast() }
        }
        let listing = FileListing(files: files.map(\.path).filter { !Self.isIgnored($0) }.sorted(),
                                  directories: dirs.filter { !Self.isIgnored($0 + "/x") }.sorted())
        return GitFileTree(repository: self, commit: commit, files: listing, contents: contents,
                           blobs: Dictionary(files.map { ($0.path, $0.blob) }, uniquingKeysWith: { a, _ in a }))
    }

    /// The same files `DiskFileTree` leaves out: hidden ones and build output.
    static func isIgnored(_ path: String) -> Bool {
        path.split(separator: "/").dropLast().contains { $0.hasPrefix(".") || ignoredDirectoryNames.contains(String($0)) }
            || path.split(separator: "/").last?.hasPrefix(".") == true
    }

    /// When each file under the docs root was first committed and last changed (author dates), following renames.
    func history() throws -> DocumentHistory {
        let out: [UInt8]
        do {
            out = try run(["log", "-z", "--format=%x01%as", "--name-status", "-M", "--relative", "--no-merges", "--", "."])
        } catch {
            throw RunFailure(message: "cannot read the git history of \(directory): \(error.stderr.trimmed)")
        }
        var created: [String: DateValue] = [:]
        var updated: [String: DateValue] = [:]
        // Newest commit first; `alias` maps a file's older name to the name it has now.
        var alias: [String: String] = [:]
        var finished = Set<String>()
        var date: DateValue?
        var tokens = out.split(separator: 0, omittingEmptySubsequences: false).map { token -> String in
            var t = token[...]
            while t.first == 0x0A { t = t.dropFirst() }
            return String(decoding: t, as: UTF8.self)
        }.makeIterator()
        while let token = tokens.next() {
            if token.hasPrefix("\u{01}") {
                date = DateValue.iso(String(token.dropFirst()))
                continue
            }
            guard let status = token.first, let date else { continue }
            var old: String?
            let path: String
            if status == "R" || status == "C" {
                guard let from = tokens.next(), let to = tokens.next() else { break }
                old = from
                path = to
            } else {
                guard let p = tokens.next() else { break }
                path = p
            }
            let current = alias[path] ?? path
            // Deleted here: the file this name has now was added later, and its history ends at that addition.
            if status == "D" || finished.contains(current) { continue }
            if updated[current] == nil { updated[current] = date }
            created[current] = date
            if status == "A" || status == "C" { finished.insert(current) }
            if status == "R", let old { alias[old] = current }
        }
        var dates: [String: DocumentHistory.Dates] = [:]
        for (path, first) in created { dates[path] = DocumentHistory.Dates(created: first, updated: updated[path] ?? first) }
        return DocumentHistory(dates: dates)
    }
}

/// A docs tree as it is at a commit.
struct GitFileTree: FileTree {
    let repository: GitRepository
    let commit: String
    let files: FileListing
    let contents: [String: [UInt8]]
    let blobs: [String: String]

    func listing() throws(FileTreeError) -> FileListing { files }

    func read(_ path: String) throws(FileTreeError) -> [UInt8] {
        if let bytes = contents[path] { return bytes }
        guard let blob = blobs[path] else { throw FileTreeError(path: path, message: "no such file at \(commit.prefix(12))") }
        do {
            return try repository.run(["cat-file", "blob", blob])
        } catch {
            throw FileTreeError(path: path, message: error.stderr.trimmed)
        }
    }
}
