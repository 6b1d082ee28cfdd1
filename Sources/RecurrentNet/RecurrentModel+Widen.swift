import NestNetSupport
extension RecurrentModel {
    /// Copies a narrower trained model into this one (same arch, embed, layers and step outputs;
    /// `hidden` ≥ the narrow one's), keeping this model's own weights for the new units.
    ///
    /// Every weight that reads a new unit into an old unit or a head is set to zero, so the
    /// widened model computes exactly what the narrow one did (up to summation order), and the
    /// new units start contributing only as training moves those weights (Net2Net-style growth).
    /// Gate blocks are laid out `[gate][unit]`, so old unit `j` of gate `g` sits at row `g·H + j`.
    ///
    /// `counterUnits` K > 0 makes the last K new units counters (`makeCounters`): they start
    /// silent (their cells stay 0 until training writes), so the widened model still computes
    /// the narrow one, but the weights reading them start at a tenth of their fresh values
    /// instead of zero, or no gradient would ever reach them.
    public func widen(from narrow: RecurrentModel, counterUnits: Int = 0) throws {
        let o = narrow.config, m = config
        guard o.arch == m.arch, o.embed == m.embed, o.layers == m.layers, o.stepOutputs == m.stepOutputs, o.hidden <= m.hidden else {
            throw NestNetError("can only widen a model of the same arch, embed, layers and step outputs to a larger --hidden (the model is \(o.shortName), this run is \(m.shortName))")
        }
        let h = o.hidden, H = m.hidden, G = m.arch.gates
        if counterUnits > 0 {
            guard m.arch == .lstm, m.layers == 1 else { throw NestNetError("--counter-units needs a one-layer LSTM (this run is \(m.shortName))") }
            guard counterUnits <= H - h else { throw NestNetError("--counter-units \(counterUnits) is more than the \(H - h) units --widen adds (\(o.shortName) to \(m.shortName))") }
        }
        let counters = (H - counterUnits)..<H
        var p = parameters
        /// `dst[r, c] = src[r', c]` for the old rows/columns; new columns of old rows become 0
        /// (a tenth of their fresh value where `reads(c)`: a counter's column).
        func copyMatrix(_ name: String, oldRows: Int, oldCols: Int, newCols: Int, reads: (Int) -> Bool = { _ in false }, rowMap: (Int) -> Int) {
            let s = narrow.layout[name], d = layout[name]
            for r in 0..<oldRows {
                let dr = rowMap(r)
                for c in 0..<newCols {
                    let i = d.offset + dr * newCols + c
                    p[i] = c < oldCols ? narrow.parameters[s.offset + r * oldCols + c] : reads(c) ? p[i] / 10 : 0
                }
            }
        }
        let gateRow = { (r: Int) in (r / h) * H + r % h }  // old gate row → new gate row
        let emb = narrow.layout["embedding.weight"], demb = layout["embedding.weight"]
        p.replaceSubrange(demb.offset..<demb.offset + demb.count, with: narrow.parameters[emb.offset..<emb.offset + emb.count])
        for l in 0..<m.layers {
            let inOld = o.inputWidth(l), inNew = m.inputWidth(l)
            copyMatrix("rnn.weight_ih_l\(l)", oldRows: G * h, oldCols: inOld, newCols: inNew, rowMap: gateRow)
            copyMatrix("rnn.weight_hh_l\(l)", oldRows: G * h, oldCols: h, newCols: H, reads: counters.contains, rowMap: gateRow)
            for b in ["rnn.bias_ih_l\(l)", "rnn.bias_hh_l\(l)"] {
                let s = narrow.layout[b], d = layout[b]
                for r in 0..<(G * h) { p[d.offset + gateRow(r)] = narrow.parameters[s.offset + r] }
            }
        }
        copyMatrix("head.weight", oldRows: 1, oldCols: h, newCols: H, reads: counters.contains, rowMap: { $0 })
        let hb = narrow.layout["head.bias"], dhb = layout["head.bias"]
        p[dhb.offset] = narrow.parameters[hb.offset]
        if m.stepOutputs > 0 {
            copyMatrix("step_head.weight", oldRows: m.stepOutputs, oldCols: h, newCols: H, reads: counters.contains, rowMap: { $0 })
            let s = narrow.layout["step_head.bias"], d = layout["step_head.bias"]
            p.replaceSubrange(d.offset..<d.offset + d.count, with: narrow.parameters[s.offset..<s.offset + s.count])
        }
        parameters = p
        prepare()
        if counterUnits > 0 { makeCounters(counters) }
    }
}
