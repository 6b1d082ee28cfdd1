import ArgumentParser
import DefaultModel
import Linting
import NestNetSupport
import ProgramGenerator
import RecurrentNet
import Training

/// `nestnet eval`: a checkpoint's accuracy on a labelled dataset.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a checkpoint on a JSONL dataset.",
        discussion: """
        A model with a final head is scored by its P(valid) at the end of each text, at 0.5. A \
        stack network (`train --lexer-only --stack-moves`) is scored as `nestnet check` reads it: \
        by its own stack and check's --repair-budget (its default unless given), P(valid) being 1 \
        for a text it reads as valid and check's p_valid otherwise, the error's place where its \
        stack broke.
        """)

    @Option(help: "Checkpoint (.safetensors); default: the embedded model.") var model: String?
    @Option(help: "Labelled data (JSONL).") var data: String
    @Option(help: "text or json.") var format: OutputFormat = .text
    @Option(help: "Write one {\"index\", \"probability\", \"valid\"} line per example.") var predictions: String?
    @Option(parsing: .unconditional, help: "Worker threads: one per core unless given.") var threads: Int = defaultThreads
    @Option(parsing: .unconditional, help: "For a stack network: how far another reading of its moves may go, in nats, as `check --repair-budget` (0: its own reading alone). Default: \(ModelChecker.defaultRepairBudget).") var repairBudget: Float?

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        if let b = repairBudget, !(b >= 0 && b <= ModelChecker.maxRepairBudget) {
            throw ValidationError("--repair-budget must be between 0 and \(ModelChecker.maxRepairBudget) nats")
        }
    }

    func run() throws {
        if let p = predictions { try checkWritable(p) }
        try refuseOverwritingInputs(outputs: [("--predictions", predictions)], inputs: [("--data", data), ("--model", model)])
        let ckpt: RecurrentModel.Checkpoint, modelName: String
        (ckpt, modelName, _) = try DefaultModel.resolve(model, movesAllowed: true)
        let stack = ModelChecker.readsMoves(metadata: ckpt.metadata)
        if repairBudget != nil && !stack {
            throw NestNetError("--repair-budget sets how a stack network's moves may be read, but \(modelName) is not a stack network: leave it out")
        }
        let examples = try Dataset.read(data)
        // A stack network is read within a repair budget (check's default unless given); the
        // report names it. Other models have none.
        let budget = stack ? repairBudget ?? ModelChecker.defaultRepairBudget : nil
        let e = budget.map { Self.stackEvaluation(ckpt.model, examples, threads: threads, repairBudget: $0) }
            ?? Evaluation(model: ckpt.model, examples: examples, threads: threads)
        let bad = e.probabilities.filter { !$0.isFinite }.count
        guard bad == 0 else {
            throw NestNetError("\(modelName): the model's output is not a finite number on \(bad) of \(examples.count) examples (its weights overflow); nothing was evaluated")
        }
        if let path = predictions {
            try AtomicFile.write(to: path) { w in
                var line: [UInt8] = []
                for (i, p) in e.probabilities.enumerated() {
                    line.removeAll(keepingCapacity: true)
                    JSONWriter.append(to: &line) { $0.object { $0.field("index", i); $0.field("probability", p); $0.field("valid", p > 0.5) } }
                    line.append(10)
                    w.write(line)
                }
            }
        }
        let report = EvaluationReport(e, examples: examples)
        switch format {
        case .json: print(report.json(model: modelName, arch: ckpt.model.config.arch.rawValue, data: data, repairBudget: budget))
        case .text: print(report.text(model: "\(modelName) (\(ckpt.model.config.shortName))", data: data, repairBudget: budget), terminator: "")
        }
    }

    /// A stack network's verdicts, read as check reads it (its stack, and another reading of its
    /// moves within `repairBudget` nats): P(valid) is 1 for a valid text and check's p_valid
    /// (held at or under 0.5) for a broken one, the error's offset where the stack broke (or
    /// where the last reading within the budget did) or the innermost push left open.
    static func stackEvaluation(_ model: RecurrentModel, _ examples: [Example], threads: Int,
                                repairBudget: Float = ModelChecker.defaultRepairBudget) -> Evaluation {
        let clock = Clock()
        var checker = ModelChecker(model: model, threshold: ModelChecker.defaultThreshold, threads: threads)
        checker.moves = true
        checker.repairBudget = repairBudget
        let verdicts = checker.check(examples.map(\.text))
        return Evaluation(probabilities: verdicts.map { $0.failed ? .nan : $0.valid ? 1 : min($0.pValid, 0.5) },
                          errorOffset: verdicts.map { $0.valid ? nil : $0.location?.offset },
                          examples: examples, seconds: clock.seconds)
    }
}
