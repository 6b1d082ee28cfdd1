import Dispatch
import NestNetSupport

/// Inputs for one forward (and optionally backward) pass.
public struct SequenceBatch: Sendable {
    /// Byte sequences of any lengths (0 allowed).
    public var sequences: [[UInt8]]
    /// 1 = valid, 0 = invalid; empty for inference.
    public var labels: [Float]
    /// Per-step targets, one byte per input byte; bit k is the target of step-head output k.
    public var stepTargets: [[UInt8]]?
    /// Weight of the per-step loss relative to the final-label loss.
    public var stepWeight: Float

    public init(sequences: [[UInt8]], labels: [Float] = [], stepTargets: [[UInt8]]? = nil, stepWeight: Float = 1) {
        self.sequences = sequences; self.labels = labels; self.stepTargets = stepTargets; self.stepWeight = stepWeight
    }
}

/// What a pass returns.
public struct BatchResult: Sendable {
    /// Mean binary cross-entropy of the final labels (0 without labels).
    public var loss: Double
    /// Mean per-step BCE (0 without step targets).
    public var stepLoss: Double
    /// P(valid) per sequence, in input order.
    public var probabilities: [Float]
    /// Final predictions that match the labels.
    public var correct: Int
    /// Per-step head logits per sequence ([length × P]), when asked for.
    public var stepLogits: [[Float]]?
    /// Each sequence's state after its last byte, when asked for (`predict(_:from:…)`).
    public var finalStates: [RecurrentState]?
}

/// The recurrent state of every layer after some byte: what a reader carries from one piece of
/// a long text to the next. `h` (and, for the LSTM, `c`) hold layer 0's H values, then layer 1's.
public struct RecurrentState: Sendable, Equatable {
    public var h: [Float]
    public var c: [Float]
    public init(h: [Float], c: [Float]) { self.h = h; self.c = c }
}

/// The byte-level recurrent classifier: parameters in `torch.nn` layout in one flat buffer,
/// plus caches derived from them (per-byte input table, transposed weights) that `prepare()`
/// refreshes after every update.
///
/// Sendable because passes take turns: `predict` and `backward` reuse the model's workspaces,
/// so calls from several threads are serialised rather than racing. Changing `parameters`
/// (and `prepare()`) while another thread runs a pass is the caller's to prevent; the trainer
/// does both on its own thread.
public final class RecurrentModel: @unchecked Sendable {
    public let config: ModelConfig
    public let layout: ParameterLayout
    /// All parameters, flat, in `layout` order and PyTorch shapes.
    public var parameters: [Float]
    /// Gradients of the last `backward` pass, same layout.
    public var gradients: [Float]

    let gradLayout: GradientLayout
    // Derived caches.
    var table: [Float] = []    // [256, G·H]: W_ih0·emb[b] + b_ih0 (+ b_hh0 for RNN/LSTM)
    var whhT: [[Float]] = []   // per layer [H, G·H]
    var whhPacked: [[Float]] = [] // per layer, LSTM with the fused step: `LSTMCell.packRecurrentWeights`
    var wihT: [[Float]] = []   // per layer [in, G·H]
    var inBias: [[Float]] = [] // per layer [G·H]
    var workspaces: [Workspace] = []
    /// Held for a whole pass (`run`): one pass at a time uses `workspaces`.
    private let passLock = DispatchSemaphore(value: 1)

    public init(config: ModelConfig, parameters: [Float]? = nil) throws {
        try config.validate()
        self.config = config
        self.layout = ParameterLayout(config)
        self.gradLayout = GradientLayout(config)
        if let p = parameters {
            guard p.count == layout.count else {
                throw NestNetError("expected \(layout.count) parameters for \(config.shortName), got \(p.count)")
            }
            self.parameters = p
        } else {
            self.parameters = [Float](repeating: 0, count: layout.count)
        }
        self.gradients = [Float](repeating: 0, count: layout.count)
        prepare()
    }

    /// The parameters of one tensor.
    public func tensor(_ name: String) -> ArraySlice<Float> {
        let s = layout[name]
        return parameters[s.offset..<(s.offset + s.count)]
    }

    public var parameterCount: Int { layout.count }

