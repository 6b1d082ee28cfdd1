import Foundation
import NestNetSupport
import NestingOracle
import ProgramGenerator
import RecurrentNet
import StepHead

/// Runs the jobs of a sweep into an output folder:
///
///     OUT/sweep.json              the settings and every command that ran into OUT
///     OUT/results.csv             one row per (run, test length), rebuilt after every run
///     OUT/runs/<id>/result.json   written last, atomically: the run is finished
///     OUT/runs/<id>/model.safetensors, train.state
///
/// A finished run is skipped when the sweep runs again; an interrupted one resumes from its
/// training state. Runs of one folder may come from separate processes (`--list-jobs`).
public struct SweepRunner {
    public let out: String
    public let threads: Int
    public let provenance: Provenance

    public init(out: String, threads: Int, provenance: Provenance) {
        self.out = out; self.threads = threads; self.provenance = provenance
    }

    public enum Event {
        case skipped(SweepJob)
        case started(SweepJob, index: Int, of: Int, resumed: Bool)
        case training(SweepJob, TrainingEvent)
        case evaluating(SweepJob, testLength: Int)
        case finished(SweepResult)
    }

    public func runDirectory(_ job: SweepJob) -> String { "\(out)/runs/\(job.id)" }

    /// The finished result of `job`, if any; throws when the folder holds the same run id
    /// made with other settings.
    public func finishedResult(_ job: SweepJob) throws -> SweepResult? {
        let path = runDirectory(job) + "/result.json"
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let r = try SweepResult.read(path)
        guard r.job == job else {
            throw NestNetError("\(path) was made with other settings than this sweep; use another --out or remove \(runDirectory(job))")
        }
        return r
    }

    /// Runs every unfinished job of `settings`, in order.
    public func run(_ settings: SweepSettings, report: (Event) -> Void) throws {
        try settings.validate()
        try makeFolder(out + "/runs")
        let jobs = settings.jobs
        for (i, job) in jobs.enumerated() {
            if try finishedResult(job) != nil { report(.skipped(job)); continue }
            if let sig = StopSignal.requested {
                throw StopRequested(signal: sig, saved: "finished runs are kept in \(out)/runs")
            }
            let r = try run(job, index: i + 1, of: jobs.count, report: report)
            report(.finished(r))
            try Self.writeCSV(in: out)
        }
    }

    // MARK: One job

