// The search index as the browser reads it: terms, scores, facets, shards and the exact file format.

import Foundation
import XCTest
@testable import ArchbookCore

final class SearchTests: XCTestCase {
    func testNormalisingIgnoresCaseAndAccents() {
        XCTAssertEqual(SearchText.normalize("Café DÉJÀ-vu Ångström"), "cafe deja-vu angstrom")
        XCTAssertEqual(SearchText.normalize("ﬁle №5"), "file no5")
    }

    func testWordsAreRunsOfLettersAndDigits() {
        XCTAssertEqual(SearchText.words("ADR-0012: Use Kafka's event_streams—fast!"),
                       ["adr", "0012", "use", "kafka", "s", "event", "streams", "fast"])
        XCTAssertEqual(SearchText.words("naïve café, résumé"), ["naive", "cafe", "resume"])
        XCTAssertEqual(SearchText.words("  "), [])
    }

    func testTermsAreStemsOfEnglishWords() {
        for w in ["deploy", "deploys", "deployed", "deploying", "deployment", "deployments"] {
            XCTAssertEqual(SearchText.term(w), "deploy", w)
        }
        XCTAssertEqual(SearchText.term("postgres"), "postgr")
        XCTAssertEqual(SearchText.term("happy"), "happi", "y after a consonant becomes i")
        XCTAssertEqual(SearchText.term("by"), "by")
        XCTAssertEqual(SearchText.term("0012"), "0012", "numbers are kept")
        XCTAssertEqual(SearchText.term("k8s"), "k8s", "mixed words are kept")
        XCTAssertEqual(SearchText.term("über"), "über", "non-ASCII words are kept")
    }

    func testIDsAreIndexedByPrefixAndNumber() {
        XCTAssertEqual(SearchIndex.idTerms("ADR-0012", prefixes: ["ADR", "REQ"]), ["adr-12", "#12"])
        XCTAssertEqual(SearchIndex.idTerms("RB-7", prefixes: ["RB"]), ["rb-7", "#7"])
        XCTAssertEqual(SearchIndex.idTerms("20200925-use-x", prefixes: ["ADR"]), [])
        XCTAssertEqual(SearchIndex.idTerms(nil, prefixes: ["ADR"]), [])
    }

    static let docs = [
        SearchDocument(id: "ADR-0001", title: "Stream events through Kafka", kind: "decision", status: "accepted",
                       date: "2024-03-01", tags: ["messaging"], url: "decisions/0001-kafka.html",
                       segments: [SearchSegment(anchor: "context", heading: "Context", text: "Events are lost today.")]),
        SearchDocument(id: "ADR-0002", title: "Partition tables by month", kind: "decision", status: "proposed",
                       date: "2023-11-20", tags: [], url: "decisions/0002-partition.html",
                       segments: [SearchSegment(anchor: "context", heading: "Context", text: "Large tables."),
                                  SearchSegment(anchor: "decision", heading: "Decision", text: "Consumers read from Kafka as before.")]),
        SearchDocument(id: "RB-0001", title: "Consumer lag", kind: "runbook", status: nil, date: nil, tags: ["messaging", "kafka"],
                       url: "runbooks/0001-lag.html", segments: []),
    ]

