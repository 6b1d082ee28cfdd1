import NestingOracle
import NestNetSupport
import RealModule

/// The forward pass over one shard: every layer's cells, the final head and the per-step head.
extension RecurrentModel {
    /// Runs every layer over the shard. With `store` every step's activations are kept for
    /// BPTT; without, state lives in two-slot rings (inference on long texts).
    func forward(_ w: Workspace, store: Bool) {
        let c = config, H = c.hidden, G = c.gateWidth, L = c.layers, P = c.stepOutputs
        let T = w.T, B = w.B
        while w.layers.count < L { w.layers.append(LayerBuffers()) }
        let hLast = w.hLast.ensure(max(B * H, 1))
        if !w.hasInitial { hLast.update(repeating: 0, count: B * H) }
        let stepLogits = P > 0 ? w.stepLogits.ensure(max(T * B * P, 1)) : w.stepLogits.p
        let gh = w.gh.ensure(max(B * G, 1))
        let table = self.table.p
        parameters.withUnsafeBufferPointer { params in
            let base = params.baseAddress!
            for l in 0..<L {
                // Gates and cell values of every step are kept for BPTT; the hidden state also
                // when the next layer reads it.
                let slot = StepSlots(kept: store), hSlot = StepSlots(kept: store || l < L - 1)
                let lb = w.layers[l], lw = layerWeights[l]
                let acts = lb.acts.ensure(max(slot.count(T) * B * G, 1))
                let cBuf = c.arch == .lstm ? lb.c.ensure(max(slot.count(T) * B * H, 1)) : lb.c.p
                let tcBuf = c.arch == .lstm ? lb.tc.ensure(max(slot.count(T) * B * H, 1)) : lb.tc.p
                let ghn = c.arch == .gru ? lb.ghn.ensure(max(slot.count(T) * B * H, 1)) : lb.ghn.p
                let h = lb.h.ensure(max(hSlot.count(T) * B * H, 1))
                let below = l > 0 ? w.layers[l - 1].h.p : nil
                let bhh = base + layout["rnn.bias_hh_l\(l)"].offset
                let sw = base + (P > 0 ? layout["step_head.weight"].offset : 0), sb = base + (P > 0 ? layout["step_head.bias"].offset : 0)
                let inW = c.inputWidth(l)
                let whhT = lw.whhT.p, wihT = lw.wihT.p, bias = lw.inBias.p
                for t in 0..<T {
                    let M = w.active[t]
                    if M == 0 { break }
                    let A = acts + slot(t) * B * G
                    // Input projection: a table row per byte (layer 0) or bias + x·W_ihᵀ.
                    if let below {
                        for m in 0..<M { (A + m * G).update(from: bias, count: G) }
                        gemm(M, G, inW, below + t * B * inW, lda: inW, aTransposed: false, wihT, ldb: G, A, ldc: G)
                    } else {
                        for m in 0..<M { (A + m * G).update(from: table + Int(w.x[t * B + m]) * G, count: G) }
                    }
                    let hp: UnsafeMutablePointer<Float>? = t == 0 ? (w.hasInitial ? lb.h0.p : nil) : h + hSlot(t - 1) * B * H
                    let cp: UnsafePointer<Float>? = t == 0 ? (w.hasInitial ? UnsafePointer(lb.c0.p) : nil) : UnsafePointer(cBuf + slot(t - 1) * B * H)
                    let hc = h + hSlot(t) * B * H
                    switch c.arch {
                    case .lstm:
                        // Every row through the fused product-and-cell kernel where it exists
                        // (bit-identical), else through the product, then the cell.
                        #if NESTNET_AVX512
                        let fused = lw.packed != nil
                        if let packed = lw.packed {
                            LSTMCell.fusedStep(M: M, H: H, a: A, hPrev: hp.map { UnsafePointer($0) }, packed: packed.p,
                                               cPrev: cp, c: cBuf + slot(t) * B * H, tc: tcBuf + slot(t) * B * H, h: hc, storeGates: store)
                        }
                        #else
                        let fused = false
                        #endif
                        if !fused {
                            if let hp { gemm(M, G, H, hp, lda: H, aTransposed: false, whhT, ldb: G, A, ldc: G) }
                            LSTMCell.forward(M: M, H: H, a: A, cPrev: cp, c: cBuf + slot(t) * B * H, tc: tcBuf + slot(t) * B * H, h: hc)
                        }
                    case .rnn:
                        if let hp { gemm(M, G, H, hp, lda: H, aTransposed: false, whhT, ldb: G, A, ldc: G) }
                        RNNCell.forward(M: M, H: H, a: A, h: hc)
                    case .irnn:
                        if let hp { gemm(M, G, H, hp, lda: H, aTransposed: false, whhT, ldb: G, A, ldc: G) }
                        ReLURNNCell.forward(M: M, H: H, a: A, h: hc)
                    case .gru:
                        for m in 0..<M { (gh + m * G).update(from: bhh, count: G) }
                        if let hp { gemm(M, G, H, hp, lda: H, aTransposed: false, whhT, ldb: G, gh, ldc: G) }
                        GRUCell.forward(M: M, H: H, a: A, gh: gh, hPrev: hp.map { UnsafePointer($0) },
                                        ghn: ghn + slot(t) * B * H, h: hc)
                    }
                    // Rows whose sequence ends at this step keep their final state.
                    let next = w.active[t + 1]
                    if w.wantStates && next < M {
                        (w.finalH.p + (l * B + next) * H).update(from: hc + next * H, count: (M - next) * H)
                        if c.arch == .lstm { (w.finalC.p + (l * B + next) * H).update(from: cBuf + slot(t) * B * H + next * H, count: (M - next) * H) }
                    }
                    if l == L - 1 {
                        if next < M { (hLast + next * H).update(from: hc + next * H, count: (M - next) * H) }
                        if P > 0 {
                            for m in 0..<M {
                                for k in 0..<P {
                                    stepLogits[(t * B + m) * P + k] = sb[k] + dot(sw + k * H, hc + m * H, H)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Final-step head, loss and its gradient (dL/dlogit, already scaled by 1/batch).
    func finalLogits(_ w: Workspace, batch: SequenceBatch, train: Bool, scale: Float) {
        let H = config.hidden
        let hw = layout["head.weight"].offset, hb = layout["head.bias"].offset
        w.dLogit = [Float](repeating: 0, count: w.B)
        parameters.withUnsafeBufferPointer { p in
            for m in 0..<w.B {
                // Only sequences that end in this chunk (or are empty, at the first chunk).
                let len = w.fullLengths[m]
                guard (len > w.start && len <= w.start + w.T) || (len == 0 && w.start == 0) else { continue }
                let z = p[hb] + dot(p.baseAddress! + hw, w.hLast.p + m * H, H)
                let prob = 1 / (1 + Float(Double.exp(Double(-z))))
                w.lastProbabilities[m] = prob
                if !batch.labels.isEmpty {
                    let y = batch.labels[w.rows[m]]
                    w.loss += y > 0.5 ? softplus(Double(-z)) : softplus(Double(z))
                    if (prob > 0.5) == (y > 0.5) { w.correct += 1 }
                    if train { w.dLogit[m] = (prob - y) * scale }
                }
            }
        }
    }

    /// Per-step BCE over every (step, row, output) and its gradient into `dStep`; the `broken`
    /// output (k = 0) counts `broken` times where its target is 1, the `inert` output (k = 2)
    /// `inert` times at bracket bytes. With `latch`, output 0 is trained through its running
    /// maxima instead (`latchLossAndGradient`). With `lexerOnly`, output 2 alone (the others
    /// get no loss and no gradient; the mean is still over every output), and with `lexerLater`
    /// output 1 too, against bit 5 (`later`) instead of bit 1, weighted `inert` at brackets;
    /// with `lexerMoves` every output (`StackMoves`): the kinds (3, 4) at brackets only, the
    /// state outputs (5, 6) at every byte with weight 1.
    func stepLossAndGradient(_ w: Workspace, weight: Float, broken: Float = 1, inert: Float = 1, latch: Bool = false,
                             lexerOnly: Bool = false, lexerLater: Bool = false, lexerMoves: Bool = false) {
        let P = config.stepOutputs, B = w.B
        let d = w.dStep.ensure(max(w.T * B * P, 1))
        d.update(repeating: 0, count: w.T * B * P)
        let moves = lexerOnly && lexerMoves
        for t in 0..<w.T {
            for m in 0..<w.active[t] {
                let bits = w.targets[t * B + m]
                // Brackets matter only to a weighted `inert` and to a stack network's kind bits.
                let isBracket = (inert != 1 || moves) && Bracket.isBracket(w.x[t * B + m]), bracket = inert != 1 && isBracket
                for k in moves ? 0..<P : lexerOnly ? (lexerLater ? 1 : 2)..<3 : (latch ? 1 : 0)..<P {
                    if moves && (k == 3 || k == 4) && !isBracket { continue }
                    let i = (t * B + m) * P + k
                    let z = w.stepLogits.p[i]
                    let on = (bits >> (lexerOnly && lexerLater && !moves && k == 1 ? 5 : k)) & 1 == 1
                    let f: Float = on && k == 0 && !lexerOnly ? broken : (k == 2 || lexerOnly) && bracket && !(moves && k >= 5) ? inert : 1
                    w.stepLoss += Double(f) * (on ? softplus(Double(-z)) : softplus(Double(z)))
                    d[i] = (1 / (1 + Float(Double.exp(Double(-z)))) - (on ? 1 : 0)) * weight * f
                }
            }
        }
        if latch && !lexerOnly { latchLossAndGradient(w, weight: weight, broken: broken) }
    }

    /// Output 0 (`broken`) trained as a latch (`SequenceBatch.brokenLatch`). With z_s the logit
    /// at byte s and y_t the target:
    ///   y_t = 0: loss softplus(M_t),       M_t = max_{s≤t} z_s            → dz at the argmax: σ(M_t)
    ///   y_t = 1: loss f·softplus(−R_t),    R_t = max z_s over the run of y = 1 bytes up to t
    ///                                                                     → dz at the argmax: f·(σ(R_t) − 1)
    /// Shapes: logits and dStep [T·B, P], output 0 at stride P; the maxima carry across chunks
    /// (`LatchState`), and a maximum from an earlier chunk takes no gradient.
    func latchLossAndGradient(_ w: Workspace, weight: Float, broken f: Float) {
        let P = config.stepOutputs, B = w.B
        let d = w.dStep.p, z = w.stepLogits.p
        if w.start == 0 { w.latch.reset(rows: B) } else { w.latch.carry() }
        func sigmoid(_ x: Float) -> Float { 1 / (1 + Float(Double.exp(Double(-x)))) }
        for t in 0..<w.T {
            for m in 0..<w.active[t] {
                let i = (t * B + m) * P
                if z[i] > w.latch.all[m] { w.latch.all[m] = z[i]; w.latch.allAt[m] = i }
                if w.targets[t * B + m] & 1 == 1 {
                    if !w.latch.inRun[m] || z[i] > w.latch.run[m] { w.latch.run[m] = z[i]; w.latch.runAt[m] = i }
                    w.latch.inRun[m] = true
                    let r = w.latch.run[m]
                    w.stepLoss += Double(f) * softplus(Double(-r))
                    if w.latch.runAt[m] >= 0 { d[w.latch.runAt[m]] += (sigmoid(r) - 1) * weight * f }
                } else {
                    w.latch.inRun[m] = false
                    let a = w.latch.all[m]
                    w.stepLoss += softplus(Double(a))
                    if w.latch.allAt[m] >= 0 { d[w.latch.allAt[m]] += sigmoid(a) * weight }
                }
            }
        }
    }
}

/// Where step t's values sit in a layer's buffers: each step has a slot of its own when they
/// are kept (for BPTT, or as the next layer's input), else two slots take turns (a ring: all
/// that inference over long texts needs).
struct StepSlots {
    let kept: Bool
    /// The slot of step t (t ≥ 0).
    @inline(__always) func callAsFunction(_ t: Int) -> Int { kept ? t : t & 1 }
    /// Slots for a pass of T steps.
    @inline(__always) func count(_ T: Int) -> Int { kept ? T : 2 }
}