    func run(_ job: SweepJob, index: Int, of total: Int, report: (Event) -> Void) throws -> SweepResult {
        let dir = runDirectory(job)
        try makeFolder(dir)
        let s = job.settings
        // Decoys and habits shape the training data only; validation, test and probe sets are
        // made from `options`, without them, so sweeps with and without compare.
        let options = s.generatorOptions(job.language, trainLength: job.trainLength, shaped: false)
        let trainOptions = s.generatorOptions(job.language, trainLength: job.trainLength, shaped: true)
        try trainOptions.validate()
        var config = TrainingConfig(model: ModelConfig(arch: job.arch, embed: s.embed, hidden: s.hidden,
                                                       stepOutputs: job.remedy.stepLoss > 0 ? StepTargets.outputs : 0))
        config.batch = s.batch; config.epochs = s.epochs; config.learningRate = s.learningRate; config.schedule = s.schedule
        config.seed = job.seed; config.threads = threads
        let r = job.remedy
        config.clip = r.clip; config.forgetBias = r.forgetBias; config.bptt = r.bptt == 0 ? nil : r.bptt
        config.optimizer = r.optimizer.kind; config.learningRate = r.optimizer.learningRate ?? s.learningRate
        config.recurrentInit = r.requestedInit
        config.recurrentScale = r.recurrentScale == 1 ? nil : r.recurrentScale
        config.stepLossWeight = r.stepLoss
        config.inertWeight = s.inertWeight == 1 || r.stepLoss == 0 ? nil : s.inertWeight
        let data = GeneratedData(options: trainOptions, examplesPerEpoch: s.examplesPerEpoch, curriculumStart: s.curriculum,
                                 curriculumEpochs: max(1, s.epochs / 2))
        let validSeed = job.seed ^ 0x7A11_D5EE_D000_0000
        let valid = try Self.examples(options, count: s.validCount, seed: validSeed)
        let trainer = try Trainer(config, data: .generated(data), valid: valid)
        trainer.metadata = ["nestnet.version": provenance.version, "sweep.job": String(decoding: try stableJSON(job), as: UTF8.self),
                            "data.generator": String(decoding: try stableJSON(data), as: UTF8.self)]
        let statePath = dir + "/train.state", modelPath = dir + "/model.safetensors"
        var resumed = false
        if FileManager.default.fileExists(atPath: statePath) {
            do { try trainer.resume(from: statePath); resumed = true } catch {
                // A state from other settings (or a damaged one) is not this run's: start over, loudly.
                writeStderr("\(job.id): cannot resume from \(statePath) (\(error)); training from scratch\n")
            }
        }
        report(.started(job, index: index, of: total, resumed: resumed))
        var diverged: SweepResult.Divergence? = nil
        do {
            try trainer.run(statePath: statePath, saveEvery: 500, bestPath: modelPath) { report(.training(job, $0)) }
        } catch let d as TrainingDiverged {
            // An outcome, not a failure (a remedy left out, e.g. no clipping): the run is
            // evaluated with its best checkpoint so far, or its last finite weights.
            diverged = .init(epoch: d.epoch, step: d.step, what: d.what)
            writeStderr("\(job.id): \(d.event); evaluating its best checkpoint so far\n")
            if !FileManager.default.fileExists(atPath: modelPath) { try trainer.saveModel(to: modelPath) }
        }
        let best = try RecurrentModel.load(from: modelPath).model

        // Evaluation on fixed test sets (the same for every run of the sweep).
        var tests: [SweepResult.Test] = []
        for n in s.testLengths {
            report(.evaluating(job, testLength: n))
            let r = SweepSettings.testRange(n, language: job.language)
            var o = options
            o.minLength = r.lowerBound; o.maxLength = r.upperBound; o.errorPosition = s.errorPosition
            let examples = try Self.examples(o, count: s.testCount, seed: Self.testSeed(job.language, n))
            let e = Evaluation(model: best, examples: examples, threads: threads)
            var buckets: [Int: SweepResult.DistanceBucket] = [:]
            var kinds: [String: SweepResult.EditBucket] = [:]
            for (p, x) in zip(e.probabilities, examples) where !x.valid {
                guard let edit = x.edit else { continue }
                var kb = kinds[edit.kind.rawValue] ?? .init(kind: edit.kind.rawValue, count: 0, correct: 0)
                kb.count += 1
                if p <= 0.5 { kb.correct += 1 }
                kinds[edit.kind.rawValue] = kb
                let d = max(1, x.text.count - edit.offset)
                let k = Int.bitWidth - 1 - d.leadingZeroBitCount
                var b = buckets[k] ?? .init(log2Distance: k, count: 0, correct: 0)
                b.count += 1
                if p <= 0.5 { b.correct += 1 }
                buckets[k] = b
            }
            tests.append(.init(testLength: n, count: e.count, accuracy: e.accuracy, loss: e.loss,
                               byDistance: buckets.keys.sorted().map { buckets[$0]! }, byEdit: kinds.keys.sorted().map { kinds[$0]! }))
        }

        // Probes on texts of the probe length.
        let pr = SweepSettings.testRange(s.probeLength, language: job.language)
        var po = options
        po.minLength = pr.lowerBound; po.maxLength = pr.upperBound
        let probeSet = try Self.examples(po, count: s.probeCount, seed: Self.testSeed(job.language, s.probeLength) ^ 0x960BE)
        let fresh = try RecurrentModel.initialized(config.model, seed: job.seed, forgetBias: config.forgetBias,
                                                   recurrentInit: config.recurrentInit, recurrentScale: r.recurrentScale)
        let gTrained = GradientProbe(model: best, examples: probeSet, threads: threads)
        let gInit = GradientProbe(model: fresh, examples: probeSet, threads: threads)
        let validProbe = probeSet.filter(\.valid)
        let counterSet = Array((validProbe.isEmpty ? probeSet : validProbe).prefix(16))
        let cp = CounterProbe(model: best, examples: counterSet, traceIndex: 0)
        let traceText = String(decoding: counterSet.first?.text ?? [], as: UTF8.self)
        let sp = StackTopProbe(model: best, examples: validProbe)

        let secs = trainer.progress.history.reduce(0) { $0 + $1.seconds }
        let tokens = trainer.progress.history.reduce(0.0) { $0 + $1.tokensPerSecond * $1.seconds }
        let result = SweepResult(
            job: job, parameters: best.parameterCount, trainSeconds: secs, tokensPerSecond: secs > 0 ? tokens / secs : 0,
            bestValidAccuracy: trainer.progress.bestValidAccuracy, history: trainer.progress.history, tests: tests,
            gradients: .init(probeLength: s.probeLength, h: gTrained.h, c: gTrained.c, hInit: gInit.h, cInit: gInit.c,
                             hFactorPer100: gTrained.hFactorPer100, hInitFactorPer100: gInit.hFactorPer100,
                             cFactorPer100: gTrained.cFactorPer100, cInitFactorPer100: gInit.cFactorPer100),
            counter: .init(unit: cp.best.index, cell: cp.best.cell, r: cp.best.r, linearR2: cp.linearR2,
                           traceText: traceText, traceDepth: cp.trace.map(\.1), traceActivation: cp.trace.map(\.2)),
            stack: validProbe.count >= 2 ? .init(accuracy: sp.accuracy, baseline: sp.baseline, deepAccuracy: sp.deepAccuracy,
                                                 deepBaseline: sp.deepBaseline, bytes: sp.bytes, deepBytes: sp.deepBytes, levels: sp.levels) : nil,
            stepTrace: trainer.progress.stepTrace, diverged: diverged, provenance: provenance)
        try AtomicFile.write(Array(try result.encoded()), to: dir + "/result.json")
        try? FileManager.default.removeItem(atPath: statePath)  // the finished run no longer needs it
        return result
    }

