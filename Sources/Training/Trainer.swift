import Foundation
import NestNetSupport
import ProgramGenerator
import RecurrentNet
import StepHead

/// A step whose loss or gradient is not finite: the step is not applied, so the model is the
/// last finite one. `train` reports it as an error; a sweep records the run as diverged.
public struct TrainingDiverged: Error, CustomStringConvertible, Sendable {
    public var what: String
    public var epoch: Int
    public var step: Int
    /// What happened, e.g. "training diverged: loss is NaN at epoch 2, step 140".
    public var event: String { "training diverged: \(what) at epoch \(epoch), step \(step)" }
    public var description: String { event + "; try a lower --lr or --clip" }
}

/// One line of the training history.
public struct EpochRecord: Sendable, Equatable, Codable {
    public var epoch: Int
    public var maxLength: Int?
    public var learningRate: Float
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var validAccuracy: Double?
    public var validLoss: Double?
    public var seconds: Double
    public var tokensPerSecond: Double
    /// Mean per-byte step loss over the epoch's minibatches (nil: no `--step-loss`).
    public var stepLoss: Double? = nil
    /// Mean counter depth loss over the epoch's minibatches, before its weight (nil: no
    /// `--counter-depth-loss`).
    public var counterLoss: Double? = nil
}

/// What the trainer reports while it runs.
public enum TrainingEvent {
    /// Running means over the epoch so far: the training loss and accuracy, or for a lexer
    /// (`--lexer-only`, whose final head is never trained) the step loss and NaN.
    case step(epoch: Int, step: Int, stepsPerEpoch: Int, loss: Double, accuracy: Double, tokensPerSecond: Double)
    case epoch(EpochRecord, improved: Bool)
    case saved(path: String, step: Int)
    case stoppedEarly(epoch: Int)
}

/// Where the run is; everything a resumed run needs besides weights and optimizer moments.
public struct TrainingProgress: Sendable, Equatable, Codable {
    /// Why these counters cannot come from a run of `epochs` epochs (a crafted or damaged
    /// state), or nil. Every field is checked: a bad one would crash or mislead the resumed run.
    public func problem(epochs: Int, stepsInEpoch: (Int) -> Int) -> String? {
        func finite(_ x: Double?) -> Bool { x.map { $0.isFinite } ?? true }
        guard epoch >= 1, epoch <= epochs + 1 else { return "epoch \(epoch) of \(epochs)" }
        guard stepInEpoch >= 0, epoch > epochs || stepInEpoch <= stepsInEpoch(epoch) else { return "step \(stepInEpoch) in epoch \(epoch)" }
        guard globalStep >= stepInEpoch else { return "global step \(globalStep)" }
        guard seen >= 0, correct >= 0, correct <= seen, tokens >= 0 else { return "example counts (\(correct) of \(seen), \(tokens) tokens)" }
        guard lossSum.isFinite, lossSum >= 0, epochSeconds.isFinite, epochSeconds >= 0 else { return "running sums" }
        guard [stepLossSum, counterLossSum].allSatisfy({ finite($0) && ($0 ?? 0) >= 0 }),
              (auxSteps.map { $0 >= 0 && $0 <= stepInEpoch } ?? true) else { return "running sums of the step and depth losses" }
        guard epochsSinceBest >= 0, epochsSinceBest < epoch else { return "epochs since best \(epochsSinceBest)" }
        guard finite(bestValidLoss), (bestValidAccuracy.map { (0...1).contains($0) } ?? true) else { return "best validation result" }
        guard history.count == epoch - 1, history.enumerated().allSatisfy({ $0.element.epoch == $0.offset + 1 }) else {
            return "history of \(history.count) epochs before epoch \(epoch)"
        }
        guard history.allSatisfy({ $0.seconds.isFinite && $0.seconds >= 0 && $0.trainLoss.isFinite && $0.learningRate.isFinite
            && finite($0.stepLoss) && finite($0.counterLoss) }) else {
            return "history values"
        }
        return nil
    }