    /// Recomputes the derived caches from `parameters`. Call after changing parameters.
    public func prepare() {
        let c = config, H = c.hidden, gh = c.gateWidth
        whhT = []; wihT = []; inBias = []; whhPacked = []
        parameters.withUnsafeBufferPointer { p in
            let base = p.baseAddress!
            for l in 0..<c.layers {
                let inW = c.inputWidth(l)
                var t1 = [Float](repeating: 0, count: H * gh)
                t1.withUnsafeMutableBufferPointer { transpose(base + layout["rnn.weight_hh_l\(l)"].offset, rows: gh, cols: H, into: $0.baseAddress!) }
                whhT.append(t1)
                #if NESTNET_AVX512
                if c.arch == .lstm && LSTMCell.fusedStepSupports(H: H) {
                    var packed = [Float](repeating: 0, count: H * gh)
                    t1.withUnsafeBufferPointer { w in
                        packed.withUnsafeMutableBufferPointer { LSTMCell.packRecurrentWeights(w.baseAddress!, H: H, into: $0.baseAddress!) }
                    }
                    whhPacked.append(packed)
                }
                #endif
                var t2 = [Float](repeating: 0, count: inW * gh)
                t2.withUnsafeMutableBufferPointer { transpose(base + layout["rnn.weight_ih_l\(l)"].offset, rows: gh, cols: inW, into: $0.baseAddress!) }
                wihT.append(t2)
                let bi = layout["rnn.bias_ih_l\(l)"].offset, bh = layout["rnn.bias_hh_l\(l)"].offset
                inBias.append((0..<gh).map { base[bi + $0] + (c.arch == .gru ? 0 : base[bh + $0]) })
            }
            // table[b] = emb[b]·W_ih0ᵀ + bias
            var t = [Float](repeating: 0, count: 256 * gh)
            for b in 0..<256 { for g in 0..<gh { t[b * gh + g] = inBias[0][g] } }
            t.withUnsafeMutableBufferPointer { tp in
                wihT[0].withUnsafeBufferPointer { w in
                    gemm(256, gh, c.embed, base + layout["embedding.weight"].offset, lda: c.embed, aTransposed: false,
                         w.baseAddress!, ldb: gh, tp.baseAddress!, ldc: gh)
                }
            }
            table = t
        }
    }

    // MARK: Passes

    /// Forward pass only: probabilities (and per-step logits if the model has a step head and
    /// `stepOutputs` is true). Memory is O(batch · hidden) per layer for one-layer models.
    public func predict(_ sequences: [[UInt8]], threads: Int = 2, stepOutputs: Bool = false) -> BatchResult {
        run(SequenceBatch(sequences: sequences), train: false, threads: threads, wantSteps: stepOutputs)
    }

    /// Forward pass that continues from given states (nil: the fresh zero state) and returns
    /// each sequence's final state in `finalStates`, so a long text can be read piece by piece
    /// with the same outputs as one read of the whole (tested bit for bit).
    public func predict(_ sequences: [[UInt8]], from initial: [RecurrentState?], threads: Int = 2, stepOutputs: Bool = false) -> BatchResult {
        precondition(initial.count == sequences.count, "one initial state (or nil) per sequence")
        return run(SequenceBatch(sequences: sequences), train: false, threads: threads, wantSteps: stepOutputs,
                   initial: initial, wantStates: true)
    }

    /// Forward and backward: fills `gradients` (mean loss over the batch) and returns the loss.
    /// `bptt`: truncated backpropagation through time in chunks of that many steps (the state
    /// is carried across chunks, gradients are not); nil for full BPTT.
    @discardableResult
    public func backward(_ batch: SequenceBatch, threads: Int = 2, bptt: Int? = nil) -> BatchResult {
        precondition(batch.labels.count == batch.sequences.count, "one label per sequence")
        return run(batch, train: true, threads: threads, wantSteps: false, chunk: bptt)
    }

    /// Inference walks long texts in chunks of this many steps, so memory stays bounded.
    static let inferenceChunk = 4096

    /// One pass, holding `passLock`.
    func run(_ batch: SequenceBatch, train: Bool, threads: Int, wantSteps: Bool, chunk: Int? = nil,
             initial: [RecurrentState?]? = nil, wantStates: Bool = false) -> BatchResult {
        passLock.wait()
        defer { passLock.signal() }
        return runHoldingLock(batch, train: train, threads: threads, wantSteps: wantSteps, chunk: chunk,
                              initial: initial, wantStates: wantStates)
    }

