//
// This source file is part of the Hummingbird server framework project
// Copyright (c) the Hummingbird authors
//
// See LICENSE.txt for license information
// SPDX-License-Identifier: Apache-2.0
//

import Foundation

extension MustacheTemplate {
    /// Render template using object
    /// - Parameters:
    ///   - stack: Object
    ///   - context: Context that render is occurring in. Contains information about position in sequence
    ///   - indentation: indentation of partial
    /// - Returns: Rendered text
    func render(context: MustacheContext) -> String {
        var bytes: [UInt8] = []
        self.render(context: context, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `render(context:)` appending the text's UTF-8 to `out`: sections and partials write into their parent's
    /// text instead of returning their own, which was then copied into it (once per level of nesting), and bytes are
    /// appended without the bookkeeping a `String` does on every append.
    func render(context: MustacheContext, into out: inout [UInt8]) {
        var context = context

        if let indentation = context.indentation, indentation != "" {
            // The indentation goes after each line break of this template's own text, so it is rendered apart.
            var own: [UInt8] = []
            for token in tokens {
                var renderedString: [UInt8] = []
                self.renderToken(token, context: &context, into: &renderedString)
                // if rendered string is not empty and we are on a new line
                if !renderedString.isEmpty, own.last == 0x0A {
                    own.append(contentsOf: indentation.utf8)
                }
                own.append(contentsOf: renderedString)
            }
            out.append(contentsOf: own)
        } else {
            for i in tokens.indices {
                self.renderToken(tokens[i], context: &context, into: &out)
            }
        }
    }

    func renderToken(_ token: Token, context: inout MustacheContext, into out: inout [UInt8]) {
        switch token {
        case .text(let text):
            out.append(contentsOf: text.utf8)

        case .variable(let variable, let transforms):
            if let child = getChild(named: variable, transforms: transforms, context: context) {
                if let plain = FastPath.kind(of: child), let text = FastPath.text(of: plain) {
                    out.append(contentsOf: context.contentType.escapeText(text).utf8)
                } else if let template = child as? MustacheTemplate {
                    template.render(context: context, into: &out)
                } else if let renderable = child as? MustacheCustomRenderable {
                    out.append(contentsOf: context.contentType.escapeText(renderable.renderText).utf8)
                } else if let lambda = child as? MustacheLambda {
                    out.append(contentsOf: self.renderLambda(lambda, parameter: "", context: context).utf8)
                } else {
                    out.append(contentsOf: context.contentType.escapeText(String(describing: unwrapIfAnyContainsOptional(child))).utf8)
                }
            }

        case .unescapedVariable(let variable, let transforms):
            if let child = getChild(named: variable, transforms: transforms, context: context) {
                if let plain = FastPath.kind(of: child), let text = FastPath.text(of: plain) {
                    out.append(contentsOf: text.utf8)
                } else if let renderable = child as? MustacheCustomRenderable {
                    out.append(contentsOf: renderable.renderText.utf8)
                } else if let lambda = child as? MustacheLambda {
                    out.append(contentsOf: self.renderUnescapedLambda(lambda, parameter: "", context: context).utf8)
                } else {
                    out.append(contentsOf: String(describing: unwrapIfAnyContainsOptional(child)).utf8)
                }
            }

        case .section(let variable, let transforms, let template):
            let child = self.getChild(named: variable, transforms: transforms, context: context)
            if let child, let plain = FastPath.kind(of: child) {
                self.renderSection(plain, child, with: template, context: context, into: &out)
            } else if let lambda = child as? MustacheLambda {
                out.append(contentsOf: self.renderUnescapedLambda(lambda, parameter: template.text, context: context).utf8)
            } else {
                out.append(contentsOf: self.renderSection(child, with: template, context: context).utf8)
            }

        case .invertedSection(let variable, let transforms, let template):
            let child = self.getChild(named: variable, transforms: transforms, context: context)
            if let child, let plain = FastPath.kind(of: child) {
                self.renderInvertedSection(plain, child, with: template, context: context, into: &out)
            } else {
                out.append(contentsOf: self.renderInvertedSection(child, with: template, context: context).utf8)
            }

        case .blockExpansion(let name, let defaultTemplate, let indented):
            if let override = context.inherited?[name] {
                override.render(context: context.withBlockExpansion(indented: indented), into: &out)
            } else {
                defaultTemplate.render(context: context.withBlockExpansion(indented: indented), into: &out)
            }

        case .partial(let name, let indentation, let overrides):
            if var template = context.library?.getTemplate(named: name) {
                #if DEBUG
                if context.reloadPartials {
                    guard let filename = template.filename else {
                        preconditionFailure("Can only use reload if template was generated from a file")
                    }
                    do {
                        guard let partialTemplate = try MustacheTemplate(filename: filename) else {
                            out.append(contentsOf: "Cannot find template at \(filename)".utf8)
                            return
                        }
                        template = partialTemplate
                    } catch {
                        out.append(contentsOf: "\(error)".utf8)
                        return
                    }
                }
                #endif
                template.render(context: context.withPartial(indented: indentation, inheriting: overrides), into: &out)
            }

        case .dynamicNamePartial(let name, let indentation, let overrides):
            let child = self.getChild(named: name, transforms: [], context: context)
            guard let childName = child as? String else {
                return
            }
            if var template = context.library?.getTemplate(named: childName) {
                #if DEBUG
                if context.reloadPartials {
                    guard let filename = template.filename else {
                        preconditionFailure("Can only use reload if template was generated from a file")
                    }
                    do {
                        guard let partialTemplate = try MustacheTemplate(filename: filename) else {
                            out.append(contentsOf: "Cannot find template at \(filename)".utf8)
                            return
                        }
                        template = partialTemplate
                    } catch {
                        out.append(contentsOf: "\(error)".utf8)
                        return
                    }
                }
                #endif
                template.render(context: context.withPartial(indented: indentation, inheriting: overrides), into: &out)
            }

        case .contentType(let contentType):
            context = context.withContentType(contentType)

        case .blockDefinition:
            fatalError("Should not be rendering block definitions")
        }
    }

    /// Render a section
    /// - Parameters:
    ///   - child: Object to render section for
    ///   - parent: Current object being rendered
    ///   - template: Template to render with
    /// - Returns: Rendered text
    func renderSection(_ child: Any?, with template: MustacheTemplate, context: MustacheContext) -> String {
        switch child {
        case let array as any MustacheSequence:
            return array.renderSection(with: template, context: context)
        case let bool as Bool:
            return bool ? template.render(context: context) : ""
        case let null as MustacheCustomRenderable where null.isNull == true:
            return ""
        case .some(let value):
            return template.render(context: context.withObject(value))
        case .none:
            return ""
        }
    }

    /// `renderSection` for a plain value (see FastPath): the branch the generic code takes for its type.
    func renderSection(_ plain: FastPath.Kind, _ child: Any, with template: MustacheTemplate, context: MustacheContext,
                       into out: inout [UInt8]) {
        switch plain {
        case .bool(let bool): if bool { template.render(context: context, into: &out) }
        case .array(let array): array.renderSection(with: template, context: context, into: &out)
        case .dictionaries(let array): array.renderSection(with: template, context: context, into: &out)
        case .strings(let array): array.renderSection(with: template, context: context, into: &out)
        case .string, .int, .dictionary: template.render(context: context.withObject(child), into: &out)
        }
    }

    /// `renderInvertedSection` for a plain value (see FastPath).
    func renderInvertedSection(_ plain: FastPath.Kind, _ child: Any, with template: MustacheTemplate, context: MustacheContext,
                               into out: inout [UInt8]) {
        switch plain {
        case .bool(let bool): if !bool { template.render(context: context, into: &out) }
        case .array(let array): array.renderInvertedSection(with: template, context: context, into: &out)
        case .dictionaries(let array): array.renderInvertedSection(with: template, context: context, into: &out)
        case .strings(let array): array.renderInvertedSection(with: template, context: context, into: &out)
        case .string, .int, .dictionary: break
        }
    }

    /// Render an inverted section
    /// - Parameters:
    ///   - child: Object to render section for
    ///   - parent: Current object being rendered
    ///   - template: Template to render with
    /// - Returns: Rendered text
    func renderInvertedSection(_ child: Any?, with template: MustacheTemplate, context: MustacheContext) -> String {
        switch child {
        case let array as any MustacheSequence:
            return array.renderInvertedSection(with: template, context: context)
        case let bool as Bool:
            return bool ? "" : template.render(context: context)
        case let null as MustacheCustomRenderable where null.isNull == true:
            return template.render(context: context)
        case .some:
            return ""
        case .none:
            return template.render(context: context)
        }
    }

    func renderLambda(_ lambda: MustacheLambda, parameter: String, context: MustacheContext) -> String {
        var lambda = lambda
        while true {
            guard let result = lambda(parameter) else { return "" }
            if let string = result as? String {
                do {
                    let newTemplate = try MustacheTemplate(string: context.contentType.escapeText(string))
                    return self.renderSection(context.stack.last, with: newTemplate, context: context)
                } catch {
                    return ""
                }
            } else if let lambda2 = result as? MustacheLambda {
                lambda = lambda2
                continue
            } else {
                return context.contentType.escapeText(String(describing: unwrapIfAnyContainsOptional(result)))
            }
        }
    }

    func renderUnescapedLambda(_ lambda: MustacheLambda, parameter: String, context: MustacheContext) -> String {
        var lambda = lambda
        while true {
            guard let result = lambda(parameter) else { return "" }
            if let string = result as? String {
                do {
                    let newTemplate = try MustacheTemplate(string: string)
                    return self.renderSection(context.stack.last, with: newTemplate, context: context)
                } catch {
                    return ""
                }
            } else if let lambda2 = result as? MustacheLambda {
                lambda = lambda2
                continue
            } else {
                return String(describing: unwrapIfAnyContainsOptional(result))
            }
        }
    }

    /// Get child object from variable name
    func getChild(named name: String, transforms: [String], context: MustacheContext) -> Any? {
        func _getImmediateChild(named name: String, from object: Any) -> Any? {
            if let plain = FastPath.kind(of: object) { return FastPath.child(named: name, of: plain) }
            let child = {
                let object: Any? =
                    if let custom = object as? MustacheCustomRepresentation {
                        custom.representation
                    } else {
                        object
                    }
                if let customBox = object as? MustacheParent {
                    return customBox.child(named: name)
                } else if let object {
                    let mirror = Mirror(reflecting: object)
                    return mirror.getValue(forKey: name)
                } else {
                    return nil
                }
            }()
            return child
        }

        func _getChild(named names: ArraySlice<String>, from object: Any) -> Any? {
            guard let name = names.first else { return object }
            var object = object
            if let lambda = object as? MustacheLambda {
                guard let result = lambda("") else { return nil }
                object = result
            }
            guard let childObject = _getImmediateChild(named: name, from: object) else { return nil }
            let names2 = names.dropFirst()
            return _getChild(named: names2, from: childObject)
        }

        func _getChildInStack(named names: ArraySlice<String>, from stack: [Any]) -> Any? {
            guard let name = names.first else { return stack.last }
            for object in stack.reversed() {
                if let childObject = _getImmediateChild(named: name, from: object) {
                    let names2 = names.dropFirst()
                    return _getChild(named: names2, from: childObject)
                }
            }
            return nil
        }

        // work out which object to access. "." means the current object, if the variable name is ""
        // and we have a transform to run on the variable then we need the context object, otherwise
        // the name is split by "." and we use mirror to get the correct child object. If we cannot find
        // the root object we look up the context stack until we can find one with a matching name. The
        // stack climbing can be disabled by prefixing the variable name with a "."
        // A plain name (no dot, no transform), the usual case, climbs the stack here: no split, no array of
        // components, dictionaries read directly (FastPath). Any other object takes the generic path below.
        if transforms.isEmpty, !name.isEmpty, !FastPath.hasDot(name) {
            for object in context.stack.reversed() {
                if let value = _getImmediateChild(named: name, from: object) { return FastPath.represented(value) }
            }
            return nil
        }

        var child: Any?
        if name == "." {
            child = context.stack.last!
        } else if name == "", !transforms.isEmpty {
            child = context.sequenceContext
        } else if name.first == "." {
            let nameSplit = name.split(separator: ".").map { String($0) }
            child = _getChild(named: nameSplit[...], from: context.stack.last!)
        } else {
            child = _getChildInStack(named: FastPath.components(of: name), from: context.stack)
        }

        child = child.flatMap(FastPath.represented)

        // skip transforms if child is already nil
        guard var child else {
            return nil
        }

        // if we want to run a transform and the current child can have transforms applied to it then
        // run transform on the current child
        for transform in transforms.reversed() {
            if let runnable = child as? MustacheTransformable,
                let transformed = runnable.transform(transform)
            {
                child = transformed
                continue
            }

            // return nil if transform is unsuccessful or has returned nil
            return nil
        }
        return child
    }

    private func unwrapIfAnyContainsOptional(_ value: Any) -> Any {
        guard let opt = value as? AnyOptional else { return value }
        return opt.anyWrapped ?? value  // nil? keep the original Optional.none
    }
}
