import DefaultModel
import Foundation
import Linting
import NestNetSupport
import NestingOracle
import ProgramGenerator
import RecurrentNet
import Testing

/// `ModelChecker.confirm`, the logic that confirms speculative splits of long files, driven by
/// the exact oracle in place of the model: whatever the cuts (clean ones at depth 0, bad ones
/// inside a function body), the verdict must be the oracle's verdict on the whole text.
@Suite("Speculative splits of long files")
struct SpeculativeSplitTests {
    /// Valid generated C without preprocessor conditionals (a stretch could end inside one).
    static func corpus(seed: UInt64, count: Int) throws -> [UInt8] {
        let g = try ExampleGenerator(GeneratorOptions(language: .c, minLength: 300, maxLength: 1200))
        var text: [UInt8] = []
        for i in 0..<count {
            let t = g.example(seed: seed, index: i, valid: true).text
            if !String(decoding: t, as: UTF8.self).contains("#if") { text += t + [10] }
        }
        return text
    }

    /// Runs stretches with the oracle, as `ModelChecker.run` does with the model: a stretch
    /// before a split that ends with a bracket open is incomplete, and a break drops the later
    /// stretches of its file (`ModelChecker.rounds`; `dropped` gets their origins). The oracle has no
    /// state to carry, so it reads from the stretch's origin; `log` gets the bytes the model
    /// would read (none for a dropped stretch: its reading stops at the break).
    static func oracleRun(_ jobs: [ModelChecker.Job], _ texts: [[UInt8]], _ log: inout [Int],
                          dropped: inout [Int]) -> [ModelChecker.Outcome] {
        var out: [ModelChecker.Outcome] = jobs.map { job in
            let slice = texts[job.file][job.origin..<job.upper]
            guard let e = NestingOracle.check(slice).error else {
                return .valid(.init(valid: true, pValid: 1, location: nil, message: ""))
            }
            let v = ModelChecker.Verdict(valid: false, pValid: 0,
                                         location: .init(line: 0, column: 0, offset: job.origin + e.offset), message: e.kind.rawValue)
            if e.kind == .unclosedOpener && job.upper < texts[job.file].count { return .incomplete(v, .init()) }
            return .broken(v)
        }
        for (j, job) in jobs.enumerated() {
            let broke = jobs.indices.contains { i in
                if case .broken = out[i] { return jobs[i].file == job.file && jobs[i].origin < job.origin }
                return false
            }
            if broke { out[j] = .dropped; dropped.append(job.origin) } else { log.append(job.upper - job.lower) }
        }
        return out
    }

    @Test func verdictsMatchTheOracleWhateverTheCuts() throws {
        var rng = SeededRandom(seed: 5)
        var droppedInAll = 0, rereads = 0
        for round in 0..<12 {
            var text = try Self.corpus(seed: UInt64(100 + round), count: 40)
            // Half the texts get one corruption somewhere (a deleted or inserted bracket in code).
            let analysis = NestingOracle.analyze(text)
            let code = text.indices.filter { analysis.regions[$0] == .code }
            if round % 2 == 1 {
                let brackets = code.filter { Bracket.closerKind(text[$0]) != nil || Bracket.openerKind(text[$0]) != nil }
                let at = brackets[rng.below(brackets.count)]
                if rng.below(2) == 0 { text.remove(at: at) } else { text.insert(text[at], at: at) }
            }
            let newlines = NestingOracle.analyze(text)
            let lineStarts = text.indices.filter { text[$0] == 10 && newlines.regions[$0] == .code }.map { $0 + 1 }
            let clean = lineStarts.filter { newlines.depth[$0 - 1] == 0 }, bad = lineStarts.filter { newlines.depth[$0 - 1] > 0 }
            #expect(!clean.isEmpty && !bad.isEmpty)
            // Mostly bad cuts in some rounds, mostly clean ones in others.
            let badShare = [0, 1, 3, 4][round % 4]
            var cuts = Set<Int>()
            for _ in 0..<(4 + rng.below(20)) {
                let pool = rng.below(4) < badShare ? bad : clean
                cuts.insert(pool[rng.below(pool.count)])
            }
            var log: [Int] = [], dropped: [Int] = []
            let v = ModelChecker.confirm(lengths: [text.count], cuts: [cuts.sorted().filter { $0 < text.count }],
                                         run: { jobs in
                                             rereads += jobs.filter { dropped.contains($0.origin) }.count
                                             return Self.oracleRun(jobs, [text], &log, dropped: &dropped)
                                         })[0]
            droppedInAll += dropped.count
            let whole = NestingOracle.check(text)
            #expect(v.valid == whole.isValid, "round \(round): \(v.message) vs \(String(describing: whole.error))")
            if let e = whole.error {
                #expect(v.location?.offset == e.offset && v.message == e.kind.rawValue, "round \(round)")
            }
            // Every byte is read at least once, and at most twice (a fresh read and a carried one).
            // Bytes before the verdict's place are read at least once (a dropped stretch's bytes
            // only when needed), every byte at most twice (a fresh read and a carried one).
            #expect(log.reduce(0, +) >= (whole.error?.offset ?? text.count) && log.reduce(0, +) <= 2 * text.count)
        }
        #expect(droppedInAll > 0 && rereads > 0, "a break drops later stretches, and some are read again: \(droppedInAll), \(rereads)")
    }

