import Foundation
import NestNetSupport
import RecurrentNet
import StepHead
import RealModule

/// How the learning rate moves over training.
public enum LearningRateSchedule: String, Sendable, CaseIterable, Codable {
    case constant
    /// Cosine decay from the initial rate to 5% of it over all epochs: one rate an epoch, so a
    /// one-epoch run keeps the initial rate throughout.
    case cosine
    /// The same curve over every step of the run (all epochs), so a one-epoch stage decays too.
    case cosineSteps = "cosine-steps"
}

/// The validation number that picks the best checkpoint and drives `--patience`.
public enum ValidationMetric: String, Sendable, CaseIterable, Codable {
    /// Higher accuracy is better; ties go to the lower loss.
    case accuracy
    /// Lower loss is better; ties go to the higher accuracy.
    case loss

    /// Whether (accuracy, loss) beats the best so far (nil: nothing yet, so it does).
    public func isImprovement(accuracy: Double, loss: Double, bestAccuracy: Double?, bestLoss: Double?) -> Bool {
        guard let ba = bestAccuracy, let bl = bestLoss else { return true }
        switch self {
        case .accuracy: return accuracy > ba || (accuracy == ba && loss < bl)
        case .loss: return loss < bl || (loss == bl && accuracy > ba)
        }
    }
}

/// Everything that determines a training run besides the data.
public struct TrainingConfig: Sendable, Equatable, Codable {
    public var model: ModelConfig
    public var batch = 32
    public var epochs = 5
    public var learningRate: Float = 2e-3
    public var schedule: LearningRateSchedule = .constant
    public var optimizer: OptimizerKind = .adam
    /// Global-norm clip (0: off).
    public var clip: Float = 1
    /// Truncated BPTT chunk (nil: full BPTT).
    public var bptt: Int? = nil
    public var seed: UInt64 = 1
    public var threads = 2
    public var forgetBias: Float = 1
    /// Recurrent weight initialisation (nil: orthogonal; optional so states written before it
    /// existed still load).
    public var recurrentInit: RecurrentInit? = nil
    /// Factor on the initial recurrent weights (nil: 1).
    public var recurrentScale: Float? = nil
    /// Weight of the per-step oracle targets (see `StepTargets`); 0 trains on final labels only.
    public var stepLossWeight: Float = 0
    /// Factor on the step head's `broken` output at bytes after a break (nil: 1; optional so
    /// states written before it existed still load, and their metadata is unchanged).
    public var brokenWeight: Float? = nil
    /// Factor on the step head's `inert` output at bracket bytes (nil: 1; optional for the
    /// same reason as `brokenWeight`).
    public var inertWeight: Float? = nil
    /// Train the step head's `broken` output as a latch (`SequenceBatch.brokenLatch`; read with
    /// `check --hold 1`); nil: per-byte, as before (optional for the same reason as `brokenWeight`).
    public var brokenLatch: Bool? = nil
    /// Train the step head's `inert` output alone (`SequenceBatch.lexerOnly`): a lexer, not a
    /// checker. Every epoch is kept, the last written to `--out`, since the untrained final
    /// head's validation accuracy says nothing (nil: off; optional like `brokenWeight`).
    public var lexerOnly: Bool? = nil
    /// With `lexerOnly`: also train output 1 as `later` (`SequenceBatch.lexerLater`), the
    /// later branches of live conditionals, which a stack behind the lexer must leave alone.
    public var lexerLater: Bool? = nil
    /// With `lexerOnly`: train the step head as a stack network's moves (`StackMoves`: push, pop,
    /// inert, kind; `SequenceBatch.lexerMoves`), read by `probe lexical` (nil: off).
    public var lexerMoves: Bool? = nil
    /// The last K units of a one-layer LSTM are counters (`RecurrentModel.makeCounters`): a
    /// fresh run or `--widen` makes them, a same-size `--init-from` model must have them (nil: none).
    public var counterUnits: Int? = nil
    /// Learning-rate factor for the counters and the weights that read them (nil: 1).
    public var counterRateScale: Float? = nil
    /// Weight of the counters' depth loss: each counter's cell learns the oracle's code depth
    /// at every byte (Huber, `StepTargets.computeWithDepths`; nil: none).
    public var counterDepthWeight: Float? = nil
    /// Stop after this many epochs without a better validation result (nil: never).
    public var patience: Int? = nil
    /// What "better" means for the best checkpoint and `patience` (nil: accuracy; optional so
    /// training states written before it existed still load).
    public var monitor: ValidationMetric? = nil
    /// Length bucketing: minibatches are cut from pools of this many, sorted by text length,
    /// and visited in a seeded random order, so a batch rarely runs one long text alone
    /// (nil or 1: off, batches in data order).
    public var bucket: Int? = nil

