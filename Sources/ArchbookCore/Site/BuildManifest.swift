// What one build leaves for the next: per output file, a key of what it was made from and a hash of its bytes,
// so an incremental build renders only the pages whose inputs changed and takes the rest from the previous site.

import Foundation

/// A 64-bit hash that is stable across runs and machines, unlike Swift's seeded `Hasher`: eight bytes at a time
/// (xor, multiply, xor-shift, as in splitmix64's finaliser), the last few bytes one at a time (FNV-1a); runs of 64
/// bytes or more go through four such lanes side by side (`Lanes`), folded into the hash at the end of the run. Builds
/// hash every file they read and write and every body their pages show, hundreds of megabytes for a large handbook,
/// which byte-wise FNV-1a did at a multiply per byte and one lane at one multiply's latency per eight bytes. Every
/// string is fed with its length first, so `("ab", "c")` and `("a", "bc")` differ; each `add` is one unit, so the
/// same values added in the same calls give the same hash. Only caches keep these hashes: changing the function
/// changes no output.
public struct StableHash: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    @inline(__always)
    private mutating func word(_ w: UInt64) {
        value = (value ^ w) &* 0xBF58_476D_1CE4_E5B9
        value ^= value >> 31
    }

    @inline(__always)
    private mutating func byte(_ b: UInt8) {
        value = (value ^ UInt64(b)) &* 0x0000_0100_0000_01b3
    }

    public mutating func add(_ bytes: some Sequence<UInt8>) {
        let contiguous: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            let raw = UnsafeRawBufferPointer(buffer)
            var i = 0
            if raw.count >= 64 {
                var lanes = Lanes(seed: value)
                i = lanes.add(raw)
                value = lanes.folded
            }
            while i + 8 <= raw.count {
                word(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
                i += 8
            }
            while i < raw.count { byte(raw[i]); i += 1 }
        }
        if contiguous == nil { for b in bytes { byte(b) } }
    }

    public mutating func add(_ n: Int) {
        word(UInt64(bitPattern: Int64(n)))
    }

    public mutating func add(_ s: String) {
        add(s.utf8.count)
        var s = s
        s.withUTF8 { add($0) }
    }

    public mutating func add(_ s: String?) {
        if let s { add(1); add(s) } else { add(0) }
    }

    public mutating func add(_ b: Bool) { add(b ? 1 : 0) }

    public static func of(_ bytes: some Collection<UInt8>) -> UInt64 {
        var h = StableHash()
        h.add(bytes)
        return h.value
    }
}

/// Four independent lanes of xor, multiply, xor-shift over 32-byte blocks: a lane's multiply does not wait for
/// another's, so a long run is hashed several times faster than through one lane.
struct Lanes {
    private var a: UInt64, b: UInt64, c: UInt64, d: UInt64

    init(seed: UInt64) {
        a = seed
        b = seed ^ 0x9E37_79B9_7F4A_7C15
        c = seed ^ 0xD6E8_FEB8_6659_FD93
        d = seed ^ 0xA076_1D64_78BD_642F
    }

    @inline(__always)
    static func mix(_ h: UInt64, _ w: UInt64) -> UInt64 {
        let m = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
        return m ^ (m >> 31)
    }

    /// One 32-byte block, as four little-endian words.
    @inline(__always)
    mutating func block(_ w0: UInt64, _ w1: UInt64, _ w2: UInt64, _ w3: UInt64) {
        a = Self.mix(a, w0)
        b = Self.mix(b, w1)
        c = Self.mix(c, w2)
        d = Self.mix(d, w3)
    }

    /// Every whole block of `raw`; returns where the rest begins.
    @inline(__always)
    mutating func add(_ raw: UnsafeRawBufferPointer) -> Int {
        var i = 0
        while i + 32 <= raw.count {
            block(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)),
                  UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)),
                  UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self)),
                  UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self)))
            i += 32
        }
        return i
    }

    /// The lanes as one value, each mixed into the first in turn.
    var folded: UInt64 { Self.mix(Self.mix(Self.mix(a, b), c), d) }
}

public struct BuildManifest: Sendable, Equatable {
    static let header = "archbook-build-manifest 1"

    public struct Entry: Sendable, Equatable {
        /// The key of a page's inputs; 0 for other files, which are reused only when their bytes are the same.
        public var inputs: UInt64
        public var hash: UInt64
        public var size: Int

        public init(inputs: UInt64, hash: UInt64, size: Int) {
            self.inputs = inputs
            self.hash = hash
            self.size = size
        }
    }

    /// archbook's version, the configuration, the theme and the build options together: when it differs,
    /// nothing of the previous build is reused.
    public var buildKey: UInt64
    public var files: [String: Entry]

    public init(buildKey: UInt64, files: [String: Entry] = [:]) {
        self.buildKey = buildKey
        self.files = files
    }

