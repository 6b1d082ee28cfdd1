import Foundation
import JUnit
import NestNetSupport
import RecurrentNet
import Training

/// The report of a sequence-length sweep: accuracy against test length per architecture,
/// accuracy against the distance of the breaking edit from the end, gradient norm against
/// distance, training curves and the counter probe, with the commands and commits that made
/// the numbers. Every number comes from the runs' `result.json` files.
public struct ExperimentReport {
    public let results: [SweepResult]
    public var title: String
    /// Commands that ran into the folder (from `sweep.json`), oldest first.
    public var invocations: [(command: String, commit: String, started: String)] = []
    /// Markdown inserted after the findings (the author's discussion).
    public var notes: String?
    public var expectations: [Expectation] = []
    /// The command that made this report.
    public var reportCommand: String?

    public init(results: [SweepResult], title: String) { self.results = results; self.title = title }

    static let archOrder = Architecture.allCases.map(\.rawValue)

    var languages: [String] { unique(results.map(\.job.language.rawValue)) }
    func trainLengths(_ l: String) -> [Int] { unique(results.filter { $0.job.language.rawValue == l }.map(\.job.trainLength)).sorted() }
    /// The series of a language: each architecture, then its remedy variants (`rnn`,
    /// `rnn+clip0`, …), one line per series in every chart.
    func archs(_ l: String) -> [String] {
        let mine = results.filter { $0.job.language.rawValue == l }
        return Self.archOrder.flatMap { a in unique(mine.filter { $0.job.arch.rawValue == a }.map(\.job.series)).sorted { ($0.count, $0) < ($1.count, $1) } }
    }
    /// Each language with its longest training length: the runs the per-language sections show.
    var longestTraining: [(language: String, trainLength: Int)] {
        languages.compactMap { l in trainLengths(l).last.map { (l, $0) } }
    }
    func runs(_ l: String, _ t: Int, _ a: String) -> [SweepResult] {
        results.filter { $0.job.language.rawValue == l && $0.job.trainLength == t && $0.job.series == a }
    }
    func testLengths(_ l: String, _ t: Int) -> [Int] {
        unique(results.filter { $0.job.language.rawValue == l && $0.job.trainLength == t }.flatMap { $0.tests.map(\.testLength) }).sorted()
    }

    /// Mean, min and max accuracy over seeds.
    public struct Stat { public var mean: Double; public var min: Double; public var max: Double; public var n: Int }
    func stat(_ xs: [Double]) -> Stat? {
        guard !xs.isEmpty else { return nil }
        return Stat(mean: xs.reduce(0, +) / Double(xs.count), min: xs.min()!, max: xs.max()!, n: xs.count)
    }
    public func accuracy(_ l: String, _ t: Int, _ a: String, test n: Int) -> Stat? {
        stat(runs(l, t, a).compactMap { $0.tests.first { $0.testLength == n }?.accuracy })
    }

    // MARK: Expectations and JUnit

    public struct Check: Sendable {
        public var expectation: Expectation
        public var language: String, trainLength: Int, arch: String, testLength: Int
        public var accuracy: Double
        public var holds: Bool
    }

    /// Every (expectation, matching cell) pair; an expectation that matches nothing is an error.
    public func checks() throws -> [Check] {
        var out: [Check] = []
        for e in expectations {
            var matched = false
            for l in languages { for t in trainLengths(l) { for a in archs(l) {
                guard e.matches(language: l, arch: a, testLength: e.testLength, trainLength: t),
                      let s = accuracy(l, t, a, test: e.testLength) else { continue }
                matched = true
                out.append(Check(expectation: e, language: l, trainLength: t, arch: a, testLength: e.testLength, accuracy: s.mean, holds: e.holds(s.mean)))
            } } }
            guard matched else { throw NestNetError("--expect \(e): no result matches (check the architecture and lengths the sweep ran)") }
        }
        return out
    }

