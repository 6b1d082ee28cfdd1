import Linting
import NestNetSupport

/// SARIF 2.1.0 for code-scanning uploads: one run, one rule (`nestnet/nesting`), a result per
/// invalid file with a repo-relative URI, a region and the model's probability.
public enum SARIFWriter {
    public static let ruleID = "nestnet/nesting"

    public static func render(_ r: CheckReport) -> String {
        var w = JSONWriter()
        w.object(.lines) { o in
            o.field("$schema", "https://json.schemastore.org/sarif-2.1.0.json")
            o.field("version", "2.1.0")
            o.field("runs") { $0.array { $0.object(.lines) { run in
                run.field("tool") { $0.object { $0.field("driver") { driver(&$0, r) } } }
                if let root = r.rootURI {
                    run.field("originalUriBaseIds") { $0.object { $0.field("%SRCROOT%") { $0.object { $0.field("uri", root) } } } }
                }
                run.field("invocations") { $0.array { $0.object { inv in
                    inv.field("executionSuccessful", r.errorCount == 0)
                    inv.field("properties") { settings(&$0, r) }
                    inv.field("toolExecutionNotifications") { $0.array(r.files.filter { $0.status == .error }) { notification(&$0, $1) } }
                } } }
                run.field("results") { $0.array(r.files.filter(\.isInvalid), .lines) { result(&$0, $1, r) } }
            } } }
        }
        return w.text + "\n"
    }

    /// The tool: its version and its one rule, with the model that made the results.
    static func driver(_ w: inout JSONWriter, _ r: CheckReport) {
        w.object { d in
            d.field("name", "nestnet"); d.field("version", r.version)
            d.field("rules") { $0.array { $0.object { rule in
                rule.field("id", ruleID); rule.field("name", "BracketNesting")
                rule.field("shortDescription") { $0.object { $0.field("text", "Brace, paren and bracket nesting is invalid") } }
                rule.field("fullDescription") { $0.object {
                    $0.field("text", "A recurrent network (or the exact lexer-aware oracle) found unbalanced or mismatched (), [] or {} in code.")
                } }
                rule.field("defaultConfiguration") { $0.object { $0.field("level", "error") } }
                rule.field("properties") { $0.object { p in
                    p.field("model", r.modelName); p.field("modelSha256", r.modelSHA256)
                    for (label, m) in [("second", r.second), ("third", r.third)] {
                        if let m { p.field(label + "Model", m.name); p.field(label + "ModelSha256", m.sha256) }
                    }
                } }
            } } }
        }
    }

    /// Every setting that decided the verdicts, as `--format json`'s summary has them, so a
    /// code-scanning alert can be traced to the threshold and hold that raised it.
    static func settings(_ w: inout JSONWriter, _ r: CheckReport) {
        w.object { p in
            p.field("engine", r.engine.rawValue)
            p.field("failOn", r.engine == .both ? r.failOn.rawValue : r.engine.rawValue)
            if r.engine != .exact {
                if let t = r.appliedThreshold { p.field("threshold", t) }
                if let t = r.stepThreshold { p.field("stepThreshold", t) }
                if let h = r.hold { p.field("hold", h) }
                if let b = r.repairBudget { p.field("repairBudget", b) }
                for (label, m) in [("second", r.second), ("third", r.third)] {
                    if let t = m?.appliedThreshold { p.field(label + "Threshold", t) }
                    if let h = m?.hold { p.field(label + "Hold", h) }
                }
            }
        }
    }

    /// One invalid file: where, why, and with which probability.
    static func result(_ w: inout JSONWriter, _ f: FileResult, _ r: CheckReport) {
        w.object { o in
            o.field("ruleId", ruleID); o.field("level", "error")
            o.field("message") { $0.object { $0.field("text", sanitize(f.message + " (" + r.why(f) + ")")) } }
            o.field("locations") { $0.array { $0.object { $0.field("physicalLocation") { $0.object { p in
                p.field("artifactLocation") { $0.object { a in
                    if let u = f.uri {
                        a.field("uri", u.uri)
                        if u.relative { a.field("uriBaseId", "%SRCROOT%") }
                    } else {
                        a.field("uri", uri(f.path)); a.field("uriBaseId", "%SRCROOT%")
                    }
                } }
                p.field("region") { $0.object { region in
                    region.field("startLine", f.location?.line ?? 1)
                    if let l = f.location { region.field("startColumn", l.column) }
                } }
            } } } } }
            o.field("properties") { $0.object { props in
                props.field("engine", r.engine.rawValue)
                if let p = f.pValid, p.isFinite { props.field("p_valid", p) }
                if let reason = f.reason { props.field("reason", reason) }
            } }
        }
    }

    /// A file that could not be read: a tool notification, not a result.
    static func notification(_ w: inout JSONWriter, _ f: FileResult) {
        w.object { o in
            o.field("level", "error")
            o.field("message") { $0.object { $0.field("text", sanitize("\(f.path): \(f.message)")) } }
            o.field("descriptor") { $0.object { $0.field("id", "nestnet/unreadable") } }
        }
    }

    /// A relative path as a URI reference (percent-encoding what URIs do not allow).
    static func uri(_ path: String) -> String {
        var p = path
        while p.hasPrefix("./") { p.removeFirst(2) }
        return FileResult.ArtifactURI.percentEncoded(Array(p.utf8))
    }
}
