import ArgumentParser
import FileSupport
import ProgramGenerator
import RecurrentNet
import Training

/// `nestnet train`: trains a classifier on a JSONL dataset and writes a checkpoint.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a recurrent nesting classifier on a JSONL dataset.",
        discussion: "Writes a .safetensors checkpoint (torch.nn names) with the training configuration, the dataset fingerprint and the final metrics in its metadata.")

    @Option(help: "rnn, lstm or gru.") var arch: Architecture = .lstm
    @Option(help: "Training data (JSONL).") var train: String
    @Option(help: "Validation data (JSONL), evaluated after every epoch.") var valid: String?
    @Option(help: "Embedding size.") var embed: Int = 16
    @Option(help: "Hidden size.") var hidden: Int = 64
    @Option(help: "Stacked recurrent layers.") var layers: Int = 1
    @Option(help: "Sequences per minibatch.") var batch: Int = 32
    @Option(help: "Passes over the training data.") var epochs: Int = 5
    @Option(help: "Learning rate.") var lr: Float = 2e-3
    @Option(help: "adam, rmsprop or sgd (momentum 0.9).") var optimizer: OptimizerKind = .adam
    @Option(help: "Global gradient-norm clip (0: off).") var clip: Float = 1
    @Option(help: "Truncated BPTT chunk length (default: full BPTT).") var bptt: Int?
    @Option(help: "Seed for initialisation and shuffling.") var seed: UInt64 = 1
    @Option(help: "Threads (default: all cores).") var threads: Int = defaultThreads
    @Option(help: "Checkpoint to write.") var out: String
    @Flag(help: "No progress output.") var quiet = false

    func run() throws {
        var config = TrainingConfig(model: ModelConfig(arch: arch, embed: embed, hidden: hidden, layers: layers))
        config.batch = batch; config.epochs = epochs; config.learningRate = lr; config.optimizer = optimizer
        config.clip = clip; config.bptt = bptt; config.seed = seed; config.threads = threads
        do { try config.validate() } catch let e as ModelError { throw NestNetError(e.message) }
        try checkWritable(out)
        let trainBytes = try readFile(train)
        let data = try Dataset.read(train)
        let validData = try valid.map { try Dataset.read($0) }
        var trainer = try Trainer(config)
        var progress = ProgressLine("train \(config.model.shortName)", total: epochs * ((data.count + batch - 1) / batch), quiet: quiet)
        var done = 0
        do {
            try trainer.train(data, valid: validData) { event in
                switch event {
                case let .step(epoch, step, _, loss, acc, tps):
                    done += 1
                    progress.update(done, "epoch \(epoch) step \(step), loss \(fixed(loss, 4)), acc \(fixed(acc, 3)), \(Int(tps)) tok/s")
                case let .epoch(r):
                    progress.finish("epoch \(r.epoch): loss \(fixed(r.trainLoss, 4)), train acc \(fixed(r.trainAccuracy, 4))"
                        + (r.validAccuracy.map { ", valid acc \(fixed($0, 4))" } ?? "") + ", \(fixed(r.seconds, 1))s, \(Int(r.tokensPerSecond)) tok/s")
                }
            }
        } catch let e as ModelError { throw NestNetError(e.message) }
        var meta = config.metadata
        meta["dataset.train"] = train
        meta["dataset.train_fingerprint"] = fingerprint(trainBytes)
        meta["dataset.train_examples"] = "\(data.count)"
        if let last = trainer.history.last {
            meta["metrics.train_accuracy"] = "\(last.trainAccuracy)"
            meta["metrics.train_loss"] = "\(last.trainLoss)"
            if let v = last.validAccuracy { meta["metrics.valid_accuracy"] = "\(v)"; meta["dataset.valid"] = valid ?? "" }
        }
        meta["nestnet.version"] = NestNet.version
        try trainer.model.save(to: out, metadata: meta)
        if !quiet { writeStderr("wrote \(out) (\(trainer.model.parameterCount) parameters)\n") }
    }
}

/// All cores.
let defaultThreads: Int = {
    #if canImport(Glibc)
    return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    #else
    return 2
    #endif
}()

#if canImport(Glibc)
import Glibc
#endif
