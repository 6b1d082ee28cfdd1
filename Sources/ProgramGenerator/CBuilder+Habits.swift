import NestNetSupport
import NestingOracle

/// Comments and strings written the way people write them (`GeneratorOptions.habits`): the
/// lexical habits that trip a model trained on the generator's tidy `/* text */` (issue 12).
/// The shipped model's step head takes the code after each of these for comment or string:
/// `/*opt =*/ getopt32(`, `/*if (x)*/ {`, an empty `//` line, `"+""n:"`, quotes inside a
/// comment. Every function here draws only when `habitRate > 0`, so data made without
/// habits keeps its streams.
extension CBuilder {
    /// Whether to write this comment, string or call with a habit.
    mutating func habit(_ scale: Double = 1) -> Bool {
        config.habitRate > 0 && rng.chance(config.habitRate * scale)
    }

    /// Code as people comment it out: often unbalanced, sometimes with strings.
    mutating func commentedCode() -> String {
        let v = rng.pick(Vocabulary.locals), f = rng.pick(Vocabulary.libcCalls)
        switch rng.below(14) {
        case 0: return "}"
        case 1: return "{"
        case 2: return "} else {"
        case 3: return "if (\(v)) {"
        case 4: return "\(f)(\(v), \(rng.pick(Vocabulary.locals)));"
        case 5: return "{SIG\(rng.pick(["SEGV", "USR2", "HUP", "PIPE"])), \"\(rng.pick(["SEGV", "USR2", "HUP", "PIPE"]))\"},"
        case 6: return "int \(v) = (\(rng.pick(Vocabulary.locals)) != \(v)) || (\(v) == 0);"
        case 7: return "return (-1);"
        case 8: return "printf(\"%s\\n\", \(v));"
        case 9: return "\(v)[\(rng.pick(Vocabulary.locals))] = 0;"
        case 10: return "for (i = 0; i < n; i++) {"
        case 11: return "))"
        case 12: return rng.pick(Vocabulary.quotedCode)
        default: return "\(v) = \(f)(\(v)"
        }
    }

    /// A short tag for an unspaced inline comment: `/*NULL,*/`, `/*const*/`, `/*opt =*/`.
    mutating func commentTag() -> String {
        switch rng.below(7) {
        case 0: return rng.pick(["NULL,", "const", "unused", "inline", "static", "0,", "void", "x", "", "*", "fallthrough"])
        case 1: return rng.pick(Vocabulary.locals) + rng.pick([" =", "=", ",", ""])
        case 2: return "if (\(rng.pick(Vocabulary.locals)))"
        case 3: return rng.pick(Vocabulary.locals) + "->" + rng.pick(Vocabulary.fields)
        case 4: return ",uint64_t off"
        case 5: return "lp"
        default: return rng.pick(Vocabulary.words)
        }
    }

    /// A line of comment with one of real code's habits, in place of `comment`'s tidy forms.
    mutating func habitComment() {
        line()
        switch rng.below(9) {
        case 0:  // empty `//` lines between `//` lines, and rules
            let n = rng.int(in: 1...3)
            for i in 0..<n {
                if i > 0 { w.nl() }
                switch rng.below(3) {
                case 0: w.put("//")
                case 1: w.put("// " + rng.pick(Vocabulary.words).uppercased() + " " + String(repeating: rng.pick(["-", "=", "*"]), count: rng.int(in: 3...40)))
                default: w.put("//" + (rng.chance(0.5) ? " " : "") + sentence())
                }
            }
        case 1, 2:  // code commented out, with `//` or an unspaced block
            if rng.chance(0.6) { w.put("//" + (rng.chance(0.5) ? "" : rng.pick([" ", "\t"])) + commentedCode()) }
            else { w.put("/*" + commentedCode() + "*/") }
        case 3:  // unspaced block comment
            w.put("/*" + sentence() + "*/")
        case 4:  // quotes inside a comment, over lines
            w.put("/* \"\(rng.pick(Vocabulary.words)) -s A/B/\" is \(rng.pick(Vocabulary.words))")
            w.nl(); w.put(" * \"\(rng.pick(Vocabulary.words)) A/B/ C\", not \"\(rng.pick(Vocabulary.words))\"")
            w.nl(); w.put(" */")
        case 5:  // slashes, stars and a lone quote or apostrophe inside comments
            let body = rng.pick(["see /proc/self/mountinfo", "http://example.org/a/b", "a // b", "a /* b", "don't", "it's '@' or '\"'",
                                 "the \" char", "x/y*z", "**", "/ * not an end * /", "returns '{'", "path \"/\""])
            if rng.chance(0.5) { w.put("// " + body + " " + sentence()) }
            else { w.put("/* " + sentence() + " " + body); if rng.chance(0.5) { w.nl(); w.put(" * " + sentence()) }; w.put(rng.chance(0.5) ? " */" : "*/") }
        case 6:  // empty and star-only block comments
            w.put(rng.pick(["/**/", "/***/", "/* */", "/*-*/", "/***************/"]))
        case 7:  // a `//` comment that ends in `*/`-like text, and one that holds a block opener
            w.put(rng.pick(["// end of block */", "// /* not a block", "//*/", "//* note"]))
        default:  // a trailing `//` on the same line as the comment opener's text
            w.put("/* " + sentence() + " */ // " + sentence())
        }
    }

    /// A string literal as people write them: adjacent literals, slashes, stars, quotes.
    mutating func habitString() -> String {
        switch rng.below(8) {
        case 0: return "\"+\"\"n:+c:+p:+t\""
        case 1: return "\"" + rng.pick(["/", "//", "/*", "*/", "http://", "\\\\", "*", "'", "\\\"", ":RN"]) + "\""
        case 2: return "\"\(rng.pick(Vocabulary.words))\"\"\(rng.pick(Vocabulary.words)):\""
        case 3: return "\"\""
        case 4: return "\"\(rng.pick(Vocabulary.words))\" \"\(rng.pick(["(", ")", "{", "}", "[", "]", "/*", "*/", "//"]))\""
        case 5: return "\"" + rng.pick(Vocabulary.words) + "(): %s\""
        default: return "\"/" + (0..<rng.int(in: 1...3)).map { _ in rng.pick(Vocabulary.words) }.joined(separator: "/") + "\""  // a path (6, 7)
        }
    }

    /// An unspaced inline comment before an argument or a statement: `/*NULL,*/ `.
    mutating func inlineTag() -> String {
        "/*" + commentTag() + "*/" + (rng.chance(0.7) ? " " : "")
    }
}
