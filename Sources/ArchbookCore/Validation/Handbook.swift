// The check pipeline: discover, read and parse (in parallel), then the rules that need every document at once.

import Dispatch
import Foundation

public struct CheckResult: Sendable {
    /// Documents sorted by path.
    public var documents: [Document]
    /// Sorted in report order.
    public var diagnostics: [Diagnostic]
    /// Markdown files found, including any that could not be read.
    public var fileCount: Int
    /// What was extracted from each file, for the next check of the same tree (made when the check is asked to
    /// keep one: see `Checker.check(memo:)`).
    public var memo: ExtractionMemo?
    /// Which local files documents link to the site may publish (empty when the check was asked not to look).
    public var linkedFiles = LinkedFiles()
    /// The documents' bodies, prepared for a build (see `Checker.check(preparing:)`), by index into `documents`.
    public var preparedBodies: PreparedBodies?
    /// The lookups the check resolved links and relations with, for a build of the same documents: a build of
    /// 10,000 documents spent 100 ms making them again. Used only while `documents` is the array they were made
    /// from (see `SiteModel`).
    var lookups: HandbookValidator?
    public var summary: DiagnosticSummary { DiagnosticSummary(diagnostics: diagnostics, documents: fileCount) }
}

public enum Checker {
    public static let markdownExtensions: Set<String> = ["md", "markdown"]

