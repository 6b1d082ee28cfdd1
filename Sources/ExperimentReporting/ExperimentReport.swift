import Foundation
import JUnit
import NestNetSupport
import RecurrentNet
import Training
import RealModule

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

    /// One `--expect` claim checked against the results (`ExperimentReport+Checks.swift`).
    public struct Check: Sendable {
        public var expectation: Expectation
        public var language: String, trainLength: Int, arch: String, testLength: Int
        public var accuracy: Double
        public var holds: Bool
    }
}

// MARK: Helpers shared by the sections

func unique<T: Hashable>(_ xs: [T]) -> [T] { var seen = Set<T>(); return xs.filter { seen.insert($0).inserted } }
func cell(_ s: ExperimentReport.Stat) -> String { s.n > 1 ? "\(fixed(s.mean, 3)) (\(fixed(s.min, 3))–\(fixed(s.max, 3)))" : fixed(s.mean, 3) }
func ratio(_ n: Int, _ t: Int) -> String { let r = Double(n) / Double(t); return r == r.rounded() ? "\(Int(r))" : String(format: "%.2g", r) }
func geo(_ xs: [Double]) -> Double {
    let p = xs.filter { $0 > 0 && $0.isFinite }
    guard !p.isEmpty else { return 0 }
    return Double.exp(p.reduce(0) { $0 + Double.log($1) } / Double(p.count))
}
