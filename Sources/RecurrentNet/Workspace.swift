/// A growable float buffer that is reused across batches (grows, never shrinks, no ARC traffic
/// in the loops that use its pointer).
final class FloatBuffer: @unchecked Sendable {
    private(set) var p: UnsafeMutablePointer<Float>
    private(set) var capacity: Int

    init(_ n: Int = 0) {
        capacity = max(n, 1)
        p = .allocate(capacity: capacity)
        p.initialize(repeating: 0, count: capacity)
    }
    deinit { p.deallocate() }

    /// Makes room for `n` floats (old contents are not kept when it grows).
    @discardableResult
    func ensure(_ n: Int) -> UnsafeMutablePointer<Float> {
        if n > capacity {
            p.deallocate()
            capacity = n
            p = .allocate(capacity: n)
            p.initialize(repeating: 0, count: n)
        }
        return p
    }

    func zero(_ n: Int) { p.update(repeating: 0, count: min(n, capacity)) }
}

/// One layer's weights as the passes read them, derived from the parameters by
/// `RecurrentModel.prepare()`.
final class LayerWeights: @unchecked Sendable {
    let whhT: FloatBuffer      // [H, G·H]   W_hhᵀ
    let wihT: FloatBuffer      // [in, G·H]  W_ihᵀ
    let inBias: FloatBuffer    // [G·H]      b_ih (+ b_hh, except for the GRU, whose n gate keeps it apart)
    /// W_hhᵀ packed for the fused LSTM step (`LSTMCell.packRecurrentWeights`), when the
    /// forward pass uses it.
    let packed: FloatBuffer?

    init(hidden H: Int, gateWidth G: Int, inputWidth inW: Int, packed: Bool) {
        whhT = FloatBuffer(H * G); wihT = FloatBuffer(inW * G); inBias = FloatBuffer(G)
        self.packed = packed ? FloatBuffer(H * G) : nil
    }
}

/// Per-layer activations kept for backpropagation through time (time-major: step t, row b
/// lives at t·B + b).
final class LayerBuffers: @unchecked Sendable {
    let acts = FloatBuffer()   // [T·B, G·H]  activated gates (LSTM i,f,g,o; GRU r,z,n; RNN h)
    let c = FloatBuffer()      // [T·B, H]    LSTM cell state
    let tc = FloatBuffer()     // [T·B, H]    LSTM tanh(c)
    let ghn = FloatBuffer()    // [T·B, H]    GRU hidden projection of the n gate
    let h = FloatBuffer()      // [T·B, H]    hidden state
    let dA = FloatBuffer()     // [T·B, G·H]  gradient w.r.t. input-side pre-activations
    let dAh = FloatBuffer()    // [T·B, G·H]  GRU: gradient w.r.t. hidden-side pre-activations
    let dH = FloatBuffer()     // [T·B, H]    gradient flowing into h_t from above and heads
    let h0 = FloatBuffer()     // [B, H]      state carried in from the previous chunk
    let c0 = FloatBuffer()     // [B, H]      LSTM cell state carried in
}

/// Everything one thread needs for its shard of a batch.
final class Workspace: @unchecked Sendable {
    var layers: [LayerBuffers] = []
    let gh = FloatBuffer()          // [B, G·H]  GRU hidden projection for the current step
    let dhNext = FloatBuffer()      // [B, H]
    let dcNext = FloatBuffer()      // [B, H]
    let hLast = FloatBuffer()       // [B, H]    each sequence's final hidden state
    let finalH = FloatBuffer()      // [L, B, H] each sequence's final state, every layer (when asked for)
    let finalC = FloatBuffer()      // [L, B, H] … and LSTM cell state
    var wantStates = false
    let stepLogits = FloatBuffer()  // [T·B, P]
    let dStep = FloatBuffer()       // [T·B, P]
    let grads = FloatBuffer()       // internal gradient layout (see GradientLayout)
    /// Probe: per (step, row) of the top layer, ‖∂L/∂h_t‖ and (LSTM) ‖∂L/∂c_t‖, when recording.
    var recordNorms = false
    var hNorms: [Float] = []
    var cNorms: [Float] = []
    var x: [UInt8] = []             // [T·B] input bytes, time-major
    var targets: [UInt8] = []       // [T·B] per-step target bits
    var depths: [UInt8] = []        // [T·B] counters' depth targets (255: none), when trained
    var depthBefore: [UInt8] = []   // [B] the depth target before the chunk's first step (0 at a text's start)
    var counterBack: [Float] = []   // [B·K] the depth loss's gradient for c_{t−1}, between two calls
    var counterUnits = 0..<0        // units whose cells learn `depths`
    var latch = LatchState()        // `broken` as a latch (SequenceBatch.brokenLatch): running maxima per row
    var counterScale: Float = 0     // depth-loss weight / (bytes × counters in the batch)
    var lengths: [Int] = []         // per row: steps in the current chunk, non-increasing
    var fullLengths: [Int] = []     // per row: whole sequence length, sorted descending
    var start = 0                   // first step of the current chunk
    var hasInitial = false          // chunk > 0: start from the carried state
    var active: [Int] = []          // per step: rows still running
    var rows: [Int] = []            // row → index in the batch
    var dLogit: [Float] = []        // per row: dL/dlogit
    var lastProbabilities: [Float] = []  // per row: P(valid)
    var T = 0, B = 0
    // Results.
    var loss = 0.0, stepLoss = 0.0, correct = 0, counterLoss = 0.0
}

/// Per row, the running maxima of the `broken` logit that a latched `broken` output is trained
/// through (`RecurrentModel.latchLossAndGradient`), carried across truncated-BPTT chunks: the
/// maximum over every byte so far, and over the current run of bytes whose target is on, each
/// with the chunk-local index of its byte (−1: a byte of an earlier chunk, which takes no gradient).
struct LatchState {
    var all: [Float] = [], allAt: [Int] = []
    var run: [Float] = [], runAt: [Int] = []
    var inRun: [Bool] = []

    mutating func reset(rows: Int) {
        all = [Float](repeating: -.infinity, count: rows); allAt = [Int](repeating: -1, count: rows)
        run = all; runAt = allAt; inRun = [Bool](repeating: false, count: rows)
    }

    /// A new chunk: earlier bytes keep their values but take no more gradient.
    mutating func carry() {
        for m in allAt.indices { allAt[m] = -1; runAt[m] = -1 }
    }
}

/// Offsets of the engine's internal gradient buffer: the per-byte table gradient, then per
/// layer the transposed recurrent and input weight gradients and the two biases, then heads.
struct GradientLayout {
    let table: Int
    var whhT: [Int] = [], wihT: [Int] = [], bI: [Int] = [], bH: [Int] = []
    var headW = 0, headB = 0, stepW = 0, stepB = 0
    let count: Int

    init(_ c: ModelConfig) {
        let gh = c.gateWidth, H = c.hidden
        table = 0
        var off = 256 * gh
        for l in 0..<c.layers {
            whhT.append(off); off += H * gh
            wihT.append(off); off += l == 0 ? 0 : c.inputWidth(l) * gh
            bI.append(off); off += gh
            bH.append(off); off += gh
        }
        headW = off; off += H
        headB = off; off += 1
        stepW = off; off += c.stepOutputs * H
        stepB = off; off += c.stepOutputs
        count = off
    }
}
