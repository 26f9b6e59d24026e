// A theme: Mustache templates and static assets, layered so a custom theme overrides single files of the default.

import Mustache

/// A theme that cannot be used (a template that does not parse, a missing required template): exit code 2.
public struct ThemeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public var description: String {
        line > 0 ? "\(file):\(line):\(column): \(message)" : "\(file): \(message)"
    }
}

public struct Theme: Sendable {
    /// One directory of theme files; `label` is how errors name it (e.g. `themes/default`).
    public struct Layer: Sendable {
        public var label: String
        public var tree: any FileTree

        public init(label: String, tree: any FileTree) {
            self.label = label
            self.tree = tree
        }
    }

    /// Templates every page type needs; a theme layer stack without one of them is an error.
    public static let requiredTemplates = ["layout", "home", "document", "kind", "log", "graph", "actions", "list", "tags", "notfound", "feed"]

    let library: MustacheLibrary
    /// Site path under `assets/` → bytes, sorted by path when written.
    public let assets: [String: [UInt8]]
    /// Where each template came from, for messages.
    public let templateFiles: [String: String]
    /// A hash of every template's text and every asset: a changed theme changes every page's inputs.
    public let fingerprint: UInt64

    /// Loads layers in order; a file in a later layer replaces the same file of an earlier one.
    public static func load(_ layers: [Layer]) throws(ThemeError) -> Theme {
        var templateSources: [String: (label: String, text: String)] = [:]
        var assets: [String: [UInt8]] = [:]
        for layer in layers {
            let listing: FileListing
            do {
                listing = try layer.tree.listing()
            } catch {
                throw ThemeError(file: layer.label, line: 0, column: 0, message: "cannot read theme: \(error.message)")
            }
            for path in listing.files {
                let bytes: [UInt8]
                do {
                    bytes = try layer.tree.read(path)
                } catch {
                    throw ThemeError(file: "\(layer.label)/\(path)", line: 0, column: 0, message: "cannot read: \(error.message)")
                }
                if path.hasPrefix("templates/"), path.hasSuffix(".mustache") {
                    let name = String(path.dropFirst("templates/".count).dropLast(".mustache".count))
                    templateSources[name] = ("\(layer.label)/\(path)", String(decoding: bytes, as: UTF8.self))
                } else if path.hasPrefix("assets/") {
                    assets[path] = bytes
                }
            }
        }
        _ = registered
        var library = MustacheLibrary()
        var files: [String: String] = [:]
        for (name, source) in templateSources.sorted(by: { $0.key < $1.key }) {
            do {
                library.register(try MustacheTemplate(string: pragma + source.text), named: name)
            } catch let error as MustacheTemplate.ParserError {
                let line = error.context.lineNumber
                let column = line == 1 ? max(1, error.context.columnNumber - pragma.count) : error.context.columnNumber
                throw ThemeError(file: source.label, line: line, column: column,
                                 message: "template error: \(describe(error.error)) in `\(error.context.line.trimmed)`")
            } catch {
                throw ThemeError(file: source.label, line: 0, column: 0, message: "template error: \(error)")
            }
            files[name] = source.label
        }
        for name in requiredTemplates where files[name] == nil {
            let where_ = layers.map(\.label).joined(separator: ", ")
            throw ThemeError(file: where_.isEmpty ? "theme" : where_, line: 0, column: 0,
                             message: "no template '\(name)' (templates/\(name).mustache) in the theme")
        }
        var hash = StableHash()
        for (name, source) in templateSources.sorted(by: { $0.key < $1.key }) { hash.add(name); hash.add(source.text) }
        for (path, bytes) in assets.sorted(by: { $0.key < $1.key }) { hash.add(path); hash.add(bytes.count); hash.add(bytes) }
        return Theme(library: library, assets: assets, templateFiles: files, fingerprint: hash.value)
    }

    /// swift-mustache escapes `{{value}}` one Character at a time through a dictionary, which made escaping
    /// most of a build's time (about 10 µs for a 35-character title). The same five characters are escaped
    /// here by `HTML.attribute`, which skips strings that need nothing; every template is switched to it
    /// with a content-type pragma, so themes need not know.
    private struct FastHTMLContentType: MustacheContentType {
        func escapeText(_ text: String) -> String { HTML.attribute(text) }
    }

    private static let pragma = "{{% CONTENT_TYPE: ARCHBOOK_HTML}}"

    /// swift-mustache keeps content types in a process-wide registry; registering the same type once is harmless.
    private static let registered: Bool = {
        MustacheContentTypes.register(FastHTMLContentType(), named: "ARCHBOOK_HTML")
        return true
    }()

    private static func describe(_ error: Error) -> String {
        switch error as? MustacheTemplate.Error {
        case .sectionCloseNameIncorrect?: return "a section is closed with a different name than it was opened with"
        case .unfinishedName?: return "a tag is not closed with }}"
        case .expectedSectionEnd?: return "a section is never closed"
        case .invalidSetDelimiter?: return "invalid set-delimiter tag"
        default: return "\(error)"
        }
    }

    /// Renders a template with a context of dictionaries, arrays, strings, numbers and booleans, as the UTF-8 bytes
    /// a page is written as (no `String` is made of it).
    public func render(_ template: String, _ context: [String: Any]) -> [UInt8] {
        library.renderBytes(context, withTemplate: template) ?? []
    }
}

/// Template values built once and shared by pages rendered in parallel. They hold only texts, numbers, booleans,
/// and dictionaries and arrays of them, which nothing mutates once built.
struct Shared<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
