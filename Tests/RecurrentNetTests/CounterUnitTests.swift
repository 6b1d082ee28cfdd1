import NestNetSupport
@testable import RecurrentNet
import Testing

@Suite("Counter units (train --counter-units)")
struct CounterUnitTests {
    /// A counter's cell never leaks: with its input gate held open and a constant candidate, the
    /// cell after 20,000 bytes is 20,000 times what one byte writes (a unit with forget gate
    /// 0.9999 would hold less than half of that).
    @Test func aCounterCellKeepsEverythingItIsGiven() throws {
        let m = try RecurrentModel.initialized(ModelConfig(arch: .lstm, embed: 4, hidden: 8), seed: 3)
        m.makeCounters(6..<8)
        #expect(m.isCounter(6) && m.isCounter(7) && !m.isCounter(5))
        let H = 8, bih = m.layout["rnn.bias_ih_l0"].offset, ih = m.layout["rnn.weight_ih_l0"].offset, hh = m.layout["rnn.weight_hh_l0"].offset
        // Unit 7: input gate saturated open (i = 1), candidate tanh(0.3) at every byte.
        for c in 0..<4 { m.parameters[ih + 7 * 4 + c] = 0 }
        for c in 0..<H { m.parameters[hh + 7 * H + c] = 0 }
        m.parameters[bih + 7] = RecurrentModel.counterForgetBias
        m.parameters[bih + 2 * H + 7] = 0.3
        m.prepare()
        var rng = SeededRandom(seed: 8)
        let text = (0..<20_000).map { _ in UInt8(rng.below(256)) }
        let c = m.states(text).c!
        let perByte = Double(scalarTanh(0.3))
        #expect(abs(Double(c[0][7]) - perByte) < 1e-6)
        #expect(abs(Double(c[19_999][7]) / (20_000 * perByte) - 1) < 1e-3)
        // Unit 6 was made a counter and nothing has written to it: its cell is still 0.
        #expect(c.allSatisfy { $0[6] == 0 })
    }

    /// σ(20) is 1 − 2⁻²⁴ in this engine's Float sigmoid (1.0 in `torch.nn`), so a counter
    /// leaks 6e-8 a byte; its gradient is about 1e-12 of the other weights', which Adam would
    /// still scale up to full steps, so the counters' rate scale freezes the forget rows.
    @Test func trainingNeverMovesACountersForgetGate() throws {
        let m = try RecurrentModel.initialized(ModelConfig(arch: .lstm, embed: 4, hidden: 8, stepOutputs: 3), seed: 4)
        m.makeCounters(5..<8)
        let bih = m.layout["rnn.bias_ih_l0"].offset
        m.parameters[bih + 2 * 8 + 6] = 0.5  // let unit 6 write, so its cell is not 0
        m.prepare()
        var rng = SeededRandom(seed: 2)
        let texts = [300, 77].map { n in (0..<n).map { _ in UInt8(rng.below(256)) } }
        #expect(1 - scalarSigmoid(RecurrentModel.counterForgetBias) <= 6e-8)
        let r = m.backward(SequenceBatch(sequences: texts, labels: [1, 0]), threads: 2, bptt: nil)
        #expect(r.loss.isFinite)
        let ih = m.layout["rnn.weight_ih_l0"].offset, hh = m.layout["rnn.weight_hh_l0"].offset
        #expect(abs(m.gradients[bih + 8 + 6]) < 1e-9)
        // The candidate of the unit that writes does get a gradient.
        #expect(m.gradients[bih + 2 * 8 + 6] != 0)
        let before = m.parameters
        var o = Optimizer(.adam, learningRate: 0.01, parameterCount: m.parameterCount)
        o.update(&m.parameters, m.gradients, rateScale: m.counterRateScale(5..<8, scale: 10))
        for j in 5..<8 {
            let row = 8 + j
            #expect((0..<4).allSatisfy { m.parameters[ih + row * 4 + $0] == before[ih + row * 4 + $0] })
            #expect((0..<8).allSatisfy { m.parameters[hh + row * 8 + $0] == before[hh + row * 8 + $0] })
            #expect(m.parameters[bih + row] == before[bih + row])
        }
        #expect(m.parameters[bih + 2 * 8 + 6] != before[bih + 2 * 8 + 6])
    }