    static func object(_ bytes: [UInt8]) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    func testSmallIndexIsOneFileWithScoresFacetsAndText() throws {
        let files = SearchIndex.build(Self.docs, idPrefixes: ["ADR", "RB"], kindLabels: ["decision": "Decisions", "runbook": "Runbooks"])
        XCTAssertEqual(files.map(\.path), ["search/index.json", "search/index.js"])
        let index = try Self.object(files[0].bytes)
        XCTAssertEqual(index["version"] as? Int, 2)
        XCTAssertEqual(index["documents"] as? Int, 3)
        XCTAssertEqual(index["split"] as? Bool, false)
        XCTAssertEqual(index["prefixes"] as? [String], ["adr", "rb"])
        let facets = try XCTUnwrap(index["facets"] as? [String: [[Any]]])
        XCTAssertEqual(facets["kind"]?.map { "\($0[0])/\($0[1])/\($0[2])" }, ["decision/Decisions/2", "runbook/Runbooks/1"])
        XCTAssertEqual(facets["status"]?.map { "\($0[0])/\($0[1])" }, ["accepted/1", "proposed/1"])
        XCTAssertEqual(facets["tag"]?.map { "\($0[0])/\($0[1])" }, ["kafka/1", "messaging/2"])
        XCTAssertEqual(facets["year"]?.map { "\($0[0])/\($0[1])" }, ["2023/1", "2024/1"])
        let facetData = try XCTUnwrap(index["facetData"] as? [String: Any])
        XCTAssertEqual(facetData["kind"] as? String, "##$", "one character per document: value index + 35")
        XCTAssertEqual(facetData["status"] as? String, "#$!", "! for no value")
        XCTAssertEqual(facetData["year"] as? String, "$#!")
        XCTAssertEqual(facetData["tag"] as? [[Int]], [[2], [0, 2]], "documents per tag as gaps")

        // Postings: [idf*100, gap, score*100, ...] in document order.
        let terms = try XCTUnwrap(index["terms"] as? [String: [Int]])
        let kafka = try XCTUnwrap(terms["kafka"])
        // Titles of 4, 4 and 2 words average 3.25 words (3⅓ rounded to a quarter): 6 × 2.2 / (1 + 1.2 × (0.25 + 0.75 × 4 / 3.25)).
        XCTAssertEqual(kafka, [13, 0, 548, 1, 71, 1, 213], "in every document: idf 0.13; title 5.48, body 0.71, tag 2.13")
        XCTAssertEqual(terms["stream"], [98, 0, 548], "title 'Stream' is stemmed; idf of a term in one of three documents")
        XCTAssertNotNil(terms["consum"], "consumer/consumers share a stem")
        XCTAssertEqual(terms["adr-1"].map { Array($0.dropFirst()) }, [0, 0])
        XCTAssertEqual(terms["#1"].map { Array($0.dropFirst()) }, [0, 0, 2, 0], "ADR-0001 and RB-0001")

        let docs = try XCTUnwrap(index["docs"] as? [[Any]])
        XCTAssertEqual(docs.count, 3)
        XCTAssertEqual(docs[1][0] as? String, "ADR-0002")
        XCTAssertEqual(docs[1][5] as? String, "decisions/0002-partition.html")
        XCTAssertEqual(docs[1][7] as? [[String]], [["context", "Context", "Large tables."],
                                                 ["decision", "Decision", "Consumers read from Kafka as before."]])
        XCTAssertEqual(docs[2][3] as? String, "", "no status")

        // The script twin hands the same JSON to the page.
        let script = String(decoding: files[1].bytes, as: UTF8.self)
        XCTAssertEqual(script, "archbookSearchData(\"index\"," + String(decoding: files[0].bytes.dropLast(), as: UTF8.self) + ");\n")
    }

    func testLargeIndexIsSplitIntoShardsThatCoverEveryTermOnce() throws {
        let files = SearchIndex.build(Self.docs, idPrefixes: ["ADR", "RB"], kindLabels: [:],
                                      options: SearchOptions(splitBytes: 10, shardBytes: 60))
        let paths = files.map(\.path).filter { $0.hasSuffix(".json") }
        let shards = paths.filter { $0.hasPrefix("search/terms-") }
        XCTAssertGreaterThan(shards.count, 2)
        XCTAssertEqual(paths.filter { $0.hasPrefix("search/docs/") }, [], "per-document files only as scripts")
        XCTAssertEqual(files.map(\.path).filter { $0.hasPrefix("search/docs/") }, ["search/docs/0.js", "search/docs/1.js", "search/docs/2.js"])
        XCTAssertTrue(paths.contains("search/facets.json"))
        XCTAssertEqual(files.count, paths.count * 2 + 3, "every other file also as a script")
        let byPath = Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0.bytes) })
        let meta = try Self.object(byPath["search/index.json"]!)
        XCTAssertEqual(meta["split"] as? Bool, true)
        XCTAssertNil(meta["terms"])
        let firsts = try XCTUnwrap(meta["shards"] as? [String])
        XCTAssertEqual(firsts.count, shards.count)
        XCTAssertEqual(firsts, firsts.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) })
        var seen: [String] = []
        for (k, first) in firsts.enumerated() {
            let terms = try Self.object(byPath["search/terms-\(k).json"]!)
            let keys = terms.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
            XCTAssertEqual(keys.first, first, "a shard starts at its listed first term")
            if k + 1 < firsts.count {
                XCTAssertTrue(keys.last!.utf16.lexicographicallyPrecedes(firsts[k + 1].utf16), "shards do not overlap")
            }
            seen += keys
        }
        XCTAssertEqual(seen.count, Set(seen).count)
        let single = try Self.object(SearchIndex.build(Self.docs, idPrefixes: ["ADR", "RB"], kindLabels: [:])[0].bytes)
        XCTAssertEqual(Set(seen), Set((single["terms"] as! [String: Any]).keys), "split and single indexes hold the same terms")
        let script = String(decoding: byPath["search/docs/2.js"]!, as: UTF8.self)
        XCTAssertTrue(script.hasPrefix("archbookSearchData(\"docs/2\",") && script.hasSuffix(");\n"), script)
        let json = script.dropFirst("archbookSearchData(\"docs/2\",".count).dropLast(3)
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [Any])
        XCTAssertEqual(doc[1] as? String, "Consumer lag")
    }

    func testTermsSortInJavaScriptOrderWithAndWithoutCharactersAboveUE000() {
        let ascii = ["kafka", "#12", "adr-3", "zebra", "a", "ab", "caf\u{E9}", "\u{4E2D}\u{6587}"]
        XCTAssertEqual(SearchIndex.sortedUTF16(ascii), ascii.sorted(by: SearchIndex.utf16Less))
        // U+FFFD sorts after an emoji (a surrogate pair, 0xD83D...) in UTF-16 but before it in code point order.
        let mixed = ascii + ["\u{FFFD}", "\u{1F600}", "\u{E000}x"]
        XCTAssertEqual(SearchIndex.sortedUTF16(mixed), mixed.sorted(by: SearchIndex.utf16Less))
        XCTAssertEqual(SearchIndex.sortedUTF16(mixed).suffix(3), ["\u{1F600}", "\u{E000}x", "\u{FFFD}"])
    }

    func testBuildingIsDeterministic() {
        let a = SearchIndex.build(Self.docs, idPrefixes: ["ADR", "RB"], kindLabels: [:], options: SearchOptions(splitBytes: 10, shardBytes: 60))
        let b = SearchIndex.build(Self.docs, idPrefixes: ["ADR", "RB"], kindLabels: [:], options: SearchOptions(splitBytes: 10, shardBytes: 60))
        XCTAssertEqual(a.map(\.path), b.map(\.path))
        XCTAssertEqual(a.map(\.bytes), b.map(\.bytes))
    }

    func testTextIsCollectedBySectionWhileRendering() {
        let md = "# Title\n\nIntro *text* with `code`.\n\n## Context\n\n- one\n- two\n\n| A | B |\n|---|---|\n| x | y |\n\n## Decision\n\nWe <b>will</b> [link](x.md).\n"
        let body = BodyRenderer(allowRawHTML: false).render(body: ArraySlice(Array(md.utf8)), lineOffset: 0,
                                                            anchors: [5: "context", 14: "decision"], dropLine: 1,
                                                            resolve: { _ in .broken(reason: "x") }, mention: { _, _ in nil },
                                                            idPrefixes: [], collectText: true)
        XCTAssertEqual(body.segments, [
            SearchSegment(anchor: "", heading: "", text: "Intro text with code."),
            SearchSegment(anchor: "context", heading: "Context", text: "one two A B x y"),
            SearchSegment(anchor: "decision", heading: "Decision", text: "We will link."),
        ])
    }
}

