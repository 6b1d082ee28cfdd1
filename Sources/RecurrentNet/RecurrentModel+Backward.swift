import NestNetSupport

/// BPTT over one shard, and the sum of the shards' gradients in PyTorch's layout.
extension RecurrentModel {
    /// BPTT over the shard, writing the internal gradient buffer.
    func backwardShard(_ w: Workspace) {
        let c = config, H = c.hidden, G = c.gateWidth, L = c.layers, P = c.stepOutputs
        let T = w.T, B = w.B, gl = gradLayout
        let g = w.grads.p  // zeroed once per batch; chunks accumulate
        for l in 0..<L { w.layers[l].dH.ensure(max(T * B * H, 1)); w.layers[l].dH.zero(T * B * H) }
        let dhNext = w.dhNext.ensure(max(B * H, 1)), dcNext = w.dcNext.ensure(max(B * H, 1))
        parameters.withUnsafeBufferPointer { params in
            let base = params.baseAddress!
            // Heads → gradient into the top layer's hidden states.
            let top = w.layers[L - 1]
            let hw = base + layout["head.weight"].offset
            for m in 0..<B {
                let dz = w.dLogit[m]
                guard dz != 0 else { continue }
                g[gl.headB] += dz
                guard w.lengths[m] > 0 else { continue }
                let t = w.lengths[m] - 1
                axpy(dz, hw, top.dH.p + (t * B + m) * H, H)
                axpy(dz, w.hLast.p + m * H, g + gl.headW, H)
            }
            if P > 0 && !w.targets.isEmpty {
                let sw = base + layout["step_head.weight"].offset
                for t in 0..<T {
                    for m in 0..<w.active[t] {
                        let hrow = top.h.p + (t * B + m) * H
                        for k in 0..<P {
                            let dz = w.dStep.p[(t * B + m) * P + k]
                            if dz == 0 { continue }
                            axpy(dz, sw + k * H, top.dH.p + (t * B + m) * H, H)
                            axpy(dz, hrow, g + gl.stepW + k * H, H)
                            g[gl.stepB + k] += dz
                        }
                    }
                }
            }
            for l in stride(from: L - 1, through: 0, by: -1) {
                let lb = w.layers[l]
                let dA = lb.dA.ensure(max(T * B * G, 1))
                dA.update(repeating: 0, count: T * B * G)
                let dAh = c.arch == .gru ? lb.dAh.ensure(max(T * B * G, 1)) : dA
                if c.arch == .gru { dAh.update(repeating: 0, count: T * B * G) }
                dhNext.update(repeating: 0, count: B * H)
                dcNext.update(repeating: 0, count: B * H)
                let whh = base + layout["rnn.weight_hh_l\(l)"].offset
                for t in stride(from: T - 1, through: 0, by: -1) {
                    let M = w.active[t]
                    if M == 0 { continue }
                    let dh = lb.dH.p + t * B * H
                    add(dhNext, into: dh, M * H)
                    if w.recordNorms && l == L - 1 { recordNorms(w, layer: lb, t: t, M: M, dh: dh, dcNext: dcNext) }
                    let hp: UnsafePointer<Float>? = t == 0 ? (w.hasInitial ? UnsafePointer(lb.h0.p) : nil) : UnsafePointer(lb.h.p + (t - 1) * B * H)
                    let cp: UnsafePointer<Float>? = t == 0 ? (w.hasInitial ? UnsafePointer(lb.c0.p) : nil) : UnsafePointer(lb.c.p + (t - 1) * B * H)
                    switch c.arch {
                    case .lstm:
                        let depthLoss = l == 0 && !w.depths.isEmpty
                        if depthLoss { counterDepthLoss(w, t: t, M: M, c: lb.c.p + t * B * H, cPrev: cp, dc: dcNext) }
                        LSTMCell.backward(M: M, H: H, a: lb.acts.p + t * B * G, cPrev: cp,
                                          tc: lb.tc.p + t * B * H, dh: dh, dc: dcNext, da: dA + t * B * G)
                        if depthLoss && cp != nil { counterStepToPrevious(w, M: M, dc: dcNext) }
                        dhNext.update(repeating: 0, count: M * H)
                    case .rnn:
                        RNNCell.backward(M: M, H: H, h: lb.h.p + t * B * H, dh: dh, da: dA + t * B * G)
                        dhNext.update(repeating: 0, count: M * H)
                    case .irnn:
                        ReLURNNCell.backward(M: M, H: H, h: lb.h.p + t * B * H, dh: dh, da: dA + t * B * G)
                        dhNext.update(repeating: 0, count: M * H)
                    case .gru:
                        GRUCell.backward(M: M, H: H, a: lb.acts.p + t * B * G, ghn: lb.ghn.p + t * B * H, hPrev: hp,
                                         dh: dh, dgi: dA + t * B * G, dgh: dAh + t * B * G, dhPrev: dhNext)
                    }
                    if t > 0 { gemm(M, H, G, dAh + t * B * G, lda: G, aTransposed: false, whh, ldb: H, dhNext, ldc: H) }
                }
                // Weight gradients: one long product each over all steps.
                if T > 1 {
                    gemm(H, G, (T - 1) * B, lb.h.p, lda: H, aTransposed: true, dAh + B * G, ldb: G, g + gl.whhT[l], ldc: G)
                }
                if w.hasInitial && T > 0 {  // the carried-in state is a constant input of step 0
                    gemm(H, G, w.active[0], lb.h0.p, lda: H, aTransposed: true, dAh, ldb: G, g + gl.whhT[l], ldc: G)
                }
                columnSums(dAh, rows: T * B, cols: G, into: g + gl.bH[l])
                if l == 0 {
                    let dT = g + gl.table
                    for t in 0..<T {
                        for m in 0..<w.active[t] { add(dA + (t * B + m) * G, into: dT + Int(w.x[t * B + m]) * G, G) }
                    }
                } else {
                    let inW = c.inputWidth(l), below = w.layers[l - 1]
                    columnSums(dA, rows: T * B, cols: G, into: g + gl.bI[l])
                    gemm(inW, G, T * B, below.h.p, lda: inW, aTransposed: true, dA, ldb: G, g + gl.wihT[l], ldc: G)
                    gemm(T * B, inW, G, dA, lda: G, aTransposed: false, base + layout["rnn.weight_ih_l\(l)"].offset, ldb: inW,
                         below.dH.p, ldc: inW)
                }
            }
        }
    }

