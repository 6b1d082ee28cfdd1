import NestNetSupport

/// The languages `nestnet generate` writes.
public enum Language: String, Sendable, CaseIterable, Codable {
    case c, dyck1, dyck2, dyck3

    public var pairTypes: Int {
        switch self { case .c, .dyck3: return 3; case .dyck1: return 1; case .dyck2: return 2 }
    }
}

/// Where a corrupting edit may fall, as a fraction of the text.
public enum ErrorPosition: String, Sendable, CaseIterable, Codable {
    /// Anywhere.
    case any
    /// First 10% of the text: the error is far from the end, for long-range experiments.
    case early
    /// 45%–55%.
    case middle
    /// Last 10%.
    case late

    public func window(length n: Int) -> Range<Int> {
        switch self {
        case .any: return 0..<n
        case .early: return 0..<max(1, n / 10)
        case .middle: return (n * 45 / 100)..<max(n * 45 / 100 + 1, n * 55 / 100)
        case .late: return min(n - 1, n * 9 / 10)..<n
        }
    }
}

/// How the lengths of generated texts spread over `--min-length … --max-length`.
public enum LengthDistribution: String, Sendable, CaseIterable, Codable {
    /// Every length about equally likely (mean in the middle of the range): each text aims at
    /// a uniformly drawn length and ends within ±max(8, 1/16) of it.
    case uniform
    /// Every doubling equally likely, as file sizes in real trees: a 32…32768 range gives as
    /// many texts under 1 KB as over it, and still trains on the longest.
    case log
}

/// Which corrupting edits make the invalid examples (issue 16: a clean stack test).
public enum EditSelection: String, Sendable, CaseIterable, Codable {
    /// Every kind of the language's menu (for C and Dyck, half the mass keeps every count).
    case any
    /// Only edits that keep every per-type bracket count (swap two closers, move an opener):
    /// no counter can tell these negatives from valid texts, only a stack can.
    case countPreserving = "count-preserving"
    /// Only edits that change some per-type count (delete, insert, replace or flip a bracket).
    case countBreaking = "count-breaking"

    /// Whether an edit kind belongs to the selection.
    public func admits(_ k: EditKind) -> Bool {
        switch self {
        case .any: return true
        case .countPreserving: return k.keepsCounts
        case .countBreaking: return !k.keepsCounts
        }
    }
}

/// Everything that determines a generated dataset (with the seed and count).
public struct GeneratorOptions: Sendable, Equatable, Codable {
    public var language: Language = .c
    public var minLength = 64
    public var maxLength = 512
    public var maxDepth: Int? = nil
    /// Probability that a comment, string or char literal carries brackets (`c` only).
    public var distractors = 0.35
    public var errorPosition: ErrorPosition = .any
    public var validFraction = 0.5
    /// Fraction of `c` texts of at least 1 KB written as one whole header: an include guard
    /// around declarations, macros and comments that all sit inside `extern "C" {` (split
    /// across `#ifdef __cplusplus`) or a C++ namespace, so the code depth is 1 or more for
    /// nearly the whole text, as in real headers. 0 (the default) leaves earlier data as it was.
    public var headers = 0.0
    public var lengths: LengthDistribution = .uniform
    /// Which corrupting edits make invalid examples (and decoys in valid ones).
    public var edits: EditSelection = .any
    /// Extra decoy brackets per KB inside comments and strings, in both classes (`c` only):
    /// each example gets up to ⌈rate × KB⌉ of them, the count drawn uniformly from zero
    /// (`Example.withExtraDecoys`). 0 (the default) leaves earlier data as it was.
    public var decoyRate = 0.0
    /// Share of `c` comments written with the lexical habits of real code instead of the tidy
    /// `/* text */` (`CBuilder+Habits.swift`): empty `//` lines, code commented out
    /// (`//}`, `/*if (x)*/ {`), unspaced `/*NULL,*/` before arguments and statements, quotes
    /// and slashes inside comments; at 0.3 of it, adjacent string literals, paths and `"/*"`,
    /// unspaced binary operators (`38400/200`) and `/* 0x98 */` offset comments before fields.
    /// 0 (the default) leaves earlier data as it was.
    public var habits = 0.0
    /// Share of `c` programs whose preprocessor lines are written as people indent them:
    /// spaces after `#` by `#if` depth (libpng's `#  ifdef`, `#     else`), indentation before
    /// it (`  #endif`), or `# define` everywhere (SQLite). 0 (the default) leaves earlier data
    /// as it was.
    public var directiveHabits = 0.0
    /// Share of `c` programs whose conditionals are written as real files write them
    /// (`CBuilder+Conditionals.swift`): branches of several items with conditionals nested in
    /// them, `#elif` chains, a whole file in the `#else` of a short first branch (or a short
    /// stub after it), `else` split across `#endif`, directive text inside comments
    /// (`//usage:#if`). 0 (the default) leaves earlier data as it was.
    public var conditionalHabits = 0.0

    public init(language: Language = .c, minLength: Int = 64, maxLength: Int = 512, maxDepth: Int? = nil,
                distractors: Double = 0.35, errorPosition: ErrorPosition = .any, validFraction: Double = 0.5,
                headers: Double = 0, lengths: LengthDistribution = .uniform, edits: EditSelection = .any,
                decoyRate: Double = 0, habits: Double = 0, directiveHabits: Double = 0, conditionalHabits: Double = 0) {
        self.language = language; self.minLength = minLength; self.maxLength = maxLength
        self.maxDepth = maxDepth; self.distractors = distractors
        self.errorPosition = errorPosition; self.validFraction = validFraction; self.headers = headers
        self.lengths = lengths; self.edits = edits; self.decoyRate = decoyRate
        self.habits = habits; self.directiveHabits = directiveHabits; self.conditionalHabits = conditionalHabits
    }

