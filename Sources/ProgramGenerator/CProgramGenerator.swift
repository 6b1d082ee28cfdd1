import NestNetSupport
import NestingOracle

/// Generates C programs (valid nesting by construction, checked by the oracle anyway):
/// includes and macros, structs, enums, tables with nested initializers, functions with
/// if/else, loops, switch, calls with nested arguments, indexing, casts, preprocessor
/// conditionals (including branches that each open the same brace, and `#if 0` groups
/// holding broken code), and strings, chars and comments that contain brackets.
public struct CProgramGenerator: Sendable {
    /// Probability that a comment, string or char literal carries bracket characters.
    public var distractorRate: Double
    /// Deepest code nesting to generate (at least 3).
    public var maxDepth: Int
    /// Probability that a text of at least 1 KB is one whole header wrapped in `extern "C" {`
    /// or a namespace (see `GeneratorOptions.headers`).
    public var headerRate: Double

    public init(distractorRate: Double = 0.35, maxDepth: Int = 64, headerRate: Double = 0) {
        self.distractorRate = distractorRate; self.maxDepth = maxDepth; self.headerRate = headerRate
    }

    /// The shortest text this generator can produce.
    public static let minimumLength = 24

    /// A valid program whose length lies in `minLength...maxLength`, aiming at `target`.
    public func generate(target: Int, minLength: Int, maxLength: Int, rng: inout SeededRandom) -> [UInt8] {
        var b = CBuilder(config: self, rng: rng, target: target)
        let out = b.program(target: target, minLength: minLength, maxLength: maxLength)
        rng = b.rng
        return out
    }
}

/// One program under construction. Budgets are in bytes of output and checked against the
/// writer as it grows, so constructs shrink as the target length comes near.
struct CBuilder {
    let config: CProgramGenerator
    var rng: SeededRandom
    var w: CodeWriter
    /// Per-file naming flavour (`sqlite3_`, `png_`, …).
    let prefix: String
    var declaredLocals: [String] = []
    var loopDepth = 0

    init(config: CProgramGenerator, rng: SeededRandom, target: Int) {
        self.config = config
        var r = rng
        let indent: [UInt8] = [Array("    ".utf8), Array("    ".utf8), Array("  ".utf8), [9]][r.below(4)]
        let newline: [UInt8] = r.chance(0.06) ? [13, 10] : [10]
        w = CodeWriter(indentUnit: indent, newline: newline, allmanBraces: r.chance(0.25), capacity: target + 64)
        prefix = r.pick(Vocabulary.prefixes)
        self.rng = r
    }

    // MARK: Whole programs

    mutating func program(target: Int, minLength: Int, maxLength: Int) -> [UInt8] {
        // Checked first and only when enabled, so texts made without headers keep their streams.
        if config.headerRate > 0 && target >= 1024 && maxLength >= 1024 && rng.chance(config.headerRate) {
            return header(target: target, minLength: minLength, maxLength: maxLength)
        }
        let fragment = target < 400 && rng.chance(0.5)
        if fragment {
            // A window from inside a function: statements at some indentation.
            w.level = rng.int(in: 0...2)
            declaredLocals = (0..<3).map { _ in rng.pick(Vocabulary.locals) }
        }
        var failures = 0
        // The text ends within ±half of the target: an item that ends past target + half is
        // taken back like one past --max-length, and a text that stops short is padded only to
        // target − half. Items overshoot their budgets; keeping them (and padding every text up
        // to its target) piled lengths up at the top of the range: uniform 64–256 gave a mean
        // of 185 and 4× as many texts in 224–255 as in 64–95 (LengthDistributionTests).
        let half = max(8, target / 16)
        let ceiling = min(maxLength, target + half)
        if !fragment && target >= 200 && rng.chance(0.3) {
            // Most real files open with a licence or banner comment.
            if rng.chance(0.6) { banner() } else { comment(block: true, doc: true) }
            if w.count > ceiling { w.truncate(to: 0, depth: 0, level: 0) }
        }
        while w.count < target - half && failures < 8 {
            let mark = w.count, depth = w.depth, level = w.level
            let remaining = target - w.count
            if fragment { statement(budget: remaining) } else { topLevelItem(budget: remaining) }
            if w.count > ceiling || w.depth != depth {
                w.truncate(to: mark, depth: depth, level: level)
                failures += 1
            }
        }
        pad(to: max(minLength, min(target - half, maxLength)))
        return w.out
    }

