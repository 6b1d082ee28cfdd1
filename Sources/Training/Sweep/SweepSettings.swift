import NestNetSupport
import ProgramGenerator
import RecurrentNet

/// Everything a sweep varies (the grid) and holds fixed (the settings). A sweep runs one job
/// per (language, architecture, training length, seed).
public struct SweepSettings: Sendable, Equatable, Codable {
    public var languages: [Language] = [.c]
    public var archs: [Architecture] = [.rnn, .lstm]
    /// Longest training text; training texts are `trainRange(length)` long.
    public var trainLengths: [Int] = [64, 256]
    /// Evaluation lengths; each test set holds texts of `testRange(length)`.
    public var testLengths: [Int] = [32, 64, 128, 256, 512, 1024]
    public var seeds: [UInt64] = [1]
    public var hidden = 32
    public var embed = 16
    public var epochs = 6
    public var examplesPerEpoch = 6000
    public var batch = 32
    public var learningRate: Float = 3e-3
    public var schedule: LearningRateSchedule = .cosine
    /// Longest text of the first epoch (length curriculum up to the training length over the
    /// first half of the epochs); nil: no curriculum.
    public var curriculum: Int? = nil
    public var errorPosition: ErrorPosition = .any
    /// Which corrupting edits make the invalid examples, in training and test sets alike.
    public var edits: EditSelection = .any
    public var distractors = 0.35
    /// Training data only (C; `train --decoy-rate`, `--habits`, `--directive-habits` and
    /// `--conditional-habits`): extra decoy brackets per KB inside comments and strings, and the
    /// shares of comments, preprocessor lines and conditionals written with real code's habits.
    /// The validation, test and probe sets have none of them, so runs with and without compare.
    public var decoyRate = 0.0
    public var habits = 0.0
    public var directiveHabits = 0.0
    public var conditionalHabits = 0.0
    /// With per-step targets: factor on the `inert` target at bracket bytes (`train --inert-weight`).
    public var inertWeight: Float = 1
    /// Examples per test length (half valid).
    public var testCount = 400
    /// Generated validation examples at the training length (best checkpoint by their accuracy).
    public var validCount = 500
    /// Length and count of the texts the gradient and counter probes use.
    public var probeLength = 512
    public var probeCount = 32
    /// Remedies for vanishing and exploding gradients (issue 16), each a grid axis; the
    /// defaults are what every sweep used before they existed.
    public var clips: [Float] = [1]
    public var forgetBiases: [Float] = [1]
    /// Truncated BPTT chunk lengths; 0 is full BPTT.
    public var bptts: [Int] = [0]
    /// Optimizers, each with its own learning rate when tuned (nil: the sweep's `--lr`).
    public var optimizers: [OptimizerChoice] = [OptimizerChoice(kind: .adam)]
    public var recurrentInits: [RecurrentInit] = [.orthogonal]
    public var recurrentScales: [Float] = [1]
    /// Weights of the per-step oracle targets (`train --step-loss`); 0: the final label only.
    public var stepLosses: [Float] = [0]

    public init() {}

    enum CodingKeys: String, CodingKey {
        case languages, archs, trainLengths, testLengths, seeds, hidden, embed, epochs, examplesPerEpoch, batch, learningRate
        case schedule, curriculum, errorPosition, edits, distractors, decoyRate, habits, directiveHabits, conditionalHabits, inertWeight
        case testCount, validCount
        case probeLength, probeCount, clips, forgetBiases, bptts, optimizers, recurrentInits, recurrentScales, stepLosses
    }

