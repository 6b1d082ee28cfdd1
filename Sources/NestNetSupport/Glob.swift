#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Shell globs (fnmatch(3)) for `--include` and `--exclude`.
public enum Glob {
    /// Why fnmatch(3) would not take `glob` as meant (it silently matches nothing), or nil.
    public static func problem(_ glob: String) -> String? {
        var chars = Array(glob.unicodeScalars)[...]
        while let c = chars.popFirst() {
            switch c {
            case "\\": if chars.popFirst() == nil { return "ends with an unescaped backslash" }
            case "[":
                // A bracket expression: `]` right after `[` or `[!` is a member, then up to the next `]`.
                if chars.first == "!" || chars.first == "^" { chars.removeFirst() }
                if chars.first == "]" { chars.removeFirst() }
                guard let close = chars.firstIndex(of: "]") else { return "'[' without a closing ']'" }
                chars = chars[(close + 1)...]
            default: break
            }
        }
        return nil
    }

    /// fnmatch(3) on the whole path, on its last component and on each of its components.
    public static func matches(_ pattern: String, _ path: String) -> Bool {
        let base = path.split(separator: "/").last.map(String.init) ?? path
        return fnmatch(pattern, path, 0) == 0 || fnmatch(pattern, base, 0) == 0
            || path.split(separator: "/").contains { fnmatch(pattern, String($0), 0) == 0 }
    }
}
