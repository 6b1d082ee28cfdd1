import FileSupport
import Foundation
import NestingOracle
import RecurrentNet
import Reporting
import Training

/// Runs the neural model over many files at once (batched so each step is a matrix product)
/// and turns its outputs into verdicts and locations.
///
/// Location: the per-step head's `broken` output (trained on the oracle's "nesting already
/// broken at this byte", which once set stays set) is read at every byte; the start of the run
/// of bytes where it exceeds 0.5 that lasts to the end is where the model sees the nesting
/// break (a flicker that the model itself takes back later is not a break). When the file is
/// judged invalid but nothing breaks before the end, the error is an unclosed bracket and the
/// location is the end of the file.
struct ModelChecker {
    let model: RecurrentModel
    let threshold: Float
    let threads: Int

    struct Verdict {
        var valid: Bool
        var probability: Float
        var location: FileResult.Location?
        var message: String
    }

    /// Longest piece of a file the model reads from one fresh state.
    static let piece = 4096

    /// A stretch of one file checked from a fresh state: [lower, upper), ending the file or not.
    struct Job { var file: Int; var lower: Int; var upper: Int }

    /// Verdicts in the order of `texts`.
    ///
    /// Long files are read in pieces, restarting from a fresh state at points the model itself
    /// marks as complete (its step head says: nothing broken, nothing open, not inside a
    /// comment or string, at the end of a line): if the text so far is valid, the whole is
    /// valid exactly when the rest is, so each piece stays within the lengths the model was
    /// trained on. Every round batches the current piece of every unfinished stretch, so the
    /// model runs as matrix products across files.
    ///
    /// A large file is also split speculatively into one stretch per thread at lines that are
    /// just `}`; the model confirms each split (the stretch before it must end complete by the
    /// model's own final verdict). A stretch that does not is re-checked together with
    /// everything after it, from where it started, so speculation never changes a verdict.
    func check(_ texts: [[UInt8]]) -> [Verdict] {
        var jobs: [Job] = []
        for (f, t) in texts.enumerated() {
            let cuts = t.count >= 16 * Self.piece && threads > 1 ? splitPoints(t, parts: threads) : []
            var lower = 0
            for c in cuts { jobs.append(Job(file: f, lower: lower, upper: c)); lower = c }
            jobs.append(Job(file: f, lower: lower, upper: t.count))
        }
        let results = run(jobs, texts)
        var out = [Verdict?](repeating: nil, count: texts.count)
        var redo: [Job] = []
        for (j, job) in jobs.enumerated() where out[job.file] == nil && !redo.contains(where: { $0.file == job.file }) {
            switch results[j] {
            case .valid(let v): if job.upper == texts[job.file].count { out[job.file] = v }  // else: on to the next stretch
            case .broken(let v): out[job.file] = v
            case .incomplete: redo.append(Job(file: job.file, lower: job.lower, upper: texts[job.file].count))
            }
        }
        let redone = redo.isEmpty ? [] : run(redo, texts)
        for (k, job) in redo.enumerated() {
            switch redone[k] {
            case .valid(let v), .broken(let v), .incomplete(let v): out[job.file] = v
            }
        }
        return out.map { $0! }
    }

    /// How a stretch ended.
    enum Outcome {
        /// Valid (for a stretch before a split: complete, so the split is confirmed).
        case valid(Verdict)
        /// The nesting breaks inside (or, at the end of the file, a bracket stays open).
        case broken(Verdict)
        /// A stretch before a split that leaves something open: the split was not clean.
        case incomplete(Verdict)
    }

    /// Runs stretches through the model in rounds of batched pieces.
    func run(_ jobs: [Job], _ texts: [[UInt8]]) -> [Outcome] {
        var out = [Outcome?](repeating: nil, count: jobs.count)
        var start = jobs.map(\.lower)
        var span = [Int](repeating: Self.piece, count: jobs.count)
        var pending = Array(jobs.indices)
        while !pending.isEmpty {
            pending.sort { jobs[$0].upper - start[$0] > jobs[$1].upper - start[$1] }
            var next: [Int] = []
            var i = 0
            while i < pending.count {
                var batch: [Int] = []
                while i < pending.count, batch.count < 32 { batch.append(pending[i]); i += 1 }
                let pieces = batch.map { j in Array(texts[jobs[j].file][start[j]..<min(jobs[j].upper, start[j] + span[j])]) }
                let r = model.predict(pieces, threads: threads, stepOutputs: model.config.stepOutputs > 0)
                for (k, j) in batch.enumerated() {
                    let text = texts[jobs[j].file], s = start[j], piece = pieces[k]
                    let last = s + piece.count == jobs[j].upper
                    let steps = r.stepLogits?[k]
                    if last {
                        let v = finalVerdict(text, offset: s, piece: piece, probability: r.probabilities[k], steps: steps)
                        let endsFile = jobs[j].upper == text.count
                        if v.valid { out[j] = .valid(v) }
                        else if !endsFile && v.location?.offset == jobs[j].upper - 1 { out[j] = .incomplete(v) }
                        else { out[j] = .broken(v) }
                    } else if let v = brokenVerdict(text, offset: s, piece: piece, steps: steps) {
                        out[j] = .broken(v)
                    } else if let cut = restartPoint(piece, steps: steps) {
                        start[j] = s + cut; span[j] = Self.piece; next.append(j)
                    } else {
                        span[j] *= 2; next.append(j)  // no safe point yet: read further from the same start
                    }
                }
            }
            pending = next
        }
        return out.map { $0! }
    }

