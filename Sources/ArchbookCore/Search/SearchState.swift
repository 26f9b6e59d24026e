// What a build's search index was made from, kept for the next build: with it, a build after a few edits rescores
// the terms those documents hold instead of every posting of the handbook.

import Foundation

/// The index's terms, each with its JSON member as written, and per document what it contributes: the key of its
/// searchable text, its field lengths and the terms it has postings in. Immutable; a build makes a new one.
public final class SearchState: Sendable {
    /// The ID prefixes the ID terms were made with.
    let prefixes: [String]
    /// Per document, `SearchIndex.key(of:)`.
    let keys: [UInt64]
    /// Per document, its words in the title, tags, headings and body.
    let lengths: [(Int32, Int32, Int32, Int32)]
    /// Every term, in UTF-16 order, and its member `"term":[idf,gap,score,...]`.
    let terms: [String]
    let entries: [[UInt8]]
    /// Per document `d`, the places in `terms` of the terms it has postings in, ascending: `docTerms[starts[d]..<starts[d + 1]]`.
    let starts: [Int32]
    let docTerms: [Int32]

    init(prefixes: [String], keys: [UInt64], lengths: [(Int32, Int32, Int32, Int32)], terms: [String], entries: [[UInt8]],
         starts: [Int32], docTerms: [Int32]) {
        self.prefixes = prefixes
        self.keys = keys
        self.lengths = lengths
        self.terms = terms
        self.entries = entries
        self.starts = starts
        self.docTerms = docTerms
    }

    static let magic = Array("archbook search state 1\n".utf8)

    /// The state as bytes, for a file; `tag` names what wrote it (a state is only read back by the same archbook).
    public func encoded(tag: String) -> [UInt8] {
        var all: [UInt8] = []
        all.reserveCapacity(encodedCount(tag: tag))
        _ = write(tag: tag) { all.append(contentsOf: $0); return true }
        return all
    }

    /// `encoded(tag:)` handed to `emit` in pieces of about a megabyte, in order; false as soon as `emit` is. A build
    /// writes the state while its pages are made, and holding the tens of megabytes of a large handbook's state twice
    /// would add to the build's peak memory.
    public func write(tag: String, _ emit: ([UInt8]) -> Bool) -> Bool {
        let total = encodedCount(tag: tag)
        var sum = MemoWriter.Checksum(count: total - 8)
        var w = MemoWriter()
        w.bytes.reserveCapacity(1 << 20)
        func flush() -> Bool {
            w.bytes.withUnsafeBytes { sum.add($0) }
            defer { w.bytes.removeAll(keepingCapacity: true) }
            return emit(w.bytes)
        }
        func piece() -> Bool { w.bytes.count < 1 << 20 || flush() }
        w.bytes = Self.magic
        w.string(tag)
        w.int(prefixes.count)
        for p in prefixes { w.string(p) }
        w.int(keys.count)
        for (k, l) in zip(keys, lengths) {
            w.int(Int(truncatingIfNeeded: k))
            for v in [l.0, l.1, l.2, l.3] { w.int(Int(v)) }
            guard piece() else { return false }
        }
        w.int(terms.count)
        for (t, e) in zip(terms, entries) {
            w.string(t)
            w.raw(e)
            guard piece() else { return false }
        }
        guard flush() else { return false }
        for values in [starts, docTerms] {
            w.int(values.count)
            guard flush() else { return false }
            // Little-endian, as one block where the machine's order is already little-endian: the per-document term
            // lists are millions of numbers.
            #if _endian(little)
            let ok = values.withUnsafeBytes { raw in
                sum.add(raw)
                return stride(from: 0, to: raw.count, by: 1 << 20).allSatisfy { emit(Array(raw[$0..<min(raw.count, $0 + (1 << 20))])) }
            }
            guard ok else { return false }
            #else
            for x in values { withUnsafeBytes(of: UInt32(bitPattern: x).littleEndian) { w.bytes.append(contentsOf: $0) } }
            guard flush() else { return false }
            #endif
        }
        w.int(Int(truncatingIfNeeded: sum.value))
        return emit(w.bytes)
    }

    /// How many bytes `encoded(tag:)` has, its checksum included.
    func encodedCount(tag: String) -> Int {
        func string(_ s: String) -> Int { 8 + s.utf8.count }
        return Self.magic.count + string(tag) + 8 + prefixes.reduce(0) { $0 + string($1) } + 8 + 40 * keys.count
            + 8 + zip(terms, entries).reduce(0) { $0 + string($1.0) + 8 + $1.1.count }
            + 8 + 4 * starts.count + 8 + 4 * docTerms.count + 8
    }

