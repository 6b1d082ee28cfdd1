import NestNetSupport
import Foundation
import ProgramGenerator
import RecurrentNet
import Testing
@testable import Training

@Suite("Sweeps: grid, config files, resumable runs")
struct SweepTests {
    static func tiny() -> SweepSettings {
        var s = SweepSettings()
        s.languages = [.dyck1]; s.archs = [.rnn, .lstm]; s.trainLengths = [16]; s.testLengths = [8, 16, 32]
        s.seeds = [1]; s.hidden = 4; s.embed = 3; s.epochs = 1; s.examplesPerEpoch = 32; s.batch = 8
        s.testCount = 12; s.validCount = 8; s.probeLength = 16; s.probeCount = 4
        return s
    }

    static func tempDir() -> String {
        let d = NSTemporaryDirectory() + "nestnet-sweep-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    @Test func gridOrderAndIds() {
        var s = SweepSettings()
        s.languages = [.c, .dyck2]; s.archs = [.rnn, .gru, .lstm]; s.trainLengths = [64, 256]; s.seeds = [1, 2]
        let jobs = s.jobs
        #expect(jobs.count == 2 * 3 * 2 * 2)
        #expect(jobs.first?.id == "c-rnn-L64-s1" && jobs[1].id == "c-rnn-L64-s2" && jobs.last?.id == "dyck2-lstm-L256-s2")
        #expect(Set(jobs.map(\.id)).count == jobs.count)
        // A job carries the shared settings only, and alone it is a one-job sweep.
        #expect(jobs[0].settings.archs.isEmpty && jobs[0].alone.jobs == [jobs[0]])
    }

