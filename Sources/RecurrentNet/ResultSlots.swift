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
