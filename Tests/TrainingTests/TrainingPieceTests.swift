import NestNetSupport
@testable import ProgramGenerator
import RecurrentNet
import StepHead
import Testing
@testable import Training

@Suite("Training pieces")
struct TrainingPieceTests {
    @Test func linearProbeRecoversALinearTarget() {
        var rng = SeededRandom(seed: 1)
        let x: [[Float]] = (0..<400).map { _ in (0..<3).map { _ in Float(rng.unit() * 2 - 1) } }
        let y = x.map { 2 * Double($0[0]) - 0.5 * Double($0[2]) + 3 }
        #expect(CounterProbe.ridgeR2(x, y) > 0.9999)
        let noise = x.map { _ in rng.unit() }
        #expect(CounterProbe.ridgeR2(x, noise) < 0.05)
    }

    @Test func decayFitOfAnExponential() {
        let v = (0..<300).map { 0.5 * pow(0.99, Double($0)) }
        #expect(abs(GradientProbe.decay(v) - pow(0.99, 100)) < 1e-9)
        #expect(abs(GradientProbe.decay([Double](repeating: 2, count: 50)) - 1) < 1e-12)
    }

    @Test func breakLocationIsTheRunThatLastsToTheEnd() {
        // logits for outputs (broken, open): a flicker at byte 1, then broken from byte 4 on.
        let broken: [Float] = [-1, 2, -3, -1, 0.5, 3, 4]
        let logits: [Float] = broken.flatMap { b -> [Float] in [b, -1] }
        #expect(StepTargets.breakStart(logits, count: 7, outputs: 2) == 4)
        #expect(StepTargets.breakStart(logits, count: 4, outputs: 2) == nil)  // not broken at the end
        #expect(StepTargets.breakStart([1, 1, 1], count: 3, outputs: 1) == 0)
        let text = Array("a(b]cd".utf8)
        #expect(StepTargets.snapToCloser(text, start: 4) == 3)  // one byte after ']'
        #expect(StepTargets.snapToCloser(text, start: 5) == 3)  // two bytes after
        #expect(StepTargets.snapToCloser(text, start: 3) == 3)
        #expect(StepTargets.snapToCloser(text, start: 1) == 1)  // no closer just before: unchanged
    }

    @Test func unclosedLocationIsWhereTheOpenRunLastStarts() {
        // "x{a(bcd" read with (broken, open) logits: `open` is on at byte 1, off at byte 2 and
        // on again from byte 3 to the end, so the run that lasts starts at the '('.
        let text = Array("x{a(bcd".utf8)
        let open: [Float] = [-2, 3, -1, 2, 2, 1, 4]
        let logits = open.flatMap { o -> [Float] in [-5, o] }
        #expect(StepTargets.runStart(logits, count: 7, outputs: 2, output: 1) == 3)
        #expect(StepTargets.runStart(logits, count: 3, outputs: 2, output: 1) == nil)  // off at the end
        #expect(StepTargets.snapToOpener(text, start: 3) == 3)  // '(' itself
        #expect(StepTargets.snapToOpener(text, start: 2) == 1)  // one byte after '{'
        #expect(StepTargets.snapToOpener(text, start: 6) == 6)  // no opener just before: unchanged
        #expect(StepTargets.errorOffset(logits, text: text, outputs: 2) == 3)
        // A break before the last byte wins over an open run: at the ']' the run starts on.
        var broken = logits
        for t in 5..<7 { broken[t * 2] = 3 }
        #expect(StepTargets.errorOffset(broken, text: Array("x{a(b]c".utf8), outputs: 2) == 5)
        // Broken only at the last byte, with no closer there: how the oracle marks the end of
        // an unclosed text, not a break.
        var last = logits
        last[12] = 3
        #expect(!StepTargets.isBreak(text, start: 6))
        #expect(StepTargets.errorOffset(last, text: text, outputs: 2) == 3)
        // … but at a closer it is a break there (an error on the last byte).
        #expect(StepTargets.errorOffset(last, text: Array("x{a(bc]".utf8), outputs: 2) == 6)
        // Neither on at the end: no location.
        #expect(StepTargets.errorOffset([Float](repeating: -1, count: 14), text: text, outputs: 2) == nil)
    }

