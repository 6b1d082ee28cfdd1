/// A second model that must agree before a file is reported invalid.
///
/// The first model screens every file; the second reads only the files the first flags, and a
/// file is invalid only when both say so. Two models trained apart make different mistakes on
/// valid code (of the valid files of the corpus valid packages and dev pool, the embedded LSTM
/// pair each alone at 0.5 flags 158 and 144, both 34; the embedded stack networks break 148 and
/// 168, both 63), so a pair flags far fewer valid files; read at thresholds above the ones each
/// would use alone, the LSTM pair also catches more broken files (the model card has the
/// figures). The cost is the second model's reading of the few files the first flags.
public struct SecondOpinion: Sendable {
    /// Reads the flagged files; its `threshold` and `hold` are its own.
    public let checker: ModelChecker
    /// Names the model in reports (e.g. `lstm-h128`).
    public let name: String

    public init(checker: ModelChecker, name: String) {
        self.checker = checker; self.name = name
    }

    /// The second model's threshold (`check --second-threshold`), chosen with the first model's
    /// (`ModelChecker.defaultThreshold`) on the corpus valid packages and dev pool (README, "How
    /// a pair of full-size models is chosen"): the second flags a file unless its P(valid) stays
    /// at 0.7 or more.
    public static let defaultThreshold: Float = 0.7
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
