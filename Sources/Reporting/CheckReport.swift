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
    public struct Reason: Sendable, Equatable {
        public enum Head: String, Sendable { case final, step }
        public var head: Head
        /// The byte whose output decided (0-based).
        public var offset: Int
        public init(head: Head, offset: Int) { self.head = head; self.offset = offset }

        /// `p_valid=0.06 at the end` or `p_valid=0.02 by the step head at byte 5120`.
        public func describe(pValid p: Float, bytes: Int) -> String {
            let v = "p_valid=\(fixed2(Double(p)))"
            switch head {
            case .final: return offset >= bytes - 1 ? "\(v) at the end" : "\(v) at byte \(offset)"
            case .step: return "\(v) by the step head at byte \(offset)"
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
    public var bytes: Int

    public init(path: String, status: Status, valid: Bool? = nil, pValid: Float? = nil, reason: Reason? = nil, location: Location? = nil,
                message: String = "", exact: Exact? = nil, bytes: Int = 0) {
        self.path = path; self.status = status; self.valid = valid; self.pValid = pValid; self.reason = reason
        self.location = location; self.message = message; self.exact = exact; self.bytes = bytes
    }

    public var isInvalid: Bool { status == .checked && valid == false }
}

/// A whole `nestnet check` run: every input file, in a stable order, and how it was checked.
public struct CheckReport: Sendable {
    public var files: [FileResult]
    /// `model`, `exact` or `both`.
    public var engine: String
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
    /// Whose verdict sets the exit status under engine `both`: `model`, `exact` (the default:
    /// the oracle is the ground truth, disagreements are reported) or `either`.
    public var failOn: String = "exact"
    /// `file:///…/`: the folder SARIF URIs are relative to (`--root`).
    public var rootURI: String? = nil

    public init(files: [FileResult], engine: String, modelName: String, modelPath: String, modelSHA256: String,
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
        guard engine == "both" else { return invalidCount }
        return files.filter { f in
            guard f.status == .checked else { return false }
            let model = f.valid == false, exact = f.exact?.valid == false
            switch failOn {
            case "model": return model
            case "either": return model || exact
            default: return exact
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

    /// What decided a verdict: `p_valid=0.06 at the end, model lstm-h64` or `exact oracle`.
    public func why(_ f: FileResult) -> String {
        guard let p = f.pValid else { return "exact oracle" }
        return (f.reason?.describe(pValid: p, bytes: f.bytes) ?? "p_valid=\(fixed2(Double(p)))") + ", model \(modelName)"
    }
}

/// Makes text safe for XML and JSON consumers: invalid UTF-8 becomes U+FFFD and control
/// characters other than tab and newline become `\u{XX}` escapes written out in ASCII.
public func sanitize(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for u in s.unicodeScalars {
        switch u.value {
        case 9, 10: out.unicodeScalars.append(u)
        case 0..<32, 127, 0xFFFE, 0xFFFF:
            out += "\\u{" + String(u.value, radix: 16) + "}"
        default: out.unicodeScalars.append(u)
        }
    }
    return out
}

func fixed2(_ x: Double) -> String {
    let r = (x * 100).rounded() / 100
    var s = "\(r)"
    if let dot = s.firstIndex(of: ".") { while s.distance(from: dot, to: s.endIndex) < 3 { s += "0" } }
    return s
}

func fixed3(_ x: Double) -> String {
    let r = (max(0, x) * 1000).rounded() / 1000
    let ip = Int(r), fp = Int(((r - Double(ip)) * 1000).rounded())
    let f = String(fp)
    return "\(ip)." + String(repeating: "0", count: 3 - f.count) + f
}
