import ArgumentParser
import Foundation
import NestNetSupport
import ProgramGenerator
import RecurrentNet
import StepHead
import Training


/// `nestnet train`: trains a classifier and writes the best checkpoint.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a recurrent nesting classifier.",
        discussion: """
        Data comes from a JSONL file (--train) or is generated fresh every epoch (--language and \
        the generator options), optionally with a length curriculum (--curriculum START grows the \
        longest text from START to --max-length over --curriculum-epochs). The best model by \
        validation accuracy is written to --out; the full training state (weights, optimizer \
        moments, position) is written atomically to --state every --save-every steps and after \
        every epoch, and --resume continues from it exactly.
        """)

    // Model.
    @Option(help: "rnn (tanh), irnn (ReLU, identity start), lstm or gru.") var arch: Architecture = .lstm
    @Option(parsing: .unconditional, help: "Embedding size.") var embed: Int = 16
    @Option(parsing: .unconditional, help: "Hidden size.") var hidden: Int = 64
    @Option(parsing: .unconditional, help: "Stacked recurrent layers.") var layers: Int = 1
    // Data.
    @Option(help: "Training data (JSONL). Without it, examples are generated (see --language).") var train: String?
    @Option(help: "Validation data (JSONL), evaluated after every epoch.") var valid: String?
    @Option(help: "Generated data: c, dyck1, dyck2 or dyck3.") var language: Language = .c
    @Option(parsing: .unconditional, help: "Generated data: shortest text.") var minLength: Int = 64
    @Option(parsing: .unconditional, help: "Generated data: longest text.") var maxLength: Int = 512
    @Option(parsing: .unconditional, help: "Generated data: deepest nesting.") var maxDepth: Int?
    @Option(parsing: .unconditional, help: "Generated data: bracket rate in comments and strings.") var distractors: Double = 0.35
    @Option(parsing: .unconditional, help: "Generated data: fraction of c texts of 1 KB or more written as whole headers (depth 1 throughout).")
    var headers: Double = 0
    @Option(help: "Generated data: how lengths spread over the range: uniform, or log (every doubling equally likely).")
    var lengths: LengthDistribution = .uniform
    @Option(help: "Generated data: which corrupting edits make the invalid texts: any, count-preserving or count-breaking.")
    var edits: EditSelection = .any
    @Option(help: "Generated data: where breaking edits fall.") var errorPosition: ErrorPosition = .any
    @Option(parsing: .unconditional, help: "Training data (generated and --corpus alike): extra decoy brackets inside comments and strings, up to this many per KB, in both classes. The validation set has none, so runs compare.")
    var decoyRate: Double = 0
    @Option(parsing: .unconditional, help: "Generated data: share of comments (and, at set fractions of it, strings, operators, struct fields and call arguments) written with real code's lexical habits: empty // lines, code commented out, unspaced /*NULL,*/, adjacent \"a\"\"b\" strings. The validation set has none, so runs compare.")
    var habits: Double = 0
    @Option(parsing: .unconditional, help: "Generated data: share of programs whose preprocessor lines are indented as people write them: #  ifdef, #     else (spaces after # by #if depth), indented   #endif, or # define everywhere. The validation set has none, so runs compare.")
    var directiveHabits: Double = 0
    @Option(parsing: .unconditional, help: "Generated data: share of programs whose conditionals are written as real files write them: long, nested branches and #elif chains, a whole file in the #else of a short first branch, else split across #endif, #if inside comments. The validation set has none, so runs compare.")
    var conditionalHabits: Double = 0
    @Option(parsing: .unconditional, help: "Generated data: fraction of valid examples.") var validFraction: Double = 0.5
    @Option(parsing: .unconditional, help: "Generated data: examples per epoch.") var examplesPerEpoch: Int = 20000
    @Option(parsing: .unconditional, help: "Generated data: longest text in the first epoch (length curriculum).") var curriculum: Int?
    @Option(parsing: .unconditional, help: "Generated data: epochs for the curriculum to reach --max-length.") var curriculumEpochs: Int?
    @Option(name: .customLong("valid-count"), parsing: .unconditional, help: "Generated validation examples when --valid is not given (0: none; default 1000, none with --lexer-only).")
    var validCountOption: Int?
    /// The validation set's size: none for a lexer, which has no final head to validate.
    var validCount: Int { validCountOption ?? (lexerOnly ? 0 : 1000) }
    @Option(help: "Real code mixed into generated data: a folder of C-like files, or a text file naming one folder per line (scripts/corpus.py list --split train).")
    var corpus: String?
    @Option(parsing: .unconditional, help: "With --corpus: share of examples cut from the real code.") var corpusFraction: Double = 0.5
    @Option(parsing: .unconditional, help: "With --corpus: share of real-code examples that are whole files (the rest are balanced windows at any depth).")
    var corpusWholeFiles: Double = 0.4
    @Option(help: "With --corpus: hard places to practise, one per line as PATH<TAB>BYTE-OFFSET (scripts/corpus-focus.py makes them from a `check --format json` report of an earlier model over the same corpus).")
    var corpusFocus: String?
    @Option(parsing: .unconditional, help: "With --corpus-focus: share of real-code examples cut around a focus point (its whole file, or a window covering it).")
    var corpusFocusFraction: Double = 0.3
    @Option(help: "With --corpus: real code for the generated validation set (same form as --corpus), mixed in at --corpus-fraction.")
    var validCorpus: String?
    @Option(parsing: .unconditional, help: "With --valid-corpus: share of validation examples cut from it (default: --corpus-fraction), so runs that train on different mixes can be validated alike.")
    var validCorpusFraction: Double?
    // Optimisation.
    @Option(parsing: .unconditional, help: "Sequences per minibatch.") var batch: Int = 32
    @Option(parsing: .unconditional, help: "Epochs.") var epochs: Int = 5
    @Option(parsing: .unconditional, help: "Learning rate.") var lr: Float = 2e-3
    @Option(help: "constant, cosine (to 5% of --lr by the last epoch; one rate an epoch) or cosine-steps (the same curve over every step of the run, so one epoch decays too).") var schedule: LearningRateSchedule = .constant
    @Option(help: "adam, rmsprop or sgd (momentum 0.9).") var optimizer: OptimizerKind = .adam
    @Option(parsing: .unconditional, help: "Global gradient-norm clip (0: off).") var clip: Float = 1
    @Option(parsing: .unconditional, help: "Truncated BPTT chunk length (default: full BPTT).") var bptt: Int?
    @Option(name: .customLong("init"), help: "Recurrent weights at the start: orthogonal, xavier or identity (default: orthogonal; identity for irnn).") var recurrentInit: RecurrentInit?
    @Option(parsing: .unconditional, help: "Factor on the initial recurrent weights (above 1: gradients that can explode).") var recurrentScale: Float = 1
    @Option(parsing: .unconditional, help: "LSTM forget-gate bias at the start (Jozefowicz et al. 2015: 1).") var forgetBias: Float = 1
    @Option(parsing: .unconditional, help: "Weight of per-step oracle targets (broken / open / inert at every byte); 0: final label only.")
    var stepLoss: Float = 0
    @Option(parsing: .unconditional, help: "With --step-loss: factor on the `broken` target at every byte after a break, so the model learns to hold on to a break it has seen (default 1).")
    var brokenWeight: Float = 1
    @Option(parsing: .unconditional, help: "With --step-loss: factor on the `inert` target (comment, string, directive) at every bracket byte, so the model learns the lexical state where the count depends on it (default 1).")
    var inertWeight: Float = 1
    @Flag(help: "With --step-loss: train the `broken` output as a latch: at every byte the loss reads the largest `broken` logit so far (since the break, after one), so one firing holds a break and a flicker costs every later byte. Read such a model with `check --hold 1`.")
    var brokenLatch = false
    @Flag(help: "With --step-loss: train the step head's `inert` output alone (at brackets weighted by --inert-weight): a lexer, measured with `probe lexical`, not a checker. Every epoch is kept: the last is written to --out.")
    var lexerOnly = false
    @Flag(help: "With --lexer-only: also train step output 1 as `later`: bytes in a later branch (#elif/#else to #endif) of a live conditional, which the oracle checks apart and then leaves, so that a stack behind the lexer can follow the first branch as the oracle does.")
    var laterBranches = false
    @Flag(help: "With --lexer-only and --step-outputs 5: train the step head as a stack network's moves: push, pop (code brackets outside later branches of live conditionals), inert, and the bracket's kind in two bits, all weighted by --inert-weight at brackets. `probe lexical` reads such a model's own stack. With --step-outputs 7, also the state the moves hang on at every byte: in a later branch, and in a conditional opened inside one.")
    var stackMoves = false
    @Option(parsing: .unconditional, help: "LSTM only: make the last K units counters: forget gate 1 to Float precision and frozen (their cells keep 94% over a megabyte), starting silent. A fresh run or --widen makes them (with --widen, from the new units); --init-from a model of this size needs them already.")
    var counterUnits: Int?
    @Option(parsing: .unconditional, help: "With --counter-units: factor on the learning rate of the counters and of the weights that read them (default 1).")
    var counterLrScale: Float?
    @Option(parsing: .unconditional, help: "With --counter-units: weight of a per-byte loss that teaches each counter's cell the oracle's code depth (Huber of cell − depth, and of the cell's step − the depth's step).")
    var counterDepthLoss: Float?
    @Option(parsing: .unconditional, help: "With --step-loss: step-head outputs, 3 (broken, open, inert) or 5 (plus depth ≥ 2 and depth ≥ 3); with --stack-moves 5 or 7. --init-from a model with fewer outputs keeps its rows.")
    var stepOutputs: Int = StepTargets.outputs
    @Option(parsing: .unconditional, help: "Stop after this many epochs without a better validation result (see --monitor).") var patience: Int?
    @Option(help: "What picks the best checkpoint and drives --patience: accuracy (ties: lower loss) or loss (ties: higher accuracy).")
    var monitor: ValidationMetric = .accuracy
    @Option(parsing: .unconditional, help: "Length bucketing: cut minibatches from pools of N sorted by length (faster on mixed lengths; 1 = off).")
    var bucket: Int = 1
    @Option(parsing: .unconditional, help: "Seed for initialisation, shuffling and generated data.") var seed: UInt64 = 1
    @Option(parsing: .unconditional, help: "Worker threads: one per core unless given.") var threads: Int = defaultThreads
    // Files.
    @Option(help: "Best model checkpoint to write.") var out: String
    @Option(help: "Training state file (default: <out>.state).") var state: String?
    @Option(parsing: .unconditional, help: "Save the training state every N steps (0: only after epochs).") var saveEvery: Int = 200
    @Option(help: "Continue from this training state.") var resume: String?
    @Flag(help: "Start a new run even though the state file exists (it is replaced). Without it, an existing state is never overwritten: --resume continues it.") var force = false
    @Option(help: "Start from this model's weights (fine-tuning; same architecture and sizes) instead of a fresh initialisation.") var initFrom: String?
    @Flag(help: "With --init-from a model of smaller --hidden: grow it to this run's --hidden. The new units start from this run's seed and their weights into the old units and heads at zero, so training starts from exactly the old model's outputs.") var widen = false
    @Flag(help: "No progress output.") var quiet = false

    /// Flag checks that need no file and no model (settings the trainer checks itself are
    /// checked by `TrainingConfig.validate` in `run`).
    func validate() throws {
        if widen && initFrom == nil { throw ValidationError("--widen grows the --init-from model: give --init-from") }
        if initFrom != nil && resume != nil { throw ValidationError("--init-from starts a new run; --resume continues one: give one of them") }
        guard saveEvery >= 0 else { throw ValidationError("--save-every must not be negative") }
        if corpus != nil || validCorpus != nil {
            guard train == nil else { throw ValidationError("--corpus and --valid-corpus mix real code into generated data: they do not go with --train") }
            guard language == .c else { throw ValidationError("--corpus and --valid-corpus mix real C into generated C: they need --language c") }
        }
        if decoyRate != 0 && train != nil { throw ValidationError("--decoy-rate edits generated and --corpus examples; a --train file is used as it is") }
        if habits != 0 && train != nil { throw ValidationError("--habits shapes generated examples; a --train file is used as it is") }
        if directiveHabits != 0 && train != nil { throw ValidationError("--directive-habits shapes generated examples; a --train file is used as it is") }
        if conditionalHabits != 0 && train != nil { throw ValidationError("--conditional-habits shapes generated examples; a --train file is used as it is") }
        if lexerOnly, let flag = [(valid != nil, "--valid"), (validCorpus != nil, "--valid-corpus"), ((validCountOption ?? 0) > 0, "--valid-count")].first(where: \.0)?.1 {
            throw ValidationError("\(flag): a lexer (--lexer-only) has no final head to validate, and every epoch is kept: drop it")
        }
        if validCorpus != nil && (valid != nil || validCount < 1) {
            throw ValidationError("--valid-corpus mixes real code into the generated validation set: it needs --valid-count and no --valid or --train")
        }
        if let f = validCorpusFraction, !(0...1).contains(f) { throw ValidationError("--valid-corpus-fraction must be between 0 and 1") }
        if corpusFocus != nil && corpus == nil { throw ValidationError("--corpus-focus names places in the --corpus files: give --corpus") }
        guard (0...1).contains(corpusFocusFraction) else { throw ValidationError("--corpus-focus-fraction must be between 0 and 1") }
        if train == nil {
            guard examplesPerEpoch >= 1 else { throw ValidationError("--examples-per-epoch must be at least 1") }
            if let c = curriculum, c < 1 { throw ValidationError("--curriculum must be positive") }
        }
    }

    func run() throws {
        var config = TrainingConfig(model: ModelConfig(arch: arch, embed: embed, hidden: hidden, layers: layers,
                                                       stepOutputs: stepLoss > 0 ? stepOutputs : 0))
        config.batch = batch; config.epochs = epochs; config.learningRate = lr; config.schedule = schedule
        config.optimizer = optimizer; config.clip = clip; config.bptt = bptt; config.seed = seed; config.threads = threads
        config.stepLossWeight = stepLoss; config.patience = patience; config.forgetBias = forgetBias
        config.brokenWeight = brokenWeight == 1 ? nil : brokenWeight
        config.inertWeight = inertWeight == 1 ? nil : inertWeight
        config.brokenLatch = brokenLatch ? true : nil
        config.lexerOnly = lexerOnly ? true : nil
        config.lexerLater = laterBranches ? true : nil
        config.lexerMoves = stackMoves ? true : nil
        config.counterUnits = counterUnits; config.counterRateScale = counterLrScale
        config.counterDepthWeight = counterDepthLoss
        // Unset: the architecture's own start; an explicit choice is kept even where it is that default.
        config.recurrentInit = recurrentInit == arch.defaultRecurrentInit ? nil : recurrentInit
        config.recurrentScale = recurrentScale == 1 ? nil : recurrentScale
        config.monitor = monitor == .accuracy ? nil : monitor
        config.bucket = bucket > 1 ? bucket : (bucket < 1 ? bucket : nil)
        try config.validate()
        let statePath = state ?? out + ".state"
        try checkWritable(out)
        try checkWritable(statePath)
        try refuseOverwritingInputs(outputs: [("--out", out), (state == nil ? "the state file" : "--state", statePath)],
                                    inputs: [("--train", train), ("--valid", valid), ("--init-from", initFrom), ("--corpus", corpus), ("--corpus-focus", corpusFocus),
                                             ("--valid-corpus", validCorpus)] + (resume.map { $0 == statePath ? [] : [("--resume", $0)] } ?? []))
        if resume == nil && !force && regularFileIdentity(statePath) != nil {
            throw NestNetError("\(statePath) exists (a training state): --resume \(statePath) continues that run, --force starts a new one and replaces it")
        }

        // Data.
        var meta: [String: String] = ["nestnet.version": NestNet.version]
        let data: TrainingData
        var validSet: [Example] = []
        let options = GeneratorOptions(language: language, minLength: minLength, maxLength: maxLength, maxDepth: maxDepth,
                                       distractors: distractors, errorPosition: errorPosition, validFraction: validFraction,
                                       headers: headers, lengths: lengths, edits: edits, decoyRate: decoyRate, habits: habits,
                                       directiveHabits: directiveHabits, conditionalHabits: conditionalHabits)
        if let path = train {
            let bytes = try readFile(path)
            data = .fixed(try Dataset.read(path))
            meta["data.train"] = path
            meta["data.train_fingerprint"] = fingerprint(bytes)
        } else {
            let g = GeneratedData(options: options, examplesPerEpoch: examplesPerEpoch, curriculumStart: curriculum,
                                  curriculumEpochs: curriculumEpochs ?? max(1, epochs / 2))
            _ = try ExampleGenerator(options)  // validates the generator settings
            if curriculum != nil { _ = try ExampleGenerator(g.options(epoch: 1)) }
            meta["data.generator"] = String(decoding: try stableJSON(g), as: UTF8.self)
            if let c = corpus {
                var windows = try loadCorpus(c, options: options)
                if let f = corpusFocus { try setFocus(&windows, from: f) }
                let mix = try RealCodeMix(windows: windows, fraction: corpusFraction, wholeFiles: corpusWholeFiles,
                                          focus: corpusFocus == nil ? 0 : corpusFocusFraction)
                data = .mixed(g, mix)
                meta["data.corpus"] = mix.description
            } else {
                data = .generated(g)
            }
        }
        if let v = valid {
            validSet = try Dataset.read(v)
            meta["data.valid"] = v
            meta["data.valid_fingerprint"] = fingerprint(try readFile(v))
        } else if train == nil && validCount > 0 {
            var plain = options
            plain.decoyRate = 0  // the same validation set with or without --decoy-rate or --habits
            plain.habits = 0; plain.directiveHabits = 0; plain.conditionalHabits = 0
            let gen = try ExampleGenerator(plain)
            let validSeed = seed ^ 0x7A11_D5EE_D000_0000
            let labels = ExampleGenerator.labels(count: validCount, validFraction: validFraction, seed: validSeed)
            validSet = labels.enumerated().map { gen.example(seed: validSeed, index: $0.offset, valid: $0.element) }
            meta["data.valid"] = "generated:\(validCount)"
            if let vc = validCorpus {
                // Every k-th validation example is cut from the validation corpus instead.
                let mix = try RealCodeMix(windows: try loadCorpus(vc, options: options), fraction: validCorpusFraction ?? corpusFraction,
                                          wholeFiles: corpusWholeFiles)
                for (i, valid) in labels.enumerated() {
                    var r = SeededRandom(seed: validSeed, index: UInt64(i), stream: 0xC0A9)
                    if r.chance(mix.fraction), let e = mix.windows.example(seed: validSeed, index: i, valid: valid,
                                                                          lengths: options.lengths, wholeFiles: mix.wholeFiles) {
                        validSet[i] = e
                    }
                }
                meta["data.valid"] = "generated:\(validCount) corpus:\(mix.description)"
            }
        }

        let trainer = try Trainer(config, data: data, valid: validSet)
        trainer.metadata = meta
        if let i = initFrom {
            let narrow = try RecurrentModel.load(from: i).model
            try trainer.initialize(from: narrow, source: i, widen: widen)
            if widen { trainer.metadata["train.widened_from"] = narrow.config.shortName }
            trainer.metadata["train.init_from"] = i
            trainer.metadata["train.init_from_sha256"] = SHA256.hex(try readFile(i))
        }
        if let r = resume { try trainer.resume(from: r) }

        let stepsPerEpoch = (data.count(epoch: 1) + batch - 1) / batch
        var progress = ProgressLine("train \(config.model.shortName)", total: epochs * stepsPerEpoch, quiet: quiet)
        // Cost of the epochs before each one, for an ETA that knows late curriculum epochs are longer.
        var costBefore = [0.0]
        for e in 1...max(1, epochs) { costBefore.append(costBefore[e - 1] + data.stepCost(epoch: e)) }
        /// Share of the whole run's cost done after `step` of `steps` minibatches of `epoch`.
        func workDone(epoch: Int, step: Int, of steps: Int) -> Double {
            let e = min(max(1, epoch), max(1, epochs))
            return (costBefore[e - 1] + data.stepCost(epoch: e) * Double(step) / Double(max(1, steps))) / costBefore[max(1, epochs)]
        }
        if resume != nil {
            progress.startWork = workDone(epoch: trainer.progress.epoch, step: trainer.progress.stepInEpoch, of: stepsPerEpoch)
        }
        if let r = resume, trainer.progress.finished {
            // Nothing to train. The best model lives only in --out (the state holds the last one).
            guard regularFileIdentity(out) != nil else {
                throw NestNetError("\(r): this run already finished; its best model is not in the state and --out \(out) does not exist (deleted, or a new --out): nothing was written")
            }
            if !quiet { writeStderr("\(r): this run already finished; its best model is \(out); nothing to do\n") }
            return
        }
        if schedule == .cosine && epochs == 1 && !quiet {
            writeStderr("train: --schedule cosine moves the rate once an epoch, so this one-epoch run keeps --lr \(lr) throughout (--schedule cosine-steps decays it over the steps)\n")
        }
        if let r = resume, !quiet {
            writeStderr("resuming from \(r) at epoch \(trainer.progress.epoch), step \(trainer.progress.globalStep)\n")
        }
        let startStep = trainer.progress.globalStep
        do {
            StopSignal.install()  // SIGTERM / Ctrl-C: save the state at the next step, then stop
            try trainer.run(statePath: statePath, saveEvery: saveEvery, bestPath: out) { event in
                switch event {
                case let .step(epoch, step, steps, loss, acc, tps):
                    progress.update((epoch - 1) * steps + step,
                                    "epoch \(epoch) step \(step)/\(steps), " + (acc.isNaN ? "step loss \(fixed(loss, 4))" : "loss \(fixed(loss, 4)), acc \(fixed(acc, 3))")
                                        + ", \(Int(tps)) tok/s",
                                    work: workDone(epoch: epoch, step: step, of: steps))
                case let .epoch(r, improved):
                    progress.finish("epoch \(r.epoch)" + (r.maxLength.map { " (max length \($0))" } ?? "")
                        + ": loss \(fixed(r.trainLoss, 4)), train acc \(fixed(r.trainAccuracy, 4))"
                        + (r.stepLoss.map { ", step loss \(fixed($0, 4))" } ?? "")
                        + (r.counterLoss.map { ", depth loss \(fixed($0, 4))" } ?? "")
                        + (r.validAccuracy.map { ", valid acc \(fixed($0, 4))" } ?? "")
                        + (r.validLoss.map { " (loss \(fixed($0, 4)))" } ?? "")
                        + ", lr \(r.learningRate), \(fixed(r.seconds, 1))s, \(Int(r.tokensPerSecond)) tok/s" + (improved ? " *" : ""))
                case .saved: break
                case let .stoppedEarly(epoch):
                    progress.finish("stopping early after epoch \(epoch): no better validation \(monitor.rawValue) for \(patience ?? 0) epochs")
                }
            }
        } catch let d as TrainingDiverged {
            throw NestNetError(d.description)
        } catch var s as StopRequested {
            s.saved += "; --resume \(statePath) continues the run"
            throw s
        }
        if !quiet {
            let best = trainer.progress.bestValidAccuracy.map { acc in
                ", best valid acc \(fixed(acc, 4))" + (trainer.progress.bestValidLoss.map { " (loss \(fixed($0, 4)))" } ?? "")
                    + (monitor == .loss ? ", by loss" : "")
            } ?? ""
            let secs = trainer.progress.history.reduce(0) { $0 + $1.seconds }
            writeStderr("trained \(trainer.progress.globalStep - startStep) steps in \(formatDuration(secs))\(best); wrote \(out) (\(trainer.model.parameterCount) parameters) and \(statePath)\n")
        }
    }
}

