// `--explain`: the resolved configuration in words, per kind, so a user sees what archbook will require and why.

public enum Explanation {
    /// Where the configuration came from.
    public enum Source: Sendable, Equatable {
        /// archbook.yml (or `--config`), by its path as the user gave it.
        case file(String)
        /// Detected from the documents: there is no archbook.yml.
        case detected
    }

    /// The configuration as text. `documents` are the checked documents (counts per kind);
    /// `detection` gives the reasons when the configuration was detected.
    public static func render(config: Config, source: Source, detection: Detection?, documents: [Document]) -> String {
        var out = ""
        switch source {
        case .file(let path):
            out += "archbook: configuration from \(path)\n"
        case .detected:
            out += "archbook: no archbook.yml; configuration detected from the documents (`archbook init` writes it down)\n"
        }
        var perKind: [String: (all: Int, withStatus: Int)] = [:]
        var plain = 0
        for d in documents {
            if let k = d.kind {
                perKind[k, default: (0, 0)].all += 1
                if d.status != nil { perKind[k, default: (0, 0)].withStatus += 1 }
            } else {
                plain += 1
            }
        }
        for kind in config.kinds {
            let counts = perKind[kind.name] ?? (0, 0)
            let schema = kind.preset.map { "preset \($0)" } ?? "built-in schema"
            out += "\n\(kind.name) (\(schema)): \(counts.all) document\(counts.all == 1 ? "" : "s"), \(counts.withStatus) with a status\n"
            if counts.all == 0 && kind.paths.isEmpty {
                out += line("paths", "none (switched off)")
                if let d = detection?.disabled.first(where: { $0.kind == kind.name }) { out += line("why", d.because) }
                continue
            }
            let detected = detection?.kinds.first(where: { $0.name == kind.name })
            if case .detected = source, detected == nil {
                out += line("why", "no folder of this kind was found; its default folders apply: \(kind.paths.joined(separator: ", "))")
                continue
            }
            if let name = kind.preset, let preset = Preset.named(name) {
                out += line("preset", "\(name): \(preset.matches)")
            }
            if let detected {
                out += lines("why", detected.reasons)
                out += lines("evidence", detected.evidence)
                out += lines("adjusted", detected.settings.compactMap { s in
                    s.key == "preset" ? nil : s.comment.map { "\(s.key): \($0)" }
                })
            } else {
                out += line("why", kind.preset == nil ? "archbook.yml and the built-in defaults" : "set in archbook.yml; keys given there override the preset")
            }
            out += line("paths", kind.paths.isEmpty ? "none" : kind.paths.joined(separator: ", "))
            out += line("IDs", ids(kind))
            out += line("titles", kind.titleFrom == .fileName
                        ? "front matter `title`, else the file name (no H1 expected)"
                        : "front matter `title`, else the first H1 heading")
            // A set's Status requirement only matters when a status is required (missing-status reports it).
            let sets = kind.sectionSets.map { $0.filter { $0.satisfiedBy != "status" || kind.requireStatus } }.filter { !$0.isEmpty }
            if sets.isEmpty {
                out += line("required sections", "none")
            } else {
                let described = sets.map { set in set.map(sectionText).joined(separator: ", ") }
                out += line("required sections", described.joined(separator: "; or "))
            }
            out += line("optional sections", kind.optionalSections.isEmpty ? "none" : kind.optionalSections.joined(separator: ", "))
            let allowed = kind.statuses.isEmpty ? "any value" :
                "allowed " + kind.statuses.map { $0.name + ($0.terminal ? "*" : "") }.joined(separator: ", ")
                + (kind.statuses.contains { $0.terminal } ? " (* ends the document's life)" : "")
            out += line("status", (kind.requireStatus ? "required; " : "optional; ") + allowed)
            out += line("required fields", kind.requiredFields.isEmpty ? "none" : kind.requiredFields.joined(separator: ", "))
            if !kind.fields.isEmpty {
                out += line("header keys", kind.fields.sorted { $0.key < $1.key }.map { "\($0.key) → \($0.value)" }.joined(separator: ", "))
            }
            if let sidecar = kind.sidecar {
                let map = sidecar.fields.sorted { $0.key < $1.key }.map { "\($0.key) ← \($0.value)" }.joined(separator: ", ")
                out += line("sidecar", "\(sidecar.file) beside each document" + (map.isEmpty ? "" : "; \(map)"))
            }
            if let rules = config.kindRuleSeverities[kind.name], !rules.isEmpty {
                out += line("rules", rules.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value?.rawValue ?? "off")" }.joined(separator: ", "))
            }
        }
        if !config.ruleSeverities.isEmpty {
            out += "\nrules (all kinds): " + config.ruleSeverities.sorted { $0.key < $1.key }
                .map { "\($0.key) \($0.value?.rawValue ?? "off")" }.joined(separator: ", ") + "\n"
        }
        if !config.exclude.isEmpty { out += "\nexcluded: \(config.exclude.joined(separator: ", "))\n" }
        if config.site.publishActiveFiles {
            out += "\nlinked files: HTML, XML and SVG files are published as they are, scripts and all (site: publish-active-files)\n"
        }
        out += "\nplain pages (links checked only): \(plain)\n"
        return out
    }

    /// A label with several lines of text, aligned under the first.
    static func lines(_ label: String, _ texts: [String]) -> String {
        guard let first = texts.first else { return "" }
        return line(label, first) + texts.dropFirst().map { String(repeating: " ", count: 21) + $0 + "\n" }.joined()
    }

    static func line(_ label: String, _ text: String) -> String {
        let pad = String(repeating: " ", count: max(1, 19 - label.count - 1))
        return "  \(label):\(pad)\(text)\n"
    }

    static func sectionText(_ r: SectionRequirement) -> String {
        let base = r.satisfiedBy == "status" ? "\(r.name) (or any status)" : r.name
        return r.aliases.isEmpty ? base : "\(base) (or \(r.aliases.joined(separator: ", ")))"
    }

    static func ids(_ kind: KindSchema) -> String {
        var sources = "front matter `id`"
        if let key = kind.sidecar?.fields["id"] { sources += ", else `\(key)` in \(kind.sidecar!.file)" }
        if let key = kind.fields.filter({ $0.value == "id" }).keys.sorted().first {
            let label = key.split(separator: " ").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
            sources += ", else the `\(label):` header"
        }
        return sources + ", else " + fallbackIDs(kind)
    }

    static func fallbackIDs(_ kind: KindSchema) -> String {
        switch kind.idFrom {
        case .number:
            return "\(kind.canonicalID(number: 7)) from a file name starting with 7, else the title's number"
        case .fileName:
            return "the file name without extension"
        case .packageFileName:
            return "the file name without extension, as <package>/<name> under packages/<package>/"
        case .pattern(let p):
            return "the match of \(p) in the file name"
        }
    }
}