    /// `holdScan`: the step head decides only on a run of `hold` bytes in a row past the bar, and
    /// scanning in pieces (carrying the run) decides at the same byte as one scan of the whole,
    /// wherever the cuts fall: check's verdict must not depend on its reading piece size.
    @Test func holdScanNeedsARunAndIgnoresPieceBoundaries() {
        // broken logits (P = 2; the second output is noise): flickers of 1 and 3 bytes, then a
        // run of 5 from byte 10.
        let broken: [Float] = [-3, 2, -3, 1, 1, 1, -1, -3, -3, -3, 4, 4, 4, 4, 4, 4, -3, -3]
        let logits = broken.flatMap { b -> [Float] in [b, 7] }
        let n = broken.count
        #expect(StepTargets.holdScan(logits, count: n, outputs: 2, bar: 0, hold: 1).decided == 1)
        #expect(StepTargets.holdScan(logits, count: n, outputs: 2, bar: 0, hold: 3) == (held: 3, decided: 5))
        #expect(StepTargets.holdScan(logits, count: n, outputs: 2, bar: 0, hold: 5) == (held: 10, decided: 14))
        #expect(StepTargets.holdScan(logits, count: n, outputs: 2, bar: 0, hold: 7) == (held: nil, decided: nil))
        // A higher bar: the 1-logit bytes no longer count.
        #expect(StepTargets.holdScan(logits, count: n, outputs: 2, bar: 1.5, hold: 2) == (held: 10, decided: 11))
        // A run still on at the end of what was scanned is returned to carry on.
        #expect(StepTargets.holdScan(logits, count: 12, outputs: 2, bar: 0, hold: 5) == (held: 10, decided: nil))
        for hold in 1...7 {
            let whole = StepTargets.holdScan(logits, count: n, outputs: 2, bar: 0, hold: hold)
            for a in 1..<n { for b in a..<n {
                var held: Int? = nil, decided: Int? = nil
                for (lo, hi) in [(0, a), (a, b), (b, n)] where hi > lo && decided == nil {
                    (held, decided) = StepTargets.holdScan(Array(logits[(2 * lo)..<(2 * hi)]), count: hi - lo, outputs: 2,
                                                           bar: 0, hold: hold, from: lo, held: held)
                }
                #expect(decided == whole.decided && (decided == nil || held == whole.held), "hold \(hold), cuts \(a) \(b)")
            } }
        }
    }

    @Test func stepTargetBits() {
        let t = StepTargets.compute(Array("a(/*)*/]".utf8))
        // a ( / * ) * / ]   open from '(' on; inert inside the comment; broken from ']'
        #expect(t == [0, 2, 6, 6, 6, 6, 6, 1])  // the oracle recovers by popping the (, so depth is 0 at ]
        let unclosed = StepTargets.compute(Array("{x".utf8))
        #expect(unclosed == [2, 3])  // unclosed: broken only at the last byte
    }

    @Test func curriculumGrowsGeometricallyToTheTarget() {
        let g = GeneratedData(options: GeneratorOptions(minLength: 32, maxLength: 2048), examplesPerEpoch: 10,
                              curriculumStart: 128, curriculumEpochs: 5)
        #expect(g.maxLength(epoch: 1) == 128 && g.maxLength(epoch: 3) == 512 && g.maxLength(epoch: 5) == 2048 && g.maxLength(epoch: 9) == 2048)
        #expect(g.options(epoch: 1).minLength == 32)
    }

    /// Settings an epoch cannot generate from (C needs 24 bytes; at most 3 here) are an error,
    /// not an empty minibatch: the trainer would step on the previous step's gradients.
    @Test func anEpochThatCannotGenerateIsAnErrorNotAnEmptyBatch() {
        let g = GeneratedData(options: GeneratorOptions(minLength: 1, maxLength: 3), examplesPerEpoch: 8)
        #expect(throws: (any Error).self) { try g.examples(epoch: 1, range: 0..<8, seed: 1) }
        #expect(throws: (any Error).self) { try TrainingData.generated(g).batch(epoch: 1, step: 0, size: 8, seed: 1, order: []) }
        // Settings that can generate still give every example.
        let ok = GeneratedData(options: GeneratorOptions(minLength: 32, maxLength: 64), examplesPerEpoch: 8)
        #expect((try? ok.examples(epoch: 1, range: 0..<8, seed: 1).count) == 8)
    }