final class SearchTermsReuseTests: XCTestCase {
    /// The pairs of a document's counted terms, readable: `term h/b`.
    static func readable(_ t: SearchTerms) -> [String] {
        let terms = t.bytes.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
        return zip(terms, t.counts).map { "\($0) \($1 >> 16)/\($1 & 0xFFFF)" }
    }

    /// The terms an index counts in each document's headings and body, handed back to the next index instead of the
    /// words, give the very same files (in one file and in shards); a document keeps its own title and tags counts.
    func testCountedTermsGiveTheSameIndexAsTheWords() throws {
        var docs = SearchTests.docs
        docs.append(SearchDocument(id: "ADR-0003", title: "Kafka retention", kind: "decision", status: "accepted", date: "2024-05-02",
                                   tags: ["kafka"], url: "decisions/0003-retention.html",
                                   segments: [SearchSegment(anchor: "kafka", heading: "Kafka", text: "Kafka keeps events for Kafka readers."),
                                              SearchSegment(anchor: "kafka-1", heading: "Kafka again", text: String(repeating: "lag ", count: 70_000))]))
        for options in [SearchOptions(), SearchOptions(splitBytes: 10, shardBytes: 60)] {
            let plain = InMemorySite()
            let box = TermsBox()
            try SearchIndex.write(docs, idPrefixes: ["ADR", "RB"], kindLabels: [:], options: options, to: plain,
                                  counted: { box.add($0, $1) })
            let counted = Dictionary(uniqueKeysWithValues: box.all)
            XCTAssertEqual(counted.keys.sorted(), [0, 1, 2, 3])
            XCTAssertEqual(Self.readable(try XCTUnwrap(counted[3])), ["kafka 2/2", "keep 0/1", "event 0/1", "for 0/1", "reader 0/1", "again 1/0", "lag 0/65535"])
            XCTAssertEqual(counted[3]?.headingWords, 3)
            XCTAssertEqual(counted[3]?.bodyWords, 70_006)
            XCTAssertEqual(counted[2], SearchTerms())
            // Every document with its terms, and half of them: the same files, and nothing counted again but the rest.
            for reused in [Set([0, 1, 2, 3]), Set([1, 3])] {
                var again = docs
                for i in reused { again[i].terms = counted[i] }
                let site = InMemorySite()
                let recount = TermsBox()
                try SearchIndex.write(again, idPrefixes: ["ADR", "RB"], kindLabels: [:], options: options, to: site,
                                      counted: { recount.add($0, $1) })
                XCTAssertEqual(site.files, plain.files)
                XCTAssertEqual(recount.all.map(\.0).sorted(), [0, 1, 2, 3].filter { !reused.contains($0) })
            }
        }
    }
}
