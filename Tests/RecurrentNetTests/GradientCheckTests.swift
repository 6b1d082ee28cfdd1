import Testing
@testable import RecurrentNet

@Suite("Finite-difference gradient checks against a Double reference")
struct GradientCheckTests {
    static let cases: [(Architecture, Int, Int, Int, Int)] = [
        // arch, embed, hidden, layers, step outputs. Odd sizes exercise the scalar edges,
        // 16 the SIMD micro-kernels.
        (.rnn, 3, 5, 1, 0), (.lstm, 3, 5, 1, 0), (.gru, 3, 5, 1, 0),
        (.rnn, 4, 16, 2, 2), (.lstm, 4, 16, 2, 2), (.gru, 4, 16, 2, 2),
        (.lstm, 5, 7, 1, 1), (.gru, 2, 9, 2, 1),
        (.irnn, 3, 5, 1, 0), (.irnn, 4, 16, 2, 2),
        (.lstm, 4, 16, 1, 3),  // the `inert` output, weighted at brackets
    ]

    static func batch(steps: Int) -> SequenceBatch {
        let seqs: [[UInt8]] = [Array("f(a[1]){".utf8), Array("}x".utf8), [], Array("(((".utf8), Array("{[()]}ab".utf8)]
        let targets: [[UInt8]]? = steps > 0 ? seqs.map { s in s.indices.map { UInt8(($0 * 7 + s.count) % 8) } } : nil
        return SequenceBatch(sequences: seqs, labels: [1, 0, 1, 0, 1], stepTargets: targets, stepWeight: 0.7,
                             brokenWeight: 2.5, inertWeight: 3)
    }

    @Test(arguments: 0..<cases.count)
    func everyParameterMatchesFiniteDifferences(caseIndex: Int) throws {
        let (arch, e, h, layers, steps) = Self.cases[caseIndex]
        try check(ModelConfig(arch: arch, embed: e, hidden: h, layers: layers, stepOutputs: steps), batch: Self.batch(steps: steps))
    }

    /// `train --broken-latch`: output 0 read through running maxima. The targets of output 0
    /// come on and go off again (runs), so a run's maximum restarts; the rest as above.
    @Test(arguments: [(Architecture.lstm, 16, 3), (.gru, 7, 2)])
    func latchedBrokenOutputMatchesFiniteDifferences(arch: Architecture, hidden: Int, steps: Int) throws {
        var batch = Self.batch(steps: steps)
        batch.brokenLatch = true
        try check(ModelConfig(arch: arch, embed: 4, hidden: hidden, stepOutputs: steps), batch: batch)
    }

    /// `train --lexer-only`: the `inert` output alone (weighted at brackets); the final head and
    /// the other outputs take no gradient.
    @Test func lexerOnlyMatchesFiniteDifferences() throws {
        var batch = Self.batch(steps: 3)
        batch.lexerOnly = true
        try check(ModelConfig(arch: .lstm, embed: 4, hidden: 16, stepOutputs: 3), batch: batch)
        try expectTrainedRows(batch, outputs: 3, rows: [2])
    }

    /// Only the step head's `rows` (of `outputs`) take a gradient from `batch`; the final head none.
    func expectTrainedRows(_ batch: SequenceBatch, outputs: Int, rows: Set<Int>) throws {
        let model = try RecurrentModel.initialized(ModelConfig(arch: .lstm, embed: 4, hidden: 16, stepOutputs: outputs), seed: 5)
        _ = model.backward(batch, threads: 2)
        let head = model.layout["head.weight"], steps = model.layout["step_head.weight"]
        #expect(model.gradients[head.offset..<(head.offset + head.count)].allSatisfy { $0 == 0 })
        for row in 0..<outputs {
            let g = model.gradients[(steps.offset + row * 16)..<(steps.offset + (row + 1) * 16)]
            #expect(g.contains { $0 != 0 } == rows.contains(row), "row \(row)")
        }
    }