/// Real code for training: `path` is a folder of C-like files, or a text file naming one
/// folder per line. Files that cannot be used are counted, not fatal; no usable file is.
func loadCorpus(_ path: String, options: GeneratorOptions) throws -> RealCodeWindows {
    var st = stat()
    guard stat(path, &st) == 0 else { throw NestNetError("cannot read \(path): \(String(cString: strerror(errno)))") }
    var folders = [path]
    if (st.st_mode & S_IFMT) != S_IFDIR {
        let text = String(decoding: try readFile(path, limit: 1 << 20), as: UTF8.self)
        folders = text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard !folders.isEmpty else { throw NestNetError("\(path) names no corpus folders") }
    }
    var files: [String] = []
    var passedOver = 0
    for entry in SourceWalker(extensions: SourceWalker.cLikeExtensions).walk(folders) {
        switch entry {
        case .file(let f): files.append(f)
        case .problem(let p, let message): throw NestNetError("corpus \(FileName.display(p)): \(message)")
        case .skipped: passedOver += 1  // a second path to a file or folder, or a FIFO or device
        }
    }
    guard !files.isEmpty else { throw NestNetError("no C-like source files in the corpus \(path)") }
    var skipped = 0
    let w = try RealCodeWindows(paths: files, minLength: max(1, options.minLength), maxLength: options.maxLength,
                                requireUTF8: false, threads: defaultThreads) { _, _ in skipped += 1 }
    writeStderr("corpus \(path): \(w.fileCount) files, \(w.byteCount / 1_000_000) MB (\(skipped) binary, empty or unreadable left out"
                + (passedOver > 0 ? "; \(passedOver) second paths to the same file or folder, FIFOs or devices passed over" : "") + ")\n")
    return w
}