    public var epoch = 1
    /// Minibatches of `epoch` already applied.
    public var stepInEpoch = 0
    public var globalStep = 0
    public var bestValidAccuracy: Double? = nil
    public var bestValidLoss: Double? = nil
    public var epochsSinceBest = 0
    public var history: [EpochRecord] = []
    /// Loss and gradient norm per step (absent in states written before it existed: those
    /// runs trace from where they resume).
    public var stepTrace: StepTrace? = nil
    // Running sums of the current epoch.
    public var lossSum = 0.0
    /// Sums over the epoch's minibatches of the step and counter depth losses (absent in
    /// states written before they existed: the resumed epoch's means cover its later steps).
    public var stepLossSum: Double? = nil
    public var counterLossSum: Double? = nil
    public var auxSteps: Int? = nil
    public var correct = 0
    public var seen = 0
    public var tokens = 0
    public var epochSeconds = 0.0
    public var finished = false
}

/// Minibatch training with a validation set, best-checkpoint keeping, early stopping and
/// atomic, resumable state. All randomness is a function of (seed, epoch, position).
public final class Trainer {
    public let config: TrainingConfig
    public let data: TrainingData
    public let valid: [Example]
    public private(set) var model: RecurrentModel
    public private(set) var optimizer: Optimizer
    public private(set) var progress = TrainingProgress()
    /// The current pool of length-bucketed minibatches (see `TrainingConfig.bucket`).
    var pooled: (epoch: Int, pool: Int, batches: [[Example]])?
    /// Metadata stored with every checkpoint (dataset description, …).
    public var metadata: [String: String] = [:]

    public init(_ config: TrainingConfig, data: TrainingData, valid: [Example]) throws {
        try config.validate()
        guard data.count(epoch: 1) > 0 else { throw NestNetError("the training set is empty") }
        self.config = config; self.data = data; self.valid = valid
        let m = try RecurrentModel.initialized(config.model, seed: config.seed, forgetBias: config.forgetBias,
                                               recurrentInit: config.recurrentInit, recurrentScale: config.recurrentScale ?? 1)
        if !config.counters.isEmpty { m.makeCounters(config.counters) }
        model = m
        optimizer = Optimizer(config.optimizer, learningRate: config.learningRate, parameterCount: m.parameterCount)
        rateScale = config.counters.isEmpty ? nil : m.counterRateScale(config.counters, scale: config.counterRateScale ?? 1)
    }

    /// Per-parameter learning-rate factors (the counters' `--counter-lr-scale`, their frozen
    /// forget gates), or nil.
    let rateScale: [Float]?

    // MARK: State files

    static let stateFormat = "nestnet-train-state-1"

    /// Writes weights, optimizer moments and progress atomically.
    public func saveState(to path: String) throws {
        var meta = model.architectureMetadata
        for (k, v) in metadata { meta[k] = v }
        meta["state.format"] = Self.stateFormat
        meta["state.config"] = String(decoding: try stableJSON(config), as: UTF8.self)
        meta["state.progress"] = String(decoding: try stableJSON(progress), as: UTF8.self)
        meta["state.optimizer"] = String(decoding: try stableJSON(OptimizerHeader(optimizer)), as: UTF8.self)
        var extra: [(String, Safetensors.Tensor)] = []
        if !optimizer.m.isEmpty { extra.append(("optimizer.m", .init(shape: [optimizer.m.count], values: optimizer.m))) }
        if !optimizer.v.isEmpty { extra.append(("optimizer.v", .init(shape: [optimizer.v.count], values: optimizer.v))) }
        try model.save(to: path, metadata: meta, extraTensors: extra)
    }

