import Foundation
import JUnit
import NestNetSupport
import RecurrentNet
import Training
import RealModule

/// Accuracy sections: in distribution, against test length, against the distance of the edit from the end, by edit kind.
extension ExperimentReport {
    func inDistributionSection(_ d: inout ReportDocument) {
        guard languages.contains(where: { trainLengths($0).count > 1 }) else { return }
        d.add(.heading(2, "Accuracy against training length"))
        d.add(.paragraph("Each model tested on texts as long as the longest it was trained on (¾–1× that length): can the architecture learn the task at that length at all?"))
        for l in languages where trainLengths(l).count > 1 {
            var chart = SVGChart(title: "\(l): accuracy at the training length", xLabel: "training length = test length (bytes, log scale)", yLabel: "accuracy")
            chart.xScale = .log2; chart.yRange = 0.4...1.0
            chart.references = [.init(value: 0.5, label: "chance", vertical: false)]
            var rows: [[String]] = []
            for a in archs(l) {
                let stats = trainLengths(l).compactMap { t -> (Double, Stat)? in
                    guard let n = testLengths(l, t).last(where: { $0 <= t }), let s = accuracy(l, t, a, test: n) else { return nil }
                    return (Double(t), s)
                }
                chart.series.append(.init(name: a, points: stats.map { ($0.0, $0.1.mean) }, band: stats.map { ($0.0, $0.1.min, $0.1.max) },
                                          color: SVGChart.color(forArch: a)))
                rows.append([a] + trainLengths(l).map { t in stats.first { $0.0 == Double(t) }.map { cell($0.1) } ?? "–" })
            }
            d.add(.chart(file: "accuracy-at-training-length-\(l).svg", svg: chart.render(), caption: "\(l): accuracy on texts of the training length, by training length (mean over seeds, min–max shaded)"))
            d.add(.table(header: ["arch"] + trainLengths(l).map { "trained and tested at \($0)" }, rows: rows))
        }
    }

    func lengthSection(_ d: inout ReportDocument) {
        d.add(.heading(2, "Accuracy against test length"))
        d.add(.paragraph("Mean over seeds, with the min–max range shaded; the dotted vertical line is the longest training text."))
        for l in languages { for t in trainLengths(l) {
            let tests = testLengths(l, t)
            var chart = SVGChart(title: "\(l): accuracy vs test length (trained on ≤\(t) bytes)", xLabel: "test length (bytes, log scale)", yLabel: "accuracy")
            chart.xScale = .log2; chart.yRange = 0.4...1.0
            chart.references = [.init(value: Double(t), label: "train ≤\(t)", vertical: true), .init(value: 0.5, label: "chance", vertical: false)]
            var rows: [[String]] = []
            for a in archs(l) {
                let stats = tests.compactMap { n in accuracy(l, t, a, test: n).map { (Double(n), $0) } }
                chart.series.append(.init(name: a, points: stats.map { ($0.0, $0.1.mean) }, band: stats.map { ($0.0, $0.1.min, $0.1.max) },
                                          color: SVGChart.color(forArch: a)))
                rows.append([a] + tests.map { n in accuracy(l, t, a, test: n).map { cell($0) } ?? "–" })
            }
            d.add(.chart(file: "accuracy-vs-length-\(l)-L\(t).svg", svg: chart.render(), caption: "\(l), trained on texts ≤\(t) bytes: accuracy by test length (mean over seeds, min–max shaded)"))
            d.add(.table(header: ["arch"] + tests.map { "\($0)" }, rows: rows))
        } }
    }

    func distanceSection(_ d: inout ReportDocument) {
        d.add(.heading(2, "Accuracy against the distance from the breaking edit to the end"))
        d.add(.paragraph("Invalid test texts only (all test lengths pooled), by how many bytes lie between the edit that breaks the nesting and the end of the text, in power-of-two buckets. A model that only remembers the last few hundred bytes catches late edits and misses early ones."))
        for (l, t) in longestTraining {
            var chart = SVGChart(title: "\(l): invalid texts caught by edit distance from the end (train ≤\(t))", xLabel: "bytes from the breaking edit to the end (log scale)", yLabel: "fraction flagged invalid")
            chart.xScale = .log2; chart.yRange = 0...1
            var buckets = Set<Int>()
            var perArch: [(String, [Int: (Int, Int)])] = []
            for a in archs(l) {
                var m: [Int: (Int, Int)] = [:]
                for r in runs(l, t, a) { for test in r.tests { for b in test.byDistance {
                    let cur = m[b.log2Distance] ?? (0, 0)
                    m[b.log2Distance] = (cur.0 + b.count, cur.1 + b.correct)
                    buckets.insert(b.log2Distance)
                } } }
                perArch.append((a, m))
                let pts = m.keys.sorted().filter { m[$0]!.0 >= 5 }.map { (Double.pow(2, Double($0) + 0.5), Double(m[$0]!.1) / Double(m[$0]!.0)) }
                chart.series.append(.init(name: a, points: pts, color: SVGChart.color(forArch: a)))
            }
            let ks = buckets.sorted()
            d.add(.chart(file: "accuracy-vs-distance-\(l)-L\(t).svg", svg: chart.render(), caption: "\(l), trained on ≤\(t): invalid texts flagged, by distance of the breaking edit from the end (buckets with at least 5 texts)"))
            d.add(.table(header: ["arch"] + ks.map { "\(1 << $0)–\((1 << ($0 + 1)) - 1)" },
                         rows: perArch.map { a, m in [a] + ks.map { k in m[k].map { "\(fixed(Double($0.1) / Double(max($0.0, 1)), 3)) (\($0.0))" } ?? "–" } }))
        }
    }

    /// Invalid texts caught by the kind of their breaking edit: count-preserving kinds (swapped
    /// closers, a moved opener) need a stack, the others a counter is enough for.
    func editSection(_ d: inout ReportDocument) {
        guard results.contains(where: { $0.tests.contains { $0.byEdit != nil } }) else { return }
        d.add(.heading(2, "Accuracy by edit kind"))
        d.add(.paragraph("Invalid test texts only (all test lengths pooled), by the kind of edit that breaks them. `swap-closers` and `move-opener` keep every per-type bracket count, so only something like a stack catches them; the other kinds change a count, which a counter sees."))
        for (l, t) in longestTraining {
            var kinds = Set<String>()
            var perArch: [(String, [String: (Int, Int)])] = []
            for a in archs(l) {
                var m: [String: (Int, Int)] = [:]
                for r in runs(l, t, a) { for test in r.tests { for b in test.byEdit ?? [] {
                    let cur = m[b.kind] ?? (0, 0)
                    m[b.kind] = (cur.0 + b.count, cur.1 + b.correct)
                    kinds.insert(b.kind)
                } } }
                perArch.append((a, m))
            }
            let ks = kinds.sorted()
            guard !ks.isEmpty else { continue }
            d.add(.paragraph("\(l), trained on ≤\(t): fraction of invalid texts flagged (texts)."))
            d.add(.table(header: ["arch"] + ks, rows: perArch.map { a, m in [a] + ks.map { k in m[k].map { "\(fixed(Double($0.1) / Double(max($0.0, 1)), 3)) (\($0.0))" } ?? "–" } }))
        }
    }
}
