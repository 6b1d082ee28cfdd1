import NestNetSupport
import NestingOracle

/// Comments, strings and character literals, which may carry brackets that do not count.
extension CBuilder {
    mutating func comment(block: Bool, doc: Bool) {
        if habit() { habitComment(); return }
        line()
        if block && doc {
            switch rng.below(4) {
            case 3:  // banners: /*****…, ** lines or none, ****…*/ (X11, licence headers)
                banner()
                return
            case 0:  // /** … * … */
                w.put(rng.chance(0.5) ? "/**" : "/*")
                for _ in 0..<rng.int(in: 1...6) { w.nl(); w.put(rng.chance(0.1) ? " *" : " * " + sentence()) }
                w.nl(); w.put(" */")
            case 1:  // prose wrapped over lines with no leading stars, closed on the last line
                w.put("/* " + sentence())
                for _ in 0..<rng.int(in: 1...5) { w.nl(); w.put("   " + sentence()) }
                w.put(rng.chance(0.5) ? " */" : ". */")
            default:  // text starts on the opening line, stars below, closer on its own line
                w.put("/* " + sentence())
                for _ in 0..<rng.int(in: 1...4) { w.nl(); w.put(" * " + sentence()) }
                w.nl(); w.put(" */")
            }
        } else if block {
            w.put("/* "); w.put(sentence()); w.put(" */")
        } else {
            w.put("// "); w.put(sentence())
        }
    }

    /// Banner comments of real headers: an opening rule of stars (or dashes, equals signs),
    /// text lines with `**`, ` *`, `*` or no prefix, blank lines, and a closing rule.
    mutating func banner() {
        let fill = rng.pick(["*", "*", "*", "-", "="])
        let width = rng.int(in: 8...78)
        w.put("/*" + String(repeating: fill, count: width))
        if rng.chance(0.25) { w.put("*/"); if rng.chance(0.5) { return } ; w.nlBare(); w.put("/*") }
        let prefix = rng.pick(["**  ", " * ", "*", "", " ", "\t", "** "])
        for _ in 0..<rng.int(in: 1...14) {
            w.nlBare()
            switch rng.below(6) {
            case 0: w.put(String(prefix.reversed().drop { $0 == " " }.reversed()))
            case 1: w.put(prefix + String(repeating: fill, count: rng.int(in: 4...78)))
            case 2: w.put(prefix + "Copyright (C) \(rng.int(in: 1985...2024)) " + rng.pick(["Sistina Software, Inc.", "The Open Group", "Red Hat, Inc. (all rights reserved)", "the authors [see AUTHORS]"]))
            default: w.put(prefix + sentence())
            }
        }
        w.nlBare()
        switch rng.below(4) {
        case 0: w.put(" */")
        case 1: w.put(String(repeating: fill == "*" ? "*" : fill, count: rng.int(in: 8...78)) + "*/")
        case 2: w.put("*" + String(repeating: fill, count: rng.int(in: 8...78)) + (fill == "*" ? "/" : "*/"))
        default: w.put("**/")
        }
    }

    /// Comment text; with probability `distractorRate` it carries brackets.
    mutating func sentence() -> String {
        var words: [String] = []
        for _ in 0..<rng.int(in: 2...9) { words.append(rng.pick(Vocabulary.words)) }
        if rng.chance(config.distractorRate) {
            for _ in 0..<rng.int(in: 1...2) { words.insert(rng.pick(Vocabulary.brackety), at: rng.below(words.count + 1)) }
        }
        if rng.chance(0.3) { words.insert(rng.pick(Vocabulary.asides), at: rng.below(words.count + 1)) }
        if rng.chance(config.distractorRate * 0.6) { words.insert(rng.pick(Vocabulary.quotedCode), at: rng.below(words.count + 1)) }
        if rng.chance(0.15) { words.insert(rng.pick(["TODO:", "FIXME:", "NOTE:", "XXX"]), at: 0) }
        return words.joined(separator: " ")
    }

    mutating func string() -> String {
        if habit(0.3) { return habitString() }
        var parts: [String] = []
        for _ in 0..<rng.int(in: 1...4) {
            switch rng.below(4) {
            case 0: parts.append(rng.pick(Vocabulary.formats))
            case 1: parts.append(rng.pick(["\\n", "\\t", "\\\"", "\\\\", ": ", " = ", "%s: ", ", ", "can't ", "'%s'", "it's "]))
            default: parts.append(rng.pick(Vocabulary.words))
            }
        }
        if rng.chance(config.distractorRate) { parts.insert(rng.pick(Vocabulary.brackety), at: rng.below(parts.count + 1)) }
        return "\"" + parts.joined(separator: rng.chance(0.5) ? " " : "") + "\""
    }

    mutating func charLiteral() -> String {
        if rng.chance(config.distractorRate) { return rng.pick(["'{'", "'}'", "'('", "')'", "'['", "']'"]) }
        return rng.pick(["'a'", "'\\n'", "'\\0'", "' '", "'/'", "'\\''", "'\"'", "'x'", "'0'", "'\\\\'", "';'"])
    }
}
