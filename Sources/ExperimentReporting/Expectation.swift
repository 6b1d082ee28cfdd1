import NestNetSupport

/// A claim a sweep report checks, e.g. `lstm@2048>=0.95` or `dyck1:rnn@4096/512<0.7`:
/// `[language:]arch@test_length[/train_length] (>=|>|<=|<) accuracy`, on the mean over seeds.
/// Without a language or training length it must hold for every one that has the test length.
public struct Expectation: Sendable, Equatable, CustomStringConvertible {
    public enum Comparison: String, Sendable, CaseIterable { case ge = ">=", gt = ">", le = "<=", lt = "<" }
    public var language: String?
    public var arch: String
    public var testLength: Int
    public var trainLength: Int?
    public var comparison: Comparison
    public var value: Double
    public let description: String

    public init(parsing text: String) throws {
        let s = text.filter { !$0.isWhitespace }
        description = s
        func fail() -> NestNetError { NestNetError("--expect \(text): expected [language:]arch@test_length[/train_length]>=accuracy, e.g. lstm@2048>=0.95") }
        guard let op = [Comparison.ge, .le, .gt, .lt].first(where: { s.contains($0.rawValue) }),
              let opRange = s.firstRange(of: op.rawValue) else { throw fail() }
        comparison = op
        guard let v = Double(s[opRange.upperBound...]), v.isFinite else { throw fail() }
        value = v
        var lhs = String(s[..<opRange.lowerBound])
        if let colon = lhs.firstIndex(of: ":") { language = String(lhs[..<colon]); lhs = String(lhs[lhs.index(after: colon)...]) }
        let parts = lhs.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else { throw fail() }
        arch = String(parts[0])
        let lengths = parts[1].split(separator: "/", omittingEmptySubsequences: false)
        guard let t = Int(lengths[0]), lengths.count <= 2 else { throw fail() }
        testLength = t
        if lengths.count == 2 { guard let tr = Int(lengths[1]) else { throw fail() }; trainLength = tr }
    }

    public func holds(_ accuracy: Double) -> Bool {
        switch comparison {
        case .ge: return accuracy >= value
        case .gt: return accuracy > value
        case .le: return accuracy <= value
        case .lt: return accuracy < value
        }
    }

    public func matches(language l: String, arch a: String, testLength t: Int, trainLength tr: Int) -> Bool {
        (language == nil || language == l) && arch == a && testLength == t && (trainLength == nil || trainLength == tr)
    }
}

