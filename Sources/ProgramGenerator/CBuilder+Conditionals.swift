import NestNetSupport
import NestingOracle

/// Conditionals as real files write them (`GeneratorOptions.conditionalHabits`, issue 12). The
/// plain generator's `#ifdef` groups hold one short item a branch; real ones hold many, nest,
/// chain `#elif`s, wrap a whole file (busybox's nc.c is the `#else` of a one-line first
/// branch), split an `else` across `#endif` and quote directives inside comments
/// (`//usage:#if`). The oracle goes on from a conditional's first branch, so a lexer must hold
/// "in a later branch", and the `#if` depth inside it, over thousands of bytes. Every function
/// here runs only for a program drawn with `conditionalHabits`, so other data keeps its streams.
extension CBuilder {
    /// A configuration macro as conditionals test them.
    mutating func configMacro() -> String {
        let noun = rng.pick(Vocabulary.nouns).uppercased()
        switch rng.below(5) {
        case 0: return "ENABLE_\(prefix.uppercased())\(noun)"
        case 1: return "HAVE_\(noun)_H"
        case 2: return "USE_\(noun)"
        case 3: return "CONFIG_\(noun)_\(rng.pick(["COMPAT", "SUPPORT", "DEBUG", "EXTRA"]))"
        default: return rng.pick(Vocabulary.macros)
        }
    }

    /// `#if …`, `#ifdef …`, `#ifndef …` or `#if defined(…)` for `m`.
    mutating func conditionalOpening(_ m: String) -> String {
        switch rng.below(5) {
        case 0: return "#ifdef \(m)"
        case 1: return "#ifndef \(m)"
        case 2: return "#if defined(\(m))" + (rng.chance(0.3) ? " && !defined(\(rng.pick(Vocabulary.macros)))" : "")
        case 3: return "#if \(m)"
        default: return "#if " + preprocessorCondition(depth: 2)
        }
    }

    /// `#else` or `#endif`, sometimes with the condition in a comment after it (openssh's
    /// `#endif\t/* #ifdef HEIMDAL */` quotes the whole opening line).
    mutating func conditionalEnd(_ keyword: String, _ m: String) -> String {
        switch rng.below(6) {
        case 0: return "#\(keyword) /* \(keyword == "else" ? "!" : "")\(m) */"
        case 1: return "#\(keyword) // \(m)"
        case 2: return "#\(keyword)\(rng.pick(["\t", " "]))/* \(rng.pick(["#ifdef", "#if", "#ifndef", "#if defined(\(m)) &&"])) \(m) */"
        default: return "#\(keyword)"
        }
    }

    /// One to three short lines for the branch that is not the file: an include of the other
    /// implementation, a define, an `#error`, a stub. At most about 140 bytes.
    mutating func shortBranch() {
        let name = prefix + rng.pick(Vocabulary.verbs)
        for i in 0..<rng.int(in: 1...3) {
            w.nlBare()
            switch rng.below(i == 0 ? 6 : 4) {
            case 0: w.put("# include \"\(rng.pick(Vocabulary.nouns))_\(rng.pick(["bloaty", "impl", "win32", "compat"])).c\"")
            case 1: w.put("#define \(name.uppercased())(x) ((void)0)")
            case 2: w.put("static int \(name)(void) { return 0; }")
            case 3: w.put("int \(name)_unused;")
            case 4: w.put("#error \"\(rng.pick(Vocabulary.words)) is not supported\"")
            default: w.put("/* nothing to do here */")
            }
        }
    }

    /// Where a whole-file conditional puts the program: in the later branch of a short first
    /// one, in the first branch before a short stub, or its two halves in the two branches.
    enum FileWrap { case laterBranch, firstBranch, halves }

    /// Opens a whole-file conditional: `#if X` + a short first branch + `#else` (the program is
    /// the later branch), or just `#if X` (the program is the first branch; `closeFileWrap`
    /// adds a short later branch, or the program's second half follows its `#else`).
    mutating func openFileWrap() -> (wrap: FileWrap, macro: String) {
        let m = configMacro()
        if w.count > 0 { w.nlBare() }
        w.put(conditionalOpening(m))
        let wrap = rng.pick([FileWrap.laterBranch, .laterBranch, .firstBranch, .halves])
        if wrap == .laterBranch {
            shortBranch()
            w.nlBare(); w.put(conditionalEnd("else", m))
        }
        return (wrap, m)
    }