    /// One pass; the caller holds `passLock`.
    private func runHoldingLock(_ batch: SequenceBatch, train: Bool, threads: Int, wantSteps: Bool, chunk: Int? = nil,
                                initial: [RecurrentState?]? = nil, wantStates: Bool = false) -> BatchResult {
        let n = batch.sequences.count
        guard n > 0 else { return BatchResult(loss: 0, stepLoss: 0, probabilities: [], correct: 0, stepLogits: nil) }
        let shards = max(1, min(threads, n))
        while workspaces.count < shards { workspaces.append(Workspace()) }
        // Longest first, dealt round-robin: shards get similar work and rows stay sorted.
        let lengths = batch.sequences.map(\.count)
        let order = (0..<n).sorted { (a: Int, b: Int) -> Bool in
            lengths[a] != lengths[b] ? lengths[a] > lengths[b] : a < b
        }
        let P = config.stepOutputs
        let hasSteps = train && P > 0 && batch.stepTargets != nil
        let totalSteps = hasSteps ? batch.sequences.reduce(0) { $0 + $1.count } * P : 0
        var probabilities = [Float](repeating: 0, count: n)
        var stepOut: [[Float]]? = (wantSteps && P > 0) ? [[Float]](repeating: [], count: n) : nil
        let ws = workspaces
        let results = ResultSlots(n: n, states: wantStates)
        let K = max(1, train ? (chunk ?? Int.max) : Self.inferenceChunk)
        DispatchQueue.concurrentPerform(iterations: shards) { s in
            let w = ws[s]
            w.rows = stride(from: s, to: n, by: shards).map { order[$0] }
            w.fullLengths = w.rows.map { lengths[$0] }
            w.loss = 0; w.stepLoss = 0; w.correct = 0
            w.lastProbabilities = [Float](repeating: 0, count: w.rows.count)
            if train { w.grads.ensure(self.gradLayout.count).update(repeating: 0, count: self.gradLayout.count) }
            if wantSteps && P > 0 { results.prepareSteps(w, P: P) }
            w.wantStates = wantStates
            let T = w.fullLengths.first ?? 0
            var start = 0
            repeat {
                let end = T - start > K ? start + K : T
                self.load(batch, into: w, start: start, end: end, withTargets: hasSteps)
                if start == 0 && wantStates { self.loadInitial(initial ?? [RecurrentState?](repeating: nil, count: n), into: w) }
                self.forward(w, store: train)
                self.finalLogits(w, batch: batch, train: train, scale: 1 / Float(n))
                if hasSteps { self.stepLossAndGradient(w, weight: batch.stepWeight / Float(max(totalSteps, 1))) }
                if train { self.backwardShard(w) }
                if wantSteps && P > 0 { results.collectSteps(w, P: P) }
                self.carryState(w, store: train)
                start = end
            } while start < T
            results.collect(w)
            if wantStates { results.collectStates(w, H: self.config.hidden, layers: self.config.layers, cell: self.config.arch == .lstm) }
        }
        var loss = 0.0, stepLoss = 0.0, correct = 0
        for w in ws.prefix(shards) { loss += w.loss; stepLoss += w.stepLoss; correct += w.correct }
        for (i, p) in results.probabilities.enumerated() { probabilities[i] = p }
        if stepOut != nil { stepOut = results.steps }
        if train { reduceGradients(shards: shards) }
        return BatchResult(loss: batch.labels.isEmpty ? 0 : loss / Double(n),
                           stepLoss: hasSteps ? stepLoss / Double(max(totalSteps, 1)) : 0,
                           probabilities: probabilities, correct: correct, stepLogits: stepOut,
                           finalStates: wantStates ? results.states : nil)
    }

