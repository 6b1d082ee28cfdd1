import NestNetSupport
import Training

/// Counter drift: how far the best counter unit wanders from the depth as a long text goes on
/// (issue 16, part 3). Shown only when the probe texts are long (`--probe-length` ≥ 1024), as
/// in `scripts/sweep-counting.sh`; a sweep with short probe texts has no room for drift.
extension ExperimentReport {
    /// The trace's unit activation mapped onto the depth's scale by least squares, and what
    /// is left: `residual[i]` = fitted − depth at byte i. A counter whose increments and
    /// decrements do not cancel exactly leaves a residual that grows along the text.
    struct DriftFit {
        var residual: [Double]
        /// Least-squares slope of the residual against the byte offset, per 1000 bytes.
        var perThousand: Double

        init?(depth: [Int32], activation: [Float]) {
            let n = min(depth.count, activation.count)
            guard n >= 2 else { return nil }
            let y = depth.prefix(n).map(Double.init), x = activation.prefix(n).map(Double.init)
            let mx = x.reduce(0, +) / Double(n), my = y.reduce(0, +) / Double(n)
            let sxy = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }, sxx = x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
            guard sxx > 0 else { return nil }
            let k = sxy / sxx
            residual = (0..<n).map { my + k * (x[$0] - mx) - y[$0] }
            let mt = Double(n - 1) / 2, mr = residual.reduce(0, +) / Double(n)
            var num = 0.0, den = 0.0
            for (t, r) in residual.enumerated() { num += (Double(t) - mt) * (r - mr); den += (Double(t) - mt) * (Double(t) - mt) }
            perThousand = den > 0 ? 1000 * num / den : 0
        }
    }

    static let driftMinimumTrace = 1024

    func counterDriftSection(_ d: inout ReportDocument) {
        let long = results.filter { $0.counter.traceDepth.count >= Self.driftMinimumTrace }
        guard !long.isEmpty else { return }
        d.add(.heading(2, "Counter drift"))
        d.add(.paragraph("The best counter unit of each run, mapped onto the depth by least squares over one long valid probe text, and what is left along the text: a unit whose increments and decrements do not cancel exactly drifts away from the depth, and once the drift reaches half a level, depth 0 and depth 1 look alike, so a valid text ends \"open\" or an early closer looks allowed. The drift is the slope of that residual, in depth levels per 1000 bytes; \"bytes to ½ level\" is 500 / |drift|, where accuracy should start to fall."))
        var rows: [[String]] = []
        for l in languages { for t in trainLengths(l) { for a in archs(l) {
            let fits = runs(l, t, a).filter { $0.counter.traceDepth.count >= Self.driftMinimumTrace }
                .compactMap { DriftFit(depth: $0.counter.traceDepth, activation: $0.counter.traceActivation) }
            guard !fits.isEmpty else { continue }
            let drifts = fits.map { abs($0.perThousand) }
            let mean = drifts.reduce(0, +) / Double(drifts.count)
            let reach = drifts.map { $0 > 0 ? 500 / $0 : .infinity }
            rows.append([l, "\(t)", a, fixed(mean, 3), fixed(drifts.max()!, 3), reach.min()!.isFinite ? "\(Int(reach.min()!.rounded()))" : "—",
                         reach.max()!.isFinite ? "\(Int(reach.max()!.rounded()))" : "—"])
        } } }
        d.add(.table(header: ["language", "trained on ≤", "series", "|drift| per 1000 bytes (mean over seeds)", "max", "bytes to ½ level (worst seed)", "(best seed)"], rows: rows))
        // Run by run: does the drift predict how far the run reads?
        var perRun: [[String]] = []
        for r in long {
            guard let fit = DriftFit(depth: r.counter.traceDepth, activation: r.counter.traceActivation) else { continue }
            let reach = abs(fit.perThousand) > 0 ? "\(Int((500 / abs(fit.perThousand)).rounded()))" : "—"
            let tests = r.tests.sorted { $0.testLength < $1.testLength }
            let held = tests.prefix { $0.accuracy >= 0.95 }.last.map { "\($0.testLength)" } ?? "—"
            let first = tests.first { $0.accuracy < 0.95 }.map { "\($0.testLength) (\(fixed($0.accuracy, 3)))" } ?? "—"
            perRun.append([r.job.id, fixed(fit.perThousand, 3), reach, held, first])
        }
        d.add(.paragraph("Run by run, the drift's prediction beside the test lengths (texts of ¾ of the length up to it) where accuracy is still ≥ 0.95 and where it first falls below:"))
        d.add(.table(header: ["run", "drift per 1000 bytes", "bytes to ½ level", "longest test length ≥ 0.95 (from the shortest)", "first below 0.95"], rows: perRun))
        for l in languages { for t in trainLengths(l) {
            var chart = SVGChart(title: "\(l), trained on ≤ \(t): counter unit minus depth along a text", xLabel: "byte", yLabel: "residual (depth levels)")
            for a in archs(l) {
                guard let r = runs(l, t, a).first(where: { $0.counter.traceDepth.count >= Self.driftMinimumTrace }),
                      let fit = DriftFit(depth: r.counter.traceDepth, activation: r.counter.traceActivation) else { continue }
                // At most about 800 points: every k-th byte.
                let k = max(1, fit.residual.count / 800)
                let pts = stride(from: 0, to: fit.residual.count, by: k).map { (Double($0), fit.residual[$0]) }
                chart.series.append(.init(name: "\(a) (seed \(r.job.seed), \(r.counter.cell ? "c" : "h")[\(r.counter.unit)])", points: pts,
                                          color: SVGChart.color(forArch: a), markers: false))
            }
            guard !chart.series.isEmpty else { continue }
            chart.references = [.init(value: 0.5, label: "½ level", vertical: false), .init(value: -0.5, label: "−½ level", vertical: false),
                                .init(value: Double(t), label: "training length", vertical: true)]
            d.add(.chart(file: "counter-drift-\(l)-L\(t).svg", svg: chart.render(),
                         caption: "\(l), trained on ≤ \(t) bytes: the best counter unit, affine-fitted to the depth, minus the depth, along the first valid probe text (one seed per series)"))

            // The same unit against the depth itself: a counter that saturated would bend away
            // from the diagonal at the depths training never reached.
            var byDepth = SVGChart(title: "\(l), trained on ≤ \(t): counter unit against the depth", xLabel: "nesting depth (oracle)", yLabel: "unit, affine-fitted to depth")
            var deepest = 0
            for a in archs(l) {
                guard let r = runs(l, t, a).first(where: { $0.counter.traceDepth.count >= Self.driftMinimumTrace }),
                      let fit = DriftFit(depth: r.counter.traceDepth, activation: r.counter.traceActivation) else { continue }
                // Fitted value = depth + residual; its mean at each depth.
                var total: [Int: Double] = [:], count: [Int: Int] = [:]
                for (i, dep) in r.counter.traceDepth.prefix(fit.residual.count).enumerated() {
                    total[Int(dep), default: 0] += Double(dep) + fit.residual[i]
                    count[Int(dep), default: 0] += 1
                }
                deepest = max(deepest, count.keys.max() ?? 0)
                byDepth.series.append(.init(name: "\(a) (seed \(r.job.seed)), mean per depth", points: count.keys.sorted().map { (Double($0), total[$0]! / Double(count[$0]!)) },
                                            color: SVGChart.color(forArch: a), markers: false))
            }
            byDepth.series.insert(.init(name: "the depth itself", points: [(0, 0), (Double(deepest), Double(deepest))], color: "#999999", dashed: true, markers: false), at: 0)
            d.add(.chart(file: "counter-vs-depth-\(l)-L\(t).svg", svg: byDepth.render(),
                         caption: "\(l), trained on ≤ \(t) bytes: the same unit's mean value at each depth of the probe text (affine-fitted as above), beside the diagonal; a saturating counter would bend away from it at the deep end"))
        } }
    }
}
