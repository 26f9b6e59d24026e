// The search index a build patches from the last build's state is the one a full count makes, byte for byte.

import Foundation
import XCTest
@testable import ArchbookCore

final class SearchStateTests: XCTestCase {
    static let prefixes = ["ADR", "RB"]

    /// A handbook of `count` documents whose words are shared (`kafka`, `stream`) and their own (`alphaN`).
    static func handbook(_ count: Int = 40) -> [SearchDocument] {
        (0..<count).map { k in
            let prefix = k % 3 == 0 ? "RB" : "ADR"
            let segments = [SearchSegment(anchor: "", heading: "", text: "Kafka stream alpha\(k) for the \(k % 5) team."),
                            SearchSegment(anchor: "context", heading: "Context", text: "Events wait in topic\(k % 7) until read.")]
            return document(id: "\(prefix)-\(String(format: "%04d", k + 1))", title: "Decide on stream \(k)", tags: ["kafka", "t\(k % 4)"],
                            url: "d/\(k).html", segments: segments)
        }
    }

    static func document(id: String?, title: String, tags: [String], url: String, segments: [SearchSegment]) -> SearchDocument {
        var d = SearchDocument(id: id, title: title, kind: "decision", status: "accepted", date: "2024-01-02", tags: tags, url: url,
                               segments: segments)
        d.segmentsHash = RenderedBody.hash(of: segments)
        return d
    }

    /// Replaces document `k`'s text with `text` (keeping its hash in step, as a build does).
    static func edit(_ docs: inout [SearchDocument], _ k: Int, text: String) {
        var segments = docs[k].segments
        segments[0].text = text
        docs[k] = document(id: docs[k].id, title: docs[k].title, tags: docs[k].tags, url: docs[k].url, segments: segments)
    }

    /// The files and the state of an index written with `previous`.
    static func write(_ docs: [SearchDocument], previous: SearchState?, options: SearchOptions) throws -> ([String: [UInt8]], SearchState) {
        let site = InMemorySite()
        let written = try SearchIndex.write(docs, idPrefixes: prefixes, kindLabels: [:], options: options, to: site, counted: nil,
                                            previous: previous, keepsState: true)
        return (site.files, try XCTUnwrap(written.state))
    }

    func testPatchedIndexIsTheFullIndexAfterEditsThatKeepTheAverages() throws {
        for options in [SearchOptions(), SearchOptions(splitBytes: 10, shardBytes: 200)] {
            var docs = Self.handbook()
            var (_, state) = try Self.write(docs, previous: nil, options: options)
            // Rounds of edits, each patched from the state the last one left: a word replaced by a new one (its old
            // term goes, since no other document has it), an ID renumbered, a tag and a title word swapped, and a word
            // moved from one document to another. Each keeps every field's word count.
            let rounds: [(inout [SearchDocument]) -> Void] = [
                { Self.edit(&$0, 5, text: "Kafka stream omega5 for the 0 team.") },
                { docs in
                    let d = docs[9]
                    docs[9] = Self.document(id: "ADR-0099", title: "Decide on queue 9", tags: ["kafka", "t3"], url: d.url, segments: d.segments)
                },
                { docs in
                    Self.edit(&docs, 2, text: "Kafka stream alpha3 for the 2 team.")
                    Self.edit(&docs, 30, text: "Kafka kafka kafka kafka kafka kafka kafka.")
                },
            ]
            for (round, change) in rounds.enumerated() {
                change(&docs)
                let keys = docs.map(SearchIndex.key(of:))
                XCTAssertNotNil(SearchIndex.patch(state, docs, keys: keys, idPrefixes: Self.prefixes, counted: nil),
                                "round \(round): the edits keep the averages, so the index is patched")
                let (patched, next) = try Self.write(docs, previous: state, options: options)
                let (full, fullState) = try Self.write(docs, previous: nil, options: options)
                XCTAssertEqual(patched.keys.sorted(), full.keys.sorted(), "round \(round)")
                for (path, bytes) in full { XCTAssertEqual(patched[path], bytes, "round \(round): \(path)") }
                XCTAssertTrue(next.encoded(tag: "t") == fullState.encoded(tag: "t"), "round \(round): the same state for the next build")
                state = next
            }
            let index = try XCTUnwrap(Self.object(Self.write(docs, previous: nil, options: SearchOptions()).0["search/index.json"]))
            let terms = try XCTUnwrap(index["terms"] as? [String: [Int]])
            XCTAssertNil(terms["alpha5"], "a term no document holds any more is gone")
            XCTAssertEqual(terms["omega5"]?.count, 3, "a new term: idf, document, score")
            XCTAssertNotNil(terms["adr-99"])
            XCTAssertNil(terms["adr-10"])
        }
    }