    /// `train --lexer-only --later-branches`: output 1 too, against bit 5 of each target byte
    /// (`later`), weighted at brackets like `inert`; output 0 and the final head take no gradient.
    @Test func lexerLaterMatchesFiniteDifferences() throws {
        var batch = Self.batch(steps: 3)
        // Bit 5 on at a spread of bytes, brackets among them, and bit 1 set differently, so a
        // loss that read bit 1 for `later` would not match the reference.
        batch.stepTargets = batch.stepTargets!.map { row in row.enumerated().map { t, b in (b & 0b101) | (t % 3 == 0 ? 32 : 0) | (t % 2 == 0 ? 2 : 0) } }
        batch.lexerOnly = true; batch.lexerLater = true
        try check(ModelConfig(arch: .lstm, embed: 4, hidden: 16, stepOutputs: 3), batch: batch)
        try expectTrainedRows(batch, outputs: 3, rows: [1, 2])
    }

    /// `train --lexer-only --stack-moves`: all five outputs against their own bits, the kind
    /// bits (outputs 3 and 4) at brackets only; the final head takes no gradient.
    @Test func stackMovesMatchFiniteDifferences() throws {
        var batch = Self.batch(steps: 5)
        batch.stepTargets = batch.stepTargets!.map { row in row.enumerated().map { t, b in b | (t % 3 == 0 ? 8 : 0) | (t % 2 == 1 ? 16 : 0) } }
        batch.lexerOnly = true; batch.lexerMoves = true
        try check(ModelConfig(arch: .lstm, embed: 4, hidden: 16, stepOutputs: 5), batch: batch)
        try expectTrainedRows(batch, outputs: 5, rows: [0, 1, 2, 3, 4])
        // A batch without brackets trains no kind bit.
        var plain = SequenceBatch(sequences: [Array("abc".utf8), Array("xy".utf8)], labels: [1, 1], stepTargets: [[31, 31, 31], [24, 8]],
                                  stepWeight: 1, inertWeight: 3)
        plain.lexerOnly = true; plain.lexerMoves = true
        try expectTrainedRows(plain, outputs: 5, rows: [0, 1, 2])
    }

    /// `--stack-moves --step-outputs 7`: the moves as above, and the state outputs `later` and
    /// `nested` (5, 6) against bits 5 and 6 at every byte, unweighted at brackets.
    @Test func stackMovesWithStateMatchFiniteDifferences() throws {
        var batch = Self.batch(steps: 5)
        batch.stepTargets = batch.stepTargets!.map { row in
            row.enumerated().map { t, b in b | (t % 3 == 0 ? 8 : 0) | (t % 2 == 1 ? 16 : 0) | (t % 4 < 2 ? 32 : 0) | (t % 5 == 1 ? 64 : 0) }
        }
        batch.lexerOnly = true; batch.lexerMoves = true
        try check(ModelConfig(arch: .lstm, embed: 4, hidden: 16, stepOutputs: 7), batch: batch)
        try expectTrainedRows(batch, outputs: 7, rows: Set(0..<7))
        // Without brackets: no kind bit, but the state outputs train at every byte.
        var plain = SequenceBatch(sequences: [Array("abc".utf8), Array("xy".utf8)], labels: [1, 1], stepTargets: [[31, 63, 95], [24, 8]],
                                  stepWeight: 1, inertWeight: 3)
        plain.lexerOnly = true; plain.lexerMoves = true
        try expectTrainedRows(plain, outputs: 7, rows: [0, 1, 2, 5, 6])
    }