    /// The state in `bytes`, if they are one this archbook (`tag`) wrote, whole and consistent; else nil.
    public static func decode(_ bytes: [UInt8], tag: String) -> SearchState? {
        guard var r = MemoReader(sealed: bytes, magic: magic), r.string() == tag,
              let prefixes = r.strings(), let n = r.count() else { return nil }
        var keys: [UInt64] = [], lengths: [(Int32, Int32, Int32, Int32)] = []
        keys.reserveCapacity(n)
        lengths.reserveCapacity(n)
        for _ in 0..<n {
            guard let k = r.int(), let a = r.int(), let b = r.int(), let c = r.int(), let d = r.int(),
                  let l = Int32(exactly: a), let m = Int32(exactly: b), let o = Int32(exactly: c), let p = Int32(exactly: d) else { return nil }
            keys.append(UInt64(bitPattern: Int64(k)))
            lengths.append((l, m, o, p))
        }
        guard let count = r.count() else { return nil }
        var terms: [String] = [], entries: [[UInt8]] = []
        terms.reserveCapacity(count)
        entries.reserveCapacity(count)
        for _ in 0..<count {
            guard let t = r.string(), let e = r.raw() else { return nil }
            terms.append(t)
            entries.append(e)
        }
        guard let starts = int32s(&r), let docTerms = int32s(&r), r.at == r.bytes.endIndex,
              starts.count == n + 1, starts.first == 0, starts.last == Int32(docTerms.count),
              zip(starts, starts.dropFirst()).allSatisfy({ $0 <= $1 }),
              docTerms.allSatisfy({ $0 >= 0 && Int($0) < count }) else { return nil }
        return SearchState(prefixes: prefixes, keys: keys, lengths: lengths, terms: terms, entries: entries,
                           starts: starts, docTerms: docTerms)
    }

    private static func int32s(_ r: inout MemoReader) -> [Int32]? {
        guard let n = r.int(), n >= 0, n <= (r.bytes.endIndex - r.at) / 4 else { return nil }
        let start = r.at - r.bytes.startIndex
        r.at += 4 * n
        return r.bytes.withUnsafeBytes { raw in
            [Int32](unsafeUninitializedCapacity: n) { out, count in
                #if _endian(little)
                UnsafeMutableRawBufferPointer(out).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[start..<(start + 4 * n)]))
                #else
                for k in 0..<n { out[k] = Int32(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 4 * k, as: UInt32.self))) }
                #endif
                count = n
            }
        }
    }
}

extension SearchIndex {
    /// What a document's postings are made from (its ID, title, tags and the hash of its text); nil when the text has
    /// no hash, and the document then counts as changed.
    static func key(of d: SearchDocument) -> UInt64? {
        guard let segments = d.segmentsHash else { return nil }
        var h = StableHash()
        h.add("search postings \(version)")
        h.add(d.id)
        h.add(d.title)
        h.add(d.tags.count)
        for t in d.tags { h.add(t) }
        h.add(Int(truncatingIfNeeded: segments))
        return h.value
    }

