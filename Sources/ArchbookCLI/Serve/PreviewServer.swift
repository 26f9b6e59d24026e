// The HTTP side of `archbook serve` on FlyingFox: site files from the current build folder, and the /__archbook/ endpoints.

import ArchbookCore
import FlyingFox
import FlyingSocks
import Foundation

/// What the server serves, replaced as a whole by the preview loop after each rebuild.
final class PreviewState: @unchecked Sendable {
    struct Snapshot: Sendable {
        /// The current build folder, symbolic links resolved; nil until the first build is done.
        var root: String?
        var status: PreviewStatus
        var statusJSON: [UInt8]
    }

    private let lock = NSLock()
    private var current: Snapshot

    init(session: String) {
        let status = PreviewStatus(session: session, site: 0, attempt: 0, failure: nil, errors: 0, warnings: 0,
                                   documents: 0, problems: [])
        current = Snapshot(root: nil, status: status, statusJSON: status.json())
    }

    var snapshot: Snapshot {
        lock.lock(); defer { lock.unlock() }
        return current
    }

    /// Switches every later request to `root` (nil keeps the site being served) in one step.
    func publish(root: String?, status: PreviewStatus) {
        let json = status.json()
        lock.lock(); defer { lock.unlock() }
        if let root { current.root = root }
        current.status = status
        current.statusJSON = json
    }
}

/// The open event streams. Each gets every message from the moment it subscribes.
final class EventHub: @unchecked Sendable {
    private let lock = NSLock()
    private var streams: [Int: AsyncStream<[UInt8]>.Continuation] = [:]
    private var nextID = 0

    var count: Int {
        lock.lock(); defer { lock.unlock() }
        return streams.count
    }

    /// A new stream that starts with `first()`. That is made after the stream is registered, so a rebuild
    /// finishing meanwhile is either in it or broadcast to the stream afterwards; each message carries the
    /// whole state, so their order does not matter.
    func subscribe(first: () -> [UInt8]) -> EventStreamBytes {
        // A page that stops reading keeps at most a few messages queued; the newest say all that matters.
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .bufferingNewest(8))
        lock.lock()
        let id = nextID
        nextID += 1
        streams[id] = continuation
        lock.unlock()
        continuation.yield(first())
        return EventStreamBytes(stream: stream, subscription: Subscription(hub: self, id: id))
    }

    func broadcast(_ message: [UInt8]) {
        lock.lock()
        let all = Array(streams.values)
        lock.unlock()
        for c in all { c.yield(message) }
    }

    fileprivate func remove(_ id: Int) {
        lock.lock()
        let c = streams.removeValue(forKey: id)
        lock.unlock()
        c?.finish()
    }

    /// Writes a comment to every stream now and then: a write to a page that is gone fails, which ends
    /// its connection and, through `Subscription`, its entry here.
    func startKeepAlive(every seconds: Int = 15) {
        Task.detached { [weak self] in
            while let hub = self {
                hub.broadcast(ServerSentEvent.keepAlive)
                try? await Task.sleep(nanoseconds: UInt64(seconds) * 1_000_000_000)
            }
        }
    }

    /// Ends a stream's entry when the response that reads it is released (the connection closed).
    final class Subscription: Sendable {
        let hub: EventHub
        let id: Int
        init(hub: EventHub, id: Int) {
            self.hub = hub
            self.id = id
        }
        deinit { hub.remove(id) }
    }
}

/// An event stream as the bytes of a chunked response body: one chunk per message, sent as it comes.
struct EventStreamBytes: AsyncBufferedSequence, Sendable {
    typealias Element = UInt8
    let stream: AsyncStream<[UInt8]>
    let subscription: EventHub.Subscription

    func makeAsyncIterator() -> Iterator {
        Iterator(base: stream.makeAsyncIterator(), subscription: subscription)
    }

    struct Iterator: AsyncBufferedIteratorProtocol {
        var base: AsyncStream<[UInt8]>.Iterator
        let subscription: EventHub.Subscription
        var pending: ArraySlice<UInt8> = []

        mutating func next() async -> UInt8? {
            guard await fill() else { return nil }
            return pending.popFirst()
        }

        mutating func nextBuffer(suggested count: Int) async -> [UInt8]? {
            guard await fill() else { return nil }
            let out = Array(pending.prefix(Swift.max(1, count)))
            pending = pending.dropFirst(out.count)
            return out
        }

