// How `archbook new` names a document: the kind's file-name pattern, the next number and a slug in the style of the existing files.

import Foundation

/// A kind's `file-name:` pattern, such as `{number}-{slug}.md`.
public enum FileNamePattern {
    /// `{number}` the next number, padded; `{slug}` the title in the files' slug style; `{name}` the title in
    /// UpperCamelCase (alert names); `{date}` YYYY-MM-DD; `{yyyymmdd}` the date without hyphens.
    public static let placeholders = ["number", "slug", "name", "date", "yyyymmdd"]

    /// Why a pattern cannot be used, or nil when it can.
    public static func problem(with pattern: String) -> String? {
        if pattern.contains("/") { return "file-name '\(pattern)' must be a file name without folders (archbook new puts it in the kind's folder; see --folder)" }
        let lower = pattern.lowercased()
        guard lower.hasSuffix(".md") || lower.hasSuffix(".markdown") else {
            return "file-name '\(pattern)' must end in .md or .markdown"
        }
        var names: [String] = []
        var rest = Substring(pattern)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else {
                return "file-name '\(pattern)' has a '{' without '}'"
            }
            names.append(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        if let unknown = names.first(where: { !placeholders.contains($0) }) {
            return "file-name '\(pattern)' has an unknown placeholder {\(unknown)} (known: \(placeholders.map { "{\($0)}" }.joined(separator: ", ")))"
        }
        guard names.contains("slug") || names.contains("name") || names.contains("number") else {
            return "file-name '\(pattern)' needs {number}, {slug} or {name}, or every document would get the same name"
        }
        return nil
    }

    static func render(_ pattern: String, _ values: [String: String]) -> String {
        var out = pattern
        for (k, v) in values { out = out.replacingOccurrences(of: "{\(k)}", with: v) }
        return out
    }
}

/// The spelling of file names a kind's existing documents share, so a new one looks like its siblings.
struct NamingStyle: Equatable {
    var pattern: String
    /// Digits the number is padded to.
    var width: Int
    /// Between the words of `{slug}`.
    var separator: Character
    var lowercase: Bool

