import NestNetSupport
import NestingOracle

/// Whole programs and headers, and the top-level items they are made of.
extension CBuilder {
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
        // A whole-file conditional (`conditionalHabits`): the items go in one or both branches.
        var wrap: (wrap: FileWrap, macro: String)?
        var reserve = 0
        if conditionalHabits && !fragment && target >= 600 && rng.chance(0.35) {
            let mark = w.count
            wrap = openFileWrap()
            reserve = Self.fileWrapReserve
            if w.count > ceiling - reserve { w.truncate(to: mark, depth: 0, level: 0); wrap = nil; reserve = 0 }
        }
        let bodyStart = w.count
        var split = wrap?.wrap != .halves
        while w.count < target - half - reserve && failures < 8 {
            if !split, w.count - bodyStart >= (target - reserve - bodyStart) / 2 { splitFileWrap(wrap!.macro); split = true }
            let mark = w.count, depth = w.depth, level = w.level
            let remaining = target - reserve - w.count
            if fragment { statement(budget: remaining) } else { topLevelItem(budget: remaining) }
            if w.count > ceiling - reserve || w.depth != depth {
                w.truncate(to: mark, depth: depth, level: level)
                failures += 1
            }
        }
        if let (kind, m) = wrap {
            if !split { splitFileWrap(m) }
            closeFileWrap(kind, m)
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
        if conditionalHabits && rng.chance(0.1) { conditionalGroup(budget: min(budget, 1200)); return }
        if rng.chance(0.6) { w.nlBare() }
        switch rng.draw(HeaderConstruct.self, weight: { $0.weight(roomy: budget > 300, cpp: cpp) }) {
        case .prototype: prototype()
        case .define: define()
        case .defineRun: defineRun()
        case .comment: comment(block: rng.chance(0.8), doc: rng.chance(0.7))
        case .structOrEnum: if rng.chance(0.65) { structDef() } else { enumDef() }
        case .functionPointerTypedef: functionPointerTypedef()
        case .conditionalItems: conditionalItems(budget: min(budget, 600))
        case .function: function(budget: min(budget, 500))
        case .cpp: cppItem(budget: min(budget, 800))
        case .continuedMacro: continuedMacro()
        case .globalVar: globalVar()
        }
    }

    /// `typedef int (*name_cb)(params);`
    mutating func functionPointerTypedef() {
        line()
        w.put("typedef \(rng.pick(["int", "void", "size_t", "bool"])) "); w.open(.paren); w.put("*\(rng.pick(Vocabulary.nouns))_cb"); w.close(.paren)
        parameters(); w.put(";")
    }

    mutating func topLevelItem(budget: Int) {
        // Drawn only for programs with conditional habits, so other data keeps its streams.
        if conditionalHabits && rng.chance(0.12) {
            if budget > 300 && rng.chance(0.8) { conditionalGroup(budget: budget) } else { directiveComment() }
            return
        }
        if w.count > 0 && rng.chance(0.7) { w.nlBare() }
        let small = budget < 120
        switch rng.draw(TopLevelConstruct.self, weight: { $0.weight(small: small) }) {
        case .include: include()
        case .define: define()
        case .comment: comment(block: rng.chance(0.6), doc: rng.chance(0.5))
        case .function: function(budget: budget)
        case .structOrEnum: if rng.chance(0.65) { structDef() } else { enumDef() }
        case .globalTable: globalTable()
        case .prototypeOrGlobal: if rng.chance(0.5) { prototype() } else { globalVar() }
        case .conditionalItems: conditionalItems(budget: budget)
        case .sharedBraceFunction: sharedBraceFunction(budget: budget)
        case .ifZeroGroup: ifZeroGroup(budget: budget)
        case .externC: externC(budget: budget)
        case .cpp: cppItem(budget: budget)
        case .defineRun: defineRun()
        case .continuedMacro: continuedMacro()
        case .functionPointerTypedef: functionPointerTypedef()
        }
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
}
