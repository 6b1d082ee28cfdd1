/// LSTM cell, `torch.nn.LSTM` conventions (gate order i, f, g, o).
///
///     a   = x̂_t + h_{t−1}·W_hhᵀ             [M, 4H]   x̂_t = W_ih·x_t + b_ih + b_hh
///     i, f, o = σ(a_i), σ(a_f), σ(a_o);  g = tanh(a_g)
///     c_t = f ⊙ c_{t−1} + i ⊙ g              [M, H]
///     h_t = o ⊙ tanh(c_t)                    [M, H]
///
/// Rows are sequences (stride 4H for gates, H for states); M rows are active at this step.
enum LSTMCell {
    /// Forward: `a` holds pre-activations on entry and the activated gates (i, f, g, o) on exit.
    /// `cPrev` may be nil for the first step (c_{−1} = 0).
    @inline(__always)
    static func forward(M: Int, H: Int, a: UnsafeMutablePointer<Float>, cPrev: UnsafePointer<Float>?,
                        c: UnsafeMutablePointer<Float>, tc: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>) {
        let G = 4 * H
        for m in 0..<M {
            let ar = a + m * G
            sigmoidInPlace(ar, 2 * H)          // i, f
            tanhInPlace(ar + 2 * H, H)         // g
            sigmoidInPlace(ar + 3 * H, H)      // o
            let cr = c + m * H, tr = tc + m * H, hr = h + m * H
            let cp = cPrev.map { $0 + m * H }
            var j = 0
            while j + Vec.scalarCount <= H {
                let i = loadV(ar + j), f = loadV(ar + H + j), g = loadV(ar + 2 * H + j), o = loadV(ar + 3 * H + j)
                let prev = cp.map { loadV($0 + j) } ?? .zero
                let cn = (i * g).addingProduct(f, prev)
                let t = simdTanh(cn)
                storeV(cn, cr + j); storeV(t, tr + j); storeV(o * t, hr + j)
                j += Vec.scalarCount
            }
            while j < H {
                let cn = ar[H + j] * (cp?[j] ?? 0) + ar[j] * ar[2 * H + j]
                let t = scalarTanh(cn)
                cr[j] = cn; tr[j] = t; hr[j] = ar[3 * H + j] * t
                j += 1
            }
        }
    }

    /// Backward for one step.
    ///
    ///     dc   = dc_next + dh ⊙ o ⊙ (1 − tanh²c_t)
    ///     da_o = dh ⊙ tanh c_t ⊙ o(1−o)      da_i = dc ⊙ g ⊙ i(1−i)
    ///     da_g = dc ⊙ i ⊙ (1−g²)             da_f = dc ⊙ c_{t−1} ⊙ f(1−f)
    ///     dc_{t−1} = dc ⊙ f                  (dh_{t−1} = da·W_hh is the caller's product)
    ///
    /// `dh` [M,H]: total gradient into h_t. `dc` [M,H]: dc_next in, dc_{t−1} out. `da` [M,4H] out.
    @inline(__always)
    static func backward(M: Int, H: Int, a: UnsafePointer<Float>, cPrev: UnsafePointer<Float>?,
                         tc: UnsafePointer<Float>, dh: UnsafePointer<Float>,
                         dc: UnsafeMutablePointer<Float>, da: UnsafeMutablePointer<Float>) {
        let G = 4 * H
        for m in 0..<M {
            let ar = a + m * G, dar = da + m * G
            let tr = tc + m * H, dhr = dh + m * H, dcr = dc + m * H
            let cp = cPrev.map { $0 + m * H }
            var j = 0
            while j + Vec.scalarCount <= H {
                let i = loadV(ar + j), f = loadV(ar + H + j), g = loadV(ar + 2 * H + j), o = loadV(ar + 3 * H + j)
                let t = loadV(tr + j), d = loadV(dhr + j)
                let prev = cp.map { loadV($0 + j) } ?? .zero
                let dcv = loadV(dcr + j) + d * o * (1 - t * t)
                storeV(dcv * g * i * (1 - i), dar + j)
                storeV(dcv * prev * f * (1 - f), dar + H + j)
                storeV(dcv * i * (1 - g * g), dar + 2 * H + j)
                storeV(d * t * o * (1 - o), dar + 3 * H + j)
                storeV(dcv * f, dcr + j)
                j += Vec.scalarCount
            }
            while j < H {
                let i = ar[j], f = ar[H + j], g = ar[2 * H + j], o = ar[3 * H + j]
                let t = tr[j], d = dhr[j], prev = cp?[j] ?? 0
                let dcv = dcr[j] + d * o * (1 - t * t)
                dar[j] = dcv * g * i * (1 - i)
                dar[H + j] = dcv * prev * f * (1 - f)
                dar[2 * H + j] = dcv * i * (1 - g * g)
                dar[3 * H + j] = d * t * o * (1 - o)
                dcr[j] = dcv * f
                j += 1
            }
        }
    }
}
