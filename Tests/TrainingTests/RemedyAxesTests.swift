import NestNetSupport
import Foundation
import ProgramGenerator
import RecurrentNet
import Testing
@testable import Training

/// Issue 16's remedies as sweep axes: clip, forget-gate bias, truncated BPTT, optimizer (with a
/// tuned rate), recurrent initialisation and its scale.
@Suite("Sweep remedy axes")
struct RemedyAxesTests {
    @Test func theGridCrossesEveryAxisAndNamesOnlyWhatDiffers() throws {
        var s = SweepSettings()
        s.languages = [.dyck1]; s.archs = [.rnn]; s.trainLengths = [16]; s.seeds = [1]
        s.clips = [0, 1]; s.recurrentInits = [.orthogonal, .identity]; s.optimizers = [OptimizerChoice(kind: .adam), OptimizerChoice(parsing: "sgd:0.1")!]
        try s.validate()
        let ids = s.jobs.map(\.id)
        #expect(ids.count == 8 && Set(ids).count == 8)
        #expect(ids.contains("dyck1-rnn-L16-s1") && ids.contains("dyck1-rnn+clip0+sgd_lr0.1+identity-L16-s1"))
        // A job alone reproduces itself, and its flags name only the remedies that differ.
        for j in s.jobs { #expect(j.alone.jobs == [j]) }
        let plain = try #require(s.jobs.first { $0.remedy.isDefault })
        #expect(!plain.alone.flags.contains { $0.hasPrefix("--clips") || $0 == "--inits" || $0 == "--optimizers" })
        #expect(s.flags.contains("--optimizers") && s.flags.contains("adam,sgd:0.1"))
    }

    /// Results and settings written before the axes (and `edits`) existed read as the defaults,
    /// so a finished run of an earlier sweep is still this sweep's run.
    @Test func earlierResultsReadAsTheDefaults() throws {
        var s = SweepSettings()
        s.languages = [.c]; s.archs = [.lstm]; s.trainLengths = [64]; s.seeds = [1]
        let job = try #require(s.jobs.first)
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(job)) as! [String: Any]
        #expect(json["remedy"] == nil, "the default remedy is not written")
        var settings = json["settings"] as! [String: Any]
        for k in ["edits", "clips", "forgetBiases", "bptts", "optimizers", "recurrentInits", "recurrentScales", "stepLosses"] { settings[k] = nil }
        json["settings"] = settings
        let old = try JSONDecoder().decode(SweepJob.self, from: JSONSerialization.data(withJSONObject: json))
        #expect(old == job && old.remedy.isDefault && old.series == "lstm")
        var r = job
        r.remedy.clip = 0
        #expect(try JSONDecoder().decode(SweepJob.self, from: JSONEncoder().encode(r)) == r)
        // A remedy written before `stepLoss` existed (all six fields, none for it) reads as 0;
        // one with it round-trips, and its run id says so.
        let sixFields = #"{"clip": 0, "forgetBias": 1, "bptt": 0, "optimizer": {"kind": "adam"}, "recurrentInit": "orthogonal", "recurrentScale": 1}"#
        let six = try JSONDecoder().decode(Remedy.self, from: Data(sixFields.utf8))
        #expect(six.stepLoss == 0 && six.clip == 0 && six.label == "+clip0")
        r.remedy.stepLoss = 1
        #expect(try JSONDecoder().decode(SweepJob.self, from: JSONEncoder().encode(r)) == r && r.series == "lstm+clip0+step1")
    }

    /// The default initialisation stands for each architecture's own start; results.csv names
    /// the one the run really had.
    @Test func theIRNNsDefaultStartIsTheIdentity() {
        #expect(Remedy().effectiveInit(.irnn) == .identity && Remedy().effectiveInit(.rnn) == .orthogonal)
        var x = Remedy(); x.recurrentInit = .xavier
        #expect(x.effectiveInit(.irnn) == .xavier)
    }

