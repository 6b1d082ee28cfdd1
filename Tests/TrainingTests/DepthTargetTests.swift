import NestNetSupport
@testable import ProgramGenerator
import RecurrentNet
import StepHead
import Testing
@testable import Training

@Suite("Clipped-depth step targets")
struct DepthTargetTests {
    @Test func depthBitsFollowTheOracle() {
        let text = Array("a{b(c[d]e)f}g /* { */".utf8)
        let t = StepTargets.compute(text)
        // depth after each byte: a0 {1 b1 (2 c2 [3 d3 ]2 e2 )1 f1 }0 g0 …
        let depth2 = t.map { ($0 >> 3) & 1 }, depth3 = t.map { ($0 >> 4) & 1 }, open = t.map { ($0 >> 1) & 1 }
        #expect(Array(open.prefix(13)) == [0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0])
        #expect(Array(depth2.prefix(13)) == [0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0])
        #expect(Array(depth3.prefix(13)) == [0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0])
        #expect(depth2.suffix(8).allSatisfy { $0 == 0 })  // the comment's brace does not count
    }

    /// The counters' depth targets are the oracle's depth after each byte, the same analysis as
    /// the step bits; from a bad closer on there is none (255), and an unclosed opener masks only
    /// the last byte, where the break becomes known.
    @Test func counterDepthsFollowTheOracleAndStopAtABreak() {
        let text = Array("a{b(c[d]e)f}g /* { */".utf8)
        let (bits, d) = StepTargets.computeWithDepths(text)
        #expect(bits == StepTargets.compute(text))
        #expect(Array(d.prefix(13)) == [0, 1, 1, 2, 2, 3, 3, 2, 2, 1, 1, 0, 0])
        #expect(d.suffix(8).allSatisfy { $0 == 0 })
        let bad = StepTargets.computeWithDepths(Array("{(x)}]{y".utf8)).depths
        #expect(bad == [1, 2, 2, 1, 0, 255, 255, 255])
        let open = StepTargets.computeWithDepths(Array("{(x)".utf8)).depths
        #expect(open == [1, 2, 2, StepTargets.noDepth])
        // Deeper than 254: clipped; the last byte is the unclosed break.
        let deep = StepTargets.computeWithDepths(Array(repeating: UInt8(ascii: "("), count: 300)).depths
        #expect(deep[0] == 1 && deep[252] == 253 && deep[253..<299].allSatisfy { $0 == 254 } && deep[299] == 255)
    }

    /// The epoch record carries the mean step loss and depth loss when the run has them (the
    /// training log prints them), and neither when it does not; a state whose running sums of
    /// them are negative is refused.
    @Test func epochRecordsTheStepAndDepthLossesOnlyWhenTrained() throws {
        let texts = ["f(a[0]);", "{ g(x); }", "int a[2] = {1, 2};", "if (a) { b(); }"].map { Array($0.utf8) }
        let data = TrainingData.fixed(texts.map { Example(labelling: $0, edit: nil) })
        func history(step: Bool, depth: Bool) throws -> EpochRecord {
            var cfg = TrainingConfig(model: ModelConfig(arch: .lstm, embed: 4, hidden: 8, stepOutputs: step ? 5 : 0))
            cfg.epochs = 1; cfg.batch = 2; cfg.threads = 1
            if step { cfg.stepLossWeight = 1 }
            if depth { cfg.counterUnits = 2; cfg.counterDepthWeight = 0.5 }
            let trainer = try Trainer(cfg, data: data, valid: [])
            try trainer.run(statePath: nil, saveEvery: 0, bestPath: nil)
            return try #require(trainer.progress.history.first)
        }
        let both = try history(step: true, depth: true)
        #expect((both.stepLoss ?? 0) > 0 && both.stepLoss!.isFinite)
        #expect((both.counterLoss ?? 0) > 0 && both.counterLoss!.isFinite)
        let stepOnly = try history(step: true, depth: false)
        #expect(stepOnly.stepLoss != nil && stepOnly.counterLoss == nil)
        let neither = try history(step: false, depth: false)
        #expect(neither.stepLoss == nil && neither.counterLoss == nil)

        var p = TrainingProgress()
        p.stepInEpoch = 1; p.globalStep = 1; p.auxSteps = 1; p.stepLossSum = 0.5
        #expect(p.problem(epochs: 1, stepsInEpoch: { _ in 2 }) == nil)
        p.counterLossSum = -1
        #expect(p.problem(epochs: 1, stepsInEpoch: { _ in 2 }) != nil)
        p.counterLossSum = 0; p.auxSteps = 2
        #expect(p.problem(epochs: 1, stepsInEpoch: { _ in 2 }) != nil)
    }

