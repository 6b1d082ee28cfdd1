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
