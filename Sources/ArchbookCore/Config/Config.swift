// archbook.yml: the optional configuration of a docs tree, read with positions so errors name line and key.

public struct Config: Sendable, Equatable {
    public var kinds: [KindSchema]
    /// Global severity overrides; `nil` turns a rule off.
    public var ruleSeverities: [String: Severity?]
    /// Per-kind severity overrides, taking precedence over the global ones.
    public var kindRuleSeverities: [String: [String: Severity?]]
    /// Globs of files to skip, relative to the docs root.
    public var exclude: [String]
    /// How `archbook build` renders the handbook.
    public var site = SiteSettings()
    /// Documents without dates take them from git history: `created` from the first commit, `updated` from the last.
    public var gitDates = false
    /// Bounds on what one run reads, so a hostile docs tree cannot exhaust time or memory.
    public var limits = Limits()

    public init(kinds: [KindSchema] = KindSchema.builtIn, ruleSeverities: [String: Severity?] = [:],
                kindRuleSeverities: [String: [String: Severity?]] = [:], exclude: [String] = []) {
        self.kinds = kinds
        self.ruleSeverities = ruleSeverities
        self.kindRuleSeverities = kindRuleSeverities
        self.exclude = exclude
    }

    public static let `default` = Config()

    /// The `site:` section of archbook.yml.
    public struct SiteSettings: Sendable, Equatable {
        public var title: String?
        /// Absolute URL the site is published at; used only by the Atom feed and the 404 page.
        public var baseURL: String?
        /// A theme folder, relative to the configuration file, that overrides files of the default theme.
        public var theme: String?
        /// Keep raw HTML written in documents (off by default: it is dropped).
        public var rawHTML = false
        /// Publish linked HTML, XML and SVG files as they are, scripts and all (off by default: see `ActiveContent`).
        public var publishActiveFiles = false
        /// The search index and page; nil turns search off (`search: false`).
        public var search: SearchOptions? = SearchOptions()

        public init() {}
    }

    /// The `limits:` section of archbook.yml. Each limit is named in diagnostics by its key (`limits.max-file-bytes`).
    public struct Limits: Sendable, Equatable {
        /// A Markdown file or sidecar larger than this is not read (`max-file-bytes`).
        public var maxFileBytes = 10 * 1024 * 1024
        /// Markdown bytes read in one run, in path order; files past it are not read (`max-total-bytes`).
        public var maxTotalBytes = 256 * 1024 * 1024
        /// Markdown files checked in one run, in path order (`max-files`).
        public var maxFiles = 50_000
        /// Front matter longer than this is not parsed (`max-front-matter-bytes`).
        public var maxFrontMatterBytes = 64 * 1024
        /// Values one YAML text may expand to, counting every use of an alias in full (`max-yaml-nodes`).
        public var maxYAMLNodes = 100_000
        /// A file documents link to (image, attachment) larger than this is not published (`max-asset-bytes`).
        public var maxAssetBytes = 50 * 1024 * 1024
        /// Linked files published in one build, in path order; a file that would pass it is not (`max-total-asset-bytes`).
        public var maxTotalAssetBytes = 1024 * 1024 * 1024

        public init() {}

        /// The keys under `limits:`, as archbook.yml and messages spell them.
        public static let keys = ["max-file-bytes", "max-total-bytes", "max-files", "max-front-matter-bytes", "max-yaml-nodes",
                                  "max-asset-bytes", "max-total-asset-bytes"]
    }

    public static let fileName = "archbook.yml"

    /// An absolute `http:` or `https:` URL with a host, and nothing a tag attribute or a log line would mind.
    public static func isWebURL(_ s: String) -> Bool {
        let lower = s.lowercased()
        guard let rest = ["https://", "http://"].first(where: lower.hasPrefix).map({ s.dropFirst($0.count) }),
              let first = rest.first, first != "/" else { return false }
        return !s.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7F || "\"'<>\\`".unicodeScalars.contains($0) }
    }

    public func kind(named name: String) -> KindSchema? {
        kinds.first { $0.name == name }
    }

    /// The severity a rule has for a document of `kind`, or nil when the rule is off.
    public func severity(of rule: Rule, kind: String?) -> Severity? {
        if let kind, let perKind = kindRuleSeverities[kind], let s = perKind[rule.id] { return s }
        if let s = ruleSeverities[rule.id] { return s }
        return rule.defaultSeverity
    }
}

