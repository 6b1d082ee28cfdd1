import ProgramGenerator
import RecurrentNet

/// Everything one sweep run measured; written as `runs/<id>/result.json` when the run ends.
public struct SweepResult: Sendable, Codable {
    /// Accuracy on one test length.
    public struct Test: Sendable, Codable {
        public var testLength: Int
        public var count: Int
        public var accuracy: Double
        public var loss: Double
        /// Invalid texts by distance from the breaking edit to the end of the text, in
        /// power-of-two buckets `[2^k, 2^(k+1))`: (k, texts, correctly flagged).
        public var byDistance: [DistanceBucket]
        /// Invalid texts by the kind of their breaking edit (`swap-closers`, …): texts and
        /// correctly flagged. Absent in results written before it existed.
        public var byEdit: [EditBucket]?
    }
    public struct EditBucket: Sendable, Codable, Equatable {
        public var kind: String
        public var count: Int
        public var correct: Int
    }
    public struct DistanceBucket: Sendable, Codable, Equatable {
        public var log2Distance: Int
        public var count: Int
        public var correct: Int
    }
    /// `StackTopProbe` on the valid probe texts: held-out read-out accuracy of the bracket type on
    /// top of the stack, all bytes and at depth ≥ 2, each beside the majority baseline.
    /// `levels`: the read-out of the bracket k − 1 places below the top (absent in results
    /// written before it existed).
    public struct Stack: Sendable, Codable {
        public var accuracy: Double, baseline: Double
        public var deepAccuracy: Double, deepBaseline: Double
        public var bytes: Int, deepBytes: Int
        public var levels: [StackTopProbe.Level]? = nil
    }
    /// Mean gradient norms against distance from the end (index = distance).
    public struct Gradients: Sendable, Codable {
        public var probeLength: Int
        public var h: [Double]
        public var c: [Double]?
        public var hInit: [Double]
        public var cInit: [Double]?
        public var hFactorPer100: Double
        public var hInitFactorPer100: Double
        public var cFactorPer100: Double?
        public var cInitFactorPer100: Double?
    }
    public struct Counter: Sendable, Codable {
        public var unit: Int
        public var cell: Bool
        public var r: Double
        public var linearR2: Double
        /// One valid probe text: bytes, oracle depth and the best unit's activation per byte.
        public var traceText: String
        public var traceDepth: [Int32]
        public var traceActivation: [Float]
    }

    public var job: SweepJob
    public var parameters: Int
    public var trainSeconds: Double
    public var tokensPerSecond: Double
    public var bestValidAccuracy: Double?
    public var history: [EpochRecord]
    public var tests: [Test]
    public var gradients: Gradients
    public var counter: Counter
    /// The stack-top probe on the valid probe texts (absent in results written before it).
    public var stack: Stack? = nil
    /// Loss and gradient norm (before clipping) over the training steps, merged to at most
    /// `StepTrace.capacity` points, each the largest of its steps (absent in earlier results).
    public var stepTrace: StepTrace? = nil
    /// Where training stopped on a non-finite loss or gradient (nil: it did not).
    public var diverged: Divergence? = nil
    public struct Divergence: Sendable, Codable, Equatable {
        public var epoch: Int, step: Int
        public var what: String
    }
    /// How the run was made: nestnet version, command line, git commit.
    public var provenance: Provenance
}

/// Where a result came from.
public struct Provenance: Sendable, Codable, Equatable {
    public var version: String
    public var command: String
    public var commit: String
    public var host: String
    public var finished: String
    public var threads: Int

    public init(version: String, command: String, commit: String, host: String, finished: String, threads: Int) {
        self.version = version; self.command = command; self.commit = commit; self.host = host; self.finished = finished; self.threads = threads
    }
}

extension SweepResult {
    /// `results.csv`: one row per (run, test length).
    public static let csvHeader = "language,arch,seed,train_length,test_length,accuracy,loss,count,hidden,parameters,epochs,train_seconds,tokens_per_sec,valid_accuracy,grad_h_factor_per_100,counter_best_r,counter_linear_r2,clip,forget_bias,bptt,optimizer,lr,recurrent_init,recurrent_scale,diverged_at_step,step_loss"

    public var csvRows: [String] {
        tests.map { t in
            [job.language.rawValue, job.arch.rawValue, "\(job.seed)", "\(job.trainLength)", "\(t.testLength)",
             csv(t.accuracy), csv(t.loss), "\(t.count)", "\(job.settings.hidden)", "\(parameters)", "\(history.count)",
             csv(trainSeconds), csv(tokensPerSecond), bestValidAccuracy.map(csv) ?? "",
             csv(gradients.hFactorPer100), csv(counter.r), csv(counter.linearR2),
             "\(job.remedy.clip)", "\(job.remedy.forgetBias)", job.remedy.bptt == 0 ? "full" : "\(job.remedy.bptt)", job.remedy.optimizer.kind.rawValue,
             "\(job.remedy.optimizer.learningRate ?? job.settings.learningRate)", job.remedy.effectiveInit(job.arch).rawValue, "\(job.remedy.recurrentScale)",
             diverged.map { "\($0.step)" } ?? "", "\(job.remedy.stepLoss)"].joined(separator: ",")
        }
    }
}

/// A number for the CSV: full precision (Swift's shortest round-trip form, so 1.85e-25 stays
/// 1.85e-25 instead of rounding to 0.0); empty when not finite.
func csv(_ x: Double) -> String {
    guard x.isFinite else { return "" }
    return "\(x)"
}