/// Reads `--corpus-focus` (PATH<TAB>BYTE-OFFSET lines, `#` comments) into `windows`. A line
/// that is not of that form, or names no corpus file, is an error naming it: a focus list made
/// for another corpus must not train silently on nothing.
func setFocus(_ windows: inout RealCodeWindows, from path: String) throws {
    let text = String(decoding: try readFile(path, limit: 64 << 20), as: UTF8.self)
    var points: [(path: String, offset: Int)] = []
    for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty && !line.hasPrefix("#") {
        let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard parts.count == 2, let offset = Int(parts[1]), offset >= 0 else {
            throw NestNetError("\(FileName.display(path)):\(n + 1): expected PATH<TAB>BYTE-OFFSET")
        }
        points.append((String(parts[0]), offset))
    }
    guard !points.isEmpty else { throw NestNetError("\(FileName.display(path)) names no focus points") }
    let unmatched = windows.setFocus(points)
    if let u = unmatched.first {
        throw NestNetError("\(FileName.display(path)): \(unmatched.count) of \(points.count) focus points name no --corpus file or lie past its end, e.g. \(FileName.display(u.path)) at byte \(u.offset)")
    }
    writeStderr("corpus focus \(FileName.display(path)): \(points.count) points in \(Set(points.map(\.path)).count) files\n")
}
