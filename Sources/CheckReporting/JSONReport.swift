import Linting
import NestNetSupport

/// `--format json`: every input file with its status, one file a line, and a summary.
public enum JSONReport {
    public static func render(_ r: CheckReport) -> String {
        var w = JSONWriter(reservingCapacity: 256 * r.files.count + 512)
        w.object { o in
            o.field("files") { $0.array(r.files, .lines) { $0.value($1) } }
            o.field("summary") { w in
                w.object { o in
                    o.field("files", r.files.count); o.field("checked", r.checkedCount); o.field("invalid", r.invalidCount)
                    o.field("errors", r.errorCount); o.field("skipped", r.skippedCount); o.field("disagreements", r.disagreements)
                    o.field("fail_on", r.engine == .both ? r.failOn.rawValue : r.engine.rawValue)
                    o.field("bytes", r.bytes); o.field("seconds", r.seconds)
                    o.field("engine", r.engine.rawValue); o.field("model", r.modelName); o.field("model_sha256", r.modelSHA256)
                    o.field("threshold", r.appliedThreshold); o.field("step_threshold", r.stepThreshold); o.field("hold", r.hold)
                    o.field("repair_budget", r.repairBudget)
                    for (label, m) in [("second", r.second), ("third", r.third)] {
                        o.field(label + "_model", m?.name); o.field(label + "_model_sha256", m?.sha256)
                        o.field(label + "_threshold", m?.appliedThreshold); o.field(label + "_hold", m?.hold)
                    }
                    o.field("exit_code", Int(r.exitCode))
                }
            }
        }
        return w.text + "\n"
    }
}

extension FileResult: JSONWritable {
    /// `{"file", "status", "valid", "p_valid", "reason", "location", "message", "bytes", "exact",
    /// "second_opinion", "third_opinion"}`.
    public func write(to w: inout JSONWriter) {
        w.object { o in
            o.field("file", path); o.field("status", status.rawValue)
            o.field("valid", valid); o.field("p_valid", pValid)
            o.field("reason", reason); o.field("location", location)
            o.field("message", sanitize(message)); o.field("bytes", bytes)
            o.field("exact", exact)
            o.field("second_opinion", second)
            o.field("third_opinion", third)
        }
    }
}

extension FileResult.Second: JSONWritable {
    /// `{"valid", "p_valid", "reason"}`: the second model's verdict on a file the first flagged
    /// (or the third's on a file both flagged).
    public func write(to w: inout JSONWriter) {
        w.object { o in o.field("valid", valid); o.field("p_valid", pValid); o.field("reason", reason) }
    }
}

extension FileResult.Reason: JSONWritable {
    /// `{"head": "final"|"step"|"stack", "offset": N}`: which output decided, at which byte.
    public func write(to w: inout JSONWriter) {
        w.object { $0.field("head", head.rawValue); $0.field("offset", offset) }
    }
}

extension FileResult.Location: JSONWritable {
    public func write(to w: inout JSONWriter) {
        w.object { $0.field("line", line); $0.field("column", column); $0.field("offset", offset) }
    }
}

extension FileResult.Exact: JSONWritable {
    /// The oracle's verdict beside the model's (`--engine both`).
    public func write(to w: inout JSONWriter) {
        w.object { o in
            o.field("valid", valid); o.field("kind", kind)
            o.field("location", location); o.field("message", message.map(sanitize))
        }
    }
}
