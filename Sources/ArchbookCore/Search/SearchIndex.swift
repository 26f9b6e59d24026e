// Builds the handbook's search index from the parsed documents: BM25F term scores, the sections each term
// first appears in (for snippets), facet values, and the text shown in results. Format: docs/search-index.md.

import Foundation

/// One part of a document's text as the search shows it: the section's anchor, its heading and its words.
public struct SearchSegment: Sendable, Equatable {
    public var anchor: String
    public var heading: String
    public var text: String

    public init(anchor: String, heading: String, text: String) {
        self.anchor = anchor
        self.heading = heading
        self.text = text
    }
}

/// A document's headings and body as the index counts them: each term with its occurrences in the headings and in
/// the body, and how many words each holds. A build keeps them with the body it rendered, so the next build counts
/// the words of changed bodies only (counting every word was most of a large handbook's index time).
public struct SearchTerms: Sendable, Equatable {
    /// The terms in the order first met, each ended by a zero byte.
    var bytes: [UInt8] = []
    /// Per term: occurrences in headings << 16 | occurrences in the body, each saturating at 65535 as postings do.
    var counts: [UInt32] = []
    var headingWords: Int32 = 0
    var bodyWords: Int32 = 0
}

public struct SearchDocument: Sendable {
    public var id: String?
    public var title: String
    public var kind: String?
    public var status: String?
    /// ISO date, `2024-03-01`.
    public var date: String?
    public var tags: [String]
    /// Page path from the site root.
    public var url: String
    public var segments: [SearchSegment]
    /// The segments' terms as an earlier build counted them; nil counts their words.
    public var terms: SearchTerms?
    /// The hash of the segments (`RenderedBody.hash(of:)`), when a build keeps it: the document's result fragment is
    /// then reused while neither it nor anything else the fragment shows changed.
    var segmentsHash: UInt64?
    /// The segments are not loaded (`segments` is empty): `Fragments.segments` reads them when they are counted
    /// (without terms) and when a fragment is made.
    var segmentsStored = false
    /// The terms an earlier build counted are kept by the build, not loaded (`terms` is nil): `Fragments.terms` reads
    /// them only when every posting is counted, which a patched index does not do.
    var termsStored = false

    public init(id: String?, title: String, kind: String?, status: String?, date: String?, tags: [String], url: String,
                segments: [SearchSegment], terms: SearchTerms? = nil) {
        self.id = id
        self.title = title
        self.kind = kind
        self.status = status
        self.date = date
        self.tags = tags
        self.url = url
        self.segments = segments
        self.terms = terms
    }
}

public struct SearchOptions: Sendable, Equatable {
    /// An index larger than this (in bytes, all parts together) is split into shards loaded on demand.
    public var splitBytes: Int
    /// The size a term shard grows to before the next one starts.
    public var shardBytes: Int

    public init(splitBytes: Int = 256_000, shardBytes: Int = 48_000) {
        self.splitBytes = splitBytes
        self.shardBytes = shardBytes
    }
}

public enum SearchIndex {
    public static let version = 2
    /// Field order in the format; weights favour a title match over a heading match over a body match.
    static let fields = ["title", "tags", "headings", "body"]
    static let weights: [Double] = [6, 3, 2.5, 1]
    static let k1 = 1.2, b = 0.75

    /// The index's files in a fixed order (index first, each JSON before its script), for tests and callers
    /// that want them in memory; a build streams them to its sink with `write`.
    public static func build(_ docs: [SearchDocument], idPrefixes: [String], kindLabels: [String: String],
                             options: SearchOptions = SearchOptions()) -> [(path: String, bytes: [UInt8])] {
        let site = InMemorySite()
        _ = try? write(docs, idPrefixes: idPrefixes, kindLabels: kindLabels, options: options, to: site)
        func rank(_ path: String) -> (Int, String, Int) {
            let name = path.dropFirst("search/".count)
            let stem = String(name.hasSuffix(".json") ? name.dropLast(5) : name.dropLast(3))
            return (stem == "index" ? 0 : 1, stem, name.hasSuffix(".json") ? 0 : 1)
        }
        return site.files.map { (path: $0.key, bytes: $0.value) }.sorted { rank($0.path) < rank($1.path) }
    }

