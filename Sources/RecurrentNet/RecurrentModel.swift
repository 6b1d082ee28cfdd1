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
    /// Extra factor on step-head output 0 (`broken`) where its target is 1, i.e. on every byte
    /// after a break: how much holding on to a break that was seen counts (1: like any target).
    public var brokenWeight: Float
    /// Extra factor on step-head output 2 (`inert`) at bracket bytes `( ) [ ] { }`, code or inert
    /// alike: how much knowing the lexical state where it decides the count matters (1: like any byte).
    public var inertWeight: Float
    /// Train step-head output 0 (`broken`) as a latch: at a byte whose target is off, the loss
    /// reads the largest `broken` logit so far; at one whose target is on, the largest since the
    /// target came on (the break). One firing after a break is all a break needs, and a flicker
    /// anywhere in a valid text is paid for at every later byte, as `check --hold 1` reads it.
    public var brokenLatch: Bool
    /// Train step-head output 2 (`inert`) alone: the final head and the other step outputs get
    /// no loss and no gradient, so the network is only a lexer (`train --lexer-only`).
    public var lexerOnly = false
    /// With `lexerOnly`, also train step-head output 1 as `later` (its target is bit 5 of each
    /// target byte, `StepTargets.laterBit`: a later branch of a live conditional), weighted at
    /// brackets like `inert` (`train --lexer-only --later-branches`).
    public var lexerLater = false
    /// With `lexerOnly`, train every step output as a stack network's moves (`StackMoves`: push,
    /// pop, inert, two kind bits; targets already in that order, the kind bits at brackets only),
    /// the moves and `inert` weighted `inertWeight` at brackets (`train --lexer-only --stack-moves`).
    public var lexerMoves = false
    /// Per-byte depth targets for the cells of `counterUnits` (`StepTargets.computeWithDepths`;
    /// 255: none at this byte), one byte per input byte.
    public var counterDepths: [[UInt8]]?
    /// The layer-0 LSTM units whose cells learn the depth (empty: no depth loss).
    public var counterUnits: Range<Int>
    /// Weight of the counters' depth loss (`RecurrentModel.counterDepthLoss`): Huber of cell −
    /// depth plus Huber of the cell's step − the depth's step, mean over bytes × counters.
    public var counterWeight: Float

    public init(sequences: [[UInt8]], labels: [Float] = [], stepTargets: [[UInt8]]? = nil, stepWeight: Float = 1,
                brokenWeight: Float = 1, inertWeight: Float = 1, brokenLatch: Bool = false, counterDepths: [[UInt8]]? = nil, counterUnits: Range<Int> = 0..<0,
                counterWeight: Float = 0) {
        self.sequences = sequences; self.labels = labels; self.stepTargets = stepTargets; self.stepWeight = stepWeight
        self.brokenWeight = brokenWeight; self.inertWeight = inertWeight; self.brokenLatch = brokenLatch
        self.counterDepths = counterDepths; self.counterUnits = counterUnits; self.counterWeight = counterWeight
    }
}