    /// One whole header file: banner, include guard, includes, then declarations, macros and
    /// comments all inside `extern "C" {` (opened and closed in `#ifdef __cplusplus` blocks) or
    /// a C++ namespace, closed just before the guard's `#endif`. The code depth stays at 1 or
    /// more across nearly the whole text, which a model must hold through long inert stretches.
    mutating func header(target: Int, minLength: Int, maxLength: Int) -> [UInt8] {
        if rng.chance(0.7) {
            if rng.chance(0.6) { banner() } else { comment(block: true, doc: true) }
            w.nlBare()
        }
        let guardName = "_" + prefix.uppercased() + rng.pick(Vocabulary.nouns).uppercased() + rng.pick(["_H", "_H_", "_INCLUDED"])
        if w.count > 0 { w.nlBare() }
        w.put("#ifndef \(guardName)"); w.nlBare(); w.put("#define \(guardName)"); w.nlBare()
        for _ in 0..<rng.int(in: 0...4) { include() }
        w.nlBare()
        let cpp = rng.chance(0.3)
        var namespaces: [String] = []
        var braces = 0
        if cpp {
            for _ in 0..<(rng.chance(0.3) ? 2 : 1) {
                let ns = rng.pick(["v8", "llvm", "node", "icu", "detail", "internal", "util", "std"])
                if !namespaces.isEmpty { w.nlBare() }
                if rng.chance(0.15) { w.put("namespace \(ns) { namespace \(ns)_impl {"); braces += 2 }
                else { w.put("namespace \(ns) {"); braces += 1 }
                namespaces.append(ns)
            }
        } else {
            w.put("#ifdef __cplusplus"); w.nlBare(); w.put("extern \"C\" {"); w.nlBare(); w.put("#endif")
            braces = 1
        }
        w.depth += braces
        let inner = w.depth
        // Room for the closing lines (up to ~120 bytes with CRLF line ends).
        let reserve = 120
        let end = min(target, maxLength) - reserve
        var failures = 0
        while w.count < end - 8 && failures < 8 {
            let mark = w.count, level = w.level
            headerItem(budget: end - w.count, cpp: cpp)
            if w.count > end || w.depth != inner {
                w.truncate(to: mark, depth: inner, level: level)
                failures += 1
            }
        }
        w.nlBare(); w.nlBare()
        if cpp {
            for ns in namespaces.reversed() {
                w.put(rng.chance(0.7) ? "}  // namespace \(ns)" : "}"); w.nlBare()
            }
            // A double namespace opened on one line closes with two braces.
            for _ in 0..<(braces - namespaces.count) { w.put("}"); w.nlBare() }
        } else {
            w.put("#ifdef __cplusplus"); w.nlBare(); w.put(rng.chance(0.4) ? "}  /* extern \"C\" */" : "}"); w.nlBare(); w.put("#endif"); w.nlBare()
        }
        w.depth = 0
        w.nlBare(); w.put(rng.chance(0.6) ? "#endif /* \(guardName) */" : "#endif")
        if w.count > maxLength { w.truncate(to: 0, depth: 0, level: 0); w.put("int x;") }
        pad(to: max(minLength, min(target, maxLength)))
        return w.out
    }

    /// What fills a header: mostly prototypes, macros and documentation comments.
    mutating func headerItem(budget: Int, cpp: Bool) {
        if rng.chance(0.6) { w.nlBare() }
        switch rng.weighted([3.5, 3, 1, 2.5, 1.5, 0.6, 0.7, budget > 300 ? 0.5 : 0, cpp ? 1.5 : 0, 0.5, budget > 300 ? 1 : 0]) {
        case 0: prototype()
        case 1: define()
        case 2: defineRun()
        case 3: comment(block: rng.chance(0.8), doc: rng.chance(0.7))
        case 4: if rng.chance(0.65) { structDef() } else { enumDef() }
        case 5: functionPointerTypedef()
        case 6: conditionalItems(budget: min(budget, 600))
        case 7: function(budget: min(budget, 500))
        case 8: cppItem(budget: min(budget, 800))
        case 10: continuedMacro()
        default: globalVar()
        }
    }

    /// `typedef int (*name_cb)(params);`
    mutating func functionPointerTypedef() {
        line()
        w.put("typedef \(rng.pick(["int", "void", "size_t", "bool"])) "); w.open(40); w.put("*\(rng.pick(Vocabulary.nouns))_cb"); w.close(41)
        parameters(); w.put(";")
    }

    /// Pads with a trailing comment line or blank lines to exactly `length` bytes.
    mutating func pad(to length: Int) {
        while w.count < length {
            let d = length - w.count
            if d >= w.newline.count + 4 {
                w.out.append(contentsOf: w.newline)
                var line = "// "
                while line.utf8.count < d - w.newline.count { line += rng.pick(Vocabulary.words) + " " }
                w.out.append(contentsOf: line.utf8.prefix(d - w.newline.count))
            } else {
                w.put(10)
            }
        }
    }

    mutating func line() { if w.count > 0 { w.nl() } }
    mutating func canOpen(_ n: Int) -> Bool { w.depth + n <= config.maxDepth }

    // MARK: Top level