/// A configuration file that cannot be used. This is a failure of the run (exit code 2), not a diagnostic.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var position: SourcePosition
    public var key: String?
    public var message: String

    public var description: String {
        let keyPart = key.map { message.contains("'\($0)'") ? "" : " (key '\($0)')" } ?? ""
        return "\(file):\(position.line):\(position.column): \(message)\(keyPart)"
    }
}

extension Config {
    /// Reads archbook.yml text. Unknown keys are errors: a typo must not silently disable a check.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> Config {
        let root: YAMLValue?
        switch YAMLReader.read(text) {
        case .success(let v): root = v
        case .failure(let e):
            throw ConfigError(file: file, position: e.position, key: nil, message: "invalid YAML: \(e.message)")
        }
        var config = Config.default
        guard let root else { return config }
        guard case .mapping(let entries, _) = root else {
            throw ConfigError(file: file, position: root.position, key: nil, message: "expected a mapping at the top level")
        }
        let reader = ConfigReader(file: file)
        for entry in entries {
            switch entry.key {
            case "kinds":
                guard case .mapping(let kinds, _) = entry.value else {
                    throw reader.error(entry, "expected a mapping of kind names to kind settings")
                }
                for kindEntry in kinds {
                    let (schema, rules) = try reader.kind(kindEntry, existing: config.kind(named: kindEntry.key))
                    if let i = config.kinds.firstIndex(where: { $0.name == schema.name }) {
                        config.kinds[i] = schema
                    } else {
                        config.kinds.append(schema)
                    }
                    if !rules.isEmpty { config.kindRuleSeverities[schema.name] = rules }
                }
            case "rules":
                config.ruleSeverities = try reader.rules(entry)
            case "exclude":
                config.exclude = try reader.strings(entry)
            case "git-dates":
                config.gitDates = try reader.bool(entry)
            case "limits":
                config.limits = try reader.limits(entry)
            case "site":
                guard case .mapping(let settings, _) = entry.value else {
                    throw reader.error(entry, "expected a mapping with title, base-url, theme, raw-html, publish-active-files or search")
                }
                for setting in settings {
                    switch setting.key {
                    case "title": config.site.title = try reader.string(setting)
                    case "base-url":
                        let url = try reader.string(setting)
                        // It ends up in href and src attributes of the 404 page and the feed.
                        guard Config.isWebURL(url) else {
                            throw reader.error(setting, "expected an absolute http or https URL such as https://handbook.example.com/")
                        }
                        config.site.baseURL = url
                    case "theme": config.site.theme = try reader.string(setting)
                    case "raw-html": config.site.rawHTML = try reader.bool(setting)
                    case "publish-active-files": config.site.publishActiveFiles = try reader.bool(setting)
                    case "search": config.site.search = try reader.search(setting)
                    default:
                        throw reader.error(setting, "unknown site setting '\(setting.key)' (expected title, base-url, theme, raw-html, publish-active-files or search)")
                    }
                }
            default:
                throw reader.error(entry, "unknown setting '\(entry.key)' (expected kinds, rules, exclude, git-dates, site or limits)")
            }
        }
        return config
    }
}

private struct ConfigReader {
    let file: String

    func error(_ entry: YAMLEntry, _ message: String) -> ConfigError {
        ConfigError(file: file, position: entry.keyPosition, key: entry.key, message: message)
    }

    func strings(_ entry: YAMLEntry) throws(ConfigError) -> [String] {
        guard let list = entry.value.stringList else {
            throw error(entry, "expected a string or a list of strings, found \(entry.value.typeName)")
        }
        return list
    }

