// Zero configuration: reads a docs tree, picks per folder the preset its documents fit best, and writes it down as archbook.yml.

import Foundation

/// What detection found in a docs tree: per folder the schema picked and why, per kind the settings, and
/// the archbook.yml that says all of it (`config` is that text read back by `Config.parse`).
public struct Detection: Sendable {
    /// A schema a folder was scored against: a preset, or a built-in kind's own schema (`preset == nil`).
    public struct Score: Sendable, Equatable {
        public var kind: String
        public var preset: String?
        public var score: Double

        public var label: String { preset ?? "built-in \(kind)" }
    }

    /// One folder that holds documents (Markdown files other than README, index and templates).
    public struct Folder: Sendable, Equatable {
        /// Relative to the docs root; empty for the root itself.
        public var path: String
        public var documents: Int
        /// The kind its documents get, nil when they stay plain pages.
        public var kind: String?
        public var preset: String?
        /// The best scores, best first.
        public var ranking: [Score]
        /// Why this folder got its kind (or none), in one sentence.
        public var reason: String
    }

    /// One kind of the detected configuration.
    public struct Kind: Sendable, Equatable {
        public var name: String
        public var preset: String?
        public var folders: [String]
        public var documents: Int
        /// Why each folder got this kind, one sentence per folder.
        public var reasons: [String]
        /// How many documents show each section and signal of the schema.
        public var evidence: [String]
        /// The settings, as `key: value` YAML lines (values already quoted).
        public var settings: [(key: String, value: String, comment: String?)]

        public static func == (a: Kind, b: Kind) -> Bool {
            a.name == b.name && a.preset == b.preset && a.folders == b.folders && a.documents == b.documents
                && a.reasons == b.reasons && a.evidence == b.evidence && a.settings.map { "\($0.key)=\($0.value)=\($0.comment ?? "")" }
                == b.settings.map { "\($0.key)=\($0.value)=\($0.comment ?? "")" }
        }
    }

    public var folders: [Folder]
    public var kinds: [Kind]
    /// Built-in kinds switched off because their default folders hold documents of another kind.
    public var disabled: [(kind: String, because: String)]
    /// The archbook.yml text `archbook init` writes.
    public var yaml: String
    /// `yaml` read by `Config.parse`: what `check` and `build` use when there is no archbook.yml.
    public var config: Config
    /// The files detection read and parsed, for the check that follows (see `Checker.check(parsed:)`).
    public var parsed: ParsedSources?
    /// What detection extracted from each file it read, for the next detection (`detect(_:memo:)`): made only when
    /// detection was given a memo to use (an empty one for the first time).
    public var memo: ExtractionMemo?
}

public enum Detector {
    /// A folder is given the best-scoring schema when its score reaches this.
    static let threshold = 0.5
    /// A folder named like a kind's folder (`adr/`, `runbooks/`) needs less.
    static let hintedThreshold = 0.25
    /// Detection adjusts a schema to a kind's documents only with at least this many of them...
    static let minimumForAdjusting = 5
    /// ...and relaxes a required section that fewer than this share of them have (four in five is the team's practice)...
    static let sectionsBelow = 0.8
    /// ...and a required status that fewer than half of them have.
    static let statusBelow = 0.5
    /// A folder with more Markdown files than this is judged by an evenly spaced sample of this many, so
    /// that zero-config runs on very large trees do not read every document twice.
    static let sampleLimit = 250
    /// Detection hands at most this many bytes of parsed files to the check that follows.
    static let parsedBytesKept = 32 << 20

    /// The key of detection's memos: what it extracts depends only on a file's path and bytes (and archbook).
    public static let memoKey = "detection: catch-all kind"

