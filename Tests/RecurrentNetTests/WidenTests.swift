import NestNetSupport
@testable import RecurrentNet
import Testing

@Suite("Widening a trained model (train --widen)")
struct WidenTests {
    /// The widened model reads every text exactly as the narrow one did: final P(valid) and
    /// every per-step logit, for each cell and for stacked layers.
    @Test(arguments: [(Architecture.lstm, 1), (.lstm, 2), (.gru, 1), (.gru, 2), (.rnn, 1)])
    func widenedModelComputesTheNarrowOne(arch: Architecture, layers: Int) throws {
        let narrow = try RecurrentModel.initialized(ModelConfig(arch: arch, embed: 4, hidden: 8, layers: layers, stepOutputs: 3), seed: 11)
        let wide = try RecurrentModel.initialized(ModelConfig(arch: arch, embed: 4, hidden: 20, layers: layers, stepOutputs: 3), seed: 12)
        let fresh = wide.parameters
        try wide.widen(from: narrow)
        var rng = SeededRandom(seed: 5)
        let texts: [[UInt8]] = [3000, 257, 31, 1].map { n in (0..<n).map { _ in UInt8(rng.below(256)) } }
        let a = narrow.predict(texts, threads: 2, stepOutputs: true), b = wide.predict(texts, threads: 2, stepOutputs: true)
        for i in texts.indices {
            #expect(abs(a.probabilities[i] - b.probabilities[i]) < 1e-5)
            let d = zip(a.stepLogits![i], b.stepLogits![i]).map { abs($0 - $1) }.max() ?? 0
            #expect(d < 1e-4)
        }
        // The new units keep this run's fresh weights (they are what training grows) …
        let G = arch.gates, whh = wide.layout["rnn.weight_hh_l0"]
        let newRow = 8  // gate 0, unit 8: a new unit
        #expect(Array(wide.parameters[(whh.offset + newRow * 20)..<(whh.offset + newRow * 20 + 20)])
                == Array(fresh[(whh.offset + newRow * 20)..<(whh.offset + newRow * 20 + 20)]))
        // … and nothing reads them yet: old rows' new columns and the heads' new columns are 0.
        for g in 0..<G { for j in 0..<8 { for c in 8..<20 { #expect(wide.parameters[whh.offset + (g * 20 + j) * 20 + c] == 0) } } }
        let head = wide.layout["head.weight"]
        #expect(wide.parameters[(head.offset + 8)..<(head.offset + 20)].allSatisfy { $0 == 0 })
    }

    @Test func widenRefusesAnotherShape() throws {
        let narrow = try RecurrentModel.initialized(ModelConfig(arch: .gru, embed: 4, hidden: 8), seed: 1)
        for c in [ModelConfig(arch: .lstm, embed: 4, hidden: 16), ModelConfig(arch: .gru, embed: 8, hidden: 16),
                  ModelConfig(arch: .gru, embed: 4, hidden: 4), ModelConfig(arch: .gru, embed: 4, hidden: 16, layers: 2)] {
            let m = try RecurrentModel.initialized(c, seed: 2)
            #expect(throws: NestNetError.self) { try m.widen(from: narrow) }
        }
    }
}