    /// The `#else` between the halves of a `.halves` wrap.
    mutating func splitFileWrap(_ m: String) {
        w.nlBare(); w.put(conditionalEnd("else", m))
        if rng.chance(0.3) { w.nlBare(); w.put("/* " + sentence() + " */") }
    }

    /// Ends a whole-file conditional: a short later branch for `.firstBranch`, then `#endif`.
    mutating func closeFileWrap(_ wrap: FileWrap, _ m: String) {
        if wrap == .firstBranch {
            w.nlBare(); w.put(conditionalEnd("else", m))
            shortBranch()
        }
        w.nlBare(); w.put(conditionalEnd("endif", m))
    }

    /// Bytes `closeFileWrap` may write (a short branch with CRLF line ends, and the lines around it).
    static let fileWrapReserve = 260

    /// A conditional group of top-level items: one to four branches (`#elif` chains), each of
    /// one to four items, groups nested up to four deep.
    mutating func conditionalGroup(budget: Int) {
        if w.count > 0 { w.nlBare() }
        conditionalNesting += 1
        defer { conditionalNesting -= 1 }
        let m = configMacro()
        w.put(conditionalOpening(m))
        let branches = rng.chance(0.55) ? rng.int(in: 2...4) : 1
        let per = max(60, budget / branches)
        for b in 0..<branches {
            if b > 0 {
                w.nlBare()
                w.put(b == branches - 1 && rng.chance(0.6) ? conditionalEnd("else", m) : "#elif " + (rng.chance(0.5) ? "defined(\(configMacro()))" : preprocessorCondition(depth: 1)))
            }
            let start = w.count
            for _ in 0..<rng.int(in: 1...4) where w.count - start < per - 40 {
                let left = per - (w.count - start)
                if conditionalNesting < 4 && left > 200 && rng.chance(0.25) { conditionalGroup(budget: left / 2) }
                else if rng.chance(0.15) { directiveComment() }
                else { topLevelItemPlain(budget: left) }
            }
        }
        w.nlBare(); w.put(conditionalEnd("endif", m))
    }

    /// Top-level items but never another conditional habit (the group decides its nesting).
    mutating func topLevelItemPlain(budget: Int) {
        let saved = conditionalHabits
        conditionalHabits = false
        topLevelItem(budget: budget)
        conditionalHabits = saved
    }

    /// Directive text that is not a directive: busybox's `//usage:#if` blocks, `#else` in a
    /// block comment, a commented-out `#endif`.
    mutating func directiveComment() {
        line()
        let m = configMacro()
        switch rng.below(4) {
        case 0:
            let tool = rng.pick(Vocabulary.nouns)
            w.put("//usage:#if \(m)"); w.nl()
            w.put("//usage:#define \(tool)_trivial_usage"); w.nl()
            w.put("//usage:       \"[-\(rng.pick(["a", "lnv", "e PROG", "s"]))] \(rng.pick(["FILE", "HOST PORT", "[ARGS]"]))\""); w.nl()
            if rng.chance(0.5) { w.put("//usage:#else"); w.nl(); w.put("//usage:#define \(tool)_trivial_usage \"\""); w.nl() }
            w.put("//usage:#endif")
        case 1:
            w.put("/*"); w.nl()
            w.put(" * \(sentence())"); w.nl()
            w.put(" * #if \(m)"); w.nl()
            w.put(" *     \(rng.pick(Vocabulary.libcCalls))(\(rng.pick(Vocabulary.locals))"); w.put(rng.chance(0.5) ? "); {" : ")"); w.nl()
            w.put(" * #else"); w.nl()
            w.put(" * #endif"); w.nl()
            w.put(" */")
        case 2:
            w.put(rng.pick(["// #endif", "/* #else */", "//#if 0", "/* #endif \(m) */", "// #elif defined(\(m))"]))
        default:
            w.put("//#ifdef \(m)"); w.nl()
            w.put("//    \(commentedCode())"); w.nl()
            w.put("//#endif")
        }
    }