    /// Writes the files under `search/`, each as JSON and as a script that hands the same data to the page
    /// (browsers do not let a page opened from disk fetch files); the per-document files only as scripts. Files go to the sink as soon as they are
    /// made, from several threads, so a large handbook's index is never held in memory as a whole.
    /// Returns the number of files written.
    @discardableResult
    public static func write(_ docs: [SearchDocument], idPrefixes: [String], kindLabels: [String: String],
                             options: SearchOptions = SearchOptions(), to sink: some SiteSink) throws(FileTreeError) -> Int {
        try write(docs, idPrefixes: idPrefixes, kindLabels: kindLabels, options: options, to: sink, counted: nil).files
    }

    /// How a build takes per-document fragments from its previous site (see `SearchDocument.segmentsHash`).
    struct Fragments: Sendable {
        /// Puts the previous build's file at the path into the site, if it was made from the same inputs.
        let reuse: @Sendable (String, UInt64) -> Bool
        /// Writes a file, recording the inputs it was made from.
        let write: @Sendable (String, [UInt8], UInt64) throws(FileTreeError) -> Void
        /// The segments of document `k`, for one whose segments are not loaded.
        let segments: @Sendable (Int) -> [SearchSegment]
        /// The terms an earlier build counted for document `k`, for one whose terms are kept; nil when they are not
        /// there after all (its words are then counted from its segments).
        var terms: @Sendable (Int) -> SearchTerms? = { _ in nil }
    }

    /// What fragment `k` shows (0 when its segments have no hash: it is then always made).
    static func fragmentInputs(_ d: SearchDocument, _ k: Int) -> UInt64 {
        guard let segments = d.segmentsHash else { return 0 }
        var h = StableHash()
        h.add("search fragment \(version) \(k)")
        for v in [d.id, d.title, d.kind, d.status, d.date, d.url] { h.add(v) }
        h.add(d.tags.count)
        for t in d.tags { h.add(t) }
        h.add(Int(truncatingIfNeeded: segments))
        return h.value == 0 ? 1 : h.value
    }