    /// Checks a whole docs tree. Throws only when the tree itself cannot be listed.
    /// `displayPrefix` is put before paths that appear inside messages (`docs/`), so they match the
    /// location a report prints.
    /// `history` supplies dates from git for documents that carry none.
    /// `parsed`: files an earlier pass of this run read and parsed (detection's), used instead of reading them again.
    /// `memo`: when given, the result carries a new memo, and files whose bytes are those of `memo`'s entries
    /// under the same configuration text (`memoKey`) are not extracted again. Never with git dates, which
    /// change without the files changing.
    /// `linkedFiles`: whether to decide which linked files the site may publish (reading SVGs and files of unknown
    /// type); off for a tree that is only compared with, never built.
    /// `keepsBodies`: whether documents keep their Markdown bodies (and so their files' bytes) for rendering or
    /// comparing; a check that only reports lets each file go once it is extracted, a third of its memory on a
    /// large handbook (and the time the system takes to hand that memory out). Without bodies a document's
    /// `markdown` is empty.
    /// `preparing`: for a build, each body this check parses is also rendered (`PreparedBody`, in the result's
    /// `preparedBodies`), so the build does not parse the file again.
    public static func check(_ tree: some FileTree, config: Config, displayPrefix: String = "",
                             history: DocumentHistory? = nil, parsed: ParsedSources? = nil,
                             memo: ExtractionMemo? = nil, memoKey: String? = nil,
                             linkedFiles: Bool = true, keepsBodies: Bool = true,
                             preparing: BodyPreparation? = nil) throws(FileTreeError) -> CheckResult {
        let keepsMemo = memoKey != nil && history == nil
        let previous = keepsMemo && memo?.key == memoKey ? memo : nil
        let fullListing: FileListing
        if let known = parsed?.listing { fullListing = known } else { fullListing = try tree.listing() }
        let (listing, unsafe) = fullListing.separatingUnsafePaths()
        let context = ExtractionContext(config: config, history: history, preparing: keepsBodies ? preparing : nil)
        let limits = config.limits
        var early: [Diagnostic] = []
        func report(_ rule: Rule, _ path: String, _ message: String, hint: String? = nil) {
            let finding = Finding(rule: rule, position: .start, message: message, hint: hint ?? rule.help)
            if let d = finding.diagnostic(file: path, kind: context.kindForPath(path)?.name, config: config) { early.append(d) }
        }
        for path in unsafe {
            report(Rules.unsafePath, FileListing.printable(path),
                   "file name \(FileListing.printable(path)) cannot be used safely (absolute, '..', an empty segment or a control character); it was skipped")
        }
        for entry in listing.skipped where !context.isExcluded(entry.path) {
            switch entry.reason {
            case .symlinkOutside(let target):
                report(Rules.symlinkOutside, entry.path, "symbolic link to '\(target)', outside the docs tree, is not followed")
            case .unreadable(let message):
                report(Rules.unreadableFile, entry.path, "cannot read: \(message)")
            }
        }
        var paths = listing.files.filter { path in
            guard isMarkdownPath(path) else { return false }
            return !context.isExcluded(path)
        }
        var byFoldedCase: [String: String] = [:]
        for path in paths {
            let folded = path.lowercased()
            if let first = byFoldedCase[folded] {
                report(Rules.caseCollision, path, "'\(displayPrefix)\(path)' and '\(displayPrefix)\(first)' differ only in letter case")
            } else {
                byFoldedCase[folded] = path
            }
        }
        // Limits apply in path order, so the same tree always names the same file.
        if paths.count > limits.maxFiles {
            report(Rules.resourceLimit, paths[limits.maxFiles],
                   "the docs tree has \(paths.count) Markdown files, over the limit of \(limits.maxFiles) (limits.max-files); this file and the \(paths.count - limits.maxFiles - 1) after it in path order were not checked")
        }
        let found = paths.count
        var readable: [String] = []
        var stamps: [FileStamp?] = []
        var total = 0
        let counted = Array(paths.prefix(limits.maxFiles))
        // One stat per file, on every core (or none, for the files an earlier pass sized); limits apply in path order.
        // Taken before any file is read, so a stamp never vouches for bytes newer than itself.
        let stats: [(size: Int?, stamp: FileStamp?)] = parallelMap(counted) { path in
            if let known = parsed?.sizes[path] { return (known, parsed?.stamps[path]) }
            return tree.sizeAndStamp(path)
        }
        for (i, path) in counted.enumerated() {
            guard let size = stats[i].size else { readable.append(path); stamps.append(nil); continue }
            if size > limits.maxFileBytes {
                report(Rules.resourceLimit, path, Self.tooLarge(size: size, limit: limits.maxFileBytes))
                continue
            }
            total += size
            if total > limits.maxTotalBytes {
                report(Rules.resourceLimit, path,
                       "the Markdown files read so far and this one total \(total) bytes, over the limit of \(limits.maxTotalBytes) (limits.max-total-bytes); this file and the \(min(paths.count, limits.maxFiles) - i - 1) after it in path order were not read")
                break
            }
            readable.append(path)
            stamps.append(stats[i].stamp)
        }
        paths = readable
        // Sidecars are looked up only for kinds that declare one, and only when the file is there.
        let hasSidecars = config.kinds.contains { $0.sidecar != nil }
        let fileSet = hasSidecars ? Set(listing.files) : []
        // Whose bodies are identified by their file (`Document.source`): a build's, and serve's.
        let identifies = keepsMemo || context.preparing != nil
        let (checked, stampOf) = (paths, stamps)
        var results = parallelMap(Array(paths.indices)) { k -> (Document?, [Diagnostic], ExtractionMemo.Entry?, PreparedBody?) in
            let path = checked[k]
            // A file with the stamp it had when it was last read is not read again.
            if !hasSidecars, let stamp = stampOf[k], let known = previous?.entry(path, stamp: stamp) {
                var doc = known.document
                if !keepsBodies { doc?.body = [] }
                return (doc, known.diagnostics, known, nil)
            }
            do throws(FileTreeError) {
                let bytes: [UInt8]
                if let read = parsed?.bytes(path) { bytes = read } else { bytes = try tree.read(path, maxBytes: limits.maxFileBytes) }
                if bytes.count > limits.maxFileBytes {
                    let finding = Finding(rule: Rules.resourceLimit, position: .start,
                                          message: Self.tooLarge(size: nil, limit: limits.maxFileBytes), hint: Rules.resourceLimit.help)
                    return (nil, finding.diagnostic(file: path, kind: context.kindForPath(path)?.name, config: config).map { [$0] } ?? [], nil, nil)
                }
                var sidecar: (path: String, bytes: [UInt8])?
                var sidecarDiagnostics: [Diagnostic] = []
                if hasSidecars, let sidecarPath = context.sidecarPath(for: path), fileSet.contains(sidecarPath) {
                    let sidecarBytes = try tree.read(sidecarPath, maxBytes: limits.maxFileBytes)
                    if sidecarBytes.count > limits.maxFileBytes {
                        let finding = Finding(rule: Rules.resourceLimit, position: .start,
                                              message: Self.tooLarge(size: tree.size(sidecarPath), limit: limits.maxFileBytes),
                                              hint: Rules.resourceLimit.help, file: sidecarPath)
                        sidecarDiagnostics = finding.diagnostic(file: path, kind: context.kindForPath(path)?.name, config: config).map { [$0] } ?? []
                    } else {
                        sidecar = (sidecarPath, sidecarBytes)
                    }
                }
                var doc: Document?
                let diags: [Diagnostic]
                let entry: ExtractionMemo.Entry?
                var prepared: PreparedBody?
                let hash = identifies ? StableHash.of(bytes) : nil
                // The stamp the next build compares with, when it can vouch for these bytes (`FileStamp`).
                let recorded = hasSidecars ? nil : stampOf[k]?.recordable
                if var known = previous?.entry(path, bytes: bytes, hash: hash, sidecar: sidecar?.bytes) {
                    known.restamp(recorded)
                    (doc, diags, entry) = (known.document, known.diagnostics, known)
                } else {
                    let (made, found, body) = Extractor.extractPreparing(path: path, bytes: bytes, sidecar: sidecar,
                                                                         context: context, parsed: parsed)
                    var extracted = made
                    if let hash, Self.isTail(made.body, of: bytes) {
                        extracted.source = SourceFile(size: bytes.count, hash: hash, start: made.body.startIndex)
                    }
                    (doc, diags, prepared) = (extracted, found, body)
                    entry = keepsMemo ? ExtractionMemo.Entry(bytes: bytes, sidecar: sidecar?.bytes, document: extracted,
                                                             diagnostics: found, stamp: recorded) : nil
                }
                if !keepsBodies { doc?.body = [] }
                return (doc, sidecarDiagnostics + diags, entry, prepared)
            } catch {
                let finding = Finding(rule: Rules.unreadableFile, position: .start,
                                      message: "cannot read file: \(error.message)", hint: Rules.unreadableFile.help)
                let d = finding.diagnostic(file: path, kind: context.kindForPath(path)?.name, config: config)
                return (nil, d.map { [$0] } ?? [], nil, nil)
            }
        }
        // Move results out rather than copy them: a copied Document retains each of its many fields.
        var documents: [Document] = []
        var perFile: [[Diagnostic]] = []
        documents.reserveCapacity(results.count)
        perFile.reserveCapacity(results.count)
        var memoEntries: [String: ExtractionMemo.Entry] = [:]
        var prepared: [PreparedBody?] = []
        var k = results.count
        while let (doc, diags, entry, body) = results.popLast() {
            k -= 1
            if let doc { documents.append(doc); prepared.append(body) }
            perFile.append(diags)
            if let entry { memoEntries[paths[k]] = entry }
        }
        documents.reverse()
        prepared.reverse()
        var diagnostics = early + perFile.reversed().flatMap { $0 }
        var validator = HandbookValidator(documents: documents, listing: listing, config: config, displayPrefix: displayPrefix)
        diagnostics += validator.run()
        var linked = LinkedFiles()
        if linkedFiles {
            let (decided, reported) = LinkedFiles.assess(validator.fileUses, documents: documents, tree: tree, config: config)
            linked = decided
            diagnostics += reported
        }
        diagnostics.sort(by: Diagnostic.reportOrder)
        return CheckResult(documents: documents, diagnostics: diagnostics, fileCount: found,
                           memo: keepsMemo ? ExtractionMemo(key: memoKey!, entries: memoEntries) : nil, linkedFiles: linked,
                           preparedBodies: context.preparing == nil ? nil : PreparedBodies(prepared), lookups: validator)
    }

