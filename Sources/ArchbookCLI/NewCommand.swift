// `archbook new`: creates the next document of a kind from its template and records supersede/amend relations in its targets.

import ArchbookCore
import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

struct NewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Create the next document of a kind (an ADR, a requirement, ...) from its template.",
        discussion: """
        The document gets the next free number of its kind (over every folder of the kind), today's date, the status \
        proposed (or the kind's first status) and a file name like the kind's existing files (`file-name:` in \
        archbook.yml sets it). The template is --template, else the kind's `template:`, else a template in the kind's \
        folder (template.md, templates/template.md, adr-template.md, ...), else the theme's new/<preset or kind>.md. \
        The path is printed on standard output. An existing file is never overwritten.
        --supersedes and --amends also record the relation in the target document, the way it records its status \
        (front matter, a Status section as adr-tools writes it, or a `* Status:` bullet); nothing else in it changes.
        Exit codes: 0 created, 2 usage or configuration error, or nothing could be created safely.
        """
    )

    @Argument(help: "The kind of document: decision, requirement, runbook, postmortem, any kind of archbook.yml, or its ID prefix (adr).")
    var kind: String

    @Argument(help: "The title (several words are joined with spaces).")
    var title: [String]

    @Option(help: "The docs tree (default: ./content when it exists, else the current directory).", completion: .directory)
    var docs: String?

    @Option(help: "Configuration file (default: DOCS/archbook.yml if present).", completion: .file())
    var config: String?

    @Option(help: "Folder inside the docs tree for the document (default: the folder of the kind's latest document).")
    var folder: String?

    @Option(help: "The document's date, YYYY-MM-DD (default: $ARCHBOOK_TODAY, else today).")
    var date: String?

    @Option(help: "The status (default: proposed, or the kind's first status).")
    var status: String?

    @Option(name: [.customShort("s"), .long], help: "A document the new one supersedes (ID, path or slug); repeatable.")
    var supersedes: [String] = []

    @Option(help: "A document the new one amends (ID, path or slug); repeatable.")
    var amends: [String] = []

    @Option(help: "A template file to fill instead of the kind's.", completion: .file())
    var template: String?

    @Option(help: "A theme folder whose new/ templates override the default theme's.", completion: .directory)
    var theme: String?

    @Flag(name: .customLong("print"), help: "Print the new document to standard output and write nothing.")
    var printOnly = false

    func run() throws {
        let titleText = title.joined(separator: " ")
        guard !titleText.trimmed.isEmpty else { throw ValidationError("Give the document a title.") }
        let day = try Self.date(date)
        var setup = try Workspace.open(directory: docs, config: config)
        try setup.resolveConfig(tree: setup.tree)
        let listing: FileListing
        let result: CheckResult
        do {
            listing = try setup.tree.listing()
        } catch {
            throw RunFailure(message: "cannot read \(setup.root): \(error.message)")
        }
        result = try setup.check(setup.tree)
        var templateFile: TemplateFile?
        if let template {
            do {
                templateFile = TemplateFile(label: template, bytes: try DiskFileTree.readFile(template))
            } catch {
                throw RunFailure(message: "cannot read template \(template): \(error.message)")
            }
        }
        let strip = { (ref: String) -> String in
            ref.hasPrefix(setup.displayPrefix) && !setup.displayPrefix.isEmpty ? String(ref.dropFirst(setup.displayPrefix.count)) : ref
        }
        let request = NewDocumentRequest(kind: kind, title: titleText, date: day, status: status,
                                         supersedes: supersedes.map(strip), amends: amends.map(strip),
                                         folder: folder, template: templateFile)
        let plan: NewDocumentPlan
        do {
            plan = try NewDocument.plan(request, handbook: result, listing: listing, tree: setup.tree, config: setup.config,
                                        themes: try Self.themeLayers(theme: theme, setup: setup, configOption: config),
                                        displayPrefix: setup.displayPrefix)
        } catch let error as AuthoringError {
            throw RunFailure(message: error.message)
        }
        let display = setup.displayPrefix + plan.path
        if printOnly {
            Output.out(String(decoding: plan.bytes, as: UTF8.self))
            var summary = "archbook: would create \(display)\(plan.id.map { " (\($0))" } ?? "") from \(plan.template)\n"
            for c in plan.changes { summary += "archbook: would update \(setup.displayPrefix + c.path)\n" }
            for note in plan.notes { summary += "archbook: note: \(note)\n" }
            Output.err(summary)
            return
        }
        let root = setup.root == "." ? "" : (setup.root.hasSuffix("/") ? setup.root : setup.root + "/")
        try DocumentFiles.create(root + plan.path, plan.bytes)
        var done: [FileChange] = []
        do {
            for change in plan.changes {
                try DocumentFiles.replace(root + change.path, expected: change.before, with: change.after)
                done.append(change)
            }
        } catch {
            // Leave the tree as it was: the targets already edited get their bytes back, the new file goes.
            for change in done.reversed() { try? DocumentFiles.replace(root + change.path, expected: change.after, with: change.before) }
            unlink(root + plan.path)
            throw error
        }
        Output.out(display + "\n")
        var summary = "archbook: created \(display)\(plan.id.map { " (\($0))" } ?? "") from \(plan.template)\n"
        for c in plan.changes { summary += "archbook: updated \(setup.displayPrefix + c.path)\n" }
        for note in plan.notes { summary += "archbook: note: \(note)\n" }
        Output.err(summary)
    }

    /// `--date`, else $ARCHBOOK_TODAY (so scripts and tests can fix the day), else today in local time.
    static func date(_ option: String?) throws -> DateValue {
        if let option {
            guard let d = DateValue.iso(option) else { throw ValidationError("--date '\(option)' is not a date in YYYY-MM-DD form.") }
            return d
        }
        if let env = getenv("ARCHBOOK_TODAY"), env.pointee != 0 {
            let text = String(cString: env)
            guard let d = DateValue.iso(text) else { throw RunFailure(message: "ARCHBOOK_TODAY '\(text)' is not a date in YYYY-MM-DD form") }
            return d
        }
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        func pad(_ n: Int32, _ w: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return DateValue.iso("\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))")!
    }

    /// The default theme (when found) and the custom one from --theme or `site: theme:`.
    static func themeLayers(theme: String?, setup: Workspace, configOption: String?) throws -> [Theme.Layer] {
        var layers: [Theme.Layer] = []
        if let dir = ThemeLocator.defaultTheme() { layers.append(Theme.Layer(label: dir, tree: DiskFileTree(root: dir))) }
        var custom: String?
        if let theme {
            custom = theme
        } else if let configured = setup.config.site.theme {
            let base = configOption.map { DiskSite.parent(of: $0) } ?? setup.root
            custom = configured.hasPrefix("/") ? configured : (base == "." ? configured : base + "/" + configured)
        }
        if let custom {
            guard DiskFileTree.isDirectory(custom) else { throw RunFailure(message: "theme '\(custom)' is not a directory") }
            layers.append(Theme.Layer(label: custom, tree: DiskFileTree(root: custom)))
        }
        return layers
    }
}
