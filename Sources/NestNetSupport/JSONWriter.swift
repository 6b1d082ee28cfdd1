/// Writes JSON text: the one writer behind every JSON output (check reports, SARIF, eval,
/// probes, bench lines, dataset JSONL, safetensors headers, sweep records).
///
/// Members are separated by `", "` and keys by `": "`, keys are written in the order given,
/// strings are escaped (`JSONText.appendString`), and a number that is not finite is written as
/// `null`. A container opened with `.lines` puts each member on its own line, indented two
/// spaces for each enclosing `.lines` container, so a report of many files stays one file a
/// line; `.inline` (the default) keeps the container on one line.
///
///     var w = JSONWriter()
///     w.object { o in
///         o.field("file", "a.c")
///         o.field("location") { $0.object { l in l.field("line", 3); l.field("column", 9) } }
///     }
///     w.text  // {"file": "a.c", "location": {"line": 3, "column": 9}}
public struct JSONWriter {
    public enum Layout: Sendable { case inline, lines }

    /// The text written so far (UTF-8).
    public private(set) var bytes: [UInt8]
    /// Open containers, innermost last: their layout and how many members they have so far.
    private var open: [(layout: Layout, members: Int)] = []
    /// How many open containers have the `.lines` layout: the indent of a new line.
    private var lineDepth = 0
    /// A key was just written: the next value is its value, not a new member.
    private var afterKey = false

    public init(reservingCapacity n: Int = 0) {
        bytes = []
        bytes.reserveCapacity(n)
    }

    /// Writes into the end of `out` (JSONL writers append record after record to one buffer).
    public static func append(to out: inout [UInt8], _ body: (inout JSONWriter) throws -> Void) rethrows {
        var w = JSONWriter()
        swap(&w.bytes, &out)
        defer { swap(&w.bytes, &out) }
        try body(&w)
    }

    /// The text written so far.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    // MARK: Containers

    public mutating func object(_ layout: Layout = .inline, _ body: (inout JSONWriter) throws -> Void) rethrows {
        beginValue()
        openContainer(123, layout)
        try body(&self)
        closeContainer(125)
    }

    public mutating func array(_ layout: Layout = .inline, _ body: (inout JSONWriter) throws -> Void) rethrows {
        beginValue()
        openContainer(91, layout)
        try body(&self)
        closeContainer(93)
    }

    /// An array of `values`, each written by `write`.
    public mutating func array<S: Sequence>(_ values: S, _ layout: Layout = .inline, _ write: (inout JSONWriter, S.Element) throws -> Void) rethrows {
        try array(layout) { w in for v in values { try write(&w, v) } }
    }

    // MARK: Members

    /// Writes `key` inside an object; the next value written is its value.
    public mutating func key(_ k: String) {
        precondition(!afterKey && open.last != nil, "JSONWriter: a key outside an object or after another key")
        separate()
        JSONText.appendString(k.utf8, to: &bytes)
        bytes.append(58); bytes.append(32)
        afterKey = true
    }

    /// `"key": value`.
    public mutating func field(_ k: String, _ v: some JSONWritable) {
        key(k)
        v.write(to: &self)
    }

    /// `"key": <whatever body writes>` (one value: an object, an array or a scalar).
    public mutating func field(_ k: String, _ body: (inout JSONWriter) throws -> Void) rethrows {
        key(k)
        try body(&self)
    }

    /// A value: an array element, the value after `key`, or the whole document.
    public mutating func value(_ v: some JSONWritable) { v.write(to: &self) }

    // MARK: Scalars (the conformances below and in other modules build on these)

    public mutating func null() { scalar("null") }
    public mutating func bool(_ b: Bool) { scalar(b ? "true" : "false") }
    public mutating func int(_ i: Int) { scalar(String(i)) }
    /// A seed or count past `Int.max` as the same digits.
    public mutating func uint64(_ u: UInt64) { scalar(String(u)) }
    /// Shortest text that reads back as the same Double (`0.1`, `5.0`, `1e-05`); null if not finite.
    public mutating func double(_ d: Double) { d.isFinite ? scalar(d.description) : null() }
    /// Shortest text that reads back as the same Float (`0.57812`); null if not finite.
    public mutating func float(_ f: Float) { f.isFinite ? scalar(f.description) : null() }
    public mutating func string(_ s: some Collection<UInt8>) {
        beginValue()
        JSONText.appendString(s, to: &bytes)
    }

    private mutating func scalar(_ text: String) {
        beginValue()
        bytes.append(contentsOf: text.utf8)
    }

    // MARK: Layout

    private mutating func beginValue() {
        if afterKey { afterKey = false; return }
        separate()
    }

    /// The separator before a new member of the innermost container, and its line break.
    private mutating func separate() {
        guard let last = open.indices.last else { return }
        if open[last].members > 0 { bytes.append(44) }
        if open[last].layout == .lines {
            newline(indent: lineDepth)
        } else if open[last].members > 0 {
            bytes.append(32)
        }
        open[last].members += 1
    }

    private mutating func openContainer(_ c: UInt8, _ layout: Layout) {
        bytes.append(c)
        open.append((layout, 0))
        if layout == .lines { lineDepth += 1 }
    }

    private mutating func closeContainer(_ c: UInt8) {
        let (layout, members) = open.removeLast()
        if layout == .lines {
            lineDepth -= 1
            if members > 0 { newline(indent: lineDepth) }
        }
        bytes.append(c)
    }

    private mutating func newline(indent: Int) {
        bytes.append(10)
        bytes.append(contentsOf: repeatElement(32, count: 2 * indent))
    }
}

/// A value `JSONWriter` can write.
public protocol JSONWritable {
    func write(to w: inout JSONWriter)
}

extension Bool: JSONWritable { public func write(to w: inout JSONWriter) { w.bool(self) } }
extension Int: JSONWritable { public func write(to w: inout JSONWriter) { w.int(self) } }
extension UInt64: JSONWritable { public func write(to w: inout JSONWriter) { w.uint64(self) } }
extension Double: JSONWritable { public func write(to w: inout JSONWriter) { w.double(self) } }
extension Float: JSONWritable { public func write(to w: inout JSONWriter) { w.float(self) } }
extension String: JSONWritable { public func write(to w: inout JSONWriter) { w.string(utf8) } }
extension Substring: JSONWritable { public func write(to w: inout JSONWriter) { w.string(utf8) } }

extension Optional: JSONWritable where Wrapped: JSONWritable {
    /// `null` for nil.
    public func write(to w: inout JSONWriter) {
        if let v = self { v.write(to: &w) } else { w.null() }
    }
}

extension Array: JSONWritable where Element: JSONWritable {
    public func write(to w: inout JSONWriter) { w.array(self) { $0.value($1) } }
}

extension JSONValue: JSONWritable {
    /// Numbers as `JSONText.number` writes them (integers without a fraction).
    public func write(to w: inout JSONWriter) {
        switch self {
        case .null: w.null()
        case .bool(let b): w.bool(b)
        case .number(let d):
            if d.isFinite, d == d.rounded(), abs(d) < 1e15 { w.int(Int(d)) } else { w.double(d) }
        case .string(let s): w.string(s.utf8)
        case .array(let a): w.array(a) { $0.value($1) }
        case .object(let o): w.object { for (k, v) in o { $0.field(k, v) } }
        }
    }
}

extension Double {
    /// This value rounded to `digits` decimals, for outputs that should not carry
    /// measurement noise (`1.23456` → `1.2346` at 4).
    public func rounded(toDecimals digits: Int) -> Double {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        return (self * scale).rounded() / scale
    }
}
