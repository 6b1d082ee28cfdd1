import NestNetSupport

/// A whole `nestnet check` run: every input file, in a stable order, and how it was checked.
public struct CheckReport: Sendable {
    public var files: [FileResult]
    public var engine: CheckEngine
    /// e.g. `lstm-h64`.
    public var modelName: String
    public var modelPath: String
    public var modelSHA256: String
    public var threshold: Float
    public var version: String
    /// ISO 8601, UTC.
    public var timestamp: String
    public var hostname: String
    public var seconds: Double
    /// Whose verdict sets the exit status under engine `both` (by default the oracle's: it is
    /// the ground truth, and disagreements are reported).
    public var failOn: FailOn = .exact
    /// `file:///…/`: the folder SARIF URIs are relative to (`--root`).
    public var rootURI: String? = nil
    /// The second model, when one confirmed the first one's flags (`SecondOpinion`).
    public var second: SecondModel? = nil
    /// The third model, when one confirmed the flags of the first two (`Linter.thirdOpinion`).
    public var third: SecondModel? = nil
    /// How the step head was read (`--hold`, 0: never; `--step-threshold`), when a model ran,
    /// so a report says every setting that decided its verdicts.
    public var hold: Int? = nil
    public var stepThreshold: Float? = nil
    /// The model is a stack network (`ModelChecker.moves`): its own stack decides, so no
    /// threshold, hold or step bar applies, and reports leave them out.
    public var stackNetwork = false
    /// How far a stack network's moves may be read otherwise (`check --repair-budget`, nats),
    /// when a stack network read the files.
    public var repairBudget: Float? = nil
    /// The threshold that decided verdicts: none when no model ran or a stack network did.
    public var appliedThreshold: Float? { engine == .exact || stackNetwork ? nil : threshold }

    /// The second (or third) model of a run: its name, path, checkpoint SHA-256 and threshold.
    public struct SecondModel: Sendable {
        public var name: String, path: String, sha256: String, threshold: Float
        /// The second model's own `--hold` (each model of a pair is read as it was trained).
        public var hold: Int?
        /// A stack network: its own stack decides (no threshold or hold applies).
        public var stackNetwork: Bool
        public init(name: String, path: String, sha256: String, threshold: Float, hold: Int? = nil, stackNetwork: Bool = false) {
            self.name = name; self.path = path; self.sha256 = sha256; self.threshold = threshold; self.hold = hold
            self.stackNetwork = stackNetwork
        }
        /// The threshold that decided its verdicts (none for a stack network).
        public var appliedThreshold: Float? { stackNetwork ? nil : threshold }
    }

    public init(files: [FileResult], engine: CheckEngine, modelName: String, modelPath: String, modelSHA256: String,
                threshold: Float, version: String, timestamp: String, hostname: String, seconds: Double) {
        self.files = files; self.engine = engine; self.modelName = modelName; self.modelPath = modelPath
        self.modelSHA256 = modelSHA256; self.threshold = threshold; self.version = version
        self.timestamp = timestamp; self.hostname = hostname; self.seconds = seconds
    }

    public var invalidCount: Int { files.filter(\.isInvalid).count }
    public var errorCount: Int { files.filter { $0.status == .error }.count }
    public var skippedCount: Int { files.filter { $0.status == .skipped }.count }
    public var checkedCount: Int { files.filter { $0.status == .checked }.count }
    /// Files where the model and the oracle disagree (engine `both`).
    public var disagreements: Int { files.filter { $0.status == .checked && $0.exact != nil && $0.exact?.valid != $0.valid }.count }
    public var bytes: Int { files.reduce(0) { $0 + $1.bytes } }

    /// Files invalid by the verdict that sets the exit status (see `failOn`; with one engine,
    /// that engine's).
    public var failingCount: Int {
        guard engine == .both else { return invalidCount }
        return files.filter { f in
            guard f.status == .checked else { return false }
            let model = f.valid == false, exact = f.exact?.valid == false
            switch failOn {
            case .model: return model
            case .either: return model || exact
            case .exact: return exact
            }
        }.count
    }

    /// 0 all valid, 1 some file invalid (by the verdict that decides), 2 some file could not be
    /// checked.
    public var exitCode: Int32 { errorCount > 0 ? 2 : failingCount > 0 ? 1 : 0 }

    /// The compiler-style diagnostic of an invalid file:
    /// `path:line:col: error: message (p_valid=… at the end, model …)`.
    public func diagnostic(_ f: FileResult) -> String {
        let loc = f.location.map { ":\($0.line):\($0.column)" } ?? ""
        return "\(f.path)\(loc): error: \(f.message) (\(why(f)))"
    }

    /// What decided a verdict: `p_valid=0.06 at the end, model lstm-h64` or `exact oracle`;
    /// with a second opinion, `…; second opinion p_valid=0.12, lstm-h64`, and a third, `…; third
    /// opinion p_valid=0.00, lstm-h64`.
    public func why(_ f: FileResult) -> String {
        guard let p = f.pValid else { return "exact oracle" }
        var s = (f.reason?.describe(pValid: p, bytes: f.bytes) ?? "p_valid=\(fixed(Double(p), 2))") + ", model \(modelName)"
        for (label, v, m) in [("second", f.second, second), ("third", f.third, third)] {
            if let v, let m { s += "; \(label) opinion p_valid=\(fixed(Double(v.pValid), 2)), \(m.name)" }
        }
        return s
    }
}
