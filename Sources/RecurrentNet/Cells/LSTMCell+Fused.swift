/// The LSTM step with the recurrent product and the cell in one pass, for AVX-512 builds.
///
///     for each group of W units u…u+W−1 and each block of 4 rows:
///       acc[r][gate] = a[r, gate·H + u …]            (input projection, 4 rows × 4 gates)
///       acc[r][gate] += Σ_k h_{t−1}[r, k] · W_hhᵀ[k, gate·H + u …]
///       i, f, g, o = σ, σ, tanh, σ of acc;  c = f ⊙ c_{t−1} + i ⊙ g;  h = o ⊙ tanh c
///
/// Sixteen accumulators stay in registers and the cell runs on them directly, so the gate
/// pre-activations never make a round trip through memory, and the group's 16 KB slice of
/// W_hhᵀ, packed contiguously by `packRecurrentWeights` (read in place, its four gate columns
/// 1 KB apart map to the same few L1 sets and thrash), is reused from L1 by every row block,
/// which makes it faster than the pair below (figures in the README's engine section).
/// Sums run in the same order as `gemm` followed
/// by `LSTMCell.forward` (the input projection first, then k = 0, 1, …), so results are
/// bit-identical to that pair, which stays the path for other shapes (and builds without AVX-512).
#if NESTNET_AVX512
extension LSTMCell {
    /// Whether `fusedStep` handles hidden size H.
    @inline(__always)
    static func fusedStepSupports(H: Int) -> Bool { H % Vec.scalarCount == 0 && H <= 256 }

    /// W_hhᵀ [H, 4H] (row k: the gates' columns i, f, g, o) repacked as [H/W groups][k][gate][W
    /// lanes], so a group of W units reads one contiguous 16·H·W-byte block.
    static func packRecurrentWeights(_ whhT: UnsafePointer<Float>, H: Int, into out: UnsafeMutablePointer<Float>) {
        let W = Vec.scalarCount, G = 4 * H
        for u in stride(from: 0, to: H, by: W) {
            for k in 0..<H {
                for gate in 0..<4 {
                    for l in 0..<W { out[u * G + k * 4 * W + gate * W + l] = whhT[k * G + gate * H + u + l] }
                }
            }
        }
    }

    /// Rows 0..<M4 (a multiple of 4). `a` [M,4H]: pre-activations without the recurrent term on
    /// entry; with `storeGates`, the activated gates on exit (else left as they were).
    /// `hPrev` nil: h_{t−1} = 0 (no recurrent term). `packed`: from `packRecurrentWeights`.
    /// Other shapes as in `forward`.
    @inline(__always)
    static func fusedStep(M4: Int, H: Int, a: UnsafeMutablePointer<Float>, hPrev: UnsafePointer<Float>?,
                          packed: UnsafePointer<Float>, cPrev: UnsafePointer<Float>?,
                          c: UnsafeMutablePointer<Float>, tc: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>,
                          storeGates: Bool) {
        let G = 4 * H, W = Vec.scalarCount
        var u = 0
        while u < H {
            var r = 0
            while r < M4 {
                let a0 = a + r * G + u, a1 = a0 + G, a2 = a1 + G, a3 = a2 + G
                // acc{row}{gate}
                var i0 = loadV(a0), f0 = loadV(a0 + H), g0 = loadV(a0 + 2 * H), o0 = loadV(a0 + 3 * H)
                var i1 = loadV(a1), f1 = loadV(a1 + H), g1 = loadV(a1 + 2 * H), o1 = loadV(a1 + 3 * H)
                var i2 = loadV(a2), f2 = loadV(a2 + H), g2 = loadV(a2 + 2 * H), o2 = loadV(a2 + 3 * H)
                var i3 = loadV(a3), f3 = loadV(a3 + H), g3 = loadV(a3 + 2 * H), o3 = loadV(a3 + 3 * H)
                if let hp = hPrev {
                    var p0 = hp + r * H
                    var pb = packed + u * G
                    for _ in 0..<H {
                        let bi = loadV(pb), bf = loadV(pb + W), bg = loadV(pb + 2 * W), bo = loadV(pb + 3 * W)
                        var x = Vec(repeating: p0[0])
                        i0.addProduct(x, bi); f0.addProduct(x, bf); g0.addProduct(x, bg); o0.addProduct(x, bo)
                        x = Vec(repeating: p0[H])
                        i1.addProduct(x, bi); f1.addProduct(x, bf); g1.addProduct(x, bg); o1.addProduct(x, bo)
                        x = Vec(repeating: p0[2 * H])
                        i2.addProduct(x, bi); f2.addProduct(x, bf); g2.addProduct(x, bg); o2.addProduct(x, bo)
                        x = Vec(repeating: p0[3 * H])
                        i3.addProduct(x, bi); f3.addProduct(x, bf); g3.addProduct(x, bg); o3.addProduct(x, bo)
                        p0 += 1; pb += 4 * W
                    }
                }
                cell(i0, f0, g0, o0, row: r, u: u, H: H, a: a0, cPrev: cPrev, c: c, tc: tc, h: h, storeGates: storeGates)
                cell(i1, f1, g1, o1, row: r + 1, u: u, H: H, a: a1, cPrev: cPrev, c: c, tc: tc, h: h, storeGates: storeGates)
                cell(i2, f2, g2, o2, row: r + 2, u: u, H: H, a: a2, cPrev: cPrev, c: c, tc: tc, h: h, storeGates: storeGates)
                cell(i3, f3, g3, o3, row: r + 3, u: u, H: H, a: a3, cPrev: cPrev, c: c, tc: tc, h: h, storeGates: storeGates)
                r += 4
            }
            u += W
        }
    }

