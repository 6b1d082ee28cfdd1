import NestNetSupport

extension RecurrentModel {
    /// The forget-gate bias of a counter unit: σ(20) is 1 − 2⁻²⁴ in this engine's Float sigmoid
    /// (1.0 in `torch.nn`), so the cell keeps 94% of what it holds over a megabyte.
    public static let counterForgetBias: Float = 20

    /// Where gate `gate`'s row of unit `j` sits in layer 0: its input and recurrent weights
    /// and its two biases (gate blocks are laid out `[gate][unit]`).
    private func gateRow(_ gate: Int, _ j: Int) -> (ih: Range<Int>, hh: Range<Int>, biases: [Int]) {
        let H = config.hidden, E = config.inputWidth(0), r = gate * H + j
        let ih = layout["rnn.weight_ih_l0"].offset + r * E, hh = layout["rnn.weight_hh_l0"].offset + r * H
        return (ih..<(ih + E), hh..<(hh + H), [layout["rnn.bias_ih_l0"].offset + r, layout["rnn.bias_hh_l0"].offset + r])
    }

    /// Turns LSTM units `units` of a one-layer model into counters: a forget gate of 1 to Float
    /// precision (zero forget weights, bias `counterForgetBias`), so what the cell holds does not
    /// leak (training keeps it there: `counterRateScale` freezes those weights), and a
    /// candidate g of zero (zero weights and biases), so the cell starts at 0 and stays there
    /// until training writes to it. Input and output gates and every weight that reads the
    /// units keep their values. (The shipped model has no unit that keeps half its cell over
    /// 2 KB of real code; these can hold a count over a whole file.)
    public func makeCounters(_ units: Range<Int>) {
        precondition(config.arch == .lstm && config.layers == 1 && units.upperBound <= config.hidden && units.lowerBound >= 0)
        for gate in [1, 2] {  // f, g (gate order i, f, g, o)
            for j in units {
                let row = gateRow(gate, j)
                for i in row.ih { parameters[i] = 0 }
                for i in row.hh { parameters[i] = 0 }
                parameters[row.biases[0]] = gate == 1 ? Self.counterForgetBias : 0
                parameters[row.biases[1]] = 0
            }
        }
        prepare()
    }

    /// Whether unit `j` is a counter as `makeCounters` makes one (its forget gate is 1 for any
    /// input): zero forget weights and a forget bias that saturates σ.
    public func isCounter(_ j: Int) -> Bool {
        guard config.arch == .lstm, config.layers == 1, j >= 0, j < config.hidden else { return false }
        let row = gateRow(1, j)
        return row.biases.reduce(0) { $0 + parameters[$1] } >= 16 && row.ih.allSatisfy { parameters[$0] == 0 } && row.hh.allSatisfy { parameters[$0] == 0 }
    }

    /// A learning-rate factor per parameter: `scale` for every parameter of units `units` (their
    /// gate rows, input and recurrent weights and biases) and every weight that reads them (the
    /// recurrent columns and the heads' columns), 1 elsewhere. New counters start from nothing
    /// beside a trained model whose weights must move slowly; Adam moves each weight by about
    /// the learning rate a step, so they get their own.
    public func unitRateScale(_ units: Range<Int>, scale: Float) -> [Float] {
        var s = [Float](repeating: 1, count: parameterCount)
        let H = config.hidden, G = config.arch.gates
        for l in 0..<config.layers {
            let E = config.inputWidth(l)
            let ih = layout["rnn.weight_ih_l\(l)"].offset, hh = layout["rnn.weight_hh_l\(l)"].offset
            let bih = layout["rnn.bias_ih_l\(l)"].offset, bhh = layout["rnn.bias_hh_l\(l)"].offset
            for g in 0..<G {
                for j in units {
                    let r = g * H + j
                    for c in 0..<E { s[ih + r * E + c] = scale }
                    for c in 0..<H { s[hh + r * H + c] = scale }
                    s[bih + r] = scale; s[bhh + r] = scale
                }
                for r in (g * H)..<(g * H + H) { for j in units { s[hh + r * H + j] = scale } }
            }
        }
        let head = layout["head.weight"].offset
        for j in units { s[head + j] = scale }
        if config.stepOutputs > 0 {
            let sh = layout["step_head.weight"].offset
            for k in 0..<config.stepOutputs { for j in units { s[sh + k * H + j] = scale } }
        }
        return s
    }

    /// `unitRateScale` for counters, with their forget gates' weights and biases frozen (factor
    /// 0): their gradient is about 1e-12, but Adam scales any steady gradient up to full steps.
    public func counterRateScale(_ units: Range<Int>, scale: Float) -> [Float] {
        var s = unitRateScale(units, scale: scale)
        for j in units {
            let row = gateRow(1, j)
            for i in Array(row.ih) + Array(row.hh) + row.biases { s[i] = 0 }
        }
        return s
    }
}