    /// Reads settings recorded before `edits` and the remedy axes existed as their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = SweepSettings()
        languages = try c.decode([Language].self, forKey: .languages)
        archs = try c.decode([Architecture].self, forKey: .archs)
        trainLengths = try c.decode([Int].self, forKey: .trainLengths)
        testLengths = try c.decode([Int].self, forKey: .testLengths)
        seeds = try c.decode([UInt64].self, forKey: .seeds)
        hidden = try c.decode(Int.self, forKey: .hidden)
        embed = try c.decode(Int.self, forKey: .embed)
        epochs = try c.decode(Int.self, forKey: .epochs)
        examplesPerEpoch = try c.decode(Int.self, forKey: .examplesPerEpoch)
        batch = try c.decode(Int.self, forKey: .batch)
        learningRate = try c.decode(Float.self, forKey: .learningRate)
        schedule = try c.decode(LearningRateSchedule.self, forKey: .schedule)
        curriculum = try c.decodeIfPresent(Int.self, forKey: .curriculum)
        errorPosition = try c.decode(ErrorPosition.self, forKey: .errorPosition)
        edits = try c.decodeIfPresent(EditSelection.self, forKey: .edits) ?? d.edits
        distractors = try c.decode(Double.self, forKey: .distractors)
        decoyRate = try c.decodeIfPresent(Double.self, forKey: .decoyRate) ?? d.decoyRate
        habits = try c.decodeIfPresent(Double.self, forKey: .habits) ?? d.habits
        directiveHabits = try c.decodeIfPresent(Double.self, forKey: .directiveHabits) ?? d.directiveHabits
        conditionalHabits = try c.decodeIfPresent(Double.self, forKey: .conditionalHabits) ?? d.conditionalHabits
        inertWeight = try c.decodeIfPresent(Float.self, forKey: .inertWeight) ?? d.inertWeight
        testCount = try c.decode(Int.self, forKey: .testCount)
        validCount = try c.decode(Int.self, forKey: .validCount)
        probeLength = try c.decode(Int.self, forKey: .probeLength)
        probeCount = try c.decode(Int.self, forKey: .probeCount)
        clips = try c.decodeIfPresent([Float].self, forKey: .clips) ?? d.clips
        forgetBiases = try c.decodeIfPresent([Float].self, forKey: .forgetBiases) ?? d.forgetBiases
        bptts = try c.decodeIfPresent([Int].self, forKey: .bptts) ?? d.bptts
        optimizers = try c.decodeIfPresent([OptimizerChoice].self, forKey: .optimizers) ?? d.optimizers
        recurrentInits = try c.decodeIfPresent([RecurrentInit].self, forKey: .recurrentInits) ?? d.recurrentInits
        recurrentScales = try c.decodeIfPresent([Float].self, forKey: .recurrentScales) ?? d.recurrentScales
        stepLosses = try c.decodeIfPresent([Float].self, forKey: .stepLosses) ?? d.stepLosses
    }

    /// Written like the synthesized encoding, except that `decoyRate`, the habit rates and
    /// `inertWeight` are left out at their defaults, so jobs of earlier sweeps encode as before.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(languages, forKey: .languages); try c.encode(archs, forKey: .archs)
        try c.encode(trainLengths, forKey: .trainLengths); try c.encode(testLengths, forKey: .testLengths)
        try c.encode(seeds, forKey: .seeds); try c.encode(hidden, forKey: .hidden); try c.encode(embed, forKey: .embed)
        try c.encode(epochs, forKey: .epochs); try c.encode(examplesPerEpoch, forKey: .examplesPerEpoch)
        try c.encode(batch, forKey: .batch); try c.encode(learningRate, forKey: .learningRate)
        try c.encode(schedule, forKey: .schedule); try c.encodeIfPresent(curriculum, forKey: .curriculum)
        try c.encode(errorPosition, forKey: .errorPosition); try c.encode(edits, forKey: .edits)
        try c.encode(distractors, forKey: .distractors)
        if decoyRate != 0 { try c.encode(decoyRate, forKey: .decoyRate) }
        if habits != 0 { try c.encode(habits, forKey: .habits) }
        if directiveHabits != 0 { try c.encode(directiveHabits, forKey: .directiveHabits) }
        if conditionalHabits != 0 { try c.encode(conditionalHabits, forKey: .conditionalHabits) }
        if inertWeight != 1 { try c.encode(inertWeight, forKey: .inertWeight) }
        try c.encode(testCount, forKey: .testCount); try c.encode(validCount, forKey: .validCount)
        try c.encode(probeLength, forKey: .probeLength); try c.encode(probeCount, forKey: .probeCount)
        try c.encode(clips, forKey: .clips); try c.encode(forgetBiases, forKey: .forgetBiases)
        try c.encode(bptts, forKey: .bptts); try c.encode(optimizers, forKey: .optimizers)
        try c.encode(recurrentInits, forKey: .recurrentInits); try c.encode(recurrentScales, forKey: .recurrentScales)
        try c.encode(stepLosses, forKey: .stepLosses)
    }

    public func validate() throws {
        func positive(_ v: [Int], _ name: String) throws {
            guard !v.isEmpty else { throw NestNetError("\(name) must name at least one value") }
            for x in v where x < 2 || x > GeneratorOptions.lengthLimit { throw NestNetError("\(name): \(x) is not a usable length (2…\(GeneratorOptions.lengthLimit))") }
        }
        guard !languages.isEmpty else { throw NestNetError("--languages must name at least one language") }
        guard !archs.isEmpty else { throw NestNetError("--archs must name at least one architecture") }
        guard !seeds.isEmpty else { throw NestNetError("--seeds must name at least one seed") }
        try positive(trainLengths, "--train-lengths")
        try positive(testLengths, "--test-lengths")
        try positive([probeLength], "--probe-length")
        guard hidden >= 1, embed >= 1 else { throw NestNetError("--hidden and --embed must be positive") }
        guard epochs >= 1, examplesPerEpoch >= 1, batch >= 1 else { throw NestNetError("--epochs, --examples-per-epoch and --batch must be positive") }
        guard learningRate > 0, learningRate.isFinite else { throw NestNetError("--lr must be positive") }
        guard testCount >= 2, probeCount >= 1, validCount >= 0 else { throw NestNetError("--test-count must be at least 2, --probe-count at least 1") }
        guard (0...1).contains(distractors) else { throw NestNetError("--distractors must be within 0…1") }
        if let c = curriculum, c < 2 { throw NestNetError("--curriculum must be at least 2") }
        guard inertWeight > 0, inertWeight.isFinite else { throw NestNetError("--inert-weight must be positive") }
        if inertWeight != 1 && !stepLosses.contains(where: { $0 > 0 }) {
            throw NestNetError("--inert-weight weighs a per-step target: it needs a positive --step-losses weight")
        }
        for (name, v) in [("--clips", clips.count), ("--forget-biases", forgetBiases.count), ("--bptts", bptts.count), ("--optimizers", optimizers.count),
                          ("--inits", recurrentInits.count), ("--recurrent-scales", recurrentScales.count), ("--step-losses", stepLosses.count)] where v == 0 {
            throw NestNetError("\(name) must name at least one value")
        }
        guard clips.allSatisfy({ $0 >= 0 && $0.isFinite }) else { throw NestNetError("--clips: a clip is 0 (off) or positive") }
        guard forgetBiases.allSatisfy(\.isFinite) else { throw NestNetError("--forget-biases must be finite") }
        guard bptts.allSatisfy({ $0 >= 0 }) else { throw NestNetError("--bptts: a chunk length is positive, or 0 (full)") }
        guard recurrentScales.allSatisfy({ $0 > 0 && $0.isFinite }) else { throw NestNetError("--recurrent-scales must be positive") }
        guard stepLosses.allSatisfy({ $0 >= 0 && $0.isFinite }) else { throw NestNetError("--step-losses: a weight is 0 (final label only) or positive") }
        guard optimizers.allSatisfy({ $0.learningRate.map { $0 > 0 && $0.isFinite } ?? true }) else { throw NestNetError("--optimizers: a learning rate must be positive") }
        for l in languages {
            let minimum = l == .c ? CProgramGenerator.minimumLength : 2
            for x in trainLengths + testLengths + [probeLength] where x < minimum {
                throw NestNetError("length \(x) is shorter than the shortest \(l.rawValue) text (\(minimum))")
            }
            // The rest (--decoy-rate, the habits and the languages they need) as the runs will meet it.
            for t in trainLengths { try generatorOptions(l, trainLength: t, shaped: true).validate() }
        }
    }

    /// The generator settings of a job's training texts; `shaped` adds the decoys and habits,
    /// which only the training data gets (validation, test and probe sets are made without).
    func generatorOptions(_ language: Language, trainLength: Int, shaped: Bool) -> GeneratorOptions {
        let r = Self.trainRange(trainLength, language: language)
        var o = GeneratorOptions(language: language, minLength: r.lowerBound, maxLength: r.upperBound,
                                 distractors: distractors, errorPosition: errorPosition, validFraction: 0.5, edits: edits)
        if shaped {
            o.decoyRate = decoyRate; o.habits = habits; o.directiveHabits = directiveHabits; o.conditionalHabits = conditionalHabits
        }
        return o
    }

    /// Every combination of the remedy axes, in flag order.
    public var remedies: [Remedy] {
        var out: [Remedy] = []
        for c in clips { for f in forgetBiases { for b in bptts { for o in optimizers { for i in recurrentInits { for x in recurrentScales {
            for w in stepLosses {
                out.append(Remedy(clip: c, forgetBias: f, bptt: b, optimizer: o, recurrentInit: i, recurrentScale: x, stepLoss: w))
            }
        } } } } } }
        return out
    }

    /// Every job of the grid, in a stable order (language, training length, architecture,
    /// remedy, seed).
    public var jobs: [SweepJob] {
        var out: [SweepJob] = []
        for l in languages { for t in trainLengths { for a in archs { for r in remedies { for s in seeds {
            out.append(SweepJob(language: l, arch: a, trainLength: t, seed: s, remedy: r, settings: self))
        } } } } }
        return out
    }

    /// Training texts for a training length `n`: from a quarter of it up to it.
    public static func trainRange(_ n: Int, language: Language) -> ClosedRange<Int> {
        max(language == .c ? CProgramGenerator.minimumLength : 2, n / 4)...n
    }

    /// Test texts for a test length `n`: from three quarters of it up to it.
    public static func testRange(_ n: Int, language: Language) -> ClosedRange<Int> {
        max(language == .c ? CProgramGenerator.minimumLength : 2, n * 3 / 4)...n
    }

    /// The settings without the grid: what every job of the sweep shares.
    var shared: SweepSettings {
        var s = self
        s.languages = []; s.archs = []; s.trainLengths = []; s.seeds = []
        s.clips = []; s.forgetBiases = []; s.bptts = []; s.optimizers = []; s.recurrentInits = []; s.recurrentScales = []
        s.stepLosses = []
        return s
    }

    /// Command-line flags that reproduce these settings.
    public var flags: [String] {
        var f = ["--languages", languages.map(\.rawValue).joined(separator: ","),
                 "--archs", archs.map(\.rawValue).joined(separator: ","),
                 "--train-lengths", trainLengths.map(String.init).joined(separator: ","),
                 "--test-lengths", testLengths.map(String.init).joined(separator: ","),
                 "--seeds", seeds.map(String.init).joined(separator: ","),
                 "--hidden", "\(hidden)", "--embed", "\(embed)", "--epochs", "\(epochs)",
                 "--examples-per-epoch", "\(examplesPerEpoch)", "--batch", "\(batch)", "--lr", "\(learningRate)",
                 "--schedule", schedule.rawValue, "--error-position", errorPosition.rawValue,
                 "--distractors", "\(distractors)", "--test-count", "\(testCount)", "--valid-count", "\(validCount)",
                 "--probe-length", "\(probeLength)", "--probe-count", "\(probeCount)"]
        if let c = curriculum { f += ["--curriculum", "\(c)"] }
        if edits != .any { f += ["--edits", edits.rawValue] }
        if decoyRate != 0 { f += ["--decoy-rate", "\(decoyRate)"] }
        if habits != 0 { f += ["--habits", "\(habits)"] }
        if directiveHabits != 0 { f += ["--directive-habits", "\(directiveHabits)"] }
        if conditionalHabits != 0 { f += ["--conditional-habits", "\(conditionalHabits)"] }
        if inertWeight != 1 { f += ["--inert-weight", "\(inertWeight)"] }
        // Remedy axes only when they differ from the defaults, so earlier commands read the same.
        let d = SweepSettings()
        if clips != d.clips { f += ["--clips", clips.map { "\($0)" }.joined(separator: ",")] }
        if forgetBiases != d.forgetBiases { f += ["--forget-biases", forgetBiases.map { "\($0)" }.joined(separator: ",")] }
        if bptts != d.bptts { f += ["--bptts", bptts.map { $0 == 0 ? "full" : "\($0)" }.joined(separator: ",")] }
        if optimizers != d.optimizers { f += ["--optimizers", optimizers.map(\.description).joined(separator: ",")] }
        if recurrentInits != d.recurrentInits { f += ["--inits", recurrentInits.map(\.rawValue).joined(separator: ",")] }
        if recurrentScales != d.recurrentScales { f += ["--recurrent-scales", recurrentScales.map { "\($0)" }.joined(separator: ",")] }
        if stepLosses != d.stepLosses { f += ["--step-losses", stepLosses.map { "\($0)" }.joined(separator: ",")] }
        return f
    }
}