    /// Widening with counters still computes the narrow model, and the weights that read the
    /// counters start at a tenth of their fresh values, not at zero (or no gradient reaches them).
    @Test func widenedCountersStartSilentButReachable() throws {
        let narrow = try RecurrentModel.initialized(ModelConfig(arch: .lstm, embed: 4, hidden: 8, stepOutputs: 3), seed: 11)
        let wide = try RecurrentModel.initialized(ModelConfig(arch: .lstm, embed: 4, hidden: 12, stepOutputs: 3), seed: 12)
        let fresh = wide.parameters
        try wide.widen(from: narrow, counterUnits: 2)
        #expect((0..<12).map(wide.isCounter) == Array(repeating: false, count: 10) + [true, true])
        var rng = SeededRandom(seed: 5)
        let texts: [[UInt8]] = [2000, 31].map { n in (0..<n).map { _ in UInt8(rng.below(256)) } }
        let a = narrow.predict(texts, threads: 2, stepOutputs: true), b = wide.predict(texts, threads: 2, stepOutputs: true)
        for i in texts.indices { #expect(abs(a.probabilities[i] - b.probabilities[i]) < 1e-5) }
        let head = wide.layout["head.weight"].offset, hh = wide.layout["rnn.weight_hh_l0"].offset
        #expect(wide.parameters[head + 10] == fresh[head + 10] / 10 && wide.parameters[head + 10] != 0)
        #expect(wide.parameters[head + 9] == 0, "a new unit that is not a counter is read by nothing yet")
        #expect(wide.parameters[hh + 3 * 12 + 11] == fresh[hh + 3 * 12 + 11] / 10)
        #expect(throws: NestNetError.self) { try wide.widen(from: narrow, counterUnits: 5) }
        let gru = try RecurrentModel.initialized(ModelConfig(arch: .gru, embed: 4, hidden: 12), seed: 1)
        let narrowGRU = try RecurrentModel.initialized(ModelConfig(arch: .gru, embed: 4, hidden: 8), seed: 1)
        #expect(throws: NestNetError.self) { try gru.widen(from: narrowGRU, counterUnits: 2) }
    }

    /// The rate scale covers the counters' own weights and every weight that reads them.
    @Test func rateScaleCoversTheCountersAndTheirReaders() throws {
        let m = try RecurrentModel.initialized(ModelConfig(arch: .lstm, embed: 4, hidden: 8, stepOutputs: 3), seed: 1)
        let s = m.unitRateScale(7..<8, scale: 10)
        let ih = m.layout["rnn.weight_ih_l0"].offset, hh = m.layout["rnn.weight_hh_l0"].offset
        let head = m.layout["head.weight"].offset, sh = m.layout["step_head.weight"].offset
        for g in 0..<4 {
            #expect(s[ih + (g * 8 + 7) * 4] == 10 && s[ih + (g * 8 + 6) * 4] == 1)
            #expect(s[hh + (g * 8 + 2) * 8 + 7] == 10 && s[hh + (g * 8 + 2) * 8 + 6] == 1)
        }
        #expect(s[head + 7] == 10 && s[head + 6] == 1 && s[sh + 2 * 8 + 7] == 10)
        #expect(s.filter { $0 == 10 }.count == 4 * (4 + 8 + 2) + 4 * 7 + 1 + 3)
        // Adam with a factor: 0 freezes, 1 is the plain update, 3 moves three times as far.
        var o = Optimizer(.adam, learningRate: 0.01, parameterCount: 3), plain = o
        var p: [Float] = [1, 1, 1], q = p
        o.update(&p, [0.5, 0.5, 0.5], rateScale: [0, 1, 3])
        plain.update(&q, [0.5, 0.5, 0.5])
        #expect(p[0] == 1 && p[1] == q[1] && abs((1 - p[2]) - 3 * (1 - q[1])) < 1e-6)
    }

    /// What the depth loss is for: a counter trained on it for 400 small steps on texts of
    /// 256 bytes counts on a text 10 times longer, because its cell does not leak: it writes
    /// about +1 at `(`, −1 at `)` and nearly nothing between. (Depth here is the count of `(`
    /// minus `)` in texts that never close more than they opened.) The count is not exact: a
    /// write of 0.96 for 1 adds up, which is why the loss also anchors the cell to the depth.
    @Test func aDepthLossTeachesACounterToCountPastItsTrainingLength() throws {
        let m = try RecurrentModel.initialized(ModelConfig(arch: .lstm, embed: 4, hidden: 6), seed: 9)
        m.makeCounters(5..<6)
        var rng = SeededRandom(seed: 17)
        func text(_ n: Int) -> ([UInt8], [UInt8]) {
            var s: [UInt8] = [], d: [UInt8] = [], depth = 0
            for _ in 0..<n {
                let r = rng.below(3)
                let b: UInt8 = r == 0 || depth == 0 ? 40 : r == 1 ? 41 : 120  // ( ) x
                depth += b == 40 ? 1 : b == 41 ? -1 : 0
                s.append(b); d.append(UInt8(depth))
            }
            return (s, d)
        }
        let (long, longDepth) = text(2560)
        func meanError() -> Double {
            let c = m.states(long).c!
            return zip(c, longDepth).reduce(0.0) { $0 + abs(Double($1.0[5]) - Double($1.1)) } / Double(long.count)
        }
        let before = meanError()
        var opt = Optimizer(.adam, learningRate: 0.03, parameterCount: m.parameterCount)
        let scale = m.counterRateScale(5..<6, scale: 1), steps = 400
        for step in 0..<steps {
            opt.learningRate = 0.03 * Float(steps - step) / Float(steps)
            let texts = (0..<8).map { _ in text(256) }
            let b = SequenceBatch(sequences: texts.map(\.0), labels: [Float](repeating: 1, count: 8),
                                  counterDepths: texts.map(\.1), counterUnits: 5..<6, counterWeight: 1)
            m.backward(b, threads: 2)
            opt.update(&m.parameters, m.gradients, rateScale: scale)
            m.prepare()
        }
        let after = meanError()
        #expect(before > 5)
        #expect(after < 2, "mean |c − depth| over 2,560 bytes: \(after) (before training: \(before))")
        // What it writes per byte (its cell's step): about ±1 at the brackets, about 0 between.
        let c = m.states(long).c!
        var sum: [UInt8: Double] = [:], count: [UInt8: Double] = [:]
        for t in 1..<long.count { sum[long[t], default: 0] += Double(c[t][5] - c[t - 1][5]); count[long[t], default: 0] += 1 }
        let open = sum[40]! / count[40]!, close = sum[41]! / count[41]!, other = sum[120]! / count[120]!
        #expect(open > 0.85 && close < -0.85 && abs(other) < 0.02, "writes: ( \(open), ) \(close), x \(other)")
    }

    /// Truncated BPTT cuts the gradient, not the loss: the depth loss of a batch read in chunks
    /// of 7 bytes is the loss read whole (a chunk's first step compares with the carried cell
    /// and the depth before the chunk).
    @Test func theDepthLossIsTheSameReadInChunks() throws {
        let m = try RecurrentModel.initialized(ModelConfig(arch: .lstm, embed: 4, hidden: 8), seed: 6)
        m.makeCounters(6..<8)
        let bih = m.layout["rnn.bias_ih_l0"].offset
        m.parameters[bih + 2 * 8 + 6] = 0.4; m.parameters[bih + 2 * 8 + 7] = -0.3
        m.prepare()
        let texts = ["f(a[1]){ g(); }", "{{(", "x", "])", ""].map { Array($0.utf8) }
        let depths = texts.map { $0.indices.map { UInt8(($0 * 3) % 4) } }
        let b = SequenceBatch(sequences: texts, labels: [1, 0, 1, 0, 1], counterDepths: depths, counterUnits: 6..<8, counterWeight: 2)
        let whole = m.backward(b, threads: 2).counterLoss, chunked = m.backward(b, threads: 2, bptt: 7).counterLoss
        #expect(whole > 0)
        #expect(abs(whole - chunked) < 1e-9 * max(1, whole), "\(whole) vs \(chunked)")
    }
}
