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
    /// Examples per test length (half valid).
    public var testCount = 400
    /// Generated validation examples at the training length (best checkpoint by their accuracy).
    public var validCount = 500
    /// Length and count of the texts the gradient and counter probes use.
    public var probeLength = 512
    public var probeCount = 32

    public init() {}

    public func validate() throws {
        func positive(_ v: [Int], _ name: String) throws {
            guard !v.isEmpty else { throw ModelError("\(name) must name at least one value") }
            for x in v where x < 2 || x > GeneratorOptions.lengthLimit { throw ModelError("\(name): \(x) is not a usable length (2…\(GeneratorOptions.lengthLimit))") }
        }
        guard !languages.isEmpty else { throw ModelError("--languages must name at least one language") }
        guard !archs.isEmpty else { throw ModelError("--archs must name at least one architecture") }
        guard !seeds.isEmpty else { throw ModelError("--seeds must name at least one seed") }
        try positive(trainLengths, "--train-lengths")
        try positive(testLengths, "--test-lengths")
        try positive([probeLength], "--probe-length")
        guard hidden >= 1, embed >= 1 else { throw ModelError("--hidden and --embed must be positive") }
        guard epochs >= 1, examplesPerEpoch >= 1, batch >= 1 else { throw ModelError("--epochs, --examples-per-epoch and --batch must be positive") }
        guard learningRate > 0, learningRate.isFinite else { throw ModelError("--lr must be positive") }
        guard testCount >= 2, probeCount >= 1, validCount >= 0 else { throw ModelError("--test-count must be at least 2, --probe-count at least 1") }
        guard (0...1).contains(distractors) else { throw ModelError("--distractors must be within 0…1") }
        if let c = curriculum, c < 2 { throw ModelError("--curriculum must be at least 2") }
        for l in languages {
            let minimum = l == .c ? CProgramGenerator.minimumLength : 2
            for x in trainLengths + testLengths + [probeLength] where x < minimum {
                throw ModelError("length \(x) is shorter than the shortest \(l.rawValue) text (\(minimum))")
            }
        }
    }

    /// Every job of the grid, in a stable order (language, training length, architecture, seed).
    public var jobs: [SweepJob] {
        var out: [SweepJob] = []
        for l in languages { for t in trainLengths { for a in archs { for s in seeds {
            out.append(SweepJob(language: l, arch: a, trainLength: t, seed: s, settings: self))
        } } } }
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
        return f
    }
}

/// One run of a sweep: train one model, evaluate it on every test length, probe it.
public struct SweepJob: Sendable, Equatable, Codable {
    public var language: Language
    public var arch: Architecture
    public var trainLength: Int
    public var seed: UInt64
    /// The sweep's shared settings (the grid fields are empty).
    public var settings: SweepSettings

    public init(language: Language, arch: Architecture, trainLength: Int, seed: UInt64, settings: SweepSettings) {
        self.language = language; self.arch = arch; self.trainLength = trainLength; self.seed = seed
        self.settings = settings.shared
    }

    /// Folder name under `runs/`, e.g. `c-lstm-L256-s1`.
    public var id: String { "\(language.rawValue)-\(arch.rawValue)-L\(trainLength)-s\(seed)" }

    /// The settings of a sweep made of this job alone (for `--list-jobs`).
    public var alone: SweepSettings {
        var s = settings
        s.languages = [language]; s.archs = [arch]; s.trainLengths = [trainLength]; s.seeds = [seed]
        return s
    }
}