    /// Sets the shard's carried-in state from `initial` (zeros for nil) before its first chunk;
    /// rows of length 0 keep it as their final state.
    func loadInitial(_ initial: [RecurrentState?], into w: Workspace) {
        let H = config.hidden, B = w.B, L = config.layers, lstm = config.arch == .lstm
        w.hasInitial = true
        while w.layers.count < L { w.layers.append(LayerBuffers()) }
        let top = w.hLast.ensure(max(B * H, 1))
        let fh = w.finalH.ensure(max(L * B * H, 1)), fc = w.finalC.ensure(max(L * B * H, 1))
        for l in 0..<L {
            let h0 = w.layers[l].h0.ensure(max(B * H, 1)), c0 = w.layers[l].c0.ensure(max(B * H, 1))
            for (m, r) in w.rows.enumerated() {
                if let s = initial[r] {
                    precondition(s.h.count == L * H && s.c.count == (lstm ? L * H : 0), "initial state does not fit \(config.shortName)")
                    s.h.withUnsafeBufferPointer { (h0 + m * H).update(from: $0.baseAddress! + l * H, count: H) }
                    if lstm { s.c.withUnsafeBufferPointer { (c0 + m * H).update(from: $0.baseAddress! + l * H, count: H) } }
                } else {
                    (h0 + m * H).update(repeating: 0, count: H)
                    (c0 + m * H).update(repeating: 0, count: H)
                }
                (fh + (l * B + m) * H).update(from: h0 + m * H, count: H)
                (fc + (l * B + m) * H).update(from: c0 + m * H, count: H)
                if l == L - 1 { (top + m * H).update(from: h0 + m * H, count: H) }
            }
        }
    }

    /// Copies steps `start..<end` of a shard's sequences into time-major buffers.
    func load(_ batch: SequenceBatch, into w: Workspace, start: Int, end: Int, withTargets: Bool) {
        let B = w.rows.count
        w.start = start
        w.hasInitial = start > 0
        w.lengths = w.fullLengths.map { min(max($0 - start, 0), end - start) }
        let T = end - start
        w.T = T; w.B = B
        w.x = [UInt8](repeating: 0, count: T * B)
        w.targets = withTargets ? [UInt8](repeating: 0, count: T * B) : []
        for (m, r) in w.rows.enumerated() {
            let s = batch.sequences[r]
            for t in 0..<w.lengths[m] { w.x[t * B + m] = s[start + t] }
            if withTargets, let st = batch.stepTargets?[r] {
                for t in 0..<min(w.lengths[m], max(st.count - start, 0)) { w.targets[t * B + m] = st[start + t] }
            }
        }
        w.active = [Int](repeating: 0, count: T + 1)
        var m = B
        for t in 0..<T {
            while m > 0 && w.lengths[m - 1] <= t { m -= 1 }
            w.active[t] = m
        }
    }

    /// Keeps each layer's state at the chunk's last step as the next chunk's initial state.
    func carryState(_ w: Workspace, store: Bool) {
        let H = config.hidden, B = w.B, T = w.T, L = config.layers
        guard T > 0 else { return }
        let M = w.active[T - 1]
        for l in 0..<L {
            let lb = w.layers[l]
            let keepH = store || l < L - 1
            let slot = store ? T - 1 : (T - 1) & 1
            lb.h0.ensure(max(B * H, 1)).update(from: lb.h.p + (keepH ? T - 1 : (T - 1) & 1) * B * H, count: M * H)
            if config.arch == .lstm { lb.c0.ensure(max(B * H, 1)).update(from: lb.c.p + slot * B * H, count: M * H) }
        }
    }

