import NestNetSupport
import NestingOracle

/// Statements: simple ones, blocks, if/else, loops, switch.
extension CBuilder {
    mutating func statement(budget: Int) {
        // Drawn only for programs with conditional habits, so other data keeps its streams.
        if conditionalHabits && budget > 120 && rng.chance(0.04) { conditionalStatement(budget: budget); return }
        let roomy = budget > 60 && canOpen(3)
        switch rng.draw(StatementConstruct.self, weight: { $0.weight(roomy: roomy, budget: budget) }) {
        case .simple: simpleStatement()
        case .ifElse: ifStatement(budget: budget)
        case .forLoop: forStatement(budget: budget)
        case .whileLoop: whileStatement(budget: budget)
        case .doWhile: doWhile(budget: budget)
        case .switchCase: switchStatement(budget: budget)
        case .bareBlock: line(); if habit(0.5) { w.put(inlineTag()) }; w.put("{"); w.depth += 1; w.level += 1; block(budget: budget - 10); w.endBlock()
        case .comment: comment(block: rng.chance(0.3), doc: false)
        case .ifdef: ifdefStatements(budget: budget)
        case .ifZeroGroup: ifZeroGroup(budget: budget)
        case .blankLine: w.nlBare()
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
        line(); w.put("if "); w.open(.paren); comparison(); w.close(.paren)
        let split = rng.chance(0.35)
        controlBody(budget: split ? budget / 2 : budget - 16)
        if split {
            var b = budget / 2
            while b > 60 && rng.chance(0.4) && canOpen(2) {
                if w.allmanBraces || w.out.last != 125 { w.nl() } else { w.put(" ") }
                w.put("else if "); w.open(.paren); comparison(); w.close(.paren)
                controlBody(budget: b / 2); b /= 2
            }
            if w.allmanBraces || w.out.last != 125 { w.nl() } else { w.put(" ") }
            w.put("else")
            controlBody(budget: b)
        }
    }

    mutating func forStatement(budget: Int) {
        line(); w.put("for "); w.open(.paren)
        let i = rng.pick(["i", "j", "k", "n", "idx"])
        switch rng.below(4) {
        case 0: w.put("\(i) = 0; \(i) < \(rng.pick(Vocabulary.locals)); \(i)++")
        case 1: w.put("int \(i) = 0; \(i) < "); expr(1); w.put("; ++\(i)")
        case 2: w.put("p = head; p != NULL; p = p->next")
        default: w.put(";;")
        }
        w.close(.paren)
        loopDepth += 1; controlBody(budget: budget - 20); loopDepth -= 1
    }

    mutating func whileStatement(budget: Int) {
        line(); w.put("while "); w.open(.paren); comparison(); w.close(.paren)
        loopDepth += 1; controlBody(budget: budget - 16); loopDepth -= 1
    }

    mutating func doWhile(budget: Int) {
        line(); w.put("do")
        w.beginBlock(); loopDepth += 1; block(budget: budget - 24); loopDepth -= 1; w.endBlock()
        w.put(" while "); w.open(.paren); comparison(); w.close(.paren); w.put(";")
    }

    mutating func switchStatement(budget: Int) {
        line(); w.put("switch "); w.open(.paren); expr(1); w.close(.paren)
        w.beginBlock()
        let start = w.count
        let cases = rng.int(in: 1...4)
        for c in 0..<cases where w.count - start < budget - 30 {
            w.nl()
            w.put(c == cases - 1 && rng.chance(0.4) ? "default:" : "case \(rng.chance(0.5) ? charLiteral() : rng.pick(Vocabulary.macros)):")
            w.level += 1
            if rng.chance(0.2) && canOpen(2) {
                w.put(" "); w.open(.brace)
                block(budget: min(120, budget / cases))
                w.nl(); w.close(.brace)
            } else {
                for _ in 0..<rng.int(in: 1...2) { simpleStatement() }
            }
            w.nl(); w.put(rng.pick(["break;", "break;", "return 0;", "/* fall through */"]))
            w.level -= 1
        }
        w.endBlock()
    }

    mutating func simpleStatement(newLine: Bool = true) {
        if newLine { line() }
        let v = declaredLocals.isEmpty ? rng.pick(Vocabulary.locals) : rng.pick(declaredLocals)
        switch rng.draw(SimpleStatementConstruct.self, weight: \.weight) {
        case .declaration:
            let name = rng.pick(Vocabulary.locals)
            declaredLocals.append(name)
            if rng.chance(0.2) && canOpen(2) {
                w.put("\(rng.pick(Vocabulary.scalarTypes)) \(name)"); w.open(.square); w.put(rng.pick(["4", "16", "MAX_LEN", "n + 1"])); w.close(.square)
                if rng.chance(0.5) { w.put(" = "); w.open(.brace); w.put(rng.chance(0.5) ? "0" : "\(number()), \(number())"); w.close(.brace) }
                w.put(";")
            } else {
                w.put("\(typeName()) \(name)")
                if rng.chance(0.75) { w.put(" = "); expr(2) }
                w.put(";")
            }
        case .assignment:
            lvalue(); w.put(rng.pick([" = ", " = ", " += ", " -= ", " |= ", " &= ", " <<= "])); expr(2); w.put(";")
        case .call:
            if habit(0.05) { w.put(inlineTag()) }
            call(2); w.put(";")
        case .returnValue:
            w.put("return")
            if rng.chance(0.8) { w.put(" "); expr(2) }
            w.put(";")
        case .formattedPrint:  // printf-style, with a format string
            w.put(rng.pick(["printf", "fprintf", "snprintf", "log_debug", "sqlite3_log"]))
            w.open(.paren)
            if w.out.suffix(8).elementsEqual("fprintf(".utf8) { w.put("stderr, ") }
            w.put(string())
            for _ in 0..<rng.int(in: 0...2) { w.put(", "); expr(1) }
            w.close(.paren); w.put(";")
        case .increment:
            w.put(rng.chance(0.5) ? "\(v)++;" : "++\(v);")
        case .jump:
            w.put(loopDepth > 0 ? rng.pick(["break;", "continue;"]) : "goto fail;")
        case .characterTest:
            w.put("if "); w.open(.paren); w.put("\(v) == \(charLiteral())"); w.close(.paren)
            w.put(" "); w.put(rng.pick(["return 1;", "\(v)++;", "break;", "continue;"]))
        case .assertion: w.put("assert"); w.open(.paren); comparison(); w.close(.paren); w.put(";")
        case .voidCast: w.put("(void)\(v);")
        }
        if rng.chance(0.06) {
            if habit() { w.put(rng.pick([" ", "\t", ""])); w.put(rng.chance(0.5) ? "/*\(commentTag())*/" : "//" + (rng.chance(0.3) ? "" : commentedCode())) }
            else { w.put(" "); w.put(rng.chance(0.5) ? "/* \(sentence()) */" : "// \(sentence())") }
        }
    }
}