    /// Scores every folder of the tree and writes the configuration. Throws only when the tree cannot be listed.
    /// `memo`: what an earlier detection extracted (`Detection.memo`); files with the same bytes are not parsed again.
    public static func detect(_ tree: some FileTree, memo: ExtractionMemo? = nil) throws(FileTreeError) -> Detection {
        let fullListing = try tree.listing()
        let listing = fullListing.separatingUnsafePaths().0
        let catchAll = ExtractionContext(config: Config(kinds: [KindSchema(
            name: "document", paths: ["**"], idPrefix: "DOC", sectionSets: [[]], statuses: [], requireStatus: false)]),
            readOnly: true)
        // The limits apply as in a check (which reports them); detection just leaves such files out.
        let limits = Config.Limits()
        var candidates = Array(listing.files.filter(Checker.isMarkdownPath).prefix(limits.maxFiles))
        // One stat per file, on every core; the limits are then applied in path order.
        let stats = Checker.parallelMap(candidates) { tree.sizeAndStamp($0) }
        var sizeOf: [String: Int] = [:]
        var stampOf: [String: FileStamp] = [:]
        sizeOf.reserveCapacity(candidates.count)
        var total = 0
        candidates = zip(candidates, stats).filter { path, stat in
            let known = stat.size
            if let known { sizeOf[path] = known }
            if let stamp = stat.stamp { stampOf[path] = stamp }
            let size = known ?? 0
            total += size
            return size <= limits.maxFileBytes && total <= limits.maxTotalBytes
        }.map(\.0)
        var perFolder: [String: [String]] = [:]
        for path in candidates { perFolder[folder(of: path), default: []].append(path) }
        var paths: [String] = []
        var totals: [String: Int] = [:]
        for (folder, files) in perFolder.sorted(by: { $0.key < $1.key }) {
            if files.count > sampleLimit {
                // What the folder counts as documents, as extraction decides by name (not READMEs, not templates).
                totals[folder] = files.filter { path in
                    let base = String(baseName(path))
                    return !Extractor.isTemplateName(base) && !Extractor.isFolderIndexName(base)
                }.count
                // `files` is in path order already (the listing is sorted).
                paths += (0..<sampleLimit).map { files[$0 * files.count / sampleLimit] }
            } else {
                paths += files
            }
        }
        // What scoring needs of each document is taken on the worker that read it, so the documents
        // themselves are neither kept nor freed on one thread.
        let earlier = memo?.key == memoKey ? memo : nil
        let stamps = stampOf
        let read: [(path: String, bytes: [UInt8], probe: Probe, tree: (MarkdownTree, TreeFacts)?, yaml: ParsedSources.YAMLRead?,
                    entry: ExtractionMemo.Entry?)?] =
            Checker.parallelMap(paths) { path in
                // As the check does (`FileStamp`): a file with the stamp it was read with is not read again.
                let stamp = stamps[path]
                if let stamp, let known = earlier?.entry(path, stamp: stamp), let doc = known.document {
                    return (path, [], Probe(doc), nil, nil, known)
                }
                guard let bytes = try? tree.read(path, maxBytes: limits.maxFileBytes), bytes.count <= limits.maxFileBytes else { return nil }
                let recorded = stamp?.recordable
                if var known = earlier?.entry(path, bytes: bytes, sidecar: nil), let doc = known.document {
                    known.restamp(recorded)
                    return (path, bytes, Probe(doc), nil, nil, known)
                }
                let (doc, parsedTree, yaml) = Extractor.extractKeepingTree(path: path, bytes: bytes, context: catchAll)
                let entry = memo == nil ? nil : ExtractionMemo.Entry(bytes: bytes, sidecar: nil, document: doc, diagnostics: [],
                                                                     stamp: recorded)
                return (path, bytes, Probe(doc), parsedTree, yaml, entry)
            }
        var detection = detect(probes: read.compactMap { $0?.probe }, totals: totals)
        var parsed: [String: ParsedSources.Entry] = [:]
        // Kept up to a bound: a tree takes a few times its text's memory, and a tree of many small folders
        // is read whole by detection.
        var kept = 0
        var yaml: [String: ParsedSources.YAMLRead] = [:]
        for case let (path, bytes, _, parsedTree?, frontMatter, _)? in read where kept + bytes.count <= parsedBytesKept {
            parsed[path] = (bytes, parsedTree.0, parsedTree.1)
            yaml[path] = frontMatter
            kept += bytes.count
        }
        detection.parsed = ParsedSources(parsed, yaml: yaml, listing: fullListing, sizes: sizeOf, stamps: stampOf)
        if memo != nil {
            var entries: [String: ExtractionMemo.Entry] = [:]
            for case let (path, _, _, _, _, entry?)? in read { entries[path] = entry }
            detection.memo = ExtractionMemo(key: memoKey, entries: entries)
        }
        return detection
    }

