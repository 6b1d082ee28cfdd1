import ArgumentParser
import Dispatch
import NestNetSupport
import NestingOracle
import ProgramGenerator
import RecurrentNet

/// `nestnet bench`: throughput measurements that print one JSON line each.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure throughput; prints one JSON line per measurement.",
        discussion: """
        --target model (default): training or inference throughput of the recurrent classifier \
        on random bytes with random labels (Adam, clipping 1.0), with the fields of \
        ../shared/anchors/pytorch_rnn_bench.py so the two compare side by side. \
        --target oracle: the exact checker over generated C (MB/s), plain verdicts and with the \
        per-byte depth profile. --target generator: `c` example generation (MB/s of text).
        """)

    enum Target: String, ExpressibleByArgument, CaseIterable { case model, oracle, generator }
    enum Mode: String, ExpressibleByArgument, CaseIterable { case train, infer }

    @Option(help: "What to measure: model, oracle or generator.") var target: Target = .model
    @Option(help: "rnn (tanh), irnn (ReLU), lstm or gru.") var arch: Architecture = .lstm
    @Option(parsing: .unconditional, help: "Embedding size.") var embed: Int = 16
    @Option(parsing: .unconditional, help: "Hidden size.") var hidden: Int = 64
    @Option(parsing: .unconditional, help: "Recurrent layers.") var layers: Int = 1
    @Option(parsing: .unconditional, help: "Sequences per batch.") var batch: Int = 32
    @Option(parsing: .unconditional, help: "Bytes per sequence.") var seqLen: Int = 512
    @Option(parsing: .unconditional, help: "Timed steps.") var steps: Int = 20
    @Option(parsing: .unconditional, help: "Untimed warm-up steps.") var warmup: Int = 3
    @Option(parsing: .unconditional, help: "Threads.") var threads: Int = 2
    @Option(help: "train or infer.") var mode: Mode = .train
    @Option(parsing: .unconditional, help: "Megabytes of text to process per measurement.") var megabytes: Int = 64
    @Option(parsing: .unconditional, help: "Seed for the generated text.") var seed: UInt64 = 1

    func validate() throws {
        guard megabytes > 0 else { throw ValidationError("--megabytes must be positive (got \(megabytes))") }
    }

    func run() throws {
        switch target {
        case .model: try benchModel()
        case .oracle: benchOracle()
        case .generator: try benchGenerator()
        }
    }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    func benchModel() throws {
        guard batch > 0, seqLen > 0, steps > 0, warmup >= 0, threads > 0 else {
            throw NestNetError("--batch, --seq-len, --steps and --threads must be positive")
        }
        let model = try RecurrentModel.initialized(ModelConfig(arch: arch, embed: embed, hidden: hidden, layers: layers), seed: 0)
        var rng = SeededRandom(seed: 0)
        let seqs = (0..<batch).map { _ in (0..<seqLen).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }
        let labels = (0..<batch).map { _ in Float(rng.below(2)) }
        let data = SequenceBatch(sequences: seqs, labels: labels)
        var opt = Optimizer(.adam, learningRate: 1e-3, parameterCount: model.parameterCount)
        func step() {
            if mode == .train {
                model.backward(data, threads: threads)
                clipGlobalNorm(&model.gradients, maxNorm: 1)
                opt.update(&model.parameters, model.gradients)
                model.prepare()
            } else {
                _ = model.predict(seqs, threads: threads)
            }
        }
        for _ in 0..<warmup { step() }
        let t0 = Self.now()
        for _ in 0..<steps { step() }
        let s = Self.now() - t0
        printJSON { o in
            o.field("impl", "nestnet"); o.field("version", NestNet.version); o.field("arch", arch.rawValue); o.field("embed", embed)
            o.field("hidden", hidden); o.field("batch", batch); o.field("seq_len", seqLen); o.field("threads", threads)
            o.field("mode", mode.rawValue); o.field("steps", steps); o.field("seconds", s.rounded(toDecimals: 4))
            o.field("tokens_per_sec", (Double(batch * seqLen * steps) / s).rounded(toDecimals: 1))
        }
    }

    func benchOracle() {
        // One long stream of generated (valid) C, checked as one text.
        let g = CProgramGenerator()
        var rng = SeededRandom(seed: seed)
        var text: [UInt8] = []
        text.reserveCapacity(megabytes << 20)
        while text.count < megabytes << 20 {
            text += g.generate(target: 4096, minLength: 1024, maxLength: 8192, rng: &rng)
            text.append(10)
        }
        func measure(_ name: String, _ body: () -> Int) {
            _ = body()  // warm-up
            let t0 = Self.now()
            var sink = 0
            for _ in 0..<3 { sink &+= body() }
            let s = (Self.now() - t0) / 3
            printJSON { o in
                o.field("impl", "nestnet"); o.field("target", "oracle"); o.field("mode", name); o.field("bytes", text.count)
                o.field("seconds", s.rounded(toDecimals: 4)); o.field("mb_per_sec", (Double(text.count) / s / 1e6).rounded(toDecimals: 1))
                o.field("check", sink % 7)
            }
        }
        measure("verdict") { text.withUnsafeBufferPointer { NestingOracle.check($0).maxDepth } }
        measure("profile") { text.withUnsafeBufferPointer { Int(NestingOracle.analyze($0).depth.last ?? 0) } }
    }

    func benchGenerator() throws {
        let gen = try ExampleGenerator(GeneratorOptions(minLength: 64, maxLength: 1024))
        let t0 = Self.now()
        var bytes = 0, i = 0
        while bytes < megabytes << 20 {
            bytes += gen.example(seed: seed, index: i, valid: i & 1 == 0).text.count
            i += 1
        }
        let s = Self.now() - t0
        printJSON { o in
            o.field("impl", "nestnet"); o.field("target", "generator"); o.field("threads", 1); o.field("examples", i); o.field("bytes", bytes)
            o.field("seconds", s.rounded(toDecimals: 3)); o.field("mb_per_sec", (Double(bytes) / s / 1e6).rounded(toDecimals: 2))
        }
    }
}
