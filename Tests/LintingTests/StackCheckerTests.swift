import Testing
@testable import Linting
import RecurrentNet
import StepHead

@Suite("check with a stack network: its own moves and stack decide")
struct StackCheckerTests {
    /// A stack network that reads each byte alone (forget gate shut, input and output open):
    /// it pushes at every `([{`, pops at every `)]}` and gives each its kind, lexing nothing. With
    /// it the checker is a plain stack over all brackets, so every verdict is known exactly.
    static func byteReader(outputs: Int = StackMoves.outputs) throws -> RecurrentModel {
        let H = 8, E = 4
        let m = try RecurrentModel.initialized(ModelConfig(arch: .lstm, embed: E, hidden: H, stepOutputs: outputs), seed: 1)
        for s in m.layout.specs { for i in 0..<s.count { m.parameters[s.offset + i] = 0 } }
        // Embedding features: 0 opener, 1 closer, 2 square, 3 curly.
        let emb = m.layout["embedding.weight"]
        for (b, f) in [(40, [0]), (41, [1]), (91, [0, 2]), (93, [1, 2]), (123, [0, 3]), (125, [1, 3])] as [(Int, [Int])] {
            for k in f { m.parameters[emb.offset + b * E + k] = 1 }
        }
        // Gates i, f, g, o (torch order), H rows each: i and o open, f shut, g = tanh(4 x) on 4 units.
        let w = m.layout["rnn.weight_ih_l0"], b = m.layout["rnn.bias_ih_l0"]
        for u in 0..<H { m.parameters[b.offset + u] = 20; m.parameters[b.offset + H + u] = -20; m.parameters[b.offset + 3 * H + u] = 20 }
        for k in 0..<E { m.parameters[w.offset + (2 * H + k) * E + k] = 4 }
        // Step head: push, pop, inert (never), kind0 (square), kind1 (curly) from units 0, 1, 2, 3.
        let sw = m.layout["step_head.weight"], sb = m.layout["step_head.bias"]
        for (out, unit) in [(0, 0), (1, 1), (3, 2), (4, 3)] { m.parameters[sw.offset + out * H + unit] = 12; m.parameters[sb.offset + out] = -5 }
        m.parameters[sb.offset + 2] = -5
        m.prepare()
        return m
    }

    static func checker(threads: Int = 2, outputs: Int = StackMoves.outputs) throws -> ModelChecker {
        var c = ModelChecker(model: try byteReader(outputs: outputs), threshold: 0.55, threads: threads)
        c.moves = true
        return c
    }

    /// The same with the state outputs (`--step-outputs 7`): the stack reads the moves alone.
    @Test(arguments: [StackMoves.outputs, StackMoves.stateOutputs])
    func verdictsMessagesAndPlaces(outputs: Int) throws {
        let texts = ["int f(int a[2]) { return a[0]; }", "f(a]", "x) ", "{ ( [ ] ", "", "a = b;"].map { Array($0.utf8) }
        let v = try Self.checker(outputs: outputs).check(texts)
        #expect(v[0].valid && v[0].pValid == 1 && v[0].reason == .init(head: .stack, offset: texts[0].count - 1))
        #expect(!v[1].valid && v[1].location?.offset == 3 && v[1].message == "expected ')' but found ']'" && v[1].reason == .init(head: .stack, offset: 3))
        #expect(!v[2].valid && v[2].location?.offset == 1 && v[2].message == "unexpected ')' with nothing open")
        #expect(!v[3].valid && v[3].unclosed && v[3].location?.offset == 2 && v[3].message == "'(' is never closed")
        #expect(v[1].pValid < 0.05 && v[3].pValid < 0.05)  // 1 − P(pop), 1 − P(push): the network was sure
        #expect(v[4].valid && v[5].valid)
    }

