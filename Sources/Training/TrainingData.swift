import Dispatch
import NestNetSupport
import ProgramGenerator
import RecurrentNet
import RealModule

/// Where training examples come from. Every example is a pure function of (seed, epoch,
/// position), so a resumed run sees exactly the data an uninterrupted one would.
public enum TrainingData: Sendable {
    /// A fixed dataset, reshuffled every epoch.
    case fixed([Example])
    /// Fresh examples every epoch from the generator.
    case generated(GeneratedData)
    /// Fresh examples every epoch, a set share of them cut from real code (`RealCodeMix`),
    /// the rest from the generator.
    case mixed(GeneratedData, RealCodeMix)

    /// The generator settings, when examples are drawn fresh.
    var generator: GeneratedData? {
        switch self {
        case .fixed: return nil
        case .generated(let g), .mixed(let g, _): return g
        }
    }

    /// Relative cost of one step of `epoch`: the mean text length the generator aims at under
    /// the curriculum (BPTT is linear in length), 1 for a fixed set. Progress ETAs weigh
    /// steps by it, so a curriculum's long late epochs are not estimated from its short first ones.
    public func stepCost(epoch: Int) -> Double {
        switch self {
        case .fixed: return 1
        case .generated(let g), .mixed(let g, _):
            let o = g.options(epoch: epoch)
            let a = Double(max(1, o.minLength)), b = Double(max(o.minLength, o.maxLength))
            guard b > a else { return a }
            switch o.lengths {
            case .uniform: return (a + b) / 2
            case .log: return (b - a) / Double.log(b / a)  // mean of a log-uniform length
            }
        }
    }

    /// Examples of one epoch, in order.
    public func count(epoch: Int) -> Int {
        switch self {
        case .fixed(let e): return e.count
        case .generated(let g), .mixed(let g, _): return g.examplesPerEpoch
        }
    }

    /// The examples of minibatch `step` of `epoch` (1-based epoch).
    func batch(epoch: Int, step: Int, size: Int, seed: UInt64, order: [Int]) throws -> [Example] {
        try examples(epoch: epoch, range: step * size..<min(count(epoch: epoch), step * size + size), seed: seed, order: order)
    }

    /// Examples at positions `range` of `epoch` (`order`: the epoch's shuffle of a fixed set).
    func examples(epoch: Int, range: Range<Int>, seed: UInt64, order: [Int]) throws -> [Example] {
        switch self {
        case .fixed(let e):
            return range.map { e[order[$0]] }
        case .generated(let g):
            return try g.examples(epoch: epoch, range: range, seed: seed)
        case .mixed(let g, let real):
            return try g.examples(epoch: epoch, range: range, seed: seed, real: real)
        }
    }

    /// Minibatch `step` of `epoch` under length bucketing: the `bucket` minibatches of its pool
    /// are drawn together, sorted by length (ties by position), cut in order, and the pieces
    /// dealt in a permutation seeded by (seed, epoch, pool). Pure in its arguments, so a resumed
    /// run sees the batches an uninterrupted one would.
    func bucketed(epoch: Int, pool: Int, bucket: Int, size: Int, steps: Int, seed: UInt64, order: [Int]) throws -> [[Example]] {
        let first = pool * bucket, last = min(steps, first + bucket)
        let range = first * size..<min(count(epoch: epoch), last * size)
        let drawn = try examples(epoch: epoch, range: range, seed: seed, order: order)
        let sorted = drawn.indices.sorted { drawn[$0].text.count != drawn[$1].text.count ? drawn[$0].text.count < drawn[$1].text.count : $0 < $1 }
        var pieces = stride(from: 0, to: sorted.count, by: size).map { Array(sorted[$0..<min(sorted.count, $0 + size)]).map { drawn[$0] } }
        var rng = SeededRandom(seed: seed, index: UInt64(epoch) << 32 | UInt64(pool), stream: 0xB0C4E7)
        rng.shuffle(&pieces)
        return pieces
    }
}

/// Generator settings for on-the-fly data, with an optional length curriculum.
public struct GeneratedData: Sendable, Equatable, Codable {
    public var options: GeneratorOptions
    public var examplesPerEpoch: Int
    /// Longest text in the first epoch; grows geometrically to `options.maxLength`.
    public var curriculumStart: Int?
    /// Epochs over which the curriculum reaches the full length.
    public var curriculumEpochs: Int

