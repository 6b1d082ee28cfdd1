import Testing
import NestingOracle
import ProgramGenerator
import StepHead
@testable import RecurrentNet
@testable import Training

@Suite("Lexical probe: the step head's `inert` output at brackets against the oracle")
struct LexicalProbeTests {
    /// A model whose step head says `inert` everywhere (or nowhere), whatever it reads: every
    /// code bracket (or every inert one) is misread, and each region is counted where it is.
    static func constant(inert: Bool, later: Bool = false) throws -> RecurrentModel {
        let model = try RecurrentModel.initialized(ModelConfig(arch: .lstm, embed: 4, hidden: 8, stepOutputs: 3), seed: 3)
        let w = model.layout["step_head.weight"], b = model.layout["step_head.bias"]
        for i in 0..<w.count { model.parameters[w.offset + i] = 0 }
        model.parameters[b.offset + 1] = later ? 5 : -5
        model.parameters[b.offset + 2] = inert ? 5 : -5
        model.prepare()
        return model
    }

    static let texts: [[UInt8]] = [
        Array("int f(int a) { return g(a[0]); } // (\n".utf8),   // 8 code brackets, 1 in a comment
        Array("s = \"{[\"; c = ')';\n#define X(a) (a)\n".utf8),   // 2 in a string, 1 in a char, 4 in a directive
        Array("#if 0\n{ ( \n#endif\nx[1];\n".utf8),                 // 2 in `#if 0`, 2 in code
        Array("no brackets here".utf8),
    ]

    /// The texts read in batches of `size`, as `probe lexical` reads files.
    static func probe(_ model: RecurrentModel, batches size: Int, threads: Int) -> LexicalProbe {
        var p = LexicalProbe()
        for start in stride(from: 0, to: texts.count, by: size) {
            p.read(Array(texts[start..<min(start + size, texts.count)]), model: model, threads: threads)
        }
        return p
    }

    @Test func everyBracketIsCountedInItsRegion() throws {
        let all = Self.probe(try Self.constant(inert: true), batches: 3, threads: 2)
        #expect(all.texts == 4 && all.codeBrackets == 10 && all.inertBrackets == 10)
        #expect(all.inertByRegion == [1, 3, 4, 2])
        #expect(all.codeReadInert == 10 && all.inertReadCode == 0 && all.readCodeByRegion == [0, 0, 0, 0])
        #expect(all.textsMisread == 2 && all.misreads.map(\.text) == [0, 2] && all.misreads[0].first == 5 && all.misreads[0].region == .code)

        let none = Self.probe(try Self.constant(inert: false), batches: 2, threads: 1)
        #expect(none.codeReadInert == 0 && none.inertReadCode == 10 && none.readCodeByRegion == [1, 3, 4, 2])
        #expect(none.textsMisread == 3 && none.misreads.map(\.count) == [1, 7, 2])
        #expect(none.misreads.map(\.region) == [.lineComment, .string, .skipped])
    }

