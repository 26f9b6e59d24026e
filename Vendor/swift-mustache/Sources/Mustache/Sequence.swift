//
// This source file is part of the Hummingbird server framework project
// Copyright (c) the Hummingbird authors
//
// See LICENSE.txt for license information
// SPDX-License-Identifier: Apache-2.0
//

/// Protocol for objects that can be rendered as a sequence in Mustache
public protocol MustacheSequence: Sequence {}

extension MustacheSequence {
    /// Render section using template
    func renderSection(with template: MustacheTemplate, context: MustacheContext) -> String {
        var bytes: [UInt8] = []
        self.renderSection(with: template, context: context, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    func renderSection(with template: MustacheTemplate, context: MustacheContext, into out: inout [UInt8]) {
        var sequenceContext = MustacheSequenceContext(first: true)

        var iterator = makeIterator()
        guard var currentObject = iterator.next() else { return }

        while let object = iterator.next() {
            template.render(context: context.withSequence(currentObject, sequenceContext: sequenceContext), into: &out)
            currentObject = object
            sequenceContext.first = false
            sequenceContext.index += 1
        }

        sequenceContext.last = true
        template.render(context: context.withSequence(currentObject, sequenceContext: sequenceContext), into: &out)
    }

    /// Render inverted section using template
    func renderInvertedSection(with template: MustacheTemplate, context: MustacheContext) -> String {
        var bytes: [UInt8] = []
        self.renderInvertedSection(with: template, context: context, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    func renderInvertedSection(with template: MustacheTemplate, context: MustacheContext, into out: inout [UInt8]) {
        var iterator = makeIterator()
        if iterator.next() == nil {
            template.render(context: context.withObject(self), into: &out)
        }
    }
}

extension Array: MustacheSequence {}
extension Set: MustacheSequence {}
extension ReversedCollection: MustacheSequence {}
