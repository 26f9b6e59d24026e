// Converts diagnostic columns (UTF-8 bytes) into the units each output needs: terminal cells for the
// caret, Unicode code points for SARIF.

enum SourceColumns {
    /// Markdown's tab stop (CommonMark expands tabs to multiples of 4), so excerpts look as the parser saw them.
    static let tabWidth = 4

    /// 0-based index of the character holding UTF-8 byte column `column` (1-based) of `line`. A column inside a
    /// multi-byte character points at that character; past the end it points just after the last character.
    static func characterIndex(ofByteColumn column: Int, in line: String) -> Int {
        let target = max(0, column - 1)
        var bytes = 0
        var index = 0
        for character in line {
            bytes += character.utf8.count
            if bytes > target { return index }
            index += 1
        }
        return index
    }

    /// 1-based code point column for UTF-8 byte column `column` of `line`. Bytes past the end of the line count
    /// one each, so an end-of-line position survives the conversion.
    static func codePointColumn(ofByteColumn column: Int, in line: String) -> Int {
        let target = max(0, column - 1)
        var bytes = 0
        var points = 0
        for scalar in line.unicodeScalars {
            let next = bytes + UTF8.width(scalar)
            if next > target { return points + 1 }
            bytes = next
            points += 1
        }
        return points + 1 + (target - bytes)
    }

    /// The line as a terminal should show it (tabs expanded, control characters made visible) and the number
    /// of cells before the character at `caretIndex`, so the caret can be placed beneath it.
    static func excerpt(_ line: String, caretIndex: Int) -> (text: String, caretOffset: Int) {
        var text = ""
        var cells = 0
        var caretOffset: Int?
        for (index, character) in line.enumerated() {
            if index == caretIndex { caretOffset = cells }
            if character == "\t" {
                let spaces = tabWidth - cells % tabWidth
                text += String(repeating: " ", count: spaces)
                cells += spaces
            } else if isUnsafeForTerminal(character) {
                // Escape sequences or bidi overrides from a document must not restyle or reorder the report.
                text.append("\u{FFFD}")
                cells += 1
            } else {
                text.append(character)
                cells += cellWidth(of: character)
            }
        }
        return (text, caretOffset ?? cells)
    }

    static func isUnsafeForTerminal(_ character: Character) -> Bool {
        character.unicodeScalars.contains { scalar in
            let value = scalar.value
            return value < 0x20 || (0x7F...0x9F).contains(value) || scalar.properties.isBidiControl
        }
    }

    /// Cells a terminal uses for `character`; wide East Asian characters and emoji take two, as in wcwidth.
    private static func cellWidth(of character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        if character.unicodeScalars.count == 1, first.properties.isDefaultIgnorableCodePoint { return 0 }
        if first.properties.isEmojiPresentation || character.unicodeScalars.contains("\u{FE0F}") { return 2 }
        return isWide(first.value) ? 2 : 1
    }

    /// East Asian Wide and Fullwidth blocks (Markus Kuhn's wcwidth table).
    private static func isWide(_ v: UInt32) -> Bool {
        guard v >= 0x1100 else { return false }
        return v <= 0x115F || v == 0x2329 || v == 0x232A
            || (0x2E80...0xA4CF).contains(v) && v != 0x303F
            || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v)
            || (0xFE10...0xFE19).contains(v)
            || (0xFE30...0xFE6F).contains(v)
            || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v)
            || (0x20000...0x2FFFD).contains(v)
            || (0x30000...0x3FFFD).contains(v)
    }
}
