import Foundation
import NestNetSupport

/// The lint run behind `nestnet check`: finds the input files, reads them, and gives every one
/// a result — checked (with the verdict of the engine in charge), skipped, or not checkable —
/// in a stable order, so every input appears in every report.
public struct Linter: Sendable {
    public var engine: CheckEngine
    /// The model's checker; nil exactly when `engine` is `.exact`.
    public var checker: ModelChecker?
    /// Globs of files or directories to skip.
    public var excludes: [String] = []
    /// Files larger than this many bytes are errors.
    public var maxBytes: Int = 16 << 20
    /// Where SARIF URIs are relative to, if they are wanted.
    public var reportRoot: ReportRoot? = nil
    /// A second model that reads the files `checker` flags; a file is invalid only when it
    /// agrees (nil: the first model's verdict stands).
    public var secondOpinion: SecondOpinion? = nil
    /// A third model that reads the files both `checker` and `secondOpinion` flag; a file is
    /// invalid only when all three agree (needs `secondOpinion`).
    public var thirdOpinion: SecondOpinion? = nil

    public init(engine: CheckEngine, checker: ModelChecker?) {
        precondition((checker == nil) == (engine == .exact), "the model engines need a checker, the exact one none")
        self.engine = engine; self.checker = checker
    }

    /// The files under `paths` (files, directories walked in sorted order, or `-` for standard
    /// input), with the entries that cannot be walked or are skipped kept as such; `includes`:
    /// globs of the files to take inside directories (empty: C and C++ endings).
    public static func inputs(_ paths: [String], includes: [String] = []) -> [SourceWalker.Entry] {
        var walker = SourceWalker(extensions: SourceWalker.cLikeExtensions)
        walker.includeGlobs = includes
        var entries: [SourceWalker.Entry] = []
        for p in paths {
            if p == "-" { entries.append(.file("-")) } else { entries += walker.walk([p]) }
        }
        return entries
    }

    /// One result per entry, in order.
    public func check(_ entries: [SourceWalker.Entry]) -> [FileResult] {
        var results: [FileResult] = []
        var texts: [[UInt8]] = []
        var textIndex: [Int] = []   // result index of each text
        for entry in entries {
            switch entry {
            case .problem(let path, let message):
                results.append(FileResult(path: FileName.display(path), status: .error, message: message))
            case .skipped(let path, let reason):
                results.append(FileResult(path: FileName.display(path), status: .skipped, message: reason))
            case .file(let path):
                let shown = path == "-" ? "<stdin>" : FileName.display(path)
                if excludes.contains(where: { Glob.matches($0, path) }) {
                    results.append(.excluded(shown))
                    continue
                }
                let bytes: [UInt8]
                do { bytes = path == "-" ? try readStdin(limit: maxBytes) : try readFile(path, limit: maxBytes, special: .read) }
                catch let e as NestNetError {
                    let reason: String
                    if case .tooLarge = e.kind { reason = "larger than --max-bytes \(maxBytes)" }
                    else { reason = e.message.replacingOccurrences(of: "cannot read \(shown): ", with: "") }
                    results.append(FileResult(path: shown, status: .error, message: reason))
                    continue
                } catch {
                    results.append(FileResult(path: shown, status: .error, message: "\(error)"))
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
                    results.append(.empty(shown))
                    continue
                }
                var checked = FileResult(path: shown, status: .checked, valid: true, message: "", bytes: bytes.count)
                checked.uri = reportRoot?.uri(of: path)
                results.append(checked)
                texts.append(bytes); textIndex.append(results.count - 1)
            }
        }

        // Verdicts: the model's for all texts at once (batched), the oracle's file by file.
        let modelVerdicts = checker?.check(texts)
        // Each confirming model (the second, then the third) reads the files every model before
        // it flagged, all at once.
        precondition(thirdOpinion == nil || secondOpinion != nil, "a third opinion confirms a second one")
        var confirmations: [[Int: ModelChecker.Verdict]] = []
        if let mv = modelVerdicts {
            var flagged = mv.indices.filter { !mv[$0].valid && !mv[$0].failed }
            for opinion in [secondOpinion, thirdOpinion].compactMap({ $0 }) {
                var verdicts: [Int: ModelChecker.Verdict] = [:]
                for (k, v) in zip(flagged, opinion.checker.check(flagged.map { texts[$0] })) { verdicts[k] = v }
                confirmations.append(verdicts)
                flagged = flagged.filter { !verdicts[$0]!.valid && !verdicts[$0]!.failed }
            }
        }
        let labels = ["second opinion: ", "third opinion: "]
        for (k, text) in texts.enumerated() {
            var r = results[textIndex[k]]
            let exact = engine == .model ? nil : FileResult.Exact(checking: text)
            let asked = confirmations.map { $0[k] }
            if let mv = modelVerdicts?[k], mv.failed {
                r.status = .error; r.valid = nil; r.message = mv.message
            } else if let n = asked.firstIndex(where: { $0?.failed == true }), let cv = asked[n] {
                r.status = .error; r.valid = nil; r.message = labels[n] + cv.message
            } else if let mv = modelVerdicts?[k] {
                r.valid = mv.valid; r.pValid = mv.pValid; r.reason = mv.reason; r.location = mv.location; r.message = mv.message
                // Invalid only when every model asked says so; the first model places the error.
                let said = asked.map { $0.map { FileResult.Second(valid: $0.valid, pValid: $0.pValid, reason: $0.reason) } }
                r.second = said.first ?? nil
                r.third = said.count > 1 ? said[1] : nil
                if said.contains(where: { $0?.valid == true }) { r.valid = true; r.location = nil; r.message = "" }
            } else if let e = exact {
                r.valid = e.valid; r.location = e.location; r.message = e.message ?? ""
            }
            if engine == .both { r.exact = exact }
            if text.isEmpty { r.message = r.valid == true ? "empty file" : r.message }
            results[textIndex[k]] = r
        }
        return results
    }
}