    /// `write`, handing the terms it counts for each document that came without them (by index) to `counted`, from
    /// several threads, for a build to keep, and taking unchanged documents' fragments from `source`. With `previous`
    /// (what the last build's index was made from), the entries of the terms no changed document holds are taken from
    /// it (`patch`). With `keepsState`, also returns what this index was made from, for the next build.
    static func write(_ docs: [SearchDocument], idPrefixes: [String], kindLabels: [String: String],
                      options: SearchOptions, to sink: some SiteSink,
                      counted: (@Sendable (Int, SearchTerms) -> Void)?, fragments source: Fragments? = nil,
                      previous: SearchState? = nil, keepsState: Bool = false) throws(FileTreeError) -> (files: Int, state: SearchState?) {
        /// Document `k` as a count of its words needs it: with the terms an earlier build counted, else (they are not
        /// there after all) with its segments.
        @Sendable func counting(_ k: Int) -> SearchDocument {
            guard docs[k].termsStored || (docs[k].terms == nil && docs[k].segmentsStored) else { return docs[k] }
            var d = docs[k]
            d.termsStored = false
            if d.terms == nil { d.terms = source?.terms(k) }
            if d.terms == nil, d.segmentsStored {
                d.segments = source?.segments(k) ?? []
                d.segmentsStored = false
            }
            return d
        }
        @Sendable func loaded(_ k: Int) -> SearchDocument {
            guard docs[k].segmentsStored else { return docs[k] }
            var d = docs[k]
            d.segments = source?.segments(k) ?? []
            d.segmentsStored = false
            return d
        }
        let keys = keepsState || previous != nil ? docs.map(key(of:)) : []
        let terms: [String], entries: [[UInt8]], state: SearchState?
        if let previous, let patched = patch(previous, docs, keys: keys, idPrefixes: idPrefixes, counted: counted, counting: counting) {
            (terms, entries, state) = patched
        } else {
            // Every posting is counted: documents whose terms or text were kept bring them as they are counted.
            var postings = Postings(docs, idPrefixes: idPrefixes, counted: counted, counting: counting)
            terms = postings.terms
            // Before the entries, and taking the chunks' lists of term ids as it goes: the state's list is as long
            // (millions of numbers for a large handbook), and the two need not be held at once.
            let documentTerms = keepsState ? postings.takeDocumentTerms() : nil
            entries = postings.entries()
            if let (starts, docTerms) = documentTerms {
                state = SearchState(prefixes: idPrefixes, keys: keys.map { $0 ?? 0 }, lengths: postings.lengths, terms: terms,
                                    entries: entries, starts: starts, docTerms: docTerms)
            } else {
                state = nil
            }
        }

        // Facet values, sorted, with counts.
        let docKinds = docs.map { $0.kind.map { [$0] } ?? [] }
        let docStatuses = docs.map { $0.status.map { [$0] } ?? [] }
        let docYears = docs.map { $0.date.map { [String($0.prefix(4))] } ?? [] }
        let kinds = facetValues(docKinds)
        let statuses = facetValues(docStatuses)
        let tags = facetValues(docs.map(\.tags))
        let years = facetValues(docYears)
        let facetData = "{\"kind\":" + codes(docKinds, values: kinds)
            + ",\"status\":" + codes(docStatuses, values: statuses)
            + ",\"year\":" + codes(docYears, values: years)
            + ",\"tag\":" + tagLists(docs.map(\.tags), values: tags) + "}"
        var facets = "{\"kind\":[" + kinds.map { "[" + JSONValue.quoted($0.value) + "," + JSONValue.quoted(kindLabels[$0.value] ?? $0.value) + "," + String($0.count) + "]" }.joined(separator: ",") + "]"
        for (name, values) in [("status", statuses), ("tag", tags), ("year", years)] {
            facets += ",\"\(name)\":[" + values.map { "[" + JSONValue.quoted($0.value) + "," + String($0.count) + "]" }.joined(separator: ",") + "]"
        }
        facets += "}"
        let head = "{\"version\":\(version),\"documents\":\(docs.count),\"prefixes\":["
            + idPrefixes.map { JSONValue.quoted($0.lowercased()) }.sorted().joined(separator: ",") + "],\"facets\":" + facets

        var total = entries.reduce(0) { $0 + $1.count + 1 } + facetData.utf8.count
        // Fragments are made up front only when the index may still fit in one file (a small handbook).
        var fragments: [[UInt8]] = []
        if total <= options.splitBytes {
            fragments = docs.indices.map { fragment(loaded($0)) }
            total += fragments.reduce(0) { $0 + $1.count + 1 }
        }
        if total <= options.splitBytes {
            var json = Array((head + ",\"split\":false,\"terms\":{").utf8)
            json.reserveCapacity(total + json.count + 64)
            append(entries, to: &json)
            json.append(contentsOf: ("},\"facetData\":" + facetData + ",\"docs\":[").utf8)
            append(fragments, to: &json)
            json.append(contentsOf: "]}".utf8)
            try emit("index", json, to: sink)
            return (2, state)
        }

        var shards: [Range<Int>] = []
        var start = 0, size = 0
        for (k, entry) in entries.enumerated() {
            size += entry.count + 1
            if size >= options.shardBytes || k == entries.count - 1 {
                shards.append(start..<(k + 1)); start = k + 1; size = 0
            }
        }
        let firstTerms = shards.map { terms[$0.lowerBound] }
        let shardRanges = shards
        try emit("index", Array((head + ",\"split\":true,\"shards\":[" + firstTerms.map(JSONValue.quoted).joined(separator: ",") + "]}").utf8), to: sink)
        try emit("facets", Array(facetData.utf8), to: sink)
        let failures: [FileTreeError?] = Checker.parallelMap(Array(0..<(shards.count + docs.count))) { k in
            do throws(FileTreeError) {
                if k < shardRanges.count {
                    var json: [UInt8] = [0x7B]
                    append(entries[shardRanges[k]], to: &json)
                    json.append(0x7D)
                    try emit("terms-\(k)", json, to: sink)
                } else {
                    let j = k - shardRanges.count
                    let inputs = fragmentInputs(docs[j], j)
                    guard inputs != 0, let source else {
                        try emit("docs/\(j)", fragment(loaded(j)), to: sink, scriptOnly: true)
                        return nil
                    }
                    let path = "search/docs/\(j).js"
                    if source.reuse(path, inputs) { return nil }
                    try source.write(path, script("docs/\(j)", fragment(loaded(j))), inputs)
                }
                return nil
            } catch { return error }
        }
        if let failure = failures.compactMap({ $0 }).first { throw failure }
        return (2 * (2 + shards.count) + docs.count, state)
    }

    static func append(_ parts: some Collection<[UInt8]>, to out: inout [UInt8]) {
        var first = true
        for p in parts {
            if !first { out.append(0x2C) }
            out.append(contentsOf: p)
            first = false
        }
    }

