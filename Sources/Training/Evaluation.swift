import Dispatch
import ProgramGenerator
import RecurrentNet
import StepHead
import RealModule

/// A model's predictions on a labelled dataset, and the accuracy they give.
public struct Evaluation: Sendable {
    public var count: Int
    public var probabilities: [Float]
    public var correct: Int
    /// Mean binary cross-entropy.
    public var loss: Double
    public var seconds: Double
    public var bytes: Int
    /// Per example: where the step head places the error (`StepTargets.errorOffset`: the
    /// start of the final run of bytes whose `broken` output passes 0.5, snapped back to a
    /// closing bracket up to two bytes earlier; for a text that only ends with something open,
    /// the start of the final `open` run, snapped back to an opener), or nil (also for models
    /// without a step head).
    public var errorOffset: [Int?]

    /// True when the model had a per-step head (so `errorOffset` is meaningful).
    public var hasStepHead: Bool

    public var accuracy: Double { count == 0 ? 0 : Double(correct) / Double(count) }
    public var bytesPerSecond: Double { seconds > 0 ? Double(bytes) / seconds : 0 }

    /// Predicts in batches (longest texts batched together to keep shards balanced).
    public init(model: RecurrentModel, examples: [Example], threads: Int = 2, batch: Int = 64) {
        let clock = Clock()
        count = examples.count
        probabilities = [Float](repeating: 0, count: examples.count)
        errorOffset = [Int?](repeating: nil, count: examples.count)
        let P = model.config.stepOutputs
        hasStepHead = P > 0
        let order = examples.indices.sorted { examples[$0].text.count > examples[$1].text.count }
        var start = 0
        while start < order.count {
            let idx = Array(order[start..<min(order.count, start + batch)])
            let r = model.predict(idx.map { examples[$0].text }, threads: threads, stepOutputs: P > 0)
            for (k, i) in idx.enumerated() {
                probabilities[i] = r.probabilities[k]
                if let s = r.stepLogits?[k] {
                    errorOffset[i] = StepTargets.errorOffset(s, text: examples[i].text, outputs: P)
                }
            }
            start += batch
        }
        (correct, loss) = Self.score(probabilities, examples)
        seconds = clock.seconds
        bytes = examples.reduce(0) { $0 + $1.text.count }
    }

    /// Verdicts reached elsewhere (a stack network's, read by `check`'s stack): P(valid) and
    /// the error's offset per example, scored as the model's own would be.
    public init(probabilities: [Float], errorOffset: [Int?], examples: [Example], seconds: Double) {
        precondition(probabilities.count == examples.count && errorOffset.count == examples.count)
        count = examples.count
        self.probabilities = probabilities
        self.errorOffset = errorOffset
        hasStepHead = true
        (correct, loss) = Self.score(probabilities, examples)
        self.seconds = seconds
        bytes = examples.reduce(0) { $0 + $1.text.count }
    }

    /// Examples right at 0.5, and the mean binary cross-entropy.
    static func score(_ probabilities: [Float], _ examples: [Example]) -> (correct: Int, loss: Double) {
        var c = 0, l = 0.0
        for (p, e) in zip(probabilities, examples) {
            if (p > 0.5) == e.valid { c += 1 }
            let q = Double(min(max(p, 1e-7), 1 - 1e-7))
            l -= e.valid ? Double.log(q) : Double.log(1 - q)
        }
        return (c, examples.isEmpty ? 0 : l / Double(examples.count))
    }
}

/// Wall-clock seconds since creation.
public struct Clock: Sendable {
    let start = DispatchTime.now().uptimeNanoseconds
    public init() {}
    public var seconds: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
}