    // MARK: Forward

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
        parameters.withUnsafeBufferPointer { params in
        table.withUnsafeBufferPointer { table in
            let base = params.baseAddress!
            for l in 0..<L {
                let keepH = store || l < L - 1
                let slots = store ? T : 2
                let lb = w.layers[l]
                let acts = lb.acts.ensure(max(slots * B * G, 1))
                let cBuf = c.arch == .lstm ? lb.c.ensure(max(slots * B * H, 1)) : lb.c.p
                let tcBuf = c.arch == .lstm ? lb.tc.ensure(max(slots * B * H, 1)) : lb.tc.p
                let ghn = c.arch == .gru ? lb.ghn.ensure(max(slots * B * H, 1)) : lb.ghn.p
                let h = lb.h.ensure(max((keepH ? T : 2) * B * H, 1))
                let below = l > 0 ? w.layers[l - 1].h.p : nil
                let bhh = base + layout["rnn.bias_hh_l\(l)"].offset
                let sw = base + (P > 0 ? layout["step_head.weight"].offset : 0), sb = base + (P > 0 ? layout["step_head.bias"].offset : 0)
                let inW = c.inputWidth(l)
                let packed = l < whhPacked.count ? whhPacked[l] : []
                whhT[l].withUnsafeBufferPointer { whhT in
                packed.withUnsafeBufferPointer { packed in
                wihT[l].withUnsafeBufferPointer { wihT in
                inBias[l].withUnsafeBufferPointer { bias in
                    for t in 0..<T {
                        let M = w.active[t]
                        if M == 0 { break }
                        let slot = store ? t : t & 1, prevSlot = store ? t - 1 : (t - 1) & 1
                        let A = acts + slot * B * G
                        // Input projection: a table row per byte (layer 0) or bias + x·W_ihᵀ.
                        if let below {
                            for m in 0..<M { (A + m * G).update(from: bias.baseAddress!, count: G) }
                            gemm(M, G, inW, below + t * B * inW, lda: inW, aTransposed: false, wihT.baseAddress!, ldb: G, A, ldc: G)
                        } else {
                            for m in 0..<M { (A + m * G).update(from: table.baseAddress! + Int(w.x[t * B + m]) * G, count: G) }
                        }
                        let hp: UnsafeMutablePointer<Float>? = t == 0 ? (w.hasInitial ? lb.h0.p : nil) : h + (keepH ? t - 1 : (t - 1) & 1) * B * H
                        let cp: UnsafePointer<Float>? = t == 0 ? (w.hasInitial ? UnsafePointer(lb.c0.p) : nil) : UnsafePointer(cBuf + prevSlot * B * H)
                        let hc = h + (keepH ? t : t & 1) * B * H
                        switch c.arch {
                        case .lstm:
                            // Every row through the fused product-and-cell kernel where it exists
                            // (bit-identical), else through the product, then the cell.
                            #if NESTNET_AVX512
                            let fused = l < whhPacked.count
                            if fused {
                                LSTMCell.fusedStep(M: M, H: H, a: A, hPrev: hp.map { UnsafePointer($0) }, packed: packed.baseAddress!,
                                                   cPrev: cp, c: cBuf + slot * B * H, tc: tcBuf + slot * B * H, h: hc, storeGates: store)
                            }
                            #else
                            let fused = false
                            #endif
                            if !fused {
                                if let hp { gemm(M, G, H, hp, lda: H, aTransposed: false, whhT.baseAddress!, ldb: G, A, ldc: G) }
                                LSTMCell.forward(M: M, H: H, a: A, cPrev: cp, c: cBuf + slot * B * H, tc: tcBuf + slot * B * H, h: hc)
                            }
                        case .rnn:
                            if let hp { gemm(M, G, H, hp, lda: H, aTransposed: false, whhT.baseAddress!, ldb: G, A, ldc: G) }
                            RNNCell.forward(M: M, H: H, a: A, h: hc)
                        case .irnn:
                            if let hp { gemm(M, G, H, hp, lda: H, aTransposed: false, whhT.baseAddress!, ldb: G, A, ldc: G) }
                            ReLURNNCell.forward(M: M, H: H, a: A, h: hc)
                        case .gru:
                            for m in 0..<M { (gh + m * G).update(from: bhh, count: G) }
                            if let hp { gemm(M, G, H, hp, lda: H, aTransposed: false, whhT.baseAddress!, ldb: G, gh, ldc: G) }
                            GRUCell.forward(M: M, H: H, a: A, gh: gh, hPrev: hp.map { UnsafePointer($0) },
                                            ghn: ghn + slot * B * H, h: hc)
                        }
                        // Rows whose sequence ends at this step keep their final state.
                        let next = w.active[t + 1]
                        if w.wantStates && next < M {
                            (w.finalH.p + (l * B + next) * H).update(from: hc + next * H, count: (M - next) * H)
                            if c.arch == .lstm { (w.finalC.p + (l * B + next) * H).update(from: cBuf + slot * B * H + next * H, count: (M - next) * H) }
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
                let prob = 1 / (1 + Float(expD(Double(-z))))
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

    /// Per-step BCE over every (step, row, output) and its gradient into `dStep`.
    func stepLossAndGradient(_ w: Workspace, weight: Float) {
        let P = config.stepOutputs, B = w.B
        let d = w.dStep.ensure(max(w.T * B * P, 1))
        d.update(repeating: 0, count: w.T * B * P)
        for t in 0..<w.T {
            for m in 0..<w.active[t] {
                let bits = w.targets[t * B + m]
                for k in 0..<P {
                    let i = (t * B + m) * P + k
                    let z = w.stepLogits.p[i]
                    let y: Float = (bits >> k) & 1 == 1 ? 1 : 0
                    w.stepLoss += y > 0.5 ? softplus(Double(-z)) : softplus(Double(z))
                    d[i] = (1 / (1 + Float(expD(Double(-z)))) - y) * weight
                }
            }
        }
    }

    // MARK: Backward

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
                        LSTMCell.backward(M: M, H: H, a: lb.acts.p + t * B * G, cPrev: cp,
                                          tc: lb.tc.p + t * B * H, dh: dh, dc: dcNext, da: dA + t * B * G)
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

    /// Probe: the norms of the total gradients into h_t and (LSTM) c_t, for each active row.
    /// ∂L/∂c_t = dc_next + ∂L/∂h_t ⊙ o_t ⊙ (1 − tanh² c_t).
    func recordNorms(_ w: Workspace, layer lb: LayerBuffers, t: Int, M: Int, dh: UnsafePointer<Float>, dcNext: UnsafePointer<Float>) {
        let H = config.hidden, B = w.B, G = config.gateWidth
        for m in 0..<M {
            var sh: Float = 0, sc: Float = 0
            for j in 0..<H {
                let g = dh[m * H + j]
                sh += g * g
                if config.arch == .lstm {
                    let o = lb.acts.p[(t * B + m) * G + 3 * H + j], tc = lb.tc.p[(t * B + m) * H + j]
                    let dc = dcNext[m * H + j] + g * o * (1 - tc * tc)
                    sc += dc * dc
                }
            }
            w.hNorms[t * B + m] = sh.squareRoot()
            if config.arch == .lstm { w.cNorms[t * B + m] = sc.squareRoot() }
        }
    }

    /// For each sequence, ‖∂L/∂h_t‖ of the top layer at every step t (and ‖∂L/∂c_t‖ for an
    /// LSTM), for the final-label loss of `batch` with full BPTT. Leaves `gradients` filled.
    public func gradientNorms(_ batch: SequenceBatch, threads: Int = 2) -> (h: [[Float]], c: [[Float]]?) {
        passLock.wait()
        defer { passLock.signal() }
        let n = batch.sequences.count
        let shards = max(1, min(threads, n))
        while workspaces.count < shards { workspaces.append(Workspace()) }
        let maxLen = batch.sequences.map(\.count).max() ?? 0
        for w in workspaces.prefix(shards) {
            w.recordNorms = true
            let rows = (n + shards - 1) / shards
            w.hNorms = [Float](repeating: 0, count: maxLen * rows)
            w.cNorms = config.arch == .lstm ? [Float](repeating: 0, count: maxLen * rows) : []
        }
        defer { for w in workspaces { w.recordNorms = false } }
        _ = runHoldingLock(batch, train: true, threads: threads, wantSteps: false)
        var h = [[Float]](repeating: [], count: n), c = [[Float]](repeating: [], count: n)
        for w in workspaces.prefix(shards) {
            for (m, r) in w.rows.enumerated() {
                let len = w.fullLengths[m]
                h[r] = (0..<len).map { w.hNorms[$0 * w.B + m] }
                if config.arch == .lstm { c[r] = (0..<len).map { w.cNorms[$0 * w.B + m] } }
            }
        }
        return (h, config.arch == .lstm ? c : nil)
    }

    /// Hidden (and LSTM cell) states of the top layer after every byte of one sequence.
    public func states(_ sequence: [UInt8]) -> (h: [[Float]], c: [[Float]]?) {
        let s = states(sequence, from: nil)
        return (s.h, s.c)
    }

    /// The same, continuing from `initial` (nil: the zero state), with the state after the
    /// last byte (every layer) to continue from: a long text can be read in pieces.
    public func states(_ sequence: [UInt8], from initial: RecurrentState?) -> (h: [[Float]], c: [[Float]]?, final: RecurrentState?) {
        guard !sequence.isEmpty else { return ([], nil, initial) }
        let w = Workspace()
        w.rows = [0]; w.fullLengths = [sequence.count]
        load(SequenceBatch(sequences: [sequence]), into: w, start: 0, end: sequence.count, withTargets: false)
        w.wantStates = true
        loadInitial([initial], into: w)
        forward(w, store: true)
        let slots = ResultSlots(n: 1, states: true)
        slots.collectStates(w, H: config.hidden, layers: config.layers, cell: config.arch == .lstm)
        let H = config.hidden, top = w.layers[config.layers - 1]
        let h = (0..<sequence.count).map { t in Array(UnsafeBufferPointer(start: top.h.p + t * H, count: H)) }
        let c: [[Float]]? = config.arch == .lstm ? (0..<sequence.count).map { t in Array(UnsafeBufferPointer(start: top.c.p + t * H, count: H)) } : nil
        return (h, c, slots.states[0])
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

/// Per-sequence outputs gathered from the shards (each slot written by one thread).
final class ResultSlots: @unchecked Sendable {
    var probabilities: [Float]
    var steps: [[Float]]
    /// Final states, one slot per sequence; allocated only when a pass asks for them.
    var states: [RecurrentState]
    init(n: Int, states wantStates: Bool = false) {
        probabilities = [Float](repeating: 0, count: n); steps = [[Float]](repeating: [], count: n)
        states = wantStates ? [RecurrentState](repeating: RecurrentState(h: [], c: []), count: n) : []
    }

    /// Each row's final state (every layer), from the shard's `finalH` / `finalC`.
    func collectStates(_ w: Workspace, H: Int, layers L: Int, cell: Bool) {
        let B = w.B
        for (m, r) in w.rows.enumerated() {
            var s = RecurrentState(h: [Float](repeating: 0, count: L * H), c: cell ? [Float](repeating: 0, count: L * H) : [])
            for l in 0..<L {
                for j in 0..<H { s.h[l * H + j] = w.finalH.p[(l * B + m) * H + j] }
                if cell { for j in 0..<H { s.c[l * H + j] = w.finalC.p[(l * B + m) * H + j] } }
            }
            states.withUnsafeMutableBufferPointer { $0[r] = s }
        }
    }

    func collect(_ w: Workspace) {
        probabilities.withUnsafeMutableBufferPointer { out in
            for (m, r) in w.rows.enumerated() { out[r] = w.lastProbabilities[m] }
        }
    }

    func prepareSteps(_ w: Workspace, P: Int) {
        steps.withUnsafeMutableBufferPointer { out in
            for (m, r) in w.rows.enumerated() { out[r] = [Float](repeating: 0, count: w.fullLengths[m] * P) }
        }
    }

    /// Per-step logits of the current chunk, written at their place in each sequence.
    func collectSteps(_ w: Workspace, P: Int) {
        steps.withUnsafeMutableBufferPointer { out in
            for (m, r) in w.rows.enumerated() {
                out[r].withUnsafeMutableBufferPointer { s in
                    for t in 0..<w.lengths[m] {
                        for k in 0..<P { s[(w.start + t) * P + k] = w.stepLogits.p[(t * w.B + m) * P + k] }
                    }
                }
            }
        }
    }
}

// MARK: Small vector helpers

@inline(__always)
func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = SIMD8<Float>.zero
    var j = 0
    while j + 8 <= n { acc.addProduct(load8(a + j), load8(b + j)); j += 8 }
    var s = acc.sum()
    while j < n { s += a[j] * b[j]; j += 1 }
    return s
}

/// y += alpha·x
@inline(__always)
func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
    let a = SIMD8<Float>(repeating: alpha)
    var j = 0
    while j + 8 <= n { store8(load8(y + j).addingProduct(a, load8(x + j)), y + j); j += 8 }
    while j < n { y[j] += alpha * x[j]; j += 1 }
}

/// y += x
@inline(__always)
func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, _ n: Int) {
    var j = 0
    while j + 8 <= n { store8(load8(y + j) + load8(x + j), y + j); j += 8 }
    while j < n { y[j] += x[j]; j += 1 }
}

/// out[j] += Σ_r m[r, j]
func columnSums(_ m: UnsafePointer<Float>, rows: Int, cols: Int, into out: UnsafeMutablePointer<Float>) {
    for r in 0..<rows { add(m + r * cols, into: out, cols) }
}

/// out[c, r] += m[r, c]
func transposeAdd(_ m: UnsafePointer<Float>, rows: Int, cols: Int, into out: UnsafeMutablePointer<Float>) {
    for r in 0..<rows { for c in 0..<cols { out[c * rows + r] += m[r * cols + c] } }
}