    /// Whether `body` is the end of `bytes` itself (not a repaired copy of it).
    static func isTail(_ body: ArraySlice<UInt8>, of bytes: [UInt8]) -> Bool {
        guard body.endIndex == bytes.count, body.startIndex >= 0 else { return false }
        if body.isEmpty { return true }
        return body.withUnsafeBufferPointer { b in
            bytes.withUnsafeBufferPointer { a in a.baseAddress.map { $0 + body.startIndex } == b.baseAddress }
        }
    }

    static func tooLarge(size: Int?, limit: Int) -> String {
        let what = size.map { "file is \($0) bytes" } ?? "file is larger than \(limit) bytes"
        return "\(what), over the limit of \(limit) (limits.max-file-bytes); it was not read"
    }

    static func isMarkdownPath(_ path: String) -> Bool {
        let u = path.utf8
        guard u.contains(UInt8(ascii: ".")) else { return false }
        // The extension is the last non-empty run between dots; on ASCII, bytes give the same runs
        // as Characters.
        guard u.allSatisfy({ $0 < 0x80 }) else {
            guard let ext = path.split(separator: ".").last else { return false }
            return markdownExtensions.contains(ext.lowercased())
        }
        var end = u.endIndex
        while end > u.startIndex, u[u.index(before: end)] == UInt8(ascii: ".") { end = u.index(before: end) }
        let start = u[..<end].lastIndex(of: UInt8(ascii: ".")).map { u.index(after: $0) } ?? u.startIndex
        let ext = u[start..<end]
        func equalsLowered(_ word: StaticString) -> Bool {
            guard ext.count == word.utf8CodeUnitCount else { return false }
            var k = 0
            for b in ext {
                let lower: UInt8 = b >= 0x41 && b <= 0x5A ? b + 32 : b
                if lower != word.utf8Start[k] { return false }
                k += 1
            }
            return true
        }
        return equalsLowered("md") || equalsLowered("markdown")
    }

