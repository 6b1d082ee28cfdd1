import Testing
@testable import Training

/// The per-step loss and gradient-norm trace stays bounded and never averages a spike away.
@Suite("Step trace")
struct StepTraceTests {
    @Test func boundedAndSpikesSurviveMerging() {
        var t = StepTrace()
        for s in 1...10_000 { t.append(step: s, loss: 0.5, gradNorm: s == 7_777 ? 1e6 : 1) }
        #expect(t.steps.count <= StepTrace.capacity && t.steps.count > StepTrace.capacity / 2)
        #expect(t.gradNorm.max() == 1e6 && t.gradNorm.filter { $0 == 1e6 }.count == 1)
        #expect(t.steps.first == 1 && t.steps == t.steps.sorted())
        // Every point covers `stride` steps from its first one; the spike's point holds step 7777.
        let i = t.gradNorm.firstIndex(of: 1e6)!
        #expect(t.steps[i] <= 7_777 && (i + 1 == t.steps.count || t.steps[i + 1] > 7_777))
        #expect(zip(t.steps, t.steps.dropFirst()).allSatisfy { $1 - $0 == t.stride || $1 - $0 == t.stride / 2 })
    }

    @Test func shortRunsKeepEveryStep() {
        var t = StepTrace()
        for s in 1...100 { t.append(step: s, loss: Float(s), gradNorm: Float(s) / 10) }
        #expect(t.steps == Array(1...100) && t.loss.last == 100 && t.stride == 1)
        // Two halves appended separately (a resumed run) equal one run.
        var a = StepTrace(), b = StepTrace()
        for s in 1...2_000 { a.append(step: s, loss: 1, gradNorm: Float(s % 97)) }
        for s in 1...1_000 { b.append(step: s, loss: 1, gradNorm: Float(s % 97)) }
        let copy = b
        for s in 1_001...2_000 { b.append(step: s, loss: 1, gradNorm: Float(s % 97)) }
        #expect(a == b && copy != b)
    }
}