    public init(model: ModelConfig) { self.model = model }

    public func validate() throws {
        try model.validate()
        guard batch >= 1 else { throw NestNetError("--batch must be at least 1") }
        guard epochs >= 1 else { throw NestNetError("--epochs must be at least 1") }
        guard learningRate > 0, learningRate.isFinite else { throw NestNetError("--lr must be positive") }
        guard clip >= 0 else { throw NestNetError("--clip must not be negative") }
        if let r = recurrentScale, !(r > 0 && r.isFinite) { throw NestNetError("--recurrent-scale must be positive") }
        if let k = bptt, k < 1 { throw NestNetError("--bptt must be at least 1") }
        guard threads >= 1 else { throw NestNetError("--threads must be at least 1") }
        guard stepLossWeight >= 0 else { throw NestNetError("--step-loss must not be negative") }
        if let b = brokenWeight {
            guard b > 0, b.isFinite else { throw NestNetError("--broken-weight must be positive") }
            guard stepLossWeight > 0 else { throw NestNetError("--broken-weight weighs a per-step target: it needs --step-loss") }
        }
        if let b = inertWeight {
            guard b > 0, b.isFinite else { throw NestNetError("--inert-weight must be positive") }
            guard stepLossWeight > 0, model.stepOutputs >= 3 else {
                throw NestNetError("--inert-weight weighs the step head's `inert` output: it needs --step-loss and --step-outputs 3 or 5")
            }
        }
        if lexerOnly == true {
            guard stepLossWeight > 0, model.stepOutputs >= 3 else {
                throw NestNetError("--lexer-only trains the step head's `inert` output: it needs --step-loss and --step-outputs 3 or 5")
            }
            guard brokenWeight == nil, brokenLatch != true, counterUnits == nil, patience == nil else {
                throw NestNetError("--lexer-only trains the `inert` output alone: --broken-weight, --broken-latch, --counter-units and --patience do not apply")
            }
        }
        if lexerLater == true && lexerOnly != true {
            throw NestNetError("--later-branches trains a lexer's `later` output: it needs --lexer-only")
        }
        if lexerMoves == true {
            guard lexerOnly == true, StackMoves.supported.contains(model.stepOutputs) else {
                throw NestNetError("--stack-moves trains a lexer's step outputs as stack moves: it needs --lexer-only and --step-outputs 5 (or 7, with the later-branch state)")
            }
            guard lexerLater != true else { throw NestNetError("--stack-moves already leaves later branches out of its moves: drop --later-branches") }
        }
        if brokenLatch == true {
            guard stepLossWeight > 0 else { throw NestNetError("--broken-latch trains the step head's `broken` output: it needs --step-loss") }
        }
        if let k = counterUnits {
            guard model.arch == .lstm, model.layers == 1 else { throw NestNetError("--counter-units needs a one-layer LSTM") }
            guard k >= 1, k <= model.hidden else { throw NestNetError("--counter-units must be between 1 and --hidden (\(model.hidden))") }
        }
        if let r = counterRateScale {
            guard r > 0, r.isFinite else { throw NestNetError("--counter-lr-scale must be positive") }
            guard counterUnits != nil else { throw NestNetError("--counter-lr-scale sets the counters' learning rate: it needs --counter-units") }
        }
        if let w = counterDepthWeight {
            guard w > 0, w.isFinite else { throw NestNetError("--counter-depth-loss must be positive") }
            guard counterUnits != nil else { throw NestNetError("--counter-depth-loss teaches the counters the depth: it needs --counter-units") }
        }
        if let p = patience, p < 1 { throw NestNetError("--patience must be at least 1") }
        if let k = bucket, k < 1 { throw NestNetError("--bucket must be at least 1") }
        if stepLossWeight > 0 && !StepTargets.supported.contains(model.stepOutputs)
            && !(lexerMoves == true && StackMoves.supported.contains(model.stepOutputs)) {
            throw NestNetError("per-step training needs a step head with \(StepTargets.supported.map(String.init).joined(separator: " or ")) outputs (or \(StackMoves.stateOutputs) with --stack-moves)")
        }
    }