    /// One line per file, sorted: `<inputs> <hash> <size> <path>`, hexadecimal numbers. Ends with a line
    /// holding the hash of everything before it, so a truncated or edited manifest is recognised.
    public func encoded() -> [UInt8] {
        var text = Self.header + "\n" + hex(buildKey) + "\n"
        for (path, e) in files.sorted(by: { $0.key < $1.key }) {
            text += hex(e.inputs) + " " + hex(e.hash) + " " + String(e.size) + " " + path + "\n"
        }
        var bytes = Array(text.utf8)
        bytes += Array(("end " + hex(StableHash.of(bytes)) + "\n").utf8)
        return bytes
    }

    /// nil for anything that is not a complete manifest of this format: a damaged cache is ignored, never trusted.
    public static func decode(_ bytes: [UInt8]) -> BuildManifest? {
        guard let endLine = bytes.dropLast().lastIndex(of: 0x0A).map({ $0 + 1 }), bytes.last == 0x0A else { return nil }
        let body = bytes[..<endLine]
        let end = String(decoding: bytes[endLine...].dropLast(), as: UTF8.self)
        guard end == "end " + hex(StableHash.of(body)) else { return nil }
        // On bytes: a build of 10,000 documents leaves a manifest of 30,000 lines, and splitting it as a String
        // took a tenth of a second.
        let lines = body.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
        guard lines.count >= 2, String(decoding: lines[lines.startIndex], as: UTF8.self) == Self.header,
              let key = number(lines[lines.startIndex + 1], radix: 16) else { return nil }
        var manifest = BuildManifest(buildKey: key)
        manifest.files.reserveCapacity(lines.count - 2)
        for line in lines.dropFirst(2) {
            let parts = line.split(separator: 0x20, maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count == 4, let inputs = number(parts[0], radix: 16), let hash = number(parts[1], radix: 16),
                  let size = number(parts[2], radix: 10), size <= UInt64(Int.max), !parts[3].isEmpty else { return nil }
            manifest.files[String(decoding: parts[3], as: UTF8.self)] = Entry(inputs: inputs, hash: hash, size: Int(size))
        }
        return manifest
    }

    /// An unsigned number in hexadecimal or decimal digits only (no sign, no prefix), as `encoded` writes it.
    static func number(_ digits: ArraySlice<UInt8>, radix: UInt64) -> UInt64? {
        guard !digits.isEmpty, digits.count <= (radix == 16 ? 16 : 19) else { return nil }
        var n: UInt64 = 0
        for b in digits {
            let d: UInt64
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt64(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f") where radix == 16: d = UInt64(b - UInt8(ascii: "a") + 10)
            default: return nil
            }
            n = n * radix + d
        }
        return n
    }
}

/// `n` in 16 lower-case hex digits: the manifest's numbers and the names of stored bodies.
func hex(_ n: UInt64) -> String {
    let s = String(n, radix: 16)
    return String(repeating: "0", count: 16 - s.count) + s
}

/// Wraps the build's sink: records what each file was made from, and takes a file from the previous build
/// instead of writing it when the previous one has the same bytes (or, for a page, the same inputs).
final class RecordingSink<Inner: SiteSink>: SiteSink, @unchecked Sendable {
    let inner: Inner
    let previous: BuildManifest?
    private let lock = NSLock()
    private var entries: [String: BuildManifest.Entry] = [:]
    private(set) var reusedPages = 0

    init(_ inner: Inner, previous: BuildManifest?) {
        self.inner = inner
        self.previous = previous
    }

    var manifestFiles: [String: BuildManifest.Entry] {
        lock.lock(); defer { lock.unlock() }
        return entries
    }

    private func record(_ path: String, _ entry: BuildManifest.Entry, page: Bool) {
        lock.lock(); defer { lock.unlock() }
        entries[path] = entry
        if page { reusedPages += 1 }
    }

    func write(_ path: String, _ bytes: [UInt8]) throws(FileTreeError) {
        try write(path, bytes, inputs: 0)
    }

    func write(_ path: String, _ bytes: [UInt8], inputs: UInt64) throws(FileTreeError) {
        let entry = BuildManifest.Entry(inputs: inputs, hash: StableHash.of(bytes), size: bytes.count)
        if let old = previous?.files[path], old.hash == entry.hash, old.size == entry.size, inner.reuse(path, size: entry.size) {
            record(path, entry, page: false)
            return
        }
        try inner.write(path, bytes)
        record(path, entry, page: false)
    }

    /// The previous build's page (or, not `isPage`, another file made from known inputs), when it was made from
    /// the same inputs and is still there.
    func reusePage(_ path: String, inputs: UInt64, isPage: Bool = true) -> Bool {
        guard let old = previous?.files[path], old.inputs == inputs, inputs != 0, inner.reuse(path, size: old.size) else { return false }
        record(path, old, page: isPage)
        return true
    }

}
