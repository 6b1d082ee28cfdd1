import JUnit
import Linting
import NestNetSupport

extension JUnitWriter {
    // A lint run: one testcase per input file.
    public static func render(_ r: CheckReport, strict: Bool = false) throws -> [UInt8] { try render(r.junitSuite, strict: strict) }
    public static func write(_ r: CheckReport, to path: String, strict: Bool = false) throws { try write(r.junitSuite, to: path, strict: strict) }
}

extension CheckReport {
    /// One testcase per input file: a `<failure>` per invalid file, `<error>` for files that
    /// could not be checked and `<skipped>` for skipped ones.
    public var junitSuite: JUnitSuite {
        let perFile = files.isEmpty ? 0 : seconds / Double(files.count)
        let cases = files.map { f -> JUnitCase in
            let outcome: JUnitCase.Outcome
            switch f.status {
            case .checked where f.valid == false:
                let exactLine = f.exact.map { "\nexact oracle: " + ($0.valid ? "valid" : ($0.location.map { "\(f.path):\($0.line):\($0.column): " } ?? "") + ($0.message ?? "invalid")) } ?? ""
                outcome = .failure(type: "nesting", message: "\(f.message) (\(why(f)))", body: diagnostic(f) + exactLine)
            case .checked: outcome = .passed
            case .error: outcome = .error(type: "unreadable", message: f.message, body: "\(f.path): \(f.message)")
            case .skipped: outcome = .skipped(message: f.message)
            }
            return JUnitCase(classname: "nestnet.\(engine == .exact ? "exact" : modelName)", name: f.path, seconds: perFile,
                             file: f.path, line: f.location?.line ?? 1, outcome: outcome)
        }
        let props = [("nestnet.version", version), ("engine", engine.rawValue), ("model", modelName), ("model.path", modelPath),
                     ("model.sha256", modelSHA256)] + (appliedThreshold.map { [("threshold", "\($0)")] } ?? [])
            + [("bytes", "\(bytes)"), ("disagreements", "\(disagreements)")]
            + (hold.map { [("hold", "\($0)")] } ?? []) + (stepThreshold.map { [("step.threshold", "\($0)")] } ?? [])
            + (repairBudget.map { [("repair.budget", "\($0)")] } ?? [])
            + confirming("second", second) + confirming("third", third)
        return JUnitSuite(name: "nestnet check", timestamp: timestamp, hostname: hostname, seconds: seconds, properties: props, cases: cases)
    }

    /// A confirming model's properties: `second.model`, `second.model.path`, … (none when absent).
    private func confirming(_ label: String, _ m: SecondModel?) -> [(String, String)] {
        guard let m else { return [] }
        return [("\(label).model", m.name), ("\(label).model.path", m.path), ("\(label).model.sha256", m.sha256)]
            + (m.appliedThreshold.map { [("\(label).threshold", "\($0)")] } ?? []) + (m.hold.map { [("\(label).hold", "\($0)")] } ?? [])
    }
}