    /// Maps in parallel over all cores, keeping input order so output stays deterministic.
    static func parallelMap<T: Sendable, R: Sendable>(_ items: [T], _ transform: @Sendable (T) -> R) -> [R] {
        guard items.count > 1 else { return items.map(transform) }
        let buffer = ResultBuffer<R>(count: items.count)
        let chunk = max(1, min(16, items.count / (ProcessInfo.processInfo.activeProcessorCount * 8)))
        let chunks = (items.count + chunk - 1) / chunk
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = c * chunk, hi = min(items.count, lo + chunk)
            for i in lo..<hi { buffer.set(i, transform(items[i])) }
        }
        return buffer.values()
    }
}

/// Slots written by exactly one worker each; read after all workers finish. Raw memory, because
/// mutating one Swift array from several threads is not safe even at distinct indices.
private final class ResultBuffer<R>: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<R?>
    private let count: Int

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    func set(_ i: Int, _ value: R) { slots[i] = value }
    /// Moves the results out, leaving the slots empty.
    func values() -> [R] {
        (0..<count).map { i in
            let value = (slots + i).move()!
            (slots + i).initialize(to: nil)
            return value
        }
    }
}

/// Rules that look across documents: IDs, links, anchors and relations.
struct HandbookValidator {
    let documents: [Document]
    let listing: FileListing
    let config: Config
    let displayPrefix: String
    let files: Set<String>
    let directories: Set<String>
    let byPath: [String: Int]
    let byID: [String: [Int]]
    let bySlug: [String: [Int]]
    /// Each document's heading anchors, lower-cased (GitHub matches them case-insensitively); empty when made
    /// without them.
    let anchorSets: [Set<String>]
    var findings: [(Int, Finding)] = []
    /// Every link to a local file that is not a document, in document and link order (after `run`).
    var fileUses: [FileUse] = []

    /// `anchors`: whether to collect each document's link targets for checking links to headings (the site's
    /// model, which resolves links itself, does without).
    init(documents: [Document], listing: FileListing, config: Config, displayPrefix: String, anchors: Bool = true) {
        self.documents = documents
        self.displayPrefix = displayPrefix.isEmpty || displayPrefix.hasSuffix("/") ? displayPrefix : displayPrefix + "/"
        self.listing = listing
        self.config = config
        files = Set(listing.files)
        directories = Set(listing.directories)
        var byPath: [String: Int] = [:]
        var byID: [String: [Int]] = [:]
        var bySlug: [String: [Int]] = [:]
        byPath.reserveCapacity(documents.count)
        bySlug.reserveCapacity(documents.count)
        // Keys are computed in parallel; only the dictionary inserts are serial. Fields are read in
        // place: copying a whole Document retains every one of its strings and arrays.
        let keys = Checker.parallelMap(Array(documents.indices)) { i in
            (id: documents[i].id?.uppercased(), slug: Self.slug(of: documents[i].path))
        }
        for i in documents.indices {
            byPath[documents[i].path] = i
            if let id = keys[i].id { byID[id, default: []].append(i) }
            bySlug[keys[i].slug, default: []].append(i)
        }
        anchorSets = !anchors ? [] : Checker.parallelMap(Array(documents.indices)) { i in
            Set(documents[i].sections.map { $0.anchor.lowercased() } + documents[i].htmlAnchors.map { $0.lowercased() })
        }
        self.byPath = byPath
        self.byID = byID
        self.bySlug = bySlug
    }