    /// Detection over documents already read with a catch-all kind (`isCandidate` marks those that count).
    /// `totals` gives the number of Markdown files of a folder that is represented by a sample.
    static func detect(probes all: [Probe], totals: [String: Int] = [:]) -> Detection {
        var byFolder: [String: [Probe]] = [:]
        for d in all where d.isCandidate { byFolder[folder(of: d.path), default: []].append(d) }

        // 1. Score each folder.
        var folders: [Detection.Folder] = []
        for path in byFolder.keys.sorted() {
            let docs = byFolder[path]!
            if let last = path.split(separator: "/").last?.lowercased(), last == "template" || last == "templates" {
                folders.append(Detection.Folder(path: path, documents: totals[path] ?? docs.count, kind: nil, preset: nil, ranking: [],
                                                reason: "a templates folder: its files are examples to copy, not records."))
                continue
            }
            folders.append(choose(folder: path, docs, total: totals[path]))
        }

        // 2. Group folders into kinds; a kind's other folders join its main preset when that fits them nearly as well.
        var groups: [(kind: String, preset: String?, folders: [Int])] = []
        let classified = folders.indices.filter { folders[$0].kind != nil }
        var byKind: [String: [Int]] = [:]
        for i in classified { byKind[folders[i].kind!, default: []].append(i) }
        for kind in byKind.keys.sorted(by: { kindOrder($0) < kindOrder($1) }) {
            let members = byKind[kind]!
            var docsPerPreset: [String: Int] = [:]
            for i in members { docsPerPreset[folders[i].preset ?? "", default: 0] += folders[i].documents }
            let main = docsPerPreset.sorted { $0.value != $1.value ? $0.value > $1.value : presetOrder($0.key) < presetOrder($1.key) }[0].key
            var mainFolders: [Int] = []
            var others: [String: [Int]] = [:]
            for i in members {
                let own = folders[i].ranking[0].score
                let underMain = folders[i].ranking.first { ($0.preset ?? "") == main && $0.kind == kind }?.score ?? 0
                // A folder left to the built-in schema joins the main preset rather than become a kind of its own.
                if (folders[i].preset ?? "") == main || underMain >= 0.8 * own || folders[i].preset == nil {
                    if (folders[i].preset ?? "") != main {
                        folders[i].reason += " It follows \(main.isEmpty ? "the built-in \(kind) schema" : main), like the other \(kind) folders (\(format(underMain)))."
                        folders[i].preset = main.isEmpty ? nil : main
                    }
                    mainFolders.append(i)
                } else {
                    others[folders[i].preset ?? "", default: []].append(i)
                }
            }
            groups.append((kind, main.isEmpty ? nil : main, mainFolders))
            for (preset, idx) in others.sorted(by: { presetOrder($0.key) < presetOrder($1.key) }) {
                let name = "\(kind)-\(preset)"
                for i in idx { folders[i].kind = name }
                groups.append((name, preset.isEmpty ? nil : preset, idx))
            }
        }

        // 3. Settings per kind, adjusted to its documents.
        var kinds: [Detection.Kind] = []
        for g in groups {
            let docs = g.folders.flatMap { byFolder[folders[$0].path]! }
            kinds.append(settings(kind: g.kind, preset: g.preset, folders: g.folders.map { folders[$0] }, docs: docs,
                                  sampled: g.folders.contains { totals[folders[$0].path] != nil }))
        }

        // 4. Built-in kinds whose default folders now hold another kind's documents.
        var disabled: [(String, String)] = []
        for builtIn in KindSchema.builtIn where !kinds.contains(where: { $0.name == builtIn.name }) {
            let globs = builtIn.paths.map(GlobPattern.init)
            let clash = folders.filter { f in
                f.kind != nil && globs.contains { $0.matches(f.path.isEmpty ? "x.md" : f.path + "/x.md") }
            }
            if let f = clash.first {
                disabled.append((builtIn.name, "its default folders include \(display(f.path)), which holds \(f.kind!) documents"))
            }
        }

        let yaml = render(kinds: kinds, disabled: disabled, folders: folders)
        // The text is generated here and every value in it is quoted; should it still not read back, the
        // built-in defaults are the safe answer for a check, and init writes the text for a person to fix.
        let config = (try? Config.parse(yaml, file: Config.fileName)) ?? .default
        return Detection(folders: folders, kinds: kinds, disabled: disabled, yaml: yaml, config: config)
    }