    /// The counters' depth loss at step t, for each counter j of each active row with a target,
    /// two Huber (δ = 1) terms times `counterScale`: the cell against the depth, and the step
    /// the cell took against the step the depth took (a counter's forget gate is 1, so its step
    /// is what it writes; this term's gradient does not change sign with the running error, so
    /// it keeps pushing the writes between brackets to 0, which a count over a long file needs).
    ///
    ///     e = c_t[j] − d_t;  e′ = (c_t[j] − c_{t−1}[j]) − (d_t − d_{t−1})   (c_{−1} = 0, d_{−1} = 0)
    ///     L += s·(hub(e) + hub(e′));  dc_t[j] += s·(clip(e) + clip(e′));  dc_{t−1}[j] −= s·clip(e′)
    ///
    /// `dc` [M, H]: ∂L/∂c_t from later steps, to which this step's part is added before the
    /// cell's backward; the part for c_{t−1} waits in `counterBack` for `counterStepToPrevious`.
    func counterDepthLoss(_ w: Workspace, t: Int, M: Int, c: UnsafePointer<Float>, cPrev: UnsafePointer<Float>?,
                          dc: UnsafeMutablePointer<Float>) {
        let H = config.hidden, B = w.B, s = w.counterScale, K = w.counterUnits.count, j0 = w.counterUnits.lowerBound
        if w.counterBack.count < B * K { w.counterBack = [Float](repeating: 0, count: B * K) }
        @inline(__always) func huber(_ e: Float) -> (Double, Float) {
            let a = abs(e)
            return (Double(a <= 1 ? e * e / 2 : a - 0.5), min(max(e, -1), 1))
        }
        var loss = 0.0
        for m in 0..<M {
            let d = w.depths[t * B + m]
            let dPrev = t > 0 ? w.depths[(t - 1) * B + m] : w.depthBefore[m]
            for k in 0..<K {
                let j = j0 + k
                w.counterBack[m * K + k] = 0
                guard d != 255 else { continue }
                let (l1, g1) = huber(c[m * H + j] - Float(d))
                var grad = g1
                loss += l1
                if dPrev != 255 {
                    let step = c[m * H + j] - (cPrev?[m * H + j] ?? 0)
                    let (l2, g2) = huber(step - (Float(d) - Float(dPrev)))
                    loss += l2
                    grad += g2
                    w.counterBack[m * K + k] = -s * g2
                }
                dc[m * H + j] += s * grad
            }
        }
        w.counterLoss += loss
    }