    /// Files are split speculatively at `}` lines, as for other models (from 64 KiB when a file
    /// is more than a thread's share of the run, as when it is checked alone), and the stretches'
    /// stacks joined in order (`checkMoves`): with a network whose moves need no context (this
    /// one), the verdicts are those of one sequential reading, whether a file is read alone
    /// (split) or in a run of four (whole).
    @Test func speculativeSplitsKeepTheVerdicts() throws {
        let block = "int f(int a) {\n  return g(a[0]);\n}\n"
        let blocks = ModelChecker.splitFrom / block.utf8.count + 200
        func text(_ edits: [Int: String]) -> [UInt8] {
            Array((0..<blocks).map { edits[$0].map { $0 + block } ?? block }.joined().utf8)
        }
        let valid = text([:]), bridged = text([100: "{\n", blocks - 50: "}\n"])
        let unclosed = text([blocks / 2: "{\n"]), late = text([blocks - 3: ")\n"])
        let checker = try Self.checker()
        #expect(checker.splitPoints(valid, parts: 4).count == 3)
        #expect(ModelChecker.stretchCount(bytes: valid.count, threads: 2, runBytes: valid.count) == 2)
        #expect(ModelChecker.stretchCount(bytes: valid.count, threads: 2, runBytes: 4 * valid.count) == 1)
        let together = checker.check([valid, bridged, unclosed, late])
        let alone = try [valid, bridged, unclosed, late].map { try #require(checker.check([$0]).first) }
        for v in [together, alone] {
            #expect(v[0].valid && v[1].valid)
            // The extra `{` (unclosed) and `)` (late) come just before their blocks, all others unchanged.
            let n = block.utf8.count
            #expect(!v[2].valid && v[2].unclosed && v[2].location?.offset == blocks / 2 * n && v[2].message == "'{' is never closed")
            #expect(!v[3].valid && v[3].location?.offset == (blocks - 3) * n && v[3].message == "unexpected ')' with nothing open")
        }
    }

    /// A break stops the reading of its file's later stretches; the stretches' stacks are joined
    /// in order, so a `{` opened in the first stretch and closed in the third (whose own reading
    /// cannot match it) is matched there, and the verdicts stay those of one reading.
    @Test func aBreakDropsLaterStretchesUntilTheyAreNeeded() throws {
        let block = "int f(int a) {\n  return g(a[0]);\n}\n", n = block.utf8.count
        let blocks = 4 * ModelChecker.stretchBytes / n + 100
        func text(_ edits: [Int: String]) -> [UInt8] {
            Array((0..<blocks).map { edits[$0].map { $0 + block } ?? block }.joined().utf8)
        }
        let bridged = text([blocks / 8: "{\n", 5 * blocks / 8: "}\n", 7 * blocks / 8: ")\n"])
        let twice = text([3 * blocks / 8: ")\n", 7 * blocks / 8: "]\n"])
        let valid = text([blocks / 8: "{\n", 5 * blocks / 8: "}\n"])
        let checker = try Self.checker()
        #expect(checker.splitPoints(bridged, parts: bridged.count / ModelChecker.stretchBytes).count == 3)
        let v = checker.check([bridged, twice, valid])
        // (after the 4 bytes of the two edits before it)
        #expect(!v[0].valid && v[0].location?.offset == 7 * blocks / 8 * n + 4 && v[0].message == "unexpected ')' with nothing open")
        #expect(!v[1].valid && v[1].location?.offset == 3 * blocks / 8 * n && v[1].message == "unexpected ')' with nothing open")
        #expect(v[2].valid)
    }

    /// A file inside one block (a namespace around it): every split lies at depth 1, and each
    /// stretch is still read once, from a fresh state, its pops matched against the stacks of
    /// the stretches before (`absorb`). Alone (split, 2 threads) and whole (1 thread) give the
    /// same verdicts, places and p_valid: the closing `}`, a `]` in its place (a mismatch
    /// whose opener lies in the first stretch), and one `}` too many.
    @Test func stacksJoinAcrossSplitsInsideOneBlock() throws {
        let block = "int f(int a) {\n  return g(a[0]);\n}\n"
        let body = String(repeating: block, count: 3 * ModelChecker.splitFrom / block.utf8.count)
        let texts = ["namespace n {\n" + body + "}\n", "namespace n {\n" + body + "]\n", "namespace n {\n" + body + "}\n}\n",
                     "namespace n {\n" + body].map { Array($0.utf8) }
        let split = try Self.checker(threads: 2), whole = try Self.checker(threads: 1)
        #expect(split.splitPoints(texts[0], parts: ModelChecker.stretchCount(bytes: texts[0].count, threads: 2, runBytes: texts[0].count)).count >= 4)
        #expect(ModelChecker.stretchCount(bytes: texts[0].count, threads: 1, runBytes: texts[0].count) == 1)
        let a = texts.map { split.check([$0])[0] }, b = texts.map { whole.check([$0])[0] }
        for (x, y) in zip(a, b) {
            #expect(x.valid == y.valid && x.location?.offset == y.location?.offset && x.message == y.message && x.pValid == y.pValid)
        }
        let end = 14 + body.utf8.count
        #expect(a[0].valid)
        #expect(!a[1].valid && a[1].location?.offset == end && a[1].message == "expected '}' but found ']'")
        #expect(!a[2].valid && a[2].location?.offset == end + 2 && a[2].message == "unexpected '}' with nothing open")
        #expect(!a[3].valid && a[3].unclosed && a[3].location?.offset == 12 && a[3].message == "'{' is never closed")
    }

    /// A file with no `}` line at column 0 (an indented namespace, a generated state machine)
    /// is split, for a stack network only, after lines that are indentation and `}` or `};`;
    /// alone (split, 2 threads) and whole (1 thread) it gets the same verdicts, places and
    /// p_valid. The plain rule (other models) keeps column-0 splits (none here).
    @Test func indentedClosesSplitForStackNetworksOnly() throws {
        let block = "  int f(int a) {\n    return g(a[0]);\n  };\n\tif (a) {\n\t\tb();\n\t}\n"
        let body = String(repeating: block, count: 3 * ModelChecker.splitFrom / block.utf8.count)
        let texts = ["namespace n {\n" + body + "}\n", "namespace n {\n" + body + "  ]\n}\n", "namespace n {\n" + body + "  }\n}\n",
                     "namespace n {\n" + body + "  {\n}\n"].map { Array($0.utf8) }
        let split = try Self.checker(threads: 2), whole = try Self.checker(threads: 1)
        let parts = ModelChecker.stretchCount(bytes: texts[0].count, threads: 2, runBytes: texts[0].count)
        let cuts = split.splitPoints(texts[0], parts: parts, indented: true)
        #expect(parts >= 5 && cuts.count == parts - 1)
        // Every cut starts the line after an indented close.
        for c in cuts {
            let before = String(decoding: texts[0][..<c].suffix(6), as: UTF8.self)
            #expect(before.hasSuffix("  }\n") || before.hasSuffix("  };\n") || before.hasSuffix("\t}\n"))
        }
        // The plain rule (every other model, and a broken file's second reading) finds none.
        #expect(split.splitPoints(texts[0], parts: parts).isEmpty)
        let a = texts.map { split.check([$0])[0] }, b = texts.map { whole.check([$0])[0] }
        for (x, y) in zip(a, b) {
            #expect(x.valid == y.valid && x.location?.offset == y.location?.offset && x.message == y.message && x.pValid == y.pValid)
        }
        let end = 14 + body.utf8.count
        #expect(a[0].valid)
        #expect(!a[1].valid && a[1].location?.offset == end + 2 && a[1].message == "expected '}' but found ']'")
        #expect(!a[2].valid && a[2].location?.offset == end + 4 && a[2].message == "unexpected '}' with nothing open")
        #expect(!a[3].valid && a[3].unclosed && a[3].location?.offset == 12 && a[3].message == "'{' is never closed")
    }

    /// CRLF files split as LF ones do (column-0 closes for every model, indented ones for a
    /// stack network), with the verdicts of one reading.
    @Test func crlfLinesSplitToo() throws {
        let block = "int f(int a) {\r\n  if (a) {\r\n    g(a[0]);\r\n  }\r\n}\r\n"
        let body = String(repeating: block, count: 3 * ModelChecker.splitFrom / block.utf8.count)
        let texts = [body, body + "  ]\r\n", "namespace n {\r\n" + body + "}\r\n"].map { Array($0.utf8) }
        let split = try Self.checker(threads: 2), whole = try Self.checker(threads: 1)
        let parts = ModelChecker.stretchCount(bytes: texts[0].count, threads: 2, runBytes: texts[0].count)
        for indented in [false, true] { #expect(parts >= 5 && split.splitPoints(texts[0], parts: parts, indented: indented).count == parts - 1) }
        let a = texts.map { split.check([$0])[0] }, b = texts.map { whole.check([$0])[0] }
        for (x, y) in zip(a, b) {
            #expect(x.valid == y.valid && x.location?.offset == y.location?.offset && x.message == y.message && x.pValid == y.pValid)
        }
        #expect(a[0].valid && a[2].valid)
        #expect(!a[1].valid && a[1].location?.offset == body.utf8.count + 2 && a[1].message == "unexpected ']' with nothing open")
    }

    /// A file broken when split inside blocks is read again with the plain cuts, which decide;
    /// a valid one, one split at no extra place, and one whose output failed keep their verdicts.
    @Test func brokenFilesSplitInsideBlocksAreReadAgain() {
        func verdict(_ valid: Bool, _ message: String, failed: Bool = false) -> ModelChecker.Verdict {
            .init(valid: valid, pValid: valid ? 1 : 0, location: nil, message: message, failed: failed)
        }
        let first = [verdict(true, "a"), verdict(false, "b"), verdict(false, "c"), verdict(false, "d", failed: true), verdict(false, "e")]
        let cuts = [[10, 20], [10, 20], [10], [10, 20], [5, 10, 20]], plain = [[10], [10], [10], [10], [10]]
        var asked: [Int] = []
        let out = ModelChecker.rereadBroken(first, cuts: cuts, plain: plain) { files in
            asked = files
            return files.map { verdict($0 == 1, "again \($0)") }
        }
        #expect(asked == [1, 4])
        #expect(out.map(\.message) == ["a", "again 1", "c", "d", "again 4"])
        #expect(out.map(\.valid) == [true, true, false, false, false])
    }

    /// Moves at bytes that are not brackets (a network that misreads) are named plainly, never
    /// by quoting the byte.
    @Test func movesAtOtherBytesAreNamedPlainly() {
        let text = Array("ab\ncd".utf8)
        #expect(ModelChecker.message(text, 2, .unexpected) == "a bracket closes here with nothing open")
        #expect(ModelChecker.message(text, 2, .mismatched(opener: 0)) == "the bracket closed here is not the kind that is open")
        #expect(ModelChecker.message(text, 2, .unclosed) == "a bracket opened here is never closed")
        #expect(ModelChecker.message(Array("(]".utf8), 1, .mismatched(opener: 0)) == "expected ')' but found ']'")
    }

    /// Files longer than a piece: the LSTM state and the stack are carried across pieces, and a
    /// file stops being read at its first break.
    @Test func stackCarriesAcrossPieces() throws {
        let long = ModelChecker.piece * 3
        let open = Array(("{" + String(repeating: "x;", count: long / 2) + "}").utf8)
        let late = Array((String(repeating: "{a}", count: long / 3) + "(]").utf8)
        let left = Array(("[" + String(repeating: "y", count: long) + "(").utf8)
        for threads in [1, 2] {
            let v = try Self.checker(threads: threads).check([open, late, left, Array("()".utf8)])
            #expect(v[0].valid && v[3].valid)
            #expect(!v[1].valid && v[1].location?.offset == late.count - 1 && v[1].message == "expected ')' but found ']'")
            #expect(!v[2].valid && v[2].unclosed && v[2].location?.offset == left.count - 1)
        }
    }

    /// Another reading of the moves (`repairBudget`): this network reads every bracket's move
    /// at a logit of about 4.1 and every other byte's at −5 (kind `()`), so not reading the pop
    /// of `x) ` costs about 4.1 nats: valid within 6, with p_valid about e^−4.1 and reason
    /// `repair`, and broken as before within 4. `f(a]` and `{ ( [ ] ` need more than 6 either
    /// way. A long file split into stretches is read whole again and repaired the same way.
    @Test func anotherReadingWithinTheBudgetClearsAFile() throws {
        let block = "int f(int a) {\n  return g(a[0]);\n}\n"
        let long = Array((String(repeating: block, count: 1200) + "int g(void) { x) }\n" + String(repeating: block, count: 1200)).utf8)
        #expect(long.count > ModelChecker.splitFrom)
        let stray = String(repeating: block, count: 1200).utf8.count + "int g(void) { x".utf8.count  // its `)`
        let texts = ["x) ", "f(a]", "{ ( [ ] ", "int f(int a[2]) { return a[0]; }"].map { Array($0.utf8) } + [long]
        var c = try Self.checker()
        let own = c.check(texts)
        c.repairBudget = 4
        let within4 = c.check(texts)
        c.repairBudget = 6
        let within6 = c.check(texts)
        for v in [own, within4] {
            #expect(v.map(\.valid) == [false, false, false, true, false])
            #expect(!v[4].valid && v[4].message == "expected '}' but found ')'" && v[4].location?.offset == stray)
        }
        #expect(zip(own, within4).allSatisfy { $0.message == $1.message && $0.location == $1.location && $0.pValid == $1.pValid })
        #expect(within6.map(\.valid) == [true, false, false, true, true])
        for k in [0, 4] {
            #expect(within6[k].reason?.head == .repair && within6[k].pValid > Float(Double.exp(-4.2)) && within6[k].pValid < Float(Double.exp(-4)), "\(within6[k])")
            #expect(within6[k].pValid == within6[0].pValid)  // the same move's price
            #expect(within6[k].location == nil && within6[k].message.isEmpty)
        }
        #expect(within6[3].reason?.head == .stack && within6[3].pValid == 1)  // its own reading: nothing to repair
        #expect(within6[1].message == own[1].message && within6[2].message == own[2].message)
    }

    /// A file that stays broken is flagged where the last reading within the budget broke
    /// (session 46): in `x) f(a]` the stack breaks at `)`, which a budget of 6 forgives (4.1
    /// nats), so the error is the `]` that no reading gets past, named against the `(` open
    /// in the cheapest reading; within 4 nothing is forgiven and the stack's own place stands.
    /// The same inside a long file read in stretches.
    @Test func aBreakIsPlacedWhereTheLastReadingBroke() throws {
        let block = "int f(int a) {\n  return g(a[0]);\n}\n"
        let head = String(repeating: block, count: 1200)
        let long = Array((head + "int g(void) { x) f(a] }\n" + head).utf8)
        #expect(long.count > ModelChecker.splitFrom)
        let at = head.utf8.count + "int g(void) { x".utf8.count
        let texts = [Array("x) f(a]".utf8), long]
        var c = try Self.checker()
        c.repairBudget = 4
        let within4 = c.check(texts)
        #expect(within4[0].location?.offset == 1 && within4[0].message == "unexpected ')' with nothing open", "\(within4[0])")
        #expect(within4[1].location?.offset == at && within4[1].message == "expected '}' but found ')'", "\(within4[1])")
        c.repairBudget = 6
        let within6 = c.check(texts)
        #expect(within6.map(\.valid) == [false, false])
        #expect(within6[0].location?.offset == 6 && within6[0].message == "expected ')' but found ']'", "\(within6[0])")
        #expect(within6[1].location?.offset == at + " f(a".utf8.count + 1 && within6[1].message == "expected ')' but found ']'", "\(within6[1])")
        for v in within6 { #expect(v.reason?.head == .stack && v.pValid < 0.05, "\(v)") }
    }
}
