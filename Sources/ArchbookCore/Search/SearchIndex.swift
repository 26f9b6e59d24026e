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

    public init(id: String?, title: String, kind: String?, status: String?, date: String?, tags: [String], url: String,
                segments: [SearchSegment]) {
        self.id = id
        self.title = title
        self.kind = kind
        self.status = status
        self.date = date
        self.tags = tags
        self.url = url
        self.segments = segments
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
    public static let version = 1
    /// Field order in the format; weights favour a title match over a heading match over a body match.
    static let fields = ["title", "tags", "headings", "body"]
    static let weights: [Double] = [6, 3, 2.5, 1]
    static let k1 = 1.2, b = 0.75

    /// Files under `search/`, each as JSON and as a script that hands the same data to the page
    /// (browsers do not let a page opened from disk fetch files).
    public static func build(_ docs: [SearchDocument], idPrefixes: [String], kindLabels: [String: String],
                             options: SearchOptions = SearchOptions()) -> [(path: String, bytes: [UInt8])] {
        // Per document: term -> (frequency per field, first segment). Documents are independent.
        let analysed = Checker.parallelMap(Array(docs.indices)) { i in analyse(docs[i]) }

        // Facet values, sorted, with counts.
        let docKinds = docs.map { $0.kind.map { [$0] } ?? [] }
        let docStatuses = docs.map { $0.status.map { [$0] } ?? [] }
        let docYears = docs.map { $0.date.map { [String($0.prefix(4))] } ?? [] }
        let kinds = facetValues(docKinds)
        let statuses = facetValues(docStatuses)
        let tags = facetValues(docs.map(\.tags))
        let years = facetValues(docYears)

        // Postings: documents in order, score = BM25F term-frequency part; idf once per term.
        var averages = [Double](repeating: 0, count: fields.count)
        for a in analysed { for f in fields.indices { averages[f] += Double(a.lengths[f]) } }
        for f in fields.indices { averages[f] = max(1, averages[f] / Double(max(1, docs.count))) }
        var postings: [String: [(doc: Int, score: Int, segment: Int)]] = [:]
        for (d, a) in analysed.enumerated() {
            for (term, stats) in a.terms {
                var tf = 0.0
                for f in fields.indices where stats.count(f) > 0 {
                    let c = Double(stats.count(f))
                    let norm = k1 * (1 - b + b * Double(a.lengths[f]) / averages[f])
                    tf += weights[f] * c * (k1 + 1) / (c + norm)
                }
                postings[term, default: []].append((d, Int((tf * 100).rounded()), stats.segment))
            }
            for term in idTerms(docs[d].id, prefixes: idPrefixes) {
                postings[term, default: []].append((d, 0, 0))
            }
        }
        let n = Double(docs.count)
        let terms = postings.keys.sorted(by: utf16Less)
        var termEntries: [(term: String, json: String)] = []
        termEntries.reserveCapacity(terms.count)
        for term in terms {
            let list = postings[term]!
            let df = Double(list.count)
            let idf = log(1 + (n - df + 0.5) / (df + 0.5))
            var bytes: [UInt8] = Array(JSONValue.quoted(term).utf8)
            bytes.reserveCapacity(bytes.count + 4 + list.count * 9)
            bytes.append(contentsOf: ":[".utf8)
            appendDecimal(Int((idf * 100).rounded()), to: &bytes)
            var previous = 0
            for p in list {
                bytes.append(0x2C); appendDecimal(p.doc - previous, to: &bytes)
                bytes.append(0x2C); appendDecimal(p.score, to: &bytes)
                bytes.append(0x2C); appendDecimal(p.segment, to: &bytes)
                previous = p.doc
            }
            bytes.append(0x5D)
            termEntries.append((term, String(decoding: bytes, as: UTF8.self)))
        }

        let facetData = "{\"kind\":" + codes(docKinds, values: kinds)
            + ",\"status\":" + codes(docStatuses, values: statuses)
            + ",\"year\":" + codes(docYears, values: years)
            + ",\"tag\":" + tagLists(docs.map(\.tags), values: tags) + "}"
        let fragments = docs.map(fragment)

        var facets = "{\"kind\":[" + kinds.map { "[" + JSONValue.quoted($0.value) + "," + JSONValue.quoted(kindLabels[$0.value] ?? $0.value) + "," + String($0.count) + "]" }.joined(separator: ",") + "]"
        for (name, values) in [("status", statuses), ("tag", tags), ("year", years)] {
            facets += ",\"\(name)\":[" + values.map { "[" + JSONValue.quoted($0.value) + "," + String($0.count) + "]" }.joined(separator: ",") + "]"
        }
        facets += "}"
        let head = "\"version\":\(version),\"documents\":\(docs.count),\"prefixes\":["
            + idPrefixes.map { JSONValue.quoted($0.lowercased()) }.sorted().joined(separator: ",") + "],\"facets\":" + facets

        let termBytes = termEntries.reduce(0) { $0 + $1.json.utf8.count + 1 }
        let total = termBytes + facetData.utf8.count + fragments.reduce(0) { $0 + $1.utf8.count + 1 }
        var files: [(String, String)] = []
        if total <= options.splitBytes {
            files.append(("index", "{" + head + ",\"split\":false,\"terms\":{" + termEntries.map(\.json).joined(separator: ",")
                + "},\"facetData\":" + facetData + ",\"docs\":[" + fragments.joined(separator: ",") + "]}"))
        } else {
            var shards: [[String]] = [[]]
            var firstTerms: [String] = []
            var size = 0
            for entry in termEntries {
                if shards[shards.count - 1].isEmpty { firstTerms.append(entry.term) }
                shards[shards.count - 1].append(entry.json)
                size += entry.json.utf8.count + 1
                if size >= options.shardBytes { shards.append([]); size = 0 }
            }
            if shards.count > 1 && shards[shards.count - 1].isEmpty { shards.removeLast() }
            files.append(("index", "{" + head + ",\"split\":true,\"shards\":[" + firstTerms.map(JSONValue.quoted).joined(separator: ",") + "]}"))
            for (k, shard) in shards.enumerated() { files.append(("terms-\(k)", "{" + shard.joined(separator: ",") + "}")) }
            files.append(("facets", facetData))
            for (k, f) in fragments.enumerated() { files.append(("docs/\(k)", f)) }
        }
        var out: [(path: String, bytes: [UInt8])] = []
        out.reserveCapacity(files.count * 2)
        for (name, json) in files {
            out.append(("search/\(name).json", Array((json + "\n").utf8)))
            out.append(("search/\(name).js", Array(("archbookSearchData(" + JSONValue.quoted(name) + "," + json + ");\n").utf8)))
        }
        return out
    }

    struct TermStats {
        /// Occurrences per field (title, tags, headings, body); a tuple, not an array: one per term and document.
        var counts: (Int32, Int32, Int32, Int32) = (0, 0, 0, 0)
        /// The first segment the term appears in (0 also for the title and tags).
        var segment: Int

        mutating func add(_ field: Int) {
            switch field {
            case 0: counts.0 += 1
            case 1: counts.1 += 1
            case 2: counts.2 += 1
            default: counts.3 += 1
            }
        }

        func count(_ field: Int) -> Int {
            switch field {
            case 0: Int(counts.0)
            case 1: Int(counts.1)
            case 2: Int(counts.2)
            default: Int(counts.3)
            }
        }
    }

    struct Analysed {
        var terms: [String: TermStats] = [:]
        var lengths = [Int](repeating: 0, count: fields.count)
    }

    static func analyse(_ d: SearchDocument) -> Analysed {
        var a = Analysed()
        var stems: [String: String] = [:]
        func add(_ text: String, field: Int, segment: Int) {
            for word in SearchText.words(text) {
                let term: String
                if let t = stems[word] { term = t } else { term = SearchText.term(word); stems[word] = term }
                a.lengths[field] += 1
                a.terms[term, default: TermStats(segment: segment)].add(field)
            }
        }
        add(d.title, field: 0, segment: 0)
        for t in d.tags { add(t, field: 1, segment: 0) }
        for (k, s) in d.segments.enumerated() {
            add(s.heading, field: 2, segment: k)
            add(s.text, field: 3, segment: k)
        }
        return a
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
        return counts.keys.sorted(by: utf16Less).map { ($0, counts[$0]!) }
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
    static func fragment(_ d: SearchDocument) -> String {
        func s(_ v: String?) -> String { JSONValue.quoted(v ?? "") }
        return "[" + [s(d.id), s(d.title), s(d.kind), s(d.status), s(d.date), s(d.url),
                      "[" + d.tags.map(JSONValue.quoted).joined(separator: ",") + "]",
                      "[" + d.segments.map { "[" + s($0.anchor) + "," + s($0.heading) + "," + s($0.text) + "]" }.joined(separator: ",") + "]"]
            .joined(separator: ",") + "]"
    }

    static func appendDecimal(_ n: Int, to bytes: inout [UInt8]) {
        if n < 0 { bytes.append(0x2D); appendDecimal(-n, to: &bytes); return }
        if n >= 10 { appendDecimal(n / 10, to: &bytes) }
        bytes.append(UInt8(0x30 + n % 10))
    }

    /// The order JavaScript compares strings in (UTF-16 code units), so the script's binary search agrees.
    static func utf16Less(_ a: String, _ b: String) -> Bool {
        a.utf16.lexicographicallyPrecedes(b.utf16)
    }
}