    public init(options: GeneratorOptions, examplesPerEpoch: Int, curriculumStart: Int? = nil, curriculumEpochs: Int = 1) {
        self.options = options; self.examplesPerEpoch = examplesPerEpoch
        self.curriculumStart = curriculumStart; self.curriculumEpochs = curriculumEpochs
    }

    /// The longest text of `epoch` under the curriculum.
    public func maxLength(epoch: Int) -> Int {
        guard let start = curriculumStart, start < options.maxLength, curriculumEpochs > 1 else { return options.maxLength }
        let f = min(1, Double(epoch - 1) / Double(curriculumEpochs - 1))
        let len = Double(start) * Double.pow(Double(options.maxLength) / Double(start), f)
        return min(options.maxLength, max(start, Int(len.rounded())))
    }

    /// The generator options in force at `epoch`.
    public func options(epoch: Int) -> GeneratorOptions {
        var o = options
        o.maxLength = maxLength(epoch: epoch)
        o.minLength = min(o.minLength, max(o.maxLength / 2, o.language == .c ? CProgramGenerator.minimumLength : 2))
        return o
    }

    /// Examples `range` of `epoch`, generated on two threads; with `real`, each example is
    /// drawn from the real code with probability `real.fraction` (the generator stands in when
    /// the real code has no text of the drawn length). Throws when the epoch's settings cannot
    /// generate (never an empty batch, which the trainer would step on with stale gradients).
    func examples(epoch: Int, range: Range<Int>, seed: UInt64, real: RealCodeMix? = nil) throws -> [Example] {
        let g = try ExampleGenerator(options(epoch: epoch))
        let o = g.options
        let slots = IndexedSlots(repeating: Example(text: [], valid: true, maxDepth: 0, edit: nil, error: nil), count: range.count)
        let streamSeed = seed ^ (UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
        DispatchQueue.concurrentPerform(iterations: min(2, max(1, range.count))) { part in
            var k = part
            while k < range.count {
                let i = range.lowerBound + k
                var labelRNG = SeededRandom(seed: streamSeed, index: UInt64(i), stream: 0x1ABE1)
                let valid = labelRNG.chance(o.validFraction)
                if let r = real, labelRNG.chance(r.fraction),
                   let e = r.windows.example(seed: streamSeed, index: i, valid: valid, bounds: o.minLength...o.maxLength,
                                             lengths: o.lengths, wholeFiles: r.wholeFiles, focus: r.focus) {
                    var decoyRNG = SeededRandom(seed: streamSeed, index: UInt64(i), stream: ExampleGenerator.decoyStream)
                    slots.set(k, e.withExtraDecoys(rate: o.decoyRate, maxLength: o.maxLength, rng: &decoyRNG))
                } else {
                    slots.set(k, g.example(seed: streamSeed, index: i, valid: valid))
                }
                k += 2
            }
        }
        return slots.items
    }
}

/// Real code mixed into generated training data: `fraction` of the examples are cut from
/// `windows` (whole files with probability `wholeFiles`, else balanced windows at any depth),
/// with the lengths the generator uses at that epoch; `focus` of those are cut around the
/// windows' focus points (hard examples) when it has any.
public struct RealCodeMix: Sendable {
    public let windows: RealCodeWindows
    public let fraction: Double
    public let wholeFiles: Double
    public let focus: Double

    public init(windows: RealCodeWindows, fraction: Double, wholeFiles: Double, focus: Double = 0) throws {
        guard (0...1).contains(fraction) else { throw NestNetError("--corpus-fraction must be between 0 and 1") }
        guard (0...1).contains(wholeFiles) else { throw NestNetError("--corpus-whole-files must be between 0 and 1") }
        guard (0...1).contains(focus) else { throw NestNetError("--corpus-focus-fraction must be between 0 and 1") }
        self.windows = windows; self.fraction = fraction; self.wholeFiles = wholeFiles; self.focus = focus
    }

    /// What identifies this mix in checkpoint metadata (a resumed run must see the same).
    public var description: String {
        "fraction=\(fraction) whole_files=\(wholeFiles) files=\(windows.fileCount) bytes=\(windows.byteCount) fingerprint=\(windows.fingerprint)"
            + (focus > 0 && windows.focusCount > 0 ? " focus=\(focus) focus_points=\(windows.focusCount) focus_fingerprint=\(windows.focusFingerprint)" : "")
    }
}
