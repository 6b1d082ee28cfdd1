import ProgramGenerator
import RecurrentNet

/// One line of the training history.
public struct EpochRecord: Sendable, Equatable {
    public var epoch: Int
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var validAccuracy: Double?
    public var validLoss: Double?
    public var seconds: Double
    public var tokensPerSecond: Double
}

/// What the trainer reports while it runs.
public enum TrainingEvent {
    case step(epoch: Int, step: Int, stepsPerEpoch: Int, loss: Double, accuracy: Double, tokensPerSecond: Double)
    case epoch(EpochRecord)
}

/// Fixed-dataset minibatch training with deterministic shuffling.
public struct Trainer {
    public let config: TrainingConfig
    public private(set) var model: RecurrentModel
    public private(set) var optimizer: Optimizer
    public private(set) var history: [EpochRecord] = []

    public init(_ config: TrainingConfig) throws {
        try config.validate()
        self.config = config
        model = try RecurrentModel.initialized(config.model, seed: config.seed, forgetBias: config.forgetBias)
        optimizer = Optimizer(config.optimizer, learningRate: config.learningRate, parameterCount: model.parameterCount)
    }

    /// Trains for `config.epochs` epochs; throws if the loss stops being finite.
    public mutating func train(_ data: [Example], valid: [Example]? = nil, report: (TrainingEvent) -> Void = { _ in }) throws {
        guard !data.isEmpty else { throw ModelError("the training set is empty") }
        var rng = SeededRandom(seed: config.seed, index: 1, stream: 0x5_4FF1E)
        let stepsPerEpoch = (data.count + config.batch - 1) / config.batch
        var globalStep = 0
        for epoch in 1...config.epochs {
            var order = Array(data.indices)
            rng.shuffle(&order)
            let clock = Clock()
            var lossSum = 0.0, correct = 0, tokens = 0
            for s in 0..<stepsPerEpoch {
                let idx = order[(s * config.batch)..<min(data.count, (s + 1) * config.batch)]
                let batch = SequenceBatch(sequences: idx.map { data[$0].text }, labels: idx.map { data[$0].valid ? 1 : 0 })
                let r = model.backward(batch, threads: config.threads, bptt: config.bptt)
                globalStep += 1
                guard r.loss.isFinite else {
                    throw ModelError("training diverged: loss is \(r.loss) at epoch \(epoch), step \(globalStep); try a lower --lr or --clip")
                }
                let norm = clipGlobalNorm(&model.gradients, maxNorm: config.clip)
                guard norm.isFinite else {
                    throw ModelError("training diverged: gradient norm is \(norm) at epoch \(epoch), step \(globalStep)")
                }
                optimizer.update(&model.parameters, model.gradients)
                model.prepare()
                lossSum += r.loss * Double(idx.count); correct += r.correct
                tokens += batch.sequences.reduce(0) { $0 + $1.count }
                report(.step(epoch: epoch, step: s + 1, stepsPerEpoch: stepsPerEpoch, loss: lossSum / Double(s * config.batch + idx.count),
                             accuracy: Double(correct) / Double(s * config.batch + idx.count), tokensPerSecond: Double(tokens) / clock.seconds))
            }
            var record = EpochRecord(epoch: epoch, trainLoss: lossSum / Double(data.count),
                                     trainAccuracy: Double(correct) / Double(data.count), validAccuracy: nil, validLoss: nil,
                                     seconds: clock.seconds, tokensPerSecond: Double(tokens) / clock.seconds)
            if let v = valid, !v.isEmpty {
                let e = Evaluation(model: model, examples: v, threads: config.threads)
                record.validAccuracy = e.accuracy; record.validLoss = e.loss
            }
            history.append(record)
            report(.epoch(record))
        }
    }
}
