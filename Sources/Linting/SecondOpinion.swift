/// A second model that must agree before a file is reported invalid.
///
/// The first model screens every file at a lenient threshold; the second reads only the files
/// the first flags, whole, and a file is invalid only when both say so. Two models trained
/// apart make different mistakes on valid code, so the pair flags fewer valid files for as
/// many broken ones caught as either alone at the same rate (measured on the corpus valid
/// packages; the model card has the figures). The cost is the second model's reading of the
/// few files the first flags.
public struct SecondOpinion: Sendable {
    /// Reads the flagged files; its `threshold` and `hold` are its own.
    public let checker: ModelChecker
    /// Names the model in reports (e.g. `lstm-h64`).
    public let name: String

    public init(checker: ModelChecker, name: String) {
        self.checker = checker; self.name = name
    }

    /// The first model's threshold under a second opinion (`check --threshold`'s default then),
    /// chosen with `defaultThreshold` on the corpus valid packages (model card).
    public static let defaultScreen: Float = 0.55
    /// The second model's threshold (`check --second-threshold`).
    public static let defaultThreshold: Float = 0.6
}

extension FileResult {
    /// What the second model said of a file the first flagged (`SecondOpinion`).
    public struct Second: Sendable, Equatable {
        /// The second model's verdict; the file is invalid only when this is false too.
        public var valid: Bool
        /// Its P(valid) where it decided.
        public var pValid: Float
        /// Which of its outputs decided.
        public var reason: Reason?
        public init(valid: Bool, pValid: Float, reason: Reason?) {
            self.valid = valid; self.pValid = pValid; self.reason = reason
        }
    }
}