    /// One testcase per (language, training length, arch, test length) with its accuracy in
    /// properties; a testcase fails when an expectation about it does not hold.
    public func junit(timestamp: String, hostname: String) throws -> JUnitSuite {
        let all = try checks()
        var cases: [JUnitCase] = []
        for l in languages { for t in trainLengths(l) { for a in archs(l) { for n in testLengths(l, t) {
            guard let s = accuracy(l, t, a, test: n) else { continue }
            let rs = runs(l, t, a)
            let mine = all.filter { $0.language == l && $0.trainLength == t && $0.arch == a && $0.testLength == n }
            let failed = mine.filter { !$0.holds }
            let props = [("accuracy", fixed(s.mean, 4)), ("accuracy.min", fixed(s.min, 4)), ("accuracy.max", fixed(s.max, 4)), ("seeds", "\(s.n)"),
                         ("language", l), ("arch", a), ("train_length", "\(t)"), ("test_length", "\(n)"),
                         ("expectations", mine.map(\.expectation.description).joined(separator: " "))]
            let outcome: JUnitCase.Outcome = failed.isEmpty ? .passed : .failure(
                type: "expectation", message: failed.map { "\($0.expectation) does not hold: accuracy \(fixed($0.accuracy, 4))" }.joined(separator: "; "),
                body: "\(l) \(a) trained on ≤\(t), tested at \(n): mean accuracy \(fixed(s.mean, 4)) over \(s.n) seeds (min \(fixed(s.min, 4)), max \(fixed(s.max, 4)))")
            cases.append(JUnitCase(classname: "nestnet.sweep.\(l).L\(t)", name: "\(a)@\(n)",
                                   seconds: rs.reduce(0) { $0 + $1.trainSeconds } / Double(max(1, testLengths(l, t).count)),
                                   properties: props, outcome: outcome))
        } } } }
        let commits = unique(results.map(\.provenance.commit)).joined(separator: " ")
        return JUnitSuite(name: "nestnet sweep: \(title)", timestamp: timestamp, hostname: hostname,
                          seconds: results.reduce(0) { $0 + $1.trainSeconds },
                          properties: [("runs", "\(results.count)"), ("commits", commits),
                                       ("expectations", expectations.map(\.description).joined(separator: " "))],
                          cases: cases)
    }

    // MARK: The document

    public func document() throws -> ReportDocument {
        var d = ReportDocument(title: title)
        guard !results.isEmpty else {
            d.add(.paragraph("No finished runs yet."))
            return d
        }
        provenanceSection(&d)
        findingsSection(&d)
        if let n = notes, !n.isEmpty { d.add(.heading(2, "Discussion")); d.add(.paragraph(n.trimmingCharacters(in: .whitespacesAndNewlines))) }
        if !expectations.isEmpty {
            d.add(.heading(2, "Expectations"))
            d.add(.table(header: ["expectation", "language", "trained on ≤", "arch", "test length", "mean accuracy", "holds"],
                         rows: try checks().map { [$0.expectation.description, $0.language, "\($0.trainLength)", $0.arch, "\($0.testLength)", fixed($0.accuracy, 3), $0.holds ? "yes" : "**no**"] }))
        }
        inDistributionSection(&d)
        lengthSection(&d)
        distanceSection(&d)
        editSection(&d)
        gradientSection(&d)
        trainingSection(&d)
        counterSection(&d)
        counterDriftSection(&d)
        stackSection(&d)
        literatureSection(&d)
        filesSection(&d)
        return d
    }

    func provenanceSection(_ d: inout ReportDocument) {
        let s = results[0].job.settings
        let seeds = unique(results.map { "\($0.job.seed)" })
        d.add(.paragraph("\(results.count) runs: languages \(languages.joined(separator: ", ")); architectures \(Self.archOrder.filter { a in results.contains { $0.job.arch.rawValue == a } }.joined(separator: ", ")); "
              + "seeds \(seeds.joined(separator: ", ")). Each run trains a byte-level classifier (embedding \(s.embed), one recurrent layer of \(s.hidden) units, sigmoid head on the last step) "
              + "on the final valid/invalid label only, full BPTT, Adam lr \(s.learningRate) (\(s.schedule.rawValue)), \(s.epochs) epochs × \(s.examplesPerEpoch) fresh generated texts of ¼–1× the training length"
              + (s.curriculum.map { " (length curriculum from \($0))" } ?? "") + ", batch \(s.batch); the checkpoint with the best accuracy on \(s.validCount) validation texts is evaluated on \(s.testCount) texts (half valid, invalid ones single-edit corruptions, error position `\(s.errorPosition.rawValue)`) "
              + "of ¾–1× each test length; the same test texts for every run. Chance is 0.5."))
        let totalTrain = results.reduce(0) { $0 + $1.trainSeconds }
        d.add(.paragraph("Training time over all runs: \(formatDuration(totalTrain)) on \(unique(results.map(\.provenance.host)).joined(separator: ", ")) (\(unique(results.map { "\($0.provenance.threads)" }).joined(separator: ", ")) threads). "
              + "Made by nestnet \(unique(results.map(\.provenance.version)).joined(separator: ", ")) at commit \(unique(results.map(\.provenance.commit)).map { "`\($0)`" }.joined(separator: ", "))."))
        var cmds = invocations.map(\.command)
        if cmds.isEmpty { cmds = unique(results.map(\.provenance.command)) }
        d.add(.paragraph("Commands that produced these runs (re-running one skips finished runs):"))
        d.add(.code(unique(cmds).joined(separator: "\n") + (reportCommand.map { "\n" + $0 } ?? "")))
    }

