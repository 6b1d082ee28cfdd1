import FileSupport

/// SARIF 2.1.0 for code-scanning uploads: one run, one rule (`nestnet/nesting`), a result per
/// invalid file with a repo-relative URI, a region and the model's probability.
public enum SARIFWriter {
    public static let ruleID = "nestnet/nesting"

    public static func render(_ r: CheckReport) -> String {
        var results: [String] = []
        for f in r.files where f.isInvalid {
            let region = f.location.map { "\"region\": {\"startLine\": \($0.line), \"startColumn\": \($0.column)}" } ?? "\"region\": {\"startLine\": 1}"
            var props = "\"engine\": \(JSONText.quote(r.engine))"
            if let p = f.pValid, p.isFinite { props += ", \"p_valid\": \(p)" }
            if let w = f.reason { props += ", \"reason\": \(JSONReport.reason(w))" }
            let artifact = f.uri.map { u in u.relative ? "{\"uri\": \(JSONText.quote(u.uri)), \"uriBaseId\": \"%SRCROOT%\"}" : "{\"uri\": \(JSONText.quote(u.uri))}" }
                ?? "{\"uri\": \(JSONText.quote(uri(f.path))), \"uriBaseId\": \"%SRCROOT%\"}"
            results.append("""
                {"ruleId": "\(ruleID)", "level": "error", "message": {"text": \(JSONText.quote(sanitize(f.message + " (" + r.why(f) + ")")))},
                 "locations": [{"physicalLocation": {"artifactLocation": \(artifact), \(region)}}],
                 "properties": {\(props)}}
            """)
        }
        var notes: [String] = []
        for f in r.files where f.status == .error {
            notes.append("{\"level\": \"error\", \"message\": {\"text\": \(JSONText.quote(sanitize("\(f.path): \(f.message)")))}, \"descriptor\": {\"id\": \"nestnet/unreadable\"}}")
        }
        return """
        {
          "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
          "version": "2.1.0",
          "runs": [{
            "tool": {"driver": {"name": "nestnet", "version": \(JSONText.quote(r.version)),
              "rules": [{"id": "\(ruleID)", "name": "BracketNesting", "shortDescription": {"text": "Brace, paren and bracket nesting is invalid"},
                "fullDescription": {"text": "A recurrent network (or the exact lexer-aware oracle) found unbalanced or mismatched (), [] or {} in code."},
                "defaultConfiguration": {"level": "error"}, "properties": {"model": \(JSONText.quote(r.modelName)), "modelSha256": \(JSONText.quote(r.modelSHA256))}}]}},
            \(r.rootURI.map { "\"originalUriBaseIds\": {\"%SRCROOT%\": {\"uri\": \(JSONText.quote($0))}}," } ?? "")
            "invocations": [{"executionSuccessful": \(r.errorCount == 0), "toolExecutionNotifications": [\(notes.joined(separator: ", "))]}],
            "results": [
        \(results.joined(separator: ",\n"))
            ]
          }]
        }

        """
    }

    /// A relative path as a URI reference (percent-encoding what URIs do not allow).
    static func uri(_ path: String) -> String {
        var p = path
        while p.hasPrefix("./") { p.removeFirst(2) }
        return percentEncoded(Array(p.utf8))
    }

    /// Path bytes as URI characters: unreserved bytes and `/` as they are, the rest `%XX`.
    public static func percentEncoded(_ bytes: [UInt8]) -> String {
        var out = ""
        for b in bytes {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(UnicodeScalar(b))
            default:
                let hex = String(b, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return out
    }
}

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
            + "\"skipped\": \(r.skippedCount), \"disagreements\": \(r.disagreements), \"fail_on\": \"\(r.engine == "both" ? r.failOn : r.engine)\", \"bytes\": \(r.bytes), \"seconds\": \(r.seconds), "
            + "\"engine\": \"\(r.engine)\", \"model\": \(JSONText.quote(r.modelName)), \"model_sha256\": \"\(r.modelSHA256)\", "
            + "\"threshold\": \(r.threshold), \"exit_code\": \(r.exitCode)}}\n"
    }
}

/// Compiler-style text and GitHub Actions workflow commands.
public enum TextReport {
    /// The message of files skipped because of `--exclude`.
    public static let excludedMessage = "excluded by --exclude"
    /// The message of empty files under `--engine model|both`: no bytes for the model to read.
    public static let emptyMessage = "empty file (no bytes for the model to read)"

    public static func render(_ r: CheckReport, verbose: Bool = false) -> String {
        var out = ""
        for f in r.files {
            switch f.status {
            case .checked where f.valid == false:
                out += sanitize(r.diagnostic(f)) + "\n"
                if r.engine == "both", let e = f.exact {
                    out += "  exact oracle: " + (e.valid ? "valid" : sanitize("\(f.path)" + (e.location.map { ":\($0.line):\($0.column)" } ?? "") + ": \(e.message ?? "invalid")")) + "\n"
                }
            case .checked:
                if r.engine == "both", let e = f.exact, e.valid != f.valid {
                    out += sanitize("\(f.path): note: the model says valid, the exact oracle says \(e.message ?? "invalid")") + "\n"
                } else if verbose { out += sanitize("\(f.path): ok") + "\n" }
            case .error: out += sanitize("\(f.path): error: \(f.message)") + "\n"
            case .skipped:
                // A file the user asked for but NestNet cannot read as text (binary) is always
                // named; files left out by --exclude, and empty ones, only with --verbose.
                if verbose || (f.message != TextReport.excludedMessage && f.message != TextReport.emptyMessage) {
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
        if r.engine == "both" { s += ", \(r.disagreements) model/oracle disagreement\(r.disagreements == 1 ? "" : "s"), exit status by \(r.failOn == "exact" ? "the oracle" : r.failOn == "model" ? "the model" : "either")" }
        s += " (\(r.engine == "exact" ? "exact oracle" : "model \(r.modelName)"), \(fixed2(r.seconds))s)"
        return s
    }

    /// `::error file=…,line=…,col=…::message` lines, escaped as GitHub requires.
    public static func github(_ r: CheckReport) -> String {
        func data(_ s: String) -> String { s.replacingAll("%", "%25").replacingAll("\r", "%0D").replacingAll("\n", "%0A") }
        func prop(_ s: String) -> String { data(s).replacingAll(":", "%3A").replacingAll(",", "%2C") }
        var out = ""
        for f in r.files {
            if f.isInvalid {
                var p = "file=\(prop(sanitize(f.path)))"
                if let l = f.location { p += ",line=\(l.line),col=\(l.column)" }
                out += "::error \(p),title=nesting::\(data(sanitize(r.diagnostic(f))))\n"
            } else if f.status == .error {
                out += "::error file=\(prop(sanitize(f.path))),title=nestnet::\(data(sanitize(f.message)))\n"
            }
        }
        return out
    }
}

extension String {
    /// Replaces every occurrence of the one-character string `a` by `b`.
    func replacingAll(_ a: Character, _ b: String) -> String {
        var out = ""
        for c in self { if c == a { out += b } else { out.append(c) } }
        return out
    }
}