    /// Reads the style from the names of the kind's files (base names without extension, and extensions).
    static func infer(kind: KindSchema, names: [(base: String, ext: String)]) throws(AuthoringError) -> NamingStyle {
        var style = NamingStyle(pattern: "{number}-{slug}.md", width: kind.idDigits, separator: "-", lowercase: true)
        let ext = names.filter { $0.ext.lowercased() == "markdown" }.count * 2 > names.count ? ".markdown" : ".md"
        let numbered = names.filter { IDText.fileNumber($0.base + ".md") != nil }
        var slugs: [Substring] = []
        // The most recent numbered file shows the padding and the separator after the number in use now.
        if let latest = numbered.max(by: { IDText.fileNumber($0.base + ".md")! < IDText.fileNumber($1.base + ".md")! }) {
            let digits = latest.base.prefix { $0.isASCII && $0.isNumber }
            style.width = digits.count
            let after = latest.base.dropFirst(digits.count).first
            style.pattern = "{number}" + (after.map { "-_ ".contains($0) ? String($0) : "-" } ?? "-") + "{slug}" + ext
            slugs = numbered.map { n in
                let d = n.base.prefix { $0.isASCII && $0.isNumber }
                return n.base.dropFirst(d.count).drop { !$0.isLetter && !$0.isNumber }
            }
        }
        let dated = names.filter { Self.datePrefix($0.base) != nil }
        let camel = names.filter { n in
            n.base.first?.isUppercase == true && n.base.allSatisfy { $0.isLetter || $0.isNumber } && n.base.contains { $0.isLowercase }
        }
        switch kind.idFrom {
        case .number:
            if let fileName = kind.fileName { style.pattern = fileName }
        case .packageFileName:
            style.pattern = kind.fileName ?? "{yyyymmdd}-{slug}" + ext
            slugs = dated.map { $0.base.dropFirst(Self.datePrefix($0.base)!.count) }
        case .fileName:
            if let fileName = kind.fileName {
                style.pattern = fileName
            } else if !dated.isEmpty, dated.count * 2 >= names.count {
                let first = Self.datePrefix(dated[0].base)!
                style.pattern = (first.count == 9 ? "{yyyymmdd}-" : "{date}-") + "{slug}" + ext
                slugs = dated.map { $0.base.dropFirst(Self.datePrefix($0.base)!.count) }
            } else if (!camel.isEmpty && camel.count * 2 >= names.count) || (names.isEmpty && kind.preset == Preset.runbookAlert.name) {
                // Alert runbooks are named after the alert (`KubePodCrashLooping.md`).
                style.pattern = "{name}" + ext
            } else {
                style.pattern = "{slug}" + ext
                slugs = names.map { Substring($0.base) }
            }
        case .pattern(let regex):
            guard let fileName = kind.fileName else {
                throw AuthoringError("kind '\(kind.name)' takes its IDs from id-pattern '\(regex)', so archbook new cannot tell how to name a new file; set `file-name:` for it in archbook.yml (e.g. \"{yyyymmdd}-{slug}.md\")")
            }
            style.pattern = fileName
        }
        if !slugs.isEmpty {
            var counts: [Character: Int] = [:]
            for s in slugs { for c in s where c == "-" || c == "_" || c == " " { counts[c, default: 0] += 1 } }
            if let best = counts.max(by: { ($0.value, $1.key) < ($1.value, $0.key) }) { style.separator = best.key }
            // Most teams lower-case slugs and keep a proper noun's capitals now and then (`0020-use-Jackson-to-parse`):
            // the title keeps its case only when most existing slugs have capitals.
            style.lowercase = slugs.filter { $0.contains { $0.isUppercase } }.count * 2 <= slugs.count
        }
        return style
    }

    /// `20200925-` or `2020-09-25-` at the start of a name.
    static func datePrefix(_ base: String) -> String? {
        let u = Array(base.utf8)
        if u.count > 9, u[0..<8].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), u[8] == UInt8(ascii: "-") {
            let s = String(decoding: u[0..<8], as: UTF8.self)
            if case .valid = DateText.parse("\(s.prefix(4))-\(s.dropFirst(4).prefix(2))-\(s.suffix(2))") { return s + "-" }
        }
        if u.count > 11, u[10] == UInt8(ascii: "-"), case .valid = DateText.parse(String(decoding: u[0..<10], as: UTF8.self)) {
            return String(decoding: u[0..<11], as: UTF8.self)
        }
        return nil
    }

    /// The title as adr-tools makes a slug: accents dropped, every run of other characters one separator.
    func slug(_ title: String) -> String {
        var out = ""
        var pendingSeparator = false
        for scalar in Self.withoutAccents(title).unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                if pendingSeparator && !out.isEmpty { out.append(separator) }
                pendingSeparator = false
                out.unicodeScalars.append(scalar)
            } else {
                pendingSeparator = true
            }
        }
        return lowercase ? out.lowercased() : out
    }

    /// `Kube pod crash-looping` → `KubePodCrashLooping`, as alert-named runbooks are called.
    func camelName(_ title: String) -> String {
        Self.withoutAccents(title).split { !($0.isLetter || $0.isNumber) }
            .map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    static func withoutAccents(_ s: String) -> String {
        String(String.UnicodeScalarView(s.decomposedStringWithCanonicalMapping.unicodeScalars.filter {
            $0.properties.generalCategory != .nonspacingMark
        }))
    }

    func fileName(title: String, number: Int?, date: DateValue) -> String {
        var values = ["slug": slug(title), "name": camelName(title), "date": date.iso,
                      "yyyymmdd": date.iso.replacingOccurrences(of: "-", with: "")]
        if let number {
            let s = String(number)
            values["number"] = String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return FileNamePattern.render(pattern, values)
    }
}