    // MARK: - Scoring

    struct Candidate: Sendable {
        var kind: String
        var preset: Preset?
        var schema: KindSchema
    }

    static let candidates: [Candidate] = Preset.all.map {
        Candidate(kind: $0.kind, preset: $0, schema: KindSchema.new(named: $0.kind, preset: $0))
    } + KindSchema.builtIn.map { Candidate(kind: $0.name, preset: nil, schema: $0) }

    static let scorers: [(Candidate, Scorer)] = candidates.map { ($0, Scorer($0)) }

    static func kindOrder(_ kind: String) -> Int {
        KindSchema.builtIn.firstIndex { $0.name == kind } ?? (KindSchema.builtIn.count + (Preset.all.firstIndex { $0.kind == kind } ?? 99))
    }

    static func presetOrder(_ preset: String) -> Int {
        Preset.all.firstIndex { $0.name == preset } ?? Preset.all.count
    }

    static func folder(of path: String) -> String {
        // By bytes: a Character search walks grapheme clusters, and every path of the tree comes here.
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        return String(path[..<slash])
    }

    static func display(_ folder: String) -> String { folder.isEmpty ? "the top folder" : folder }

    static func format(_ x: Double) -> String { String(format: "%.2f", x) }

    static func meets(_ r: SectionRequirement, _ doc: Probe) -> Bool {
        if r.satisfiedBy == "status", doc.hasStatus { return true }
        return r.keys.contains { doc.keys.contains($0) }
    }

    /// A document as detection sees it: which of every candidate's signals it shows and which section
    /// requirements' keys it has (each decided once, not once per candidate), its score under every candidate
    /// and what the settings count.
    struct Probe: Sendable {
        var path: String
        /// A document of the catch-all kind (not a README, template or redirect).
        var isCandidate: Bool
        /// Per `Scorer.signals`.
        var shown: [Bool]
        /// Per `Scorer.keyIndex`: whether the document has a section of that key.
        var hasKey: [Bool]
        var keys: Set<String>
        var hasStatus: Bool
        var headingNumber: Int?
        var headerFields: [HeaderField]
        /// `score(scorers[i].1, self)` for every i.
        var scores: [Double] = []

        init(_ doc: Document) {
            path = doc.path
            isCandidate = doc.kind != nil
            keys = SectionKey.matchable(doc.sections)
            hasStatus = doc.status != nil
            headingNumber = doc.headingNumber
            headerFields = doc.headerFields
            hasKey = Array(repeating: false, count: Scorer.keyIndex.count)
            for key in keys { if let i = Scorer.keyIndex[key] { hasKey[i] = true } }
            let fileName = PathText.fileName(doc.path)
            let sectionKeys = Set(doc.sections.map(\.key))
            shown = Scorer.signals.map { signal in
                switch signal {
                case .numberedTitle: return doc.headingNumber != nil
                case .dateLine: return doc.headerFields.contains { $0.source == .dateLine }
                case .statusSection: return doc.status?.source == .statusSection || sectionKeys.contains("status")
                case .headerField(let key): return doc.headerFields.contains { $0.key == key && $0.source == .headerBullet }
                case .frontMatterKey(let keys): return keys.contains { doc.frontMatter?.value($0) != nil }
                case .frontMatter: return doc.frontMatter != nil
                case .noTitleHeading: return !doc.sections.contains { $0.level == 1 }
                case .datedFileName:
                    return fileName.count > 9 && fileName.prefix(8).allSatisfy(\.isNumber) && IDText.fileNumber(fileName) == nil
                case .numberedFileName: return IDText.fileNumber(fileName) != nil
                case .section(let key): return sectionKeys.contains(key)
                }
            }
            if isCandidate { scores = scorers.map { score($0.1, self) } }
        }

