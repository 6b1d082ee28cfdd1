/// NestNet's one error type: a one-line, user-facing message (control characters that reach it
/// from file names or file contents are escaped, so it is one line whatever the input held),
/// and the kind of failure for the callers that act on it rather than only report it.
public struct NestNetError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// Nothing a caller tells apart: bad settings, unreadable or unusable files and models.
        case general
        /// An input over a size limit of `limit` bytes.
        case tooLarge(limit: Int)
        /// Text that is not JSON, at a 1-based line and byte column of the text parsed.
        case invalidJSON(line: Int, column: Int)
        /// A program the command needs is not on PATH (retrying will not help).
        case toolMissing
    }

    public var message: String
    public var kind: Kind

    public init(_ message: String, kind: Kind = .general) {
        self.message = FileName.display(message)
        self.kind = kind
    }

    public var description: String { message }

    /// The same error with `prefix` (a file, a setting) before its message.
    public func prefixed(_ prefix: String) -> NestNetError {
        var e = self
        e.message = FileName.display(prefix) + e.message
        return e
    }
}