    /// Adds the depth loss's part for c_{t−1} (kept by `counterDepthLoss`) to `dc`, which holds
    /// ∂L/∂c_{t−1} after step t's backward.
    func counterStepToPrevious(_ w: Workspace, M: Int, dc: UnsafeMutablePointer<Float>) {
        let H = config.hidden, K = w.counterUnits.count, j0 = w.counterUnits.lowerBound
        for m in 0..<M { for k in 0..<K { dc[m * H + j0 + k] += w.counterBack[m * K + k] } }
    }

    /// Sums the shards' internal gradients and converts them to `gradients` (PyTorch layout).
    func reduceGradients(shards: Int) {
        let c = config, H = c.hidden, G = c.gateWidth, E = c.embed, gl = gradLayout
        let g = workspaces[0].grads.p
        for s in 1..<max(shards, 1) { add(workspaces[s].grads.p, into: g, gl.count) }
        gradients.withUnsafeMutableBufferPointer { gp in
            let out = gp.baseAddress!
            out.update(repeating: 0, count: layout.count)
            parameters.withUnsafeBufferPointer { pp in
                let p = pp.baseAddress!
                let emb = layout["embedding.weight"].offset, wih0 = layout["rnn.weight_ih_l0"].offset
                // table[b] = emb[b]·W_ih0ᵀ + b  ⇒  d emb = dT·W_ih0,  dW_ih0 = dTᵀ·emb,  db = Σ_b dT[b]
                gemm(256, E, G, g + gl.table, lda: G, aTransposed: false, p + wih0, ldb: E, out + emb, ldc: E)
                gemm(G, E, 256, g + gl.table, lda: G, aTransposed: true, p + emb, ldb: E, out + wih0, ldc: E)
                columnSums(g + gl.table, rows: 256, cols: G, into: out + layout["rnn.bias_ih_l0"].offset)
                for l in 0..<c.layers {
                    transposeAdd(g + gl.whhT[l], rows: H, cols: G, into: out + layout["rnn.weight_hh_l\(l)"].offset)
                    add(g + gl.bH[l], into: out + layout["rnn.bias_hh_l\(l)"].offset, G)
                    if l > 0 {
                        transposeAdd(g + gl.wihT[l], rows: c.inputWidth(l), cols: G, into: out + layout["rnn.weight_ih_l\(l)"].offset)
                        add(g + gl.bI[l], into: out + layout["rnn.bias_ih_l\(l)"].offset, G)
                    }
                }
                add(g + gl.headW, into: out + layout["head.weight"].offset, H)
                out[layout["head.bias"].offset] += g[gl.headB]
                if c.stepOutputs > 0 {
                    add(g + gl.stepW, into: out + layout["step_head.weight"].offset, c.stepOutputs * H)
                    add(g + gl.stepB, into: out + layout["step_head.bias"].offset, c.stepOutputs)
                }
            }
        }
    }
}
