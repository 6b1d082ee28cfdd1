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
}