    /// `scriptOnly`: only `NAME.js`, for the per-document files, which the script loads as scripts over http too
    /// (a handbook of 10,000 documents would otherwise have 20,000 of them).
    static func emit(_ name: String, _ json: [UInt8], to sink: some SiteSink, scriptOnly: Bool = false) throws(FileTreeError) {
        let script = script(name, json)
        if !scriptOnly {
            var file = json
            file.append(0x0A)
            try sink.write("search/\(name).json", file)
        }
        try sink.write("search/\(name).js", script)
    }

    /// `NAME.js`: the JSON handed to the page's script (works from file:// too).
    static func script(_ name: String, _ json: [UInt8]) -> [UInt8] {
        var script = Array(("archbookSearchData(" + JSONValue.quoted(name) + ",").utf8)
        script.reserveCapacity(script.count + json.count + 3)
        script.append(contentsOf: json)
        script.append(contentsOf: ");\n".utf8)
        return script
    }

    /// Term statistics for the whole handbook. Documents are analysed in contiguous chunks, in parallel; each
    /// chunk keeps its own stems and postings, so the merge touches each (chunk, term) pair once rather than
    /// every (document, term) pair, and postings stay in document order.
    struct Postings {
        struct Posting {
            var doc: Int32
            /// Occurrences per field (title, tags, headings, body), saturating; all zero for an ID term.
            var counts: (UInt16, UInt16, UInt16, UInt16)
        }
        struct Chunk {
            /// Term to its index in `lists`.
            var ids: [String: Int32] = [:]
            /// The terms by id.
            var names: [String] = []
            var lists: [[Posting]] = []
            /// Words per field, per document of the chunk.
            var lengths: [(Int32, Int32, Int32, Int32)] = []
            /// Per document of the chunk, the terms (by id) it has postings in: `docTermIDs[docStarts[k]..<docStarts[k + 1]]`.
            var docStarts: [Int32] = [0]
            var docTermIDs: [Int32] = []

            mutating func id(_ term: String) -> Int32 {
                if let k = ids[term] { return k }
                let k = Int32(lists.count)
                ids[term] = k
                names.append(term)
                lists.append([])
                return k
            }
        }

        /// The document being counted's occurrences of each term (by id), valid where `current` is that document:
        /// counted in flat arrays, each posting appended to its term's list once per document rather than looked up
        /// there for every word.
        struct Tally {
            var counts: [(UInt16, UInt16, UInt16, UInt16)] = []
            var current: [Int32] = []
            /// Terms with a posting for the document being counted, in the order first met.
            var touched: [Int32] = []

            /// Term `k`'s place, its counts started at zero the first time document `doc` meets it.
            @inline(__always)
            mutating func slot(_ k: Int32, _ doc: Int32) -> Int {
                let k = Int(k)
                if k >= current.count {
                    current.append(contentsOf: repeatElement(-1, count: k + 1 - current.count))
                    counts.append(contentsOf: repeatElement((0, 0, 0, 0), count: k + 1 - counts.count))
                }
                if current[k] != doc {
                    current[k] = doc
                    counts[k] = (0, 0, 0, 0)
                    touched.append(Int32(k))
                }
                return k
            }

            /// One more occurrence of term `k` in `field` (title, tags, headings, body), saturating.
            @inline(__always)
            mutating func count(_ k: Int, field: Int) {
                switch field {
                case 0: counts[k].0 &+= counts[k].0 == .max ? 0 : 1
                case 1: counts[k].1 &+= counts[k].1 == .max ? 0 : 1
                case 2: counts[k].2 &+= counts[k].2 == .max ? 0 : 1
                default: counts[k].3 &+= counts[k].3 == .max ? 0 : 1
                }
            }

            /// Occurrences of term `k` an earlier build counted in the headings and body, saturating as `count` does.
            mutating func add(_ k: Int, headings: UInt16, body: UInt16) {
                counts[k].2 = UInt16(Swift.min(Int(UInt16.max), Int(counts[k].2) + Int(headings)))
                counts[k].3 = UInt16(Swift.min(Int(UInt16.max), Int(counts[k].3) + Int(body)))
            }
        }

        private(set) var chunks: [Chunk]
        /// Every term, in UTF-16 order.
        let terms: [String]
        /// Per chunk, each of its term ids' place in `terms`.
        let globals: [[Int32]]
        let averages: [Double]
        let lengths: [(Int32, Int32, Int32, Int32)]
        let count: Int