    func check(_ config: ModelConfig, batch: SequenceBatch) throws {
        let arch = config.arch, e = config.embed
        let model = try RecurrentModel.initialized(config, seed: 11)
        // Non-zero biases so every bias path is exercised.
        for s in model.layout.specs where s.name.contains("bias") {
            for i in 0..<s.count { model.parameters[s.offset + i] = Float(((i * 37 + s.offset) % 11) - 5) * 0.05 }
        }
        model.prepare()
        let result = model.backward(batch, threads: 2)
        var ref = ReferenceModel(model)
        #expect(abs((batch.lexerOnly ? 0 : result.loss) + result.stepLoss * Double(batch.stepWeight) - ref.loss(batch)) < 1e-4)

        let usedBytes = Set(batch.sequences.joined())
        var worst = 0.0, checked = 0
        for s in model.layout.specs {
            // Small tensors in full; large ones at 60 spread-out entries.
            let picks = s.count <= 60 ? Array(0..<s.count) : (0..<60).map { ($0 * 7919 + 13) % s.count }
            for i in picks {
                if s.name == "embedding.weight" && !usedBytes.contains(UInt8(i / e)) { 
                    #expect(model.gradients[s.offset + i] == 0)
                    continue
                }
                let k = s.offset + i
                let eps = 1e-5
                let saved = ref.p[k]
                ref.p[k] = saved + eps; let up = ref.loss(batch)
                ref.p[k] = saved - eps; let down = ref.loss(batch)
                ref.p[k] = saved
                let numeric = (up - down) / (2 * eps)
                let analytic = Double(model.gradients[k])
                let err = abs(numeric - analytic) / max(1e-2, abs(numeric) + abs(analytic))
                worst = max(worst, err)
                #expect(err < 2e-3, "\(arch) \(s.name)[\(i)]: analytic \(analytic) numeric \(numeric)")
                checked += 1
            }
        }
        #expect(checked > 50)  // the smallest case has 57 checked entries
    }

    /// The counters' depth loss (`train --counter-depth-loss`) on the cells of units 4–6 of a
    /// 7-unit LSTM, beside both heads: targets 0–3 put the Huber loss in both its quadratic and
    /// its linear part, and 255 (no target) is skipped.
    @Test func counterDepthLossMatchesFiniteDifferences() throws {
        let model = try RecurrentModel.initialized(ModelConfig(arch: .lstm, embed: 3, hidden: 7, stepOutputs: 2), seed: 21)
        for s in model.layout.specs where s.name.contains("bias") {
            for i in 0..<s.count { model.parameters[s.offset + i] = Float(((i * 37 + s.offset) % 11) - 5) * 0.05 }
        }
        // Bigger candidate weights for the counters, so their cells reach past ±1.
        let bih = model.layout["rnn.bias_ih_l0"].offset
        for j in 4..<7 { model.parameters[bih + 2 * 7 + j] = 1.5 }
        model.prepare()
        var batch = Self.batch(steps: 2)
        batch.counterDepths = batch.sequences.map { s in s.indices.map { UInt8(($0 * 5 + s.count) % 5 == 4 ? 255 : ($0 * 5 + s.count) % 5) } }
        batch.counterUnits = 4..<7
        batch.counterWeight = 1.3
        let result = model.backward(batch, threads: 2)
        var ref = ReferenceModel(model)
        let total = result.loss + result.stepLoss * Double(batch.stepWeight) + result.counterLoss * Double(batch.counterWeight)
        #expect(result.counterLoss > 0)
        #expect(abs(total - ref.loss(batch)) < 1e-4)
        var checked = 0
        for s in model.layout.specs where s.name.hasPrefix("rnn.") || s.name == "embedding.weight" {
            let picks = s.count <= 60 ? Array(0..<s.count) : (0..<60).map { ($0 * 7919 + 13) % s.count }
            for i in picks {
                let k = s.offset + i, eps = 1e-5, saved = ref.p[k]
                ref.p[k] = saved + eps; let up = ref.loss(batch)
                ref.p[k] = saved - eps; let down = ref.loss(batch)
                ref.p[k] = saved
                let numeric = (up - down) / (2 * eps), analytic = Double(model.gradients[k])
                let err = abs(numeric - analytic) / max(1e-2, abs(numeric) + abs(analytic))
                #expect(err < 2e-3, "\(s.name)[\(i)]: analytic \(analytic) numeric \(numeric)")
                checked += 1
            }
        }
        #expect(checked > 150)
        // Without the depth loss the same batch gives other gradients: the term is not a no-op.
        let withDepth = model.gradients
        batch.counterWeight = 0
        let plain = model.backward(batch, threads: 2)
        #expect(plain.counterLoss == 0)
        #expect(zip(withDepth, model.gradients).contains { abs($0 - $1) > 1e-4 })
    }