    /// Any number of rows: blocks of 4, then the last 1–3 rows one at a time through
    /// `fusedStepRow`. Bit-identical to the product then the cell for every row, like the 4-row
    /// kernel. (The product alone on 1–3 rows reads W_hhᵀ in place and its few accumulators wait
    /// on one another, so those rows cost several times as much each: they dominated a lone
    /// file, and a large file's stretches split 7 and 7 over two threads; README, "Against PyTorch".)
    /// Arguments as in `fusedStep(M4:…)`.
    @inline(__always)
    static func fusedStep(M: Int, H: Int, a: UnsafeMutablePointer<Float>, hPrev: UnsafePointer<Float>?,
                          packed: UnsafePointer<Float>, cPrev: UnsafePointer<Float>?,
                          c: UnsafeMutablePointer<Float>, tc: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>,
                          storeGates: Bool) {
        let M4 = M / 4 * 4
        if M4 > 0 {
            fusedStep(M4: M4, H: H, a: a, hPrev: hPrev, packed: packed, cPrev: cPrev, c: c, tc: tc, h: h, storeGates: storeGates)
        }
        for r in M4..<M {
            fusedStepRow(r, H: H, a: a, hPrev: hPrev, packed: packed, cPrev: cPrev, c: c, tc: tc, h: h, storeGates: storeGates)
        }
    }

    /// Row r alone, two groups of W units per pass, so eight accumulators (4 gates × 2 groups)
    /// are in flight: enough independent FMA chains to cover their latency, where one group's
    /// four would wait on each other. Same sums in the same order as the 4-row kernel.
    @inline(__always)
    static func fusedStepRow(_ r: Int, H: Int, a: UnsafeMutablePointer<Float>, hPrev: UnsafePointer<Float>?,
                             packed: UnsafePointer<Float>, cPrev: UnsafePointer<Float>?,
                             c: UnsafeMutablePointer<Float>, tc: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>,
                             storeGates: Bool) {
        let G = 4 * H, W = Vec.scalarCount
        let row = a + r * G
        var u = 0
        while u + 2 * W <= H {
            let a0 = row + u, a1 = a0 + W
            var i0 = loadV(a0), f0 = loadV(a0 + H), g0 = loadV(a0 + 2 * H), o0 = loadV(a0 + 3 * H)
            var i1 = loadV(a1), f1 = loadV(a1 + H), g1 = loadV(a1 + 2 * H), o1 = loadV(a1 + 3 * H)
            if let hp = hPrev {
                var p = hp + r * H
                var b0 = packed + u * G, b1 = b0 + W * G  // the two groups' packed blocks
                for _ in 0..<H {
                    let x = Vec(repeating: p[0])
                    i0.addProduct(x, loadV(b0)); f0.addProduct(x, loadV(b0 + W)); g0.addProduct(x, loadV(b0 + 2 * W)); o0.addProduct(x, loadV(b0 + 3 * W))
                    i1.addProduct(x, loadV(b1)); f1.addProduct(x, loadV(b1 + W)); g1.addProduct(x, loadV(b1 + 2 * W)); o1.addProduct(x, loadV(b1 + 3 * W))
                    p += 1; b0 += 4 * W; b1 += 4 * W
                }
            }
            cell(i0, f0, g0, o0, row: r, u: u, H: H, a: a0, cPrev: cPrev, c: c, tc: tc, h: h, storeGates: storeGates)
            cell(i1, f1, g1, o1, row: r, u: u + W, H: H, a: a1, cPrev: cPrev, c: c, tc: tc, h: h, storeGates: storeGates)
            u += 2 * W
        }
        while u < H {  // an odd last group
            let a0 = row + u
            var i0 = loadV(a0), f0 = loadV(a0 + H), g0 = loadV(a0 + 2 * H), o0 = loadV(a0 + 3 * H)
            if let hp = hPrev {
                var p = hp + r * H
                var b0 = packed + u * G
                for _ in 0..<H {
                    let x = Vec(repeating: p[0])
                    i0.addProduct(x, loadV(b0)); f0.addProduct(x, loadV(b0 + W)); g0.addProduct(x, loadV(b0 + 2 * W)); o0.addProduct(x, loadV(b0 + 3 * W))
                    p += 1; b0 += 4 * W
                }
            }
            cell(i0, f0, g0, o0, row: r, u: u, H: H, a: a0, cPrev: cPrev, c: c, tc: tc, h: h, storeGates: storeGates)
            u += W
        }
    }

    /// The cell on one row's W units, from pre-activations in registers (same maths as `forward`).
    @inline(__always)
    static func cell(_ ai: Vec, _ af: Vec, _ ag: Vec, _ ao: Vec, row: Int, u: Int, H: Int, a: UnsafeMutablePointer<Float>,
                     cPrev: UnsafePointer<Float>?, c: UnsafeMutablePointer<Float>, tc: UnsafeMutablePointer<Float>,
                     h: UnsafeMutablePointer<Float>, storeGates: Bool) {
        let i = simdSigmoid(ai), f = simdSigmoid(af), g = simdTanh(ag), o = simdSigmoid(ao)
        let k = row * H + u
        let prev = cPrev.map { loadV($0 + k) } ?? .zero
        let cn = (i * g).addingProduct(f, prev)
        let t = simdTanh(cn)
        storeV(cn, c + k); storeV(t, tc + k); storeV(o * t, h + k)
        if storeGates { storeV(i, a); storeV(f, a + H); storeV(g, a + 2 * H); storeV(o, a + 3 * H) }
    }
}
#endif
