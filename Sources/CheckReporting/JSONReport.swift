import Linting
import NestNetSupport

/// `--format json`: every input file with its status, and a summary.
public enum JSONReport {
    /// `{"head": "final"|"step", "offset": N}`: which output decided, at which byte.
    static func reason(_ r: FileResult.Reason) -> String { "{\"head\": \"\(r.head.rawValue)\", \"offset\": \(r.offset)}" }

    public static func render(_ r: CheckReport) -> String {
        func loc(_ l: FileResult.Location?) -> String { l.map { "{\"line\": \($0.line), \"column\": \($0.column), \"offset\": \($0.offset)}" } ?? "null" }
        let files = r.files.map { f -> String in
            var s = "{\"file\": \(JSONText.quote(f.path)), \"status\": \"\(f.status.rawValue)\", "
            s += "\"valid\": \(f.valid.map { "\($0)" } ?? "null"), \"p_valid\": \(f.pValid.flatMap { $0.isFinite ? "\($0)" : nil } ?? "null"), "
            s += "\"reason\": \(f.reason.map(reason) ?? "null"), "
            s += "\"location\": \(loc(f.location)), \"message\": \(JSONText.quote(sanitize(f.message))), \"bytes\": \(f.bytes), \"exact\": "
            if let e = f.exact {
                s += "{\"valid\": \(e.valid), \"kind\": \(e.kind.map { JSONText.quote($0) } ?? "null"), \"location\": \(loc(e.location)), \"message\": \(e.message.map { JSONText.quote(sanitize($0)) } ?? "null")}"
            } else { s += "null" }
            return s + "}"
        }
        return "{\"files\": [\n  " + files.joined(separator: ",\n  ") + "\n], \"summary\": {"
            + "\"files\": \(r.files.count), \"checked\": \(r.checkedCount), \"invalid\": \(r.invalidCount), \"errors\": \(r.errorCount), "
            + "\"skipped\": \(r.skippedCount), \"disagreements\": \(r.disagreements), \"fail_on\": \"\(r.engine == .both ? r.failOn.rawValue : r.engine.rawValue)\", \"bytes\": \(r.bytes), \"seconds\": \(r.seconds), "
            + "\"engine\": \"\(r.engine.rawValue)\", \"model\": \(JSONText.quote(r.modelName)), \"model_sha256\": \"\(r.modelSHA256)\", "
            + "\"threshold\": \(r.threshold), \"exit_code\": \(r.exitCode)}}\n"
    }
}
