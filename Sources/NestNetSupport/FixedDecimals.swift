/// `x` with `d` decimals (`fixed(0.125, 2)` is `0.13`: halves round away from zero), without
/// Foundation; a non-finite `x` as Swift prints it.
public func fixed(_ x: Double, _ d: Int) -> String {
    guard x.isFinite else { return "\(x)" }
    var p = 1.0
    for _ in 0..<d { p *= 10 }
    let r = (abs(x) * p).rounded()
    let ip = Int(r / p), fp = Int(r.truncatingRemainder(dividingBy: p))
    var f = String(fp)
    while f.count < d { f = "0" + f }
    return (x < 0 && r != 0 ? "-" : "") + "\(ip)" + (d > 0 ? "." + f : "")
}
