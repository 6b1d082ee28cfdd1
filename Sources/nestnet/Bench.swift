import ArgumentParser
import Dispatch
import FileSupport
import NestingOracle
import ProgramGenerator

/// `nestnet bench`: throughput measurements that print one JSON line each.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure throughput; prints one JSON line per measurement.",
        discussion: """
        --target oracle: the exact checker over generated C (MB/s), plain verdicts and with the \
        per-byte depth profile. --target generator: `c` example generation (MB/s of text).
        """)

    enum Target: String, ExpressibleByArgument, CaseIterable { case oracle, generator }

    @Option(help: "What to measure: oracle or generator.") var target: Target = .oracle
    @Option(help: "Megabytes of text to process per measurement.") var megabytes: Int = 64
    @Option(help: "Seed for the generated text.") var seed: UInt64 = 1

    func run() throws {
        switch target {
        case .oracle: benchOracle()
        case .generator: try benchGenerator()
        }
    }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

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
            print("{\"impl\": \"nestnet\", \"target\": \"oracle\", \"mode\": \"\(name)\", \"bytes\": \(text.count), "
                  + "\"seconds\": \(fixed(s, 4)), \"mb_per_sec\": \(fixed(Double(text.count) / s / 1e6, 1)), \"check\": \(sink % 7)}")
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
        print("{\"impl\": \"nestnet\", \"target\": \"generator\", \"threads\": 1, \"examples\": \(i), \"bytes\": \(bytes), "
              + "\"seconds\": \(fixed(s, 3)), \"mb_per_sec\": \(fixed(Double(bytes) / s / 1e6, 2))}")
    }
}
