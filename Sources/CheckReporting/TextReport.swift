import Linting
import NestNetSupport

/// Compiler-style text and GitHub Actions workflow commands.
public enum TextReport {
    public static func render(_ r: CheckReport, verbose: Bool = false) -> String {
        var out = ""
        for f in r.files {
            switch f.status {
            case .checked where f.valid == false:
                out += sanitize(r.diagnostic(f)) + "\n"
                if r.engine == .both, let e = f.exact {
                    out += "  exact oracle: " + (e.valid ? "valid" : sanitize("\(f.path)" + (e.location.map { ":\($0.line):\($0.column)" } ?? "") + ": \(e.message ?? "invalid")")) + "\n"
                }
            case .checked:
                if r.engine == .both, let e = f.exact, e.valid != f.valid {
                    out += sanitize("\(f.path): note: the model says valid, the exact oracle says \(e.message ?? "invalid")") + "\n"
                } else if verbose { out += sanitize("\(f.path): ok") + "\n" }
            case .error: out += sanitize("\(f.path): error: \(f.message)") + "\n"
            case .skipped:
                // A file the user asked for but NestNet cannot read as text (binary) is always
                // named; files left out by --exclude, and empty ones, only with --verbose.
                if verbose || !f.expectedSkip {
                    out += sanitize("\(f.path): warning: skipped: \(f.message)") + "\n"
                }
            }
        }
        out += summary(r) + "\n"
        return out
    }

    public static func summary(_ r: CheckReport) -> String {
        var s = "nestnet: \(r.files.count) file\(r.files.count == 1 ? "" : "s"): \(r.checkedCount - r.invalidCount) valid, \(r.invalidCount) invalid"
        s += ", \(r.errorCount) not checked, \(r.skippedCount) skipped"
        if r.engine == .both { s += ", \(r.disagreements) model/oracle disagreement\(r.disagreements == 1 ? "" : "s"), exit status by \(r.failOn == .exact ? "the oracle" : r.failOn == .model ? "the model" : "either")" }
        s += " (\(r.engine == .exact ? "exact oracle" : "model \(r.modelName)")\(r.second.map { ", second opinion \($0.name)" } ?? "")\(r.third.map { ", third opinion \($0.name)" } ?? ""), \(fixed(r.seconds, 2))s)"
        return s
    }
}
