import CLibXML2
import Foundation
import ProgramGenerator
import RecurrentNet
import Testing
@testable import ExperimentReporting
import JUnit
@testable import Training

@Suite("Experiment reports: expectations, charts, JUnit")
struct ExperimentReportTests {
    /// Synthetic results: the RNN falls to chance with length, the LSTM holds.
    static func results() -> [SweepResult] {
        var out: [SweepResult] = []
        var settings = SweepSettings()
        settings.testLengths = [64, 256, 1024]
        for arch in [Architecture.rnn, .lstm] { for seed in [UInt64(1), 2] {
            let job = SweepJob(language: .dyck1, arch: arch, trainLength: 256, seed: seed, settings: settings)
            let tests = [64, 256, 1024].map { n -> SweepResult.Test in
                let acc = arch == .lstm ? 0.99 - 0.01 * Double(seed) : (n == 64 ? 0.9 : n == 256 ? 0.7 : 0.5) + 0.01 * Double(seed)
                return .init(testLength: n, count: 100, accuracy: acc, loss: 0.3, byDistance: [.init(log2Distance: 3, count: 10, correct: 9), .init(log2Distance: 9, count: 10, correct: arch == .lstm ? 10 : 5)],
                             byEdit: [.init(kind: "flip-bracket", count: 10, correct: 10), .init(kind: "move-opener", count: 10, correct: arch == .lstm ? 9 : 4)])
            }
            let h = (0..<300).map { d in arch == .lstm ? 0.01 * exp(-0.001 * Double(d)) : 0.01 * exp(-0.2 * Double(d)) }
            let history = (1...3).map { EpochRecord(epoch: $0, maxLength: 256, learningRate: 0.003, trainLoss: 0.5, trainAccuracy: 0.7, validAccuracy: 0.6 + 0.1 * Double($0), validLoss: 0.4, seconds: 2, tokensPerSecond: 1e6) }
            out.append(SweepResult(job: job, parameters: 1000, trainSeconds: 6, tokensPerSecond: 1e6, bestValidAccuracy: 0.9, history: history, tests: tests,
                                   gradients: .init(probeLength: 300, h: h, c: arch == .lstm ? h : nil, hInit: h.map { $0 * 0.5 }, cInit: nil,
                                                    hFactorPer100: GradientProbe.decay(h), hInitFactorPer100: GradientProbe.decay(h), cFactorPer100: nil, cInitFactorPer100: nil),
                                   counter: .init(unit: 3, cell: arch == .lstm, r: arch == .lstm ? 0.99 : 0.2, linearR2: 0.9, traceText: "(()<&>)",
                                                  traceDepth: [1, 2, 1, 0], traceActivation: [0.1, 0.2, 0.1, 0]),
                                   stack: .init(accuracy: 0.9, baseline: 0.5, deepAccuracy: arch == .lstm ? 0.8 + 0.01 * Double(seed) : 0.6, deepBaseline: 0.45,
                                                bytes: 100, deepBytes: 60),
                                   provenance: Provenance(version: "t", command: "nestnet sweep --out x", commit: "c0ffee", host: "h", finished: "", threads: 2)))
        } }
        return out
    }

    @Test func expectationSyntax() throws {
        let e = try Expectation(parsing: "lstm@2048>=0.95")
        #expect(e.arch == "lstm" && e.testLength == 2048 && e.trainLength == nil && e.language == nil && e.comparison == .ge && e.value == 0.95)
        let f = try Expectation(parsing: "dyck1:rnn@4096/512 < 0.7")
        #expect(f.language == "dyck1" && f.trainLength == 512 && f.comparison == .lt && f.holds(0.69) && !f.holds(0.7))
        for bad in ["lstm>=0.9", "lstm@x>=0.9", "@64>=0.9", "lstm@64=0.9", "lstm@64>=high", "lstm@64/>=0.9"] {
            #expect(throws: (any Error).self) { try Expectation(parsing: bad) }
        }
    }

    @Test func checksAndJUnit() throws {
        var r = ExperimentReport(results: Self.results(), title: "t")
        r.expectations = [try Expectation(parsing: "lstm@1024>=0.95"), try Expectation(parsing: "rnn@1024>=0.9")]
        let checks = try r.checks()
        #expect(checks.count == 2 && checks[0].holds && !checks[1].holds)
        #expect(abs(checks[1].accuracy - 0.515) < 1e-9)  // mean over the two seeds
        let suite = try r.junit(timestamp: "2026-11-22T10:00:00Z", hostname: "h")
        #expect(suite.cases.count == 2 * 3 && suite.failures == 1)
        let xml = try JUnitWriter.render(suite, strict: true)
        #expect(try JUnitSchemaTests().validate(xml, schema: "junit-10"))
        let text = String(decoding: try JUnitWriter.render(suite), as: UTF8.self)
        #expect(text.contains("name=\"rnn@1024\"") && text.contains("<property name=\"accuracy\" value=\"0.5150\"/>"))
        // An expectation that matches nothing is an error, not a pass.
        r.expectations = [try Expectation(parsing: "gru@1024>=0.5")]
        #expect(throws: (any Error).self) { try r.checks() }
    }

    @Test func documentHasEverySectionAndWellFormedCharts() throws {
        let d = try ExperimentReport(results: Self.results(), title: "Sweep <test>").document()
        let md = d.markdown
        for heading in ["## Findings", "## Accuracy against test length", "## Accuracy against the distance", "## Gradient flow", "## Training curves", "## Counter probe", "## Against published results"] {
            #expect(md.contains(heading), "missing \(heading)")
        }
        #expect(md.contains("| rnn | 0.915 (0.910–0.920) | 0.715 (0.710–0.720) | 0.515 (0.510–0.520) |"))
        // The stack probe: means over the two seeds.
        #expect(md.contains("## Stack probe") && md.contains("| dyck1 | 256 | lstm | 0.815 | 0.450 | 0.900 | 0.500 |")
                && md.contains("| dyck1 | 256 | rnn | 0.600 | 0.450 | 0.900 | 0.500 |"), "\(md)")
        // By edit kind: 2 seeds × 3 test lengths × 10 texts per kind, pooled.
        #expect(md.contains("## Accuracy by edit kind") && md.contains("| arch | flip-bracket | move-opener |")
                && md.contains("| rnn | 1.000 (60) | 0.400 (60) |") && md.contains("| lstm | 1.000 (60) | 0.900 (60) |"), "\(md)")
        #expect(md.contains("nestnet sweep --out x") && md.contains("c0ffee"))
        #expect(d.charts.count == 5)
        LibXML2.initialize()
        for (file, svg) in d.charts {
            let doc = svg.utf8CString.withUnsafeBufferPointer { xmlReadMemory($0.baseAddress, Int32($0.count - 1), file, nil, 0) }
            #expect(doc != nil, "\(file) is not well-formed XML")
            xmlFreeDoc(doc)
        }
        let html = d.html
        #expect(html.components(separatedBy: "<svg ").count - 1 == 5)
        #expect(html.contains("<h1>Sweep &lt;test&gt;</h1>") && !html.contains("(()<&>)"))
    }

    @Test func logAxesSkipNonPositiveValues() {
        var c = SVGChart(title: "t", xLabel: "x", yLabel: "y")
        c.yScale = .log10
        c.series = [.init(name: "a", points: [(0, 1), (1, 0), (2, 1e-30), (3, .nan)], color: "#000")]
        let svg = c.render()
        #expect(!svg.contains("nan") && !svg.contains("inf"))
        #expect(svg.contains("1e-30"))
    }
}