    /// The terms and their entries when at most a few documents changed since `state` and the averages stayed within
    /// their quarter: the changed documents' words are counted, and only the terms they held or now hold are scored
    /// again (an unchanged document's scores depend only on its own counts, its lengths and the averages; a term's
    /// idf only on its document count). Nil when a full count is needed; the result is the same either way.
    static func patch(_ state: SearchState, _ docs: [SearchDocument], keys: [UInt64?], idPrefixes: [String],
                      counted: (@Sendable (Int, SearchTerms) -> Void)?,
                      counting: (@Sendable (Int) -> SearchDocument)? = nil)
        -> (terms: [String], entries: [[UInt8]], state: SearchState)? {
        let n = docs.count
        guard state.prefixes == idPrefixes, state.keys.count == n, n > 0 else { return nil }
        var changed: [Int] = []
        for i in 0..<n where keys[i] == nil || keys[i] != state.keys[i] {
            changed.append(i)
            if changed.count > max(16, n / 50) { return nil }
        }
        // A changed document whose body was kept (its title or tags changed) brings the terms counted for it.
        let chunk = Postings.analyse(docs, changed, idPrefixes: idPrefixes, counted: counted, counting: counting)
        var lengths = state.lengths
        for (k, d) in changed.enumerated() { lengths[d] = chunk.lengths[k] }
        guard quarters(lengths, count: n) == quarters(state.lengths, count: n) else { return nil }
        // Bodies rendered afresh (a cache that lost them, another configuration) come without counted terms: they are
        // counted for the build to keep, though their postings stand, so the next full count need not count them.
        if let counted {
            let isChanged = Set(changed)
            let uncounted = (0..<n).filter { docs[$0].terms == nil && !docs[$0].termsStored && !isChanged.contains($0) }
            let size = max(64, uncounted.count / (4 * ProcessInfo.processInfo.activeProcessorCount) + 1)
            let parts = stride(from: 0, to: uncounted.count, by: size).map { Array(uncounted[$0..<min(uncounted.count, $0 + size)]) }
            _ = Checker.parallelMap(parts) { part in
                Postings.analyse(docs, part, idPrefixes: idPrefixes, counted: counted, counting: counting).lengths.count
            }
        }
        let averages = averages(lengths, count: n)
        var norms = [Double](repeating: 0, count: 4 * n)
        for d in changed {
            let l = lengths[d]
            for (f, length) in [l.0, l.1, l.2, l.3].enumerated() { norms[4 * d + f] = norm(length, average: averages[f]) }
        }
        let dropping = changed.map { Int32($0) }

        // Each term's place in the old list, or where it would go.
        func place(_ term: String) -> (index: Int, found: Bool) {
            var lo = 0, hi = state.terms.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if utf16Less(state.terms[mid], term) { lo = mid + 1 } else { hi = mid }
            }
            return (lo, lo < state.terms.count && state.terms[lo] == term)
        }
        // The terms whose entries change: those the changed documents hold now (by their id in `chunk`), with their
        // new postings, and those they held and no longer hold, which only lose postings.
        var jobs: [(at: Int, found: Bool, term: String, adding: [(doc: Int32, score: Int)])] = []
        var heldOnlyBefore = Set<Int32>()
        for d in changed { for t in state.docTerms[Int(state.starts[d])..<Int(state.starts[d + 1])] { heldOnlyBefore.insert(t) } }
        for (local, name) in chunk.names.enumerated() {
            let (k, found) = place(name)
            if found { heldOnlyBefore.remove(Int32(k)) }
            jobs.append((k, found, name, chunk.lists[local].map { ($0.doc, score($0.counts, norms: norms, at: 4 * Int($0.doc))) }))
        }
        let chunkTerms = jobs.count
        for t in heldOnlyBefore.sorted() { jobs.append((Int(t), true, state.terms[Int(t)], [])) }
        let results = Checker.parallelMap(jobs) { job in
            rescored(job.found ? state.entries[job.at] : nil, term: job.term, dropping: dropping, adding: job.adding, documents: n)
        }
        var updates: [Int: [UInt8]?] = [:]  // old index -> new entry (nil: the term is gone)
        // New terms by their place, each with its job (the chunk term it is).
        var inserted: [(at: Int, term: String, entry: [UInt8], job: Int)] = []
        for (j, (job, result)) in zip(jobs, results).enumerated() {
            guard case .some(.some(let entry)) = result else { return nil }
            if job.found { updates[job.at] = entry.isEmpty ? nil : entry } else if !entry.isEmpty { inserted.append((job.at, job.term, entry, j)) }
        }
        inserted.sort { $0.at != $1.at ? $0.at < $1.at : utf16Less($0.term, $1.term) }

        // Merge: old terms in order (rescored or dropped), new ones at their places; each chunk term's new place noted.
        var terms: [String] = [], entries: [[UInt8]] = []
        terms.reserveCapacity(state.terms.count + inserted.count)
        entries.reserveCapacity(state.terms.count + inserted.count)
        var moved = [Int32](repeating: -1, count: state.terms.count)
        var placeOfJob = [Int32](repeating: -1, count: chunkTerms)
        var next = 0
        for k in 0...state.terms.count {
            while next < inserted.count, inserted[next].at == k {
                placeOfJob[inserted[next].job] = Int32(terms.count)
                terms.append(inserted[next].term)
                entries.append(inserted[next].entry)
                next += 1
            }
            guard k < state.terms.count else { break }
            if let update = updates[k] {
                guard let entry = update else { continue }
                moved[k] = Int32(terms.count)
                terms.append(state.terms[k])
                entries.append(entry)
            } else {
                moved[k] = Int32(terms.count)
                terms.append(state.terms[k])
                entries.append(state.entries[k])
            }
        }
        for j in 0..<chunkTerms where jobs[j].found { placeOfJob[j] = moved[jobs[j].at] }

