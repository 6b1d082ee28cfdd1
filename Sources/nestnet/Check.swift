import ArgumentParser
import CheckReporting
import DefaultModel
import Dispatch
import JUnit
import Linting
import NestNetSupport
import RecurrentNet

/// `nestnet check`: the CI lint step.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the bracket nesting of C-like source files (the CI lint step).",
        discussion: """
        PATHs are files or directories (default: .; - reads standard input). Directories are \
        walked recursively for C-like files, in sorted order. Exit status: 0 when every file is \
        valid, 1 when some file is invalid, 2 on usage errors or when some file could not be \
        checked; every input file is listed in every report either way.
        """)

    @Argument(help: "Files or directories (default: .).") var paths: [String] = []
    @Option(help: "Checkpoint (default: the embedded models, --embedded).") var model: String?
    @Option(help: "The embedded models that read the files when --model is not given: stack (three stack networks, each read by its own stack, each confirming the one before; the default) or lstm (the previous release's two LSTMs, read at thresholds).") var embedded: EmbeddedPair?
    @Option(help: "model (the neural network), exact (the oracle), or both side by side.") var engine: CheckEngine = .model
    @Option(help: "With --engine both: whose verdict sets the exit status: exact (the oracle, the ground truth; disagreements are reported), model, or either.") var failOn: FailOn?
    @Option(parsing: .unconditional, help: "Report a file invalid when the model's P(valid) at its end is below this, or its P(not broken yet) stays below it (or --step-threshold) for --hold bytes in a row; the same with or without the second opinion (chosen with the second opinion's on the corpus valid packages and dev pool; see the model card). Default: \(ModelChecker.defaultThreshold). Not for a stack network, which its own stack decides.") var threshold: Float?
    @Option(help: "A second model that reads every file the first one flags; a file is invalid only when both say so. Default: the embedded models' second when --model is not given; none: the first model alone.") var secondOpinion: String?
    @Option(parsing: .unconditional, help: "The second opinion's threshold (its own P(valid) bar, as --threshold is the first model's): it clears a flagged file only when its P(valid) stays at or above this. Default: \(SecondOpinion.defaultThreshold). Not for a stack network.") var secondThreshold: Float?
    @Option(help: "A third model that reads every file the first two flag; a file is invalid only when all three say so. Default: the embedded stack networks' third when neither --model nor --second-opinion is given; none: no third.") var thirdOpinion: String?
    @Option(parsing: .unconditional, help: "The third opinion's threshold, as --second-threshold is the second's. Default: \(SecondOpinion.defaultThreshold). Not for a stack network.") var thirdThreshold: Float?
    @Option(parsing: .unconditional, help: "For stack networks: a file a network's stack breaks is valid to it when another reading of its moves, at most this many nats less likely than its own (each move's logit is its price), leaves the stack unbroken; 0: its own reading alone. At most \(ModelChecker.maxRepairBudget). Default: \(ModelChecker.defaultRepairBudget).") var repairBudget: Float?
    @Option(parsing: .unconditional, help: "The step head's own bar: it calls a file broken when its P(not broken yet) stays below this for --hold bytes in a row (default: --threshold).") var stepThreshold: Float?
    @Option(parsing: .unconditional, help: "Bytes the step head's `broken` output must stay past its bar (--step-threshold) for the step head alone to call a file broken, wherever in the file (0: never; the final head decides at the end). Default: 128, or 1 for a model trained with `train --broken-latch`; each model of a pair its own.") var hold: Int?
    @Option(help: "Comma-separated globs of files to check in directories (default: C and C++ endings).") var include: String?
    @Option(help: "Comma-separated globs of files or directories to skip.") var exclude: String?
    @Option(parsing: .unconditional, help: "Files larger than this many bytes are errors.") var maxBytes: Int = 16 << 20
    @Option(help: "text (compiler-style lines) or json.") var format: OutputFormat = .text
    @Option(help: "Write a JUnit XML report here.") var junit: String?
    @Flag(help: "JUnit without file/line on testcases (valid against the plain Jenkins junit-10.xsd).") var junitStrict = false
    @Option(help: "Write a SARIF 2.1.0 report here.") var sarif: String?
    @Option(help: "Folder the SARIF report's file URIs are relative to (default: the git top level of the current folder, else the current folder).") var root: String?
    @Flag(help: "Print GitHub Actions ::error workflow commands (to stderr with --format json, so stdout stays JSON).") var github = false
    @Flag(help: "Also list valid and skipped files.") var verbose = false
    @Flag(help: "Exit 0 when no C-like file is found (by default that is an error: a lint that checks nothing hides a misconfigured pipeline).") var allowEmpty = false
    @Option(parsing: .unconditional, help: "Worker threads: one per core unless given.") var threads: Int = defaultThreads

    /// The embedded models read when no `--model` is given.
    var pair: EmbeddedPair { embedded ?? .stack }

    var includes: [String] { (include ?? "").split(separator: ",").map { $0.trimmingSpaces }.filter { !$0.isEmpty } }
    var excludes: [String] { (exclude ?? "").split(separator: ",").map { $0.trimmingSpaces }.filter { !$0.isEmpty } }

    /// The second opinion's checkpoint path, `""` for the embedded one, or nil for none (always
    /// nil for the oracle alone).
    var secondPath: String? {
        guard engine != .exact else { return nil }
        switch secondOpinion {
        case "none": return nil
        case nil: return model == nil ? "" : nil
        case let p?: return p
        }
    }

    /// The third opinion's checkpoint path, `""` for the embedded one, or nil for none: the
    /// embedded set's third only when the embedded set reads the files (no --model, no
    /// --second-opinion) and has one.
    var thirdPath: String? {
        guard secondPath != nil else { return nil }
        switch thirdOpinion {
        case "none": return nil
        case nil: return model == nil && secondOpinion == nil && pair == .stack ? "" : nil
        case let p?: return p
        }
    }

    func validate() throws {
        if let t = threshold, !(t > 0 && t <= 1) { throw ValidationError("--threshold must be in (0, 1]") }
        if let b = stepThreshold, !(b > 0 && b <= 1) { throw ValidationError("--step-threshold must be in (0, 1]") }
        if stepThreshold != nil && engine == .exact { throw ValidationError("--step-threshold sets the model's step head: it needs --engine model or both") }
        if let t = secondThreshold, !(t > 0 && t <= 1) { throw ValidationError("--second-threshold must be in (0, 1]") }
        if secondOpinion == "" { throw ValidationError("--second-opinion needs a checkpoint path, or none") }
        if engine == .exact && secondOpinion != nil && secondOpinion != "none" { throw ValidationError("--second-opinion confirms the model's verdicts: it needs --engine model or both") }
        if let t = thirdThreshold, !(t > 0 && t <= 1) { throw ValidationError("--third-threshold must be in (0, 1]") }
        if thirdOpinion == "" { throw ValidationError("--third-opinion needs a checkpoint path, or none") }
        if engine == .exact && thirdOpinion != nil && thirdOpinion != "none" { throw ValidationError("--third-opinion confirms the model's verdicts: it needs --engine model or both") }
        if thirdOpinion != nil && thirdOpinion != "none" && secondPath == nil { throw ValidationError("--third-opinion reads the files the model and its second opinion both flag: it needs a second opinion") }
        guard maxBytes > 0, maxBytes <= 1 << 30 else { throw ValidationError("--max-bytes must be between 1 and 1073741824 (1 GiB)") }
        if let h = hold, h < 0 { throw ValidationError("--hold must be 0 (never) or a number of bytes") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        if let b = repairBudget, !(b >= 0 && b <= ModelChecker.maxRepairBudget) {
            throw ValidationError("--repair-budget must be between 0 and \(ModelChecker.maxRepairBudget) nats")
        }
        if repairBudget != nil && engine == .exact { throw ValidationError("--repair-budget reads a stack network's moves: it needs --engine model or both") }
        if embedded != nil && model != nil { throw ValidationError("--embedded chooses the embedded models that read the files when --model is not given: pass one of them") }
        if embedded != nil && engine == .exact { throw ValidationError("--embedded chooses the embedded models: it needs --engine model or both") }
        if failOn != nil && engine != .both { throw ValidationError("--fail-on chooses between the two verdicts of --engine both") }
        if root != nil && sarif == nil { throw ValidationError("--root sets what SARIF URIs are relative to: it needs --sarif") }
        for (flag, globs) in [("--include", includes), ("--exclude", excludes)] {
            for g in globs { if let why = Glob.problem(g) { throw ValidationError("\(flag) '\(g)': invalid glob: \(why)") } }
        }
    }

    /// A bar given for a model that reads none: a stack network's own stack decides, so
    /// `--threshold`, `--step-threshold`, `--second-threshold`, `--third-threshold` or `--hold`
    /// would change nothing.
    /// Refused rather than ignored, so that a pipeline written for a pair read at thresholds does
    /// not pass silently with a stack network.
    func refuseBarsNoModelReads(first: ModelChecker?, second: ModelChecker?, third: ModelChecker?) throws {
        guard first != nil else { return }  // the oracle alone: validate() has its own rules
        func stack(_ c: ModelChecker?) -> Bool { c?.moves ?? false }
        let unread: [(String, Bool)] = [
            ("--threshold", threshold != nil && stack(first)), ("--step-threshold", stepThreshold != nil && stack(first)),
            ("--second-threshold", secondThreshold != nil && (second == nil || stack(second))),
            ("--third-threshold", thirdThreshold != nil && (third == nil || stack(third))),
            ("--hold", hold != nil && stack(first) && (second == nil || stack(second)) && (third == nil || stack(third))),
        ]
        if repairBudget != nil && !stack(first) && !stack(second) && !stack(third) {
            throw NestNetError("--repair-budget sets how a stack network's moves may be read, but no stack network reads the files: leave it out")
        }
        guard let flag = unread.first(where: { $0.1 })?.0 else { return }
        if flag == "--second-threshold" && second == nil {
            throw NestNetError("--second-threshold sets the second opinion's bar, but no second opinion reads the files")
        }
        if flag == "--third-threshold" && third == nil {
            throw NestNetError("--third-threshold sets the third opinion's bar, but no third opinion reads the files")
        }
        // Which model the bar was meant for, and what reads at thresholds in its place.
        let (which, instead) = model == nil && secondOpinion == nil && (flag != "--third-threshold" || thirdOpinion == nil)
            ? ("the embedded stack networks are each read by their own stack",
               flag == "--third-threshold" ? "a --third-opinion read at thresholds" : "--embedded lstm, a pair read at thresholds")
            : flag == "--second-threshold" ? ("the second opinion is read by its own stack", "a --second-opinion read at thresholds")
            : flag == "--third-threshold" ? ("the third opinion is read by its own stack", "a --third-opinion read at thresholds")
            : ("the model is read by its own stack", "a --model read at thresholds")
        throw NestNetError("\(flag) sets a bar on a model's P(valid), but \(which), which no bar changes: leave it out, or pass \(instead)")
    }

    func run() throws {
        for p in [junit, sarif].compactMap({ $0 }) { try checkWritable(p) }
        let clock = DispatchTime.now().uptimeNanoseconds
        let bar = threshold ?? ModelChecker.defaultThreshold  // the first model's, when it reads at a threshold

        let reportRoot = try sarif.map { _ in try ReportRoot(root) }

        // Inputs: every file gets a result, in a stable order.
        let inputs = paths.isEmpty ? ["."] : paths
        let entries = Linter.inputs(inputs, includes: includes)
        if !allowEmpty && entries.isEmpty {
            throw NestNetError("no C-like files found under \(inputs.map { FileName.display($0) }.joined(separator: ", "))\(include.map { " matching --include \($0)" } ?? ""); pass --allow-empty if that is expected")
        }
        try refuseOverwritingInputs(outputs: [("--junit", junit), ("--sarif", sarif)],
                                    inputs: [("--model", model), ("--second-opinion", secondPath.flatMap { $0.isEmpty ? nil : $0 }),
                                             ("--third-opinion", thirdPath.flatMap { $0.isEmpty ? nil : $0 })] + entries.compactMap { if case .file(let f) = $0, f != "-" { return ("file", f) } else { return nil } })

        // A checkpoint's reader: its own hold unless --hold is given (0: the step head never decides).
        func reader(_ ckpt: RecurrentModel.Checkpoint, threshold: Float, stepThreshold: Float? = nil) -> (ModelChecker, hold: Int) {
            let h = hold ?? ModelChecker.defaultHold(metadata: ckpt.metadata)
            var c = ModelChecker(model: ckpt.model, threshold: threshold, threads: threads, hold: h == 0 ? .max : h, stepThreshold: stepThreshold)
            c.moves = ModelChecker.readsMoves(metadata: ckpt.metadata)  // a stack network: its own stack decides
            if c.moves { c.repairBudget = repairBudget ?? ModelChecker.defaultRepairBudget }
            return (c, h)
        }

        // The model (unless only the oracle runs).
        var checker: ModelChecker? = nil
        var modelName = "exact", modelPath = "", sha = "", firstHold = ModelChecker.defaultHold
        if engine != .exact {
            let (ckpt, _, modelSHA) = try model.map { try DefaultModel.resolve($0, movesAllowed: true) } ?? DefaultModel.first(of: pair)
            let (c, h) = reader(ckpt, threshold: bar, stepThreshold: stepThreshold)
            checker = c; firstHold = h
            modelName = ckpt.model.config.shortName
            modelPath = model ?? "embedded"
            sha = modelSHA
        }
        // A confirming model (second or third): the checkpoint at `path`, or the embedded one.
        func opinion(_ path: String?, embedded: () throws -> DefaultModel.Loaded?, threshold: Float?) throws -> (SecondOpinion, CheckReport.SecondModel)? {
            guard engine != .exact, let p = path,
                  let (ckpt, _, sha) = try p.isEmpty ? embedded() : DefaultModel.resolve(p, movesAllowed: true) else { return nil }
            let name = ckpt.model.config.shortName
            let (c, h) = reader(ckpt, threshold: threshold ?? SecondOpinion.defaultThreshold)
            return (SecondOpinion(checker: c, name: name),
                    CheckReport.SecondModel(name: name, path: p.isEmpty ? "embedded" : p, sha256: sha, threshold: c.threshold,
                                            hold: c.moves ? nil : h, stackNetwork: c.moves))
        }
        let second = try opinion(secondPath, embedded: { try DefaultModel.second(of: pair) }, threshold: secondThreshold)
        let third = try opinion(thirdPath, embedded: { try DefaultModel.third(of: pair) }, threshold: thirdThreshold)
        try refuseBarsNoModelReads(first: checker, second: second?.0.checker, third: third?.0.checker)
        var linter = Linter(engine: engine, checker: checker)
        linter.secondOpinion = second?.0
        linter.thirdOpinion = third?.0
        linter.excludes = excludes
        linter.maxBytes = maxBytes
        linter.reportRoot = reportRoot
        let results = linter.check(entries)

        var report = CheckReport(files: results, engine: engine, modelName: modelName, modelPath: modelPath,
                                 modelSHA256: sha, threshold: bar, version: NestNet.version, timestamp: isoTimestamp(),
                                 hostname: hostName(),
                                 seconds: Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9)
        report.failOn = failOn ?? .exact
        report.rootURI = linter.reportRoot?.uri
        report.second = second?.1
        report.third = third?.1
        // A stack network's own stack decides: no hold or step bar applies to it.
        if let c = checker { if c.moves { report.stackNetwork = true } else { report.hold = firstHold; report.stepThreshold = c.stepThreshold } }
        if let c = [checker, second?.0.checker, third?.0.checker].compactMap({ $0 }).first(where: \.moves) { report.repairBudget = c.repairBudget }
        if let p = junit { try JUnitWriter.write(report, to: p, strict: junitStrict) }
        if let p = sarif { try AtomicFile.write(Array(SARIFWriter.render(report).utf8), to: p) }
        // One stream each: with JSON on stdout, the annotations go to stderr (the Actions runner
        // reads workflow commands from both).
        if github { if format == .json { writeStderr(TextReport.github(report)) } else { print(TextReport.github(report), terminator: "") } }
        switch format {
        case .text: print(TextReport.render(report, verbose: verbose), terminator: "")
        case .json: print(JSONReport.render(report), terminator: "")
        }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}