    mutating func topLevelItem(budget: Int) {
        if w.count > 0 && rng.chance(0.7) { w.nlBare() }
        let small = budget < 120
        let choice = rng.weighted([
            small ? 3 : 1,   // 0 include
            small ? 3 : 1.5, // 1 define
            1,               // 2 comment
            small ? 0.5 : 6, // 3 function
            1.2,             // 4 struct / enum
            1,               // 5 global table
            1,               // 6 prototype / global
            small ? 0 : 0.8, // 7 conditional items
            small ? 0 : 0.5, // 8 shared-brace function
            small ? 0 : 0.4, // 9 #if 0 with broken code
            small ? 0 : 0.6, // 10 extern "C" split across #ifdef __cplusplus
            0.4,             // 11 typedef of a function pointer
            small ? 0 : 0.6, // 12 C++: namespace, class template, lambda
            0.4,             // 13 a run of long function-like macros
            small ? 0 : 0.5, // 14 a macro whose body is code continued over lines
        ])
        switch choice {
        case 0: include()
        case 1: define()
        case 2: comment(block: rng.chance(0.6), doc: rng.chance(0.5))
        case 3: function(budget: budget)
        case 4: if rng.chance(0.65) { structDef() } else { enumDef() }
        case 5: globalTable()
        case 6: if rng.chance(0.5) { prototype() } else { globalVar() }
        case 7: conditionalItems(budget: budget)
        case 8: sharedBraceFunction(budget: budget)
        case 9: ifZeroGroup(budget: budget)
        case 10: externC(budget: budget)
        case 12: cppItem(budget: budget)
        case 13: defineRun()
        case 14: continuedMacro()
        default: functionPointerTypedef()
        }
    }

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
            w.put("#if " + condition(depth: 2)); w.nlBare()
            w.put("#  define \(name) \(rng.int(in: 0...9))"); w.nlBare()
            w.put(rng.chance(0.5) ? "#elif " + condition(depth: 1) : "#else"); w.nlBare()
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
    mutating func condition(depth: Int) -> String {
        var parts: [String] = []
        for _ in 0..<rng.int(in: 1...3) {
            let m = rng.pick(Vocabulary.macros)
            switch rng.below(5) {
            case 0: parts.append("defined(\(m))")
            case 1: parts.append("!defined(\(m))")
            case 2: parts.append("(\(m) >= \(rng.int(in: 1...3)))")
            case 3 where depth > 0: parts.append("(" + condition(depth: depth - 1) + ")")
            default: parts.append("defined(_MSC_VER) && _MSC_VER >= 1300")
            }
        }
        return parts.joined(separator: rng.chance(0.7) ? " && " : " || ")
    }