    /// Starts from the weights of a trained model of the same shape (fine-tuning) instead of a
    /// fresh initialisation; the optimizer starts fresh. A model whose step head has fewer
    /// outputs (3, before the depth outputs) gives its rows; the new rows keep their fresh
    /// initialisation.
    public func initialize(from other: RecurrentModel, source: String, widen: Bool = false) throws {
        if widen {
            guard progress.globalStep == 0 else { throw NestNetError("--init applies to a new run, not a resumed one") }
            do { try model.widen(from: other, counterUnits: config.counterUnits ?? 0) } catch let e as NestNetError { throw e.prefixed("\(source): ") }
            return
        }
        try copyWeights(from: other, source: source)
        if let bad = config.counters.first(where: { !model.isCounter($0) }) {
            throw NestNetError("\(source): unit \(bad) is not a counter (--counter-units \(config.counterUnits ?? 0) with --init-from needs a model whose last units are counters: --widen makes them)")
        }
    }

    /// The weights of `other` (same shape, or a step head with fewer outputs) into this run's model.
    private func copyWeights(from other: RecurrentModel, source: String) throws {
        var same = other.config
        same.stepOutputs = config.model.stepOutputs
        if same == config.model && other.config.stepOutputs > 0 && other.config.stepOutputs < config.model.stepOutputs {
            var p = model.parameters
            for s in other.layout.specs where !s.name.hasPrefix("step_head.") {
                let d = model.layout[s.name]
                p.replaceSubrange(d.offset..<d.offset + d.count, with: other.parameters[s.offset..<s.offset + s.count])
            }
            for name in ["step_head.weight", "step_head.bias"] {
                let s = other.layout[name], d = model.layout[name]
                p.replaceSubrange(d.offset..<d.offset + s.count, with: other.parameters[s.offset..<s.offset + s.count])
            }
            model.parameters = p
            model.prepare()
            return
        }
        guard other.config == config.model else {
            let o = other.config, m = config.model
            var fix: [String] = []
            if o.arch != m.arch { fix.append("--arch \(o.arch.rawValue)") }
            if o.hidden != m.hidden { fix.append("--hidden \(o.hidden)") }
            if o.embed != m.embed { fix.append("--embed \(o.embed)") }
            if o.layers != m.layers { fix.append("--layers \(o.layers)") }
            if o.stepOutputs != m.stepOutputs {
                fix.append(o.stepOutputs == 0 ? "no --step-loss" : "--step-loss (> 0) with --step-outputs \(o.stepOutputs)")
            }
            throw NestNetError("\(source): the model is \(o.shortName) (embed \(o.embed), \(o.layers) layer(s), step outputs \(o.stepOutputs)), this run is \(m.shortName) (embed \(m.embed), \(m.layers) layer(s), step outputs \(m.stepOutputs)); to fine-tune it, give \(fix.joined(separator: ", "))")
        }
        guard progress.globalStep == 0 else { throw NestNetError("--init applies to a new run, not a resumed one") }
        model.parameters = other.parameters
        model.prepare()
    }

