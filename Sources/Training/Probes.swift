import NestingOracle
import ProgramGenerator
import RecurrentNet

/// ‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖) against distance from the end of the text, averaged over examples:
/// how much of the final-label gradient reaches bytes far from the end.
public struct GradientProbe: Sendable {
    /// mean ‖∂L/∂h‖ at distance d (index d), over the examples at least d+1 long.
    public var h: [Double]
    public var c: [Double]?
    /// Examples contributing at each distance.
    public var counts: [Int]
    /// Fitted exponential decay of `h`: factor per 100 steps (1 = no decay), from a least-squares
    /// line through log ‖∂L/∂h‖ over the distances with positive norms.
    public var hFactorPer100: Double
    public var cFactorPer100: Double?

    public init(model: RecurrentModel, examples: [Example], threads: Int = 2) {
        let batch = SequenceBatch(sequences: examples.map(\.text), labels: examples.map { $0.valid ? 1 : 0 })
        let norms = model.gradientNorms(batch, threads: threads)
        let maxLen = examples.map(\.text.count).max() ?? 0
        var sumH = [Double](repeating: 0, count: maxLen), sumC = [Double](repeating: 0, count: maxLen)
        var counts = [Int](repeating: 0, count: maxLen)
        for (i, e) in examples.enumerated() {
            let n = e.text.count
            for t in 0..<n {
                let d = n - 1 - t
                sumH[d] += Double(norms.h[i][t]); counts[d] += 1
                if let c = norms.c { sumC[d] += Double(c[i][t]) }
            }
        }
        h = zip(sumH, counts).map { $1 > 0 ? $0 / Double($1) : 0 }
        c = norms.c == nil ? nil : zip(sumC, counts).map { $1 > 0 ? $0 / Double($1) : 0 }
        self.counts = counts
        hFactorPer100 = Self.decay(h)
        cFactorPer100 = c.map(Self.decay)
    }

    static func decay(_ v: [Double]) -> Double {
        let pts = v.enumerated().filter { $0.element > 1e-37 }.map { (Double($0.offset), log($0.element)) }
        guard pts.count >= 2 else { return 0 }
        let mx = pts.map(\.0).reduce(0, +) / Double(pts.count), my = pts.map(\.1).reduce(0, +) / Double(pts.count)
        let sxy = pts.reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }, sxx = pts.reduce(0) { $0 + ($1.0 - mx) * ($1.0 - mx) }
        return sxx > 0 ? exp(100 * sxy / sxx) : 1
    }
}

/// How well the recurrent state tracks the oracle's nesting depth at every byte.
public struct CounterProbe: Sendable {
    public struct Unit: Sendable { public var index: Int; public var cell: Bool; public var r: Double }
    /// Pearson r of every hidden unit (and cell unit) with the depth, over all bytes.
    public var units: [Unit]
    public var best: Unit
    /// R² of a least-squares linear probe from the state (h, plus c for an LSTM) to the depth.
    public var linearR2: Double
    /// One example's trace: (byte, depth, best unit's activation).
    public var trace: [(UInt8, Int32, Float)]
    public var bytes: Int

    public init(model: RecurrentModel, examples: [Example], traceIndex: Int = 0) {
        var rows: [[Float]] = []
        var depth: [Double] = []
        var traces: [([UInt8], [Int32], [[Float]])] = []
        for e in examples {
            let s = model.states(e.text)
            let a = NestingOracle.analyze(e.text)
            let feats = (0..<e.text.count).map { t in s.h[t] + (s.c?[t] ?? []) }
            rows += feats
            depth += a.depth.map(Double.init)
            traces.append((e.text, a.depth, feats))
        }
        bytes = rows.count
        let dim = rows.first?.count ?? 0, H = model.config.hidden
        var units: [Unit] = []
        let my = depth.reduce(0, +) / Double(max(depth.count, 1))
        let syy = depth.reduce(0) { $0 + ($1 - my) * ($1 - my) }
        for j in 0..<dim {
            var mx = 0.0
            for r in rows { mx += Double(r[j]) }
            mx /= Double(max(rows.count, 1))
            var sxy = 0.0, sxx = 0.0
            for (r, y) in zip(rows, depth) { let dx = Double(r[j]) - mx; sxy += dx * (y - my); sxx += dx * dx }
            let r = sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
            units.append(Unit(index: j % H, cell: j >= H, r: r))
        }
        self.units = units
        best = units.max { abs($0.r) < abs($1.r) } ?? Unit(index: 0, cell: false, r: 0)
        linearR2 = Self.ridgeR2(rows, depth)
        let k = min(max(traceIndex, 0), traces.count - 1)
        let col = best.index + (best.cell ? H : 0)
        trace = traces.isEmpty ? [] : (0..<traces[k].0.count).map { (traces[k].0[$0], traces[k].1[$0], traces[k].2[$0][col]) }
    }

    /// R² of ridge-regularised least squares (λ = 1e-3) with an intercept, solved by Cholesky.
    static func ridgeR2(_ x: [[Float]], _ y: [Double]) -> Double {
        guard let d = x.first?.count, x.count > d + 1 else { return 0 }
        let n = d + 1
        var a = [Double](repeating: 0, count: n * n), b = [Double](repeating: 0, count: n)
        for (row, t) in zip(x, y) {
            let f = row.map(Double.init) + [1]
            for i in 0..<n {
                b[i] += f[i] * t
                for j in 0...i { a[i * n + j] += f[i] * f[j] }
            }
        }
        for i in 0..<n { for j in 0..<i { a[j * n + i] = a[i * n + j] }; a[i * n + i] += 1e-3 }
        // Cholesky: a = L·Lᵀ.
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var s = a[i * n + j]
                for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
                if i == j { guard s > 0 else { return 0 }; l[i * n + i] = s.squareRoot() } else { l[i * n + j] = s / l[j * n + j] }
            }
        }
        var z = b
        for i in 0..<n { for k in 0..<i { z[i] -= l[i * n + k] * z[k] }; z[i] /= l[i * n + i] }
        var w = z
        for i in stride(from: n - 1, through: 0, by: -1) { for k in (i + 1)..<n { w[i] -= l[k * n + i] * w[k] }; w[i] /= l[i * n + i] }
        let my = y.reduce(0, +) / Double(y.count)
        var ssr = 0.0, sst = 0.0
        for (row, t) in zip(x, y) {
            var p = w[d]
            for j in 0..<d { p += w[j] * Double(row[j]) }
            ssr += (t - p) * (t - p); sst += (t - my) * (t - my)
        }
        return sst > 0 ? 1 - ssr / sst : 0
    }
}

#if canImport(Glibc)
import Glibc
#endif