    func testEditsThatMoveAnAverageOrChangeManyDocumentsAreCountedInFull() throws {
        let docs = Self.handbook()
        let (_, state) = try Self.write(docs, previous: nil, options: SearchOptions())
        var longer = docs
        Self.edit(&longer, 4, text: String(repeating: "many more words here ", count: 40))
        var many = docs
        for k in 0..<20 { Self.edit(&many, k, text: "Kafka stream beta\(k) for the 1 team.") }
        var fewer = docs
        fewer.removeLast()
        for changed in [longer, many, fewer] {
            XCTAssertNil(SearchIndex.patch(state, changed, keys: changed.map(SearchIndex.key(of:)), idPrefixes: Self.prefixes, counted: nil))
            let (withState, _) = try Self.write(changed, previous: state, options: SearchOptions())
            let (full, _) = try Self.write(changed, previous: nil, options: SearchOptions())
            XCTAssertEqual(withState, full)
        }
        XCTAssertNil(SearchIndex.patch(state, docs, keys: docs.map(SearchIndex.key(of:)), idPrefixes: ["ADR"], counted: nil),
                     "other ID prefixes make other ID terms")
    }

    /// Bodies that come without their counted terms (rendered afresh after the cache lost them) are counted for the
    /// build to keep even when their postings are taken from the state, or every later build would count them again.
    func testPatchingStillCountsBodiesThatCameWithoutTerms() throws {
        var docs = Self.handbook()
        let (_, state) = try Self.write(docs, previous: nil, options: SearchOptions())
        Self.edit(&docs, 5, text: "Kafka stream omega5 for the 0 team.")
        let box = TermsBox()
        XCTAssertNotNil(SearchIndex.patch(state, docs, keys: docs.map(SearchIndex.key(of:)), idPrefixes: Self.prefixes,
                                          counted: { box.add($0, $1) }))
        XCTAssertEqual(box.all.map(\.0).sorted(), Array(docs.indices))
        let counted = Dictionary(uniqueKeysWithValues: box.all)
        for i in docs.indices where i != 7 { docs[i].terms = counted[i] }
        let again = TermsBox()
        XCTAssertNotNil(SearchIndex.patch(state, docs, keys: docs.map(SearchIndex.key(of:)), idPrefixes: Self.prefixes,
                                          counted: { again.add($0, $1) }))
        XCTAssertEqual(again.all.map(\.0), [7], "only the one that came without terms (the changed one came with them)")
    }