        /// Waits for a message with bytes in it; false when the stream has ended.
        private mutating func fill() async -> Bool {
            while pending.isEmpty {
                guard let message = await base.next() else { return false }
                pending = message[...]
            }
            return true
        }
    }
}

/// Answers every request: /__archbook/ for serve's own files and events, anything else from the site folder.
struct PreviewHandler: HTTPHandler {
    let state: PreviewState
    let hub: EventHub

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        let head = request.method == .HEAD
        guard request.method == .GET || head else {
            var r = Self.text(.methodNotAllowed, "Only GET and HEAD are served.\n", head: false)
            r.headers[HTTPHeader("Allow")] = "GET, HEAD"
            return r
        }
        let snapshot = state.snapshot
        // The raw, still percent-encoded target: decoded and checked segment by segment by RequestPath.
        guard let path = RequestPath(target: request.target.path(percentEncoded: true)) else {
            return notFound(snapshot, head: head)
        }
        if path.segments.first == "__archbook" { return own(path, snapshot: snapshot, head: head) }
        guard let root = snapshot.root else {
            var r = Self.text(.serviceUnavailable, "archbook is building the site; this page reloads when it is ready.\n", head: head)
            r.headers[HTTPHeader("Retry-After")] = "1"
            return r
        }
        switch SiteFiles.locate(path, root: root) {
        case .redirect(let location):
            var r = Self.text(.movedPermanently, "Moved to \(location)\n", head: head)
            r.headers[.location] = location
            return r
        case .notFound:
            return notFound(snapshot, head: head)
        case .file(let file):
            guard let bytes = SiteFiles.read(file) else {
                // The folder may have been replaced by a newer build between the lookup and the read.
                let now = state.snapshot
                if now.root != root, let newRoot = now.root, case .file(let again) = SiteFiles.locate(path, root: newRoot),
                   let bytes = SiteFiles.read(again) {
                    return page(bytes, type: MediaType.of(again), snapshot: now, head: head)
                }
                return notFound(snapshot, head: head)
            }
            return page(bytes, type: MediaType.of(file), snapshot: snapshot, head: head)
        }
    }

    private func page(_ bytes: [UInt8], type: String, snapshot: PreviewState.Snapshot, head: Bool,
                      status: HTTPStatusCode = .ok) -> HTTPResponse {
        var body = bytes
        if type == MediaType.html {
            body = ReloadInjection.inject(ReloadInjection.tag(session: snapshot.status.session, site: snapshot.status.site), into: body)
        }
        return Self.response(status, type: type, body: body, head: head)
    }

    /// The site's own 404 page (its links made root-relative, since it answers at any depth), else plain text.
    private func notFound(_ snapshot: PreviewState.Snapshot, head: Bool) -> HTTPResponse {
        if let root = snapshot.root, case .file(let file) = SiteFiles.locate(RequestPath(segments: ["404.html"], trailingSlash: false), root: root),
           let bytes = SiteFiles.read(file) {
            return page(ReloadInjection.rootRelativeLinks(bytes), type: MediaType.html, snapshot: snapshot, head: head, status: .notFound)
        }
        return Self.text(.notFound, "Not found.\n", head: head)
    }

    /// serve's own files. Pages cannot shadow them: a site folder named __archbook is not served.
    private func own(_ path: RequestPath, snapshot: PreviewState.Snapshot, head: Bool) -> HTTPResponse {
        guard path.segments.count == 2, !path.trailingSlash else { return Self.text(.notFound, "Not found.\n", head: head) }
        switch path.segments[1] {
        case "reload.js":
            return Self.response(.ok, type: "text/javascript; charset=utf-8", body: Array(ReloadScript.javascript.utf8), head: head)
        case "overlay.css":
            return Self.response(.ok, type: "text/css; charset=utf-8", body: Array(ReloadScript.stylesheet.utf8), head: head)
        case "diagnostics.json":
            return Self.response(.ok, type: "application/json", body: snapshot.statusJSON, head: head)
        case "events":
            var headers = HTTPHeaders()
            headers[.contentType] = "text/event-stream; charset=utf-8"
            headers[.cacheControl] = "no-store"
            if head { return HTTPResponse(statusCode: .ok, headers: headers) }
            let events = hub.subscribe { [state] in
                ServerSentEvent.retry + ServerSentEvent.message(event: "hello", data: state.snapshot.status.eventData())
            }
            return HTTPResponse(statusCode: .ok, headers: headers, body: HTTPBodySequence(from: events))
        default:
            return Self.text(.notFound, "Not found.\n", head: head)
        }
    }

    static func text(_ status: HTTPStatusCode, _ text: String, head: Bool) -> HTTPResponse {
        response(status, type: "text/plain; charset=utf-8", body: Array(text.utf8), head: head)
    }

    /// Every answer: never cached (the preview changes under the browser), never sniffed as another type.
    static func response(_ status: HTTPStatusCode, type: String, body: [UInt8], head: Bool) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers[.contentType] = type
        headers[.cacheControl] = "no-store"
        headers[HTTPHeader("X-Content-Type-Options")] = "nosniff"
        if head {
            headers[.contentLength] = String(body.count)
            return HTTPResponse(statusCode: status, headers: headers)
        }
        return HTTPResponse(statusCode: status, headers: headers, body: Data(body))
    }
}

