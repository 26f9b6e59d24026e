// Runs the real `archbook` executable that SwiftPM built beside the test bundle, the way a user or CI does.

import Foundation
import XCTest

/// What one run of the binary produced.
struct RunResult {
    var status: Int32
    var stdout: Data
    var stderr: Data

    var out: String { String(decoding: stdout, as: UTF8.self) }
    var err: String { String(decoding: stderr, as: UTF8.self) }
}

enum ArchbookBinary {
    /// The products directory (`.build/debug`): on Linux the test runner's `Bundle.main` is the
    /// `*.xctest` executable inside it; on macOS the xctest bundle sits inside it (as in
    /// swift-argument-parser's `debugURL`).
    static var productsDirectory: URL {
        #if os(macOS)
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        #endif
        let url = Bundle.main.bundleURL
        return url.lastPathComponent.hasSuffix("xctest") ? url.deletingLastPathComponent() : url
    }

    /// The binary under test: `ARCHBOOK_BINARY` when set (to test another build), else the one SwiftPM built.
    static var url: URL {
        if let path = ProcessInfo.processInfo.environment["ARCHBOOK_BINARY"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return productsDirectory.appendingPathComponent("archbook")
    }

    /// The package's root directory, found from this file's location in the source tree.
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()   // ArchbookCLITests
            .deletingLastPathComponent()   // Tests
            .deletingLastPathComponent()   // package root
    }

    /// Runs `archbook` with `arguments` in `directory`. The environment is the test's own with `NO_COLOR=1`
    /// (unless `noColor` is false, which removes NO_COLOR), plus `environment`. Standard input is
    /// /dev/null; standard output and standard error are pipes, both drained concurrently.
    /// `launcher` runs the binary through another program (such as `setpriv` to drop root).
    static func run(_ arguments: [String], in directory: URL, noColor: Bool = true,
                    environment: [String: String] = [:], launcher: [String] = [],
                    file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        let binary = url
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            XCTFail("archbook binary not found at \(binary.path); build the package first", file: file, line: line)
            throw CocoaError(.fileNoSuchFile)
        }
        let process = Process()
        if let program = launcher.first {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(launcher.dropFirst()) + [binary.path] + arguments
        } else {
            process.executableURL = binary
            process.arguments = arguments
        }
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "NO_COLOR")
        if noColor { env["NO_COLOR"] = "1" }
        env.merge(environment) { _, new in new }
        process.environment = env
        process.standardInput = FileHandle.nullDevice
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        try process.run()
        let errBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        let errHandle = errPipe.fileHandleForReading
        DispatchQueue.global().async {
            errBox.data = errHandle.readDataToEndOfFile()
            group.leave()
        }
        let out = outPipe.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .exit, "archbook was killed by a signal", file: file, line: line)
        return RunResult(status: process.terminationStatus, stdout: out, stderr: errBox.data)
    }
}

/// Written by one reader thread and read after `DispatchGroup.wait()`, so access never overlaps.
private final class DataBox: @unchecked Sendable {
    var data = Data()
}

/// A scratch directory with the given files, removed by the test case's teardown.
func makeTree(_ files: [String: String], testCase: XCTestCase) throws -> URL {
    let root = FileManager.default.temporaryDirectory
        .appendingPathComponent("archbook-cli-\(UUID().uuidString)", isDirectory: true)
    for (path, text) in files {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(at: root) }
    return root
}
