import NestNetSupport
import NestingOracle

/// Preprocessor lines: includes, macros, conditional groups (`#if 0` ones holding broken code).
extension CBuilder {
    mutating func include() {
        if w.count > 0 { w.nlBare() }
        if rng.chance(0.6) { w.put("#include <\(rng.pick(Vocabulary.headers))>") }
        else { w.put("#include \"\(rng.pick(Vocabulary.localHeaders))\"") }
    }

    mutating func define() {
        if w.count > 0 { w.nlBare() }
        let name = rng.pick(Vocabulary.macros)
        switch rng.below(9) {
        case 6:
            w.put("#if " + preprocessorCondition(depth: 2)); w.nlBare()
            w.put("#  define \(name) \(rng.int(in: 0...9))"); w.nlBare()
            w.put(rng.chance(0.5) ? "#elif " + preprocessorCondition(depth: 1) : "#else"); w.nlBare()
            w.put("#  define \(name) (\(rng.pick(Vocabulary.macros)) + 1)"); w.nlBare()
            w.put("#endif")
        case 7:
            w.put(rng.pick(["#pragma once", "#pragma GCC diagnostic push", "#undef \(name)",
                            "#error \"\(name) needs a 64-bit platform (see config.h)\"", "#pragma pack(push, 1)",
                            "#include <sys/types.h>  /* size_t (and ssize_t) */"]))
        case 8:
            w.put("#define \(name)(a, b) \\"); w.nlBare()
            w.put("    do { \\"); w.nlBare()
            w.put("        if ((a) != NULL && (b)[0]) { \\"); w.nlBare()
            w.put("            \(rng.pick(Vocabulary.libcCalls))((a), (b)); \\"); w.nlBare()
            w.put("        } \\"); w.nlBare()
            w.put("    } while (0)")
        case 0: w.put("#define \(name) \(rng.int(in: 1...4096))")
        case 1: w.put("#define \(name)(a, b) ((a) > (b) ? (a) : (b))")
        case 2: w.put("#define \(name)(x) (sizeof(x) / sizeof((x)[0]))")
        case 3:
            w.put("#define \(name)(x) do { \\"); w.nlBare()
            w.put("    if (!(x)) { \\"); w.nlBare()
            w.put("        \(rng.pick(["abort()", "return -1", "goto fail"])); \\"); w.nlBare()
            w.put("    } \\"); w.nlBare()
            w.put("} while (0)")
        case 4:
            // Unbalanced brackets inside a directive do not count.
            w.put(rng.pick(["#define BEGIN_DECLS {", "#define END_DECLS }", "#define OPEN_PAREN (",
                            "#define LIST_HEAD(n) struct n {", "#define ARR_END ]"]))
        default: w.put("#define \(name) \(string())")
        }
    }

    /// A run of long function-like macros, as generated container APIs write them (OpenSSL's
    /// `sk_*`, GLib's casts): many lines of inert parentheses, often inside `extern "C" {`,
    /// where the code depth must be held across all of them.
    mutating func defineRun() {
        if w.count > 0 { w.nlBare() }
        let type = rng.pick(["ESS_CERT_ID", "X509_NAME", "node", "GObject", "CONF_VALUE", "entry"])
        let lib = rng.pick(["OPENSSL_sk", "g_list", "uv__queue", "lh"])
        if rng.chance(0.4) { w.put("/* clang-format off */"); w.nlBare() }
        for i in 0..<rng.int(in: 3...28) {
            if i > 0 { w.nlBare() }
            let verb = rng.pick(Vocabulary.verbs)
            switch rng.below(4) {
            case 0: w.put("#define sk_\(type)_\(verb)(sk) \(lib)_\(verb)(ossl_check_const_\(type)_sk_type(sk))")
            case 1: w.put("#define sk_\(type)_\(verb)(sk, idx) ((\(type) *)\(lib)_\(verb)(ossl_check_const_\(type)_sk_type(sk), (idx)))")
            case 2: w.put("#define sk_\(type)_\(verb)(sk, ptr) \(lib)_\(verb)(ossl_check_\(type)_sk_type(sk), ossl_check_\(type)_type(ptr))")
            default: w.put("#define sk_\(type)_\(verb)(cmp) ((STACK_OF(\(type)) *)\(lib)_\(verb)(ossl_check_\(type)_compfunc_type(cmp)))")
            }
        }
        if rng.chance(0.4) { w.nlBare(); w.put("/* clang-format on */") }
    }

