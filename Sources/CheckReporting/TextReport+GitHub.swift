import Linting
import NestNetSupport

/// GitHub Actions workflow commands.
extension TextReport {
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
