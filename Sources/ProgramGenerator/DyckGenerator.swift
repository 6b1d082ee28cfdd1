import NestNetSupport
import RealModule

/// Dyck-k strings from the PCFG used by Suzgun et al. (2019):
/// S → (S) with p = 0.5, S → SS with q = 0.25, S → ε otherwise, each pair type uniform.
///
/// Rejection sampling to a length window is hopeless at thousands of bytes (the grammar is a
/// critical branching process, so long strings are rare). Instead a table of P(S ⇒* w, |w| = n)
/// lets us sample exactly the same distribution conditioned on the length: choose n in
/// [A, B] with weight P(n), then expand top-down, choosing each production in proportion
/// to the probability mass it leaves for the remaining length.
public struct DyckGenerator: Sendable {
    public let pairTypes: Int
    public let maxLength: Int
    public let maxDepth: Int?
    static let p = 0.5, q = 0.25, r = 0.25
    /// P(ε) solves P0 = r + q·P0².
    static let p0 = (1 - (1 - 4 * q * r).squareRoot()) / (2 * q)
    /// mass[d][h] = c^h · P(S derives a string of length 2h and depth ≤ d) (one row, depth
    /// unlimited, when `maxDepth` is nil). With a depth bound P decays exponentially in the
    /// length and would underflow; sampling only compares terms of the same total length, so
    /// the common factor c^h changes nothing but keeps the numbers representable.
    let mass: [[Double]]
    /// The scale c per pair of brackets (1 when the masses need no rescaling).
    let scale: Double

    public init(pairTypes: Int, maxLength: Int, maxDepth: Int? = nil) {
        precondition((1...3).contains(pairTypes))
        self.pairTypes = pairTypes
        self.maxLength = maxLength
        self.maxDepth = maxDepth
        let half = maxLength / 2
        let fold = 1 / (1 - 2 * Self.q * Self.p0)  // folds in S → Sε and S → εS
        func table(upTo half: Int, c: Double) -> [[Double]] {
            func row(previous: [Double]?) -> [Double] {
                var m = [Double](repeating: 0, count: half + 1)
                m[0] = Self.p0
                if half == 0 { return m }
                for h in 1...half {
                    var s = Self.p * c * (previous ?? m)[h - 1]
                    var acc = 0.0
                    for k in 1..<h { acc += m[k] * m[h - k] }
                    s += Self.q * acc
                    m[h] = s * fold
                }
                return m
            }
            guard let d = maxDepth else { return [row(previous: nil)] }
            var rows: [[Double]] = [[Self.p0] + [Double](repeating: 0, count: half)]
            for _ in 0..<max(d, 0) { rows.append(row(previous: rows.last!)) }
            return rows
        }
        // Estimate the top row's decay per pair on a short table, then rescale by its inverse.
        let probe = table(upTo: min(half, 200), c: 1).last!
        var c = 1.0
        if probe.count > 40, let h1 = probe.indices.last(where: { probe[$0] > 1e-250 }), h1 >= 40 {
            let h0 = h1 / 2
            if probe[h0] > 0 { c = max(1, Double.pow(probe[h0] / probe[h1], 1 / Double(h1 - h0))) }
        }
        scale = c
        mass = table(upTo: half, c: c)
    }

    func m(_ depth: Int, _ half: Int) -> Double {
        mass[maxDepth == nil ? 0 : max(0, min(depth, mass.count - 1))][half]
    }

    /// True when some string with length in the window (and depth bound) exists.
    public func canReach(minLength: Int, maxLength: Int) -> Bool {
        let lo = max(2, minLength + (minLength & 1)), hi = min(maxLength, self.maxLength)
        guard lo <= hi else { return false }
        return stride(from: lo, through: hi, by: 2).contains { m(maxDepth ?? 0, $0 / 2) > 0 }
    }

    /// A string of even length in [minLength, maxLength] (at least 2).
    public func generate(minLength: Int, maxLength: Int, rng: inout SeededRandom) -> [UInt8] {
        let top = maxDepth ?? 0
        let lo = max(1, (minLength + 1) / 2), hi = min(maxLength, self.maxLength) / 2
        // P(length 2h) = mass / c^h, compared in log space.
        let logC = Double.log(scale)
        let logs = (lo...max(lo, hi)).map { h in h <= hi && m(top, h) > 0 ? Double.log(m(top, h)) - Double(h) * logC : -Double.infinity }
        let best = logs.max() ?? 0
        let half = lo + rng.weighted(logs.map { $0 == -.infinity ? 0 : Double.exp($0 - best) })
        return expand(half: half, depth: top, rng: &rng)
    }

    private enum Task { case generate(half: Int, depth: Int), emit(UInt8) }

    /// Top-down expansion with an explicit task stack (no recursion).
    private func expand(half: Int, depth: Int, rng: inout SeededRandom) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(half * 2)
        var tasks: [Task] = [.generate(half: half, depth: depth)]
        var weights: [Double] = []
        let openers: [UInt8] = [40, 91, 123], closers: [UInt8] = [41, 93, 125]
        while let t = tasks.popLast() {
            switch t {
            case .emit(let b): out.append(b)
            case .generate(let h, let d):
                guard h > 0 else { continue }
                weights.removeAll(keepingCapacity: true)
                weights.append(Self.p * scale * m(d - 1, h - 1))  // wrap (one pair fewer: one factor c back)
                for k in 1..<h { weights.append(Self.q * m(d, k) * m(d, h - k)) }  // split at 2k
                let c = rng.weighted(weights)
                if c == 0 {
                    let kind = rng.below(pairTypes)
                    out.append(openers[kind])
                    tasks.append(.emit(closers[kind]))
                    tasks.append(.generate(half: h - 1, depth: d - 1))
                } else {
                    tasks.append(.generate(half: h - c, depth: d))
                    tasks.append(.generate(half: c, depth: d))
                }
            }
        }
        return out
    }
}
