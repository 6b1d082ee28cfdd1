import FileSupport

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

    public init(language: Language = .c, minLength: Int = 64, maxLength: Int = 512, maxDepth: Int? = nil,
                distractors: Double = 0.35, errorPosition: ErrorPosition = .any, validFraction: Double = 0.5) {
        self.language = language; self.minLength = minLength; self.maxLength = maxLength
        self.maxDepth = maxDepth; self.distractors = distractors
        self.errorPosition = errorPosition; self.validFraction = validFraction
    }

    /// The longest text the generator will make (memory and time stay bounded).
    public static let lengthLimit = 1 << 20

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
        switch language {
        case .c:
            guard maxLength >= CProgramGenerator.minimumLength else {
                throw NestNetError("c programs need at least \(CProgramGenerator.minimumLength) bytes; --max-length is \(maxLength)")
            }
            if let d = maxDepth, d < 3 { throw NestNetError("--max-depth must be at least 3 for c (got \(d))") }
        case .dyck1, .dyck2, .dyck3:
            if let d = maxDepth, d < 1 { throw NestNetError("--max-depth must be at least 1 (got \(d))") }
            let lo = max(2, minLength + (minLength & 1))
            guard lo <= maxLength else {
                throw NestNetError("\(language.rawValue) strings have even lengths of at least 2; none lies in [\(minLength), \(maxLength)]")
            }
            if let d = maxDepth, language == .dyck1 || d >= 1 {
                _ = d  // every even length is reachable at depth 1: ()()()…
            }
        }
    }
}
