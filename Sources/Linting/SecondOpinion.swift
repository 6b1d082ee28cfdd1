/// A second model that must agree before a file is reported invalid.
///
/// The first model screens every file; the second reads only the files the first flags, and a
/// file is invalid only when both say so. Two models trained apart make different mistakes on
/// valid code, so the pair flags fewer valid files. The default second threshold is strict (the
/// second model clears a file only when it is nearly sure it is valid), so the pair catches about
/// as many broken files, real and generated, as the first model alone (measured on the corpus
/// valid packages and generated C; the model card has the figures). The cost is the second
/// model's reading of the few files the first flags.
public struct SecondOpinion: Sendable {
    /// Reads the flagged files; its `threshold` and `hold` are its own.
    public let checker: ModelChecker
    /// Names the model in reports (e.g. `lstm-h64`).
    public let name: String

    public init(checker: ModelChecker, name: String) {
        self.checker = checker; self.name = name
    }

    /// The second model's threshold (`check --second-threshold`), chosen on the corpus valid
    /// packages with the first model at its own default (model card): it flags a file unless its
    /// P(valid) stays at 0.98 or more, so it clears only files it is nearly sure of.
    public static let defaultThreshold: Float = 0.98
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
