import ArgumentParser
import NestNetSupport
import Foundation
import ProgramGenerator
import RecurrentNet
import Training


/// `nestnet sweep`: train and evaluate a grid of models (architecture × training length × seed
/// × language) into one folder that `nestnet report` turns into a report.
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sequence-length sweep: train every (language, arch, training length, seed) and evaluate on every test length.",
        discussion: """
        Each run trains on texts from a quarter of its training length up to it (final label \
        only, full BPTT), keeps the best checkpoint by validation accuracy, evaluates it on \
        fixed test sets of every --test-lengths (texts from 3/4 of the length up to it), and \
        probes gradient flow and counter units on --probe-count texts of --probe-length. \
        Results go to OUT/runs/<id>/result.json as each run finishes and OUT/results.csv is \
        rebuilt; running the same sweep again skips finished runs and resumes an interrupted \
        one from its training state. --config reads the settings from a JSON object with the \
        flag names as keys; flags given on the command line override it. --list-jobs prints \
        one self-contained command per run instead (for GNU parallel, a Slurm array or a CI \
        matrix); `nestnet report OUT` then merges them.
        """)

    @Option(help: "Output folder.") var out: String
    @Option(help: "JSON config file (keys: the flag names, e.g. \"train-lengths\": [64, 256]).") var config: String?
    @Option(help: "Languages (comma-separated): c, dyck1, dyck2, dyck3. Default c.") var languages: String?
    @Option(help: "Architectures (comma-separated): rnn, irnn, gru, lstm. Default rnn,lstm.") var archs: String?
    @Option(help: "Training lengths (comma-separated). Default 64,256.") var trainLengths: String?
    @Option(help: "Test lengths (comma-separated). Default 32,64,…,1024.") var testLengths: String?
    @Option(help: "Seeds (comma-separated). Default 1.") var seeds: String?
    @Option(parsing: .unconditional, help: "Hidden size. Default 32.") var hidden: Int?
    @Option(parsing: .unconditional, help: "Embedding size. Default 16.") var embed: Int?
    @Option(parsing: .unconditional, help: "Epochs per run. Default 6.") var epochs: Int?
    @Option(parsing: .unconditional, help: "Generated training examples per epoch. Default 6000.") var examplesPerEpoch: Int?
    @Option(parsing: .unconditional, help: "Minibatch size. Default 32.") var batch: Int?
    @Option(parsing: .unconditional, help: "Learning rate (Adam). Default 0.003.") var lr: Float?
    @Option(help: "constant, cosine or cosine-steps (as `train --schedule`). Default cosine.") var schedule: LearningRateSchedule?
    @Option(parsing: .unconditional, help: "Length curriculum: longest text of the first epoch (reaches the training length at half the epochs).") var curriculum: Int?
    @Option(help: "Where breaking edits fall: any, early, middle, late. Default any.") var errorPosition: ErrorPosition?
    @Option(help: "Which corrupting edits make the invalid texts (training and test sets): any, count-preserving (a clean stack test) or count-breaking. Default any.") var edits: EditSelection?
    @Option(parsing: .unconditional, help: "Bracket rate in comments and strings (C). Default 0.35.") var distractors: Double?
    @Option(parsing: .unconditional, help: "Training data (C): extra decoy brackets inside comments and strings, up to this many per KB (as train --decoy-rate). Test sets have none. Default 0.") var decoyRate: Double?
    @Option(parsing: .unconditional, help: "Training data (C): share of comments written with real code's lexical habits (as train --habits). Test sets have none. Default 0.") var habits: Double?
    @Option(parsing: .unconditional, help: "Training data (C): share of programs whose preprocessor lines are indented as people write them (as train --directive-habits). Test sets have none. Default 0.") var directiveHabits: Double?
    @Option(parsing: .unconditional, help: "Training data (C): share of programs whose conditionals are written as real files write them (as train --conditional-habits). Test sets have none. Default 0.") var conditionalHabits: Double?
    @Option(parsing: .unconditional, help: "With --step-losses: factor on the `inert` target at bracket bytes (as train --inert-weight). Default 1.") var inertWeight: Float?
    @Option(help: "Remedy axis (comma-separated): global gradient-norm clips, 0 for none. Default 1.") var clips: String?
    @Option(help: "Remedy axis: LSTM forget-gate biases at the start. Default 1.") var forgetBiases: String?
    @Option(help: "Remedy axis: truncated BPTT chunk lengths, or full. Default full.") var bptts: String?
    @Option(help: "Remedy axis: optimizers, each with an optional tuned learning rate (adam, rmsprop:0.001, sgd:0.1). Default adam at --lr.") var optimizers: String?
    @Option(help: "Remedy axis: recurrent weight initialisations: orthogonal, xavier, identity. Default orthogonal.") var inits: String?
    @Option(help: "Remedy axis: factors on the initial recurrent weights (above 1: gradients that can explode). Default 1.") var recurrentScales: String?
    @Option(help: "Axis: weights of the per-step oracle targets (train --step-loss), 0 for the final label only. Default 0.") var stepLosses: String?
    @Option(parsing: .unconditional, help: "Examples per test length. Default 400.") var testCount: Int?
    @Option(parsing: .unconditional, help: "Validation examples per run. Default 500.") var validCount: Int?
    @Option(parsing: .unconditional, help: "Length of the probe texts. Default 512.") var probeLength: Int?
    @Option(parsing: .unconditional, help: "Number of probe texts. Default 32.") var probeCount: Int?
    @Option(parsing: .unconditional, help: "Worker threads: one per core unless given.") var threads: Int = defaultThreads
    @Flag(help: "Print one command per run instead of running.") var listJobs = false
    @Flag(help: "No progress output.") var quiet = false
    // Slurm (README: "Running a sweep on a cluster").
    @Flag(help: "Submit the unfinished runs to Slurm as an array job (one run per task, --threads CPUs each) instead of running them here.")
    var slurm = false
    @Flag(help: "With --slurm: write OUT/slurm/array.sbatch without submitting it.") var slurmScriptOnly = false
    @Option(parsing: .unconditional, help: "With --slurm: at most this many tasks at once (--array=…%M).") var slurmMaxRunning: Int?
    @Option(help: "With --slurm: time limit per task in Slurm's format (30:00, 2:00:00, 1-00). The run saves its state 2 minutes before.")
    var slurmTime: String?
    @Option(help: "With --slurm: memory per task, e.g. 2G.") var slurmMem: String?
    @Option(help: "With --slurm: partition.") var slurmPartition: String?
    @Option(help: "With --slurm: account.") var slurmAccount: String?
    @Option(help: "With --slurm: a further sbatch option, repeatable (--slurm-option=--qos=short).") var slurmOption: [String] = []
    @Flag(help: "With --slurm: wait for the array to end, then build the report (as nestnet report OUT).") var wait = false
    @Option(parsing: .unconditional, help: "With --wait: seconds between looks at the queue. Default 10.") var pollSeconds: Double = 10

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        let slurmOnly = [("--slurm-script-only", slurmScriptOnly), ("--slurm-max-running", slurmMaxRunning != nil), ("--slurm-time", slurmTime != nil),
                         ("--slurm-mem", slurmMem != nil), ("--slurm-partition", slurmPartition != nil), ("--slurm-account", slurmAccount != nil),
                         ("--slurm-option", !slurmOption.isEmpty), ("--wait", wait)]
        if !slurm, let f = slurmOnly.first(where: \.1) { throw ValidationError("\(f.0) goes with --slurm") }
        if slurm && listJobs { throw ValidationError("--slurm submits the runs and --list-jobs prints them: give one of them") }
        if wait && slurmScriptOnly { throw ValidationError("--wait waits for a submitted array; --slurm-script-only submits none") }
        guard pollSeconds >= 0.1 && pollSeconds <= 3600 else { throw ValidationError("--poll-seconds must be between 0.1 and 3600") }
        do { try slurmLimits.validate() } catch let e as NestNetError { throw ValidationError(e.message) }
    }

    func settings() throws -> SweepSettings {
        var s = SweepSettings()
        if let c = config {
            let value: JSONValue
            let text = try readFile(c, limit: 1 << 20)
            do { value = try JSONParser.parse(text) } catch let e as NestNetError { throw e.prefixed("\(c): ") }
            try s.apply(config: value, source: c)
        }
        /// A comma-separated list; `expected` says what an item may be, for the error.
        func list<T>(_ flag: String, _ text: String?, _ expected: String, _ parse: (String) -> T?) throws -> [T]? {
            guard let text else { return nil }
            return try text.split(separator: ",", omittingEmptySubsequences: false).map {
                let item = $0.trimmingCharacters(in: .whitespaces)
                guard let v = parse(item) else { throw NestNetError("\(flag): cannot read \"\(item)\" (expected \(expected))") }
                return v
            }
        }
        if let v = try list("--languages", languages, Language.allCases.map(\.rawValue).joined(separator: ", "), { Language(rawValue: $0) }) { s.languages = v }
        if let v = try list("--archs", archs, Architecture.allCases.map(\.rawValue).joined(separator: ", "), { Architecture(rawValue: $0) }) { s.archs = v }
        if let v = try list("--train-lengths", trainLengths, "whole numbers", { Int($0) }) { s.trainLengths = v }
        if let v = try list("--test-lengths", testLengths, "whole numbers", { Int($0) }) { s.testLengths = v }
        if let v = try list("--seeds", seeds, "whole numbers ≥ 0", { UInt64($0) }) { s.seeds = v }
        if let v = try list("--clips", clips, "numbers ≥ 0", { Float($0).flatMap { $0 >= 0 && $0.isFinite ? $0 : nil } }) { s.clips = v }
        if let v = try list("--forget-biases", forgetBiases, "numbers", { Float($0).flatMap { $0.isFinite ? $0 : nil } }) { s.forgetBiases = v }
        if let v = try list("--bptts", bptts, "whole numbers ≥ 1 or full", { $0 == "full" ? 0 : Int($0).flatMap { $0 >= 1 ? $0 : nil } }) { s.bptts = v }
        if let v = try list("--optimizers", optimizers, OptimizerKind.allCases.map(\.rawValue).joined(separator: ", ") + ", each optionally :learning_rate", OptimizerChoice.init(parsing:)) { s.optimizers = v }
        if let v = try list("--inits", inits, RecurrentInit.allCases.map(\.rawValue).joined(separator: ", "), { RecurrentInit(rawValue: $0) }) { s.recurrentInits = v }
        if let v = try list("--recurrent-scales", recurrentScales, "positive numbers", { Float($0).flatMap { $0 > 0 && $0.isFinite ? $0 : nil } }) { s.recurrentScales = v }
        if let v = try list("--step-losses", stepLosses, "numbers ≥ 0", { Float($0).flatMap { $0 >= 0 && $0.isFinite ? $0 : nil } }) { s.stepLosses = v }
        if let v = hidden { s.hidden = v }
        if let v = embed { s.embed = v }
        if let v = epochs { s.epochs = v }
        if let v = examplesPerEpoch { s.examplesPerEpoch = v }
        if let v = batch { s.batch = v }
        if let v = lr { s.learningRate = v }
        if let v = schedule { s.schedule = v }
        if let v = curriculum { s.curriculum = v }
        if let v = errorPosition { s.errorPosition = v }
        if let v = edits { s.edits = v }
        if let v = distractors { s.distractors = v }
        if let v = decoyRate { s.decoyRate = v }
        if let v = habits { s.habits = v }
        if let v = directiveHabits { s.directiveHabits = v }
        if let v = conditionalHabits { s.conditionalHabits = v }
        if let v = inertWeight { s.inertWeight = v }
        if let v = testCount { s.testCount = v }
        if let v = validCount { s.validCount = v }
        if let v = probeLength { s.probeLength = v }
        if let v = probeCount { s.probeCount = v }
        try s.validate()
        return s
    }

    func run() throws {
        let s = try settings()
        if slurm { return try submitToSlurm(s) }
        if listJobs {
            let exe = CommandLine.arguments.first ?? "nestnet"
            for job in s.jobs { print(command(for: job, executable: exe, out: out)) }
            return
        }
        try makeFolder(out)
        try checkWritable(out + "/results.csv")
        let command = CommandLine.arguments.map(shellQuote).joined(separator: " ")
        let provenance = Provenance(version: NestNet.version, command: command, commit: Provenance.gitCommit(), host: hostName(),
                                    finished: "", threads: threads)
        try SweepRunner.recordInvocation(s, provenance, in: out)

        let runner = SweepRunner(out: out, threads: threads, provenance: provenance)
        let jobs = s.jobs
        var progress = ProgressLine("sweep", total: nil, quiet: quiet)
        var done = 0, skipped = 0
        let clock = Clock()
        do {
            StopSignal.install()  // SIGTERM (scancel, a requeue) / Ctrl-C: the running job saves its state and the sweep stops
            try runner.run(s) { event in
                switch event {
                case .skipped(let job):
                    skipped += 1
                    if !quiet { writeStderr("sweep: \(job.id) already finished, skipping\n") }
                case let .started(job, index, total, resumed):
                    progress = ProgressLine("[\(index)/\(total)] \(job.id)", total: nil, quiet: quiet)
                    if resumed && !quiet { writeStderr("sweep: \(job.id) resuming from its training state\n") }
                case let .training(_, t):
                    switch t {
                    case let .step(epoch, step, steps, loss, acc, tps):
                        progress.status("epoch \(epoch)/\(s.epochs) step \(step)/\(steps), loss \(fixed(loss, 4)), acc \(fixed(acc, 3)), \(Int(tps)) tok/s")
                    case let .epoch(r, _):
                        progress.status("epoch \(r.epoch)/\(s.epochs): train acc \(fixed(r.trainAccuracy, 3))" + (r.validAccuracy.map { ", valid acc \(fixed($0, 3))" } ?? ""), force: true)
                    default: break
                    }
                case let .evaluating(_, n):
                    progress.status("evaluating at length \(n)", force: true)
                case .finished(let r):
                    done += 1
                    let accs = r.tests.map { "\($0.testLength):\(fixed($0.accuracy, 3))" }.joined(separator: " ")
                    progress.finish("\(r.job.id): trained in \(formatDuration(r.trainSeconds)), valid \(fixed(r.bestValidAccuracy ?? 0, 3)); accuracy by length \(accs); grad ×\(scientific(r.gradients.hFactorPer100))/100 steps; counter r=\(fixed(r.counter.r, 3))")
                }
            }
        } catch var s as StopRequested {
            s.saved += "; run the same command again to go on"
            throw s
        }
        if !quiet {
            writeStderr("sweep: \(done) runs finished, \(skipped) already done, \(jobs.count) in all, in \(formatDuration(clock.seconds)); results in \(out)/results.csv (nestnet report \(out))\n")
        }
    }

    /// The self-contained command that runs `job` alone into `out`.
    /// `quiet`: no progress lines (a Slurm task's log keeps them).
    func command(for job: SweepJob, executable: String, out: String, quiet: Bool = true) -> String {
        ([executable, "sweep", "--out", out] + job.alone.flags + ["--threads", "\(threads)"] + (quiet ? ["--quiet"] : [])).map(shellQuote).joined(separator: " ")
    }
}
