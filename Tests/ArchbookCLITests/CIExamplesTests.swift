// The CI examples users copy: the GitHub Actions workflows (read as YAML, with the steps they must have) and the
// pre-commit hooks, and the README quoting the workflow exactly as the example file has it.

import Foundation
import XCTest
import Yams

final class CIExamplesTests: XCTestCase {
    var root: URL { ArchbookBinary.packageRoot }

    func load(_ path: String) throws -> Any {
        let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
        return try XCTUnwrap(try Yams.load(yaml: text), path)
    }

    func steps(_ workflow: [String: Any], job: String) throws -> [[String: Any]] {
        let jobs = try XCTUnwrap(workflow["jobs"] as? [String: Any])
        let j = try XCTUnwrap(jobs[job] as? [String: Any], "job \(job)")
        return try XCTUnwrap(j["steps"] as? [[String: Any]])
    }

    func testCheckWorkflowRunsOnPullRequestsAnnotatesAndUploadsSARIF() throws {
        let workflow = try XCTUnwrap(try load("examples/github/archbook-check.yml") as? [String: Any])
        // YAML 1.1 reads the key `on` as true; Yams keeps it a string.
        let on = try XCTUnwrap(workflow["on"] as? [String: Any])
        XCTAssertNotNil(on["pull_request"])
        let permissions = try XCTUnwrap(workflow["permissions"] as? [String: String])
        XCTAssertEqual(permissions["security-events"], "write")
        let steps = try steps(workflow, job: "check")
        let uses = steps.compactMap { $0["uses"] as? String }
        let runs = steps.compactMap { $0["run"] as? String }
        XCTAssertEqual(uses, ["actions/checkout@v4", "github/codeql-action/upload-sarif@v3"])
        // The history checks need the base branch: the whole history is fetched.
        XCTAssertEqual((steps[0]["with"] as? [String: Any])?["fetch-depth"] as? Int, 0)
        XCTAssertTrue(runs.contains { $0.contains("archbook check content --base \"origin/$GITHUB_BASE_REF\" --format github") }, "\(runs)")
        let sarifIndex = try XCTUnwrap(steps.firstIndex { ($0["run"] as? String)?.contains("--format sarif > archbook.sarif") == true })
        let upload = try XCTUnwrap(steps.firstIndex { $0["uses"] as? String == "github/codeql-action/upload-sarif@v3" })
        XCTAssertLessThan(sarifIndex, upload)
        // Both run even when the check step failed: that is when the report matters.
        XCTAssertEqual(steps[sarifIndex]["if"] as? String, "always()")
        XCTAssertEqual(steps[upload]["if"] as? String, "always()")
        XCTAssertEqual((steps[upload]["with"] as? [String: Any])?["sarif_file"] as? String, "archbook.sarif")
    }

    func testPagesWorkflowBuildsAndDeploys() throws {
        let workflow = try XCTUnwrap(try load("examples/github/archbook-pages.yml") as? [String: Any])
        let push = try XCTUnwrap((workflow["on"] as? [String: Any])?["push"] as? [String: Any])
        XCTAssertEqual(push["branches"] as? [String], ["main"])
        let permissions = try XCTUnwrap(workflow["permissions"] as? [String: String])
        XCTAssertEqual(permissions["pages"], "write")
        XCTAssertEqual(permissions["id-token"], "write")
        let build = try steps(workflow, job: "build")
        XCTAssertEqual(build.compactMap { $0["uses"] as? String }, ["actions/checkout@v4", "actions/upload-pages-artifact@v3"])
        XCTAssertTrue(build.contains { ($0["run"] as? String)?.contains("archbook build content --output _site") == true })
        XCTAssertEqual((build.last?["with"] as? [String: Any])?["path"] as? String, "_site")
        let deploy = try steps(workflow, job: "deploy")
        XCTAssertEqual(deploy.compactMap { $0["uses"] as? String }, ["actions/deploy-pages@v4"])
        let jobs = try XCTUnwrap(workflow["jobs"] as? [String: Any])
        XCTAssertEqual((jobs["deploy"] as? [String: Any])?["needs"] as? String, "build")
    }

    func testPreCommitHooks() throws {
        let hooks = try XCTUnwrap(try load(".pre-commit-hooks.yaml") as? [[String: Any]])
        XCTAssertEqual(hooks.compactMap { $0["id"] as? String }, ["archbook-check", "archbook-check-system"])
        XCTAssertEqual(hooks.compactMap { $0["language"] as? String }, ["swift", "system"])
        for hook in hooks {
            XCTAssertEqual(hook["entry"] as? String, "archbook check --quiet")
            XCTAssertEqual(hook["pass_filenames"] as? Bool, false)
            let pattern = try NSRegularExpression(pattern: try XCTUnwrap(hook["files"] as? String))
            for (path, matches) in [("content/decisions/0001-x.md", true), ("docs/archbook.yml", true), ("src/main.swift", false)] {
                let hit = pattern.firstMatch(in: path, range: NSRange(location: 0, length: path.utf16.count)) != nil
                XCTAssertEqual(hit, matches, path)
            }
        }
    }

    /// The README shows both workflows; they must be the example files word for word.
    func testReadmeQuotesTheExamples() throws {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        for example in ["examples/github/archbook-check.yml", "examples/github/archbook-pages.yml"] {
            let text = try String(contentsOf: root.appendingPathComponent(example), encoding: .utf8)
            XCTAssertTrue(readme.contains("```yaml\n" + text + "```\n"), "README.md does not quote \(example)")
        }
    }
}
