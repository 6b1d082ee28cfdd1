import ArgumentParser
import DefaultModel
import NestNetSupport
import RecurrentNet

/// `nestnet average`: one checkpoint whose weights are the mean of several (a model soup).
struct Average: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Average the weights of checkpoints of one architecture and size (a model soup).",
        discussion: """
        Fine-tunes of one model, averaged tensor by tensor, can read better than any one of them \
        (the model card's not-kept part has this project's measurements: better on its valid \
        packages, not on its test packages). The output's metadata names the \
        inputs (average.models) and their SHA-256 (average.sha256); it carries no training \
        metrics, since no training made it.
        """)

    @Argument(help: "Two or more checkpoints (.safetensors) of one architecture and size.") var models: [String]
    @Option(help: "The averaged checkpoint to write (never one of the inputs).") var out: String

    func validate() throws {
        guard models.count >= 2 else { throw ValidationError("give two or more checkpoints to average") }
    }

    func run() throws {
        try checkWritable(out)
        try refuseOverwritingInputs(outputs: [("--out", out)], inputs: models.map { ("model", $0) })
        var loaded: [RecurrentModel] = [], sums: [String] = []
        for path in models {
            let (checkpoint, _, sha256) = try DefaultModel.resolve(path)
            loaded.append(checkpoint.model)
            sums.append(sha256)
        }
        let mean = try RecurrentModel.average(loaded)
        func list(_ items: [String]) -> String {
            var b: [UInt8] = []
            JSONWriter.append(to: &b) { $0.array(items) { $0.value($1) } }
            return String(decoding: b, as: UTF8.self)
        }
        try mean.save(to: out, metadata: ["nestnet.version": NestNet.version, "average.models": list(models),
                                          "average.sha256": list(sums)])
        print("averaged \(models.count) \(mean.config.shortName) checkpoints (\(mean.parameterCount) parameters) into \(out)")
    }
}
