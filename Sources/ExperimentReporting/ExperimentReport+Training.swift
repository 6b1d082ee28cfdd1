import Foundation
import JUnit
import NestNetSupport
import RecurrentNet
import Training

/// Training sections: gradient norms against distance, learning curves, per-step traces.
extension ExperimentReport {
    func gradientSection(_ d: inout ReportDocument) {
        d.add(.heading(2, "Gradient flow: ‖∂L/∂h_t‖ against distance from the end"))
        d.add(.paragraph("The loss is the final-label BCE; the norm of its gradient with respect to the hidden state t steps before the end, averaged over the probe texts and over seeds (log scale). Solid: trained; dashed: the same architecture at initialisation. An exponential decay is a straight line here; the fitted factor per 100 steps is in the table. Norms below about 1e-38 underflow 32-bit floats and are not drawn."))
        for (l, t) in longestTraining {
            var chart = SVGChart(title: "\(l): ‖∂L/∂h_t‖ vs distance from the end (trained on ≤\(t))", xLabel: "distance from the end of the text (bytes)", yLabel: "mean ‖∂L/∂h_t‖ (log scale)")
            chart.yScale = .log10
            var rows: [[String]] = []
            for a in archs(l) {
                let rs = runs(l, t, a)
                guard !rs.isEmpty else { continue }
                func mean(_ arrays: [[Double]]) -> [Double] {
                    let n = arrays.map(\.count).min() ?? 0
                    return (0..<n).map { i in arrays.reduce(0) { $0 + $1[i] } / Double(arrays.count) }
                }
                let h = mean(rs.map(\.gradients.h)), h0 = mean(rs.map(\.gradients.hInit))
                let step = max(1, h.count / 160)
                func pts(_ v: [Double]) -> [(x: Double, y: Double)] { stride(from: 0, to: v.count, by: step).map { (Double($0), v[$0]) }.filter { $0.y > 1e-38 } }
                chart.series.append(.init(name: "\(a) trained", points: pts(h), color: SVGChart.color(forArch: a), markers: false))
                chart.series.append(.init(name: "\(a) at init", points: pts(h0), color: SVGChart.color(forArch: a), dashed: true, markers: false))
                let cTrained = rs.compactMap(\.gradients.cFactorPer100), cInit = rs.compactMap(\.gradients.cInitFactorPer100)
                rows.append([a, "×" + scientific(geo(rs.map(\.gradients.hFactorPer100))), "×" + scientific(geo(rs.map(\.gradients.hInitFactorPer100))),
                             cTrained.isEmpty ? "–" : "×" + scientific(geo(cTrained)), cInit.isEmpty ? "–" : "×" + scientific(geo(cInit)),
                             h.last.map(scientific) ?? "–", h.first.map(scientific) ?? "–"])
            }
            d.add(.chart(file: "gradients-\(l)-L\(t).svg", svg: chart.render(), caption: "\(l), trained on ≤\(t): gradient norm by distance from the end; solid trained, dashed at initialisation"))
            d.add(.table(header: ["arch", "‖∂L/∂h‖ per 100 steps, trained", "at init", "‖∂L/∂c‖ per 100 steps, trained", "at init", "‖∂L/∂h‖ at the farthest distance", "at the last step"], rows: rows))
        }
    }

    func trainingSection(_ d: inout ReportDocument) {
        d.add(.heading(2, "Training curves"))
        for (l, t) in longestTraining {
            var chart = SVGChart(title: "\(l): validation accuracy by epoch (trained on ≤\(t))", xLabel: "epoch", yLabel: "validation accuracy")
            chart.yRange = 0.4...1.0
            chart.references = [.init(value: 0.5, label: "chance", vertical: false)]
            var rows: [[String]] = []
            for a in archs(l) {
                let rs = runs(l, t, a)
                let epochs = rs.map(\.history.count).min() ?? 0
                let pts = (0..<epochs).map { e in (Double(e + 1), rs.reduce(0.0) { $0 + ($1.history[e].validAccuracy ?? 0) } / Double(rs.count)) }
                let band = (0..<epochs).map { e in (Double(e + 1), rs.map { $0.history[e].validAccuracy ?? 0 }.min()!, rs.map { $0.history[e].validAccuracy ?? 0 }.max()!) }
                chart.series.append(.init(name: a, points: pts, band: band, color: SVGChart.color(forArch: a)))
                let secs = rs.reduce(0) { $0 + $1.trainSeconds } / Double(max(rs.count, 1))
                let tps = rs.reduce(0) { $0 + $1.tokensPerSecond } / Double(max(rs.count, 1))
                let diverged = rs.compactMap(\.diverged)
                rows.append([a, "\(rs.first?.parameters ?? 0)", formatDuration(secs), "\(Int(tps / 1000))k", fixed(rs.compactMap(\.bestValidAccuracy).reduce(0, +) / Double(max(rs.count, 1)), 3),
                             diverged.isEmpty ? "no" : "\(diverged.count) of \(rs.count) (step \(diverged.map { "\($0.step)" }.joined(separator: ", ")))"])
            }
            d.add(.chart(file: "training-\(l)-L\(t).svg", svg: chart.render(), caption: "\(l), trained on ≤\(t): validation accuracy after each epoch (mean over seeds, min–max shaded)"))
            d.add(.table(header: ["arch", "parameters", "mean training time", "training tokens/s", "best validation accuracy", "diverged (non-finite loss or gradient; evaluated at its best checkpoint)"], rows: rows))
            stepTraceCharts(&d, l, t)
        }
    }

    /// Gradient norm (before clipping) and loss per training step, one run per series (its
    /// first seed): spikes are what clipping is for (Pascanu et al. 2013). Each point is the
    /// largest of the steps it covers, so no spike is averaged away.
    func stepTraceCharts(_ d: inout ReportDocument, _ l: String, _ t: Int) {
        let traced = archs(l).compactMap { a in runs(l, t, a).min { $0.job.seed < $1.job.seed }.flatMap { r in r.stepTrace.map { (a, r.job.seed, $0) } } }
        guard !traced.isEmpty else { return }
        for (what, file, values) in [("gradient norm before clipping", "grad-norm", \StepTrace.gradNorm), ("training loss", "step-loss", \StepTrace.loss)] {
            var chart = SVGChart(title: "\(l): \(what) per step (trained on ≤\(t))", xLabel: "training step", yLabel: what + " (log scale)")
            chart.yScale = .log10
            for (a, _, trace) in traced {
                let ys = trace[keyPath: values]
                chart.series.append(.init(name: a, points: zip(trace.steps, ys).filter { $0.1 > 0 }.map { (Double($0.0), Double($0.1)) },
                                          color: SVGChart.color(forArch: a), markers: false))
            }
            d.add(.chart(file: "\(file)-\(l)-L\(t).svg", svg: chart.render(),
                         caption: "\(l), trained on ≤\(t): \(what) per training step, one run per line (seeds \(traced.map { "\($0.0) s\($0.1)" }.joined(separator: ", "))); each point is the largest over the steps it covers"))
        }
        d.add(.table(header: ["arch", "largest gradient norm", "median gradient norm", "steps whose norm exceeds 10× the median"], rows: traced.map { a, _, tr in
            let sorted = tr.gradNorm.sorted()
            let median = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
            return [a, scientific(Double(sorted.last ?? 0)), scientific(Double(median)), "\(tr.gradNorm.filter { $0 > 10 * median }.count) of \(tr.gradNorm.count) points"]
        }))
    }
}
