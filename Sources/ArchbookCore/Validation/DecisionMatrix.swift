// Checks weighted decision matrices: weights must sum to 100% and weighted scores must equal weights × scores.

import Foundation

enum DecisionMatrix {
    struct Number {
        var value: Double
        var decimals: Int
        var percent: Bool
    }

    /// Reads `30%`, `0.3`, `**7.1**`, `7`, `1,5`; nil for anything else.
    static func number(_ text: String) -> Number? {
        // Only ASCII digits, `.`, `,` and `%` can make a number, so bytes answer exactly what
        // Foundation's trimming and replacing would, without their cost on every matrix cell.
        var u = Array(text.utf8)[...]
        func trim(_ isEdge: (UInt8) -> Bool) {
            while let f = u.first, isEdge(f) { u.removeFirst() }
            while let l = u.last, isEdge(l) { u.removeLast() }
        }
        trim { $0 == 0x20 || $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "`") || $0 == UInt8(ascii: "~") }
        var percent = false
        if u.last == UInt8(ascii: "%") {
            percent = true
            u.removeLast()
            trim { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        }
        var digits: [UInt8] = []
        var dots = 0
        for b in u {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits.append(b)
            case UInt8(ascii: "."), UInt8(ascii: ","): digits.append(UInt8(ascii: ".")); dots += 1
            default: return nil
            }
        }
        let s = String(decoding: digits, as: UTF8.self)
        guard !digits.isEmpty, dots <= 1, let v = Double(s) else { return nil }
        let decimals = digits.firstIndex(of: UInt8(ascii: ".")).map { digits.count - $0 - 1 } ?? 0
        return Number(value: v, decimals: decimals, percent: percent)
    }

    static func check(_ tree: MarkdownTree, report: (SourcePosition, String, String?) -> Void) {
        for i in tree.nodes.indices where tree.nodes[i].tag == .table {
            // Only a table with a Weight column is a matrix: read its header row before any other row.
            guard let header = tree.childIndices(of: i).first(where: { _ in true }) else { continue }
            let names = tree.childIndices(of: header).map { tree.plainText($0, trimmed: true) }
            guard let w = names.firstIndex(where: { SectionKey.normalize($0).hasPrefix("weight") }) else { continue }
            let table = MarkdownNode(tree: tree, index: i)
            let rows = table.children.map { $0.children }
            let optionColumns = Array((w + 1)..<names.count)
            guard !optionColumns.isEmpty else { continue }
            var weights: [(Double, [Number?])] = []
            var weightNumbers: [Number] = []
            var totalRow: [MarkdownNode]?
            for row in rows.dropFirst() {
                let first = SectionKey.normalize(row.first?.plainText ?? "")
                if first.contains("weighted") || first == "total" || first == "score" || first == "total score" {
                    totalRow = row
                    continue
                }
                guard row.count > w, let weight = number(row[w].plainText) else { continue }
                weightNumbers.append(weight)
                weights.append((weight.value, optionColumns.map { $0 < row.count ? number(row[$0].plainText) : nil }))
            }
            guard !weights.isEmpty, totalRow != nil || weightNumbers.contains(where: \.percent) else { continue }
            // Weights are percentages when marked so or when they do not look like fractions.
            let asPercent = weightNumbers.contains(where: \.percent) || weights.map(\.0).reduce(0, +) > 1.5
            let fractions = weights.map { asPercent ? $0.0 / 100 : $0.0 }
            let sum = fractions.reduce(0, +)
            if abs(sum - 1) > 1e-6 {
                let shown = asPercent ? shortest(sum * 100) + "%" : shortest(sum)
                report(table.range.start, "decision matrix weights sum to \(shown), not \(asPercent ? "100%" : "1")",
                       "Adjust the weights so that they add up to 100%.")
            }
            guard let totalRow else { continue }
            for (k, col) in optionColumns.enumerated() where col < totalRow.count {
                guard let written = number(totalRow[col].plainText) else { continue }
                var expected = 0.0
                var complete = true
                for (i, (_, scores)) in weights.enumerated() {
                    guard let s = scores[k] else { complete = false; break }
                    expected += fractions[i] * s.value
                }
                guard complete else { continue }
                let tolerance = 0.5 * pow(10, -Double(written.decimals)) + 1e-9
                if abs(written.value - expected) > tolerance {
                    report(totalRow[col].contentStart,
                           "weighted score for '\(names[col])' is \(format(written.value, written.decimals)) but weights × scores give \(format(expected, max(2, written.decimals)))",
                           "Recompute the weighted score: the sum over criteria of weight × score.")
                }
            }
        }
    }

    /// 90 rather than 90.00, 92.5 rather than 92.50.
    static func shortest(_ v: Double) -> String {
        var s = format(v, 3)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    static func format(_ v: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", v)
    }
}