        init(_ docs: [SearchDocument], idPrefixes: [String], counted: (@Sendable (Int, SearchTerms) -> Void)? = nil,
             counting: (@Sendable (Int) -> SearchDocument)? = nil) {
            count = docs.count
            let parts = 4 * ProcessInfo.processInfo.activeProcessorCount
            let size = max(64, (docs.count + parts - 1) / parts)
            let ranges = stride(from: 0, to: docs.count, by: size).map { $0..<min(docs.count, $0 + size) }
            chunks = Checker.parallelMap(ranges) { range in
                Self.analyse(docs, range, idPrefixes: idPrefixes, counted: counted, counting: counting)
            }
            var all = Set<String>()
            for c in chunks { all.formUnion(c.ids.keys) }
            terms = SearchIndex.sortedUTF16(all)
            // Where each chunk's terms are in `terms`: one lookup per (chunk, term) pair the chunks hold, rather than
            // one per term and chunk.
            var index: [String: Int32] = [:]
            index.reserveCapacity(terms.count)
            for (k, t) in terms.enumerated() { index[t] = Int32(k) }
            let termIndex = index
            globals = Checker.parallelMap(chunks) { c in c.names.map { termIndex[$0]! } }
            lengths = chunks.flatMap(\.lengths)
            averages = SearchIndex.averages(lengths, count: docs.count)
        }

        /// `counting`: document `d` with what counting it needs (kept terms, else its text) when those are not in
        /// `docs`; each is loaded as it is counted, so a handbook's text is not held all at once.
        static func analyse(_ docs: [SearchDocument], _ range: some Collection<Int>, idPrefixes: [String],
                            counted: (@Sendable (Int, SearchTerms) -> Void)?,
                            counting: ((Int) -> SearchDocument)? = nil) -> Chunk {
            var chunk = Chunk()
            // A word's term id: one lookup by its bytes per word seen, and each word stemmed once per chunk.
            var words = WordIDs()
            // A counted term's id, by its bytes.
            var known = WordIDs()
            var tally = Tally()
            for d in range {
                var length: (Int32, Int32, Int32, Int32) = (0, 0, 0, 0)
                let doc = counting?(d) ?? docs[d]
                let doc32 = Int32(d)
                let earlier = doc.terms
                var texts: [(text: String, field: Int)] = [(doc.title, 0)]
                for t in doc.tags { texts.append((t, 1)) }
                if earlier == nil {
                    for s in doc.segments {
                        texts.append((s.heading, 2))
                        texts.append((s.text, 3))
                    }
                }
                tally.touched.removeAll(keepingCapacity: true)
                // One non-escaping closure over the texts (not a nested function called per text): the state it
                // changes is then checked for exclusive access at compile time, not on every word.
                for (text, field) in texts {
                    SearchText.forEachWord(text) { word in
                        let k = tally.slot(words.id(word) { chunk.id(SearchText.term(String(decoding: word, as: UTF8.self))) }, doc32)
                        switch field {
                        case 0: length.0 += 1
                        case 1: length.1 += 1
                        case 2: length.2 += 1
                        default: length.3 += 1
                        }
                        tally.count(k, field: field)
                    }
                }
                if let earlier {
                    earlier.bytes.withUnsafeBufferPointer { all in
                        var start = 0, t = 0
                        for end in all.indices where all[end] == 0 {
                            let term = UnsafeBufferPointer(rebasing: all[start..<end])
                            let k = tally.slot(known.id(term) { chunk.id(String(decoding: term, as: UTF8.self)) }, doc32)
                            let c = earlier.counts[t]
                            tally.add(k, headings: UInt16(c >> 16), body: UInt16(c & 0xFFFF))
                            start = end + 1
                            t += 1
                        }
                    }
                    length.2 += earlier.headingWords
                    length.3 += earlier.bodyWords
                } else if let counted {
                    var terms = SearchTerms(headingWords: length.2, bodyWords: length.3)
                    for k in tally.touched {
                        let c = tally.counts[Int(k)]
                        guard c.2 > 0 || c.3 > 0 else { continue }
                        terms.bytes.append(contentsOf: chunk.names[Int(k)].utf8)
                        terms.bytes.append(0)
                        terms.counts.append(UInt32(c.2) << 16 | UInt32(c.3))
                    }
                    counted(d, terms)
                }
                for k in tally.touched { chunk.lists[Int(k)].append(Posting(doc: doc32, counts: tally.counts[Int(k)])) }
                chunk.docTermIDs += tally.touched
                for term in SearchIndex.idTerms(doc.id, prefixes: idPrefixes) {
                    let k = chunk.id(term)
                    chunk.lists[Int(k)].append(Posting(doc: doc32, counts: (0, 0, 0, 0)))
                    chunk.docTermIDs.append(k)
                }
                chunk.docStarts.append(Int32(chunk.docTermIDs.count))
                chunk.lengths.append(length)
            }
            return chunk
        }

