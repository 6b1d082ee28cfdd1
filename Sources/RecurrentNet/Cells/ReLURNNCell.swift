/// ReLU RNN cell, `torch.nn.RNN(nonlinearity="relu")`: with identity recurrent weights at the
/// start it is the IRNN of Le, Jaitly & Hinton (2015).
///
///     a   = x̂_t + h_{t−1}·W_hhᵀ     [M, H]   x̂_t = W_ih·x_t + b_ih + b_hh
///     h_t = max(a, 0)                [M, H]
///
/// The backward pass multiplies by 1[h_t > 0]·W_hh at every step: with W_hh = I an active
/// unit passes its gradient back unchanged, which is the IRNN's answer to vanishing gradients
/// (and, without clipping, its way to explode when W_hh grows past 1).
enum ReLURNNCell {
    /// Forward: `a` pre-activations in; h_t written to `h` (and left in `a`).
    @inline(__always)
    static func forward(M: Int, H: Int, a: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>) {
        let n = M * H
        var j = 0
        while j + Vec.scalarCount <= n {
            let v = pointwiseMax(loadV(a + j), Vec(repeating: 0))
            storeV(v, a + j); storeV(v, h + j)
            j += Vec.scalarCount
        }
        while j < n { let v = max(a[j], 0); a[j] = v; h[j] = v; j += 1 }
    }

    /// Backward: da = dh ⊙ 1[h_t > 0]. (dh_{t−1} = da·W_hh is the caller's product.)
    @inline(__always)
    static func backward(M: Int, H: Int, h: UnsafePointer<Float>, dh: UnsafePointer<Float>, da: UnsafeMutablePointer<Float>) {
        let n = M * H
        var j = 0
        while j + Vec.scalarCount <= n {
            let mask = loadV(h + j) .> Vec(repeating: 0)
            storeV(Vec(repeating: 0).replacing(with: loadV(dh + j), where: mask), da + j)
            j += Vec.scalarCount
        }
        while j < n { da[j] = h[j] > 0 ? dh[j] : 0; j += 1 }
    }
}
