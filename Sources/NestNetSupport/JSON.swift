/// A parsed JSON value. Object keys keep their order.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o.first(where: { $0.0 == key })?.1 }
        return nil
    }
    public var string: String? { if case .string(let s) = self { return s }; return nil }
    public var number: Double? { if case .number(let d) = self { return d }; return nil }
    public var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    public var isNull: Bool { if case .null = self { return true }; return false }
    /// The number as an exact integer, or nil.
    public var int: Int? {
        guard let d = number, d.rounded() == d, abs(d) < 9.0e15 else { return nil }
        return Int(d)
    }
}

/// A strict JSON parser over bytes (RFC 8259). Errors are `NestNetError`s of kind
/// `.invalidJSON` with the 1-based line and byte column: `expected ':' at line 3, column 9`,
/// or `… at column 9` for a text of one line (a JSONL line, whose reader names the line).
public struct JSONParser {

    let p: UnsafeBufferPointer<UInt8>
    var i = 0
    var depth = 0

    /// Parses exactly one JSON value (surrounding whitespace allowed).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws -> JSONValue {
        var parser = JSONParser(p: bytes)
        parser.skipSpace()
        let v = try parser.value()
        parser.skipSpace()
        if parser.i != bytes.count { throw parser.fail("unexpected text after the JSON value") }
        return v
    }

    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try bytes.withUnsafeBufferPointer { try parse($0) }
    }

    public static func parse(_ s: String) throws -> JSONValue { try parse(Array(s.utf8)) }

    /// A failure at the current offset; bytes of the input quoted in `m` are shown escaped, so
    /// the message stays one line whatever the input holds.
    func fail(_ m: String) -> NestNetError {
        var line = 1, lineStart = 0
        for k in 0..<min(i, p.count) where p[k] == 10 { line += 1; lineStart = k + 1 }
        let column = i - lineStart + 1
        let at = line == 1 ? "at column \(column)" : "at line \(line), column \(column)"
        return NestNetError("\(m) \(at)", kind: .invalidJSON(line: line, column: column))
    }

    mutating func skipSpace() {
        while i < p.count, p[i] == 32 || p[i] == 9 || p[i] == 10 || p[i] == 13 { i += 1 }
    }

    mutating func value() throws -> JSONValue {
        guard i < p.count else { throw fail("unexpected end of input") }
        switch p[i] {
        case 123: return try object()
        case 91: return try array()
        case 34: return .string(try string())
        case 116: try literal("true"); return .bool(true)
        case 102: try literal("false"); return .bool(false)
        case 110: try literal("null"); return .null
        case 45, 48...57: return .number(try number())
        default: throw fail("unexpected character '\(Character(UnicodeScalar(p[i])))'")
        }
    }

    mutating func literal(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard i + n <= p.count, memcmpEqual(word, at: i) else { throw fail("invalid literal") }
        i += n
    }

    func memcmpEqual(_ word: StaticString, at k: Int) -> Bool {
        let w = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for j in 0..<w.count where p[k + j] != w[j] { return false }
        return true
    }

    mutating func object() throws -> JSONValue {
        depth += 1
        defer { depth -= 1 }
        if depth > 512 { throw fail("nesting too deep") }
        i += 1
        var out: [(String, JSONValue)] = []
        var keys = Set<String>()  // a repeated key is an error: which one counts is ambiguous
        skipSpace()
        if i < p.count, p[i] == 125 { i += 1; return .object(out) }
        while true {
            skipSpace()
            guard i < p.count, p[i] == 34 else { throw fail("expected a string key") }
            let keyAt = i
            let k = try string()
            guard keys.insert(k).inserted else { i = keyAt; throw fail("duplicate key \"\(k)\"") }
            skipSpace()
            guard i < p.count, p[i] == 58 else { throw fail("expected ':'") }
            i += 1
            skipSpace()
            out.append((k, try value()))
            skipSpace()
            guard i < p.count else { throw fail("unexpected end of input in an object") }
            if p[i] == 44 { i += 1; continue }
            if p[i] == 125 { i += 1; return .object(out) }
            throw fail("expected ',' or '}'")
        }
    }

    mutating func array() throws -> JSONValue {
        depth += 1
        defer { depth -= 1 }
        if depth > 512 { throw fail("nesting too deep") }
        i += 1
        var out: [JSONValue] = []
        skipSpace()
        if i < p.count, p[i] == 93 { i += 1; return .array(out) }
        while true {
            skipSpace()
            out.append(try value())
            skipSpace()
            guard i < p.count else { throw fail("unexpected end of input in an array") }
            if p[i] == 44 { i += 1; continue }
            if p[i] == 93 { i += 1; return .array(out) }
            throw fail("expected ',' or ']'")
        }
    }

    mutating func number() throws -> Double {
        let s = i
        if p[i] == 45 { i += 1 }
        guard i < p.count, p[i] >= 48 && p[i] <= 57 else { throw fail("invalid number") }
        if p[i] == 48 { i += 1 } else { while i < p.count, p[i] >= 48 && p[i] <= 57 { i += 1 } }
        if i < p.count, p[i] == 46 {
            i += 1
            guard i < p.count, p[i] >= 48 && p[i] <= 57 else { throw fail("invalid number") }
            while i < p.count, p[i] >= 48 && p[i] <= 57 { i += 1 }
        }
        if i < p.count, p[i] == 101 || p[i] == 69 {
            i += 1
            if i < p.count, p[i] == 43 || p[i] == 45 { i += 1 }
            guard i < p.count, p[i] >= 48 && p[i] <= 57 else { throw fail("invalid number") }
            while i < p.count, p[i] >= 48 && p[i] <= 57 { i += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: p[s..<i]), as: UTF8.self)
        guard let d = Double(text) else { throw fail("invalid number") }
        return d
    }

    mutating func hex4() throws -> UInt32 {
        guard i + 4 <= p.count else { throw fail("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = p[i]
            let d: UInt32
            switch c {
            case 48...57: d = UInt32(c - 48)
            case 65...70: d = UInt32(c - 55)
            case 97...102: d = UInt32(c - 87)
            default: throw fail("invalid \\u escape")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    mutating func string() throws -> String {
        i += 1
        var bytes: [UInt8] = []
        let start = i
        // Fast path: no escapes.
        while i < p.count, p[i] != 34, p[i] != 92, p[i] >= 32 { i += 1 }
        if i < p.count, p[i] == 34 {
            let s = UnsafeBufferPointer(rebasing: p[start..<i])
            i += 1
            guard let str = String(validating: s, as: UTF8.self) else { throw fail("string is not valid UTF-8") }
            return str
        }
        bytes.append(contentsOf: p[start..<i])
        while true {
            guard i < p.count else { throw fail("unterminated string") }
            let c = p[i]
            if c == 34 { i += 1; break }
            if c < 32 { throw fail("control character in string") }
            if c != 92 { bytes.append(c); i += 1; continue }
            i += 1
            guard i < p.count else { throw fail("unterminated string") }
            let e = p[i]; i += 1
            switch e {
            case 34: bytes.append(34)
            case 92: bytes.append(92)
            case 47: bytes.append(47)
            case 98: bytes.append(8)
            case 102: bytes.append(12)
            case 110: bytes.append(10)
            case 114: bytes.append(13)
            case 116: bytes.append(9)
            case 117:
                var u = try hex4()
                if u >= 0xD800 && u < 0xDC00 {
                    guard i + 6 <= p.count, p[i] == 92, p[i + 1] == 117 else { throw fail("lone surrogate in \\u escape") }
                    i += 2
                    let lo = try hex4()
                    guard lo >= 0xDC00 && lo < 0xE000 else { throw fail("lone surrogate in \\u escape") }
                    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00)
                } else if u >= 0xDC00 && u < 0xE000 {
                    throw fail("lone surrogate in \\u escape")
                }
                bytes.append(contentsOf: String(Character(UnicodeScalar(u)!)).utf8)
            default: throw fail("invalid escape '\\\(Character(UnicodeScalar(e)))'")
            }
        }
        guard let str = String(validating: bytes, as: UTF8.self) else { throw fail("string is not valid UTF-8") }
        return str
    }
}

/// Escaping for JSON text (`JSONWriter` writes whole documents with it).
public enum JSONText {
    /// Appends `s` as a quoted JSON string (UTF-8 passed through; control bytes escaped).
    public static func appendString(_ s: some Collection<UInt8>, to out: inout [UInt8]) {
        out.append(34)
        for c in s {
            switch c {
            case 34: out.append(92); out.append(34)
            case 92: out.append(92); out.append(92)
            case 10: out.append(92); out.append(110)
            case 13: out.append(92); out.append(114)
            case 9: out.append(92); out.append(116)
            case 0..<32, 127:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [92, 117, 48, 48, hex[Int(c >> 4)], hex[Int(c & 15)]])
            default: out.append(c)
            }
        }
        out.append(34)
    }

    /// A quoted JSON string.
    public static func quote(_ s: String) -> String {
        var out: [UInt8] = []
        appendString(Array(s.utf8), to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