    func string(_ entry: YAMLEntry) throws(ConfigError) -> String {
        guard let s = entry.value.scalar else {
            throw error(entry, "expected a string, found \(entry.value.typeName)")
        }
        return s
    }

    /// `search: false`, `search: true` or a mapping with split-bytes and shard-bytes.
    func search(_ entry: YAMLEntry) throws(ConfigError) -> SearchOptions? {
        if case .mapping(let settings, _) = entry.value {
            var options = SearchOptions()
            for setting in settings {
                switch setting.key {
                case "split-bytes": options.splitBytes = try positiveInt(setting)
                case "shard-bytes": options.shardBytes = try positiveInt(setting)
                default: throw error(setting, "unknown search setting '\(setting.key)' (expected split-bytes or shard-bytes)")
                }
            }
            return options
        }
        return try bool(entry) ? SearchOptions() : nil
    }

    func positiveInt(_ entry: YAMLEntry, unit: String = "bytes") throws(ConfigError) -> Int {
        guard case .scalar(let text, _) = entry.value, let n = Int(text.filter { $0 != "_" }), n > 0 else {
            throw error(entry, "expected a positive whole number of \(unit)")
        }
        return n
    }

    func limits(_ entry: YAMLEntry) throws(ConfigError) -> Config.Limits {
        guard case .mapping(let settings, _) = entry.value else {
            throw error(entry, "expected a mapping with \(Config.Limits.keys.joined(separator: ", "))")
        }
        var limits = Config.Limits()
        for setting in settings {
            switch setting.key {
            case "max-file-bytes": limits.maxFileBytes = try positiveInt(setting)
            case "max-total-bytes": limits.maxTotalBytes = try positiveInt(setting)
            case "max-files": limits.maxFiles = try positiveInt(setting, unit: "files")
            case "max-front-matter-bytes": limits.maxFrontMatterBytes = try positiveInt(setting)
            case "max-yaml-nodes": limits.maxYAMLNodes = try positiveInt(setting, unit: "values")
            case "max-asset-bytes": limits.maxAssetBytes = try positiveInt(setting)
            case "max-total-asset-bytes": limits.maxTotalAssetBytes = try positiveInt(setting)
            default:
                throw error(setting, "unknown limit '\(setting.key)' (expected \(Config.Limits.keys.joined(separator: ", ")))")
            }
        }
        return limits
    }

