import ArgumentParser
import FileSupport
import ProgramGenerator
import RecurrentNet
import Training

/// `nestnet eval`: a checkpoint's accuracy on a labelled dataset.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Evaluate a checkpoint on a JSONL dataset.")

    @Option(help: "Checkpoint (.safetensors).") var model: String
    @Option(help: "Labelled data (JSONL).") var data: String
    @Option(help: "text or json.") var format: OutputFormat = .text
    @Option(help: "Write one {\"index\", \"probability\", \"valid\"} line per example.") var predictions: String?
    @Option(help: "Threads (default: all cores).") var threads: Int = defaultThreads

    func run() throws {
        guard threads >= 1 else { throw NestNetError("--threads must be at least 1") }
        if let p = predictions { try checkWritable(p) }
        let ckpt: RecurrentModel.Checkpoint
        do { ckpt = try RecurrentModel.load(from: model) } catch let e as ModelError { throw NestNetError(e.message) }
        let examples = try Dataset.read(data)
        let e = Evaluation(model: ckpt.model, examples: examples, threads: threads)
        if let path = predictions {
            try AtomicFile.write(to: path) { w in
                for (i, p) in e.probabilities.enumerated() {
                    w.write("{\"index\": \(i), \"probability\": \(p), \"valid\": \(p > 0.5)}\n")
                }
            }
        }
        switch format {
        case .json:
            print("{\"model\": \(JSONText.quote(model)), \"arch\": \"\(ckpt.model.config.arch.rawValue)\", \"data\": \(JSONText.quote(data)), "
                  + "\"count\": \(e.count), \"accuracy\": \(e.accuracy), \"loss\": \(e.loss), \"seconds\": \(fixed(e.seconds, 3)), "
                  + "\"bytes_per_sec\": \(fixed(e.bytesPerSecond, 0))}")
        case .text:
            print("\(model) (\(ckpt.model.config.shortName)) on \(data): accuracy \(fixed(e.accuracy, 4)) (\(e.correct)/\(e.count)), loss \(fixed(e.loss, 4)), \(fixed(e.bytesPerSecond / 1e6, 2)) MB/s")
        }
    }
}
