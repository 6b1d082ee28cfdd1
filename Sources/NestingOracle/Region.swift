/// What the lexer decided a byte is. Only `.code` brackets count for nesting.
public enum Region: UInt8, Sendable, CaseIterable {
    case code = 0
    case lineComment = 1
    case blockComment = 2
    case string = 3
    case char = 4
    /// A preprocessor directive line (with its `\`-continuations).
    case directive = 5
    /// Inside an `#if 0` group.
    case skipped = 6

    /// Everything but code: brackets here are "distractors" that must not count.
    public var isInert: Bool { self != .code }
}