    func bool(_ entry: YAMLEntry) throws(ConfigError) -> Bool {
        switch entry.value.scalar?.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(entry, "expected true or false")
        }
    }

    func severity(_ entry: YAMLEntry) throws(ConfigError) -> Severity? {
        switch entry.value.scalar?.lowercased() {
        case "error": return .error
        case "warning", "warn": return .warning
        case "note", "info": return .note
        case "off", "false", "none", "ignore": return nil
        default:
            let found = entry.value.scalar.map { "'\($0)'" } ?? entry.value.typeName
            throw ConfigError(file: file, position: entry.value.position, key: entry.key,
                              message: "expected error, warning, note or off for '\(entry.key)', found \(found)")
        }
    }

    func rules(_ entry: YAMLEntry) throws(ConfigError) -> [String: Severity?] {
        guard case .mapping(let items, _) = entry.value else {
            throw error(entry, "expected a mapping of rule IDs to error, warning, note or off")
        }
        var out: [String: Severity?] = [:]
        for item in items {
            guard Rules.rule(withID: item.key) != nil else {
                throw error(item, "unknown rule '\(item.key)'; known rules: \(Rules.known.map(\.id).joined(separator: ", "))")
            }
            out[item.key] = .some(try severity(item))
        }
        return out
    }

    func section(_ value: YAMLValue, in entry: YAMLEntry) throws(ConfigError) -> SectionRequirement {
        switch value {
        case .scalar(let name, _):
            return SectionRequirement(name, satisfiedBy: SectionKey.normalize(name) == "status" ? "status" : nil)
        case .mapping(let items, _):
            var name: String?
            var aliases: [String] = []
            for item in items {
                switch item.key {
                case "name": name = try string(item)
                case "aliases": aliases = try strings(item)
                default: throw error(item, "unknown section setting '\(item.key)' (expected name or aliases)")
                }
            }
            guard let name else { throw error(entry, "a section needs a name") }
            return SectionRequirement(name, aliases: aliases, satisfiedBy: SectionKey.normalize(name) == "status" ? "status" : nil)
        case .sequence:
            throw error(entry, "expected a section name or a mapping with name and aliases")
        }
    }

    func sections(_ entry: YAMLEntry) throws(ConfigError) -> [SectionRequirement] {
        guard case .sequence(let items, _) = entry.value else {
            throw error(entry, "expected a list of sections")
        }
        var out: [SectionRequirement] = []
        for item in items { out.append(try section(item, in: entry)) }
        return out
    }

    func statuses(_ entry: YAMLEntry) throws(ConfigError) -> [StatusDefinition] {
        guard case .sequence(let items, _) = entry.value else {
            throw error(entry, "expected a list of statuses")
        }
        var out: [StatusDefinition] = []
        for item in items {
            switch item {
            case .scalar(let name, _):
                out.append(StatusDefinition(name.lowercased()))
            case .mapping(let fields, _):
                var def = StatusDefinition("")
                for field in fields {
                    switch field.key {
                    case "name": def.name = try string(field).lowercased()
                    case "aliases": def.aliases = try strings(field).map { $0.lowercased() }
                    case "terminal": def.terminal = try bool(field)
                    default: throw error(field, "unknown status setting '\(field.key)' (expected name, aliases or terminal)")
                    }
                }
                if def.name.isEmpty { throw error(entry, "a status needs a name") }
                out.append(def)
            case .sequence:
                throw error(entry, "expected a status name or a mapping with name, aliases and terminal")
            }
        }
        return out
    }

    /// Document fields a sidecar or a header key can fill.
    static let documentFields = ["id", "title", "status", "date", "created", "updated", "authors", "deciders", "owner",
                                 "consulted", "informed", "tags", "supersedes", "superseded-by", "amends", "amended-by",
                                 "relates-to"]

    func kind(_ entry: YAMLEntry, existing: KindSchema?) throws(ConfigError) -> (KindSchema, [String: Severity?]) {
        guard case .mapping(let fields, _) = entry.value else {
            throw error(entry, "expected a mapping of settings for kind '\(entry.key)'")
        }
        var schema: KindSchema
        var rules: [String: Severity?] = [:]
        // The preset comes first whatever the key order: every other key overrides part of it.
        if let presetEntry = fields.first(where: { $0.key == "preset" }) {
            let name = try string(presetEntry)
            guard let preset = Preset.named(name) else {
                throw ConfigError(file: file, position: presetEntry.value.position, key: presetEntry.key,
                                  message: "unknown preset '\(name)'; known presets: \(Preset.names.joined(separator: ", "))")
            }
            schema = existing?.applying(preset) ?? KindSchema.new(named: entry.key, preset: preset)
            rules = preset.rules
        } else {
            schema = existing ?? KindSchema(
                name: entry.key, paths: ["**/\(entry.key)s/**"],
                idPrefix: entry.key.uppercased(), sectionSets: [[]], statuses: [], requireStatus: false)
        }
        let base = schema
        for field in fields {
            switch field.key {
            case "preset": break
            case "paths": schema.paths = try strings(field)
            case "id-prefix": schema.idPrefix = try string(field)
            case "id-digits":
                guard let n = Int(try string(field)), (1...12).contains(n) else {
                    throw error(field, "expected a number of digits between 1 and 12")
                }
                schema.idDigits = n
            case "id-from":
                switch try string(field) {
                case "number": schema.idFrom = .number
                case "file-name": schema.idFrom = .fileName
                case "package-file-name": schema.idFrom = .packageFileName
                default: throw error(field, "expected number, file-name or package-file-name (or give id-pattern)")
                }
            case "id-pattern":
                let pattern = try string(field)
                guard IDPattern.compile(pattern) != nil else {
                    throw ConfigError(file: file, position: field.value.position, key: field.key,
                                      message: "'\(pattern)' is not a valid regular expression")
                }
                schema.idFrom = .pattern(pattern)
            case "title-from":
                guard let t = TitleFrom(rawValue: try string(field)) else {
                    throw error(field, "expected heading or file-name")
                }
                schema.titleFrom = t
            case "fields":
                guard case .mapping(let items, _) = field.value else {
                    throw error(field, "expected a mapping of header keys to document fields")
                }
                var map: [String: String] = [:]
                for item in items { map[StatusText.collapse(item.key.lowercased())] = try string(item) }
                schema.fields = map
            case "sidecar": schema.sidecar = try sidecar(field)
            case "required-sections": schema.sectionSets = [try sections(field)]
            case "section-sets":
                guard case .sequence(let sets, _) = field.value else {
                    throw error(field, "expected a list of section lists")
                }
                var out: [[SectionRequirement]] = []
                for set in sets {
                    out.append(try sections(YAMLEntry(key: field.key, keyPosition: set.position, value: set)))
                }
                schema.sectionSets = out
            case "optional-sections": schema.optionalSections = try strings(field)
            case "statuses": schema.statuses = try statuses(field)
            case "require-status": schema.requireStatus = try bool(field)
            case "required-fields": schema.requiredFields = try strings(field)
            case "rules": rules.merge(try self.rules(field)) { _, explicit in explicit }
            case "template":
                let path = try string(field)
                guard !path.isEmpty, !path.hasPrefix("/") else {
                    throw error(field, "expected a template file relative to the docs root, such as decisions/templates/template.md")
                }
                schema.template = path
            case "file-name":
                let pattern = try string(field)
                if let problem = FileNamePattern.problem(with: pattern) {
                    throw ConfigError(file: file, position: field.value.position, key: field.key, message: problem)
                }
                schema.fileName = pattern
            case "frozen-sections": schema.frozenSections = try strings(field)
            case "frozen-statuses": schema.frozenStatuses = try strings(field).map { StatusText.parse($0).value }
            default:
                throw error(field, "unknown kind setting '\(field.key)' (expected preset, paths, id-prefix, id-digits, id-from, id-pattern, title-from, fields, sidecar, required-sections, section-sets, optional-sections, statuses, require-status, required-fields, rules, template, file-name, frozen-sections or frozen-statuses)")
            }
        }
        if base.statuses.isEmpty && !schema.statuses.isEmpty && !fields.contains(where: { $0.key == "require-status" }) {
            schema.requireStatus = true
        }
        return (schema, rules)
    }

    func sidecar(_ entry: YAMLEntry) throws(ConfigError) -> Sidecar {
        guard case .mapping(let items, _) = entry.value else {
            throw error(entry, "expected a mapping with file and fields")
        }
        var fileName: String?
        var map: [String: String] = [:]
        for item in items {
            switch item.key {
            case "file":
                let name = try string(item)
                guard !name.isEmpty, !name.contains("/") else {
                    throw error(item, "expected a file name in the document's folder, such as kep.yaml")
                }
                fileName = name
            case "fields":
                guard case .mapping(let pairs, _) = item.value else {
                    throw error(item, "expected a mapping of document fields to sidecar keys")
                }
                for pair in pairs {
                    let field = FrontMatter.normalizeKey(pair.key)
                    guard Self.documentFields.contains(field) else {
                        throw error(pair, "unknown document field '\(pair.key)'; sidecars can fill \(Self.documentFields.joined(separator: ", "))")
                    }
                    map[field] = try string(pair)
                }
            default:
                throw error(item, "unknown sidecar setting '\(item.key)' (expected file or fields)")
            }
        }
        guard let fileName else { throw error(entry, "a sidecar needs a file name (file: kep.yaml)") }
        return Sidecar(file: fileName, fields: map)
    }
}
