// The state of a preview as the page's overlay reads it (/__archbook/diagnostics.json) and as server-sent events carry it.

import ArchbookCore
import Foundation

/// What `/__archbook/diagnostics.json` answers. Pure data: made from a rebuild's outcome, encoded with sorted keys.
struct PreviewStatus: Codable, Equatable, Sendable {
    struct Problem: Codable, Equatable, Sendable {
        /// As the terminal shows it: relative to where archbook was started.
        var file: String
        var line: Int
        var column: Int
        var severity: String
        var rule: String
        var message: String
        var hint: String?
    }

    /// Differs for every run of `archbook serve`, so a page left open across a restart reloads.
    var session: String
    /// The generation of the site being served; a page from an older one reloads.
    var site: Int
    /// Counts rebuilds, failed ones too, so pages refetch this status after each.
    var attempt: Int
    /// Why the last rebuild failed; the previous site is still being served.
    var failure: String?
    var errors: Int
    var warnings: Int
    var documents: Int
    var problems: [Problem]
    /// Names the failure and problems shown: a dismissed overlay stays away until they change.
    var digest: String

    /// After a successful build: its diagnostics in report order, paths prefixed as in the terminal.
    init(session: String, site: Int, attempt: Int, diagnostics: [Diagnostic], documents: Int, displayPrefix: String) {
        let prefix = displayPrefix.isEmpty || displayPrefix.hasSuffix("/") ? displayPrefix : displayPrefix + "/"
        let problems = diagnostics.map {
            Problem(file: prefix + $0.file, line: $0.position.line, column: $0.position.column,
                    severity: $0.severity.rawValue, rule: $0.rule, message: $0.message, hint: $0.hint)
        }
        self.init(session: session, site: site, attempt: attempt, failure: nil,
                  errors: diagnostics.filter { $0.severity == .error }.count,
                  warnings: diagnostics.filter { $0.severity == .warning }.count,
                  documents: documents, problems: problems)
    }

    init(session: String, site: Int, attempt: Int, failure: String?, errors: Int, warnings: Int, documents: Int,
         problems: [Problem]) {
        self.session = session
        self.site = site
        self.attempt = attempt
        self.failure = failure
        self.errors = errors
        self.warnings = warnings
        self.documents = documents
        self.problems = problems
        digest = Self.digest(failure: failure, problems: problems)
    }

    /// After a failed rebuild: the message, no problems (the documents may not have been read), the old site.
    func failed(_ message: String, attempt: Int) -> PreviewStatus {
        PreviewStatus(session: session, site: site, attempt: attempt, failure: message, errors: 0, warnings: 0,
                      documents: documents, problems: [])
    }

    func json() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(self))) ?? Array("{}".utf8)
    }

    /// The small message each server-sent event carries; the page compares it with what it was built from.
    func eventData() -> String {
        "{\"attempt\":\(attempt),\"session\":\"\(session)\",\"site\":\(site)}"
    }

    /// FNV-1a over the shown text: stable across runs, so dismissing survives a reload of the same problems.
    static func digest(failure: String?, problems: [Problem]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ s: String) {
            for b in s.utf8 {
                hash ^= UInt64(b)
                hash = hash &* 0x0000_0100_0000_01b3
            }
            hash ^= 0xff
            hash = hash &* 0x0000_0100_0000_01b3
        }
        mix(failure ?? "")
        for p in problems {
            mix(p.file); mix(String(p.line)); mix(String(p.column)); mix(p.severity); mix(p.rule); mix(p.message)
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// The wire format of server-sent events (https://html.spec.whatwg.org/multipage/server-sent-events.html).
enum ServerSentEvent {
    /// One event; each line of `data` gets its own `data:` field, as the format requires.
    static func message(event: String, data: String) -> [UInt8] {
        var text = "event: \(event)\n"
        for line in data.split(separator: "\n", omittingEmptySubsequences: false) { text += "data: \(line)\n" }
        return Array((text + "\n").utf8)
    }

    /// Sent first on every stream: how long the browser waits before reconnecting when the server is gone.
    static let retry = Array("retry: 1000\n\n".utf8)
    /// A comment line, which browsers ignore; writing it finds connections whose page has gone away.
    static let keepAlive = Array(": keep-alive\n\n".utf8)
}