/// An optimizer of a sweep's `--optimizers`, with its tuned learning rate: `sgd:0.1`, or
/// `adam` for the sweep's `--lr`.
public struct OptimizerChoice: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    public var kind: OptimizerKind
    public var learningRate: Float?

    public init(kind: OptimizerKind, learningRate: Float? = nil) { self.kind = kind; self.learningRate = learningRate }

    /// `name` or `name:rate`.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let k = OptimizerKind(rawValue: String(parts[0])) else { return nil }
        kind = k
        if parts.count == 2 {
            guard let r = Float(parts[1]), r > 0, r.isFinite else { return nil }
            learningRate = r
        }
    }

    public var description: String { kind.rawValue + (learningRate.map { ":\($0)" } ?? "") }
}

/// One combination of the remedies a sweep can vary (issue 16). The defaults (clip 1, forget
/// bias 1, full BPTT, Adam, orthogonal recurrent weights at scale 1) are what every sweep
/// used before; a job's id and series name only the ones that differ.
public struct Remedy: Sendable, Equatable, Hashable, Codable {
    public var clip: Float = 1
    public var forgetBias: Float = 1
    /// Truncated BPTT chunk; 0: full BPTT.
    public var bptt = 0
    public var optimizer = OptimizerChoice(kind: .adam)
    public var recurrentInit: RecurrentInit = .orthogonal
    public var recurrentScale: Float = 1
    /// Weight of the per-step oracle targets; 0: the final label only.
    public var stepLoss: Float = 0

