// `archbook init`: writes the configuration detection found as DIR/archbook.yml, with comments, never over an existing file.

import ArchbookCore
import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Detect the presets the documents follow and write them down as DIR/archbook.yml.",
        discussion: """
        DIR defaults to ./content when it exists, else the current directory. archbook scores each folder's documents \
        against every preset (file names, front matter keys, header bullets, status sections, section names) and writes \
        the best fit per folder, with comments that give the evidence. An existing archbook.yml is never overwritten: \
        init then stops with exit code 2 (use --print to see what it would write).
        Exit codes: 0 written (or printed), 2 usage error, an existing archbook.yml, or a folder that cannot be read.
        """
    )

    @Argument(help: "The docs tree to describe.", completion: .directory)
    var directory: String?

    @Flag(name: .customLong("print"), help: "Write the configuration to standard output instead of DIR/archbook.yml.")
    var printOnly = false

    func run() throws {
        let root = Workspace.root(directory)
        guard DiskFileTree.isDirectory(root) else {
            throw RunFailure(message: "'\(root)' is not a directory; pass the folder that holds your documents")
        }
        let path = root == "." ? Config.fileName : (root.hasSuffix("/") ? root : root + "/") + Config.fileName
        if !printOnly && (DiskFileTree.isFile(path) || DiskFileTree.isDirectory(path)) {
            throw RunFailure(message: "\(path) already exists; archbook init never overwrites it (remove it first, or use --print to see what init would write)")
        }
        let detection: Detection
        do {
            detection = try Detector.detect(DiskFileTree(root: root))
        } catch {
            throw RunFailure(message: "cannot read \(root): \(error.message)")
        }
        if printOnly {
            Output.out(detection.yaml)
            return
        }
        try Self.createExclusively(path, Array(detection.yaml.utf8))
        var summary = "archbook: wrote \(path)\n"
        for k in detection.kinds {
            let folders = k.folders.map { $0.isEmpty ? "." : $0 }.joined(separator: ", ")
            summary += "  \(k.name): \(k.preset ?? "built-in schema"), \(k.documents) document\(k.documents == 1 ? "" : "s") in \(folders)\n"
        }
        if detection.kinds.isEmpty { summary += "  no folder holds documents of a known kind; see the comments in the file\n" }
        Output.err(summary)
    }

    /// Creates the file only if it does not exist (O_EXCL), so a file appearing meanwhile is not overwritten either.
    static func createExclusively(_ path: String, _ bytes: [UInt8]) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else {
            let why = String(cString: strerror(errno))
            throw RunFailure(message: errno == EEXIST
                ? "\(path) already exists; archbook init never overwrites it"
                : "cannot create \(path): \(why)")
        }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw RunFailure(message: "cannot write \(path): \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }
}