        func shows(_ signal: Signal) -> Bool { shown[Scorer.signals.firstIndex(of: signal)!] }
    }

    /// A candidate prepared for scoring many documents: for each section set the requirements it counts
    /// (whether a status meets it, the indices of its keys in `keyIndex`), and where its preset's signals are
    /// in `Probe.shown`.
    struct Scorer {
        /// Every signal of every preset, each once.
        static let signals: [Signal] = Preset.all.flatMap(\.signals).reduce(into: []) { all, s in
            if !all.contains(s) { all.append(s) }
        }
        /// Every section key any candidate requires, numbered.
        static let keyIndex: [String: Int] = candidates.flatMap { $0.schema.sectionSets.flatMap { $0.flatMap(\.keys) } }
            .reduce(into: [:]) { index, key in if index[key] == nil { index[key] = index.count } }
        var sets: [[(byStatus: Bool, keys: [Int])]]
        var signalIndices: [Int]
        var hasPreset: Bool

        init(_ c: Candidate) {
            sets = c.schema.sectionSets.filter { !$0.isEmpty }
                .map { $0.filter { $0.satisfiedBy != "status" || c.schema.requireStatus } }
                .filter { !$0.isEmpty }
                .map { set in set.map { r in (r.satisfiedBy == "status", r.keys.map { Self.keyIndex[$0]! }) } }
            signalIndices = (c.preset?.signals ?? []).map { s in Self.signals.firstIndex(of: s)! }
            hasPreset = c.preset != nil
        }
    }

    /// How well a document fits a candidate: the share of its required sections (in its best-fitting set) the
    /// document has, and (for a preset) the signals of the tool that wrote it. A built-in schema is a fallback:
    /// it accepts either of its section sets, so it is weighed down.
    static func score(_ s: Scorer, _ t: Probe) -> Double {
        var fit = 0.0
        for set in s.sets {
            var met = 0
            for r in set where (r.byStatus && t.hasStatus) || r.keys.contains(where: { t.hasKey[$0] }) { met += 1 }
            fit = max(fit, Double(met) / Double(set.count))
        }
        guard s.hasPreset else { return 0.8 * fit }
        guard !s.signalIndices.isEmpty else { return fit }
        let shown = s.signalIndices.reduce(0) { $0 + (t.shown[$1] ? 1 : 0) }
        return 0.7 * fit + 0.3 * Double(shown) / Double(s.signalIndices.count)
    }

