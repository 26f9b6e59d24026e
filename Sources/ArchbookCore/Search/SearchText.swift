// How search text becomes index terms: normalising, tokenising and English stemming, mirrored exactly by
// themes/default/assets/archbook-search.js so queries meet the index on the same terms.

import Foundation

public enum SearchText {
    /// Case- and accent-insensitive form: compatibility decomposition, combining marks dropped, lower case.
    /// The script does `s.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()`.
    public static func normalize(_ s: String) -> String {
        if s.utf8.allSatisfy({ $0 < 0x80 }) { return s.lowercased() }
        var scalars = String.UnicodeScalarView()
        for u in s.decomposedStringWithCompatibilityMapping.unicodeScalars {
            switch u.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: continue
            default: scalars.append(u)
            }
        }
        return String(scalars).lowercased()
    }

    /// Words: maximal runs of letters and digits in normalised text, with their order in the text.
    /// The script uses `/[\p{L}\p{N}]+/gu`.
    public static func words(_ s: String) -> [String] {
        var out: [String] = []
        forEachWord(s) { out.append(String(decoding: $0, as: UTF8.self)) }
        return out
    }

    /// `words`, each handed over as its UTF-8 bytes (valid only during the call), in order: indexing looks most
    /// words up without making a String of each.
    static func forEachWord(_ s: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var s = s
        s.withUTF8 { bytes in
            // An ASCII word is lower-cased into this buffer (one longer than it into an array of its own).
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { lowered in
                let n = bytes.count
                var start = -1
                var ascii = true
                var k = 0
                while k <= n {
                    let c: UInt8 = k < n ? bytes[k] : 0x20
                    // A digit or an ASCII letter (either case), with one comparison each.
                    if c &- 0x30 < 10 || (c | 0x20) &- 0x61 < 26 || c >= 0x80 {
                        if start < 0 { start = k }
                        if c >= 0x80 { ascii = false }
                    } else if start >= 0 {
                        let run = UnsafeBufferPointer(rebasing: bytes[start..<k])
                        if ascii {
                            func lower(into out: UnsafeMutableBufferPointer<UInt8>) {
                                for j in 0..<run.count {
                                    let b = run[j]
                                    out[j] = b &- 0x41 < 26 ? b | 0x20 : b
                                }
                                body(UnsafeBufferPointer(rebasing: out[0..<run.count]))
                            }
                            if run.count <= lowered.count {
                                lower(into: lowered)
                            } else {
                                var long = [UInt8](repeating: 0, count: run.count)
                                long.withUnsafeMutableBufferPointer { lower(into: $0) }
                            }
                        } else {
                            for word in slowWords(String(decoding: run, as: UTF8.self)) {
                                var w = String(word)
                                w.withUTF8(body)
                            }
                        }
                        start = -1
                        ascii = true
                    }
                    k += 1
                }
            }
        }
    }

    /// Runs of ASCII punctuation split the text first; a run holding non-ASCII goes through full normalisation.
    static func slowWords(_ s: String) -> [Substring] {
        let text = normalize(s)
        var out: [Substring] = []
        var start: String.Index?
        var i = text.startIndex
        while i < text.endIndex {
            let next = text.unicodeScalars.index(after: i)
            if isWordScalar(text.unicodeScalars[i]) {
                if start == nil { start = i }
            } else if let s = start {
                out.append(text[s..<i])
                start = nil
            }
            i = next
        }
        if let s = start { out.append(text[s..<text.endIndex]) }
        return out
    }

    static func isWordScalar(_ u: Unicode.Scalar) -> Bool {
        if u.value < 0x80 {
            let v = u.value
            return (v >= 0x30 && v <= 0x39) || (v >= 0x61 && v <= 0x7A) || (v >= 0x41 && v <= 0x5A)
        }
        switch u.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }

    /// The index term for a word: its Porter stem when it is plain ASCII letters, otherwise the word itself.
    public static func term(_ word: String) -> String {
        let bytes = Array(word.utf8)
        guard bytes.count > 2, bytes.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return word }
        return PorterStemmer.stem(bytes)
    }
}

/// M. F. Porter's 1980 suffix-stripping algorithm ("An algorithm for suffix stripping", Program 14(3)),
/// the classic English stemmer, with step 1c as in Porter2 (see `step1c`); deploy, deploys, deployed and
/// deployment all become `deploy`.
/// Works on lower-case ASCII letters; the script holds the same steps in the same order.
public enum PorterStemmer {
    public static func stem(_ word: String) -> String { stem(Array(word.utf8)) }

    static func stem(_ input: [UInt8]) -> String {
        guard input.count > 2 else { return String(decoding: input, as: UTF8.self) }
        var w = Word(b: input)
        w.step1a(); w.step1b(); w.step1c(); w.step2(); w.step3(); w.step4(); w.step5()
        return String(decoding: w.b, as: UTF8.self)
    }

    private struct Word {
        var b: [UInt8]

        func isConsonant(_ i: Int) -> Bool {
            switch b[i] {
            case 0x61, 0x65, 0x69, 0x6F, 0x75: return false // a e i o u
            case 0x79: return i == 0 ? true : !isConsonant(i - 1) // y
            default: return true
            }
        }