    /// An `if`/`else` chain split by a conditional, as portable code writes it:
    /// `} #ifdef X else if (…) { … } #endif else { … }` or `#ifdef X if (…) { … } else #endif { … }`.
    mutating func elseAcrossEndif(budget: Int) {
        let m = configMacro()
        let b = max(40, budget / 3)
        if rng.chance(0.5) {
            line(); w.put("if "); w.open(.paren); comparison(); w.close(.paren)
            w.beginBlock(); block(budget: b); w.endBlock()
            w.nlBare(); w.put(conditionalOpening(m))
            line(); w.put("else if "); w.open(.paren); comparison(); w.close(.paren)
            w.beginBlock(); block(budget: b); w.endBlock()
            w.nlBare(); w.put(conditionalEnd("endif", m))
            line(); w.put("else")
            w.beginBlock(); block(budget: b); w.endBlock()
        } else {
            w.nlBare(); w.put(conditionalOpening(m))
            line(); w.put("if "); w.open(.paren); comparison(); w.close(.paren)
            w.beginBlock(); block(budget: b); w.endBlock()
            w.put(w.allmanBraces ? "" : " "); if w.allmanBraces { line() }; w.put("else")
            w.nlBare(); w.put(conditionalEnd("endif", m))
            line(); w.open(.brace); w.level += 1; block(budget: b); w.endBlock()
        }
    }

    /// A condition with one operand inside a conditional: `if (a` `#ifdef X` `|| b` `#endif` `) {`.
    mutating func conditionInsideConditional(budget: Int) {
        let m = configMacro()
        line(); w.put("if "); w.open(.paren); comparison()
        w.nlBare(); w.put(conditionalOpening(m))
        line(); w.put(rng.chance(0.5) ? "    || " : "    && "); w.open(.paren); comparison(); w.close(.paren)
        if rng.chance(0.4) {
            w.nlBare(); w.put(conditionalEnd("else", m))
            line(); w.put(rng.chance(0.5) ? "    || " : "    && "); w.put("\(rng.pick(Vocabulary.locals)) != NULL")
        }
        w.nlBare(); w.put(conditionalEnd("endif", m))
        line(); w.put("   "); w.close(.paren)
        controlBody(budget: max(40, budget - 60))
    }

    /// A statement-level habit: `else` across `#endif`, a condition split by `#ifdef`, a
    /// directive in a comment, or a long conditional group of statements.
    mutating func conditionalStatement(budget: Int) {
        let kind = rng.below(5)
        if kind < 2 && canOpen(4) { elseAcrossEndif(budget: budget) }
        else if kind == 2 && canOpen(3) { conditionInsideConditional(budget: budget) }
        else if kind == 3 { directiveComment() }
        else { statementGroup(budget: budget) }
    }

    /// `#if` … [`#else` …] `#endif` around statements, with groups nested in either branch
    /// (busybox's fdisk.c opens `#ifdef __sparc__` inside the `#else` of another: a lexer that
    /// counts no `#if` depth there takes the inner first branch for code).
    mutating func statementGroup(budget: Int) {
        conditionalNesting += 1
        defer { conditionalNesting -= 1 }
        let m = configMacro()
        w.nlBare(); w.put(conditionalOpening(m))
        branchStatements(budget: budget / 2)
        if rng.chance(0.6) { w.nlBare(); w.put(conditionalEnd("else", m)); branchStatements(budget: budget / 3) }
        w.nlBare(); w.put(conditionalEnd("endif", m))
    }

    /// The statements of one branch of a `statementGroup`, sometimes around a nested group.
    mutating func branchStatements(budget: Int) {
        guard conditionalNesting < 4 && budget > 160 && rng.chance(0.35) else { block(budget: budget); return }
        block(budget: budget / 3)
        statementGroup(budget: budget / 2)
        if rng.chance(0.5) { simpleStatement() }
    }
}
