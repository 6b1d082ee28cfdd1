import Foundation
import JUnit
import NestNetSupport
import RecurrentNet
import Training

/// Probe sections: the stack test (count-preserving edits) and the counter probe.
extension ExperimentReport {
    /// The stack-top probe: can a linear read-out of the state name the innermost open
    /// bracket's type? At depth ≥ 2 a counter alone cannot.
    func stackSection(_ d: inout ReportDocument) {
        guard results.contains(where: { $0.stack != nil }) else { return }
        d.add(.heading(2, "Stack probe"))
        d.add(.paragraph("A linear read-out of the state (one-vs-rest ridge fits) naming the bracket type on top of the stack at every byte of the valid probe texts: fitted on half of them, measured on the other half, beside always answering the most common type. At depth 1 the top is the outermost bracket; at depth 2 or more only something like a stack knows it."))
        var rows: [[String]] = []
        for l in languages { for t in trainLengths(l) { for a in archs(l) {
            let rs = runs(l, t, a).compactMap(\.stack)
            guard !rs.isEmpty else { continue }
            func mean(_ v: [Double]) -> String { fixed(v.reduce(0, +) / Double(v.count), 3) }
            rows.append([l, "\(t)", a, mean(rs.map(\.deepAccuracy)), mean(rs.map(\.deepBaseline)), mean(rs.map(\.accuracy)), mean(rs.map(\.baseline))])
        } } }
        d.add(.table(header: ["language", "trained on ≤", "arch", "depth ≥ 2: read-out", "baseline", "all bytes: read-out", "baseline"], rows: rows))

        // How deep: the bracket k − 1 places below the top, where at least k are open.
        let K = StackTopProbe.levelCount
        var levelRows: [[String]] = []
        for l in languages { for t in trainLengths(l) { for a in archs(l) {
            let ls = runs(l, t, a).compactMap(\.stack?.levels)
            guard !ls.isEmpty else { continue }
            var row = [l, "\(t)", a]
            for k in 0..<K {
                let at = ls.compactMap { $0.first { $0.level == k + 1 && $0.bytes > 0 } }
                guard !at.isEmpty else { row.append("—"); continue }
                let acc = at.map(\.accuracy).reduce(0, +) / Double(at.count), base = at.map(\.baseline).reduce(0, +) / Double(at.count)
                row.append("\(fixed(acc, 3)) (\(fixed(base, 3)))")
            }
            levelRows.append(row)
        } } }
        guard !levelRows.isEmpty else { return }
        d.add(.paragraph("How deep a stack: the same kind of read-out for the bracket 0, 1, 2 and 3 places below the top (the one the text returns to after that many closers), over held-out bytes where that many brackets are open, mean over seeds, with the majority type in brackets. A counter-only model names the top only where it is the outermost bracket; a model that keeps a stack names deeper levels well above the baseline."))
        d.add(.table(header: ["language", "trained on ≤", "arch"] + (0..<K).map { $0 == 0 ? "top" : "top − \($0)" }, rows: levelRows))
    }

    func counterSection(_ d: inout ReportDocument) {
        d.add(.heading(2, "Counter probe"))
        d.add(.paragraph("Pearson r of every hidden unit (and LSTM cell unit) with the oracle's nesting depth after each byte, over valid probe texts; the unit with the largest |r|, and the R² of a linear probe from the whole state to the depth."))
        var rows: [[String]] = []
        for l in languages { for t in trainLengths(l) { for a in archs(l) {
            let rs = runs(l, t, a)
            guard !rs.isEmpty else { continue }
            let rsAbs = rs.map { abs($0.counter.r) }
            rows.append([l, "\(t)", a, fixed(rsAbs.reduce(0, +) / Double(rs.count), 3), fixed(rsAbs.max()!, 3), fixed(rs.map(\.counter.linearR2).reduce(0, +) / Double(rs.count), 3)])
        } } }
        d.add(.table(header: ["language", "trained on ≤", "arch", "best |r| (mean over seeds)", "best |r| (max)", "linear probe R² (mean)"], rows: rows))
        for (l, t) in longestTraining {
            let candidates = archs(l).reversed().flatMap { runs(l, t, $0) }
            guard let r = candidates.max(by: { abs($0.counter.r) < abs($1.counter.r) }), !r.counter.traceDepth.isEmpty else { continue }
            let n = min(r.counter.traceDepth.count, 600)
            let depth = r.counter.traceDepth.prefix(n).map(Double.init), act = r.counter.traceActivation.prefix(n).map(Double.init)
            // Show the activation on the depth's scale through the least-squares affine map.
            let ma = act.reduce(0, +) / Double(n), md = depth.reduce(0, +) / Double(n)
            let sad = zip(act, depth).reduce(0) { $0 + ($1.0 - ma) * ($1.1 - md) }, saa = act.reduce(0) { $0 + ($1 - ma) * ($1 - ma) }
            let k = saa > 0 ? sad / saa : 0
            var chart = SVGChart(title: "\(l): \(r.job.arch.rawValue) unit \(r.counter.cell ? "c" : "h")[\(r.counter.unit)] along a text (r = \(fixed(r.counter.r, 3)))", xLabel: "byte", yLabel: "nesting depth")
            chart.series = [.init(name: "oracle depth", points: depth.enumerated().map { (Double($0.offset), $0.element) }, color: "#999999", markers: false, strokeWidth: 5, opacity: 0.6),
                            .init(name: "unit activation, affine-fitted to depth (\(fixed(k, 3)) × a + \(fixed(md - k * ma, 3)))", points: act.enumerated().map { (Double($0.offset), md + k * ($0.element - ma)) },
                                  color: SVGChart.color(forArch: r.job.arch.rawValue), markers: false)]
            d.add(.chart(file: "counter-\(l)-L\(t).svg", svg: chart.render(), caption: "\(l): the best counter unit (\(r.job.id)) against the oracle's depth over the first \(n) bytes of a valid probe text"))
            let snippet = String(r.counter.traceText.prefix(240))
            d.add(.paragraph("The first bytes of that text:"))
            d.add(.code(snippet))
        }
    }
}