        /// m(): the number of vowel-consonant sequences in the first `count` letters.
        func measure(_ count: Int) -> Int {
            var n = 0, i = 0
            while i < count && isConsonant(i) { i += 1 }
            while i < count {
                while i < count && !isConsonant(i) { i += 1 }
                if i >= count { break }
                n += 1
                while i < count && isConsonant(i) { i += 1 }
            }
            return n
        }

        func hasVowel(_ count: Int) -> Bool { (0..<count).contains { !isConsonant($0) } }

        func endsDoubleConsonant(_ count: Int) -> Bool {
            count >= 2 && b[count - 1] == b[count - 2] && isConsonant(count - 1)
        }

        /// cvc at the end of the first `count` letters, the last consonant not w, x or y.
        func endsCVC(_ count: Int) -> Bool {
            guard count >= 3, isConsonant(count - 1), !isConsonant(count - 2), isConsonant(count - 3) else { return false }
            let c = b[count - 1]
            return c != 0x77 && c != 0x78 && c != 0x79
        }

        func ends(_ suffix: String) -> Bool {
            let n = suffix.utf8.count
            guard b.count >= n else { return false }
            var i = b.count - n
            for c in suffix.utf8 {
                if b[i] != c { return false }
                i += 1
            }
            return true
        }

        /// Replaces `suffix` by `with` when the stem before it has a measure above `minMeasure`.
        @discardableResult
        mutating func replace(_ suffix: String, _ with: String, ifMeasureAbove minMeasure: Int) -> Bool {
            guard ends(suffix) else { return false }
            let stemLength = b.count - suffix.utf8.count
            if measure(stemLength) > minMeasure {
                b.removeLast(suffix.utf8.count)
                b.append(contentsOf: with.utf8)
            }
            return true
        }

        mutating func step1a() {
            if ends("sses") { b.removeLast(2) }
            else if ends("ies") { b.removeLast(2) }
            else if ends("ss") { }
            else if ends("s") { b.removeLast() }
        }

        mutating func step1b() {
            if ends("eed") {
                if measure(b.count - 3) > 0 { b.removeLast() }
                return
            }
            var removed = false
            if ends("ed"), hasVowel(b.count - 2) { b.removeLast(2); removed = true }
            else if ends("ing"), hasVowel(b.count - 3) { b.removeLast(3); removed = true }
            guard removed else { return }
            if ends("at") || ends("bl") || ends("iz") {
                b.append(0x65)
            } else if endsDoubleConsonant(b.count), ![0x6C, 0x73, 0x7A].contains(b[b.count - 1]) {
                b.removeLast()
            } else if measure(b.count) == 1, endsCVC(b.count) {
                b.append(0x65)
            }
        }

        /// Porter's own rule turns y into i after any vowel in the stem (deploy -> deploi, but deployment ->
        /// deploy); the rule of his later Porter2 keeps words in one piece: only a y after a consonant that is
        /// not the first letter becomes i (happy -> happi, deploy stays).
        mutating func step1c() {
            guard ends("y"), b.count >= 3 else { return }
            switch b[b.count - 2] {
            case 0x61, 0x65, 0x69, 0x6F, 0x75, 0x79: return
            default: b[b.count - 1] = 0x69
            }
        }

        mutating func step2() {
            let rules: [(String, String)] = [
                ("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("izer", "ize"),
                ("abli", "able"), ("alli", "al"), ("entli", "ent"), ("eli", "e"), ("ousli", "ous"),
                ("ization", "ize"), ("ation", "ate"), ("ator", "ate"), ("alism", "al"), ("iveness", "ive"),
                ("fulness", "ful"), ("ousness", "ous"), ("aliti", "al"), ("iviti", "ive"), ("biliti", "ble"),
            ]
            for (suffix, with) in rules where replace(suffix, with, ifMeasureAbove: 0) { return }
        }

        mutating func step3() {
            let rules: [(String, String)] = [
                ("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"), ("ful", ""), ("ness", ""),
            ]
            for (suffix, with) in rules where replace(suffix, with, ifMeasureAbove: 0) { return }
        }

        mutating func step4() {
            let suffixes = ["al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion",
                            "ou", "ism", "ate", "iti", "ous", "ive", "ize"]
            for suffix in suffixes where ends(suffix) {
                let stemLength = b.count - suffix.utf8.count
                if suffix == "ion" {
                    guard stemLength > 0, b[stemLength - 1] == 0x73 || b[stemLength - 1] == 0x74 else { return }
                }
                if measure(stemLength) > 1 { b.removeLast(suffix.utf8.count) }
                return
            }
        }

        mutating func step5() {
            if ends("e") {
                let m = measure(b.count - 1)
                if m > 1 || (m == 1 && !endsCVC(b.count - 1)) { b.removeLast() }
            }
            if measure(b.count) > 1, endsDoubleConsonant(b.count), b[b.count - 1] == 0x6C { b.removeLast() }
        }
    }
}