    /// Documents whose terms and segments the build kept elsewhere (bodies taken from the disk cache) are read only
    /// when they are counted: by a full count, and by a patch for a changed one (a title changed, the body kept). The
    /// index is the one made from documents that carry their text; where the kept terms are missing, the segments are
    /// counted instead.
    func testKeptTermsAreReadOnlyWhenCounted() throws {
        let full = Self.handbook()
        let box = TermsBox()
        let site = InMemorySite()
        let reference = try XCTUnwrap(SearchIndex.write(full, idPrefixes: Self.prefixes, kindLabels: [:], options: SearchOptions(),
                                                        to: site, counted: { box.add($0, $1) }, keepsState: true).state)
        let terms = Dictionary(uniqueKeysWithValues: box.all)
        XCTAssertEqual(terms.count, full.count)
        // Every body kept; document 3's terms are lost.
        var kept = full
        for i in kept.indices { kept[i].segments = []; kept[i].segmentsStored = true; kept[i].termsStored = true }
        func fragments(noting read: TermsBox) -> SearchIndex.Fragments {
            var f = SearchIndex.Fragments(reuse: { _, _ in false }, write: { _, _, _ in }, segments: { full[$0].segments })
            f.terms = { i in read.add(i, SearchTerms(headingWords: 0, bodyWords: 0)); return i == 3 ? nil : terms[i] }
            return f
        }
        let read = TermsBox()
        let counted = TermsBox()
        let again = InMemorySite()
        let state = try XCTUnwrap(SearchIndex.write(kept, idPrefixes: Self.prefixes, kindLabels: [:], options: SearchOptions(),
                                                    to: again, counted: { counted.add($0, $1) }, fragments: fragments(noting: read),
                                                    keepsState: true).state)
        XCTAssertEqual(again.files["search/index.json"], site.files["search/index.json"])
        XCTAssertEqual(state.encoded(tag: "t"), reference.encoded(tag: "t"))
        XCTAssertEqual(read.all.count, full.count, "a full count reads every kept document's terms")
        XCTAssertEqual(counted.all.map(\.0), [3], "and counts the words of the one whose terms were lost")

        // A title changed, its body kept: a patch reads that document's terms, and no other's.
        var renamed = kept
        renamed[12].title = "Decide on queue 12"
        var expected = full
        expected[12].title = "Decide on queue 12"
        let readByPatch = TermsBox()
        let patched = InMemorySite()
        _ = try SearchIndex.write(renamed, idPrefixes: Self.prefixes, kindLabels: [:], options: SearchOptions(), to: patched,
                                  counted: nil, fragments: fragments(noting: readByPatch), previous: reference, keepsState: true)
        XCTAssertEqual(readByPatch.all.map(\.0), [12])
        let clean = InMemorySite()
        _ = try SearchIndex.write(expected, idPrefixes: Self.prefixes, kindLabels: [:], options: SearchOptions(), to: clean, counted: nil)
        XCTAssertEqual(patched.files["search/index.json"], clean.files["search/index.json"])
    }

    func testStateRoundTripsAndAnythingElseIsRefused() throws {
        let (_, state) = try Self.write(Self.handbook(), previous: nil, options: SearchOptions())
        let bytes = state.encoded(tag: "archbook x")
        XCTAssertEqual(SearchState.decode(bytes, tag: "archbook x")?.encoded(tag: "archbook x"), bytes)
        XCTAssertNil(SearchState.decode(bytes, tag: "archbook y"), "written by another archbook")
        XCTAssertNil(SearchState.decode(Array(bytes.dropLast(9)), tag: "archbook x"), "cut short")
        var damaged = bytes
        damaged[bytes.count / 2] ^= 0x20
        XCTAssertNil(SearchState.decode(damaged, tag: "archbook x"), "a flipped bit")
        XCTAssertNil(SearchState.decode(Array("archbook search state 1\n".utf8), tag: "archbook x"))

        // Written in pieces, as a build writes its file: the same bytes, each piece at most about a megabyte, and
        // the writing stops at the first piece that could not be written.
        var pieces: [[UInt8]] = []
        XCTAssertTrue(state.write(tag: "archbook x") { pieces.append($0); return true })
        XCTAssertEqual(Array(pieces.joined()), bytes)
        XCTAssertEqual(bytes.count, state.encodedCount(tag: "archbook x"))
        XCTAssertGreaterThan(pieces.count, 1)
        var offered = 0
        XCTAssertFalse(state.write(tag: "archbook x") { _ in offered += 1; return false })
        XCTAssertEqual(offered, 1)
    }

    static func object(_ bytes: [UInt8]?) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(XCTUnwrap(bytes))) as? [String: Any])
    }
}
