import Foundation

// The number formats of every report, log line and table, in one place.

/// `x` with `d` decimals, correctly rounded from its binary value as C's `%.*f` does (so
/// 0.8875, stored as 0.88749999…, is `0.887` at three decimals); a non-finite `x` as Swift
/// prints it.
public func fixed(_ x: Double, _ d: Int) -> String {
    x.isFinite ? String(format: "%.\(d)f", x) : "\(x)"
}

/// A quantity that spans many orders of magnitude (gradient norms, decay factors): three
/// significant digits between 0.01 and 1000 (`0.0123`, `512`), else `1.23e-05`.
public func scientific(_ x: Double) -> String {
    guard x.isFinite, x != 0 else { return x == 0 ? "0" : "\(x)" }
    if abs(x) >= 0.01 && abs(x) < 1000 { return String(format: "%.3g", x) }
    return String(format: "%.2e", x)
}

/// A duration: `42s`, `3m07s`, `2h05m`.
public func formatDuration(_ seconds: Double) -> String {
    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    // An estimate from a tiny or zero pace can be infinite or past Int's range: no trap, a word.
    guard !seconds.isNaN else { return "unknown" }
    let s = max(0, seconds)
    guard s < 3.6e15 else { return "a very long time" }
    if s < 60 { return "\(Int(s.rounded()))s" }
    if s < 3600 { return "\(Int(s) / 60)m\(two(Int(s) % 60))s" }
    return "\(Int(s) / 3600)h\(two((Int(s) % 3600) / 60))m"
}

/// `n` right-aligned in `width` columns.
public func pad(_ n: Int, _ width: Int) -> String { let s = "\(n)"; return String(repeating: " ", count: max(0, width - s.count)) + s }

extension String {
    /// Left-aligned in `width` columns.
    public func padded(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
