import Foundation
import NestNetSupport
import NestingOracle
import RealModule

/// Makes labelled examples: a valid base text, then either a corrupting edit (target invalid)
/// or a decoy edit inside a string or comment (target valid). Labels come from the oracle;
/// an edit whose verdict misses the target class is discarded and another one tried.
public struct ExampleGenerator: Sendable {
    public let options: GeneratorOptions
    let c: CProgramGenerator
    let dyck: DyckGenerator?

    public init(_ options: GeneratorOptions) throws {
        try options.validate()
        self.options = options
        c = CProgramGenerator(distractorRate: options.distractors, maxDepth: options.maxDepth ?? 64, headerRate: options.headers, habitRate: options.habits, directiveRate: options.directiveHabits,
                              conditionalRate: options.conditionalHabits)
        if options.language == .c {
            dyck = nil
        } else {
            let g = DyckGenerator(pairTypes: options.language.pairTypes, maxLength: options.maxLength, maxDepth: options.maxDepth)
            guard g.canReach(minLength: options.minLength, maxLength: options.maxLength) else {
                throw NestNetError("\(options.language.rawValue) cannot reach a length in [\(options.minLength), \(options.maxLength)] with these settings")
            }
            dyck = g
        }
    }

    /// C edits (generated and real code alike): half the mass keeps every bracket count unchanged.
    static let cEditMenu: [(EditKind, Double)] = [(.swapClosers, 0.25), (.moveOpener, 0.25), (.deleteOpener, 0.1), (.deleteCloser, 0.1),
                                                  (.insertOpener, 0.1), (.insertCloser, 0.1), (.replaceCloser, 0.1)]

    /// Edit kinds with their weights, those of `options.edits` only (with `any`, half the mass
    /// keeps every bracket count unchanged).
    var editMenu: [(EditKind, Double)] { languageMenu.filter { options.edits.admits($0.0) } }

    var languageMenu: [(EditKind, Double)] {
        switch options.language {
        case .c: return Self.cEditMenu
        case .dyck1: return [(.moveOpener, 0.5), (.flipBracket, 0.5)]
        case .dyck2, .dyck3: return [(.swapClosers, 0.25), (.moveOpener, 0.25), (.flipBracket, 0.25), (.replaceCloser, 0.25)]
        }
    }

    /// A valid base text with length in the window, leaving room for a ±1 edit when it can.
    func base(rng: inout SeededRandom) -> [UInt8] {
        let lo = options.minLength, hi = options.maxLength
        if let d = dyck { return d.generate(minLength: lo, maxLength: hi, rng: &rng) }
        let a = max(lo, CProgramGenerator.minimumLength)
        let target: Int
        if options.lengths == .log && hi - a >= 4 {
            let l0 = Double.log(Double(a + 1)), l1 = Double.log(Double(hi - 1))
            target = min(hi - 1, max(a + 1, Int(Double.exp(l0 + (l1 - l0) * rng.unit()).rounded())))
        } else {
            target = hi - a >= 2 ? rng.int(in: (a + 1)...(hi - 1)) : rng.int(in: a...hi)
        }
        return c.generate(target: target, minLength: hi - a >= 2 ? a + 1 : a, maxLength: hi - a >= 2 ? hi - 1 : hi, rng: &rng)
    }

    /// Example `index` of the stream `seed`, of the requested class.
    public func example(seed: UInt64, index: Int, valid: Bool) -> Example {
        let e = plainExample(seed: seed, index: index, valid: valid)
        guard options.decoyRate > 0 else { return e }
        var rng = SeededRandom(seed: seed, index: UInt64(index), stream: Self.decoyStream)
        return e.withExtraDecoys(rate: options.decoyRate, maxLength: options.maxLength, rng: &rng)
    }

    /// The random stream of `--decoy-rate`'s extra decoys (generated and real examples alike).
    public static let decoyStream: UInt64 = 0xDEC0_15

    /// Example `index` before extra decoys.
    func plainExample(seed: UInt64, index: Int, valid: Bool) -> Example {
        var rng = SeededRandom(seed: seed, index: UInt64(index))
        let menu = editMenu
        var last: Example? = nil
        for attempt in 0..<200 {
            let text = base(rng: &rng)
            let v = NestingOracle.check(text)
            guard v.isValid else { continue }  // never happens by construction; never trusted either
            if valid && dyck != nil {
                return Example(text: text, valid: true, maxDepth: v.maxDepth, edit: nil, error: nil)
            }
            if let ex = Self.edit(text, valid: valid, menu: menu, bounds: options.minLength...options.maxLength,
                                  position: options.errorPosition, anywhere: attempt >= 150, rng: &rng) { return ex }
            if valid { last = Example(text: text, valid: true, maxDepth: v.maxDepth, edit: nil, error: nil) }
        }
        // A valid program with no place for a decoy (no comments or strings): keep it unedited.
        if let l = last { return l }
        preconditionFailure("could not generate an example for \(options)")
    }

    /// Applies a corrupting edit (target invalid) or a decoy edit (target valid) to a valid
    /// `text`, keeping the length in `bounds`; nil when six tries miss the target class.
    static func edit(_ text: [UInt8], valid: Bool, menu: [(EditKind, Double)], bounds: ClosedRange<Int>,
                     position: ErrorPosition, anywhere: Bool, rng: inout SeededRandom) -> Example? {
        let weights = menu.map(\.1)
        let window = position.window(length: text.count)
        let editor = Editor(text: text, window: valid || anywhere ? 0..<text.count : window)
        let decoyEditor = valid ? Editor(text: text, window: window) : editor
        for _ in 0..<6 {
            let kind = menu[rng.weighted(weights)].0
            guard bounds.contains(text.count + kind.lengthDelta) else { continue }
            guard let (t, e) = (decoyEditor.apply(kind, decoy: valid, rng: &rng)
                                ?? (valid ? editor.apply(kind, decoy: true, rng: &rng) : nil)) else { continue }
            let ex = Example(labelling: t, edit: e)
            if ex.valid == valid { return ex }
        }
        return nil
    }

    /// Labels for `count` examples: exactly round(count × validFraction) valid, shuffled.
    public static func labels(count: Int, validFraction: Double, seed: UInt64) -> [Bool] {
        let nValid = Int((Double(count) * validFraction).rounded())
        var labels = [Bool](repeating: true, count: nValid) + [Bool](repeating: false, count: count - nValid)
        var rng = SeededRandom(seed: seed, index: 0, stream: 0x1ABE1)
        rng.shuffle(&labels)
        return labels
    }
}
