/// GRU cell, `torch.nn.GRU` conventions (gate order r, z, n; the reset gate multiplies the
/// hidden projection *including* its bias, as PyTorch does).
///
///     gi = W_ih·x_t + b_ih                     [M, 3H]  (input side, per byte from a table)
///     gh = h_{t−1}·W_hhᵀ + b_hh                [M, 3H]
///     r = σ(gi_r + gh_r),  z = σ(gi_z + gh_z)
///     n = tanh(gi_n + r ⊙ gh_n)
///     h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
enum GRUCell {
    /// Forward: `a` holds gi on entry and (r, z, n) on exit; `gh` is the hidden projection;
    /// `ghn` [M,H] keeps gh_n for the backward pass. `hPrev` nil means h_{−1} = 0.
    @inline(__always)
    static func forward(M: Int, H: Int, a: UnsafeMutablePointer<Float>, gh: UnsafePointer<Float>,
                        hPrev: UnsafePointer<Float>?, ghn: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>) {
        let G = 3 * H
        for m in 0..<M {
            let ar = a + m * G, gr = gh + m * G, hr = h + m * H, nr = ghn + m * H
            let hp = hPrev.map { $0 + m * H }
            var j = 0
            while j + Vec.scalarCount <= 2 * H {  // r and z
                storeV(simdSigmoid(loadV(ar + j) + loadV(gr + j)), ar + j)
                j += Vec.scalarCount
            }
            while j < 2 * H { ar[j] = scalarSigmoid(ar[j] + gr[j]); j += 1 }
            j = 0
            while j + Vec.scalarCount <= H {
                let r = loadV(ar + j), z = loadV(ar + H + j), ghnv = loadV(gr + 2 * H + j)
                let n = simdTanh(loadV(ar + 2 * H + j) + r * ghnv)
                let prev = hp.map { loadV($0 + j) } ?? .zero
                storeV(n, ar + 2 * H + j); storeV(ghnv, nr + j)
                storeV(n + z * (prev - n), hr + j)
                j += Vec.scalarCount
            }
            while j < H {
                let r = ar[j], z = ar[H + j], ghnv = gr[2 * H + j]
                let n = scalarTanh(ar[2 * H + j] + r * ghnv)
                let prev = hp?[j] ?? 0
                ar[2 * H + j] = n; nr[j] = ghnv
                hr[j] = n + z * (prev - n)
                j += 1
            }
        }
    }

    /// Backward for one step.
    ///
    ///     dn = dh ⊙ (1−z)            da_n = dn ⊙ (1−n²)        (gi_n gradient)
    ///     dz = dh ⊙ (h_{t−1} − n)    da_z = dz ⊙ z(1−z)
    ///     dr = da_n ⊙ gh_n           da_r = dr ⊙ r(1−r)
    ///     dgi = (da_r, da_z, da_n)   dgh = (da_r, da_z, da_n ⊙ r)
    ///     dh_{t−1} = dh ⊙ z + dgh·W_hh     (this function writes dh ⊙ z into `dhPrev`)
    @inline(__always)
    static func backward(M: Int, H: Int, a: UnsafePointer<Float>, ghn: UnsafePointer<Float>, hPrev: UnsafePointer<Float>?,
                         dh: UnsafePointer<Float>, dgi: UnsafeMutablePointer<Float>, dgh: UnsafeMutablePointer<Float>,
                         dhPrev: UnsafeMutablePointer<Float>) {
        let G = 3 * H
        for m in 0..<M {
            let ar = a + m * G, di = dgi + m * G, dg = dgh + m * G
            let nr = ghn + m * H, dhr = dh + m * H, dp = dhPrev + m * H
            let hp = hPrev.map { $0 + m * H }
            var j = 0
            while j + Vec.scalarCount <= H {
                let r = loadV(ar + j), z = loadV(ar + H + j), n = loadV(ar + 2 * H + j)
                let d = loadV(dhr + j), prev = hp.map { loadV($0 + j) } ?? .zero
                let dan = d * (1 - z) * (1 - n * n)
                let daz = d * (prev - n) * z * (1 - z)
                let dar = dan * loadV(nr + j) * r * (1 - r)
                storeV(dar, di + j); storeV(daz, di + H + j); storeV(dan, di + 2 * H + j)
                storeV(dar, dg + j); storeV(daz, dg + H + j); storeV(dan * r, dg + 2 * H + j)
                storeV(d * z, dp + j)
                j += Vec.scalarCount
            }
            while j < H {
                let r = ar[j], z = ar[H + j], n = ar[2 * H + j]
                let d = dhr[j], prev = hp?[j] ?? 0
                let dan = d * (1 - z) * (1 - n * n)
                let daz = d * (prev - n) * z * (1 - z)
                let dar = dan * nr[j] * r * (1 - r)
                di[j] = dar; di[H + j] = daz; di[2 * H + j] = dan
                dg[j] = dar; dg[H + j] = daz; dg[2 * H + j] = dan * r
                dp[j] = d * z
                j += 1
            }
        }
    }
}