    @Test func configFileKeysAndErrors() throws {
        var s = SweepSettings()
        try s.apply(config: try JSONParser.parse(#"{"archs": ["gru"], "train-lengths": [32, 128], "seeds": [7], "lr": 0.01, "curriculum": 24, "languages": ["dyck2"]}"#), source: "cfg.json")
        #expect(s.archs == [.gru] && s.trainLengths == [32, 128] && s.seeds == [7] && s.learningRate == 0.01 && s.curriculum == 24 && s.languages == [.dyck2])
        // --edits: written into the flags only when not `any`, so earlier sweeps keep their flags.
        #expect(!s.flags.contains("--edits"))
        try s.apply(config: try JSONParser.parse(#"{"edits": "count-preserving"}"#), source: "cfg.json")
        #expect(s.edits == .countPreserving && s.flags.joined(separator: " ").contains("--edits count-preserving"))
        for bad in [#"{"edits": "some"}"#, #"{"arch": ["gru"]}"#, #"{"archs": ["transformer"]}"#, #"{"train-lengths": [1.5]}"#, #"{"hidden": "big"}"#, #"[1, 2]"#] {
            var t = SweepSettings()
            #expect(throws: NestNetError.self) { try t.apply(config: try JSONParser.parse(bad), source: "cfg.json") }
        }
        var v = SweepSettings()
        v.trainLengths = [10]; v.languages = [.c]
        #expect(throws: NestNetError.self) { try v.validate() }  // shorter than any C program
        v = SweepSettings(); v.archs = []
        #expect(throws: NestNetError.self) { try v.validate() }
    }

    @Test func runsWriteResultsAndRerunsSkipFinishedOnes() throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let prov = Provenance(version: "test", command: "test", commit: "abc", host: "h", finished: "", threads: 2)
        let runner = SweepRunner(out: dir, threads: 2, provenance: prov)
        var finished: [SweepResult] = [], skipped = 0
        try runner.run(Self.tiny()) { e in
            if case .finished(let r) = e { finished.append(r) }
            if case .skipped = e { skipped += 1 }
        }
        #expect(finished.count == 2 && skipped == 0)
        let csv = try String(contentsOfFile: dir + "/results.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.first.map(String.init) == SweepResult.csvHeader)
        #expect(csv.count == 1 + 2 * 3)
        #expect(csv.dropFirst().allSatisfy { $0.hasPrefix("dyck1,rnn,1,16,") || $0.hasPrefix("dyck1,lstm,1,16,") })
        let r = try #require(finished.first { $0.job.arch == .lstm })
        #expect(r.tests.map(\.testLength) == [8, 16, 32] && r.tests.allSatisfy { $0.count == 12 && (0...1).contains($0.accuracy) })
        // Distance buckets count the invalid test texts.
        #expect(r.tests.allSatisfy { t in t.byDistance.reduce(0) { $0 + $1.count } == 6 })
        // So do the edit-kind buckets (Dyck-1: moved openers and flipped brackets).
        #expect(r.tests.allSatisfy { t in (t.byEdit ?? []).reduce(0) { $0 + $1.count } == 6 && (t.byEdit ?? []).allSatisfy { ["move-opener", "flip-bracket"].contains($0.kind) } })
        #expect(r.gradients.h.count == 16 && r.gradients.c != nil && r.gradients.hInit.count == 16)
        let stack = try #require(r.stack)
        #expect(stack.bytes > 0 && (0...1).contains(stack.accuracy) && (0...1).contains(stack.deepBaseline))
        #expect(r.counter.traceDepth.count == r.counter.traceActivation.count && !r.counter.traceDepth.isEmpty)
        #expect(r.history.count == 1 && r.parameters > 0)
        // The result file round-trips, and the training state is gone once the run finished.
        let back = try SweepResult.read(dir + "/runs/dyck1-lstm-L16-s1/result.json")
        #expect(back.job == r.job && back.tests.map(\.accuracy) == r.tests.map(\.accuracy))
        #expect(!FileManager.default.fileExists(atPath: dir + "/runs/dyck1-lstm-L16-s1/train.state"))
        #expect(FileManager.default.fileExists(atPath: dir + "/runs/dyck1-lstm-L16-s1/model.safetensors"))

        // Running again skips both; adding a seed runs only the new jobs.
        finished = []; skipped = 0
        var more = Self.tiny(); more.seeds = [1, 2]
        try runner.run(more) { e in
            if case .finished(let r) = e { finished.append(r) }
            if case .skipped = e { skipped += 1 }
        }
        #expect(skipped == 2 && finished.map(\.job.id).sorted() == ["dyck1-lstm-L16-s2", "dyck1-rnn-L16-s2"])
        #expect(try SweepRunner.results(in: dir).count == 4)

        // The same run id with other settings is refused, not silently mixed.
        var other = Self.tiny(); other.hidden = 5
        #expect(throws: NestNetError.self) { try runner.run(other) { _ in } }
    }

    /// --decoy-rate, the habits and --inert-weight: config keys and flags, left out of the flags
    /// and the encoding at their defaults (earlier sweeps read and write as before), checked up
    /// front, and given to the training data only (the test sets stay as without them).
    @Test func decoysHabitsAndInertWeightShapeTrainingOnly() throws {
        var s = SweepSettings()
        let plain = String(decoding: try stableJSON(s), as: UTF8.self)
        #expect(!plain.contains("decoyRate") && !plain.contains("habits") && !plain.contains("inertWeight"))
        #expect(!s.flags.contains("--habits") && !s.flags.contains("--decoy-rate") && !s.flags.contains("--inert-weight"))
        #expect(!s.flags.contains("--directive-habits") && !s.flags.contains("--conditional-habits"))
        try s.apply(config: try JSONParser.parse(#"{"decoy-rate": 2, "habits": 0.5, "directive-habits": 0.25, "conditional-habits": 0.75, "inert-weight": 4, "step-losses": [1]}"#), source: "cfg.json")
        #expect(s.decoyRate == 2 && s.habits == 0.5 && s.directiveHabits == 0.25 && s.conditionalHabits == 0.75 && s.inertWeight == 4)
        #expect(s.flags.joined(separator: " ").contains("--decoy-rate 2.0 --habits 0.5 --directive-habits 0.25 --conditional-habits 0.75 --inert-weight 4.0"))
        try s.validate()
        let back = try JSONDecoder().decode(SweepSettings.self, from: Data(try stableJSON(s)))
        #expect(back == s)
        for (change, message) in [({ (t: inout SweepSettings) in t.languages = [.c, .dyck2] }, "--habits needs --language c"),
                                  ({ (t: inout SweepSettings) in t.stepLosses = [0] }, "needs a positive --step-losses"),
                                  ({ (t: inout SweepSettings) in t.habits = 1.5 }, "--habits must be between 0 and 1"),
                                  ({ (t: inout SweepSettings) in t.conditionalHabits = -1 }, "--conditional-habits must be between 0 and 1")] {
            var t = s; change(&t)
            #expect { try t.validate() } throws: { ($0 as? NestNetError)?.message.contains(message) ?? false }
        }
        // A one-job C sweep: the model's training-data record has the habits and decoys.
        let prov = Provenance(version: "test", command: "test", commit: "abc", host: "h", finished: "", threads: 2)
        var c = Self.tiny(); c.languages = [.c]; c.archs = [.lstm]; c.trainLengths = [64]; c.testLengths = [64]; c.probeLength = 64
        c.stepLosses = [1]
        c.decoyRate = 2; c.habits = 0.5; c.directiveHabits = 0.5; c.conditionalHabits = 0.5; c.inertWeight = 4
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try SweepRunner(out: dir, threads: 2, provenance: prov).run(c) { _ in }
        let meta = try RecurrentModel.load(from: dir + "/runs/c-lstm+step1-L64-s1/model.safetensors").metadata
        #expect(meta["data.generator"]?.contains("\"habits\":0.5") == true && meta["data.generator"]?.contains("\"decoyRate\":2") == true)
        #expect(meta["data.generator"]?.contains("\"conditionalHabits\":0.5") == true && meta["data.generator"]?.contains("\"directiveHabits\":0.5") == true)
        #expect(meta["train.inert_weight"] == "4.0")
        #expect(try SweepRunner.results(in: dir)[0].tests.map(\.count) == [12])
    }

    @Test func sameSeedSameResult() throws {
        let prov = Provenance(version: "test", command: "test", commit: "abc", host: "h", finished: "", threads: 2)
        var s = Self.tiny(); s.archs = [.gru]
        var accs: [[Double]] = []
        for _ in 0..<2 {
            let dir = Self.tempDir()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try SweepRunner(out: dir, threads: 2, provenance: prov).run(s) { _ in }
            accs.append(try SweepRunner.results(in: dir)[0].tests.map(\.loss))
        }
        #expect(accs[0] == accs[1])
    }
}

@Suite("Stack-top probe")
struct StackTopProbeTests {
    /// The oracle's stack top at every byte; brackets in comments and strings do not count.
    @Test func topsFollowTheOraclesStack() {
        #expect(StackTopProbe.tops(Array("([]{})".utf8)).top == [1, 2, 1, 3, 1, 0])
        let c = Array("f(/* [ */x[\"{\"]);".utf8)
        let (top, depth) = StackTopProbe.tops(c)
        #expect(top[1] == 1 && top[5] == 1 && top[10] == 2 && top[12] == 2 && top[14] == 1 && top[15] == 0)
        #expect(depth[10] == 2)
    }

    /// Measured on held-out texts, beside the majority baseline, at all depths and at depth ≥ 2.
    @Test func probeMeasuresHeldOutBytes() throws {
        let model = try RecurrentModel.initialized(ModelConfig(arch: .lstm, embed: 4, hidden: 8), seed: 2)
        let g = try ExampleGenerator(GeneratorOptions(language: .dyck2, minLength: 16, maxLength: 64))
        let ex = (0..<40).map { g.example(seed: 1, index: $0, valid: true) }
        let p = StackTopProbe(model: model, examples: ex)
        let held = stride(from: 1, to: 40, by: 2).reduce(0) { $0 + ex[$1].text.count }
        #expect(p.bytes == held && p.deepBytes > 0 && p.deepBytes < held)
        #expect((0...1).contains(p.accuracy) && (0...1).contains(p.baseline) && p.baseline > 0.25)
        // Levels below the top: measured where that many brackets are open, fewer bytes each level down.
        #expect(p.levels.map(\.level) == [1, 2, 3, 4])
        #expect(p.levels[0].bytes < held && p.levels[0].bytes > p.deepBytes)  // level 1: bytes with something open
        #expect(p.levels[1].bytes == p.deepBytes && zip(p.levels, p.levels.dropFirst()).allSatisfy { $0.bytes >= $1.bytes })
        #expect(p.levels.allSatisfy { (0...1).contains($0.accuracy) && (0...1).contains($0.baseline) })
    }

    /// The bracket k places below the top after every byte: 0 where fewer than k + 1 are open.
    @Test func levelTypesFollowTheStack() {
        let K = StackTopProbe.levelCount
        let t = StackTopProbe.levelTypes(Array("([{}])".utf8))
        #expect((0..<6).map { t[$0 * K] } == [1, 2, 3, 2, 1, 0])      // the top
        #expect((0..<6).map { t[$0 * K + 1] } == [0, 1, 2, 1, 0, 0])  // one below
        #expect((0..<6).map { t[$0 * K + 2] } == [0, 0, 1, 0, 0, 0])  // two below
        #expect((0..<6).allSatisfy { t[$0 * K + 3] == 0 })
    }
}