    /// `count` examples of `options`, half valid, a pure function of the seed.
    static func examples(_ options: GeneratorOptions, count: Int, seed: UInt64) throws -> [Example] {
        guard count > 0 else { return [] }
        let gen = try ExampleGenerator(options)
        let labels = ExampleGenerator.labels(count: count, validFraction: 0.5, seed: seed)
        return labels.enumerated().map { gen.example(seed: seed, index: $0.offset, valid: $0.element) }
    }

    /// Test sets depend on the language and length only, so every run sees the same texts.
    static func testSeed(_ language: Language, _ length: Int) -> UInt64 {
        0x7E57_0000_0000_0000 ^ (UInt64(length) << 8) ^ UInt64(Language.allCases.firstIndex(of: language) ?? 0)
    }

    // MARK: Folder-level files

    /// Every finished result under `dir/runs`, sorted by job order (language, training length,
    /// architecture, seed).
    public static func results(in dir: String) throws -> [SweepResult] {
        let runs = dir + "/runs"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: runs) else {
            throw NestNetError("\(dir) holds no sweep runs (no \(runs) folder)")
        }
        var out: [SweepResult] = []
        for n in names.sorted() {
            let p = "\(runs)/\(n)/result.json"
            guard FileManager.default.fileExists(atPath: p) else { continue }
            out.append(try SweepResult.read(p))
        }
        return out.sorted {
            ($0.job.language.rawValue, $0.job.trainLength, $0.job.arch.displayRank, $0.job.remedy.label, $0.job.seed)
                < ($1.job.language.rawValue, $1.job.trainLength, $1.job.arch.displayRank, $1.job.remedy.label, $1.job.seed)
        }
    }

    /// The lock file that serialises rebuilding `results.csv` and appending to `sweep.json`.
    public static func lockPath(_ dir: String) -> String { dir + "/.lock" }

    /// Rebuilds `dir/results.csv` from every finished run (atomically, under the folder's
    /// lock: of tasks finishing at once, the last to write has read every result).
    @discardableResult
    public static func writeCSV(in dir: String) throws -> [SweepResult] {
        guard FileManager.default.fileExists(atPath: dir + "/runs") else { throw NestNetError("\(dir) holds no sweep runs (no \(dir)/runs folder)") }
        return try FolderLock.withLock(lockPath(dir)) {
            let all = try results(in: dir)
            let text = ([SweepResult.csvHeader] + all.flatMap(\.csvRows)).joined(separator: "\n") + "\n"
            try AtomicFile.write(Array(text.utf8), to: dir + "/results.csv")
            return all
        }
    }
}

extension SweepResult {
    func encoded() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try e.encode(self)
    }

    public static func read(_ path: String) throws -> SweepResult {
        let bytes = try readFile(path, limit: 64 << 20)
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do { return try d.decode(SweepResult.self, from: Data(bytes)) } catch {
            throw NestNetError("\(path): not a NestNet sweep result (\(error))")
        }
    }
}
