#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File names as the kernel has them (any bytes but NUL, not necessarily UTF-8), held in a
/// `String` without loss: each byte that is not part of valid UTF-8 (and each byte of the
/// UTF-8 of U+F780…U+F7FF, so the mapping stays one to one) becomes the private-use scalar
/// U+F700 + byte. `bytes` turns such a string back into the exact name for system calls;
/// `display` shows it with those bytes as `\xFF` and control characters escaped.
public enum FileName {
    static let low: UInt32 = 0xF780, high: UInt32 = 0xF7FF

    /// A directory entry's name, read in place up to its NUL. `readdir`'s record is sized to
    /// the name (`d_reclen`), so copying `d_name`'s full 256 bytes, as `e.pointee.d_name` does,
    /// can read past the record and past a mapped page: CI crashed that way in `AtomicFile`.
    public static func entryName(_ e: UnsafePointer<dirent>) -> String {
        let name = UnsafeRawPointer(e) + MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        return string(UnsafeRawBufferPointer(start: name, count: strlen(name.assumingMemoryBound(to: CChar.self))))
    }

    /// The lossless string for raw name bytes.
    public static func string<C: Collection>(_ raw: C) -> String where C.Element == UInt8 {
        let bytes = Array(raw)
        var out = String.UnicodeScalarView()
        var it = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var at = 0
        func escape(_ r: Range<Int>) { for b in bytes[r] { out.append(Unicode.Scalar(0xF700 + UInt32(b))!) } }
        while true {
            switch parser.parseScalar(from: &it) {
            case .valid(let e):
                let s = Unicode.UTF8.decode(e)
                if (low...high).contains(s.value) { escape(at..<(at + e.count)) } else { out.append(s) }
                at += e.count
            case .error(let length):
                escape(at..<(at + length))
                at += length
            case .emptyInput:
                return String(out)
            }
        }
    }

    /// The exact name bytes for a string made by `string` (or any ordinary string).
    public static func bytes(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            if (low...high).contains(u.value) { out.append(UInt8(u.value - 0xF700)) } else { out += Array(String(u).utf8) }
        }
        return out
    }

    /// Calls `body` with the name as a C string for system calls.
    public static func withCString<R>(_ s: String, _ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        var b = bytes(s).map { CChar(bitPattern: $0) }
        b.append(0)
        return try b.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    /// The name for people and reports: bytes that are not UTF-8 as `\xFF`, control characters
    /// (newline and tab included: a name is one line) as `\u{a}`, backslashes kept as they are.
    /// Every `NestNetError` message goes through it too, so an error is one
    /// line whatever a file name or a crafted file put into it.
    public static func display(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u.value {
            case low...high: out += "\\x" + hex2(u.value - 0xF700)
            case 0..<32, 127, 0x80..<0xA0, 0x2028, 0x2029, 0xFFFE, 0xFFFF: out += "\\u{" + String(u.value, radix: 16) + "}"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    static func hex2(_ v: UInt32) -> String {
        let d = Array("0123456789ABCDEF")
        return String([d[Int(v >> 4)], d[Int(v & 15)]])
    }

    /// Command-line arguments without loss (Swift's `CommandLine.arguments` repairs bytes that
    /// are not UTF-8, which would name another file).
    public static var arguments: [String] {
        (0..<Int(CommandLine.argc)).map { i in
            guard let p = CommandLine.unsafeArgv[i] else { return "" }
            return string(UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: strlen(p)))
        }
    }
}