    func findingsSection(_ d: inout ReportDocument) {
        d.add(.heading(2, "Findings"))
        var items: [String] = []
        for (l, t) in longestTraining {
            guard let longest = testLengths(l, t).last else { continue }
            var parts: [String] = []
            for a in archs(l) {
                guard let s = accuracy(l, t, a, test: longest) else { continue }
                let inDist = accuracy(l, t, a, test: testLengths(l, t).last { $0 <= t } ?? t)
                parts.append("\(a) \(fixed(s.mean, 3)) (\(fixed(s.min, 3))–\(fixed(s.max, 3)))" + (inDist.map { ", \(fixed($0.mean, 3)) at \(testLengths(l, t).last { $0 <= t } ?? t)" } ?? ""))
            }
            items.append("**\(l)**, trained on texts ≤\(t) bytes, accuracy at \(longest) (\(ratio(longest, t))× the training length): " + parts.joined(separator: "; ") + ".")
            var g: [String] = []
            for a in archs(l) {
                let rs = runs(l, t, a)
                guard !rs.isEmpty else { continue }
                let tr = geo(rs.map(\.gradients.hFactorPer100)), ini = geo(rs.map(\.gradients.hInitFactorPer100))
                g.append("\(a) ×\(scientific(tr)) trained (×\(scientific(ini)) at initialisation)")
            }
            items.append("**\(l)**: ‖∂L/∂h_t‖ changes per 100 steps of distance by " + g.joined(separator: "; ") + " (geometric mean over seeds; fitted on \(results[0].job.settings.probeLength)-byte texts).")
            var c: [String] = []
            for a in archs(l) {
                let rs = runs(l, t, a)
                guard let best = rs.max(by: { abs($0.counter.r) < abs($1.counter.r) }) else { continue }
                c.append("\(a) best |r| \(fixed(abs(best.counter.r), 3)) (\(best.counter.cell ? "c" : "h")[\(best.counter.unit)], seed \(best.job.seed)), linear probe R² \(fixed(rs.map(\.counter.linearR2).reduce(0, +) / Double(rs.count), 3))")
            }
            items.append("**\(l)**: correlation of a single unit with the nesting depth: " + c.joined(separator: "; ") + ".")
        }
        d.add(.bullets(items))
    }

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
                let pts = m.keys.sorted().filter { m[$0]!.0 >= 5 }.map { (pow(2, Double($0) + 0.5), Double(m[$0]!.1) / Double(m[$0]!.0)) }
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

    func literatureSection(_ d: inout ReportDocument) {
        d.add(.heading(2, "Against published results"))
        var items: [String] = []
        items.append("Suzgun et al. (2019, *LSTM networks can perform dynamic counting*) and Bhattamishra et al. (2020, *On the ability and limitations of transformers to recognize formal languages*) find that LSTMs trained on Dyck-1 generalise to texts about 2–3× longer than seen in training, but do not learn Dyck-2, which needs a stack rather than a counter. Weiss et al. (2018, *On the practical computational power of finite precision RNNs*) show that a GRU (and a tanh RNN) cannot implement an unbounded counter while an LSTM can.")
        for (l, t) in longestTraining {
            let tests = testLengths(l, t).filter { $0 > t }
            guard !tests.isEmpty else { continue }
            var parts: [String] = []
            for a in archs(l) {
                let s = tests.compactMap { n in accuracy(l, t, a, test: n).map { "\(fixed($0.mean, 3)) at \(ratio(n, t))×" } }
                parts.append("\(a) " + s.joined(separator: ", "))
            }
            items.append("Measured here on **\(l)** beyond the training length \(t): " + parts.joined(separator: "; ") + ".")
        }
        d.add(.bullets(items))
    }

    func filesSection(_ d: inout ReportDocument) {
        d.add(.heading(2, "Files"))
        d.add(.bullets(["`results.csv`: one row per (run, test length): \(SweepResult.csvHeader.split(separator: ",").map { "`\($0)`" }.joined(separator: ", ")).",
                        "`runs/<language>-<arch>-L<train length>-s<seed>/result.json`: everything one run measured (history, per-length accuracy and distance buckets, gradient norms at every distance, counter probe), and `model.safetensors`, its best checkpoint (PyTorch parameter names).",
                        "`sweep.json`: every command that ran into this folder; `charts/*.svg`: the charts above; `index.html`: this page, self-contained."]))
    }
}

// MARK: Formatting

func unique<T: Hashable>(_ xs: [T]) -> [T] { var seen = Set<T>(); return xs.filter { seen.insert($0).inserted } }
func cell(_ s: ExperimentReport.Stat) -> String { s.n > 1 ? "\(fixed(s.mean, 3)) (\(fixed(s.min, 3))–\(fixed(s.max, 3)))" : fixed(s.mean, 3) }
func ratio(_ n: Int, _ t: Int) -> String { let r = Double(n) / Double(t); return r == r.rounded() ? "\(Int(r))" : String(format: "%.2g", r) }
func geo(_ xs: [Double]) -> Double {
    let p = xs.filter { $0 > 0 && $0.isFinite }
    guard !p.isEmpty else { return 0 }
    return exp(p.reduce(0) { $0 + log($1) } / Double(p.count))
}