    @Test func aFileWithNoCleanSplitIsReadWholeInTheEnd() throws {
        // Everything inside one namespace: every cut is inside braces.
        let inner = try Self.corpus(seed: 7, count: 30)
        let text = Array("namespace outer {\n".utf8) + inner + Array("}\n".utf8)
        let a = NestingOracle.analyze(text)
        let cuts = text.indices.filter { text[$0] == 10 && a.regions[$0] == .code }.map { $0 + 1 }
            .filter { $0 < text.count }.enumerated().filter { $0.offset % 7 == 3 }.map(\.element)
        #expect(cuts.count > 8)
        var log: [Int] = [], spans: [(Int, Int)] = [], dropped: [Int] = []
        let v = ModelChecker.confirm(lengths: [text.count, inner.count], cuts: [cuts, []],
                                     run: { jobs in spans += jobs.map { ($0.origin, $0.upper) }; return Self.oracleRun(jobs, [text, inner], &log, dropped: &dropped) })
        #expect(v[0].valid && v[1].valid)
        #expect(spans.contains { $0 == (0, text.count) }, "the last merge carries one reading over the whole file")
        #expect(log.reduce(0, +) <= 2 * (text.count + inner.count))
    }

    /// How many stretches a file is split into: from 512 KiB one per 256 KiB (at least one per
    /// thread, at most 64); from 64 KiB, stretches of 32 KiB only when the file is more than a
    /// thread's share of the run (alone, it would leave the other threads idle).
    @Test func stretchesPerFile() {
        let k = 1024
        func count(_ n: Int, _ threads: Int = 2, run: Int? = nil) -> Int {
            ModelChecker.stretchCount(bytes: n, threads: threads, runBytes: run ?? n)
        }
        #expect(ModelChecker.splitFrom == 64 * k)
        #expect(count(64 * k) == 2 && count(100 * k) == 3 && count(400 * k) == 12)
        #expect(count(400 * k, run: 800 * k) == 1 && count(400 * k, run: 799 * k) == 12)
        #expect(count(400 * k, 1) == 1 && count(400 * k, 4, run: 1_000 * k) == 12)
        #expect(count(600 * k) == 2 && count(600 * k, 4) == 4 && count(600 * k, run: 100_000 * k) == 2)
        #expect(count(3_700 * k) == 14 && count(20_000 * k) == 64)
    }

    /// The checker reads a file in pieces with the state carried: its P(valid) is the one read
    /// of the whole text gives, whatever the piece boundaries (a file many pieces long, below
    /// the split size, and one short file in the same batch).
    @Test func piecesGiveTheVerdictOfOneRead() throws {
        let model = try DefaultModel.load().model
        let long = try Self.corpus(seed: 11, count: 120), short = Array(long.prefix(500))
        #expect(long.count > 3 * ModelChecker.piece && long.count < ModelChecker.splitFrom)
        let checker = ModelChecker(model: model, threshold: 0.3, threads: 2)
        let v = checker.check([long, short])
        let whole = model.predict([long, short], threads: 2)
        #expect(v[0].pValid == whole.probabilities[0] && v[1].pValid == whole.probabilities[1])
    }
}