    /// Restores a state written by `saveState`; the run's configuration must be the same.
    public func resume(from path: String) throws {
        let ckpt = try RecurrentModel.load(from: path)
        guard ckpt.metadata["state.format"] == Self.stateFormat,
              let cfgJSON = ckpt.metadata["state.config"], let progJSON = ckpt.metadata["state.progress"],
              let optJSON = ckpt.metadata["state.optimizer"] else {
            throw NestNetError("\(path): not a NestNet training state (it lacks the state.* metadata)")
        }
        /// Decodes one metadata field; a malformed one is a one-line error naming the file.
        func decode<T: Decodable>(_ type: T.Type, _ json: String, _ field: String) throws -> T {
            do { return try JSONDecoder().decode(type, from: Data(json.utf8)) }
            catch { throw NestNetError("\(path): \(field) is malformed (not what this version of NestNet writes)") }
        }
        let saved = try decode(TrainingConfig.self, cfgJSON, "state.config")
        guard saved.model == config.model else {
            throw NestNetError("\(path): the state is for \(saved.model.shortName) (embed \(saved.model.embed), step outputs \(saved.model.stepOutputs)), this run is \(config.model.shortName) (embed \(config.model.embed), step outputs \(config.model.stepOutputs))")
        }
        guard saved == config else {
            throw NestNetError("\(path): the state was written with other training settings; resume with the same command line")
        }
        for (k, v) in metadata where k.hasPrefix("data.") {
            guard ckpt.metadata[k] == v else { throw NestNetError("\(path): the state was trained on other data (\(k) differs)") }
        }
        let header = try decode(OptimizerHeader.self, optJSON, "state.optimizer")
        guard header.kind == config.optimizer, header.step >= 0, header.learningRate.isFinite, header.learningRate >= 0 else {
            throw NestNetError("\(path): state.optimizer is out of range (step \(header.step), learning rate \(header.learningRate))")
        }
        var opt = Optimizer(header.kind, learningRate: header.learningRate, parameterCount: ckpt.model.parameterCount)
        opt.step = header.step
        if !opt.m.isEmpty {
            guard let m = ckpt.extraTensors["optimizer.m"]?.values, m.count == opt.m.count else { throw NestNetError("\(path): optimizer moments missing or mis-sized") }
            opt.m = m
        }
        if !opt.v.isEmpty {
            guard let v = ckpt.extraTensors["optimizer.v"]?.values, v.count == opt.v.count else { throw NestNetError("\(path): optimizer moments missing or mis-sized") }
            opt.v = v
        }
        let p = try decode(TrainingProgress.self, progJSON, "state.progress")
        if let why = p.problem(epochs: config.epochs, stepsInEpoch: { (self.data.count(epoch: $0) + self.config.batch - 1) / self.config.batch }) {
            throw NestNetError("\(path): state.progress is out of range: \(why)")
        }
        model = ckpt.model
        optimizer = opt
        progress = p
        // Where the run started from (--init-from, --widen) is in the state, not on the resuming
        // command line: keep it, so the models this run writes still name their origin.
        for (k, v) in ckpt.metadata where k.hasPrefix("train.init_from") || k == "train.widened_from" { metadata[k] = v }
    }

    // MARK: The loop

