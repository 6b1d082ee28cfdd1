import NestNetSupport
import NestingOracle

/// Expressions with nested calls, indexing, casts and parentheses.
extension CBuilder {
    mutating func number() -> String {
        switch rng.below(8) {
        case 0: return "0x" + String(rng.below(65536), radix: 16, uppercase: rng.chance(0.5))
        case 1: return "\(rng.below(100))u"
        case 2: return "\(rng.below(1000)).\(rng.below(100))"
        case 3: return "-\(rng.below(10) + 1)"
        case 4: return "\(rng.pick(["1", "2", "8", "16", "64", "255", "1024"]))"
        default: return "\(rng.below(64))"
        }
    }

    mutating func atom() {
        switch rng.draw(AtomConstruct.self, weight: \.weight) {
        case .variable: w.put(declaredLocals.isEmpty || rng.chance(0.3) ? rng.pick(Vocabulary.locals) : rng.pick(declaredLocals))
        case .number: w.put(number())
        case .charLiteral: w.put(charLiteral())
        case .string: w.put(string())
        case .constant: w.put(rng.pick(["NULL", "0", "1", "true", "false", "EOF", "errno", "SIZE_MAX"]))
        case .macro: w.put(rng.pick(Vocabulary.macros))
        }
    }

    mutating func lvalue() {
        let v = declaredLocals.isEmpty ? rng.pick(Vocabulary.locals) : rng.pick(declaredLocals)
        switch rng.below(5) {
        case 0 where canOpen(1): w.put(rng.pick(Vocabulary.arrays)); index(1)
        case 1: w.put("\(v)->\(rng.pick(Vocabulary.fields))")
        case 2 where canOpen(1):
            w.put("\(v)->\(rng.pick(Vocabulary.fields))"); index(1)
            if rng.chance(0.3) { w.put(".\(rng.pick(Vocabulary.fields))") }
        case 3: w.put("*\(v)")
        default: w.put(v)
        }
    }

    mutating func index(_ c: Int) {
        let dims = rng.chance(0.2) ? 2 : 1
        for _ in 0..<dims where canOpen(1) {
            w.open(.square); expr(c - 1); w.close(.square)
        }
    }

    mutating func call(_ c: Int) {
        w.put(rng.chance(0.35) ? rng.pick(Vocabulary.libcCalls) : functionName())
        w.open(.paren)
        let n = rng.weighted([1, 3, 3, 2, 1])
        for i in 0..<n {
            if i > 0 { w.put(", ") }
            if habit(0.05) { w.put(inlineTag()) }
            expr(c - 1)
        }
        w.close(.paren)
    }

    mutating func comparison() {
        switch rng.below(6) {
        case 0: w.put("!"); atom()
        case 1: expr(1); w.put(rng.pick([" == ", " != ", " < ", " >= ", " > "])); expr(1)
        case 2 where canOpen(2):
            w.open(.paren); expr(1); w.put(rng.pick([" == ", " != ", " < "])); expr(1); w.close(.paren)
            w.put(rng.pick([" && ", " || "]))
            w.open(.paren); expr(1); w.close(.paren)
        case 3: w.put("\(rng.pick(Vocabulary.locals)) == NULL")
        default: expr(2)
        }
    }

    /// An expression of nesting complexity `c` (each level may add one bracket pair).
    mutating func expr(_ c: Int) {
        guard c > 0, canOpen(1) else { atom(); return }
        switch rng.draw(ExpressionConstruct.self, weight: \.weight) {
        case .atom: atom()
        case .binary:
            expr(c - 1)
            if habit(0.3) {  // unspaced, as much real code writes it: `38400/200`, `this/(`, `u/1000]`
                let at = w.count
                w.put(rng.pick(["/", "/", "/", "*", "-", "+", "%"])); expr(c - 1)
                // `a/` then `*p` or `/x` would open a comment: keep one space there.
                if w.out[at] == UInt8(ascii: "/") && at + 1 < w.count && (w.out[at + 1] == UInt8(ascii: "*") || w.out[at + 1] == UInt8(ascii: "/")) {
                    w.out.insert(32, at: at + 1)
                }
            } else {
                w.put(rng.pick([" + ", " - ", " * ", " / ", " & ", " | ", " << ", " >> ", " % "])); expr(c - 1)
            }
        case .call: call(c)
        case .index: w.put(rng.pick(Vocabulary.arrays)); index(c)
        case .parenthesised: w.open(.paren); expr(c - 1); w.put(rng.pick([" + 1", " - 1", " * 2", " >> 3", ""])); w.close(.paren)
        case .cast: w.open(.paren); w.put(rng.pick(["int", "size_t", "char *", "unsigned", "void *", "uint8_t", "double"])); w.close(.paren); expr(c - 1)
        case .lvalue: lvalue()
        case .sizeOf: w.put("sizeof"); w.open(.paren); w.put(rng.chance(0.5) ? typeName() : "*\(rng.pick(Vocabulary.locals))"); w.close(.paren)
        case .conditional: expr(c - 1); w.put(" ? "); expr(c - 1); w.put(" : "); expr(c - 1)
        case .unary: w.put(rng.pick(["!", "-", "~", "*", "&"])); expr(c - 1)
        }
    }
}