    @Test func badAxesAreRefused() {
        func refused(_ change: (inout SweepSettings) -> Void) -> Bool {
            var s = SweepSettings(); change(&s)
            return (try? s.validate()) == nil
        }
        #expect(refused { $0.clips = [] })
        #expect(refused { $0.clips = [-1] })
        #expect(refused { $0.bptts = [-4] })
        #expect(refused { $0.recurrentScales = [0] })
        #expect(OptimizerChoice(parsing: "sgd:-1") == nil && OptimizerChoice(parsing: "lion") == nil && OptimizerChoice(parsing: "adam:1e-3:2") == nil)
    }

    /// Without clipping, plain SGD at a rate far too high on a tanh RNN started at four times an
    /// orthogonal matrix diverges: the sweep records where and evaluates the last finite
    /// weights, instead of stopping; with clipping the same run does not diverge.
    @Test func aDivergedRunIsAResultNotAFailure() throws {
        var s = SweepSettings()
        s.languages = [.dyck1]; s.archs = [.rnn]; s.trainLengths = [64]; s.testLengths = [64]; s.seeds = [1]
        s.hidden = 16; s.embed = 4; s.epochs = 1; s.examplesPerEpoch = 256; s.batch = 16; s.testCount = 8; s.validCount = 8
        s.probeLength = 16; s.probeCount = 2; s.recurrentScales = [4]; s.optimizers = [OptimizerChoice(parsing: "sgd:50")!]; s.clips = [0, 1]
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("diverge-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: d) }
        let runner = SweepRunner(out: d, threads: 1, provenance: Provenance(version: "t", command: "t", commit: "t", host: "t", finished: "", threads: 1))
        var results: [SweepResult] = []
        try runner.run(s) { if case .finished(let r) = $0 { results.append(r) } }
        #expect(results.count == 2)
        let unclipped = try #require(results.first { $0.job.remedy.clip == 0 }), clipped = try #require(results.first { $0.job.remedy.clip == 1 })
        #expect(unclipped.diverged != nil && clipped.diverged == nil)
        // …, diverged_at_step, step_loss
        #expect(unclipped.csvRows.allSatisfy { $0.hasSuffix(",\(unclipped.diverged!.step),0.0") } && clipped.csvRows.allSatisfy { $0.hasSuffix(",,0.0") })
        #expect(try SweepRunner.results(in: d).count == 2, "both results read back")
    }

    /// A tanh RNN whose recurrent weights start at twice an orthogonal matrix, trained at a high
    /// rate: without clipping its gradient norm is larger than with it (clipping caps what is
    /// applied; the run still trains), and both runs are deterministic.
    @Test func remediesReachTheTrainer() throws {
        var s = SweepSettings()
        s.languages = [.dyck1]; s.archs = [.rnn]; s.trainLengths = [32]; s.testLengths = [16]; s.seeds = [3]
        s.hidden = 8; s.embed = 4; s.epochs = 1; s.examplesPerEpoch = 64; s.batch = 8; s.testCount = 8; s.validCount = 8
        s.probeLength = 16; s.probeCount = 2; s.recurrentScales = [2]; s.recurrentInits = [.xavier]; s.bptts = [8]; s.forgetBiases = [0]
        let job = try #require(s.jobs.first)
        #expect(job.id == "dyck1-rnn+fb0+bptt8+xavier+scale2-L32-s3")
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("remedy-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: d) }
        let runner = SweepRunner(out: d, threads: 1, provenance: Provenance(version: "t", command: "t", commit: "t", host: "t", finished: "", threads: 1))
        var results: [SweepResult] = []
        try runner.run(s) { if case .finished(let r) = $0 { results.append(r) } }
        let r = try #require(results.first)
        #expect(r.job.remedy.recurrentScale == 2 && r.csvRows.first?.hasSuffix(",1.0,0.0,8,adam,0.003,xavier,2.0,,0.0") == true, "\(r.csvRows.first ?? "")")
        let csv = try String(contentsOfFile: d + "/results.csv", encoding: .utf8)
        #expect(csv.hasPrefix(SweepResult.csvHeader + "\n") && csv.contains("dyck1,rnn,3,32,16,"))
    }
}