    mutating func comment(block: Bool, doc: Bool) {
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

    mutating func typeName() -> String { rng.pick(Vocabulary.types) }

    mutating func functionName() -> String {
        let base = rng.pick(Vocabulary.verbs) + "_" + rng.pick(Vocabulary.nouns)
        return prefix.isEmpty ? base : prefix + (rng.chance(0.5) ? "_" : "") + base
    }

    mutating func parameters() {
        w.open(40)
        let n = rng.weighted([1, 2, 3, 2, 1])
        // One parameter per line, as in X11 and many library headers: `f(\n    int a,\n    int b\n    );`
        let perLine = n >= 2 && rng.chance(0.15)
        let indent = rng.pick(["    ", "\t", "  ", "\t\t"])
        if n == 0 { w.put("void") }
        for i in 0..<n {
            if perLine { if i > 0 { w.put(",") }; w.nlBare(); w.put(indent) } else if i > 0 { w.put(", ") }
            let name = rng.pick(Vocabulary.locals)
            switch rng.below(8) {
            case 0: w.put("const char *\(name)")
            case 1: w.put("\(rng.pick(Vocabulary.scalarTypes)) \(name)"); w.open(91); w.close(93)
            case 2 where canOpen(3):
                w.put("void "); w.open(40); w.put("*\(name)"); w.close(41); w.open(40); w.put("void *"); w.close(41)
            default: w.put("\(typeName()) \(name)")
            }
            declaredLocals.append(name)
            if perLine && rng.chance(0.2) { w.put("\t/* \(sentence()) */") }
        }
        if perLine && rng.chance(0.5) { w.nlBare(); w.put(indent) }
        w.close(41)
    }

    mutating func functionHeader() {
        line()
        if rng.chance(0.4) { w.put("static ") }
        if rng.chance(0.1) { w.put("inline ") }
        w.put(rng.pick(["int", "void", "unsigned", "size_t", "char *", "struct node *", "bool", "double", "int"]))
        w.put(" "); w.put(functionName())
        parameters()
    }

    mutating func function(budget: Int) {
        declaredLocals = []
        functionHeader()
        body(budget: max(30, budget - (w.count % 50) - 20))
    }

    /// `{ statements }` filling about `budget` bytes.
    mutating func body(budget: Int) {
        let start = w.count
        w.beginBlock()
        let n = rng.int(in: 1...12)
        var k = 0
        while k < n && w.count - start < budget - 12 {
            statement(budget: budget - (w.count - start) - 6)
            k += 1
        }
        w.endBlock()
    }

    /// The SQLite pattern: each branch opens the same brace, one closer after `#endif`.
    mutating func sharedBraceFunction(budget: Int) {
        declaredLocals = []
        let macro = rng.pick(Vocabulary.macros)
        if w.count > 0 { w.nlBare() }
        w.put(rng.chance(0.5) ? "#ifdef \(macro)" : "#if defined(\(macro)) && \(macro) > 1")
        w.nlBare()
        let depth = w.depth
        functionHeader0()
        w.beginBlock()
        w.depth = depth
        w.level = 0
        w.nlBare(); w.put("#else"); w.nlBare()
        functionHeader0()
        w.beginBlock()
        w.nlBare(); w.put("#endif")
        let start = w.count
        for _ in 0..<rng.int(in: 1...6) where w.count - start < budget / 2 { statement(budget: budget / 3) }
        w.endBlock()
    }

    /// A function header without the leading newline (it follows a directive line).
    mutating func functionHeader0() {
        w.put(rng.pick(["static int", "int", "void", "static void", "SQLITE_PRIVATE int"]))
        w.put(" "); w.put(functionName())
        parameters()
    }

    /// Items wrapped in `#ifdef … [#else …] #endif`.
    mutating func conditionalItems(budget: Int) {
        if w.count > 0 { w.nlBare() }
        let m = rng.pick(Vocabulary.macros)
        if rng.chance(0.35) { w.put("#if " + condition(depth: 2)) } else {
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

    mutating func topLevelItemSimple(budget: Int) {
        switch rng.below(6) {
        case 5: defineRun()
        case 0: define()
        case 1: structDef()
        case 2 where budget > 120: function(budget: budget)
        case 3: prototype()
        default: globalVar()
        }
    }

    /// `#if 0` around code with a bracket error in it: a checker that ignores the directive fails.
    mutating func ifZeroGroup(budget: Int) {
        if w.count > 0 { w.nlBare() }
        w.put(rng.chance(0.8) ? "#if 0" : "#if 0 /* disabled */")
        let depth = w.depth, level = w.level
        let start = w.count
        w.level = 1
        for _ in 0..<rng.int(in: 1...3) where w.count - start < min(200, budget / 2) { statement(budget: min(160, budget / 3)) }
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

    mutating func structDef() {
        line()
        let typedef = rng.chance(0.35)
        let name = rng.pick(Vocabulary.structNames)
        w.put(typedef ? "typedef struct \(name)" : "struct \(name)")
        w.beginBlock()
        for _ in 0..<rng.int(in: 1...6) {
            w.nl()
            let f = rng.pick(Vocabulary.fields)
            switch rng.below(7) {
            case 0: w.put("char \(f)"); w.open(91); w.put(rng.pick(["64", "MAX_LEN", "16", "BUF_SIZE + 1"])); w.close(93); w.put(";")
            case 1 where canOpen(2):
                w.put("void "); w.open(40); w.put("*\(f)"); w.close(41); w.open(40); w.put("void *, int"); w.close(41); w.put(";")
            case 2: w.put("struct \(rng.pick(Vocabulary.structNames)) *\(f);")
            case 3: w.put("unsigned \(f) : \(rng.int(in: 1...8));")
            case 4 where canOpen(3):
                w.put("\(typeName())\(align())*\(f) __attribute__"); w.open(40); w.open(40)
                w.put(rng.pick(["aligned", "packed", "unused", "aligned"]))
                if w.out.suffix(7).elementsEqual("aligned".utf8) { w.open(40); w.put(rng.pick(["8", "16", "64"])); w.close(41) }
                w.close(41); w.close(41); w.put(";")
            default: w.put("\(typeName())\(align())\(f);")
            }
            if rng.chance(0.3) {
                w.put(align())
                switch rng.below(5) {
                case 0, 1: w.put("/* \(sentence()) */")
                case 2: w.put("// \(sentence())")
                default:  // a trailing comment continued on aligned lines
                    let indent = String(repeating: "\t", count: rng.int(in: 2...5))
                    w.put("/* \(sentence())" + (rng.chance(0.5) ? "  " : ""))
                    for _ in 0..<rng.int(in: 1...3) { w.nlBare(); w.put(indent + (rng.chance(0.6) ? " * " : "   ") + sentence()) }
                    w.put(rng.chance(0.5) ? " */" : "\t*/")
                }
            }
        }
        w.endBlock()
        w.put(typedef ? " \(name)_t;" : ";")
    }

    /// Space between a type and a name: one space, or tabs/spaces as in aligned declarations.
    mutating func align() -> String {
        switch rng.below(4) {
        case 0: return "\t"
        case 1: return String(repeating: " ", count: rng.int(in: 2...8))
        default: return " "
        }
    }

    /// C++ as found in headers next to C: a namespace around items, a class template with
    /// access specifiers, initialiser lists and inline members, a lambda. `<>` are not brackets.
    mutating func cppItem(budget: Int) {
        line()
        switch rng.below(3) {
        case 0 where canOpen(1):
            let ns = rng.pick(["detail", "internal", "v8", "llvm", "icu", "node", "util"])
            w.put("namespace \(ns) {"); w.depth += 1
            for _ in 0..<rng.int(in: 1...4) {
                w.nlBare()
                if rng.chance(0.35) { cppItem(budget: budget / 4) } else { topLevelItemSimple(budget: budget / 4) }
            }
            w.nlBare(); w.nlBare(); w.put("}"); w.depth -= 1
            if rng.chance(0.7) { w.put("  // namespace \(ns)") }
        case 1 where canOpen(4):
            let name = rng.pick(["Handle", "Buffer", "Scope", "Vector", "Parser", "Node", "Slot"]) + rng.pick(["", "Impl", "Base", "Ref"])
            if rng.chance(0.6) { w.put("template <typename T" + (rng.chance(0.3) ? ", size_t N = \(rng.int(in: 2...64))" : "") + ">"); w.nl() }
            w.put("class \(name)" + (rng.chance(0.5) ? " : public \(rng.pick(["Object", "Base<T>", "std::enable_shared_from_this<\(name)>"]))" : ""))
            w.beginBlock()
            w.level -= 1; w.nl(); w.put("public:"); w.level += 1
            w.nl(); w.put("explicit \(name)"); w.open(40); w.put("T value"); w.close(41); w.put(" : value_"); w.open(40); w.put("value"); w.close(41); w.put(" "); w.open(123); w.close(125)
            w.nl(); w.put("T get"); w.open(40); w.close(41); w.put(" const "); w.open(123); w.put(" return value_; "); w.close(125)
            if rng.chance(0.5) { w.nl(); w.put("bool operator()"); w.open(40); w.put("const T& other"); w.close(41); w.put(" const;") }
            if rng.chance(0.5) { w.nl(); w.put("static std::unique_ptr<\(name)> create"); w.open(40); w.put("std::vector<std::pair<int, T>>* items"); w.close(41); w.put(";") }
            w.level -= 1; w.nl(); w.put(rng.chance(0.7) ? "private:" : "protected:"); w.level += 1
            w.nl(); w.put("T value_;")
            if rng.chance(0.5) { w.nl(); w.put("std::map<std::string, \(rng.pick(["int", "T", "size_t"]))> \(rng.pick(Vocabulary.fields))_;") }
            if rng.chance(0.3) { w.nl(); w.put("/* \(sentence()) */") }
            w.endBlock(); w.put(";")
        case 2 where canOpen(3):
            let v = rng.pick(Vocabulary.locals)
            w.put("static auto \(v)_cb = [&]"); w.open(40); w.put("int \(v)"); w.close(41); w.put(" "); w.open(123)
            w.put(" return static_cast<int>"); w.open(40); w.put("\(v) \(rng.pick(["+", "*", ">>", "<<"])) \(rng.int(in: 1...9))"); w.close(41); w.put("; ")
            w.close(125); w.put(";")
        default:
            w.put("using \(rng.pick(Vocabulary.nouns))_t = std::vector<\(rng.pick(Vocabulary.scalarTypes))>;")
        }
    }

    /// `extern "C" {` opened and closed in separate `#ifdef __cplusplus` blocks around items.
    mutating func externC(budget: Int) {
        if w.count > 0 { w.nlBare() }
        w.put("#ifdef __cplusplus"); w.nlBare(); w.put("extern \"C\" {"); w.nlBare(); w.put("#endif")
        let depth = w.depth, start = w.count
        // Real headers wrap everything in it: items until most of the budget is used.
        let items = rng.int(in: 1...12)
        for _ in 0..<items where w.count - start < budget * 3 / 4 { w.nlBare(); topLevelItemSimple(budget: budget / 4) }
        w.depth = depth
        w.nlBare(); w.nlBare(); w.put("#ifdef __cplusplus"); w.nlBare(); w.put("}"); w.nlBare(); w.put("#endif")
    }

    mutating func enumDef() {
        line()
        w.put("enum \(rng.pick(Vocabulary.nouns))_kind")
        w.beginBlock()
        let n = rng.int(in: 2...6)
        for i in 0..<n {
            w.nl()
            w.put(rng.pick(Vocabulary.nouns).uppercased() + "_" + rng.pick(Vocabulary.verbs).uppercased())
            if rng.chance(0.3) { w.put(align()); w.put("= "); w.put(rng.chance(0.5) ? "\(i)" : "1 << \(i)") }
            if i < n - 1 || rng.chance(0.4) { w.put(",") }
            if rng.chance(0.15) { w.put(align()); w.put("/* \(sentence()) */") }
        }
        w.endBlock(); w.put(";")
    }

    /// `static const int t[3][2] = { {1, 2}, … };`
    mutating func globalTable() {
        line()
        if rng.chance(0.6) { w.put("static ") }
        if rng.chance(0.5) { w.put("const ") }
        let name = rng.pick(Vocabulary.arrays)
        let twoD = rng.chance(0.4) && canOpen(3)
        w.put("\(rng.pick(Vocabulary.scalarTypes)) \(name)")
        let rows = rng.int(in: 1...5), cols = rng.int(in: 1...4)
        w.open(91); if rng.chance(0.7) { w.put("\(rows)") }; w.close(93)
        if twoD { w.open(91); w.put("\(cols)"); w.close(93) }
        w.put(" = ")
        w.open(123)
        for r in 0..<rows {
            if r > 0 { w.put(",") }
            if rows > 2 { w.level += 1; w.nl(); w.level -= 1 } else if r > 0 { w.put(" ") }
            if twoD {
                w.open(123)
                for c in 0..<cols { if c > 0 { w.put(", ") }; w.put(number()) }
                w.close(125)
            } else { w.put(number()) }
        }
        if rows > 2 { w.nl() }
        w.close(125); w.put(";")
    }

    mutating func prototype() {
        if rng.chance(0.2) { alignedPrototype(); return }
        line()
        if rng.chance(0.3) && canOpen(2) {
            // PyAPI_FUNC(PyObject *) PyFile_New(int);
            w.put(rng.pick(Vocabulary.declMacros)); w.open(40); w.put(rng.pick(["int", "void", "PyObject *", "char *", "size_t"])); w.close(41)
            w.put(" " + functionName())
            parameters(); w.put(";")
            return
        }
        if rng.chance(0.15) && canOpen(3) {
            // X11 style: one parameter per line, names only in comments, and a function that
            // returns a function pointer: `extern int (*XSynchronize(\n Display* /* d */\n))(\n ...\n);`
            let returnsPointer = rng.chance(0.4)
            w.put("extern \(rng.pick(["int", "Status", "char *", "XPointer"])) ")
            if returnsPointer { w.open(40); w.put("*") }
            w.put(functionName()); w.open(40)
            let n = rng.int(in: 1...4)
            for i in 0..<n {
                w.nlBare(); w.put("    " + rng.pick(["Display*", "int", "_Xconst char*", "Atom*", "Bool", "XPointer", "unsigned long"]))
                w.put(rng.pick(["\t\t", "\t", "\t\t\t"]) + "/* \(rng.pick(Vocabulary.locals)) */" + (i < n - 1 ? "," : ""))
            }
            w.nlBare(); w.close(41)
            if returnsPointer {
                w.close(41); w.open(40)
                w.nlBare(); w.put("    Display*\t\t/* display */"); w.nlBare(); w.close(41)
            }
            w.put(";")
            return
        }
        if rng.chance(0.3) { w.put("extern ") }
        w.put(rng.pick(["int", "void", "size_t", "char *", "struct node *"]) + " " + functionName())
        parameters()
        w.put(";")
    }

    mutating func globalVar() {
        line()
        if rng.chance(0.5) { w.put("static ") }
        let name = rng.pick(Vocabulary.locals) + "_" + rng.pick(Vocabulary.nouns)
        switch rng.below(4) {
        case 0: w.put("const char *\(name) = \(string());")
        case 1: w.put("int \(name) = \(number());")
        case 2 where canOpen(2):
            w.put("struct \(rng.pick(Vocabulary.structNames)) \(name) = "); w.open(123)
            w.put(".\(rng.pick(Vocabulary.fields)) = \(number()), .\(rng.pick(Vocabulary.fields)) = ")
            w.put(rng.chance(0.5) ? string() : "NULL"); w.close(125); w.put(";")
        default: w.put("\(typeName()) \(name);")
        }
    }

    // MARK: Statements

    mutating func statement(budget: Int) {
        let roomy = budget > 60 && canOpen(3)
        let choice = rng.weighted([
            10,                 // 0 simple
            roomy ? 3.5 : 0,    // 1 if
            roomy ? 1.8 : 0,    // 2 for
            roomy ? 1 : 0,      // 3 while
            roomy ? 0.4 : 0,    // 4 do-while
            roomy && budget > 140 ? 0.7 : 0, // 5 switch
            roomy ? 0.3 : 0,    // 6 bare block
            1.4,                // 7 comment
            roomy ? 0.4 : 0,    // 8 #ifdef around statements
            roomy && budget > 120 ? 0.12 : 0, // 9 #if 0
            0.15,               // 10 blank line
        ])
        switch choice {
        case 0: simpleStatement()
        case 1: ifStatement(budget: budget)
        case 2: forStatement(budget: budget)
        case 3: whileStatement(budget: budget)
        case 4: doWhile(budget: budget)
        case 5: switchStatement(budget: budget)
        case 6: line(); w.put("{"); w.depth += 1; w.level += 1; block(budget: budget - 10); w.endBlock()
        case 7: comment(block: rng.chance(0.3), doc: false)
        case 8: ifdefStatements(budget: budget)
        case 9: ifZeroGroup(budget: budget)
        default: w.nlBare()
        }
    }

    /// Statements up to `budget` bytes at one more indentation (the caller writes any braces).
    mutating func block(budget: Int) {
        let start = w.count
        let n = rng.int(in: 1...6)
        var k = 0
        while k < n && w.count - start < budget - 10 {
            statement(budget: budget - (w.count - start))
            k += 1
        }
    }

    /// `{ … }` after a control header, or a single unbraced statement.
    mutating func controlBody(budget: Int) {
        if budget < 50 || (rng.chance(0.2) && canOpen(2)) {
            // Unbraced single statement: `if (x) return -1;`
            w.level += 1; w.nl(); simpleStatement(newLine: false); w.level -= 1
            return
        }
        w.beginBlock()
        block(budget: budget - 8)
        w.endBlock()
    }

    mutating func ifStatement(budget: Int) {
        line(); w.put("if "); w.open(40); condition(); w.close(41)
        let split = rng.chance(0.35)
        controlBody(budget: split ? budget / 2 : budget - 16)
        if split {
            var b = budget / 2
            while b > 60 && rng.chance(0.4) && canOpen(2) {
                if w.allmanBraces || w.out.last != 125 { w.nl() } else { w.put(" ") }
                w.put("else if "); w.open(40); condition(); w.close(41)
                controlBody(budget: b / 2); b /= 2
            }
            if w.allmanBraces || w.out.last != 125 { w.nl() } else { w.put(" ") }
            w.put("else")
            controlBody(budget: b)
        }
    }

    mutating func forStatement(budget: Int) {
        line(); w.put("for "); w.open(40)
        let i = rng.pick(["i", "j", "k", "n", "idx"])
        switch rng.below(4) {
        case 0: w.put("\(i) = 0; \(i) < \(rng.pick(Vocabulary.locals)); \(i)++")
        case 1: w.put("int \(i) = 0; \(i) < "); expr(1); w.put("; ++\(i)")
        case 2: w.put("p = head; p != NULL; p = p->next")
        default: w.put(";;")
        }
        w.close(41)
        loopDepth += 1; controlBody(budget: budget - 20); loopDepth -= 1
    }

    mutating func whileStatement(budget: Int) {
        line(); w.put("while "); w.open(40); condition(); w.close(41)
        loopDepth += 1; controlBody(budget: budget - 16); loopDepth -= 1
    }

    mutating func doWhile(budget: Int) {
        line(); w.put("do")
        w.beginBlock(); loopDepth += 1; block(budget: budget - 24); loopDepth -= 1; w.endBlock()
        w.put(" while "); w.open(40); condition(); w.close(41); w.put(";")
    }

    mutating func switchStatement(budget: Int) {
        line(); w.put("switch "); w.open(40); expr(1); w.close(41)
        w.beginBlock()
        let start = w.count
        let cases = rng.int(in: 1...4)
        for c in 0..<cases where w.count - start < budget - 30 {
            w.nl()
            w.put(c == cases - 1 && rng.chance(0.4) ? "default:" : "case \(rng.chance(0.5) ? charLiteral() : rng.pick(Vocabulary.macros)):")
            w.level += 1
            if rng.chance(0.2) && canOpen(2) {
                w.put(" "); w.open(123)
                block(budget: min(120, budget / cases))
                w.nl(); w.close(125)
            } else {
                for _ in 0..<rng.int(in: 1...2) { simpleStatement() }
            }
            w.nl(); w.put(rng.pick(["break;", "break;", "return 0;", "/* fall through */"]))
            w.level -= 1
        }
        w.endBlock()
    }

    mutating func ifdefStatements(budget: Int) {
        w.nlBare()
        let m = rng.pick(Vocabulary.macros)
        w.put(rng.pick(["#ifdef ", "#ifndef ", "#if "]) + m)
        block(budget: min(budget / 2, 160))
        if rng.chance(0.3) { w.nlBare(); w.put("#else"); simpleStatement() }
        w.nlBare(); w.put("#endif")
    }

    mutating func simpleStatement(newLine: Bool = true) {
        if newLine { line() }
        let v = declaredLocals.isEmpty ? rng.pick(Vocabulary.locals) : rng.pick(declaredLocals)
        switch rng.weighted([3, 3, 3, 1.5, 1.2, 1, 0.6, 0.8, 0.4, 0.3]) {
        case 0:  // declaration
            let name = rng.pick(Vocabulary.locals)
            declaredLocals.append(name)
            if rng.chance(0.2) && canOpen(2) {
                w.put("\(rng.pick(Vocabulary.scalarTypes)) \(name)"); w.open(91); w.put(rng.pick(["4", "16", "MAX_LEN", "n + 1"])); w.close(93)
                if rng.chance(0.5) { w.put(" = "); w.open(123); w.put(rng.chance(0.5) ? "0" : "\(number()), \(number())"); w.close(125) }
                w.put(";")
            } else {
                w.put("\(typeName()) \(name)")
                if rng.chance(0.75) { w.put(" = "); expr(2) }
                w.put(";")
            }
        case 1:  // assignment
            lvalue(); w.put(rng.pick([" = ", " = ", " += ", " -= ", " |= ", " &= ", " <<= "])); expr(2); w.put(";")
        case 2:  // call statement
            call(2); w.put(";")
        case 3:  // return
            w.put("return")
            if rng.chance(0.8) { w.put(" "); expr(2) }
            w.put(";")
        case 4:  // printf-style call with a format string
            w.put(rng.pick(["printf", "fprintf", "snprintf", "log_debug", "sqlite3_log"]))
            w.open(40)
            if w.out.suffix(8).elementsEqual("fprintf(".utf8) { w.put("stderr, ") }
            w.put(string())
            for _ in 0..<rng.int(in: 0...2) { w.put(", "); expr(1) }
            w.close(41); w.put(";")
        case 5:  // increment
            w.put(rng.chance(0.5) ? "\(v)++;" : "++\(v);")
        case 6:
            w.put(loopDepth > 0 ? rng.pick(["break;", "continue;"]) : "goto fail;")
        case 7:  // character test
            w.put("if "); w.open(40); w.put("\(v) == \(charLiteral())"); w.close(41)
            w.put(" "); w.put(rng.pick(["return 1;", "\(v)++;", "break;", "continue;"]))
        case 8: w.put("assert"); w.open(40); condition(); w.close(41); w.put(";")
        default: w.put("(void)\(v);")
        }
        if rng.chance(0.06) { w.put(" "); w.put(rng.chance(0.5) ? "/* \(sentence()) */" : "// \(sentence())") }
    }

    // MARK: Expressions

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
        switch rng.weighted([6, 3, 0.5, 0.6, 0.8, 0.5]) {
        case 0: w.put(declaredLocals.isEmpty || rng.chance(0.3) ? rng.pick(Vocabulary.locals) : rng.pick(declaredLocals))
        case 1: w.put(number())
        case 2: w.put(charLiteral())
        case 3: w.put(string())
        case 4: w.put(rng.pick(["NULL", "0", "1", "true", "false", "EOF", "errno", "SIZE_MAX"]))
        default: w.put(rng.pick(Vocabulary.macros))
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
            w.open(91); expr(c - 1); w.close(93)
        }
    }

    mutating func call(_ c: Int) {
        w.put(rng.chance(0.35) ? rng.pick(Vocabulary.libcCalls) : functionName())
        w.open(40)
        let n = rng.weighted([1, 3, 3, 2, 1])
        for i in 0..<n {
            if i > 0 { w.put(", ") }
            expr(c - 1)
        }
        w.close(41)
    }

    mutating func condition() {
        switch rng.below(6) {
        case 0: w.put("!"); atom()
        case 1: expr(1); w.put(rng.pick([" == ", " != ", " < ", " >= ", " > "])); expr(1)
        case 2 where canOpen(2):
            w.open(40); expr(1); w.put(rng.pick([" == ", " != ", " < "])); expr(1); w.close(41)
            w.put(rng.pick([" && ", " || "]))
            w.open(40); expr(1); w.close(41)
        case 3: w.put("\(rng.pick(Vocabulary.locals)) == NULL")
        default: expr(2)
        }
    }

    /// An expression of nesting complexity `c` (each level may add one bracket pair).
    mutating func expr(_ c: Int) {
        guard c > 0, canOpen(1) else { atom(); return }
        switch rng.weighted([3, 2, 1.2, 1, 0.8, 0.9, 0.6, 0.5, 0.4, 0.3]) {
        case 0: atom()
        case 1: expr(c - 1); w.put(rng.pick([" + ", " - ", " * ", " / ", " & ", " | ", " << ", " >> ", " % "])); expr(c - 1)
        case 2: call(c)
        case 3: w.put(rng.pick(Vocabulary.arrays)); index(c)
        case 4: w.open(40); expr(c - 1); w.put(rng.pick([" + 1", " - 1", " * 2", " >> 3", ""])); w.close(41)
        case 5: w.open(40); w.put(rng.pick(["int", "size_t", "char *", "unsigned", "void *", "uint8_t", "double"])); w.close(41); expr(c - 1)
        case 6: lvalue()
        case 7: w.put("sizeof"); w.open(40); w.put(rng.chance(0.5) ? typeName() : "*\(rng.pick(Vocabulary.locals))"); w.close(41)
        case 8: expr(c - 1); w.put(" ? "); expr(c - 1); w.put(" : "); expr(c - 1)
        default: w.put(rng.pick(["!", "-", "~", "*", "&"])); expr(c - 1)
        }
    }
}
