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

    public var path: String
    public var status: Status
    /// The verdict of the engine in charge (nil unless checked).
    public var valid: Bool?
    /// The model's P(valid) (nil for the exact engine or unchecked files).
    public var probability: Float?
    /// Where the nesting breaks, for invalid files.
    public var location: Location?
    /// The diagnostic for invalid files, or why a file was skipped or not checked.
    public var message: String
    public var exact: Exact?
    public var bytes: Int

    public init(path: String, status: Status, valid: Bool? = nil, probability: Float? = nil, location: Location? = nil,
                message: String = "", exact: Exact? = nil, bytes: Int = 0) {
        self.path = path; self.status = status; self.valid = valid; self.probability = probability
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

    /// The compiler-style diagnostic of an invalid file: `path:line:col: error: message (p=…, model …)`.
    public func diagnostic(_ f: FileResult) -> String {
        let loc = f.location.map { ":\($0.line):\($0.column)" } ?? ""
        var s = "\(f.path)\(loc): error: \(f.message)"
        if let p = f.probability { s += " (p=\(fixed2(Double(1 - p))), model \(modelName))" } else { s += " (exact oracle)" }
        return s
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