    @Test(arguments: Architecture.allCases)
    func forwardMatchesReferenceAndThreadsAgree(arch: Architecture) throws {
        let model = try RecurrentModel.initialized(ModelConfig(arch: arch, embed: 8, hidden: 32, layers: 1), seed: 3)
        let seqs: [[UInt8]] = (0..<9).map { i in (0..<(i * 13 % 40)).map { UInt8(($0 * 31 + i) % 256) } }
        let one = model.predict(seqs, threads: 1), two = model.predict(seqs, threads: 2)
        let ref = ReferenceModel(model)
        for (i, s) in seqs.enumerated() {
            let z = ref.logits(s).0
            #expect(abs(Double(one.probabilities[i]) - ReferenceModel.sig(z)) < 1e-5)
            #expect(abs(one.probabilities[i] - two.probabilities[i]) < 1e-6)
        }
        let b = SequenceBatch(sequences: seqs, labels: seqs.indices.map { Float($0 % 2) })
        _ = model.backward(b, threads: 1)
        let g1 = model.gradients
        _ = model.backward(b, threads: 2)
        for (a, c) in zip(g1, model.gradients) { #expect(abs(a - c) <= 1e-5 + 1e-4 * abs(a)) }
    }

    @Test func stepLogitsMatchReference() throws {
        let model = try RecurrentModel.initialized(ModelConfig(arch: .lstm, embed: 4, hidden: 16, stepOutputs: 2), seed: 5)
        let seqs: [[UInt8]] = [Array("int f() { return (a[0]); }".utf8), Array("{".utf8)]
        let r = model.predict(seqs, threads: 2, stepOutputs: true)
        let ref = ReferenceModel(model)
        for (i, s) in seqs.enumerated() {
            let steps = ref.logits(s).1
            let got = try #require(r.stepLogits?[i])
            #expect(got.count == s.count * 2)
            for t in 0..<s.count { for k in 0..<2 { #expect(abs(Double(got[t * 2 + k]) - steps[t][k]) < 1e-4) } }
        }
    }
}

@Suite("Gradient-norm probe")
struct GradientNormProbeTests {
    @Test(arguments: Architecture.allCases)
    func normsOfDLossDHMatchFiniteDifferences(arch: Architecture) throws {
        let model = try RecurrentModel.initialized(ModelConfig(arch: arch, embed: 4, hidden: 8), seed: 12)
        let seqs: [[UInt8]] = [Array("{(a[1])}".utf8), Array("((x".utf8)]
        let batch = SequenceBatch(sequences: seqs, labels: [1, 0])
        let norms = model.gradientNorms(batch, threads: 2)
        let ref = ReferenceModel(model)
        func loss(_ i: Int, _ nudge: (t: Int, j: Int, eps: Double)) -> Double {
            // The batch loss is the mean over sequences: only sequence i feels the nudge.
            var total = 0.0
            for (k, s) in seqs.enumerated() {
                total += ReferenceModel.bce(ref.logits(s, nudge: k == i ? nudge : nil).0, Double(batch.labels[k]))
            }
            return total / Double(seqs.count)
        }
        for (i, s) in seqs.enumerated() {
            #expect(norms.h[i].count == s.count)
            for t in 0..<s.count {
                var sq = 0.0
                for j in 0..<8 {
                    let g = (loss(i, (t, j, 1e-5)) - loss(i, (t, j, -1e-5))) / 2e-5
                    sq += g * g
                }
                let numeric = sq.squareRoot(), got = Double(norms.h[i][t])
                #expect(abs(numeric - got) <= 1e-4 + 2e-3 * numeric, "\(arch) seq \(i) t \(t): \(got) vs \(numeric)")
            }
        }
        #expect((norms.c != nil) == (arch == .lstm))
    }
}
