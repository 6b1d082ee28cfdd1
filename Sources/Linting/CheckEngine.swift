/// What reads the files: the neural model, the exact oracle, or both side by side.
public enum CheckEngine: String, CaseIterable, Sendable {
    case model, exact, both
}

/// With `CheckEngine.both`: whose verdict sets the exit status.
public enum FailOn: String, CaseIterable, Sendable {
    /// The model's.
    case model
    /// The oracle's: the ground truth (model/oracle disagreements are reported).
    case exact
    /// Either: a file is failing when the model or the oracle finds it invalid.
    case either
}
