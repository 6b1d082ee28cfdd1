import NestNetSupport
import NestingOracle

/// Generates C programs (valid nesting by construction, checked by the oracle anyway):
/// includes and macros, structs, enums, tables with nested initializers, functions with
/// if/else, loops, switch, calls with nested arguments, indexing, casts, preprocessor
/// conditionals (including branches that each open the same brace, and `#if 0` groups
/// holding broken code), and strings, chars and comments that contain brackets.
public struct CProgramGenerator: Sendable {
    /// Probability that a comment, string or char literal carries bracket characters.
    public var distractorRate: Double
    /// Deepest code nesting to generate (at least 3).
    public var maxDepth: Int
    /// Probability that a text of at least 1 KB is one whole header wrapped in `extern "C" {`
    /// or a namespace (see `GeneratorOptions.headers`).
    public var headerRate: Double
    /// Probability that a comment is written with real code's lexical habits; strings, binary
    /// operators, struct fields, bare blocks and call arguments get theirs at set fractions of
    /// it (`CBuilder+Habits.swift` and its callers): see `GeneratorOptions.habits`.
    public var habitRate: Double
    /// Probability that a program writes its preprocessor lines with spaces after `#` or
    /// indentation before it (`DirectiveStyle`; see `GeneratorOptions.directiveHabits`).
    public var directiveRate: Double
    /// Probability that a program writes its conditionals as real files do (long and nested
    /// branches, whole-file wraps, `else` across `#endif`; see `GeneratorOptions.conditionalHabits`).
    public var conditionalRate: Double

    public init(distractorRate: Double = 0.35, maxDepth: Int = 64, headerRate: Double = 0, habitRate: Double = 0, directiveRate: Double = 0,
                conditionalRate: Double = 0) {
        self.distractorRate = distractorRate; self.maxDepth = maxDepth; self.headerRate = headerRate; self.habitRate = habitRate
        self.directiveRate = directiveRate; self.conditionalRate = conditionalRate
    }

    /// The shortest text this generator can produce.
    public static let minimumLength = 24

    /// A valid program whose length lies in `minLength...maxLength`, aiming at `target`.
    public func generate(target: Int, minLength: Int, maxLength: Int, rng: inout SeededRandom) -> [UInt8] {
        var b = CBuilder(config: self, rng: rng, target: target)
        let out = b.program(target: target, minLength: minLength, maxLength: maxLength)
        rng = b.rng
        return out
    }
}

/// One program under construction. Budgets are in bytes of output and checked against the
/// writer as it grows, so constructs shrink as the target length comes near.
struct CBuilder {
    let config: CProgramGenerator
    var rng: SeededRandom
    var w: CodeWriter
    /// Per-file naming flavour (`sqlite3_`, `png_`, …).
    let prefix: String
    var declaredLocals: [String] = []
    var loopDepth = 0
    /// Whether this program writes its conditionals with real files' habits (`conditionalRate`).
    var conditionalHabits = false
    /// `#if` groups open around the item being written by `conditionalGroup`.
    var conditionalNesting = 0

    init(config: CProgramGenerator, rng: SeededRandom, target: Int) {
        self.config = config
        var r = rng
        let indent: [UInt8] = [Array("    ".utf8), Array("    ".utf8), Array("  ".utf8), [9]][r.below(4)]
        let newline: [UInt8] = r.chance(0.06) ? [13, 10] : [10]
        w = CodeWriter(indentUnit: indent, newline: newline, allmanBraces: r.chance(0.25), capacity: target + 64)
        prefix = r.pick(Vocabulary.prefixes)
        // Drawn last and only when enabled, so programs made without it keep their streams.
        if config.directiveRate > 0 && r.chance(config.directiveRate) {
            switch r.below(4) {
            case 0: w.directiveStyle = DirectiveStyle(beforeHash: false, unit: Array(r.pick([" ", "  ", "   "]).utf8), everywhere: false)
            case 1: w.directiveStyle = DirectiveStyle(beforeHash: false, unit: [32], everywhere: true)
            case 2: w.directiveStyle = DirectiveStyle(beforeHash: true, unit: Array(r.pick([" ", "  ", "    ", "\t"]).utf8), everywhere: false)
            default: w.directiveStyle = DirectiveStyle(beforeHash: r.chance(0.5), unit: r.chance(0.5) ? [9] : [32, 32], everywhere: false)
            }
        }
        // After the directive style, for the same reason.
        conditionalHabits = config.conditionalRate > 0 && r.chance(config.conditionalRate)
        self.rng = r
    }

    /// Pads with a trailing comment line or blank lines to exactly `length` bytes.
    mutating func pad(to length: Int) {
        while w.count < length {
            let d = length - w.count
            if d >= w.newline.count + 4 {
                w.out.append(contentsOf: w.newline)
                var line = "// "
                while line.utf8.count < d - w.newline.count { line += rng.pick(Vocabulary.words) + " " }
                w.out.append(contentsOf: line.utf8.prefix(d - w.newline.count))
            } else {
                w.put(10)
            }
        }
    }

    mutating func line() { if w.count > 0 { w.nl() } }

    mutating func canOpen(_ n: Int) -> Bool { w.depth + n <= config.maxDepth }
}