enum PreviewServer {
    /// Binds `host:port` and serves in the background; returns the server and the URL it answers at (with
    /// the port the system chose for 0). Port in use and other bind failures are a RunFailure (exit 2).
    static func start(host: String, port: Int, handler: PreviewHandler) throws -> (server: HTTPServer, url: String) {
        let literal = host == "localhost" ? "127.0.0.1" : host
        let address: any SocketAddress
        do {
            address = literal.contains(":") ? try sockaddr_in6.inet6(ip6: literal, port: UInt16(port))
                                            : try sockaddr_in.inet(ip4: literal, port: UInt16(port))
        } catch {
            throw RunFailure(message: "--host '\(host)' is not an IP address; use 127.0.0.1 (the default), ::1 or the address of one of this machine's interfaces")
        }
        let config = HTTPServer.Configuration(address: address, timeout: 15, logger: .disabled)
        let server = HTTPServer(config: config, handler: handler)
        let outcome = StartOutcome()
        Task { do { try await server.run() } catch { outcome.finish(.failure(error)) } }
        Task {
            do {
                try await server.waitUntilListening(timeout: 30)
                outcome.finish(.success(await server.listeningAddress))
            } catch {
                outcome.finish(.failure(error))
            }
        }
        switch outcome.wait() {
        case .success(let bound):
            var actualPort = port
            if case .ip4(_, let p) = bound { actualPort = Int(p) }
            if case .ip6(_, let p) = bound { actualPort = Int(p) }
            // Listening on every interface: this machine reaches it through loopback.
            let reachable = literal == "0.0.0.0" ? "127.0.0.1" : literal == "::" ? "::1" : literal
            let shown = reachable.contains(":") ? "[\(reachable)]" : reachable
            return (server, "http://\(shown):\(actualPort)/")
        case .failure(let error):
            if case SocketError.failed(let type, let code, let message) = error {
                if code == EADDRINUSE {
                    throw RunFailure(message: "port \(port) on \(host) is already in use; stop the program using it or choose another port with --port (--port 0 picks a free one)")
                }
                if code == EACCES {
                    throw RunFailure(message: "not allowed to listen on port \(port) (ports below 1024 need privileges); choose another port with --port")
                }
                if code == EADDRNOTAVAIL {
                    throw RunFailure(message: "cannot listen on \(host): no interface of this machine has that address")
                }
                throw RunFailure(message: "cannot listen on \(host):\(port): \(type.lowercased()) failed: \(message)")
            }
            throw RunFailure(message: "cannot listen on \(host):\(port): \(error.localizedDescription)")
        }
    }

    /// The first of "listening" or "failed", handed from the server's tasks to the waiting command.
    private final class StartOutcome: @unchecked Sendable {
        private let semaphore = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var result: Result<Socket.Address?, any Error>?

        func finish(_ r: Result<Socket.Address?, any Error>) {
            lock.lock()
            let first = result == nil
            if first { result = r }
            lock.unlock()
            if first { semaphore.signal() }
        }

        func wait() -> Result<Socket.Address?, any Error> {
            semaphore.wait()
            lock.lock(); defer { lock.unlock() }
            return result!
        }
    }
}
