import NestNetSupport
import RealModule

/// How the recurrent weights `W_hh` start (issue 16's remedies for vanishing and exploding
/// gradients), per gate block of H×H.
public enum RecurrentInit: String, Sendable, CaseIterable, Codable {
    /// A random orthogonal matrix: every singular value 1 (Saxe et al. 2014; the default).
    case orthogonal
    /// Xavier/Glorot uniform, ±√(6 / 2H): singular values spread around 1 (Glorot & Bengio 2010).
    case xavier
    /// The identity (Le, Jaitly & Hinton 2015 pair it with ReLU units: the IRNN, `irnn`, whose
    /// default it is; other cells keep their own nonlinearity).
    case identity
}

extension RecurrentModel {
    /// Fresh weights, deterministic in `seed`:
    /// embedding N(0, 1) (as `nn.Embedding`); input weights Xavier-uniform per gate block;
    /// recurrent weights per `recurrentInit` (nil: the architecture's default, orthogonal, or
    /// the identity for `irnn`) per gate block, times
    /// `recurrentScale` (above 1: a network whose gradients can explode); biases 0 except the
    /// LSTM forget gate (`bias_ih` f block = `forgetBias`); heads uniform(±1/√H).
    public static func initialized(_ config: ModelConfig, seed: UInt64, forgetBias: Float = 1,
                                   recurrentInit: RecurrentInit? = nil, recurrentScale: Float = 1) throws -> RecurrentModel {
        let m = try RecurrentModel(config: config)
        var rng = SeededRandom(seed: seed, index: 0, stream: 0x1A17)
        let H = config.hidden, G = config.arch.gates
        func setTensor(_ name: String, _ values: [Float]) {
            let s = m.layout[name]
            precondition(values.count == s.count)
            for i in 0..<s.count { m.parameters[s.offset + i] = values[i] }
        }
        setTensor("embedding.weight", (0..<256 * config.embed).map { _ in Float(gaussian(&rng)) })
        for l in 0..<config.layers {
            let inW = config.inputWidth(l)
            let bound = (6.0 / Double(inW + H)).squareRoot()
            setTensor("rnn.weight_ih_l\(l)", (0..<G * H * inW).map { _ in Float((rng.unit() * 2 - 1) * bound) })
            var whh: [Float] = []
            for _ in 0..<G {
                switch recurrentInit ?? config.arch.defaultRecurrentInit {
                case .orthogonal: whh += orthogonal(H, &rng)
                case .xavier:
                    let b = (6.0 / Double(2 * H)).squareRoot()
                    whh += (0..<H * H).map { _ in Float((rng.unit() * 2 - 1) * b) }
                case .identity: whh += (0..<H * H).map { $0 / H == $0 % H ? 1 : 0 }
                }
            }
            if recurrentScale != 1 { whh = whh.map { $0 * recurrentScale } }
            setTensor("rnn.weight_hh_l\(l)", whh)
            var bih = [Float](repeating: 0, count: G * H)
            if config.arch == .lstm { for j in H..<(2 * H) { bih[j] = forgetBias } }
            setTensor("rnn.bias_ih_l\(l)", bih)
            setTensor("rnn.bias_hh_l\(l)", [Float](repeating: 0, count: G * H))
        }
        let hb = 1 / Double(H).squareRoot()
        setTensor("head.weight", (0..<H).map { _ in Float((rng.unit() * 2 - 1) * hb) })
        if config.stepOutputs > 0 {
            setTensor("step_head.weight", (0..<config.stepOutputs * H).map { _ in Float((rng.unit() * 2 - 1) * hb) })
        }
        m.prepare()
        return m
    }
}

/// Standard normal (Box–Muller).
func gaussian(_ rng: inout SeededRandom) -> Double {
    let u1 = max(rng.unit(), 1e-300), u2 = rng.unit()
    return (-2 * Double.log(u1)).squareRoot() * Double.cos(2 * Double.pi * u2)
}

/// A random n×n orthogonal matrix (row-major): Gram–Schmidt on a Gaussian matrix, in Double.
func orthogonal(_ n: Int, _ rng: inout SeededRandom) -> [Float] {
    var q = [[Double]]()
    while q.count < n {
        var v = (0..<n).map { _ in gaussian(&rng) }
        for _ in 0..<2 {  // re-orthogonalise once for accuracy
            for u in q {
                var d = 0.0
                for i in 0..<n { d += u[i] * v[i] }
                for i in 0..<n { v[i] -= d * u[i] }
            }
        }
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm < 1e-8 { continue }
        q.append(v.map { $0 / norm })
    }
    return q.flatMap { $0.map(Float.init) }
}