        /// Each term's postings as its JSON member, `"term":[idf,gap,score,...]`, in term order.
        func entries() -> [[UInt8]] {
            // Where each term's postings are, chunk by chunk, and no list copied together.
            var starts = [Int32](repeating: 0, count: terms.count + 1)
            for g in globals { for t in g { starts[Int(t) + 1] += 1 } }
            for k in 0..<terms.count { starts[k + 1] += starts[k] }
            var fill = starts
            var places = [(chunk: Int32, local: Int32)](repeating: (0, 0), count: Int(starts[terms.count]))
            for (c, g) in globals.enumerated() {
                for (local, t) in g.enumerated() {
                    places[Int(fill[Int(t)])] = (Int32(c), Int32(local))
                    fill[Int(t)] += 1
                }
            }
            // The length normalisation of each document's fields, computed once rather than per posting (the same
            // expression, so the same scores).
            var norms = [Double](repeating: 0, count: 4 * lengths.count)
            for (d, l) in lengths.enumerated() {
                for (f, length) in [l.0, l.1, l.2, l.3].enumerated() {
                    norms[4 * d + f] = SearchIndex.norm(length, average: averages[f])
                }
            }
            return Checker.parallelMap(Array(terms.indices)) { [starts, places, norms] k in
                let range = Int(starts[k])..<Int(starts[k + 1])
                var df = 0
                for p in places[range] { df += chunks[Int(p.chunk)].lists[Int(p.local)].count }
                var bytes = SearchIndex.entryHead(terms[k], documents: count, containing: df, reserving: df * 7)
                var previous = 0
                for p in places[range] {
                    for posting in chunks[Int(p.chunk)].lists[Int(p.local)] {
                        let d = Int(posting.doc)
                        bytes.append(0x2C); SearchIndex.appendDecimal(d - previous, to: &bytes)
                        bytes.append(0x2C); SearchIndex.appendDecimal(score(posting, norms: norms), to: &bytes)
                        previous = d
                    }
                }
                bytes.append(0x5D)
                return bytes
            }
        }

        func score(_ p: Posting, norms: [Double]) -> Int {
            SearchIndex.score(p.counts, norms: norms, at: 4 * Int(p.doc))
        }

        /// Per document, the terms (by their place in `terms`) it has postings in, ascending. Each chunk's own lists
        /// are emptied once read: nothing else needs them.
        mutating func takeDocumentTerms() -> (starts: [Int32], terms: [Int32]) {
            var starts: [Int32] = [0]
            starts.reserveCapacity(count + 1)
            var all: [Int32] = []
            all.reserveCapacity(chunks.reduce(0) { $0 + $1.docTermIDs.count })
            for c in chunks.indices {
                let global = globals[c]
                let (ids, docStarts, documents) = (chunks[c].docTermIDs, chunks[c].docStarts, chunks[c].lengths.count)
                chunks[c].docTermIDs = []
                for k in 0..<documents {
                    let from = all.count
                    for local in ids[Int(docStarts[k])..<Int(docStarts[k + 1])] { all.append(global[Int(local)]) }
                    all[from...].sort()
                    // An ID term may also have been met as a word.
                    var end = from
                    for i in from..<all.count where i == from || all[i] != all[end - 1] { all[end] = all[i]; end += 1 }
                    all.removeSubrange(end...)
                    starts.append(Int32(all.count))
                }
            }
            return (starts, all)
        }
    }

    /// The BM25F term-frequency part, × 100 (`norms`: per document and field, `norm(length, average:)`, from `base`).
    static func score(_ counts: (UInt16, UInt16, UInt16, UInt16), norms: [Double], at base: Int) -> Int {
        func part(_ count: UInt16, _ f: Int) -> Double {
            guard count > 0 else { return 0 }
            let c = Double(count)
            return weights[f] * c * (k1 + 1) / (c + norms[base + f])
        }
        let tf = part(counts.0, 0) + part(counts.1, 1) + part(counts.2, 2) + part(counts.3, 3)
        return Int((tf * 100).rounded())
    }

