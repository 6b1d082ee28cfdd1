import ArgumentParser
import DefaultModel
import Dispatch
import FileSupport
import NestingOracle
import RecurrentNet
import Reporting
#if canImport(Glibc)
import Glibc
#endif

/// `nestnet check`: the CI lint step.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the bracket nesting of C-like source files (the CI lint step).",
        discussion: """
        PATHs are files or directories (default: .; - reads standard input). Directories are \
        walked recursively for C-like files, in sorted order. Exit status: 0 when every file is \
        valid, 1 when some file is invalid, 2 on usage errors or when some file could not be \
        checked; every input file is listed in every report either way.
        """)

    enum Engine: String, ExpressibleByArgument, CaseIterable { case model, exact, both }
    enum FailOn: String, ExpressibleByArgument, CaseIterable { case model, exact, either }

    @Argument(help: "Files or directories (default: .).") var paths: [String] = []
    @Option(help: "Checkpoint (default: the embedded LSTM).") var model: String?
    @Option(help: "model (the neural network), exact (the oracle), or both side by side.") var engine: Engine = .model
    @Option(help: "With --engine both: whose verdict sets the exit status: exact (the oracle, the ground truth; disagreements are reported), model, or either.") var failOn: FailOn?
    @Option(parsing: .unconditional, help: "Report a file invalid when the model's P(valid) (or, mid-file, its P(not broken yet)) is below this. The default 0.5 was chosen on the corpus valid packages: there the embedded model flags under half as many valid files as the previous release did at its default 0.4, and catches fewer broken ones (see the model card).") var threshold: Float = 0.5
    @Option(help: "Comma-separated globs of files to check in directories (default: C and C++ endings).") var include: String?
    @Option(help: "Comma-separated globs of files or directories to skip.") var exclude: String?
    @Option(parsing: .unconditional, help: "Files larger than this many bytes are errors.") var maxBytes: Int = 16 << 20
    @Option(help: "text (compiler-style lines) or json.") var format: OutputFormat = .text
    @Option(help: "Write a JUnit XML report here.") var junit: String?
    @Flag(help: "JUnit without file/line on testcases (valid against the plain Jenkins junit-10.xsd).") var junitStrict = false
    @Option(help: "Write a SARIF 2.1.0 report here.") var sarif: String?
    @Option(help: "Folder the SARIF report's file URIs are relative to (default: the git top level of the current folder, else the current folder).") var root: String?
    @Flag(help: "Print GitHub Actions ::error workflow commands (to stderr with --format json, so stdout stays JSON).") var github = false
    @Flag(help: "Also list valid and skipped files.") var verbose = false
    @Flag(help: "Exit 0 when no C-like file is found (by default that is an error: a lint that checks nothing hides a misconfigured pipeline).") var allowEmpty = false
    @Option(parsing: .unconditional, help: "Worker threads: one per core unless given.") var threads: Int = defaultThreads

    func run() throws {
        guard threshold > 0, threshold <= 1 else { throw NestNetError("--threshold must be in (0, 1]") }
        guard maxBytes > 0, maxBytes <= 1 << 30 else { throw NestNetError("--max-bytes must be between 1 and 1073741824 (1 GiB)") }
        guard threads >= 1 else { throw NestNetError("--threads must be at least 1") }
        if failOn != nil && engine != .both { throw NestNetError("--fail-on chooses between the two verdicts of --engine both") }
        for p in [junit, sarif].compactMap({ $0 }) { try checkWritable(p) }
        if root != nil && sarif == nil { throw NestNetError("--root sets what SARIF URIs are relative to: it needs --sarif") }
        let reportRoot = try sarif.map { _ in try ReportRoot(root) }
        let clock = DispatchTime.now().uptimeNanoseconds

        // Inputs: every file gets a result, in a stable order.
        let includes = (include ?? "").split(separator: ",").map { $0.trimmingSpaces }.filter { !$0.isEmpty }
        let excludes = (exclude ?? "").split(separator: ",").map { $0.trimmingSpaces }.filter { !$0.isEmpty }
        for (flag, globs) in [("--include", includes), ("--exclude", excludes)] {
            for g in globs { if let why = globProblem(g) { throw NestNetError("\(flag) '\(g)': invalid glob: \(why)") } }
        }
        var walker = SourceWalker(extensions: SourceWalker.cLikeExtensions)
        walker.includeGlobs = includes
        var results: [FileResult] = []
        var texts: [[UInt8]] = []
        var textIndex: [Int] = []   // result index of each text
        let inputs = paths.isEmpty ? ["."] : paths
        var entries: [SourceWalker.Entry] = []
        for p in inputs {
            if p == "-" { entries.append(.file("-")) } else { entries += walker.walk([p]) }
        }
        if !allowEmpty && entries.isEmpty {
            throw NestNetError("no C-like files found under \(inputs.map { FileName.display($0) }.joined(separator: ", "))\(include.map { " matching --include \($0)" } ?? ""); pass --allow-empty if that is expected")
        }
        try refuseOverwritingInputs(outputs: [("--junit", junit), ("--sarif", sarif)],
                                    inputs: [("--model", model)] + entries.compactMap { if case .file(let f) = $0, f != "-" { return ("file", f) } else { return nil } })

        // The model (unless only the oracle runs).
        var checker: ModelChecker? = nil
        var modelName = "exact", modelPath = "", sha = ""
        if engine != .exact {
            do {
                let (ckpt, _, modelSHA) = try DefaultModel.resolve(model)
                checker = ModelChecker(model: ckpt.model, threshold: threshold, threads: threads)
                modelName = ckpt.model.config.shortName
                modelPath = model ?? "embedded"
                sha = modelSHA
            } catch let e as ModelError { throw NestNetError(e.message) }
        }

        for entry in entries {
            switch entry {
            case .problem(let path, let message):
                results.append(FileResult(path: FileName.display(path), status: .error, message: message))
            case .skipped(let path, let reason):
                results.append(FileResult(path: FileName.display(path), status: .skipped, message: reason))
            case .file(let path):
                let shown = path == "-" ? "<stdin>" : FileName.display(path)
                if excludes.contains(where: { globMatch($0, path) }) {
                    results.append(FileResult(path: shown, status: .skipped, message: TextReport.excludedMessage))
                    continue
                }
                let bytes: [UInt8]
                do { bytes = path == "-" ? try readStdin(limit: maxBytes) : try readFile(path, limit: maxBytes, special: .read) }
                catch let e as NestNetError {
                    let reason = e.message.contains("larger than") ? "larger than --max-bytes \(maxBytes)" : e.message.replacingOccurrences(of: "cannot read \(shown): ", with: "")
                    results.append(FileResult(path: shown, status: .error, message: reason))
                    continue
                }
                if bytes.contains(0) {
                    results.append(FileResult(path: shown, status: .skipped, message: "binary file (NUL bytes)", bytes: bytes.count))
                    continue
                }
                // The model's verdict comes from reading bytes; an empty file gives it none, and
                // what its head says of the untouched start state is no verdict (the shipped
                // model: P(valid) = 0.499). The oracle calls it valid (`--engine exact`).
                if bytes.isEmpty && engine != .exact {
                    results.append(FileResult(path: shown, status: .skipped, message: TextReport.emptyMessage, bytes: 0))
                    continue
                }
                var checked = FileResult(path: shown, status: .checked, valid: true, message: "", bytes: bytes.count)
                checked.uri = reportRoot?.uri(of: path)
                results.append(checked)
                texts.append(bytes); textIndex.append(results.count - 1)
            }
        }

        // Verdicts.
        let modelVerdicts = checker?.check(texts)
        for (k, text) in texts.enumerated() {
            var r = results[textIndex[k]]
            let exact = engine == .model ? nil : exactVerdict(text)
            if let mv = modelVerdicts?[k], mv.failed {
                r.status = .error; r.valid = nil; r.message = mv.message
            } else if let mv = modelVerdicts?[k] {
                r.valid = mv.valid; r.pValid = mv.pValid; r.reason = mv.reason; r.location = mv.location; r.message = mv.message
            } else if let e = exact {
                r.valid = e.valid; r.location = e.location; r.message = e.message ?? ""
            }
            if engine == .both { r.exact = exact }
            if text.isEmpty { r.message = r.valid == true ? "empty file" : r.message }
            results[textIndex[k]] = r
        }

        var report = CheckReport(files: results, engine: engine.rawValue, modelName: modelName, modelPath: modelPath,
                                 modelSHA256: sha, threshold: threshold, version: NestNet.version, timestamp: isoTimestamp(),
                                 hostname: hostName(),
                                 seconds: Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9)
        report.failOn = (failOn ?? .exact).rawValue
        report.rootURI = reportRoot?.uri
        if let p = junit { try JUnitWriter.write(report, to: p, strict: junitStrict) }
        if let p = sarif { try AtomicFile.write(Array(SARIFWriter.render(report).utf8), to: p) }
        // One stream each: with JSON on stdout, the annotations go to stderr (the Actions runner
        // reads workflow commands from both).
        if github { if format == .json { writeStderr(TextReport.github(report)) } else { print(TextReport.github(report), terminator: "") } }
        switch format {
        case .text: print(TextReport.render(report, verbose: verbose), terminator: "")
        case .json: print(JSONReport.render(report), terminator: "")
        }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}