    /// A preprocessor condition with nested parentheses, as real headers write them.
    mutating func preprocessorCondition(depth: Int) -> String {
        var parts: [String] = []
        for _ in 0..<rng.int(in: 1...3) {
            let m = rng.pick(Vocabulary.macros)
            switch rng.below(5) {
            case 0: parts.append("defined(\(m))")
            case 1: parts.append("!defined(\(m))")
            case 2: parts.append("(\(m) >= \(rng.int(in: 1...3)))")
            case 3 where depth > 0: parts.append("(" + preprocessorCondition(depth: depth - 1) + ")")
            default: parts.append("defined(_MSC_VER) && _MSC_VER >= 1300")
            }
        }
        return parts.joined(separator: rng.chance(0.7) ? " && " : " || ")
    }

    /// Items wrapped in `#ifdef … [#else …] #endif`.
    mutating func conditionalItems(budget: Int) {
        if w.count > 0 { w.nlBare() }
        let m = rng.pick(Vocabulary.macros)
        if rng.chance(0.35) { w.put("#if " + preprocessorCondition(depth: 2)) } else {
            w.put(rng.pick(["#ifdef ", "#ifndef ", "#if defined(", "#if "]) )
            w.put(w.out.last == 40 ? m + ")" : m)
        }
        w.nlBare()
        topLevelItemSimple(budget: budget / 2)
        if rng.chance(0.5) {
            w.nlBare(); w.put(rng.chance(0.7) ? "#else" : "#elif defined(\(rng.pick(Vocabulary.macros)))"); w.nlBare()
            topLevelItemSimple(budget: budget / 2)
        }
        w.nlBare(); w.put("#endif")
        if rng.chance(0.4) { w.put(" /* \(m) */") }
    }

    /// `#if 0` around code with a bracket error in it: a checker that ignores the directive fails.
    mutating func ifZeroGroup(budget: Int) {
        if w.count > 0 { w.nlBare() }
        w.put(rng.chance(0.8) ? "#if 0" : "#if 0 /* disabled */")
        let depth = w.depth, level = w.level
        let start = w.count
        w.level = 1
        for _ in 0..<rng.int(in: 1...3) where w.count - start < min(200, budget / 2) { statement(budget: min(160, budget / 3)) }
        // Conditionals inside the dead group: its end is the `#endif` at its own depth.
        if conditionalHabits && rng.chance(0.5) { statementGroup(budget: 200) }
        // Break the disabled code: drop one of its brackets.
        let positions = (start..<w.count).filter { Bracket.isBracket(w.out[$0]) }
        if let p = positions.isEmpty ? nil : rng.pick(positions) { w.out.remove(at: p) }
        else { w.nl(); w.put("old_call(x, (y);") }
        w.depth = depth; w.level = level
        if rng.chance(0.3) {
            w.nlBare(); w.put("#else")
            w.level = 1
            statement(budget: 80)
            w.level = level
        }
        w.nlBare(); w.put("#endif")
    }

    mutating func ifdefStatements(budget: Int) {
        w.nlBare()
        let m = rng.pick(Vocabulary.macros)
        w.put(rng.pick(["#ifdef ", "#ifndef ", "#if "]) + m)
        block(budget: min(budget / 2, 160))
        if rng.chance(0.3) { w.nlBare(); w.put("#else"); simpleStatement() }
        w.nlBare(); w.put("#endif")
    }
}
