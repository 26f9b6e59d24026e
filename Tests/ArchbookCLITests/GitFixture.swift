// Temporary git repositories for the CLI tests, made with the real git binary and committed with fixed dates.

import Foundation
import XCTest

struct GitFixture {
    let root: URL

    /// A new repository on branch `main` in a scratch folder removed at teardown, with the files given committed.
    static func make(_ files: [String: String], testCase: XCTestCase, date: String = "2024-01-02T10:00:00") throws -> GitFixture {
        let root = try makeTree(files, testCase: testCase)
        let repo = GitFixture(root: root)
        try repo.git("init", "-q", "-b", "main")
        try repo.git("config", "user.name", "Test Author")
        try repo.git("config", "user.email", "author@example.com")
        try repo.git("config", "commit.gpgsign", "false")
        if !files.isEmpty { try repo.commit("initial", date: date) }
        return repo
    }

    var url: URL { root }

    func write(_ path: String, _ text: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    func remove(_ path: String) throws {
        try FileManager.default.removeItem(at: root.appendingPathComponent(path))
    }

    /// Commits everything, with author and committer date `date`.
    func commit(_ message: String, date: String = "2024-01-02T10:00:00") throws {
        try git("add", "-A")
        try git("commit", "-q", "-m", message, environment: ["GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date])
    }

    @discardableResult
    func git(_ arguments: String..., environment: [String: String] = [:]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = root
        var env = ProcessInfo.processInfo.environment
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        env["HOME"] = root.path
        env.merge(environment) { _, new in new }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "git", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "git \(arguments.joined(separator: " ")): \(String(decoding: errData, as: UTF8.self))"])
        }
        return String(decoding: data, as: UTF8.self)
    }
}