    public init() {}
    public init(clip: Float, forgetBias: Float, bptt: Int, optimizer: OptimizerChoice, recurrentInit: RecurrentInit, recurrentScale: Float, stepLoss: Float = 0) {
        self.clip = clip; self.forgetBias = forgetBias; self.bptt = bptt; self.optimizer = optimizer
        self.recurrentInit = recurrentInit; self.recurrentScale = recurrentScale; self.stepLoss = stepLoss
    }

    enum CodingKeys: String, CodingKey { case clip, forgetBias, bptt, optimizer, recurrentInit, recurrentScale, stepLoss }

    /// Remedies recorded before an axis existed read it as its default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Remedy()
        clip = try c.decodeIfPresent(Float.self, forKey: .clip) ?? d.clip
        forgetBias = try c.decodeIfPresent(Float.self, forKey: .forgetBias) ?? d.forgetBias
        bptt = try c.decodeIfPresent(Int.self, forKey: .bptt) ?? d.bptt
        optimizer = try c.decodeIfPresent(OptimizerChoice.self, forKey: .optimizer) ?? d.optimizer
        recurrentInit = try c.decodeIfPresent(RecurrentInit.self, forKey: .recurrentInit) ?? d.recurrentInit
        recurrentScale = try c.decodeIfPresent(Float.self, forKey: .recurrentScale) ?? d.recurrentScale
        stepLoss = try c.decodeIfPresent(Float.self, forKey: .stepLoss) ?? d.stepLoss
    }

    /// `stepLoss` is written only when set, so remedies without it encode as they did before
    /// it existed.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(clip, forKey: .clip); try c.encode(forgetBias, forKey: .forgetBias); try c.encode(bptt, forKey: .bptt)
        try c.encode(optimizer, forKey: .optimizer); try c.encode(recurrentInit, forKey: .recurrentInit)
        try c.encode(recurrentScale, forKey: .recurrentScale)
        if stepLoss != 0 { try c.encode(stepLoss, forKey: .stepLoss) }
    }

    public var isDefault: Bool { self == Remedy() }

    /// The recurrent initialisation this remedy asks for, or nil for the architecture's own
    /// start: the default axis value stands for it (the identity for `irnn`).
    public var requestedInit: RecurrentInit? { recurrentInit == Remedy().recurrentInit ? nil : recurrentInit }

    /// How `arch`'s recurrent weights started in this run.
    public func effectiveInit(_ arch: Architecture) -> RecurrentInit { requestedInit ?? arch.defaultRecurrentInit }

    /// `+clip0+xavier+scale2`…: what differs from the defaults (empty for them). Safe in a
    /// folder name and in an `--expect` claim (`rnn+clip0@256>=0.6`).
    public var label: String {
        let d = Remedy()
        func num(_ x: Float) -> String { x == x.rounded() ? String(Int(x)) : "\(x)" }
        var parts: [String] = []
        if clip != d.clip { parts.append("clip" + num(clip)) }
        if forgetBias != d.forgetBias { parts.append("fb" + num(forgetBias)) }
        if bptt != d.bptt { parts.append("bptt\(bptt)") }
        if optimizer != d.optimizer { parts.append(optimizer.kind.rawValue + (optimizer.learningRate.map { "_lr\($0)" } ?? "")) }
        if recurrentInit != d.recurrentInit { parts.append(recurrentInit.rawValue) }
        if recurrentScale != d.recurrentScale { parts.append("scale" + num(recurrentScale)) }
        if stepLoss != d.stepLoss { parts.append("step" + num(stepLoss)) }
        return parts.map { "+" + $0 }.joined()
    }
}