/// What a pass returns.
public struct BatchResult: Sendable {
    /// Mean binary cross-entropy of the final labels (0 without labels).
    public var loss: Double
    /// Mean per-step BCE, `brokenWeight` on broken bytes' `broken` output and `inertWeight` on
    /// brackets' `inert` output (0 without step targets).
    public var stepLoss: Double
    /// P(valid) per sequence, in input order.
    public var probabilities: [Float]
    /// Final predictions that match the labels.
    public var correct: Int
    /// Per-step head logits per sequence ([length × P]), when asked for.
    public var stepLogits: [[Float]]?
    /// Each sequence's state after its last byte, when asked for (`predict(_:from:…)`).
    public var finalStates: [RecurrentState]?
    /// Mean Huber loss of the counters' cells against their depth targets, per byte and counter
    /// (0 without them; computed by `backward` only).
    public var counterLoss: Double = 0
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
    // Derived caches, allocated once and refilled by `prepare()` (after every training step).
    let table = FloatBuffer()      // [256, G·H]: W_ih0·emb[b] + b_ih0 (+ b_hh0 for RNN/LSTM)
    let layerWeights: [LayerWeights]
    var workspaces: [Workspace] = []
    /// Held for a whole pass (`run`): one pass at a time uses `workspaces`.
    let passLock = DispatchSemaphore(value: 1)

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
        #if NESTNET_AVX512
        let fusedStep = config.arch == .lstm && LSTMCell.fusedStepSupports(H: config.hidden)
        #else
        let fusedStep = false
        #endif
        layerWeights = (0..<config.layers).map {
            LayerWeights(hidden: config.hidden, gateWidth: config.gateWidth, inputWidth: config.inputWidth($0), packed: fusedStep)
        }
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
        parameters.withUnsafeBufferPointer { p in
            let base = p.baseAddress!
            for (l, lw) in layerWeights.enumerated() {
                let inW = c.inputWidth(l)
                transpose(base + layout["rnn.weight_hh_l\(l)"].offset, rows: gh, cols: H, into: lw.whhT.p)
                #if NESTNET_AVX512
                if let packed = lw.packed { LSTMCell.packRecurrentWeights(lw.whhT.p, H: H, into: packed.p) }
                #endif
                transpose(base + layout["rnn.weight_ih_l\(l)"].offset, rows: gh, cols: inW, into: lw.wihT.p)
                let bi = layout["rnn.bias_ih_l\(l)"].offset, bh = layout["rnn.bias_hh_l\(l)"].offset
                for g in 0..<gh { lw.inBias.p[g] = base[bi + g] + (c.arch == .gru ? 0 : base[bh + g]) }
            }
            // table[b] = emb[b]·W_ih0ᵀ + bias
            let t = table.ensure(256 * gh), l0 = layerWeights[0]
            for b in 0..<256 { (t + b * gh).update(from: l0.inBias.p, count: gh) }
            gemm(256, gh, c.embed, base + layout["embedding.weight"].offset, lda: c.embed, aTransposed: false,
                 l0.wihT.p, ldb: gh, t, ldc: gh)
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
    /// Subnormal floats are flushed to zero during the pass (`withSubnormalsFlushed`).
    @discardableResult
    public func backward(_ batch: SequenceBatch, threads: Int = 2, bptt: Int? = nil) -> BatchResult {
        precondition(batch.labels.count == batch.sequences.count, "one label per sequence")
        return run(batch, train: true, threads: threads, wantSteps: false, chunk: bptt, flushSubnormals: true)
    }

    /// Inference walks long texts in chunks of this many steps, so memory stays bounded.
    static let inferenceChunk = 4096

    /// One pass, holding `passLock`.
    func run(_ batch: SequenceBatch, train: Bool, threads: Int, wantSteps: Bool, chunk: Int? = nil,
             initial: [RecurrentState?]? = nil, wantStates: Bool = false, flushSubnormals: Bool = false) -> BatchResult {
        passLock.wait()
        defer { passLock.signal() }
        return runHoldingLock(batch, train: train, threads: threads, wantSteps: wantSteps, chunk: chunk,
                              initial: initial, wantStates: wantStates, flushSubnormals: flushSubnormals)
    }

    /// One pass; the caller holds `passLock`. `flushSubnormals`: each shard runs with subnormal
    /// floats flushed to zero on its thread (training only; probes keep the full range).
    func runHoldingLock(_ batch: SequenceBatch, train: Bool, threads: Int, wantSteps: Bool, chunk: Int? = nil,
                        initial: [RecurrentState?]? = nil, wantStates: Bool = false, flushSubnormals: Bool = false) -> BatchResult {
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
        let hasDepths = train && batch.counterDepths != nil && !batch.counterUnits.isEmpty && batch.counterWeight > 0
        if hasDepths {
            precondition(config.arch == .lstm && config.layers == 1 && batch.counterUnits.upperBound <= config.hidden,
                         "a depth loss needs counter units of a one-layer LSTM")
        }
        let depthTerms = hasDepths ? batch.sequences.reduce(0) { $0 + $1.count } * batch.counterUnits.count : 0
        var probabilities = [Float](repeating: 0, count: n)
        var stepOut: [[Float]]? = (wantSteps && P > 0) ? [[Float]](repeating: [], count: n) : nil
        let ws = workspaces
        let results = ResultSlots(n: n, states: wantStates)
        let K = max(1, train ? (chunk ?? Int.max) : Self.inferenceChunk)
        DispatchQueue.concurrentPerform(iterations: shards) { s in withSubnormalsFlushed(flushSubnormals) {
            let w = ws[s]
            w.rows = stride(from: s, to: n, by: shards).map { order[$0] }
            w.fullLengths = w.rows.map { lengths[$0] }
            w.loss = 0; w.stepLoss = 0; w.correct = 0; w.counterLoss = 0
            w.counterUnits = hasDepths ? batch.counterUnits : 0..<0
            w.counterScale = hasDepths ? batch.counterWeight / Float(max(depthTerms, 1)) : 0
            w.lastProbabilities = [Float](repeating: 0, count: w.rows.count)
            if train { w.grads.ensure(self.gradLayout.count).update(repeating: 0, count: self.gradLayout.count) }
            if wantSteps && P > 0 { results.prepareSteps(w, P: P) }
            w.wantStates = wantStates
            let T = w.fullLengths.first ?? 0
            var start = 0
            repeat {
                let end = T - start > K ? start + K : T
                self.load(batch, into: w, start: start, end: end, withTargets: hasSteps, withDepths: hasDepths)
                if start == 0 && wantStates { self.loadInitial(initial ?? [RecurrentState?](repeating: nil, count: n), into: w) }
                self.forward(w, store: train)
                self.finalLogits(w, batch: batch, train: train, scale: batch.lexerOnly ? 0 : 1 / Float(n))
                if hasSteps {
                    self.stepLossAndGradient(w, weight: batch.stepWeight / Float(max(totalSteps, 1)), broken: batch.brokenWeight, inert: batch.inertWeight,
                                             latch: batch.brokenLatch, lexerOnly: batch.lexerOnly, lexerLater: batch.lexerLater, lexerMoves: batch.lexerMoves)
                }
                if train { self.backwardShard(w) }
                if wantSteps && P > 0 { results.collectSteps(w, P: P) }
                self.carryState(w, store: train)
                start = end
            } while start < T
            results.collect(w)
            if wantStates { results.collectStates(w, H: self.config.hidden, layers: self.config.layers, cell: self.config.arch == .lstm) }
        } }
        var loss = 0.0, stepLoss = 0.0, correct = 0, counterLoss = 0.0
        for w in ws.prefix(shards) { loss += w.loss; stepLoss += w.stepLoss; correct += w.correct; counterLoss += w.counterLoss }
        for (i, p) in results.probabilities.enumerated() { probabilities[i] = p }
        if stepOut != nil { stepOut = results.steps }
        if train { reduceGradients(shards: shards) }
        return BatchResult(loss: batch.labels.isEmpty ? 0 : loss / Double(n),
                           stepLoss: hasSteps ? stepLoss / Double(max(totalSteps, 1)) : 0,
                           probabilities: probabilities, correct: correct, stepLogits: stepOut,
                           finalStates: wantStates ? results.states : nil,
                           counterLoss: hasDepths ? counterLoss / Double(max(depthTerms, 1)) : 0)
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
    func load(_ batch: SequenceBatch, into w: Workspace, start: Int, end: Int, withTargets: Bool, withDepths: Bool = false) {
        let B = w.rows.count
        w.start = start
        w.hasInitial = start > 0
        w.lengths = w.fullLengths.map { min(max($0 - start, 0), end - start) }
        let T = end - start
        w.T = T; w.B = B
        w.x = [UInt8](repeating: 0, count: T * B)
        w.targets = withTargets ? [UInt8](repeating: 0, count: T * B) : []
        w.depths = withDepths ? [UInt8](repeating: 255, count: T * B) : []
        w.depthBefore = withDepths ? [UInt8](repeating: 0, count: B) : []
        for (m, r) in w.rows.enumerated() {
            let s = batch.sequences[r]
            for t in 0..<w.lengths[m] { w.x[t * B + m] = s[start + t] }
            if withTargets, let st = batch.stepTargets?[r] {
                for t in 0..<min(w.lengths[m], max(st.count - start, 0)) { w.targets[t * B + m] = st[start + t] }
            }
            if withDepths, let d = batch.counterDepths?[r] {
                for t in 0..<min(w.lengths[m], max(d.count - start, 0)) { w.depths[t * B + m] = d[start + t] }
                if start > 0 { w.depthBefore[m] = start - 1 < d.count ? d[start - 1] : 255 }
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
            let slot = StepSlots(kept: store), hSlot = StepSlots(kept: store || l < L - 1)
            lb.h0.ensure(max(B * H, 1)).update(from: lb.h.p + hSlot(T - 1) * B * H, count: M * H)
            if config.arch == .lstm { lb.c0.ensure(max(B * H, 1)).update(from: lb.c.p + slot(T - 1) * B * H, count: M * H) }
        }
    }
}
