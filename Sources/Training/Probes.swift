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
    /// One example's trace: (byte, depth, best unit's activation), its first `maxTraceBytes`.
    public var trace: [(UInt8, Int32, Float)]
    public var bytes: Int

    /// Rows used by the linear probe at most (an even stride over all bytes beyond that):
    /// its normal equations cost (2H+1)² per row.
    public static let maxProbeRows = 1 << 18
    /// The trace covers at most this many bytes of its example.
    public static let maxTraceBytes = 1 << 16

    /// One streaming pass: states are read in pieces with the state carried (memory stays
    /// O(piece · H) whatever the text length), the correlations and the probe's normal
    /// equations are accumulated, and the trace example is read a second time for its best
    /// unit only. Time is linear in the bytes.
    public init(model: RecurrentModel, examples: [Example], traceIndex: Int = 0) {
        let H = model.config.hidden, lstm = model.config.arch == .lstm, dim = lstm ? 2 * H : H
        let total = examples.reduce(0) { $0 + $1.text.count }
        let stride = max(1, (total + Self.maxProbeRows - 1) / Self.maxProbeRows)
        var sx = [Double](repeating: 0, count: dim), sxx = sx, sxy = sx
        var sy = 0.0, syy = 0.0
        var normal = RidgeAccumulator(dim: dim)
        var t = 0
        for e in examples {
            let depth = NestingOracle.analyze(e.text).depth
            Self.forEachState(model, e.text) { i, f in
                let y = Double(depth[i])
                sy += y; syy += y * y
                for j in 0..<dim { let x = Double(f[j]); sx[j] += x; sxx[j] += x * x; sxy[j] += x * y }
                if t % stride == 0 { normal.add(f, y) }
                t += 1
            }
        }
        bytes = t
        let n = Double(max(t, 1)), my = sy / n, vy = syy - n * my * my
        var units: [Unit] = []
        for j in 0..<dim {
            let mx = sx[j] / n, vx = sxx[j] - n * mx * mx, cxy = sxy[j] - n * mx * my
            let r = vx > 0 && vy > 0 ? max(-1, min(1, cxy / (vx * vy).squareRoot())) : 0
            units.append(Unit(index: j % H, cell: j >= H, r: r))
        }
        self.units = units
        best = units.max { abs($0.r) < abs($1.r) } ?? Unit(index: 0, cell: false, r: 0)
        linearR2 = normal.r2()
        if examples.isEmpty { trace = []; return }
        let k = min(max(traceIndex, 0), examples.count - 1)
        let col = best.index + (best.cell ? H : 0), text = Array(examples[k].text.prefix(Self.maxTraceBytes))
        let depth = NestingOracle.analyze(text).depth
        var trace: [(UInt8, Int32, Float)] = []
        trace.reserveCapacity(text.count)
        Self.forEachState(model, text) { i, f in trace.append((text[i], depth[i], f[col])) }
        self.trace = trace
    }

    /// Calls `body` with every byte's offset and top-layer state (h, then c for an LSTM),
    /// reading the text in pieces with the state carried across.
    static func forEachState(_ model: RecurrentModel, _ text: [UInt8], piece: Int = 4096, _ body: (Int, [Float]) -> Void) {
        var state: RecurrentState? = nil
        var at = 0
        while at < text.count {
            let end = min(text.count, at + piece)
            let s = model.states(Array(text[at..<end]), from: state)
            for i in 0..<s.h.count { body(at + i, s.h[i] + (s.c?[i] ?? [])) }
            state = s.final
            at = end
        }
    }

    /// R² of ridge-regularised least squares (λ = 1e-3) with an intercept (rows at once; the
    /// probe itself feeds `RidgeAccumulator` a row at a time).
    static func ridgeR2(_ x: [[Float]], _ y: [Double]) -> Double {
        guard let d = x.first?.count else { return 0 }
        var acc = RidgeAccumulator(dim: d)
        for (row, t) in zip(x, y) { acc.add(row, t) }
        return acc.r2()
    }
}

/// Normal equations of ridge-regularised least squares (λ = 1e-3) with an intercept, built
/// one row at a time, so the probe needs O(dim²) memory whatever the number of rows.
struct RidgeAccumulator {
    let n: Int
    var a: [Double], b: [Double]
    var sy = 0.0, syy = 0.0, rows = 0
    init(dim: Int) { n = dim + 1; a = [Double](repeating: 0, count: n * n); b = [Double](repeating: 0, count: n) }

    mutating func add(_ row: [Float], _ y: Double) {
        var f = row.map(Double.init); f.append(1)
        for i in 0..<n {
            b[i] += f[i] * y
            let fi = f[i]
            a.withUnsafeMutableBufferPointer { a in for j in 0...i { a[i * n + j] += fi * f[j] } }
        }
        sy += y; syy += y * y; rows += 1
    }

    /// R² of the fit on the rows added: 1 − SSR/SST with SSR = Σy² − 2wᵀb + wᵀAw.
    func r2() -> Double {
        guard rows > n else { return 0 }
        var A = a
        for i in 0..<n { for j in 0..<i { A[j * n + i] = A[i * n + j] } }
        var reg = A
        for i in 0..<n { reg[i * n + i] += 1e-3 }
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var s = reg[i * n + j]
                for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
                if i == j { guard s > 0 else { return 0 }; l[i * n + i] = s.squareRoot() } else { l[i * n + j] = s / l[j * n + j] }
            }
        }
        var z = b
        for i in 0..<n { for k in 0..<i { z[i] -= l[i * n + k] * z[k] }; z[i] /= l[i * n + i] }
        var w = z
        for i in Swift.stride(from: n - 1, through: 0, by: -1) { for k in (i + 1)..<n { w[i] -= l[k * n + i] * w[k] }; w[i] /= l[i * n + i] }
        var wb = 0.0, wAw = 0.0
        for i in 0..<n {
            wb += w[i] * b[i]
            var row = 0.0
            for j in 0..<n { row += A[i * n + j] * w[j] }
            wAw += w[i] * row
        }
        let ssr = max(0, syy - 2 * wb + wAw), sst = syy - sy * sy / Double(rows)
        return sst > 0 ? max(0, 1 - ssr / sst) : 0
    }
}

#if canImport(Glibc)
import Glibc
#endif
