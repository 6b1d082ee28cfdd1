@testable import RecurrentNet
#if canImport(Glibc)
import Glibc
#endif

/// A deliberately plain Double-precision implementation of the same classifier, written from
/// the `torch.nn` equations with scalar loops and no shared code with the engine. Used for
/// forward agreement and finite-difference gradient checks.
struct ReferenceModel {
    let config: ModelConfig
    let layout: ParameterLayout
    var p: [Double]

    /// Tensor offsets, looked up once.
    let offsets: [String: Int]
    let emb, headW, headB, stepW, stepB: Int
    let wih, whh, bih, bhh: [Int]

    init(_ m: RecurrentModel) {
        config = m.config; layout = m.layout; p = m.parameters.map(Double.init)
        offsets = Dictionary(uniqueKeysWithValues: layout.specs.map { ($0.name, $0.offset) })
        emb = offsets["embedding.weight"]!; headW = offsets["head.weight"]!; headB = offsets["head.bias"]!
        stepW = offsets["step_head.weight"] ?? 0; stepB = offsets["step_head.bias"] ?? 0
        let L = m.config.layers
        wih = (0..<L).map { [offsets] in offsets["rnn.weight_ih_l\($0)"]! }
        whh = (0..<L).map { [offsets] in offsets["rnn.weight_hh_l\($0)"]! }
        bih = (0..<L).map { [offsets] in offsets["rnn.bias_ih_l\($0)"]! }
        bhh = (0..<L).map { [offsets] in offsets["rnn.bias_hh_l\($0)"]! }
    }
    static func sig(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    /// Final logit and per-step head logits of one sequence; `nudge` adds eps to unit j of the
    /// top layer's h at step t (for finite differences of ∂L/∂h_t).
    func logits(_ s: [UInt8], nudge: (t: Int, j: Int, eps: Double)? = nil) -> (Double, [[Double]]) {
        let r = run(s, nudge: nudge)
        return (r.0, r.1)
    }

    /// `logits`, plus layer 0's LSTM cells c_t at every step (empty for other cells).
    func run(_ s: [UInt8], nudge: (t: Int, j: Int, eps: Double)? = nil) -> (Double, [[Double]], [[Double]]) {
        let E = config.embed, H = config.hidden, G = config.gateWidth
        var cells0: [[Double]] = []
        var xs: [[Double]] = s.map { b in (0..<E).map { p[emb + Int(b) * E + $0] } }
        for l in 0..<config.layers {
            let inW = config.inputWidth(l)
            var h = [Double](repeating: 0, count: H), c = [Double](repeating: 0, count: H)
            var out: [[Double]] = []
            for x in xs {
                var gi = [Double](repeating: 0, count: G), gh = [Double](repeating: 0, count: G)
                for g in 0..<G {
                    gi[g] = p[bih[l] + g]
                    for k in 0..<inW { gi[g] += p[wih[l] + g * inW + k] * x[k] }
                    gh[g] = p[bhh[l] + g]
                    for k in 0..<H { gh[g] += p[whh[l] + g * H + k] * h[k] }
                }
                var nh = [Double](repeating: 0, count: H)
                for j in 0..<H {
                    switch config.arch {
                    case .rnn:
                        nh[j] = tanh(gi[j] + gh[j])
                    case .irnn:
                        nh[j] = max(0, gi[j] + gh[j])
                    case .lstm:
                        let i = Self.sig(gi[j] + gh[j]), f = Self.sig(gi[H + j] + gh[H + j])
                        let gg = tanh(gi[2 * H + j] + gh[2 * H + j]), o = Self.sig(gi[3 * H + j] + gh[3 * H + j])
                        c[j] = f * c[j] + i * gg
                        nh[j] = o * tanh(c[j])
                    case .gru:
                        let r = Self.sig(gi[j] + gh[j]), z = Self.sig(gi[H + j] + gh[H + j])
                        let n = tanh(gi[2 * H + j] + r * gh[2 * H + j])
                        nh[j] = (1 - z) * n + z * h[j]
                    }
                }
                h = nh
                if l == 0 && config.arch == .lstm { cells0.append(c) }
                if let n = nudge, l == config.layers - 1, out.count == n.t { h[n.j] += n.eps }
                out.append(h)
            }
            xs = out
        }
        let last = xs.last ?? [Double](repeating: 0, count: H)
        var z = p[headB]
        for j in 0..<H { z += p[headW + j] * last[j] }
        var steps: [[Double]] = []
        let P = config.stepOutputs
        if P > 0 {
            for h in xs {
                steps.append((0..<P).map { (k: Int) -> Double in
                    var s = p[stepB + k]
                    for j in 0..<H { s += p[stepW + k * H + j] * h[j] }
                    return s
                })
            }
        }
        return (z, steps, cells0)
    }

    static func bce(_ z: Double, _ y: Double) -> Double {
        max(z, 0) - z * y + log(1 + exp(-abs(z)))
    }

    /// The engine's training loss: mean final BCE + weight × mean per-step BCE (`broken` bytes'
    /// output 0 counted `brokenWeight` times, brackets' output 2 `inertWeight` times). With
    /// `lexerOnly`: the per-step term of output 2 alone, still divided by every output's count
    /// (with `lexerLater`, output 1 too, against bit 5 and weighted at brackets like output 2).
    func loss(_ batch: SequenceBatch) -> Double {
        var final = 0.0, step = 0.0, nSteps = 0, depth = 0.0, nDepth = 0
        for (i, s) in batch.sequences.enumerated() {
            let (z, st, cells) = run(s)
            if let depths = batch.counterDepths, !batch.counterUnits.isEmpty {
                // The counters' depth loss: Huber (δ = 1) of c_t[j] − d_t, mean over bytes × counters.
                // The counters' depth loss: Huber (δ = 1) of c_t[j] − d_t and of the step
                // (c_t[j] − c_{t−1}[j]) − (d_t − d_{t−1}), with c_{−1} = 0 and d_{−1} = 0; mean
                // over bytes × counters.
                func huber(_ x: Double) -> Double { abs(x) <= 1 ? x * x / 2 : abs(x) - 0.5 }
                for (t, c) in cells.enumerated() {
                    nDepth += batch.counterUnits.count
                    let d = depths[i][t], dPrev = t > 0 ? depths[i][t - 1] : 0
                    guard d != 255 else { continue }
                    for j in batch.counterUnits {
                        depth += huber(c[j] - Double(d))
                        if dPrev != 255 { depth += huber(c[j] - (t > 0 ? cells[t - 1][j] : 0) - (Double(d) - Double(dPrev))) }
                    }
                }
            }
            if !batch.lexerOnly { final += Self.bce(z, Double(batch.labels[i])) }
            if let targets = batch.stepTargets {
                // A latched `broken` output: the largest logit so far (target off), or since
                // the current run of targets on began (target on).
                var all = -Double.infinity, run = -Double.infinity, inRun = false
                for (t, row) in st.enumerated() {
                    for (k, zk) in row.enumerated() {
                        // A lexer's `later` output (k = 1 with `lexerLater`) reads bit 5.
                        // A stack network's moves (`lexerMoves`): every output, bit k, the kind
                        // bits (k = 3, 4) at brackets only, outputs 0–4 weighted at brackets,
                        // the state outputs (k = 5, 6) at every byte with weight 1.
                        let moves = batch.lexerOnly && batch.lexerMoves
                        let later = batch.lexerOnly && batch.lexerLater && !moves && k == 1
                        let y = Double((targets[i][t] >> (later ? 5 : k)) & 1)
                        let isBracket = Array("()[]{}".utf8).contains(s[t])
                        if moves && (k == 3 || k == 4) && !isBracket { nSteps += 1; continue }
                        if batch.lexerOnly && !moves && k != 2 && !later { nSteps += 1; continue }
                        if k == 0 && batch.brokenLatch {
                            all = max(all, zk)
                            if y == 1 {
                                run = inRun ? max(run, zk) : zk; inRun = true
                                step += Double(batch.brokenWeight) * Self.bce(run, 1)
                            } else {
                                inRun = false
                                step += Self.bce(all, 0)
                            }
                            nSteps += 1
                            continue
                        }
                        let bracket = Array("()[]{}".utf8).contains(s[t])
                        let f = k == 0 && y == 1 && !batch.lexerOnly ? Double(batch.brokenWeight) : (k == 2 || later || (moves && k < 5)) && bracket ? Double(batch.inertWeight) : 1
                        step += f * Self.bce(zk, y)
                        nSteps += 1
                    }
                }
            }
        }
        let n = Double(batch.sequences.count)
        return final / n + (nSteps > 0 ? Double(batch.stepWeight) * step / Double(nSteps) : 0)
            + (nDepth > 0 ? Double(batch.counterWeight) * depth / Double(nDepth) : 0)
    }
}