    static func choose(folder path: String, _ docs: [Probe], total: Int? = nil) -> Detection.Folder {
        // Each sum in document order, so the same tree always ranks the same.
        var ranking: [Detection.Score] = scorers.indices.map { i in
            let total = docs.reduce(0.0) { $0 + $1.scores[i] }
            return Detection.Score(kind: scorers[i].0.kind, preset: scorers[i].0.preset?.name, score: total / Double(docs.count))
        }
        // Stable: equal scores keep candidate order (presets before built-in schemas).
        ranking = ranking.enumerated().sorted { a, b in
            a.element.score != b.element.score ? a.element.score > b.element.score : a.offset < b.offset
        }.map(\.element)
        let sample = path.isEmpty ? "x.md" : path + "/x.md"
        let hint = KindSchema.builtIn.first { $0.paths.map(GlobPattern.init).contains { $0.matches(sample) } }?.name
            ?? Preset.all.first { $0.paths.map(GlobPattern.init).contains { $0.matches(sample) } }?.kind
        let best = ranking[0]
        let next = ranking.dropFirst().first { $0.label != best.label }
        let nextText = next.map { "; next: \($0.label) \(format($0.score))" } ?? ""
        var folder = Detection.Folder(path: path, documents: total ?? docs.count, kind: nil, preset: nil, ranking: Array(ranking.prefix(4)), reason: "")
        if best.score >= threshold {
            folder.kind = best.kind
            folder.preset = best.preset
            folder.reason = "\(best.label) fits best (\(format(best.score))\(nextText))."
        } else if let hint {
            if let ofKind = ranking.first(where: { $0.kind == hint }), ofKind.score >= hintedThreshold {
                folder.kind = hint
                folder.preset = ofKind.preset
                folder.reason = "the folder name says \(hint); \(ofKind.label) fits its documents best (\(format(ofKind.score)))."
            } else {
                folder.kind = hint
                folder.reason = "the folder name says \(hint); no preset fits its documents (best: \(best.label) \(format(best.score))), so the built-in \(hint) schema applies."
            }
        } else {
            folder.reason = "no schema fits its documents well enough (best: \(best.label) \(format(best.score)), needs \(format(threshold))); they stay plain pages."
        }
        if let total { folder.reason += " Judged by an evenly spaced sample of \(docs.count) of its \(total) documents." }
        return folder
    }

    // MARK: - Settings per kind