    /// Fine-tuning a three-output model into a five-output one keeps every weight it had and
    /// the first three step-head rows; the two new rows keep the fresh initialisation.
    @Test func initFromAThreeOutputModelKeepsItsRows() throws {
        let small = try RecurrentModel.initialized(ModelConfig(arch: .lstm, embed: 4, hidden: 8, stepOutputs: 3), seed: 7)
        var cfg = TrainingConfig(model: ModelConfig(arch: .lstm, embed: 4, hidden: 8, stepOutputs: 5))
        cfg.stepLossWeight = 1
        let data = TrainingData.fixed([Example(labelling: Array("f(a[0]);".utf8), edit: nil)])
        let trainer = try Trainer(cfg, data: data, valid: [])
        let fresh = trainer.model.parameters
        try trainer.initialize(from: small, source: "small")
        let big = trainer.model
        for s in small.layout.specs {
            let d = big.layout[s.name]
            #expect(Array(big.parameters[d.offset..<d.offset + s.count]) == Array(small.parameters[s.offset..<s.offset + s.count]), "\(s.name)")
        }
        let w = big.layout["step_head.weight"], b = big.layout["step_head.bias"]
        #expect(Array(big.parameters[(w.offset + 3 * 8)..<(w.offset + 5 * 8)]) == Array(fresh[(w.offset + 3 * 8)..<(w.offset + 5 * 8)]))
        #expect(Array(big.parameters[(b.offset + 3)..<(b.offset + 5)]) == Array(fresh[(b.offset + 3)..<(b.offset + 5)]))
        // A wider model is still refused.
        let wide = try RecurrentModel.initialized(ModelConfig(arch: .lstm, embed: 4, hidden: 16, stepOutputs: 3), seed: 7)
        #expect(throws: NestNetError.self) { try trainer.initialize(from: wide, source: "wide") }
    }

    /// A five-output stack network grows the two state outputs the same way: its rows kept,
    /// the new ones fresh.
    @Test func initFromAFiveOutputStackNetworkKeepsItsRows() throws {
        let five = try RecurrentModel.initialized(ModelConfig(arch: .lstm, embed: 4, hidden: 8, stepOutputs: StackMoves.outputs), seed: 7)
        var cfg = TrainingConfig(model: ModelConfig(arch: .lstm, embed: 4, hidden: 8, stepOutputs: StackMoves.stateOutputs))
        cfg.stepLossWeight = 1; cfg.lexerOnly = true; cfg.lexerMoves = true
        try cfg.validate()
        let data = TrainingData.fixed([Example(labelling: Array("f(a[0]);".utf8), edit: nil)])
        let trainer = try Trainer(cfg, data: data, valid: [])
        let fresh = trainer.model.parameters
        try trainer.initialize(from: five, source: "five")
        let seven = trainer.model, w = seven.layout["step_head.weight"], b = seven.layout["step_head.bias"]
        let w5 = five.layout["step_head.weight"], b5 = five.layout["step_head.bias"]
        #expect(Array(seven.parameters[w.offset..<(w.offset + 5 * 8)]) == Array(five.parameters[w5.offset..<(w5.offset + 5 * 8)]))
        #expect(Array(seven.parameters[b.offset..<(b.offset + 5)]) == Array(five.parameters[b5.offset..<(b5.offset + 5)]))
        #expect(Array(seven.parameters[(w.offset + 5 * 8)..<(w.offset + 7 * 8)]) == Array(fresh[(w.offset + 5 * 8)..<(w.offset + 7 * 8)]))
        // Seven outputs are a stack network's only: not for a plain step head.
        var plain = TrainingConfig(model: ModelConfig(arch: .lstm, embed: 4, hidden: 8, stepOutputs: 7))
        plain.stepLossWeight = 1
        #expect(throws: NestNetError.self) { try plain.validate() }
        plain.lexerOnly = true
        #expect(throws: NestNetError.self) { try plain.validate() }
    }
}
