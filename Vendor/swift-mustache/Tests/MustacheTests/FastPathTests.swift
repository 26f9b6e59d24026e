//
// This source file is part of the Hummingbird server framework project
// Copyright (c) the Hummingbird authors
//
// See LICENSE.txt for license information
// SPDX-License-Identifier: Apache-2.0
//

// archbook's patch (PATCHES.md): the plain types' fast paths must render exactly what the generic code renders.
// Each case is rendered twice: with the plain values, and with every dictionary and array hidden behind a
// wrapper that the fast paths do not know (so the generic code resolves it). Both must equal the expected
// text, which was also checked against the unpatched 2.1.1.

import Mustache
import XCTest

/// A dictionary the fast paths do not recognise: resolved through `MustacheParent`, as upstream resolves all.
private struct Opaque: MustacheParent, MustacheTransformable {
    let fields: [String: Any]
    func child(named name: String) -> Any? { fields[name].map(hide) }
    func transform(_ name: String) -> Any? { fields.transform(name) }
}

/// An array the fast paths do not recognise (a `ReversedCollection` of the reversed array is the same sequence).
private func hide(_ value: Any) -> Any {
    switch value {
    case let d as [String: Any]: return Opaque(fields: d)
    case let a as [[String: Any]]: return Array(a.map { Opaque(fields: $0) as Any }.reversed()).reversed()
    case let a as [Any]: return Array(a.map(hide).reversed()).reversed()
    case let a as [String]: return Array(a.reversed()).reversed()
    default: return value
    }
}

final class FastPathTests: XCTestCase {
    let context: [String: Any] = [
        "title": "A <b> & \"c\" 'd'",
        "count": 42,
        "yes": true,
        "no": false,
        "empty": [Any](),
        "emptyRows": [[String: Any]](),
        "tags": ["x", "y"],
        "rows": [["name": "one", "n": 1], ["name": "two", "n": 2, "title": "inner"]] as [[String: Any]],
        "mixed": ["s", 3, true, ["n": 4] as [String: Any]] as [Any],
        "person": ["name": "Ada", "address": ["city": "London"]] as [String: Any],
    ]

    func check(_ template: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let t = try MustacheTemplate(string: template)
        XCTAssertEqual(t.render(context), expected, "plain values", file: file, line: line)
        XCTAssertEqual(t.render(hide(context)), expected, "generic path", file: file, line: line)
    }

    func testVariables() throws {
        try check("{{title}}", "A &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;")
        try check("{{{title}}}", "A <b> & \"c\" 'd'")
        try check("{{&title}}", "A <b> & \"c\" 'd'")
        try check("{{count}} {{yes}} {{no}}", "42 true false")
        try check("{{missing}}|{{person.name}}|{{person.address.city}}|{{person.missing}}", "|Ada|London|")
    }

    func testSections() throws {
        try check("{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{^yes}}!Y{{/yes}}{{^no}}!N{{/no}}", "Y!N")
        try check("{{#title}}[{{.}}]{{/title}}", "[A &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;]")
        try check("{{#count}}<{{.}}>{{/count}}{{^count}}none{{/count}}", "<42>")
        try check("{{#person}}{{name}} in {{address.city}}{{/person}}{{^person}}-{{/person}}", "Ada in London")
        try check("{{#rows}}{{name}}={{n}};{{/rows}}", "one=1;two=2;")
        try check("{{#tags}}({{.}}){{/tags}}", "(x)(y)")
        try check("{{#mixed}}<{{n}}>{{/mixed}}{{#mixed}}{{#.}}+{{/.}}{{/mixed}}", "<><><><4>++++")
        try check("{{#empty}}E{{/empty}}{{^empty}}no items{{/empty}}{{#emptyRows}}R{{/emptyRows}}{{^emptyRows}}, no rows{{/emptyRows}}",
                  "no items, no rows")
        try check("{{^rows}}none{{/rows}}{{^tags}}none{{/tags}}{{^title}}none{{/title}}{{^person}}none{{/person}}", "")
    }

    /// Inside a section on a text or number, names are looked up in the enclosing contexts (a text has no children).
    func testNamesClimbPastPlainValues() throws {
        try check("{{#title}}{{count}}{{/title}}", "42")
        try check("{{#count}}{{person.name}}{{/count}}", "Ada")
        try check("{{#rows}}{{#name}}{{title}}{{/name}}|{{/rows}}", "A &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;|inner|")
        try check("{{#tags}}{{count}}{{/tags}}", "4242")
    }

    func testSequenceContextAndTransforms() throws {
        try check("{{#rows}}{{#first()}}first:{{/first()}}{{name}}{{^last()}},{{/last()}}{{/rows}}", "first:one,two")
        try check("{{count(rows)}} {{count(tags)}} {{empty(empty)}} {{empty(rows)}}", "2 2 true false")
        try check("{{#empty(emptyRows)}}nothing{{/empty(emptyRows)}}", "nothing")
        try check("{{uppercased(person.name)}}", "ADA")
    }
}
