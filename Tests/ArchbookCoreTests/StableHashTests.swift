// The hashes the caches are keyed and sealed with: no byte of a long run is left out of either (that a checksum
// over pieces is the one over the whole is DocumentMemoTests').

import XCTest
@testable import ArchbookCore

final class StableHashTests: XCTestCase {
    /// Deterministic bytes, so a failure can be reproduced.
    private func bytes(_ n: Int, seed: UInt64 = 7) -> [UInt8] {
        var x = seed
        return (0..<n).map { _ in
            x = x &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: x >> 33)
        }
    }

    func testEveryByteOfALongRunCounts() {
        let all = bytes(300)
        let sealed = MemoWriter.checksum(all[...])
        let hashed = StableHash.of(all)
        for i in all.indices {
            var changed = all
            changed[i] ^= 0x01
            XCTAssertNotEqual(MemoWriter.checksum(changed[...]), sealed, "checksum misses byte \(i)")
            XCTAssertNotEqual(StableHash.of(changed), hashed, "hash misses byte \(i)")
        }
        // Words swapped between lanes, and the count, change both too.
        var swapped = all
        swapped.replaceSubrange(0..<8, with: all[8..<16])
        swapped.replaceSubrange(8..<16, with: all[0..<8])
        XCTAssertNotEqual(StableHash.of(swapped), hashed)
        XCTAssertNotEqual(MemoWriter.checksum(swapped[...]), sealed)
        XCTAssertNotEqual(StableHash.of(all + [0]), hashed)
        XCTAssertNotEqual(MemoWriter.checksum((all + [0])[...]), sealed)
    }

    func testTheHashOfBytesDoesNotDependOnTheirContainer() {
        let all = bytes(500)
        var a = StableHash(), b = StableHash(), c = StableHash()
        a.add(all)
        b.add(all[...])
        c.add(String(decoding: all.map { $0 & 0x7F }, as: UTF8.self).utf8.map { $0 })
        var d = StableHash()
        d.add(all.map { $0 & 0x7F })
        XCTAssertEqual(a.value, b.value)
        XCTAssertEqual(c.value, d.value)
        // A sequence without contiguous storage goes byte by byte: not the same function, but as stable.
        var e = StableHash(), f = StableHash()
        e.add(all.lazy.map { $0 })
        f.add(all.lazy.map { $0 })
        XCTAssertEqual(e.value, f.value)
    }
}
