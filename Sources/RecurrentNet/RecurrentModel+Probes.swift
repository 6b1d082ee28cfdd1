import Dispatch
import NestNetSupport

/// What the probes read: gradient norms into every step's state, and the states themselves.
extension RecurrentModel {
    /// Probe: the norms of the total gradients into h_t and (LSTM) c_t, for each active row.
    /// ∂L/∂c_t = dc_next + ∂L/∂h_t ⊙ o_t ⊙ (1 − tanh² c_t).
    /// Squares are summed in Double: in Float, g² underflows once |g| < 1e-19, and the norm of a
    /// vanishing gradient would read 0 some 19 decades before Float's own gradients reach 0.
    func recordNorms(_ w: Workspace, layer lb: LayerBuffers, t: Int, M: Int, dh: UnsafePointer<Float>, dcNext: UnsafePointer<Float>) {
        let H = config.hidden, B = w.B, G = config.gateWidth
        for m in 0..<M {
            var sh = 0.0, sc = 0.0
            for j in 0..<H {
                let g = dh[m * H + j]
                sh += Double(g) * Double(g)
                if config.arch == .lstm {
                    let o = lb.acts.p[(t * B + m) * G + 3 * H + j], tc = lb.tc.p[(t * B + m) * H + j]
                    let dc = Double(dcNext[m * H + j] + g * o * (1 - tc * tc))
                    sc += dc * dc
                }
            }
            w.hNorms[t * B + m] = Float(sh.squareRoot())
            if config.arch == .lstm { w.cNorms[t * B + m] = Float(sc.squareRoot()) }
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
}