    /// k1 × (1 - b + b × length ÷ average): a field's length normalisation in BM25F.
    static func norm(_ length: Int32, average: Double) -> Double {
        k1 * (1 - b + b * Double(length) / average)
    }

    /// The start of a term's entry, `"term":[idf`, with room for `more` bytes of postings and the closing bracket.
    static func entryHead(_ term: String, documents n: Int, containing df: Int, reserving more: Int) -> [UInt8] {
        var bytes: [UInt8] = Array(JSONValue.quoted(term).utf8)
        bytes.reserveCapacity(bytes.count + 8 + more)
        bytes.append(contentsOf: ":[".utf8)
        appendDecimal(idf(documents: n, containing: df), to: &bytes)
        return bytes
    }

    /// A term's inverse document frequency, × 100.
    static func idf(documents n: Int, containing df: Int) -> Int {
        Int((log(1 + (Double(n) - Double(df) + 0.5) / (Double(df) + 0.5)) * 100).rounded())
    }

    /// Each field's average length in words, rounded to a quarter of a word (at least 1): an edit moves an average
    /// across a quarter only when it changes the handbook's words by a quarter of its document count, so the next build
    /// can patch the entries of the terms one edit touched (`SearchState`) instead of scoring every posting again.
    static func averages(_ lengths: [(Int32, Int32, Int32, Int32)], count: Int) -> [Double] {
        quarters(lengths, count: count).map { max(1, Double($0) / 4) }
    }

    /// The averages, as whole quarters of a word.
    static func quarters(_ lengths: [(Int32, Int32, Int32, Int32)], count: Int) -> [Int] {
        var sums = [Int](repeating: 0, count: fields.count)
        for l in lengths { sums[0] += Int(l.0); sums[1] += Int(l.1); sums[2] += Int(l.2); sums[3] += Int(l.3) }
        let n = max(1, count)
        // round(4 × sum ÷ n), in integers.
        return sums.map { (8 * $0 + n) / (2 * n) }
    }

    /// `ADR-0012` is found as `adr-12` (prefix and number) and as `#12` (the number alone).
    static func idTerms(_ id: String?, prefixes: [String]) -> [String] {
        guard let id else { return [] }
        let lower = id.lowercased()
        for p in prefixes.map({ $0.lowercased() }).sorted(by: { $0.count > $1.count }) where !p.isEmpty && lower.hasPrefix(p) {
            let digits = lower.dropFirst(p.count).drop { $0 == "-" || $0 == "_" || $0 == " " }
            if let number = Int(digits), !digits.isEmpty, digits.allSatisfy(\.isASCII) {
                return [p + "-" + String(number), "#" + String(number)]
            }
        }
        return []
    }

    static func facetValues(_ perDoc: [[String]]) -> [(value: String, count: Int)] {
        var counts: [String: Int] = [:]
        for values in perDoc { for v in Set(values) { counts[v, default: 0] += 1 } }
        return sortedUTF16(counts.keys).map { ($0, counts[$0]!) }
    }

    /// A document's value as a JSON string with one character per document: the value's index plus 35,
    /// skipping the backslash, `!` for none. More values than that alphabet holds: an array of indexes, -1 for none.
    static func codes(_ perDoc: [[String]], values: [(value: String, count: Int)]) -> String {
        let index = Dictionary(uniqueKeysWithValues: values.enumerated().map { ($1.value, $0) })
        let ks = perDoc.map { v in v.first.flatMap { index[$0] } ?? -1 }
        guard values.count <= 91 else { return "[" + ks.map(String.init).joined(separator: ",") + "]" }
        var out = ""
        out.reserveCapacity(perDoc.count + 2)
        for k in ks {
            let c = k < 0 ? 33 : (35 + k >= 92 ? 36 + k : 35 + k)
            out.unicodeScalars.append(Unicode.Scalar(UInt8(c)))
        }
        return JSONValue.quoted(out)
    }

