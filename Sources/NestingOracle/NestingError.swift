/// What kind of nesting error the oracle found.
public enum NestingErrorKind: String, Sendable, CaseIterable, Codable {
    /// A closer with nothing open.
    case unexpectedCloser = "unexpected-closer"
    /// A closer whose type differs from the innermost open bracket.
    case mismatchedCloser = "mismatched-closer"
    /// The text ended with brackets still open (reported at the innermost one).
    case unclosedOpener = "unclosed-opener"
    /// A preprocessor branch left a different bracket stack than the conditional's first branch.
    case conditionalMismatch = "conditional-mismatch"
}

/// The first nesting error in a text, with its position (1-based line and byte column).
public struct NestingError: Sendable, Equatable, Codable {
    public var kind: NestingErrorKind
    /// Byte offset of the offending closer, opener or directive.
    public var offset: Int
    public var line: Int
    public var column: Int
    /// The bracket found at `offset` (closer errors and unclosed openers).
    public var found: BracketKind?
    /// The innermost open bracket when the error was found, if any.
    public var expected: BracketKind?
    /// Where `expected` was opened.
    public var openerOffset: Int?

    public init(kind: NestingErrorKind, offset: Int, line: Int, column: Int,
                found: BracketKind? = nil, expected: BracketKind? = nil, openerOffset: Int? = nil) {
        self.kind = kind; self.offset = offset; self.line = line; self.column = column
        self.found = found; self.expected = expected; self.openerOffset = openerOffset
    }

    /// A compiler-style one-line description, e.g. "expected '}' but found ')'".
    public var message: String {
        func q(_ b: UInt8) -> String { "'" + String(UnicodeScalar(b)) + "'" }
        switch kind {
        case .unexpectedCloser:
            return "unexpected \(found.map { q($0.closer) } ?? "closer") with nothing open"
        case .mismatchedCloser:
            let want = expected.map { q($0.closer) } ?? "a closer"
            return "expected \(want) but found \(found.map { q($0.closer) } ?? "a different closer")"
        case .unclosedOpener:
            return "\(found.map { q($0.opener) } ?? "opener") is never closed"
        case .conditionalMismatch:
            return "preprocessor branch leaves different brackets open than the first branch"
        }
    }
}
