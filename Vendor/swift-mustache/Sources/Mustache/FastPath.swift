//
// This source file is part of the Hummingbird server framework project
// Copyright (c) the Hummingbird authors
//
// See LICENSE.txt for license information
// SPDX-License-Identifier: Apache-2.0
//

// archbook's patch (see PATCHES.md): the standard library's plain types resolved by an exact type check.
//
// Every `as? SomeProtocol` on an `Any` asks the runtime's conformance cache, and rendering one `{{name}}` asked
// it up to ten times (custom representation, parent, template, renderable, lambda, optional, sequence...). For
// the types below the answer to each of those questions is known: the library gives them no such conformance.
// They are recognised by comparing type metadata, which costs a pointer comparison, and take the same branch
// the generic code takes for them, so output is unchanged. (A program that adds, say, `MustacheCustomRenderable`
// to `String` itself would see a difference; such retroactive conformances to the library's protocols on
// standard-library types are not supported by this fork.)

enum FastPath {
    /// What a value is, when it is one of the plain types; `nil` otherwise (the generic path decides).
    enum Kind {
        case string(String)
        case int(Int)
        case bool(Bool)
        case dictionary([String: Any])
        case array([Any])
        case dictionaries([[String: Any]])
        case strings([String])
    }

    @inline(__always)
    static func kind(of value: Any) -> Kind? {
        let type = ObjectIdentifier(Swift.type(of: value))
        if type == stringType { return .string(unwrap(value, as: String.self)) }
        if type == dictionaryType { return .dictionary(unwrap(value, as: [String: Any].self)) }
        if type == boolType { return .bool(unwrap(value, as: Bool.self)) }
        if type == dictionariesType { return .dictionaries(unwrap(value, as: [[String: Any]].self)) }
        if type == arrayType { return .array(unwrap(value, as: [Any].self)) }
        if type == intType { return .int(unwrap(value, as: Int.self)) }
        if type == stringsType { return .strings(unwrap(value, as: [String].self)) }
        return nil
    }

    /// The value of an `Any` whose type was just compared to be exactly `T`, copied out of the existential's inline
    /// buffer: `as!` asks the runtime to cast (a few hundred instructions, for every name looked up). All seven types
    /// are at most two words and bitwise takable, which the Swift ABI stores inline, at the start of the buffer.
    @inline(__always)
    static func unwrap<T>(_ value: Any, as: T.Type) -> T {
        assert(MemoryLayout<T>.size <= 3 * MemoryLayout<Int>.size && MemoryLayout<T>.alignment <= MemoryLayout<Int>.alignment)
        var value = value
        return withUnsafeBytes(of: &value) { $0.load(as: T.self) }
    }

    static let stringType = ObjectIdentifier(String.self)
    static let intType = ObjectIdentifier(Int.self)
    static let boolType = ObjectIdentifier(Bool.self)
    static let dictionaryType = ObjectIdentifier([String: Any].self)
    static let arrayType = ObjectIdentifier([Any].self)
    static let dictionariesType = ObjectIdentifier([[String: Any]].self)
    static let stringsType = ObjectIdentifier([String].self)

    /// The generic path's answer for a child named `name` of a plain value: a dictionary's entry; nothing for the
    /// others (their `Mirror` has no children, and none of them is a `MustacheParent` or custom representation).
    @inline(__always)
    static func child(named name: String, of kind: Kind) -> Any? {
        if case .dictionary(let dictionary) = kind { return dictionary[name] }
        return nil
    }

    /// A found value as the context uses it: a custom representation's `representation`; a plain value as it is
    /// (none is a custom representation), without asking the runtime.
    @inline(__always)
    static func represented(_ value: Any) -> Any? {
        if kind(of: value) != nil { return value }
        if let custom = value as? MustacheCustomRepresentation { return custom.representation }
        return value
    }

    /// `{{name}}` and `{{{name}}}` of a plain scalar: `String(describing:)`, as the generic path would give.
    @inline(__always)
    static func text(of kind: Kind) -> String? {
        switch kind {
        case .string(let string): return string
        case .int(let int): return String(int)
        case .bool(let bool): return bool ? "true" : "false"
        default: return nil
        }
    }

    /// A name without dots, the usual case, is its only component; no need to split it.
    @inline(__always)
    static func components(of name: String) -> ArraySlice<String> {
        if !name.isEmpty, !hasDot(name) { return [name][...] }
        return name.split(separator: ".").map { String($0) }[...]
    }

    /// On the string's bytes: `utf8.contains` iterates generically, a dozen instructions a byte.
    static func hasDot(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { bytes in
            for b in bytes where b == UInt8(ascii: ".") { return true }
            return false
        }
    }
}