/// Why fnmatch(3) would not take `glob` as meant (it silently matches nothing), or nil.
func globProblem(_ glob: String) -> String? {
    var chars = Array(glob.unicodeScalars)[...]
    while let c = chars.popFirst() {
        switch c {
        case "\\": if chars.popFirst() == nil { return "ends with an unescaped backslash" }
        case "[":
            // A bracket expression: `]` right after `[` or `[!` is a member, then up to the next `]`.
            if chars.first == "!" || chars.first == "^" { chars.removeFirst() }
            if chars.first == "]" { chars.removeFirst() }
            guard let close = chars.firstIndex(of: "]") else { return "'[' without a closing ']'" }
            chars = chars[(close + 1)...]
        default: break
        }
    }
    return nil
}

/// fnmatch(3) on the whole path and on its last component.
func globMatch(_ pattern: String, _ path: String) -> Bool {
    let base = path.split(separator: "/").last.map(String.init) ?? path
    return fnmatch(pattern, path, 0) == 0 || fnmatch(pattern, base, 0) == 0
        || path.split(separator: "/").contains { fnmatch(pattern, String($0), 0) == 0 }
}

func readStdin(limit: Int) throws -> [UInt8] {
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
        if n < 0 { throw NestNetError("cannot read standard input: \(String(cString: strerror(errno)))") }
        if n == 0 { break }
        out += chunk[0..<n]
        if out.count > limit { throw NestNetError("larger than \(limit) bytes") }
    }
    return out
}

func isoTimestamp() -> String {
    var t = time(nil)
    var tmv = tm()
    gmtime_r(&t, &tmv)
    var buf = [CChar](repeating: 0, count: 32)
    let n = strftime(&buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tmv)
    return String(decoding: buf.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

func hostName() -> String {
    var buf = [CChar](repeating: 0, count: 256)
    guard gethostname(&buf, 255) == 0 else { return "unknown" }
    return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
