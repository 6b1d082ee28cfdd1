import Testing
@testable import ProgramGenerator

/// The classes must not be separable without lexing: decoys mirror the corrupting edits, so
/// bracket counts, byte histograms and length carry (almost) no signal.
@Suite("No shortcuts on the default c language")
struct ShortcutBaselineTests {
    static let examples: [Example] = {
        let g = try! ExampleGenerator(GeneratorOptions())
        let labels = ExampleGenerator.labels(count: 2400, validFraction: 0.5, seed: 77)
        return labels.enumerated().map { g.example(seed: 77, index: $0.offset, valid: $0.element) }
    }()

    static func rawDiffs(_ t: [UInt8]) -> [Double] {
        var c = [Int](repeating: 0, count: 256)
        for b in t { c[Int(b)] += 1 }
        return [abs(c[40] - c[41]), abs(c[91] - c[93]), abs(c[123] - c[125])].map(Double.init)
    }

    @Test func rawCountPredictorIsWeak() {
        let correct = Self.examples.filter { (Self.rawDiffs($0.text).reduce(0, +) == 0) == $0.valid }.count
        let acc = Double(correct) / Double(Self.examples.count)
        #expect(acc <= 0.75, "raw bracket-count accuracy \(acc)")
    }

    @Test func logisticRegressionOnHistogramsIsWeak() {
        // Features: byte histogram (fractions), |raw count differences|, any difference, length.
        let rows: [[Double]] = Self.examples.map { e in
            var h = [Double](repeating: 0, count: 256)
            for b in e.text { h[Int(b)] += 1 / Double(e.text.count) }
            let d = Self.rawDiffs(e.text)
            return h + d + [d.reduce(0, +) > 0 ? 1 : 0, Double(e.text.count) / 1000]
        }
        let y = Self.examples.map { $0.valid ? 1.0 : 0.0 }
        let n = rows.count / 2, dim = rows[0].count
        // Standardise with training statistics.
        var mean = [Double](repeating: 0, count: dim), sd = [Double](repeating: 0, count: dim)
        for r in rows[..<n] { for j in 0..<dim { mean[j] += r[j] / Double(n) } }
        for r in rows[..<n] { for j in 0..<dim { sd[j] += (r[j] - mean[j]) * (r[j] - mean[j]) / Double(n) } }
        let z = rows.map { r in (0..<dim).map { (r[$0] - mean[$0]) / (sd[$0].squareRoot() + 1e-6) } }
        var w = [Double](repeating: 0, count: dim), b = 0.0
        for _ in 0..<400 {
            var gw = [Double](repeating: 0, count: dim), gb = 0.0
            for i in 0..<n {
                var s = b
                for j in 0..<dim { s += w[j] * z[i][j] }
                let g = 1 / (1 + (-s).exp) - y[i]
                for j in 0..<dim { gw[j] += g * z[i][j] }
                gb += g
            }
            for j in 0..<dim { w[j] -= 0.5 * (gw[j] / Double(n) + 1e-3 * w[j]) }
            b -= 0.5 * gb / Double(n)
        }
        var correct = 0
        for i in n..<rows.count {
            var s = b
            for j in 0..<dim { s += w[j] * z[i][j] }
            if (s > 0) == (y[i] == 1) { correct += 1 }
        }
        let acc = Double(correct) / Double(rows.count - n)
        #expect(acc <= 0.75, "logistic regression held-out accuracy \(acc)")
    }
}

extension Double {
    var exp: Double { Foundation_exp(self) }
}

#if canImport(Glibc)
import Glibc
private func Foundation_exp(_ x: Double) -> Double { Glibc.exp(x) }
#else
import Darwin
private func Foundation_exp(_ x: Double) -> Double { Darwin.exp(x) }
#endif
