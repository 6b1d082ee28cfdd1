import NestNetSupport
import NestingOracle

/// Declarations: functions, structs, enums, tables with nested initialisers, prototypes, globals.
extension CBuilder {
    mutating func typeName() -> String { rng.pick(Vocabulary.types) }

    mutating func functionName() -> String {
        let base = rng.pick(Vocabulary.verbs) + "_" + rng.pick(Vocabulary.nouns)
        return prefix.isEmpty ? base : prefix + (rng.chance(0.5) ? "_" : "") + base
    }

    mutating func parameters() {
        w.open(.paren)
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
            case 1: w.put("\(rng.pick(Vocabulary.scalarTypes)) \(name)"); w.open(.square); w.close(.square)
            case 2 where canOpen(3):
                w.put("void "); w.open(.paren); w.put("*\(name)"); w.close(.paren); w.open(.paren); w.put("void *"); w.close(.paren)
            default: w.put("\(typeName()) \(name)")
            }
            declaredLocals.append(name)
            if perLine && rng.chance(0.2) { w.put("\t/* \(sentence()) */") }
        }
        if perLine && rng.chance(0.5) { w.nlBare(); w.put(indent) }
        w.close(.paren)
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

    mutating func structDef() {
        line()
        let typedef = rng.chance(0.35)
        let name = rng.pick(Vocabulary.structNames)
        w.put(typedef ? "typedef struct \(name)" : "struct \(name)")
        w.beginBlock()
        for _ in 0..<rng.int(in: 1...6) {
            if habit(0.3) {  // an offset comment at the line's start: `/* 0x98 */\tuint8_t s_uuid[16];`
                w.nlBare(); w.put("/* 0x" + String(rng.below(4096), radix: 16) + " */" + rng.pick(["\t", " ", "  "]))
            } else {
                w.nl()
            }
            let f = rng.pick(Vocabulary.fields)
            switch rng.below(7) {
            case 0: w.put("char \(f)"); w.open(.square); w.put(rng.pick(["64", "MAX_LEN", "16", "BUF_SIZE + 1"])); w.close(.square); w.put(";")
            case 1 where canOpen(2):
                w.put("void "); w.open(.paren); w.put("*\(f)"); w.close(.paren); w.open(.paren); w.put("void *, int"); w.close(.paren); w.put(";")
            case 2: w.put("struct \(rng.pick(Vocabulary.structNames)) *\(f);")
            case 3: w.put("unsigned \(f) : \(rng.int(in: 1...8));")
            case 4 where canOpen(3):
                w.put("\(typeName())\(align())*\(f) __attribute__"); w.open(.paren); w.open(.paren)
                w.put(rng.pick(["aligned", "packed", "unused", "aligned"]))
                if w.out.suffix(7).elementsEqual("aligned".utf8) { w.open(.paren); w.put(rng.pick(["8", "16", "64"])); w.close(.paren) }
                w.close(.paren); w.close(.paren); w.put(";")
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
        w.open(.square); if rng.chance(0.7) { w.put("\(rows)") }; w.close(.square)
        if twoD { w.open(.square); w.put("\(cols)"); w.close(.square) }
        w.put(" = ")
        w.open(.brace)
        for r in 0..<rows {
            if r > 0 { w.put(",") }
            if rows > 2 { w.level += 1; w.nl(); w.level -= 1 } else if r > 0 { w.put(" ") }
            if twoD {
                w.open(.brace)
                for c in 0..<cols { if c > 0 { w.put(", ") }; w.put(number()) }
                w.close(.brace)
            } else { w.put(number()) }
        }
        if rows > 2 { w.nl() }
        w.close(.brace); w.put(";")
    }

    mutating func prototype() {
        if rng.chance(0.2) { alignedPrototype(); return }
        line()
        if rng.chance(0.3) && canOpen(2) {
            // PyAPI_FUNC(PyObject *) PyFile_New(int);
            w.put(rng.pick(Vocabulary.declMacros)); w.open(.paren); w.put(rng.pick(["int", "void", "PyObject *", "char *", "size_t"])); w.close(.paren)
            w.put(" " + functionName())
            parameters(); w.put(";")
            return
        }
        if rng.chance(0.15) && canOpen(3) {
            // X11 style: one parameter per line, names only in comments, and a function that
            // returns a function pointer: `extern int (*XSynchronize(\n Display* /* d */\n))(\n ...\n);`
            let returnsPointer = rng.chance(0.4)
            w.put("extern \(rng.pick(["int", "Status", "char *", "XPointer"])) ")
            if returnsPointer { w.open(.paren); w.put("*") }
            w.put(functionName()); w.open(.paren)
            let n = rng.int(in: 1...4)
            for i in 0..<n {
                w.nlBare(); w.put("    " + rng.pick(["Display*", "int", "_Xconst char*", "Atom*", "Bool", "XPointer", "unsigned long"]))
                w.put(rng.pick(["\t\t", "\t", "\t\t\t"]) + "/* \(rng.pick(Vocabulary.locals)) */" + (i < n - 1 ? "," : ""))
            }
            w.nlBare(); w.close(.paren)
            if returnsPointer {
                w.close(.paren); w.open(.paren)
                w.nlBare(); w.put("    Display*\t\t/* display */"); w.nlBare(); w.close(.paren)
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
            w.put("struct \(rng.pick(Vocabulary.structNames)) \(name) = "); w.open(.brace)
            w.put(".\(rng.pick(Vocabulary.fields)) = \(number()), .\(rng.pick(Vocabulary.fields)) = ")
            w.put(rng.chance(0.5) ? string() : "NULL"); w.close(.brace); w.put(";")
        default: w.put("\(typeName()) \(name);")
        }
    }
}
