import Foundation
import JUnit
import NestNetSupport
import RecurrentNet
import Training

/// The report document: its sections in order, provenance, findings, literature and files.
extension ExperimentReport {
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
