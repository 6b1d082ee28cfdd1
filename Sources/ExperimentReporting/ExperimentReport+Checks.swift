import Foundation
import JUnit
import NestNetSupport
import RecurrentNet
import Training

/// Expectations (`--expect`) checked against the results, and the JUnit suite of a sweep.
extension ExperimentReport {
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
}