    /// Trains until the last epoch or early stop. Saves the state to `statePath` every
    /// `saveEvery` steps and after each epoch, and the best model (by validation accuracy,
    /// then loss) to `bestPath`.
    public func run(statePath: String?, saveEvery: Int, bestPath: String?, report: (TrainingEvent) -> Void = { _ in }) throws {
        // Every step of the run, for a schedule that moves the rate at each (`.cosineSteps`).
        let runSteps = (1...config.epochs).reduce(0) { $0 + (data.count(epoch: $1) + config.batch - 1) / config.batch }
        while !progress.finished && progress.epoch <= config.epochs {
            let epoch = progress.epoch
            optimizer.learningRate = config.learningRate(epoch: epoch)
            let n = data.count(epoch: epoch)
            let steps = (n + config.batch - 1) / config.batch
            var order: [Int] = []
            if case .fixed(let e) = data {
                order = Array(e.indices)
                var rng = SeededRandom(seed: config.seed, index: UInt64(epoch), stream: 0x5_4FF1E)
                rng.shuffle(&order)
            }
            let clock = Clock()
            let secondsBefore = progress.epochSeconds
            while progress.stepInEpoch < steps {
                let s = progress.stepInEpoch
                let examples: [Example]
                if let k = config.bucket, k > 1 {
                    let pool = s / k
                    if pooled?.epoch != epoch || pooled?.pool != pool {
                        pooled = (epoch, pool, try data.bucketed(epoch: epoch, pool: pool, bucket: k, size: config.batch, steps: steps,
                                                             seed: config.seed, order: order))
                    }
                    examples = pooled!.batches[s - pool * k]
                } else {
                    examples = try data.batch(epoch: epoch, step: s, size: config.batch, seed: config.seed, order: order)
                }
                var targets: [[UInt8]]? = nil, depths: [[UInt8]]? = nil
                if config.counterDepthWeight != nil {
                    let both = examples.map { StepTargets.computeWithDepths($0.text) }
                    depths = both.map(\.depths)
                    if config.stepLossWeight > 0 { targets = both.map(\.targets) }
                } else if config.stepLossWeight > 0 {
                    let later = config.lexerLater ?? false
                    targets = config.lexerMoves == true ? examples.map { StackMoves.targets($0.text) }
                        : examples.map { StepTargets.compute($0.text, laterBranches: later) }
                }
                var batch = SequenceBatch(sequences: examples.map(\.text), labels: examples.map { $0.valid ? 1 : 0 },
                                          stepTargets: targets, stepWeight: config.stepLossWeight, brokenWeight: config.brokenWeight ?? 1,
                                          inertWeight: config.inertWeight ?? 1, brokenLatch: config.brokenLatch ?? false,
                                          counterDepths: depths, counterUnits: config.counters, counterWeight: config.counterDepthWeight ?? 0)
                batch.lexerOnly = config.lexerOnly ?? false
                batch.lexerLater = config.lexerLater ?? false
                batch.lexerMoves = config.lexerMoves ?? false
                let r = model.backward(batch, threads: config.threads, bptt: config.bptt)
                let step = progress.globalStep + 1
                func shown<F: BinaryFloatingPoint>(_ x: F) -> String { x.isNaN ? "NaN" : x > 0 ? "inf" : "-inf" }
                guard r.loss.isFinite, r.stepLoss.isFinite, r.counterLoss.isFinite else {
                    let bad = !r.loss.isFinite ? r.loss : !r.stepLoss.isFinite ? r.stepLoss : r.counterLoss
                    throw TrainingDiverged(what: "loss is \(shown(bad))", epoch: epoch, step: step)
                }
                let norm = clipGlobalNorm(&model.gradients, maxNorm: config.clip)
                guard norm.isFinite else {
                    throw TrainingDiverged(what: "gradient norm is \(shown(norm))", epoch: epoch, step: step)
                }
                var trace = progress.stepTrace ?? StepTrace()
                trace.append(step: step, loss: Float(r.loss), gradNorm: norm)
                progress.stepTrace = trace
                optimizer.learningRate = config.learningRate(step: progress.globalStep, of: runSteps, epoch: epoch)
                optimizer.update(&model.parameters, model.gradients, rateScale: rateScale)
                model.prepare()
                progress.globalStep = step
                progress.stepInEpoch += 1
                progress.lossSum += r.loss * Double(examples.count)
                progress.stepLossSum = (progress.stepLossSum ?? 0) + r.stepLoss
                progress.counterLossSum = (progress.counterLossSum ?? 0) + r.counterLoss
                progress.auxSteps = (progress.auxSteps ?? 0) + 1
                progress.correct += r.correct
                progress.seen += examples.count
                progress.tokens += examples.reduce(0) { $0 + $1.text.count }
                progress.epochSeconds = secondsBefore + clock.seconds
                // A lexer's final head is never trained: its running step loss is what moves.
                let lexer = config.lexerOnly == true
                report(.step(epoch: epoch, step: progress.stepInEpoch, stepsPerEpoch: steps,
                             loss: lexer ? (progress.stepLossSum ?? 0) / Double(max(progress.auxSteps ?? 1, 1)) : progress.lossSum / Double(progress.seen),
                             accuracy: lexer ? .nan : Double(progress.correct) / Double(progress.seen),
                             tokensPerSecond: Double(progress.tokens) / max(progress.epochSeconds, 1e-9)))
                // SIGTERM or Ctrl-C (scancel, a requeue, a time limit): keep this step's work, then stop.
                let stop = StopSignal.requested
                if let p = statePath, stop != nil || (saveEvery > 0 && step % saveEvery == 0 && progress.stepInEpoch < steps) {
                    try saveState(to: p)
                    report(.saved(path: p, step: step))
                }
                if let sig = stop {
                    throw StopRequested(signal: sig, saved: statePath.map { "the training state is saved in \($0) (step \(step))" } ?? "no training state was kept")
                }
            }
            // End of epoch: validate, keep the best, maybe stop.
            var record = EpochRecord(epoch: epoch, maxLength: maxLength(epoch), learningRate: optimizer.learningRate,
                                     trainLoss: progress.lossSum / Double(max(progress.seen, 1)),
                                     trainAccuracy: Double(progress.correct) / Double(max(progress.seen, 1)),
                                     validAccuracy: nil, validLoss: nil, seconds: progress.epochSeconds,
                                     tokensPerSecond: Double(progress.tokens) / max(progress.epochSeconds, 1e-9))
            if let n = progress.auxSteps, n > 0 {
                if config.stepLossWeight > 0 { record.stepLoss = (progress.stepLossSum ?? 0) / Double(n) }
                if config.counterDepthWeight != nil { record.counterLoss = (progress.counterLossSum ?? 0) / Double(n) }
            }
            var improved = true
            if !valid.isEmpty && config.lexerOnly != true {
                let e = Evaluation(model: model, examples: valid, threads: config.threads)
                record.validAccuracy = e.accuracy; record.validLoss = e.loss
                improved = (config.monitor ?? .accuracy).isImprovement(accuracy: e.accuracy, loss: e.loss,
                                                                       bestAccuracy: progress.bestValidAccuracy, bestLoss: progress.bestValidLoss)
                if improved { progress.bestValidAccuracy = e.accuracy; progress.bestValidLoss = e.loss; progress.epochsSinceBest = 0 }
                else { progress.epochsSinceBest += 1 }
            }
            progress.history.append(record)
            if improved, let b = bestPath { try saveModel(to: b) }
            report(.epoch(record, improved: improved))
            progress.epoch += 1
            progress.stepInEpoch = 0; progress.lossSum = 0; progress.stepLossSum = nil; progress.counterLossSum = nil; progress.auxSteps = nil; progress.correct = 0; progress.seen = 0; progress.tokens = 0; progress.epochSeconds = 0
            if let p = config.patience, progress.epochsSinceBest >= p {
                progress.finished = true
                report(.stoppedEarly(epoch: epoch))
            }
            if progress.epoch > config.epochs { progress.finished = true }
            if let p = statePath { try saveState(to: p); report(.saved(path: p, step: progress.globalStep)) }
        }
        if bestPath != nil && valid.isEmpty, let b = bestPath { try saveModel(to: b) }
    }

    func maxLength(_ epoch: Int) -> Int? {
        if let g = data.generator { return g.maxLength(epoch: epoch) }
        return nil
    }

    /// The model with its training description and metrics.
    public func saveModel(to path: String) throws {
        var meta = config.metadata
        for (k, v) in metadata { meta[k] = v }
        if let last = progress.history.last {
            meta["metrics.epoch"] = "\(last.epoch)"
            meta["metrics.train_accuracy"] = "\(last.trainAccuracy)"
            meta["metrics.train_loss"] = "\(last.trainLoss)"
            if let v = last.validAccuracy { meta["metrics.valid_accuracy"] = "\(v)" }
            if let v = last.validLoss { meta["metrics.valid_loss"] = "\(v)" }
        }
        meta["metrics.steps"] = "\(progress.globalStep)"
        meta["metrics.train_seconds"] = "\(progress.history.reduce(0) { $0 + $1.seconds })"
        try model.save(to: path, metadata: meta)
    }
}

/// The optimizer's scalars (its moment vectors travel as tensors).
struct OptimizerHeader: Codable {
    var kind: OptimizerKind
    var learningRate: Float
    var step: Int
    init(_ o: Optimizer) { kind = o.kind; learningRate = o.learningRate; step = o.step }
}