    /// The counter units, the last `counterUnits` of the model (empty: none).
    public var counters: Range<Int> { (model.hidden - (counterUnits ?? 0))..<model.hidden }

    /// The learning rate for epoch `epoch` (1-based).
    public func learningRate(epoch: Int) -> Float {
        switch schedule {
        case .constant: return learningRate
        case .cosine:
            return learningRate * Self.cosine(epochs <= 1 ? 0 : Double(epoch - 1) / Double(epochs - 1))
        case .cosineSteps:
            return learningRate
        }
    }

    /// The learning rate for step `step` (0-based) of a run of `steps` steps: `.cosineSteps`
    /// moves it at every step; the other schedules keep their epoch's rate (`learningRate(epoch:)`).
    public func learningRate(step: Int, of steps: Int, epoch: Int) -> Float {
        guard schedule == .cosineSteps else { return learningRate(epoch: epoch) }
        return learningRate * Self.cosine(steps <= 1 ? 0 : Double(min(max(step, 0), steps - 1)) / Double(steps - 1))
    }

    /// Half a cosine from 1 (f = 0) to 5% (f = 1).
    static func cosine(_ f: Double) -> Float { Float(0.05 + 0.95 * 0.5 * (1 + Double.cos(Double.pi * f))) }

    /// The configuration as checkpoint metadata (string values).
    public var metadata: [String: String] {
        var m: [String: String] = [
            "train.batch": "\(batch)", "train.epochs": "\(epochs)", "train.lr": "\(learningRate)",
            "train.schedule": schedule.rawValue, "train.optimizer": optimizer.rawValue, "train.clip": "\(clip)",
            "train.bptt": bptt.map(String.init) ?? "full", "train.seed": "\(seed)", "train.forget_bias": "\(forgetBias)",
            "train.step_loss": "\(stepLossWeight)", "train.patience": patience.map(String.init) ?? "none",
            "train.bucket": "\(bucket ?? 1)", "train.monitor": (monitor ?? .accuracy).rawValue]
        // Set only when given, so runs and states from before these options keep their metadata.
        if let b = brokenWeight { m["train.broken_weight"] = "\(b)" }
        if let b = inertWeight { m["train.inert_weight"] = "\(b)" }
        if brokenLatch == true { m["train.broken_latch"] = "max" }
        if lexerOnly == true { m["train.lexer_only"] = lexerMoves == true ? "stack-moves" : lexerLater == true ? "inert+later" : "inert" }
        if let k = counterUnits { m["train.counter_units"] = "\(k)" }
        if let r = counterRateScale { m["train.counter_lr_scale"] = "\(r)" }
        if let w = counterDepthWeight { m["train.counter_depth_loss"] = "\(w)" }
        return m
    }
}

/// FNV-1a 64 of a file's bytes: identifies the exact dataset a model was trained on.
public func fingerprint(_ bytes: [UInt8]) -> String {
    let s = String(FNV1a.hash(bytes), radix: 16)
    return String(repeating: "0", count: 16 - s.count) + s
}


/// JSON with sorted keys, so the same value always gives the same text (metadata is compared
/// as text when a run is resumed).
public func stableJSON<T: Encodable>(_ value: T) throws -> Data {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys]
    return try e.encode(value)
}