        // Each document's terms: unchanged documents' moved to their new places (the order holds), changed ones' anew
        // (a chunk term's id is its job's number).
        var fromChunk: [Int: [Int32]] = [:]
        for (k, d) in changed.enumerated() {
            let mine = chunk.docTermIDs[Int(chunk.docStarts[k])..<Int(chunk.docStarts[k + 1])].map { placeOfJob[Int($0)] }
            fromChunk[d] = Array(Set(mine)).sorted()
        }
        var starts = [Int32](repeating: 0, count: n + 1)
        var total = state.docTerms.count
        for (d, mine) in fromChunk { total += mine.count - Int(state.starts[d + 1] - state.starts[d]) }
        // Millions of numbers: written through raw buffers.
        let docTerms = [Int32](unsafeUninitializedCapacity: total) { out, written in
            state.docTerms.withUnsafeBufferPointer { old in
                moved.withUnsafeBufferPointer { places in
                    var w = 0
                    for d in 0..<n {
                        if let mine = fromChunk[d] {
                            for t in mine { out[w] = t; w += 1 }
                        } else {
                            for k in Int(state.starts[d])..<Int(state.starts[d + 1]) { out[w] = places[Int(old[k])]; w += 1 }
                        }
                        starts[d + 1] = Int32(w)
                    }
                    written = w
                }
            }
        }
        let newKeys = (0..<n).map { keys[$0] ?? 0 }
        return (terms, entries, SearchState(prefixes: idPrefixes, keys: newKeys, lengths: lengths, terms: terms, entries: entries,
                                            starts: starts, docTerms: docTerms))
    }

    /// A term's entry with the postings of the documents in `dropping` (ascending) removed and `adding` (in document
    /// order) put in their places; empty when no posting is left, nil when `entry` is not an entry. The runs of
    /// postings in between are copied as they are, so a common term's long list costs a scan, not a rewrite.
    static func rescored(_ entry: [UInt8]?, term: String, dropping: [Int32], adding: [(doc: Int32, score: Int)],
                         documents n: Int) -> [UInt8]?? {
        var body: [UInt8] = []
        body.reserveCapacity((entry?.count ?? 0) + adding.count * 8)
        var df = 0, previousOut = 0, a = 0
        func add(_ p: (doc: Int32, score: Int)) {
            body.append(0x2C); appendDecimal(Int(p.doc) - previousOut, to: &body)
            body.append(0x2C); appendDecimal(p.score, to: &body)
            previousOut = Int(p.doc)
            df += 1
        }
        if let entry {
            let ok: Bool = entry.withUnsafeBufferPointer { e in
                // Past the quoted term (which may hold escaped quotes), `:[` and the idf.
                guard e.count > 2, e[0] == 0x22 else { return false }
                var i = 1
                while i < e.count, e[i] != 0x22 { i += e[i] == 0x5C ? 2 : 1 }
                i += 1
                guard i + 1 < e.count, e[i] == 0x3A, e[i + 1] == 0x5B else { return false }
                i += 2
                while i < e.count, e[i] >= 0x30 && e[i] <= 0x39 { i += 1 }
                var previousIn = 0, d = 0
                var run = -1, runEnd = -1
                func flush() {
                    if run >= 0 { body.append(contentsOf: UnsafeBufferPointer(rebasing: e[run..<runEnd])); run = -1 }
                }
                while i < e.count, e[i] == 0x2C {
                    let postingStart = i
                    i += 1
                    var gap = 0, digits = 0
                    while i < e.count, e[i] >= 0x30 && e[i] <= 0x39 { gap = gap * 10 + Int(e[i] - 0x30); i += 1; digits += 1 }
                    guard digits > 0, i < e.count, e[i] == 0x2C else { return false }
                    let scoreStart = i
                    i += 1
                    let scoreDigits = i
                    while i < e.count, e[i] >= 0x30 && e[i] <= 0x39 { i += 1 }
                    guard i > scoreDigits else { return false }
                    let doc = previousIn + gap
                    previousIn = doc
                    while a < adding.count, Int(adding[a].doc) < doc { flush(); add(adding[a]); a += 1 }
                    while d < dropping.count, Int(dropping[d]) < doc { d += 1 }
                    if d < dropping.count, Int(dropping[d]) == doc { flush(); continue }
                    df += 1
                    if doc - previousOut == gap {
                        if run < 0 { run = postingStart }
                        runEnd = i
                    } else {
                        flush()
                        body.append(0x2C); appendDecimal(doc - previousOut, to: &body)
                        body.append(contentsOf: UnsafeBufferPointer(rebasing: e[scoreStart..<i]))
                    }
                    previousOut = doc
                }
                flush()
                return i == e.count - 1 && e[i] == 0x5D
            }
            guard ok else { return nil }
        }
        while a < adding.count { add(adding[a]); a += 1 }
        guard df > 0 else { return .some([]) }
        var bytes = entryHead(term, documents: n, containing: df, reserving: body.count)
        bytes.append(contentsOf: body)
        bytes.append(0x5D)
        return .some(bytes)
    }
}
