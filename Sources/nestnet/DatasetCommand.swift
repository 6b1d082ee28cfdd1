import ArgumentParser
import FileSupport
import ProgramGenerator

/// `nestnet dataset …`: inspect datasets.
struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Inspect JSONL datasets.",
        subcommands: [Stats.self])

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Count, class balance, length and depth histograms, edit and error kinds.")

        @Argument(help: "A JSONL dataset.") var file: String
        @Option(help: "text or json.") var format: OutputFormat = .text

        func run() throws {
            let stats = DatasetStats(try Dataset.read(file))
            print(format == .json ? stats.json : stats.text, terminator: format == .json ? "\n" : "")
        }
    }
}

/// Output formats shared by the reporting commands.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
