import Linting
import NestNetSupport

/// SARIF 2.1.0 for code-scanning uploads: one run, one rule (`nestnet/nesting`), a result per
/// invalid file with a repo-relative URI, a region and the model's probability.
public enum SARIFWriter {
    public static let ruleID = "nestnet/nesting"

    public static func render(_ r: CheckReport) -> String {
        var results: [String] = []
        for f in r.files where f.isInvalid {
            let region = f.location.map { "\"region\": {\"startLine\": \($0.line), \"startColumn\": \($0.column)}" } ?? "\"region\": {\"startLine\": 1}"
            var props = "\"engine\": \(JSONText.quote(r.engine.rawValue))"
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
        return FileResult.ArtifactURI.percentEncoded(Array(p.utf8))
    }
}