    /// Per tag value, its documents as gaps from the previous one.
    static func tagLists(_ perDoc: [[String]], values: [(value: String, count: Int)]) -> String {
        let index = Dictionary(uniqueKeysWithValues: values.enumerated().map { ($1.value, $0) })
        var lists = [[Int]](repeating: [], count: values.count)
        for (d, tags) in perDoc.enumerated() {
            for t in Set(tags) { if let k = index[t] { lists[k].append(d) } }
        }
        return "[" + lists.map { docs in
            var previous = 0
            return "[" + docs.map { d -> String in defer { previous = d }; return String(d - previous) }.joined(separator: ",") + "]"
        }.joined(separator: ",") + "]"
    }

    /// What a result shows: `[id, title, kind, status, date, url, tags, [[anchor, heading, text], ...]]`.
    static func fragment(_ d: SearchDocument) -> [UInt8] {
        var out: [UInt8] = [0x5B]
        out.reserveCapacity(d.segments.reduce(256) { $0 + $1.text.utf8.count + $1.heading.utf8.count + $1.anchor.utf8.count + 12 })
        for v in [d.id, d.title, d.kind, d.status, d.date, d.url] {
            JSONValue.appendQuoted(v ?? "", to: &out); out.append(0x2C)
        }
        out.append(0x5B)
        for (k, t) in d.tags.enumerated() {
            if k > 0 { out.append(0x2C) }
            JSONValue.appendQuoted(t, to: &out)
        }
        out.append(contentsOf: "],[".utf8)
        for (k, s) in d.segments.enumerated() {
            if k > 0 { out.append(0x2C) }
            out.append(0x5B)
            JSONValue.appendQuoted(s.anchor, to: &out); out.append(0x2C)
            JSONValue.appendQuoted(s.heading, to: &out); out.append(0x2C)
            JSONValue.appendQuoted(s.text, to: &out)
            out.append(0x5D)
        }
        out.append(contentsOf: "]]".utf8)
        return out
    }

    static func appendDecimal(_ n: Int, to bytes: inout [UInt8]) {
        if n < 0 { bytes.append(0x2D); appendDecimal(-n, to: &bytes); return }
        if n < 10 { bytes.append(UInt8(0x30 + n)); return }
        var divisor = 10
        while divisor <= n / 10 { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(0x30 + (n / divisor) % 10))
            divisor /= 10
        }
    }

    /// The order JavaScript compares strings in (UTF-16 code units), so the script's binary search agrees.
    static func utf16Less(_ a: String, _ b: String) -> Bool {
        a.utf16.lexicographicallyPrecedes(b.utf16)
    }

    /// Sorted in UTF-16 order. UTF-8 byte order is code point order, which differs from UTF-16 order only
    /// between U+E000...U+FFFF and the supplementary planes; the bytes are compared unless such a character
    /// (lead byte 0xEE or above) is present, because walking a native string's UTF-16 view is slow.
    static func sortedUTF16(_ strings: some Collection<String>) -> [String] {
        if strings.allSatisfy({ !$0.utf8.contains { $0 >= 0xEE } }) {
            return strings.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }.map { String(decoding: $0, as: UTF8.self) }
        }
        return strings.sorted(by: utf16Less)
    }
}

/// Term ids of words by their UTF-8 bytes: an open-addressing table over one byte arena, so that the
/// million words of a large handbook are looked up without a String and a SipHash each.
struct WordIDs {
    private var arena: [UInt8] = []
    private var entries: [(start: Int, length: Int, hash: UInt64, id: Int32)] = []
    /// Indices into `entries`, -1 for empty; the count is a power of two, at most half full.
    private var slots = [Int32](repeating: -1, count: 1024)

    /// The id of `word`, made by `make` the first time the word is seen.
    mutating func id(_ word: UnsafeBufferPointer<UInt8>, make: () -> Int32) -> Int32 {
        var h = StableHash()
        h.add(word)
        let hash = h.value
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while slots[i] >= 0 {
            let e = entries[Int(slots[i])]
            if e.hash == hash, e.length == word.count,
               arena.withUnsafeBufferPointer({ memcmp($0.baseAddress! + e.start, word.baseAddress!, word.count) == 0 }) {
                return e.id
            }
            i = (i + 1) & mask
        }
        let id = make()
        slots[i] = Int32(entries.count)
        entries.append((arena.count, word.count, hash, id))
        arena.append(contentsOf: word)
        if entries.count * 2 > slots.count { grow() }
        return id
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (n, e) in entries.enumerated() {
            var i = Int(truncatingIfNeeded: e.hash) & mask
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = Int32(n)
        }
    }
}