/// One run of a sweep: train one model, evaluate it on every test length, probe it.
public struct SweepJob: Sendable, Equatable, Codable {
    public var language: Language
    public var arch: Architecture
    public var trainLength: Int
    public var seed: UInt64
    /// The remedies of this run (the defaults for sweeps that vary none).
    public var remedy: Remedy
    /// The sweep's shared settings (the grid fields are empty).
    public var settings: SweepSettings

    public init(language: Language, arch: Architecture, trainLength: Int, seed: UInt64, remedy: Remedy = Remedy(), settings: SweepSettings) {
        self.language = language; self.arch = arch; self.trainLength = trainLength; self.seed = seed; self.remedy = remedy
        self.settings = settings.shared
    }

    enum CodingKeys: String, CodingKey { case language, arch, trainLength, seed, remedy, settings }

    /// Results written before remedies existed read as the defaults; the defaults are not
    /// written, so those results and new ones of the same run are alike.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        language = try c.decode(Language.self, forKey: .language)
        arch = try c.decode(Architecture.self, forKey: .arch)
        trainLength = try c.decode(Int.self, forKey: .trainLength)
        seed = try c.decode(UInt64.self, forKey: .seed)
        remedy = try c.decodeIfPresent(Remedy.self, forKey: .remedy) ?? Remedy()
        // Stored settings hold no grid; ones written before an axis existed read it as its
        // default, which `shared` clears again.
        settings = try c.decode(SweepSettings.self, forKey: .settings).shared
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(language, forKey: .language); try c.encode(arch, forKey: .arch)
        try c.encode(trainLength, forKey: .trainLength); try c.encode(seed, forKey: .seed)
        if !remedy.isDefault { try c.encode(remedy, forKey: .remedy) }
        try c.encode(settings, forKey: .settings)
    }

    /// The architecture with its remedies, e.g. `rnn` or `rnn+clip0`: one line in every chart.
    public var series: String { arch.rawValue + remedy.label }

    /// Folder name under `runs/`, e.g. `c-lstm-L256-s1` or `c-rnn+clip0-L256-s1`.
    public var id: String { "\(language.rawValue)-\(series)-L\(trainLength)-s\(seed)" }

    /// The settings of a sweep made of this job alone (for `--list-jobs`).
    public var alone: SweepSettings {
        var s = settings
        s.languages = [language]; s.archs = [arch]; s.trainLengths = [trainLength]; s.seeds = [seed]
        s.clips = [remedy.clip]; s.forgetBiases = [remedy.forgetBias]; s.bptts = [remedy.bptt]; s.optimizers = [remedy.optimizer]
        s.recurrentInits = [remedy.recurrentInit]; s.recurrentScales = [remedy.recurrentScale]; s.stepLosses = [remedy.stepLoss]
        return s
    }
}