    /// A plain stack over what the lexer calls code: with the oracle's regions it breaks only
    /// where `#else` restarts a branch; with a model that reads everything as code it breaks at
    /// every inert bracket that is not balanced. Texts the oracle calls broken are counted apart:
    /// caught when the stack breaks, at the line when its first break is on the oracle's line.
    @Test func aPlainStackBreaksWhereTheLexerOrTheBranchesDo() throws {
        let texts: [[UInt8]] = Self.texts + [
            Array("#if A\nvoid f(int a) {\n#else\nvoid f(int a, int b) {\n#endif\n}\n".utf8),  // valid by the oracle's branch rule
            Array("f(]".utf8),                                                              // broken at `]`, line 1
            Array("/* } */\nf(a;\n".utf8),                                                  // `(` never closed, line 2
        ]
        var code = LexicalProbe(), inert = LexicalProbe()
        code.read(texts, model: try Self.constant(inert: false), threads: 2)
        inert.read(texts, model: try Self.constant(inert: true), threads: 1)
        #expect(code.validTexts == 5 && code.stackBreaksOracleLexed == 1 && code.stackBreaksModelLexed == 4)
        #expect(inert.validTexts == 5 && inert.stackBreaksOracleLexed == 1 && inert.stackBreaksModelLexed == 0)
        // Read all as code, the comment's `}` breaks the stack on line 1: caught, not at the line.
        #expect(code.brokenTexts == 2 && code.stackCatchesModelLexed == 2 && code.stackAtLineModelLexed == 1)
        #expect(inert.brokenTexts == 2 && inert.stackCatchesModelLexed == 0 && inert.stackAtLineModelLexed == 0)
        for p in [code, inert] { #expect(p.stackCatchesOracleLexed == 2 && p.stackAtLineOracleLexed == 2) }
        // Lines are counted as the oracle counts them: a lone `\r` ends one too.
        var cr = LexicalProbe()
        cr.read([Array("/* } */\rf(a;\r".utf8)], model: try Self.constant(inert: true), threads: 1)
        #expect(cr.brokenTexts == 1 && cr.stackCatchesOracleLexed == 1 && cr.stackAtLineOracleLexed == 1)
        #expect(code.validLargeTexts == 0 && code.stackBreaksModelLexedLarge == 0)
        // A valid text of 64 KB is counted apart too: read as code, its comment's `(` is left open.
        let large = Array(("/* ( */\n" + String(repeating: "x;\n", count: LexicalProbe.largeText / 3)).utf8)
        var big = LexicalProbe(), small = LexicalProbe()
        big.read([large], model: try Self.constant(inert: false), threads: 1)
        small.read([Array(large.prefix(LexicalProbe.largeText - 1))], model: try Self.constant(inert: false), threads: 1)
        #expect(big.validLargeTexts == 1 && big.stackBreaksModelLexedLarge == 1 && big.stackBreaksModelLexed == 1)
        #expect(small.validTexts == 1 && small.validLargeTexts == 0 && small.stackBreaksModelLexed == 1)
        #expect(LexicalProbe.stackBreak(Array("{\n(\n[".utf8)) { _ in true } == 4)
        #expect(LexicalProbe.stackBreak(Array("{}\n)".utf8)) { _ in true } == 3)
        #expect(LexicalProbe.stackBreak(Array("{[}]".utf8)) { _ in true } == 2)
        #expect(LexicalProbe.stackBreak(Array("a{b[c(d)e]f}".utf8)) { _ in true } == nil)
        #expect(LexicalProbe.stackBreak(Array("{)".utf8)) { _ in true } == 1 && LexicalProbe.stackBreak(Array("(".utf8)) { _ in true } == 0)
        #expect(LexicalProbe.stackBreak(Array(")(".utf8)) { _ in true } == 0 && LexicalProbe.stackBreak(Array("{)".utf8)) { _ in false } == nil)
    }

    /// Following first branches (the oracle's code brackets outside `Analysis.laterBranches`)
    /// the stack breaks no valid text and misses a break only a later branch has; a lexer with
    /// the `later` output (`readsLater`) leaves the brackets it reads as later out of its stack.
    @Test func aStackFollowingFirstBranchesAgreesWithTheOracleOnValidTexts() throws {
        let texts: [[UInt8]] = [
            Array("#if A\nvoid f(int a) {\n#else\nvoid f(int a, int b) {\n#endif\n}\n".utf8),  // valid: two openers, one closer
            Array("#if A\nx = (1);\n#else\nx = (2;\n#endif\n".utf8),                             // broken in the later branch only
            Array("#if A\nx = (1;\n#else\nx = (2);\n#endif\n".utf8),                             // broken in the first branch
        ]
        var plain = LexicalProbe(), later = LexicalProbe(readsLater: true), unread = LexicalProbe()
        plain.read(texts, model: try Self.constant(inert: false), threads: 1)
        later.read(texts, model: try Self.constant(inert: false, later: true), threads: 1)
        unread.read(texts, model: try Self.constant(inert: false, later: true), threads: 1)  // output 1 not read
        #expect(plain.validTexts == 1 && plain.stackBreaksOracleLexed == 1 && plain.stackBreaksFirstBranch == 0)
        // The oracle reports both broken texts at `#endif` (the branches disagree); the stack, at the `(` left open.
        #expect(plain.brokenTexts == 2 && plain.stackCatchesFirstBranch == 1 && plain.stackAtLineFirstBranch == 0)
        #expect(plain.stackCatchesOracleLexed == 2 && plain.stackBreaksModelLexed == 1 && plain.laterBrackets == 0)
        // Every bracket read as later: nothing on the stack, nothing broken or caught.
        #expect(later.stackBreaksModelLexed == 0 && later.stackCatchesModelLexed == 0)
        #expect(later.laterBrackets == 6 && later.laterReadLater == 6 && later.firstReadLater == 7)
        #expect(unread.stackBreaksModelLexed == 1 && unread.stackCatchesModelLexed == 2 && unread.laterBrackets == 0)
    }

    /// A stack network's misread moves by what they are, and the valid texts its stack breaks
    /// with the first misread move: here a network that pushes at every byte.
    @Test func aStackNetworksMisreadMovesAreSortedByKind() throws {
        let model = try RecurrentModel.initialized(ModelConfig(arch: .lstm, embed: 4, hidden: 8, stepOutputs: 5), seed: 3)
        let w = model.layout["step_head.weight"], b = model.layout["step_head.bias"]
        for i in 0..<w.count { model.parameters[w.offset + i] = 0 }
        for (k, v) in [5, -5, -5, -5, -5].enumerated() { model.parameters[b.offset + k] = Float(v) }
        model.prepare()
        // Valid: `{` pushes (right), the later branch's `{` moves (wrong), `}` pops (read as a push),
        // the comment's `(` is inert (read as a push), and every other byte is no bracket.
        let text = Array("#if A\n{\n#else\n{\n#endif\n}\n/* ( */ x\n".utf8)
        var p = LexicalProbe(readsMoves: true)
        p.read([text, Array("a\n".utf8)], model: model, threads: 1)
        let by = p.movesMisreadBy
        #expect(p.brackets == 4 && p.movesMisread == 3 && p.kindsMisread == 3)  // kinds read `()`: the braces are wrong
        #expect(by[LexicalProbe.MoveMisread.missed.rawValue] == 0 && by[LexicalProbe.MoveMisread.later.rawValue] == 1)
        #expect(by[LexicalProbe.MoveMisread.inert.rawValue] == 1 && by[LexicalProbe.MoveMisread.swapped.rawValue] == 1)
        #expect(by[LexicalProbe.MoveMisread.notBracket.rawValue] == text.count - 4 + 2)
        #expect(p.validTexts == 2 && p.stackBreaksModelLexed == 2)
        let first = LexicalProbe.ValidBreak.Misplaced(offset: 0, line: 1, kind: .notBracket)
        #expect(p.validBreaks == [LexicalProbe.ValidBreak(text: 0, at: text.count - 1, atLine: 7, misread: text.count - 1, first: first),
                                  LexicalProbe.ValidBreak(text: 1, at: 1, atLine: 1, misread: 2, first: first)])
        // The same network moving nowhere: its only misreads are the two missed moves, and a
        // stack that never moves breaks nothing.
        for i in 0..<5 { model.parameters[b.offset + i] = -5 }
        model.prepare()
        var q = LexicalProbe(readsMoves: true)
        q.read([text], model: model, threads: 1)
        #expect(q.movesMisread == 2 && q.movesMisreadBy == [2, 0, 0, 0, 0] && q.stackBreaksModelLexed == 0 && q.validBreaks.isEmpty)
    }

    /// A stack network with the state outputs (`--step-outputs 7`): each byte's `later` and
    /// `nested` readings against the oracle's; the moves are read as for five outputs.
    @Test func aStackNetworksStateOutputsAreCountedAtEveryByte() throws {
        let text = Array("#if A\n{\n#else\n#ifdef B\n{\n#endif\n{\n#endif\n}\n".utf8)
        let a = NestingOracle.analyze(text)
        let later = a.laterFlags.reduce(0) { $0 + Int($1) }, nested = a.laterNestedFlags.reduce(0) { $0 + Int($1) }
        #expect(later > 0 && nested > 0 && nested < later)
        let model = try RecurrentModel.initialized(ModelConfig(arch: .lstm, embed: 4, hidden: 8, stepOutputs: 7), seed: 3)
        let w = model.layout["step_head.weight"], b = model.layout["step_head.bias"]
        for i in 0..<w.count { model.parameters[w.offset + i] = 0 }
        // No move anywhere; `later` on at every byte, `nested` off.
        for (k, v) in [-5, -5, -5, -5, -5, 5, -5].enumerated() { model.parameters[b.offset + k] = Float(v) }
        model.prepare()
        var p = LexicalProbe(readsMoves: true)
        p.read([text], model: model, threads: 1)
        #expect(p.stateBytes == text.count && p.laterBytes == later && p.nestedBytes == nested)
        #expect(p.laterMisread == text.count - later && p.nestedMisread == nested)
        #expect(p.movesMisread == 2 && p.stackBreaksModelLexed == 0)  // `{` and `}` of the first branch missed
        // A five-output network has no state to count.
        let five = try RecurrentModel.initialized(ModelConfig(arch: .lstm, embed: 4, hidden: 8, stepOutputs: 5), seed: 3)
        var q = LexicalProbe(readsMoves: true)
        q.read([text], model: five, threads: 1)
        #expect(q.stateBytes == 0 && q.laterMisread == 0)
    }

    /// On generated C (with its conditionals, `#if 0` groups and decoys) the first-branch stack
    /// agrees with the oracle on every valid text, and on broken ones catches all but breaks that
    /// lie in later branches; the `later` bit of the step targets is exactly those ranges.
    @Test func firstBranchStackAgreesWithTheOracleOnGeneratedC() throws {
        let g = try ExampleGenerator(GeneratorOptions(language: .c, minLength: 200, maxLength: 4000))
        var p = LexicalProbe(), withLater = 0
        for i in 0..<300 {
            let text = g.example(seed: 77, index: i, valid: i % 2 == 0).text
            let a = NestingOracle.analyze(text)
            if !a.laterBranches.isEmpty { withLater += 1 }
            if a.laterBranches.last?.upperBound == text.count { continue }  // ends inside a later branch: see StackMovesTests
            let bits = StepTargets.compute(text, laterBranches: true), plainBits = StepTargets.compute(text)
            #expect(zip(bits, zip(plainBits, a.laterFlags)).allSatisfy { $0 == $1.0 | ($1.1 == 1 ? StepTargets.laterBit : 0) })
            p.add(index: i, text: text, logits: [Float](repeating: -5, count: text.count * 3), outputs: 3)
        }
        #expect(withLater > 10, "the generator should write #else branches")
        #expect(p.validTexts > 100 && p.stackBreaksFirstBranch == 0)
        #expect(p.stackCatchesFirstBranch >= p.brokenTexts * 9 / 10)
    }
}
