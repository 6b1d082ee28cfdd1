import NestNetSupport

/// The outcome of checking one input file.
public struct FileResult: Sendable, Equatable {
    public enum Status: String, Sendable { case checked, error, skipped }

    /// A place in a file (1-based line and byte column).
    public struct Location: Sendable, Equatable {
        public var line: Int, column: Int, offset: Int
        public init(line: Int, column: Int, offset: Int) { self.line = line; self.column = column; self.offset = offset }
    }

    /// The exact oracle's verdict, when it ran.
    public struct Exact: Sendable, Equatable {
        public var valid: Bool
        public var kind: String?
        public var location: Location?
        public var message: String?
        public init(valid: Bool, kind: String?, location: Location?, message: String?) {
            self.valid = valid; self.kind = kind; self.location = location; self.message = message
        }
    }

    /// Which of the model's outputs decided its verdict, and at which byte.
    ///
    /// `final`: the final head's P(valid) after the last byte (of the file, or of the stretch
    /// the file was split at) against the threshold. `step`: the per-step head's P(nesting not
    /// broken yet) fell below the threshold at `offset`, before the end; reading stopped there.
    /// `stack`: a stack network's moves (`ModelChecker.moves`) broke its stack at `offset` (a
    /// pop; with a repair budget, the pop where the last reading within it broke), or left it
    /// as it was at the end (`offset` the last byte). `repair`: the stack
    /// broke, but another reading of the network's moves within the budget
    /// (`ModelChecker.repairBudget`) does not; p_valid is e^−cost, that reading's likelihood
    /// against the network's own.
    public struct Reason: Sendable, Equatable {
        public enum Head: String, Sendable { case final, step, stack, repair }
        public var head: Head
        /// The byte whose output decided (0-based).
        public var offset: Int
        public init(head: Head, offset: Int) { self.head = head; self.offset = offset }

        /// `p_valid=0.06 at the end` or `p_valid=0.02 by the step head at byte 5120`.
        public func describe(pValid p: Float, bytes: Int) -> String {
            let v = "p_valid=\(fixed(Double(p), 2))"
            switch head {
            case .final: return offset >= bytes - 1 ? "\(v) at the end" : "\(v) at byte \(offset)"
            case .step: return "\(v) by the step head at byte \(offset)"
            case .stack: return offset >= bytes - 1 ? "\(v) by the stack at the end" : "\(v) by the stack at byte \(offset)"
            case .repair: return "\(v) by another reading of the moves"
            }
        }
    }

    public var path: String
    public var status: Status
    /// The verdict of the engine in charge (nil unless checked).
    public var valid: Bool?
    /// The model's P(valid) where it decided (see `reason`); nil for the exact engine or
    /// unchecked files. The one number every format reports, always P(valid), named p_valid.
    public var pValid: Float?
    /// Which output decided the model's verdict (nil for the exact engine or unchecked files).
    public var reason: Reason?
    /// The file as a SARIF URI: relative to the report's root (`CheckReport.rootURI`), or an
    /// absolute `file://` URI outside it; nil for standard input.
    public var uri: ArtifactURI?

    public struct ArtifactURI: Sendable, Equatable {
        public var uri: String
        public var relative: Bool
        public init(uri: String, relative: Bool) { self.uri = uri; self.relative = relative }
    }
    /// Where the nesting breaks, for invalid files.
    public var location: Location?
    /// The diagnostic for invalid files, or why a file was skipped or not checked.
    public var message: String
    public var exact: Exact?
    /// The second model's verdict, when the first flagged the file and a second opinion was
    /// asked for (`SecondOpinion`); nil otherwise.
    public var second: Second?
    /// The third model's verdict, when the first two flagged the file and a third opinion was
    /// asked for; nil otherwise.
    public var third: Second?
    public var bytes: Int
    /// A skip the user asked for or expects (`--exclude`, an empty file): text output lists it
    /// only with `--verbose`. Skips of files the user named but NestNet cannot read as text
    /// (binary) are always listed.
    public var expectedSkip = false

    public init(path: String, status: Status, valid: Bool? = nil, pValid: Float? = nil, reason: Reason? = nil, location: Location? = nil,
                message: String = "", exact: Exact? = nil, bytes: Int = 0) {
        self.path = path; self.status = status; self.valid = valid; self.pValid = pValid; self.reason = reason
        self.location = location; self.message = message; self.exact = exact; self.bytes = bytes
    }

    public var isInvalid: Bool { status == .checked && valid == false }
}

extension FileResult {
    /// The message of files skipped because of `--exclude`.
    public static let excludedMessage = "excluded by --exclude"
    /// The message of empty files under `--engine model|both`: no bytes for the model to read.
    public static let emptyMessage = "empty file (no bytes for the model to read)"

    /// A file left out by `--exclude`.
    public static func excluded(_ path: String) -> FileResult {
        var r = FileResult(path: path, status: .skipped, message: excludedMessage)
        r.expectedSkip = true
        return r
    }

    /// An empty file under the model engines.
    public static func empty(_ path: String) -> FileResult {
        var r = FileResult(path: path, status: .skipped, message: emptyMessage, bytes: 0)
        r.expectedSkip = true
        return r
    }
}

extension FileResult.ArtifactURI {
    /// Path bytes as URI characters: unreserved bytes and `/` as they are, the rest `%XX`.
    public static func percentEncoded(_ bytes: [UInt8]) -> String {
        var out = ""
        for b in bytes {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(UnicodeScalar(b))
            default:
                let hex = String(b, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return out
    }
}
