import NestNetSupport
import Foundation
import Testing
@testable import ProgramGenerator
@testable import RecurrentNet

@Suite("Chunking, checkpoints, learning, determinism")
struct EngineTests {
    @Test(arguments: Architecture.allCases)
    func truncatedBPTTWithLongChunksIsFullBPTT(arch: Architecture) throws {
        let model = try RecurrentModel.initialized(ModelConfig(arch: arch, embed: 4, hidden: 16, layers: 2), seed: 1)
        let seqs: [[UInt8]] = (0..<6).map { (i: Int) -> [UInt8] in
            (0..<(5 + i * 7)).map { (t: Int) -> UInt8 in UInt8(40 + (t * 3 + i) % 86) }
        }
        let batch = SequenceBatch(sequences: seqs, labels: seqs.indices.map { Float($0 % 2) })
        expectChunkingKeeps(\.loss, model, batch, shortChunk: 4)
    }

    /// Chunks longer than every text give full BPTT exactly; short ones give the same loss (read
    /// by `loss`: the forward pass and whatever the loss carries across chunks) with gradients cut
    /// at chunk boundaries. Returns the full pass.
    @discardableResult
    func expectChunkingKeeps(_ loss: KeyPath<BatchResult, Double>, _ model: RecurrentModel, _ batch: SequenceBatch, shortChunk: Int) -> BatchResult {
        let full = model.backward(batch, threads: 2)
        let g = model.gradients
        let long = model.backward(batch, threads: 2, bptt: 64)
        #expect(abs(full[keyPath: loss] - long[keyPath: loss]) < 1e-9)
        for (a, b) in zip(g, model.gradients) { #expect(a == b) }
        let short = model.backward(batch, threads: 2, bptt: shortChunk)
        #expect(abs(full[keyPath: loss] - short[keyPath: loss]) < 1e-5)
        #expect(zip(g, model.gradients).contains { abs($0 - $1) > 1e-6 })
        return full
    }

    /// `--broken-latch`: the running maxima carry across truncated-BPTT chunks, so the loss is
    /// the same whole or chunked (a break late in a long text is still judged by the largest
    /// logit since it), and long chunks give full BPTT's gradients.
    @Test func latchedBrokenLossCarriesAcrossChunks() throws {
        let model = try RecurrentModel.initialized(ModelConfig(arch: .lstm, embed: 4, hidden: 16, stepOutputs: 3), seed: 3)
        let seqs: [[UInt8]] = (0..<5).map { (i: Int) -> [UInt8] in
            (0..<(9 + i * 11)).map { (t: Int) -> UInt8 in UInt8(40 + (t * 5 + i) % 86) }
        }
        // Output 0 comes on at a "break" two thirds in and stays on (absorbing, as the oracle's is).
        let targets: [[UInt8]] = seqs.indices.map { (i: Int) -> [UInt8] in
            let n = seqs[i].count
            return (0..<n).map { (t: Int) -> UInt8 in
                let broken: UInt8 = i % 2 == 1 && t >= 2 * n / 3 ? 1 : 0
                return broken | (t % 3 == 0 ? 2 : 0)
            }
        }
        let batch = SequenceBatch(sequences: seqs, labels: seqs.indices.map { Float(1 - $0 % 2) }, stepTargets: targets, brokenLatch: true)
        let full = expectChunkingKeeps(\.stepLoss, model, batch, shortChunk: 5)
        var plain = batch; plain.brokenLatch = false
        #expect(abs(model.backward(plain, threads: 2).stepLoss - full.stepLoss) > 1e-4, "the latch changes the loss")
    }

    /// Passes on one model from several threads take turns (they share its workspaces): each
    /// caller gets exactly what the same call alone gets.
    @Test func concurrentPassesOnOneModelEachGetTheirOwnResult() throws {
        let model = try RecurrentModel.initialized(ModelConfig(arch: .lstm, embed: 4, hidden: 16, stepOutputs: 3), seed: 5)
        var rng = SeededRandom(seed: 6)
        let sets: [[[UInt8]]] = (0..<8).map { k in
            (0..<(3 + k)).map { _ in (0..<(300 + rng.below(900))).map { _ in UInt8(rng.below(128)) } }
        }
        let alone = sets.map { model.predict($0, threads: 2, stepOutputs: true) }
        let together = IndexedSlots<BatchResult?>(repeating: nil, count: sets.count)
        DispatchQueue.concurrentPerform(iterations: sets.count) { k in
            together.set(k, model.predict(sets[k], threads: 2, stepOutputs: true))
        }
        for k in sets.indices {
            #expect(together.items[k]?.probabilities == alone[k].probabilities, "set \(k)")
            #expect(together.items[k]?.stepLogits == alone[k].stepLogits, "set \(k)")
        }
    }

    @Test func chunkedInferenceCarriesStateExactly() throws {
        let model = try RecurrentModel.initialized(ModelConfig(arch: .lstm, embed: 4, hidden: 16, stepOutputs: 1), seed: 2)
        var rng = SeededRandom(seed: 4)
        let long = (0..<(RecurrentModel.inferenceChunk + 300)).map { _ in UInt8(rng.below(256)) }
        let seqs = [long, Array(long.prefix(50)), []]
        let chunked = model.predict(seqs, threads: 2, stepOutputs: true)
        let whole = model.run(SequenceBatch(sequences: seqs, labels: [1, 0, 1]), train: true, threads: 1, wantSteps: false)
        for i in 0..<3 { #expect(abs(chunked.probabilities[i] - whole.probabilities[i]) < 1e-5) }
        #expect(chunked.stepLogits?[0].count == long.count)
    }

    /// Reading texts in pieces, each continuing from the state the last one returned, gives
    /// the outputs of one read of the whole, bit for bit (what `nestnet check` relies on).
    @Test(arguments: [(Architecture.lstm, 1), (.lstm, 2), (.gru, 2), (.rnn, 1), (.irnn, 2)])
    func piecewiseReadingWithCarriedStateIsOneRead(arch: Architecture, layers: Int) throws {
        let model = try RecurrentModel.initialized(ModelConfig(arch: arch, embed: 4, hidden: 16, layers: layers, stepOutputs: 2), seed: 3)
        var rng = SeededRandom(seed: 8)
        let texts: [[UInt8]] = [RecurrentModel.inferenceChunk + 700, 5000, 37, 1].map { n in (0..<n).map { _ in UInt8(rng.below(256)) } }
        let whole = model.predict(texts, from: texts.map { _ in nil }, threads: 2, stepOutputs: true)
        #expect(whole.finalStates?.count == texts.count)
        // Pieces of uneven sizes (crossing the engine's own chunk), the batch reshuffled each round.
        var states = [RecurrentState?](repeating: nil, count: texts.count), at = [Int](repeating: 0, count: texts.count)
        var steps = texts.map { _ in [Float]() }, last = [Float](repeating: -1, count: texts.count)
        var round = 0
        while at.indices.contains(where: { at[$0] < texts[$0].count }) {
            let live = at.indices.filter { at[$0] < texts[$0].count }.shuffled(using: &rng)
            let pieces = live.map { i in Array(texts[i][at[i]..<min(texts[i].count, at[i] + [3000, 17, 1500][(round + i) % 3])]) }
            let r = model.predict(pieces, from: live.map { states[$0] }, threads: 2, stepOutputs: true)
            for (k, i) in live.enumerated() {
                states[i] = r.finalStates![k]; steps[i] += r.stepLogits![k]; last[i] = r.probabilities[k]; at[i] += pieces[k].count
            }
            round += 1
        }
        for i in texts.indices {
            #expect(last[i] == whole.probabilities[i], "text \(i)")
            #expect(steps[i] == whole.stepLogits![i], "text \(i)")
            #expect(states[i] == whole.finalStates![i], "text \(i)")
        }
        // From the zero state explicitly is the same as from nil; an empty piece keeps its state.
        let zero = RecurrentState(h: [Float](repeating: 0, count: 16 * layers), c: arch == .lstm ? [Float](repeating: 0, count: 16 * layers) : [])
        let z = model.predict([texts[2], []], from: [zero, whole.finalStates![1]], threads: 1)
        #expect(z.probabilities[0] == whole.probabilities[2] && z.finalStates![1] == whole.finalStates![1])
        #expect(z.probabilities[1] == whole.probabilities[1])
        // And the plain read agrees.
        #expect(model.predict(texts, threads: 2).probabilities == whole.probabilities)
    }

    @Test func checkpointRoundTrip() throws {
        let model = try RecurrentModel.initialized(ModelConfig(arch: .gru, embed: 8, hidden: 24, layers: 2, stepOutputs: 1), seed: 9)
        let path = NSTemporaryDirectory() + "nestnet-ckpt-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.save(to: path, metadata: ["note": "round trip", "accuracy": "0.5"])
        let back = try RecurrentModel.load(from: path)
        #expect(back.model.config == model.config)
        #expect(back.model.parameters == model.parameters)
        #expect(back.metadata["note"] == "round trip" && back.metadata["arch"] == "gru")
        let seqs: [[UInt8]] = [Array("{(x)}".utf8)]
        #expect(back.model.predict(seqs).probabilities == model.predict(seqs).probabilities)
    }

    @Test func corruptAndMismatchedCheckpointsAreOneLineErrors() throws {
        let model = try RecurrentModel.initialized(ModelConfig(arch: .lstm, embed: 4, hidden: 8), seed: 1)
        let good = Safetensors.encode(model.namedTensors, metadata: model.architectureMetadata)
        var cases: [(String, [UInt8])] = [
            ("empty", []),
            ("truncated", Array(good.prefix(good.count - 9))),
            ("header cut", Array(good.prefix(20))),
            ("garbage", Array("not a checkpoint at all, just text.".utf8)),
        ]
        var badLen = good; badLen[7] = 0x7F
        cases.append(("huge header length", badLen))
        // Architecture says rnn but tensors are LSTM-shaped.
        var meta = model.architectureMetadata; meta["arch"] = "rnn"
        cases.append(("wrong arch", Safetensors.encode(model.namedTensors, metadata: meta)))
        meta = model.architectureMetadata; meta["hidden"] = "9"
        cases.append(("wrong hidden", Safetensors.encode(model.namedTensors, metadata: meta)))
        cases.append(("no metadata", Safetensors.encode(model.namedTensors, metadata: [:])))
        cases.append(("missing tensor", Safetensors.encode(Array(model.namedTensors.dropLast()), metadata: model.architectureMetadata)))
        var nan = model.namedTensors; nan[0].1.values[0] = .nan
        cases.append(("nan", Safetensors.encode(nan, metadata: model.architectureMetadata)))
        // Issue 13 item 3: a shape whose element count overflows Int (it trapped, exit 132).
        for shape in ["[8000000000000000, 8000000000000000]", "[9223372036854775807, 2]", "[4294967296, 4294967296, 4]"] {
            let header = Array("{\"embedding.weight\": {\"dtype\": \"F32\", \"shape\": \(shape), \"data_offsets\": [0, 8]}}".utf8)
            var bytes = withUnsafeBytes(of: UInt64(header.count).littleEndian) { Array($0) } + header
            bytes += [UInt8](repeating: 0, count: 8)
            cases.append(("overflowing shape \(shape)", bytes))
        }
        for (name, bytes) in cases {
            do {
                _ = try RecurrentModel.load(bytes: bytes, source: "x.safetensors")
                Issue.record("\(name): loaded")
            } catch let e as NestNetError {
                #expect(!e.message.contains("\n") && e.message.hasPrefix("x.safetensors"), "\(name): \(e.message)")
            }
        }
        #expect(throws: NestNetError.self) { try RecurrentModel.load(from: "/nonexistent/model.safetensors") }
    }

    /// Trains on Dyck-1 (balanced parentheses vs one flipped bracket) for a few seconds.
    func trainDyck(arch: Architecture, seed: UInt64, steps: Int) throws -> (RecurrentModel, [Double]) {
        let gen = try ExampleGenerator(GeneratorOptions(language: .dyck1, minLength: 2, maxLength: 20))
        let model = try RecurrentModel.initialized(ModelConfig(arch: arch, embed: 4, hidden: 16), seed: seed)
        var opt = Optimizer(.adam, learningRate: 0.02, parameterCount: model.parameterCount)
        var losses: [Double] = []
        for s in 0..<steps {
            let ex = (0..<32).map { gen.example(seed: seed, index: s * 32 + $0, valid: $0 % 2 == 0) }
            let r = model.backward(SequenceBatch(sequences: ex.map(\.text), labels: ex.map { $0.valid ? 1 : 0 }), threads: 1)
            losses.append(r.loss)
            clipGlobalNorm(&model.gradients, maxNorm: 1)
            opt.update(&model.parameters, model.gradients)
            model.prepare()
        }
        return (model, losses)
    }

    @Test func tinyLSTMLearnsDyck1() throws {
        let (model, _) = try trainDyck(arch: .lstm, seed: 1, steps: 250)
        let gen = try ExampleGenerator(GeneratorOptions(language: .dyck1, minLength: 2, maxLength: 20))
        let test = (0..<400).map { gen.example(seed: 999, index: $0, valid: $0 % 2 == 0) }
        let p = model.predict(test.map(\.text)).probabilities
        let acc = Double(zip(p, test).filter { ($0 > 0.5) == $1.valid }.count) / Double(test.count)
        #expect(acc >= 0.9, "held-out accuracy \(acc)")
    }

    @Test func sameSeedSameLossCurve() throws {
        let a = try trainDyck(arch: .gru, seed: 5, steps: 15).1
        let b = try trainDyck(arch: .gru, seed: 5, steps: 15).1
        #expect(a == b)
        let c = try trainDyck(arch: .gru, seed: 6, steps: 15).1
        #expect(a != c)
    }

    @Test func optimizersReduceAQuadratic() {
        for kind in OptimizerKind.allCases {
            var p: [Float] = [3, -2]
            var opt = Optimizer(kind, learningRate: kind == .sgd ? 0.05 : 0.1, parameterCount: 2)
            for _ in 0..<300 { opt.update(&p, p.map { 2 * $0 }) }
            #expect(abs(p[0]) < 0.1 && abs(p[1]) < 0.1, "\(kind): \(p)")
        }
        var g: [Float] = [3, 4]
        #expect(clipGlobalNorm(&g, maxNorm: 1) == 5)
        #expect(abs((g[0] * g[0] + g[1] * g[1]).squareRoot() - 1) < 1e-4)
    }

    @Test func initialisationFollowsTheRecipe() throws {
        let m = try RecurrentModel.initialized(ModelConfig(arch: .lstm, embed: 8, hidden: 16), seed: 3)
        let whh = Array(m.tensor("rnn.weight_hh_l0"))
        // Each gate block is orthogonal: rows have unit norm and are mutually orthogonal.
        for g in 0..<4 {
            for i in 0..<16 {
                for j in 0..<16 {
                    var d: Float = 0
                    for k in 0..<16 { d += whh[(g * 16 + i) * 16 + k] * whh[(g * 16 + j) * 16 + k] }
                    #expect(abs(d - (i == j ? 1 : 0)) < 1e-4)
                }
            }
        }
        let bih = Array(m.tensor("rnn.bias_ih_l0"))
        #expect(bih[16..<32].allSatisfy { $0 == 1 } && bih[0..<16].allSatisfy { $0 == 0 })
        let again = try RecurrentModel.initialized(ModelConfig(arch: .lstm, embed: 8, hidden: 16), seed: 3)
        #expect(again.parameters == m.parameters)
    }
}
