// Test helpers for `archbook serve`: the real binary in the background, raw HTTP over loopback, and an event-stream reader.

import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Bytes appended by a pipe's reader thread and read by the test thread.
final class LockedBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ more: Data) {
        lock.lock(); defer { lock.unlock() }
        data.append(more)
    }

    var text: String {
        lock.lock(); defer { lock.unlock() }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` seconds pass; true if it held.
func eventually(timeout: Double = 30, _ condition: () throws -> Bool) rethrows -> Bool {
    let end = Date().addingTimeInterval(timeout)
    while Date() < end {
        if try condition() { return true }
        usleep(20_000)
    }
    return try condition()
}

/// `archbook serve` running in the background on a port of its choosing (`--port 0` unless given).
final class ServeProcess {
    let process = Process()
    let stdout = LockedBuffer()
    let stderr = LockedBuffer()
    private(set) var port = 0
    private(set) var workDir = ""

    /// Starts serve and waits for the line with its URL. With `expectFailure`, returns once the process has exited.
    init(_ arguments: [String], in directory: URL, environment: [String: String] = [:], expectFailure: Bool = false,
         file: StaticString = #filePath, line: UInt = #line) throws {
        process.executableURL = ArchbookBinary.url
        process.arguments = ["serve"] + arguments + (arguments.contains("--port") ? [] : ["--port", "0"])
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env.merge(environment) { _, new in new }
        process.environment = env
        process.standardInput = FileHandle.nullDevice
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        let out = stdout, err = stderr
        outPipe.fileHandleForReading.readabilityHandler = { handle in out.append(handle.availableData) }
        errPipe.fileHandleForReading.readabilityHandler = { handle in err.append(handle.availableData) }
        try process.run()
        if expectFailure {
            process.waitUntilExit()
            // Let the readers take what the pipes still hold.
            _ = eventually(timeout: 2) { self.stderr.text.hasSuffix("\n") }
            return
        }
        let started = eventually(timeout: 120) { self.stderr.text.contains("watching for changes with") || !self.process.isRunning }
        let text = stderr.text
        guard started, process.isRunning,
              let range = text.range(of: #"http://127\.0\.0\.1:([0-9]+)/"#, options: .regularExpression),
              let dirRange = text.range(of: #"the site is in (\S+) "#, options: .regularExpression) else {
            XCTFail("archbook serve did not start:\n\(text)", file: file, line: line)
            stop()
            throw CocoaError(.fileReadUnknown)
        }
        port = Int(text[range].split(separator: ":").last!.dropLast())!
        workDir = String(text[dirRange].dropFirst("the site is in ".count).dropLast())
    }

    /// Sends `signal` (SIGTERM unless told) and waits for the process to end; returns its exit status.
    @discardableResult
    func stop(_ signal: Int32 = SIGTERM) -> Int32 {
        if process.isRunning {
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    func get(_ path: String) throws -> HTTPReply {
        try RawHTTP.get(port: port, path)
    }
}

struct HTTPReply {
    var status: Int
    /// Header names in lower case.
    var headers: [String: String]
    var body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// HTTP/1.1 written by hand on a socket, so tests can send exactly the bytes they mean (curl and URLSession
/// would normalise `..` and percent escapes away before the server saw them).
enum RawHTTP {
    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard r == 0 else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
        return fd
    }

    static func send(_ fd: Int32, _ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }

    /// Sends `request` as it is and reads the answer to the end (the request should say `Connection: close`).
    static func exchange(port: Int, _ request: [UInt8]) throws -> HTTPReply {
        let fd = try connect(port: port)
        defer { close(fd) }
        send(fd, request)
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n <= 0 { break }
            data += buffer[0..<n]
        }
        return try parse(data)
    }

    static func get(port: Int, _ target: String, method: String = "GET") throws -> HTTPReply {
        try exchange(port: port, Array("\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8))
    }

    static func parse(_ data: [UInt8]) throws -> HTTPReply {
        let separator = Array("\r\n\r\n".utf8)
        guard let end = (0...(max(0, data.count - 4))).first(where: { data.count >= 4 && Array(data[$0..<($0 + 4)]) == separator }) else {
            throw POSIXError(.EBADMSG)
        }
        let head = String(decoding: data[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(head[0].split(separator: " ")[1]) ?? 0
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(data[(end + 4)...])
        if headers["transfer-encoding"] == "chunked" { body = dechunk(body) }
        return HTTPReply(status: status, headers: headers, body: body)
    }

    static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            guard let lineEnd = (i..<bytes.count).first(where: { bytes[$0] == 10 }) else { break }
            let size = Int(String(decoding: bytes[i..<lineEnd], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines), radix: 16) ?? 0
            if size == 0 { break }
            out += bytes[(lineEnd + 1)..<min(bytes.count, lineEnd + 1 + size)]
            i = lineEnd + 1 + size + 2
        }
        return out
    }
}

/// Reads /__archbook/events as a browser's EventSource would, on its own connection.
final class EventStreamReader {
    private let fd: Int32
    private var received = ""

    init(port: Int) throws {
        fd = try RawHTTP.connect(port: port)
        RawHTTP.send(fd, Array("GET /__archbook/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".utf8))
    }

    deinit { close(fd) }

    /// The data of the next `event` not yet returned, waiting up to `timeout` seconds; nil if none came.
    func next(_ event: String, timeout: Double = 30) -> String? {
        let end = Date().addingTimeInterval(timeout)
        let marker = "event: \(event)\ndata: "
        while true {
            if let start = received.range(of: marker), let lineEnd = received[start.upperBound...].firstIndex(of: "\n") {
                let data = String(received[start.upperBound..<lineEnd])
                received.removeSubrange(received.startIndex..<lineEnd)
                return data
            }
            let left = end.timeIntervalSinceNow
            if left <= 0 { return nil }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, Int32(left * 1000)) > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 65536)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n <= 0 { return nil }
            received += String(decoding: buffer[0..<n], as: UTF8.self)
        }
    }

    /// The JSON of an event's data.
    static func fields(_ data: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any] ?? [:]
    }
}
