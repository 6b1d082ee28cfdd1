/// Vanilla tanh RNN cell, `torch.nn.RNN(nonlinearity="tanh")`.
///
///     a   = x̂_t + h_{t−1}·W_hhᵀ     [M, H]   x̂_t = W_ih·x_t + b_ih + b_hh
///     h_t = tanh(a)                  [M, H]
///
/// The backward pass multiplies by (1 − h²)·W_hh at every step: with small weights the
/// product shrinks geometrically with distance, which is the vanishing gradient NestNet shows.
enum RNNCell {
    /// Forward: `a` pre-activations in; h_t written to `h` (and left in `a`).
    @inline(__always)
    static func forward(M: Int, H: Int, a: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>) {
        tanhInPlace(a, M * H)
        h.update(from: a, count: M * H)
    }

    /// Backward: da = dh ⊙ (1 − h_t²). (dh_{t−1} = da·W_hh is the caller's product.)
    @inline(__always)
    static func backward(M: Int, H: Int, h: UnsafePointer<Float>, dh: UnsafePointer<Float>, da: UnsafeMutablePointer<Float>) {
        let n = M * H
        var j = 0
        while j + Vec.scalarCount <= n {
            let hv = loadV(h + j)
            storeV(loadV(dh + j) * (1 - hv * hv), da + j)
            j += Vec.scalarCount
        }
        while j < n { da[j] = dh[j] * (1 - h[j] * h[j]); j += 1 }
    }
}
