// Measures how far a YAML text's aliases expand, from libyaml's events, before Yams composes it.

// Yams bundles libyaml as CYaml; its event API is the only way to see aliases before Yams resolves them.
import CYaml

enum YAMLExpansion {
    /// Why a YAML text was refused before composing it.
    struct Excess: Error, Equatable {
        var position: SourcePosition
        var values: Int
    }

    /// Counts the values the text stands for with every alias expanded in full, plus what Yams spends hashing
    /// mapping keys (an alias as a key is hashed in full: "billion laughs" keys hang Yams' duplicate check).
    /// Returns the first place the count passes `budget`. Syntax errors end the count: Yams reports them.
    static func check(_ text: String, budget: Int, lineOffset: Int) -> Excess? {
        // Without an alias (`*`) nothing expands, and a text shorter than the budget holds fewer values than
        // it (every value takes a byte): the second libyaml pass is then spared, as it is for nearly all front matter.
        if text.utf8.count < budget, !text.utf8.contains(UInt8(ascii: "*")) { return nil }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buf -> Excess? in
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buf.baseAddress, buf.count)
            return walk(&parser, budget: budget, lineOffset: lineOffset)
        }
    }

    private struct Frame {
        var anchor: String?
        /// Values in this collection so far, itself included, aliases expanded.
        var size = 1
        var isMapping: Bool
        /// Children finished so far; in a mapping the even ones are keys.
        var children = 0
    }

    private static func walk(_ parser: inout yaml_parser_t, budget: Int, lineOffset: Int) -> Excess? {
        var sizes: [String: Int] = [:]
        var stack: [Frame] = []
        var total = 0
        var event = yaml_event_t()
        while yaml_parser_parse(&parser, &event) == 1 {
            defer { yaml_event_delete(&event) }
            let mark = event.start_mark
            let position = SourcePosition(line: Int(mark.line) + 1 + lineOffset, column: Int(mark.column) + 1)
            var finished: (size: Int, anchor: String?)?
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return nil
            case YAML_SCALAR_EVENT:
                total += 1
                finished = (1, name(event.data.scalar.anchor))
            case YAML_ALIAS_EVENT:
                let size = name(event.data.alias.anchor).flatMap { sizes[$0] } ?? 1
                total += size
                finished = (size, nil)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                total += 1
                let mapping = event.type == YAML_MAPPING_START_EVENT
                let anchor = name(mapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor)
                stack.append(Frame(anchor: anchor, isMapping: mapping))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                if let frame = stack.popLast() { finished = (frame.size, frame.anchor) }
            default:
                break
            }
            if let (size, anchor) = finished {
                if let anchor { sizes[anchor] = size }
                if var parent = stack.popLast() {
                    if parent.isMapping && parent.children % 2 == 0 { total += size }
                    parent.size += size
                    parent.children += 1
                    stack.append(parent)
                }
            }
            if total > budget { return Excess(position: position, values: total) }
        }
        return nil
    }

    private static func name(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        p.map { String(cString: $0) }
    }
}