    enum CodingKeys: String, CodingKey {
        case language, minLength, maxLength, maxDepth, distractors, errorPosition, validFraction, headers, lengths, edits, decoyRate, habits, directiveHabits, conditionalHabits
    }

    /// Writes `edits` only when it is not `any` and `decoyRate` and the `…habits` rates only when
    /// set, so settings recorded before they existed (model metadata, sweep run names) read and
    /// write the same.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(language, forKey: .language); try c.encode(minLength, forKey: .minLength)
        try c.encode(maxLength, forKey: .maxLength); try c.encodeIfPresent(maxDepth, forKey: .maxDepth)
        try c.encode(distractors, forKey: .distractors); try c.encode(errorPosition, forKey: .errorPosition)
        try c.encode(validFraction, forKey: .validFraction); try c.encode(headers, forKey: .headers)
        try c.encode(lengths, forKey: .lengths)
        if edits != .any { try c.encode(edits, forKey: .edits) }
        if decoyRate != 0 { try c.encode(decoyRate, forKey: .decoyRate) }
        if habits != 0 { try c.encode(habits, forKey: .habits) }
        if directiveHabits != 0 { try c.encode(directiveHabits, forKey: .directiveHabits) }
        if conditionalHabits != 0 { try c.encode(conditionalHabits, forKey: .conditionalHabits) }
    }

    /// Decodes settings recorded before `headers` and `lengths` existed as their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        language = try c.decode(Language.self, forKey: .language)
        minLength = try c.decode(Int.self, forKey: .minLength)
        maxLength = try c.decode(Int.self, forKey: .maxLength)
        maxDepth = try c.decodeIfPresent(Int.self, forKey: .maxDepth)
        distractors = try c.decode(Double.self, forKey: .distractors)
        errorPosition = try c.decode(ErrorPosition.self, forKey: .errorPosition)
        validFraction = try c.decode(Double.self, forKey: .validFraction)
        headers = try c.decodeIfPresent(Double.self, forKey: .headers) ?? 0
        lengths = try c.decodeIfPresent(LengthDistribution.self, forKey: .lengths) ?? .uniform
        edits = try c.decodeIfPresent(EditSelection.self, forKey: .edits) ?? .any
        decoyRate = try c.decodeIfPresent(Double.self, forKey: .decoyRate) ?? 0
        habits = try c.decodeIfPresent(Double.self, forKey: .habits) ?? 0
        directiveHabits = try c.decodeIfPresent(Double.self, forKey: .directiveHabits) ?? 0
        conditionalHabits = try c.decodeIfPresent(Double.self, forKey: .conditionalHabits) ?? 0
    }

    /// The longest text the generator will make (memory and time stay bounded).
    public static let lengthLimit = 1 << 20
    /// Longest Dyck string: the exact-length sampler's table costs O(n²) (65536 bytes: about a second).
    public static let dyckLengthLimit = 1 << 16

    /// Throws a one-line message for impossible settings.
    public func validate() throws {
        guard minLength >= 0, maxLength >= 0 else { throw NestNetError("lengths must not be negative") }
        guard minLength <= maxLength else {
            throw NestNetError("--min-length \(minLength) is greater than --max-length \(maxLength)")
        }
        guard maxLength <= Self.lengthLimit else {
            throw NestNetError("--max-length \(maxLength) is over the limit of \(Self.lengthLimit) bytes")
        }
        guard (0...1).contains(validFraction) else { throw NestNetError("--valid-fraction must be between 0 and 1") }
        guard (0...1).contains(distractors) else { throw NestNetError("--distractors must be between 0 and 1") }
        guard (0...1).contains(headers) else { throw NestNetError("--headers must be between 0 and 1") }
        guard (0...64).contains(decoyRate) else { throw NestNetError("--decoy-rate must be between 0 and 64 (extra decoy brackets per KB)") }
        guard (0...1).contains(habits) else { throw NestNetError("--habits must be between 0 and 1") }
        guard (0...1).contains(directiveHabits) else { throw NestNetError("--directive-habits must be between 0 and 1") }
        guard (0...1).contains(conditionalHabits) else { throw NestNetError("--conditional-habits must be between 0 and 1") }
        for (flag, on) in [("--habits", habits > 0), ("--directive-habits", directiveHabits > 0), ("--conditional-habits", conditionalHabits > 0),
                           ("--decoy-rate", decoyRate > 0)] where on && language != .c {
            throw NestNetError("\(flag) needs --language c (Dyck strings have no comments, strings or preprocessor lines)")
        }
        switch language {
        case .c:
            guard maxLength >= CProgramGenerator.minimumLength else {
                throw NestNetError("c programs need at least \(CProgramGenerator.minimumLength) bytes; --max-length is \(maxLength)")
            }
            if let d = maxDepth, d < 3 { throw NestNetError("--max-depth must be at least 3 for c (got \(d))") }
        case .dyck1, .dyck2, .dyck3:
            if let d = maxDepth, d < 1 { throw NestNetError("--max-depth must be at least 1 (got \(d))") }
            guard maxLength <= Self.dyckLengthLimit else {
                throw NestNetError("\(language.rawValue) strings are sampled exactly by length, which costs time quadratic in it: --max-length \(maxLength) is over the limit of \(Self.dyckLengthLimit) bytes")
            }
            let lo = max(2, minLength + (minLength & 1))
            guard lo <= maxLength else {
                throw NestNetError("\(language.rawValue) strings have even lengths of at least 2; none lies in [\(minLength), \(maxLength)]")
            }
            // Any --max-depth ≥ 1 is feasible: every even length is reachable at depth 1 (()()()…).
        }
    }
}
