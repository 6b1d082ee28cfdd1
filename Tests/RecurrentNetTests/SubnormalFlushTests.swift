import Foundation
import Testing
@testable import RecurrentNet

/// Keeps its argument opaque to the optimiser, so products below happen at run time.
@inline(never) func opaque(_ x: Float) -> Float { x }

@Suite("Subnormal floats: flushed in training passes only")
struct SubnormalFlushTests {
    /// The thread mode really flushes (results and inputs), and is restored afterwards.
    @Test func flushingScopeFlushesAndRestores() {
        let halfOfSmallestNormal = opaque(Float.leastNormalMagnitude) * opaque(0.5)
        #expect(halfOfSmallestNormal > 0)
        #expect(!threadFlushesSubnormals)
        withSubnormalsFlushed(true) {
            #expect(threadFlushesSubnormals)
            #expect(opaque(Float.leastNormalMagnitude) * opaque(0.5) == 0)  // result flushed
            #expect(opaque(halfOfSmallestNormal) * opaque(4) == 0)  // input read as zero
        }
        #expect(!threadFlushesSubnormals)
        withSubnormalsFlushed(false) { #expect(!threadFlushesSubnormals) }
        #expect(opaque(Float.leastNormalMagnitude) * opaque(0.5) == halfOfSmallestNormal)
    }

    /// A tanh RNN whose recurrent weights are scaled to 0.05: ∂L/∂h_t shrinks about 20× a step
    /// back from the end, through the subnormal range. The gradient-norm probe keeps those
    /// values (vanishing-gradient reports measure them); a training pass flushes them, so a
    /// byte read only at a step whose gradient is subnormal gets an embedding gradient of 0.
    @Test func trainingFlushesVanishedGradientsButTheProbeKeepsThem() throws {
        let model = try RecurrentModel.initialized(ModelConfig(arch: .rnn, embed: 4, hidden: 8), seed: 1)
        let whh = model.layout["rnn.weight_hh_l0"]
        for i in whh.offset..<(whh.offset + whh.count) { model.parameters[i] *= 0.05 }
        let text = (0..<80).map { UInt8(97 + $0 % 26) }
        let norms = model.gradientNorms(SequenceBatch(sequences: [text], labels: [1]), threads: 1).h[0]
        // The step whose gradient is deepest inside the subnormal range (about 1e-42).
        let subnormal = norms.indices.filter { norms[$0] > 0 && norms[$0] < Float.leastNormalMagnitude }
        #expect(!subnormal.isEmpty, "the probe flushed subnormal gradient norms")
        let start = try #require(subnormal.min { abs(log10(norms[$0]) + 42) < abs(log10(norms[$1]) + 42) })
        // Read from there, with a byte found nowhere else at the first step.
        let suffix = [UInt8(0xFF)] + text[(start + 1)...]
        let batch = SequenceBatch(sequences: [suffix], labels: [1])
        let first = model.gradientNorms(batch, threads: 1).h[0][0]
        #expect(first > 0 && first < Float.leastNormalMagnitude)
        let emb = model.layout["embedding.weight"], row = emb.offset + 0xFF * 4
        #expect(model.gradients[row..<(row + 4)].contains { $0 != 0 }, "unflushed: the first byte's row gets a gradient")
        model.backward(batch, threads: 1)
        #expect(model.gradients[row..<(row + 4)].allSatisfy { $0 == 0 }, "training did not flush subnormals")
        #expect(model.gradients.contains { $0 != 0 })
        #expect(!threadFlushesSubnormals, "the caller's thread mode was not restored")
    }
}
