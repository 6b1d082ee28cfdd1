import ArgumentParser
import NestNetSupport
import ProgramGenerator

/// `nestnet dataset …`: inspect datasets.
struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Inspect JSONL datasets.",
        subcommands: [Stats.self, Windows.self])

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

extension DatasetCommand {
    /// `nestnet dataset windows`: labelled windows of real source files.
    struct Windows: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a labelled dataset from windows of real C files.",
            discussion: """
            Each window is a run of whole lines that is balanced on its own at any depth (inside \
            a function, an extern "C" block or a namespace as well as at the top level), or under \
            96 bytes sometimes a single bracket group, valid by the oracle; with --whole-files, \
            that share of examples are whole files instead. Half then get a corrupting edit and \
            half a decoy edit, as in `generate`. Directories are searched for C-like files \
            (.c, .h, .cc, .cpp, …). Each line also records where its text was cut from: \
            "source": {"path", "offset"} (the file as found, the byte of it where the text begins).
            """)

        @Argument(help: "Files or directories.") var paths: [String]
        @Option(parsing: .unconditional, help: "Number of examples.") var count: Int
        @Option(parsing: .unconditional, help: "Shortest window in bytes.") var minLength: Int = 64
        @Option(parsing: .unconditional, help: "Longest window in bytes.") var maxLength: Int = 1024
        @Option(parsing: .unconditional, help: "Share of examples that are whole files (of a size drawn like a window's length).") var wholeFiles: Double = 0
        @Option(help: "How lengths spread: uniform, or log (every doubling equally likely).") var lengths: LengthDistribution = .uniform
        @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt64 = 1
        @Option(help: "Output JSONL file.") var out: String
        @Flag(help: "No progress output.") var quiet = false

        func validate() throws {
            guard count >= 1 else { throw ValidationError("--count must be at least 1") }
            guard (0...1).contains(wholeFiles) else { throw ValidationError("--whole-files must be between 0 and 1") }
        }

        func run() throws {
            try checkWritable(out)
            // Every path that is not used is named on stderr with its reason (never a silent skip).
            var skipped = 0
            func skip(_ path: String, _ reason: String) {
                skipped += 1
                writeStderr("nestnet: warning: \(FileName.display(path)): skipped: \(reason)\n")
            }
            var files: [String] = []
            for entry in SourceWalker(extensions: SourceWalker.cLikeExtensions).walk(paths) {
                switch entry {
                case .file(let f): files.append(f)
                case .problem(let path, let message): skip(path, message)
                case .skipped(let path, let reason): skip(path, reason)
                }
            }
            guard !files.isEmpty else { throw NestNetError("no C-like source files under \(paths.joined(separator: ", "))") }
            try refuseOverwritingInputs(outputs: [("--out", out)], inputs: files.map { ("file", $0) })
            let windows = try RealCodeWindows(paths: files, minLength: minLength, maxLength: maxLength, threads: defaultThreads, skipped: skip)
            let labels = ExampleGenerator.labels(count: count, validFraction: 0.5, seed: seed)
            var progress = ProgressLine("windows", total: count, quiet: quiet)
            try AtomicFile.write(to: out) { w in
                for (i, valid) in labels.enumerated() {
                    guard let (e, origin) = windows.sourcedExample(seed: seed, index: i, valid: valid, lengths: lengths, wholeFiles: wholeFiles) else {
                        throw NestNetError("found no valid window of \(minLength)...\(maxLength) bytes in \(windows.fileCount) files; try other lengths")
                    }
                    var line: [UInt8] = []
                    e.jsonLine(into: &line, origin: origin)
                    line.append(10)
                    w.write(line)
                    progress.update(i + 1)
                }
            }
            progress.finish("wrote \(count) windows of \(windows.fileCount) files (\(skipped) skipped) to \(out)")
        }
    }
}