    /// Candidate split points for `parts` stretches: the start of the line after a line that
    /// is exactly `}` (a function or initializer ending at column 0), nearest each even share.
    func splitPoints(_ t: [UInt8], parts: Int) -> [Int] {
        var cuts: [Int] = []
        for k in 1..<parts {
            var i = t.count * k / parts
            while i + 2 < t.count, !(t[i] == 125 && (i == 0 || t[i - 1] == 10) && t[i + 1] == 10) { i += 1 }
            if i + 2 < t.count, cuts.last.map({ i + 2 > $0 }) ?? true { cuts.append(i + 2) }
        }
        return cuts
    }

    /// Where the step head says the nesting broke in `piece`: the start of the run of "broken"
    /// bytes that lasts to the end of the piece (logit > 0 ⇔ P(broken) > 0.5), or nil.
    func firstBreak(_ piece: [UInt8], _ steps: [Float]?) -> Int? {
        let P = model.config.stepOutputs
        guard let s = steps, P > 0 else { return nil }
        // Broken when the head is past the same bar as the final verdict at the end of the piece
        // (P(not broken) < threshold); the location is where its run above 0.5 starts.
        let minLogit = Float(log(Double(1 - threshold) / Double(threshold)))
        guard !piece.isEmpty, s[(piece.count - 1) * P] > minLogit else { return nil }
        return StepTargets.breakStart(s, count: piece.count, outputs: P, minLogit: min(0, minLogit))
    }

    func breakVerdict(_ text: [UInt8], at start: Int, probability p: Float) -> Verdict {
        let offset = StepTargets.snapToCloser(text, start: start)
        let b = text[offset]
        let what = Bracket.closerKind(b) != nil ? "unexpected '\(Character(UnicodeScalar(b)))': " : ""
        return Verdict(valid: false, probability: p, location: location(of: offset, in: text), message: what + "nesting breaks here")
    }

    /// A piece before the last: invalid when the step head sees the nesting break in it (the
    /// reported probability is the step head's P(not broken) there).
    func brokenVerdict(_ text: [UInt8], offset: Int, piece: [UInt8], steps: [Float]?) -> Verdict? {
        guard let t = firstBreak(piece, steps), let s = steps else { return nil }
        let logit = s[t * model.config.stepOutputs]
        return breakVerdict(text, at: offset + t, probability: 1 / (1 + Float(exp(Double(logit)))))
    }

    /// The last piece: the final head decides; the step head places the error, or the end of
    /// the file for an unclosed bracket.
    func finalVerdict(_ text: [UInt8], offset: Int, piece: [UInt8], probability p: Float, steps: [Float]?) -> Verdict {
        guard p < threshold else { return Verdict(valid: true, probability: p, location: nil, message: "") }
        if let t = firstBreak(piece, steps), t < piece.count - 1 { return breakVerdict(text, at: offset + t, probability: p) }
        // Unclosed: reported at the end of the stretch (the end of the file for the last one).
        return Verdict(valid: false, probability: p, location: location(of: max(0, offset + piece.count - 1), in: text),
                       message: "a bracket is still open at the end of the file")
    }

    /// The last newline (past the first quarter of the piece) where the model says the text so
    /// far is complete: nothing broken, nothing open, not inert. Returns the offset after it.
    func restartPoint(_ piece: [UInt8], steps: [Float]?) -> Int? {
        let P = model.config.stepOutputs
        guard let s = steps, P >= 3 else { return nil }
        var t = piece.count - 1
        while t >= piece.count / 4 {
            if piece[t] == 10 && s[t * P] < -2 && s[t * P + 1] < -2 && s[t * P + 2] < -2 { return t + 1 }
            t -= 1
        }
        return nil
    }
}

func location(of offset: Int, in text: [UInt8]) -> FileResult.Location {
    let pos = text.withUnsafeBufferPointer { SourcePosition.of(offset: offset, in: $0) }
    return .init(line: pos.line, column: pos.column, offset: offset)
}

/// The oracle's verdict in report form.
func exactVerdict(_ text: [UInt8]) -> FileResult.Exact {
    let v = NestingOracle.check(text)
    guard let e = v.error else { return .init(valid: true, kind: nil, location: nil, message: nil) }
    return .init(valid: false, kind: e.kind.rawValue, location: .init(line: e.line, column: e.column, offset: e.offset),
                 message: e.message + " [\(e.kind.rawValue)]")
}