    /// The file name without its last extension, lower-cased: how relations name documents by slug.
    static func slug(of path: String) -> String {
        let u = path.utf8
        // On ASCII, byte runs between separators are the same as Character runs.
        guard u.allSatisfy({ $0 < 0x80 }) else {
            let name = String(path.split(separator: "/").last ?? "")
            return name.split(separator: ".").dropLast().joined(separator: ".").lowercased()
        }
        let name = u.split(separator: UInt8(ascii: "/")).last ?? u[u.startIndex..<u.startIndex]
        var out: [UInt8] = []
        out.reserveCapacity(name.count)
        for part in name.split(separator: UInt8(ascii: ".")).dropLast() {
            if !out.isEmpty { out.append(UInt8(ascii: ".")) }
            out.append(contentsOf: part.lazy.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 })
        }
        return String(decoding: out, as: UTF8.self)
    }

    mutating func report(_ doc: Int, _ rule: Rule, _ position: SourcePosition, _ message: String, hint: String? = nil,
                         file: String? = nil) {
        findings.append((doc, Finding(rule: rule, position: position, message: message, hint: hint, file: file)))
    }

    mutating func run() -> [Diagnostic] {
        checkDuplicateIDs()
        checkLinks()
        let resolved = checkRelationTargets()
        checkReciprocity(resolved)
        checkCycles(resolved)
        return findings.compactMap { (doc, f) in
            f.diagnostic(file: documents[doc].path, kind: documents[doc].kind, config: config)
        }
    }

    /// Whether these lookups describe `docs` under `config` and `listing` as they are now: `docs` must be the very
    /// array they were made from (the same storage, which these lookups hold, so any change to it made a copy).
    func describes(_ docs: [Document], listing current: FileListing, config now: Config) -> Bool {
        let same = docs.count == documents.count && docs.withUnsafeBufferPointer { a in
            documents.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress }
        }
        return same && now == config && current == listing
    }

    func label(_ i: Int) -> String { documents[i].id ?? display(documents[i].path) }

    /// A docs-relative path as the user sees it in report locations.
    func display(_ path: String) -> String { displayPrefix + path }

    // MARK: IDs

    mutating func checkDuplicateIDs() {
        for (id, docs) in byID.sorted(by: { $0.key < $1.key }) where docs.count > 1 {
            for i in docs {
                let others = docs.filter { $0 != i }.map { display(documents[$0].path) }
                let d = documents[i]
                let pos = d.idSource == .frontMatter ? (d.frontMatter?.value("id")?.value.position ?? .start) : d.titlePosition
                report(i, Rules.duplicateID, pos, "ID \(id) is also used by \(others.joined(separator: ", "))",
                       hint: "Give one of them the next free number (two pull requests probably added a document at once).")
            }
        }
    }

    // MARK: Links

    /// Resolves a relative reference against a document's folder; nil if it leaves the docs root.
    static func resolve(_ target: String, from docPath: String) -> String? {
        // On raw bytes: every link of every document passes through here, and String.UTF8View's generic
        // searches and splits cost thousands of instructions a link.
        var target = target, docPath = docPath
        return docPath.withUTF8 { doc in
            target.withUTF8 { t -> String? in
                var out: [UInt8] = []
                out.reserveCapacity(doc.count + t.count + 1)
                if t.first != UInt8(ascii: "/"), let slash = doc.lastIndex(of: UInt8(ascii: "/")) {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: doc[..<slash]))
                }
                var start = 0
                while start <= t.count {
                    var end = start
                    while end < t.count, t[end] != UInt8(ascii: "/") { end += 1 }
                    let length = end - start
                    defer { start = end + 1 }
                    if length == 0 || (length == 1 && t[start] == UInt8(ascii: ".")) { continue }
                    if length == 2 && t[start] == UInt8(ascii: ".") && t[start + 1] == UInt8(ascii: ".") {
                        if out.isEmpty { return nil }
                        if let slash = out.lastIndex(of: UInt8(ascii: "/")) { out.removeSubrange(slash...) } else { out.removeAll() }
                        continue
                    }
                    if !out.isEmpty { out.append(UInt8(ascii: "/")) }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: t[start..<end]))
                }
                return String(decoding: out, as: UTF8.self)
            }
        }
    }

    /// A relative link's path (without `?query`) and its `#fragment`, if any.
    /// Split on bytes: Character-based searches walk grapheme clusters, and this runs for every link.
    static func splitDestination(_ dest: String) -> (path: String, fragment: String?) {
        var dest = dest
        return dest.withUTF8 { u in
            let hash = u.firstIndex(of: UInt8(ascii: "#"))
            let fragment: String? = hash.map { String(decoding: UnsafeBufferPointer(rebasing: u[($0 + 1)...]), as: UTF8.self) }
            let beforeHash = hash ?? u.count
            let query = u[..<beforeHash].firstIndex(of: UInt8(ascii: "?")) ?? beforeHash
            return (String(decoding: UnsafeBufferPointer(rebasing: u[..<query]), as: UTF8.self), fragment)
        }
    }

    static func isExternal(_ dest: String) -> Bool {
        if dest.hasPrefix("//") { return true }
        // A scheme: letters, digits, +, -, . then a colon before any slash.
        guard let colon = dest.firstByteOffset(UInt8(ascii: ":")) else { return false }
        let scheme = dest.utf8.prefix(colon)
        func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") }
        return !scheme.isEmpty && isAlpha(scheme.first!) && scheme.allSatisfy {
            isAlpha($0) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "+")
                || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
        }
    }

    /// Link checks read only shared, immutable state, so they run per document in parallel.
    mutating func checkLinks() {
        let validator = self
        let perDocument = Checker.parallelMap(Array(documents.indices)) { validator.linkFindings(of: $0) }
        findings += perDocument.flatMap { $0.findings }
        fileUses = perDocument.flatMap { $0.uses }
    }

    func linkFindings(of i: Int) -> (findings: [(Int, Finding)], uses: [FileUse]) {
        var out: [(Int, Finding)] = []
        var uses: [FileUse] = []
        let doc = documents[i]
        // A template's links are examples (`0005-example.md`, `yyyymmdd-xxx.md`), not references; but the site
        // renders templates too, so the files they do link to are still collected.
        let reports = !doc.isTemplate
        for link in doc.links {
            let dest = link.destination
            if dest.isEmpty || Self.isExternal(dest) { continue }
            let (pathPart, fragment) = Self.splitDestination(dest)
            let decoded = pathPart.percentDecoded
            var targetDoc: Int? = i
            if !decoded.isEmpty {
                guard let resolved = Self.resolve(decoded, from: doc.path) else { continue }
                let trimmed = resolved.utf8.last == UInt8(ascii: "/") ? String(resolved.dropLast()) : resolved
                targetDoc = byPath[trimmed]
                // The same test as the site's SiteModel.resolveLink: a file that is not a document is copied.
                if targetDoc == nil && files.contains(trimmed) {
                    uses.append(FileUse(document: i, path: trimmed, written: pathPart, link: link))
                }
                if !reports { continue }
                if targetDoc == nil && !files.contains(trimmed) && !directories.contains(trimmed) && !trimmed.isEmpty {
                    let what = link.isImage ? "image" : "link"
                    let hint = suggestion(for: trimmed).map { "Did you mean '\(Self.replacingLastComponent(of: pathPart, with: $0))'?" }
                        ?? "Fix the path; it is resolved relative to \(display(doc.path))."
                    out.append((i, Finding(rule: Rules.brokenLink, position: link.position,
                                           message: "\(what) target '\(pathPart)' does not exist", hint: hint)))
                    continue
                }
            }
            guard reports, let fragment, !fragment.isEmpty, let t = targetDoc else { continue }
            let anchor = fragment.percentDecoded.lowercased()
            if !anchorSets[t].contains(anchor) && !isFootnoteOrLine(anchor) {
                let near = documents[t].sections.map(\.anchor).min { StatusText.distance($0, anchor) < StatusText.distance($1, anchor) }
                let where_ = t == i ? "this document" : display(documents[t].path)
                out.append((i, Finding(rule: Rules.brokenAnchor, position: link.position,
                                       message: "anchor '#\(fragment)' does not exist in \(where_)",
                                       hint: near.map { "Did you mean '#\($0)'?" } ?? "The target has no headings.")))
            }
        }
        return (out, uses)
    }

    func isFootnoteOrLine(_ anchor: String) -> Bool {
        anchor.hasPrefix("fn") || anchor.hasPrefix("user-content-") ||
            (anchor.hasPrefix("l") && anchor.dropFirst().allSatisfy(\.isNumber) && anchor.count > 1)
    }

    /// The link as written with its file name swapped for `path`'s, so the suggestion can be pasted back.
    static func replacingLastComponent(of link: String, with path: String) -> String {
        let name = PathText.fileName(path)
        guard let slash = link.lastIndex(of: "/") else { return name }
        return String(link[...slash]) + name
    }

    /// The most similar existing file, for "did you mean".
    func suggestion(for path: String) -> String? {
        let limit = max(3, path.count / 4)
        let dir = path.split(separator: "/").dropLast().joined(separator: "/")
        // Only names of similar length can be within the limit; skip computing the rest.
        let candidates = listing.files.filter {
            abs($0.count - path.count) <= limit && $0.split(separator: "/").dropLast().joined(separator: "/") == dir
        }
        var best: (String, Int)?
        for c in candidates {
            let d = StatusText.distance(c, path)
            if d <= limit, d < (best?.1 ?? Int.max) { best = (c, d) }
        }
        return best?.0
    }

    // MARK: Relations

    struct ResolvedRelation {
        var from: Int
        var relation: Relation
        var to: Int
    }

    /// Finds the document a relation target names: a path, an ID (`ADR-2` = `ADR-0002`) or a file slug.
    func target(_ raw: String, from doc: Int) -> Int? {
        target(raw, fromPath: documents[doc].path, kind: documents[doc].kind)
    }

    /// The same for a reference written in a document at `fromPath` of `kind` (which need not exist yet).
    func target(_ raw: String, fromPath: String, kind: String?) -> Int? {
        var t = raw.trimmed
        if let hash = t.firstIndex(of: "#") { t = String(t[..<hash]) }
        if t.isEmpty { return nil }
        // An ID may contain a slash (log4brains names a package's records `package/slug`).
        if t.contains("/"), let hit = byID[t.uppercased()], hit.count == 1 { return hit[0] }
        if t.contains("/") || t.lowercased().hasSuffix(".md") || t.lowercased().hasSuffix(".markdown") {
            let decoded = t.percentDecoded
            if let p = Self.resolve(decoded, from: fromPath), let i = byPath[p] { return i }
            return nil
        }
        if let hit = byID[t.uppercased()], hit.count == 1 { return hit[0] }
        if let id = IDText.parse(t) {
            let kinds = config.kinds.filter { id.prefix == nil ? $0.name == kind : $0.idPrefix.uppercased() == id.prefix }
            for k in kinds {
                if let hit = byID[k.canonicalID(number: id.number).uppercased()], hit.count == 1 { return hit[0] }
            }
        }
        if let hit = bySlug[t.lowercased()], hit.count == 1 { return hit[0] }
        // A title-like target such as "20. Use X" names its number.
        if let (id, _) = IDText.fromTitle(t), let k = config.kind(named: kind ?? "") {
            if let hit = byID[k.canonicalID(number: id.number).uppercased()], hit.count == 1 { return hit[0] }
        }
        return nil
    }

    /// Resolution reads only shared, immutable state, so it runs per document in parallel; results
    /// and findings are then taken in document order, as a serial loop would produce them.
    mutating func checkRelationTargets() -> [ResolvedRelation] {
        let validator = self
        let perDocument = Checker.parallelMap(Array(documents.indices)) { validator.relationTargets(of: $0) }
        var out: [ResolvedRelation] = []
        for (resolved, found) in perDocument {
            out += resolved
            findings += found
        }
        return out
    }

    func relationTargets(of i: Int) -> ([ResolvedRelation], [(Int, Finding)]) {
        var resolved: [ResolvedRelation] = []
        var found: [(Int, Finding)] = []
        for rel in documents[i].relations {
            if let t = target(rel.target, from: i) {
                resolved.append(ResolvedRelation(from: i, relation: rel, to: t))
            } else {
                found.append((i, Finding(rule: Rules.relationTargetMissing, position: rel.position,
                                         message: "\(rel.type.phrase) '\(rel.target)', which is not a document in this handbook",
                                         hint: "Point the relation at an existing document's ID (e.g. \(config.kind(named: documents[i].kind ?? "")?.canonicalID(number: 1) ?? "ADR-0001")) or relative path.",
                                         file: rel.file)))
            }
        }
        return (resolved, found)
    }

    /// One relation as a set member: source, type and target.
    private struct RelationKey: Hashable {
        var from: Int
        var type: RelationType
        var to: Int
    }

    mutating func checkReciprocity(_ resolved: [ResolvedRelation]) {
        var has = Set<RelationKey>()
        for r in resolved { has.insert(RelationKey(from: r.from, type: r.relation.type, to: r.to)) }
        for r in resolved {
            guard let inverse = r.relation.type.inverse, r.from != r.to else { continue }
            if !has.contains(RelationKey(from: r.to, type: inverse, to: r.from)) {
                let other = documents[r.to]
                let line = inverse.phrase.prefix(1).uppercased() + inverse.phrase.dropFirst()
                let article = "aeiou".contains(line.lowercased().first!) ? "an" : "a"
                let fix = "Add `\(inverse.rawValue): \(label(r.from))` to \(display(other.path))'s front matter, or \(article) `\(line) [...](...)` line to its Status section."
                report(r.from, Rules.relationNotReciprocated, r.relation.position,
                       "\(r.relation.type.sentence(label(r.from), label(r.to))), but \(display(other.path)) does not record that \(inverse.sentence(label(r.to), label(r.from)))",
                       hint: fix, file: r.relation.file)
            }
        }
    }

    /// Cycles in supersede chains and in amend chains (each normalised to one direction).
    mutating func checkCycles(_ resolved: [ResolvedRelation]) {
        for family in [[RelationType.supersedes, .supersededBy], [.amends, .amendedBy]] {
            var edges: [Int: Set<Int>] = [:]
            var where_: [String: SourcePosition] = [:]
            for r in resolved where family.contains(r.relation.type) {
                let (a, b) = r.relation.type == family[0] ? (r.from, r.to) : (r.to, r.from)
                edges[a, default: []].insert(b)
                if r.relation.type == family[0] || where_["\(a)"] == nil { where_["\(a)"] = r.from == a ? r.relation.position : nil }
            }
            for cycle in Self.cycles(edges) {
                let first = cycle.min { documents[$0].path < documents[$1].path }!
                let start = cycle.firstIndex(of: first)!
                let ordered = Array(cycle[start...] + cycle[..<start])
                let chain = (ordered + [first]).map(label).joined(separator: " → ")
                let pos = where_["\(first)"] ?? documents[first].titlePosition
                report(first, Rules.relationCycle, pos, "\(family[0].rawValue) relations form a cycle: \(chain)",
                       hint: "A document cannot (even indirectly) \(family[0] == .supersedes ? "supersede" : "amend") itself; remove one relation of the cycle.")
            }
        }
    }

    /// One cycle per strongly connected component that has one (Tarjan, iterative to stay stack-safe).
    static func cycles(_ edges: [Int: Set<Int>]) -> [[Int]] {
        var index = 0
        var indices: [Int: Int] = [:], low: [Int: Int] = [:]
        var onStack = Set<Int>(), stack: [Int] = []
        var result: [[Int]] = []
        for start in edges.keys.sorted() where indices[start] == nil {
            var work: [(Int, [Int], Int)] = [(start, (edges[start] ?? []).sorted(), 0)]
            indices[start] = index; low[start] = index; index += 1
            stack.append(start); onStack.insert(start)
            while !work.isEmpty {
                let (v, succ, k) = work[work.count - 1]
                if k < succ.count {
                    work[work.count - 1].2 += 1
                    let w = succ[k]
                    if indices[w] == nil {
                        indices[w] = index; low[w] = index; index += 1
                        stack.append(w); onStack.insert(w)
                        work.append((w, (edges[w] ?? []).sorted(), 0))
                    } else if onStack.contains(w) {
                        low[v] = min(low[v]!, indices[w]!)
                    }
                } else {
                    work.removeLast()
                    if let parent = work.last?.0 { low[parent] = min(low[parent]!, low[v]!) }
                    if low[v] == indices[v] {
                        var component: [Int] = []
                        while let w = stack.popLast() {
                            onStack.remove(w)
                            component.append(w)
                            if w == v { break }
                        }
                        if component.count > 1 || (edges[v]?.contains(v) ?? false) {
                            result.append(orderAlongEdges(component, edges))
                        }
                    }
                }
            }
        }
        return result
    }

    /// Orders a component's members along its edges so the message reads as a chain.
    static func orderAlongEdges(_ component: [Int], _ edges: [Int: Set<Int>]) -> [Int] {
        let members = Set(component)
        var order = [component.min()!]
        var seen: Set<Int> = [order[0]]
        while let last = order.last, let next = (edges[last] ?? []).filter({ members.contains($0) && !seen.contains($0) }).min() {
            order.append(next)
            seen.insert(next)
        }
        return order + component.filter { !seen.contains($0) }.sorted()
    }
}