    static func settings(kind name: String, preset presetName: String?, folders: [Detection.Folder], docs: [Probe],
                         sampled: Bool = false) -> Detection.Kind {
        let preset = presetName.flatMap(Preset.named)
        let baseKind = preset?.kind ?? String(name.split(separator: "-").first ?? Substring(name))
        let builtIn = KindSchema.builtIn.first { $0.name == name } ?? KindSchema.builtIn.first { $0.name == baseKind }
        var schema: KindSchema
        if let preset {
            schema = KindSchema.builtIn.first(where: { $0.name == name })?.applying(preset) ?? KindSchema.new(named: name, preset: preset)
        } else {
            schema = builtIn ?? KindSchema(name: name, paths: [], idPrefix: name.uppercased(), sectionSets: [[]], statuses: [])
            schema.name = name
        }
        var settings: [(key: String, value: String, comment: String?)] = []
        var reasons: [String] = []
        var evidence: [String] = []
        let n = docs.count
        func count(_ predicate: (Probe) -> Bool) -> Int { docs.filter(predicate).count }

        if let preset {
            settings.append(("preset", quote(preset.name), "\(preset.name): \(preset.matches)"))
        }
        for f in folders {
            reasons.append("\(display(f.path)) (\(f.documents) document\(f.documents == 1 ? "" : "s")): \(f.reason)")
        }
        // Evidence: how many documents show each requirement and signal of the schema.
        if let set = schema.sectionSets.first(where: { !$0.isEmpty }) {
            let parts = set.filter { $0.satisfiedBy != "status" }.map { r in
                "\(r.name) \(count { meets(r, $0) })/\(n)"
            }
            if !parts.isEmpty { evidence.append("Sections: \(parts.joined(separator: ", ")).") }
        }
        if let preset, !preset.signals.isEmpty {
            let parts = preset.signals.map { s in "\(s.description) \(count { $0.shows(s) })/\(n)" }
            evidence.append("Signals: \(parts.joined(separator: ", ")).")
        }
        settings.append(("paths", "[" + folders.map { quote($0.path.isEmpty ? "*" : $0.path + "/*") }.joined(separator: ", ") + "]", nil))

        // IDs: a kind numbered by file name whose files carry no number gets them another way.
        if schema.idFrom == .number {
            let numbered = count { IDText.fileNumber(PathText.fileName($0.path)) != nil || $0.headingNumber != nil }
            if numbered * 2 < n {
                let names = docs.map { baseName($0.path) }
                let pattern = "^([A-Za-z]+[0-9]+(?:-[0-9]+)*)(?=[ _.-]|$)"
                let matcher = IDPattern.compile(pattern)!
                let matching = names.filter { matcher.firstMatch(in: $0) != nil }.count
                if matching * 5 >= n * 4 {
                    settings.append(("id-pattern", quote(pattern), "IDs lead the file names (\(matching) of \(n), e.g. \(matcher.firstMatch(in: names.first { matcher.firstMatch(in: $0) != nil }!)!))"))
                } else {
                    settings.append(("id-from", quote("file-name"), "\(numbered) of \(n) file names start with a number: the file name is the ID"))
                }
            }
        }
        // Proposal prefixes (`SE-0296`) come from the documents themselves.
        if preset?.fields.contains(where: { $0.value == "id" }) == true {
            var prefixes: [String: Int] = [:]
            for d in docs {
                if let field = d.headerFields.first(where: { preset?.fields[$0.key] == "id" }),
                   let prefix = IDText.parse(StatusText.trim(field.value, " *_`[]"))?.prefix {
                    prefixes[prefix, default: 0] += 1
                }
            }
            if let top = prefixes.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }).first,
               top.key != schema.idPrefix {
                settings.append(("id-prefix", quote(top.key), "The documents' own IDs use \(top.key) (\(top.value) of \(n))"))
                schema.idPrefix = top.key
            }
        }

        // Adjust to the documents: a requirement most of them do not meet is not how this team writes.
        var relaxedSets: [[SectionRequirement]] = []
        if n >= minimumForAdjusting {
            let sets = schema.sectionSets.filter { !$0.isEmpty }
            if !sets.isEmpty {
                var assigned: [[Int]] = Array(repeating: [], count: sets.count)
                for (i, d) in docs.enumerated() {
                    let best = sets.indices.min { a, b in
                        sets[a].filter { !meets($0, d) }.count < sets[b].filter { !meets($0, d) }.count
                    }!
                    assigned[best].append(i)
                }
                var newSets: [[SectionRequirement]] = []
                defer { relaxedSets = newSets }
                var relaxed: [(SectionRequirement, Int, Int)] = []
                for (k, set) in sets.enumerated() {
                    let members = assigned[k]
                    var kept: [SectionRequirement] = []
                    for r in set {
                        let have = members.filter { meets(r, docs[$0]) }.count
                        if r.satisfiedBy == "status" || members.isEmpty || Double(have) >= sectionsBelow * Double(members.count) {
                            kept.append(r)
                        } else {
                            relaxed.append((r, have, members.count))
                        }
                    }
                    newSets.append(kept)
                }
                if !relaxed.isEmpty {
                    let list = relaxed.map { "\($0.0.name) (\($0.1) of \($0.2))" }.joined(separator: ", ")
                    let comment = "Not required here, most documents do not have them: \(list)"
                    if newSets.count == 1 {
                        settings.append(("required-sections", sectionList(newSets[0]), comment))
                    } else {
                        settings.append(("section-sets", "[" + newSets.map(sectionList).joined(separator: ", ") + "]", comment))
                    }
                    var optional = schema.optionalSections
                    for (r, _, _) in relaxed where !optional.contains(r.name) { optional.append(r.name) }
                    settings.append(("optional-sections", "[" + optional.map(quote).joined(separator: ", ") + "]", "Known, so checked for emptiness"))
                }
            }
            if schema.requireStatus {
                let have = count { $0.hasStatus }
                if Double(have) < statusBelow * Double(n) {
                    settings.append(("require-status", "false", "Only \(have) of \(n) documents have a status: it is optional here"))
                    schema.requireStatus = false
                }
            }
            // A set's "Status" requirement means nothing once a status is optional: leave it out of what is written.
            if !schema.requireStatus, let i = settings.firstIndex(where: { $0.key == "required-sections" || $0.key == "section-sets" }) {
                let sets = relaxedSets.map { $0.filter { $0.satisfiedBy != "status" } }
                settings[i].value = sets.count == 1 ? sectionList(sets[0]) : "[" + sets.map(sectionList).joined(separator: ", ") + "]"
            }
        }
        if sampled {
            evidence.append("Counted in a sample of \(n) of the \(folders.reduce(0) { $0 + $1.documents }) documents.")
        }
        return Detection.Kind(name: name, preset: presetName, folders: folders.map(\.path), documents: folders.reduce(0) { $0 + $1.documents },
                              reasons: reasons, evidence: evidence, settings: settings)
    }

    static func baseName(_ path: String) -> String {
        let name = PathText.fileName(path)
        guard let dot = name.lastIndex(of: ".") else { return name }
        return String(name[..<dot])
    }

    // MARK: - archbook.yml

    /// A YAML double-quoted scalar: safe for any section name or pattern.
    static func quote(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if ch.value < 0x20 || (0x7F...0x9F).contains(ch.value) || ch.value == 0x2028 || ch.value == 0x2029 || ch.value == 0xFEFF {
                    out += "\\u" + String(repeating: "0", count: 4 - String(ch.value, radix: 16).count) + String(ch.value, radix: 16)
                } else {
                    out.unicodeScalars.append(ch)
                }
            }
        }
        return out + "\""
    }

    static func sectionList(_ set: [SectionRequirement]) -> String {
        "[" + set.map { r in
            r.aliases.isEmpty ? quote(r.name)
                : "{name: \(quote(r.name)), aliases: [\(r.aliases.map(quote).joined(separator: ", "))]}"
        }.joined(separator: ", ") + "]"
    }

    static func render(kinds: [Detection.Kind], disabled: [(kind: String, because: String)], folders: [Detection.Folder]) -> String {
        var out = """
        # archbook.yml written by `archbook init` from the documents it found.
        # Each kind names the preset its documents fit best; the keys after `preset:` override the preset.
        # Presets are described in docs/presets.md, every key in docs/configuration.md.

        """
        let plain = folders.filter { $0.kind == nil }
        if kinds.isEmpty && disabled.isEmpty {
            out += "# No folder holds documents of a known kind; every Markdown file is a plain page.\n"
            for f in plain { out += wrap("\(display(f.path)): \(f.reason)", indent: "#   ") }
            return out
        }
        out += "kinds:\n"
        for k in kinds {
            out += "  \(k.name):\n"
            if let c = k.settings.first(where: { $0.key == "preset" })?.comment {
                out += wrap(c + ".", indent: "    # ")
            } else {
                out += wrap("No preset fits these documents; the built-in \(k.name) schema applies.", indent: "    # ")
            }
            for note in k.reasons + k.evidence { out += wrap(note, indent: "    # ") }
            for s in k.settings {
                if let c = s.comment, s.key != "preset" { out += wrap(c + ".", indent: "    # ") }
                out += "    \(s.key): \(s.value)\n"
            }
        }
        for d in disabled {
            out += "  \(d.kind):\n"
            out += wrap("Switched off: \(d.because).", indent: "    # ")
            out += "    paths: []\n"
        }
        if !plain.isEmpty {
            out += "# Plain pages (links checked, nothing else):\n"
            for f in plain { out += wrap("\(display(f.path)): \(f.reason)", indent: "#   ") }
        }
        return out
    }

    /// Comment text wrapped at about 110 columns. Control characters (a folder name may hold a line break)
    /// become spaces, so a comment cannot end early and turn the rest of its text into settings.
    static func wrap(_ text: String, indent: String) -> String {
        let flat = String(String.UnicodeScalarView(text.unicodeScalars.map {
            $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0x2028 || $0.value == 0x2029 ? " " : $0
        }))
        var out = ""
        var line = ""
        for word in flat.split(separator: " ") {
            if !line.isEmpty, indent.count + line.count + 1 + word.count > 110 {
                out += indent + line + "\n"
                line = "  " + word
            } else {
                line += (line.isEmpty ? "" : " ") + word
            }
        }
        if !line.isEmpty { out += indent + line + "\n" }
        return out
    }
}