    @Test func lengthBucketingKeepsEveryExampleOnceAndGroupsLengths() throws {
        // 10 minibatches of 8 from a fixed set with lengths 1…80 in shuffled order.
        var rng = SeededRandom(seed: 3)
        var lengths = Array(1...80); rng.shuffle(&lengths)
        let set = lengths.map { Example(text: [UInt8](repeating: 40, count: $0), valid: true, maxDepth: 1, edit: nil, error: nil) }
        let data = TrainingData.fixed(set), order = Array(0..<80)
        var seen: [Int] = []
        for pool in 0..<3 {  // pools of 4, 4 and the last 2 minibatches
            let batches = try data.bucketed(epoch: 1, pool: pool, bucket: 4, size: 8, steps: 10, seed: 7, order: order)
            #expect(batches.count == (pool < 2 ? 4 : 2))
            for b in batches {
                let l = b.map(\.text.count)
                #expect(l.count == 8)
                // A pool of 32 random lengths cut in sorted order: each batch spans a quarter of it.
                #expect(l.max()! - l.min()! < 60, "\(l)")
                seen += l
            }
            let again = try data.bucketed(epoch: 1, pool: pool, bucket: 4, size: 8, steps: 10, seed: 7, order: order)
            #expect(again.map { $0.map(\.text.count) } == batches.map { $0.map(\.text.count) })
        }
        #expect(seen.sorted() == Array(1...80))
        // Within a pool the batches are sorted runs: their ranges do not overlap.
        let pool0 = try data.bucketed(epoch: 1, pool: 0, bucket: 4, size: 8, steps: 10, seed: 7, order: order)
            .map { ($0.map(\.text.count).min()!, $0.map(\.text.count).max()!) }.sorted { $0.0 < $1.0 }
        for k in 1..<pool0.count { #expect(pool0[k - 1].1 < pool0[k].0) }
    }

    @Test func monitorDecidesWhatIsBetter() {
        let acc = ValidationMetric.accuracy, loss = ValidationMetric.loss
        #expect(acc.isImprovement(accuracy: 0.5, loss: 9, bestAccuracy: nil, bestLoss: nil))
        #expect(acc.isImprovement(accuracy: 0.9, loss: 0.5, bestAccuracy: 0.8, bestLoss: 0.1))
        #expect(!acc.isImprovement(accuracy: 0.8, loss: 0.2, bestAccuracy: 0.8, bestLoss: 0.1))
        #expect(acc.isImprovement(accuracy: 0.8, loss: 0.05, bestAccuracy: 0.8, bestLoss: 0.1))
        #expect(!loss.isImprovement(accuracy: 0.9, loss: 0.5, bestAccuracy: 0.8, bestLoss: 0.1))
        #expect(loss.isImprovement(accuracy: 0.7, loss: 0.05, bestAccuracy: 0.8, bestLoss: 0.1))
        #expect(loss.isImprovement(accuracy: 0.9, loss: 0.1, bestAccuracy: 0.8, bestLoss: 0.1))
        #expect(TrainingConfig(model: .init(arch: .lstm)).metadata["train.monitor"] == "accuracy")
    }

    @Test func cosineScheduleEndsAtFivePercent() {
        var c = TrainingConfig(model: .init(arch: .lstm))
        c.epochs = 11; c.learningRate = 1; c.schedule = .cosine
        #expect(c.learningRate(epoch: 1) == 1)
        #expect(abs(c.learningRate(epoch: 11) - 0.05) < 1e-6)
        #expect(abs(c.learningRate(epoch: 6) - 0.525) < 1e-6)
    }

    /// `cosine-steps` moves the rate at every step of the whole run, down to 5% at its last
    /// step, and the optimizer trains with it; `cosine` keeps one rate an epoch, so a one-epoch
    /// run under it never decays (every one-epoch stage of scripts/train-stack.sh until session 51).
    @Test func cosineStepsDecaysOverTheRunsSteps() throws {
        var c = TrainingConfig(model: .init(arch: .lstm))
        c.learningRate = 1; c.schedule = .cosineSteps
        #expect(c.learningRate(step: 0, of: 11, epoch: 1) == 1)
        #expect(abs(c.learningRate(step: 5, of: 11, epoch: 1) - 0.525) < 1e-6)
        #expect(abs(c.learningRate(step: 10, of: 11, epoch: 1) - 0.05) < 1e-6)
        c.schedule = .cosine; c.epochs = 1
        #expect(c.learningRate(step: 10, of: 11, epoch: 1) == 1)
        #expect(LearningRateSchedule(rawValue: "cosine-steps") == .cosineSteps)

        // Four examples, two a step: each epoch two steps.
        let texts = ["f(a[0]);", "{ g(x); }", "int a[2] = {1, 2};", "if (a) { b(); }"].map { Array($0.utf8) }
        let data = TrainingData.fixed(texts.map { Example(labelling: $0, edit: nil) })
        func run(_ schedule: LearningRateSchedule, epochs: Int) throws -> (rates: [Float], parameters: [Float]) {
            var cfg = TrainingConfig(model: ModelConfig(arch: .lstm, embed: 4, hidden: 8))
            cfg.epochs = epochs; cfg.batch = 2; cfg.threads = 1; cfg.learningRate = 0.01; cfg.schedule = schedule
            let trainer = try Trainer(cfg, data: data, valid: [])
            try trainer.run(statePath: nil, saveEvery: 0, bestPath: nil)
            return (trainer.progress.history.map(\.learningRate), trainer.model.parameters)
        }
        // Three epochs, six steps: the rate each epoch ends on is that of steps 1, 3 and 5 of 0–5.
        let steps = try run(.cosineSteps, epochs: 3).rates
        for (rate, step) in zip(steps, [1.0, 3, 5]) {
            #expect(abs(rate - 0.01 * Float(0.05 + 0.95 * 0.5 * (1 + cos(Double.pi * step / 5)))) < 1e-7)
        }
        let perEpoch = try run(.cosine, epochs: 3).rates
        #expect(perEpoch.count == 3 && zip(perEpoch, [0.01, 0.00525, 0.0005] as [Float]).allSatisfy { abs($0 - $1) < 1e-7 })
        // One epoch: cosine-steps ends at 5%, cosine at --lr, and the decayed run's weights differ.
        let one = try run(.cosineSteps, epochs: 1), flat = try run(.cosine, epochs: 1)
        #expect(abs(one.rates[0] - 0.0005) < 1e-9 && flat.rates == [0.01])
        let constant = try run(.constant, epochs: 1)
        #expect(one.parameters != flat.parameters && flat.parameters == constant.parameters)
    }

    /// `--broken-weight` and `--inert-weight` need per-step targets and a positive finite factor;
    /// only a set weight appears in the metadata, so states and models trained before it keep
    /// theirs unchanged.
    func checkStepWeight(_ weight: WritableKeyPath<TrainingConfig, Float?>, key: String) throws {
        var c = TrainingConfig(model: .init(arch: .lstm, stepOutputs: StepTargets.outputs))
        c.stepLossWeight = 1
        try c.validate()
        #expect(c.metadata[key] == nil)
        c[keyPath: weight] = 4
        try c.validate()
        #expect(c.metadata[key] == "4.0")
        for bad: Float in [0, -1, .infinity, .nan] {
            c[keyPath: weight] = bad
            #expect(throws: NestNetError.self) { try c.validate() }
        }
        c[keyPath: weight] = 2; c.stepLossWeight = 0
        #expect(throws: NestNetError.self) { try c.validate() }
    }

    @Test func brokenWeightIsCheckedAndRecordedOnlyWhenSet() throws {
        try checkStepWeight(\.brokenWeight, key: "train.broken_weight")
    }

    /// The inert weight also needs the step head's `inert` output (3 outputs or more).
    @Test func inertWeightIsCheckedAndRecordedOnlyWhenSet() throws {
        try checkStepWeight(\.inertWeight, key: "train.inert_weight")
        var c = TrainingConfig(model: .init(arch: .lstm, stepOutputs: 2))
        c.stepLossWeight = 1; c.inertWeight = 2
        #expect(throws: NestNetError.self) { try c.validate() }
        c.model.stepOutputs = 3
        try c.validate()
    }

    /// `--broken-latch` trains the step head's `broken` output, so it needs per-step targets;
    /// only a latch-trained model says so in its metadata.
    @Test func brokenLatchIsCheckedAndRecordedOnlyWhenSet() throws {
        var c = TrainingConfig(model: .init(arch: .lstm, stepOutputs: StepTargets.outputs))
        c.stepLossWeight = 1
        try c.validate()
        #expect(c.metadata["train.broken_latch"] == nil)
        c.brokenLatch = true
        try c.validate()
        #expect(c.metadata["train.broken_latch"] == "max")
        c.stepLossWeight = 0
        #expect(throws: NestNetError.self) { try c.validate() }
    }

    /// `--lexer-only` trains the step head's `inert` output, so it needs per-step targets with
    /// that output, and it takes no option that weighs another output or watches validation.
    @Test func lexerOnlyIsCheckedAndRecordedOnlyWhenSet() throws {
        var c = TrainingConfig(model: .init(arch: .lstm, stepOutputs: StepTargets.outputs))
        c.stepLossWeight = 1
        #expect(c.metadata["train.lexer_only"] == nil)
        c.lexerOnly = true; c.inertWeight = 10
        try c.validate()
        #expect(c.metadata["train.lexer_only"] == "inert")
        c.patience = 2
        #expect(throws: NestNetError.self) { try c.validate() }
        c.patience = nil; c.brokenLatch = true
        #expect(throws: NestNetError.self) { try c.validate() }
        c.brokenLatch = nil; c.stepLossWeight = 0
        #expect(throws: NestNetError.self) { try c.validate() }
        var two = TrainingConfig(model: .init(arch: .lstm, stepOutputs: 2))
        two.stepLossWeight = 1; two.lexerOnly = true
        #expect(throws: NestNetError.self) { try two.validate() }
    }

    /// `--later-branches` adds a lexer's `later` output: only with `--lexer-only`, and recorded
    /// so that `probe lexical` knows to read it.
    @Test func laterBranchesNeedsLexerOnlyAndIsRecorded() throws {
        var c = TrainingConfig(model: .init(arch: .lstm, stepOutputs: StepTargets.outputs))
        c.stepLossWeight = 1; c.lexerLater = true
        #expect(throws: NestNetError.self) { try c.validate() }
        c.lexerOnly = true
        try c.validate()
        #expect(c.metadata["train.lexer_only"] == "inert+later")
        c.lexerMoves = true
        #expect(throws: NestNetError.self) { try c.validate() }  // not with --later-branches
        c.lexerLater = nil
        #expect(throws: NestNetError.self) { try c.validate() }  // needs five step outputs
        var five = TrainingConfig(model: .init(arch: .lstm, stepOutputs: StackMoves.outputs))
        five.stepLossWeight = 1; five.lexerMoves = true
        #expect(throws: NestNetError.self) { try five.validate() }  // needs --lexer-only
        five.lexerOnly = true
        try five.validate()
        #expect(five.metadata["train.lexer_only"] == "stack-moves")
    }

    @Test func counterUnitsAreCheckedAndRecordedOnlyWhenSet() throws {
        var c = TrainingConfig(model: .init(arch: .lstm, hidden: 16))
        try c.validate()
        #expect(c.metadata["train.counter_units"] == nil && c.counters.isEmpty)
        c.counterUnits = 4; c.counterRateScale = 10
        try c.validate()
        #expect(c.metadata["train.counter_units"] == "4" && c.metadata["train.counter_lr_scale"] == "10.0" && c.counters == 12..<16)
        for bad in [0, -1, 17] { c.counterUnits = bad; #expect(throws: NestNetError.self) { try c.validate() } }
        c.counterUnits = 4
        for bad: Float in [0, -1, .infinity, .nan] { c.counterRateScale = bad; #expect(throws: NestNetError.self) { try c.validate() } }
        c.counterUnits = nil; c.counterRateScale = 2
        #expect(throws: NestNetError.self) { try c.validate() }
        var g = TrainingConfig(model: .init(arch: .gru, hidden: 16)); g.counterUnits = 2
        #expect(throws: NestNetError.self) { try g.validate() }
        // The depth loss: positive, only with counters, recorded only when set.
        c.counterRateScale = nil
        c.counterDepthWeight = 1; #expect(throws: NestNetError.self) { try c.validate() }
        c.counterUnits = 4
        try c.validate()
        #expect(c.metadata["train.counter_depth_loss"] == "1.0")
        for bad: Float in [0, -1, .infinity, .nan] { c.counterDepthWeight = bad; #expect(throws: NestNetError.self) { try c.validate() } }
        c.counterDepthWeight = nil
        #expect(c.metadata["train.counter_depth_loss"] == nil)
    }
}

#if canImport(Glibc)
import Glibc
#endif
