import NestingOracle
import ProgramGenerator
import RecurrentNet
import RealModule

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
        let pts = v.enumerated().filter { $0.element > 1e-37 }.map { (Double($0.offset), Double.log($0.element)) }
        guard pts.count >= 2 else { return 0 }
        let mx = pts.map(\.0).reduce(0, +) / Double(pts.count), my = pts.map(\.1).reduce(0, +) / Double(pts.count)
        let sxy = pts.reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }, sxx = pts.reduce(0) { $0 + ($1.0 - mx) * ($1.0 - mx) }
        return sxx > 0 ? Double.exp(100 * sxy / sxx) : 1
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

    /// The full symmetric AᵀA (only its lower triangle is accumulated).
    var symmetric: [Double] {
        var A = a
        for i in 0..<n { for j in 0..<i { A[j * n + i] = A[i * n + j] } }
        return A
    }

    /// Cholesky factor of AᵀA + λI (row-major, lower), nil when it is not positive definite.
    func cholesky() -> [Double]? {
        var reg = symmetric
        for i in 0..<n { reg[i * n + i] += 1e-3 }
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var s = reg[i * n + j]
                for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
                if i == j { guard s > 0 else { return nil }; l[i * n + i] = s.squareRoot() } else { l[i * n + j] = s / l[j * n + j] }
            }
        }
        return l
    }

    /// Solves (AᵀA + λI) w = rhs with the factor `l` (weights, then the intercept last).
    func solve(_ l: [Double], _ rhs: [Double]) -> [Double] {
        var z = rhs
        for i in 0..<n { for k in 0..<i { z[i] -= l[i * n + k] * z[k] }; z[i] /= l[i * n + i] }
        var w = z
        for i in Swift.stride(from: n - 1, through: 0, by: -1) { for k in (i + 1)..<n { w[i] -= l[k * n + i] * w[k] }; w[i] /= l[i * n + i] }
        return w
    }

    /// R² of the fit on the rows added: 1 − SSR/SST with SSR = Σy² − 2wᵀb + wᵀAw.
    func r2() -> Double {
        guard rows > n, let l = cholesky() else { return 0 }
        let A = symmetric, w = solve(l, b)
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

/// Which bracket type is on top of the stack at each byte, read out linearly from the
/// recurrent state (issue 16: does a model keep a stack, or only counters?). One-vs-rest ridge
/// fits (none, `(`, `[`, `{`) share one set of normal equations; the class with the largest
/// score is the read-out. Fitted on the even-numbered texts, measured on the odd ones, over
/// all bytes and over bytes at depth 2 or more (where the top is not simply the outermost
/// bracket); a majority-class baseline from the fitting half beside each.
///
/// The same state is also read out for the bracket k − 1 levels below the top (`levels`,
/// k = 1 is the top), at the bytes where at least k brackets are open: a model that keeps a
/// stack can name the bracket it returns to after the next k − 1 closers; one that keeps only
/// counters, or only the top, cannot. The deepest level read out well above its baseline is
/// how deep a stack the model keeps.
public struct StackTopProbe: Sendable {
    public var accuracy: Double, baseline: Double
    public var deepAccuracy: Double, deepBaseline: Double
    /// Bytes measured (held-out half), and of them at depth ≥ 2.
    public var bytes: Int, deepBytes: Int
    /// The read-out of the bracket `level` places down (1: the top), over held-out bytes with
    /// at least `level` brackets open, beside that level's majority type.
    public struct Level: Sendable, Codable, Equatable {
        public var level: Int, bytes: Int, accuracy: Double, baseline: Double
    }
    public var levels: [Level]
    /// Levels read out: 1 … this.
    public static let levelCount = 4

    /// The bracket type (0 none, 1 `(`, 2 `[`, 3 `{`) k levels below the top (k = 0: the top)
    /// after each byte of a valid text, k < `levelCount`, at `out[i * levelCount + k]`.
    public static func levelTypes(_ text: [UInt8]) -> [Int] {
        let depth = NestingOracle.analyze(text).depth
        let K = levelCount
        var stack: [Int] = [], out = [Int](repeating: 0, count: text.count * K)
        for i in text.indices {
            let before = i == 0 ? 0 : depth[i - 1]
            if depth[i] > before { stack.append(text[i] == 40 ? 1 : text[i] == 91 ? 2 : 3) } else if depth[i] < before { _ = stack.popLast() }
            for k in 0..<min(K, stack.count) { out[i * K + k] = stack[stack.count - 1 - k] }
        }
        return out
    }

    /// The oracle's open-bracket stack top at each byte (0 none, 1 `(`, 2 `[`, 3 `{`) and the
    /// depth, for a text the oracle calls valid: brackets count where its depth moves.
    public static func tops(_ text: [UInt8]) -> (top: [Int], depth: [Int32]) {
        let depth = NestingOracle.analyze(text).depth
        var stack: [Int] = [], top = [Int](repeating: 0, count: text.count)
        for i in text.indices {
            let before = i == 0 ? 0 : depth[i - 1]
            if depth[i] > before {
                stack.append(text[i] == 40 ? 1 : text[i] == 91 ? 2 : 3)
            } else if depth[i] < before {
                _ = stack.popLast()
            }
            top[i] = stack.last ?? 0
        }
        return (top, depth)
    }

    public init(model: RecurrentModel, examples: [Example]) {
        let texts = examples.filter(\.valid).map(\.text)
        let H = model.config.hidden, dim = model.config.arch == .lstm ? 2 * H : H, K = Self.levelCount
        let fit = Swift.stride(from: 0, to: texts.count, by: 2).map { texts[$0] }
        let held = Swift.stride(from: 1, to: texts.count, by: 2).map { texts[$0] }
        let fitRows = fit.reduce(0) { $0 + $1.count }
        let stride = max(1, (fitRows + CounterProbe.maxProbeRows - 1) / CounterProbe.maxProbeRows)
        // One set of normal equations (the states); right-hand sides per level and class.
        var acc = RidgeAccumulator(dim: dim)
        var rhs = [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: 0, count: dim + 1), count: 4), count: K)
        var classCount = [Int](repeating: 0, count: 4), deepCount = classCount
        var levelCount = [[Int]](repeating: [Int](repeating: 0, count: 4), count: K)
        var t = 0
        for text in fit {
            let (top, depth) = Self.tops(text)
            let types = Self.levelTypes(text)
            CounterProbe.forEachState(model, text) { i, f in
                defer { t += 1 }
                classCount[top[i]] += 1
                if depth[i] >= 2 { deepCount[top[i]] += 1 }
                for k in 0..<K where types[i * K + k] > 0 { levelCount[k][types[i * K + k]] += 1 }
                guard t % stride == 0 else { return }
                acc.add(f, 0)
                for k in 0..<K {
                    let c = types[i * K + k]
                    for j in 0..<dim { rhs[k][c][j] += Double(f[j]) }
                    rhs[k][c][dim] += 1
                }
            }
        }
        let l = acc.rows > dim + 1 ? acc.cholesky() : nil
        let w = l.map { l in rhs.map { $0.map { acc.solve(l, $0) } } }
        let majority = classCount.indices.max { classCount[$0] < classCount[$1] } ?? 0
        let deepMajority = deepCount.indices.max { deepCount[$0] < deepCount[$1] } ?? 0
        let levelMajority = levelCount.map { c in (1..<4).max { c[$0] < c[$1] } ?? 1 }
        var right = 0, base = 0, n = 0, deepRight = 0, deepBase = 0, deepN = 0
        var levelRight = [Int](repeating: 0, count: K), levelBase = levelRight, levelN = levelRight
        for text in held {
            let (top, depth) = Self.tops(text)
            let types = Self.levelTypes(text)
            CounterProbe.forEachState(model, text) { i, f in
                /// The read-out of level k: the class with the largest score among `classes`.
                func guess(_ k: Int, _ classes: Range<Int>, _ fallback: Int) -> Int {
                    guard let w else { return fallback }
                    var best = fallback, bestScore = -Double.infinity
                    for c in classes {
                        var s = w[k][c][dim]
                        for j in 0..<dim { s += w[k][c][j] * Double(f[j]) }
                        if s > bestScore { bestScore = s; best = c }
                    }
                    return best
                }
                let g = guess(0, 0..<4, majority)
                n += 1
                if g == top[i] { right += 1 }
                if majority == top[i] { base += 1 }
                if depth[i] >= 2 {
                    deepN += 1
                    if g == top[i] { deepRight += 1 }
                    if deepMajority == top[i] { deepBase += 1 }
                }
                // Level k where it exists: which of the three types (none is not an answer).
                for k in 0..<K where types[i * K + k] > 0 {
                    levelN[k] += 1
                    if guess(k, 1..<4, levelMajority[k]) == types[i * K + k] { levelRight[k] += 1 }
                    if levelMajority[k] == types[i * K + k] { levelBase[k] += 1 }
                }
            }
        }
        func frac(_ a: Int, _ b: Int) -> Double { b > 0 ? Double(a) / Double(b) : 0 }
        accuracy = frac(right, n); baseline = frac(base, n)
        deepAccuracy = frac(deepRight, deepN); deepBaseline = frac(deepBase, deepN)
        bytes = n; deepBytes = deepN
        levels = (0..<K).map { Level(level: $0 + 1, bytes: levelN[$0], accuracy: frac(levelRight[$0], levelN[$0]), baseline: frac(levelBase[$0], levelN[$0])) }
    }
}
