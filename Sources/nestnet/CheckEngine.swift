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
    /// `merged` counts how often it has already been extended over an unconfirmed split.
    struct Job { var file: Int; var lower: Int; var upper: Int; var merged = 0 }

    /// Files this long or longer are split into speculative stretches.
    static let splitFrom = 16 * piece
    /// Bytes per speculative stretch (at least), and the most stretches per file.
    static let stretchBytes = 8 * piece, maxStretches = 64

    /// Verdicts in the order of `texts`.
    ///
    /// Long files are read in pieces, restarting from a fresh state at points the model itself
    /// marks as complete (its step head says: nothing broken, nothing open, not inside a
    /// comment or string, at the end of a line): if the text so far is valid, the whole is
    /// valid exactly when the rest is, so each piece stays within the lengths the model was
    /// trained on. Every round batches the current piece of every unfinished stretch, so the
    /// model runs as matrix products across files.
    ///
    /// A file of 64 KiB or more is also split speculatively, at lines that are just `}`, into
    /// stretches of 32 KiB or more (at most 64), all read at once as rows of the same matrix
    /// products; see `confirm` for how the splits are confirmed.
    func check(_ texts: [[UInt8]]) -> [Verdict] {
        let cuts = texts.map { t in
            t.count >= Self.splitFrom
                ? splitPoints(t, parts: min(Self.maxStretches, max(threads, t.count / Self.stretchBytes))) : []
        }
        return Self.confirm(lengths: texts.map(\.count), cuts: cuts) { run($0, texts) }
    }

    /// Verdicts for files split at `cuts[f]` (ascending offsets inside file f), confirming the
    /// splits in order. Every stretch is run at once; walking each file from its start, a
    /// stretch that ends complete (valid by the model's own final verdict) confirms the split
    /// after it, a break in a confirmed stretch is the file's verdict, and a stretch that ends
    /// with something open was split at the wrong place: it is read again from its last
    /// model-confirmed restart point over the next stretch (then the next 2, 4, … when that
    /// fails again, so a file with no clean split costs at most about three plain reads), and
    /// the walk goes on in the next round. Speculation therefore never changes what the
    /// sequential reading would conclude from the same restart points.
    static func confirm(lengths: [Int], cuts: [[Int]], run: ([Job]) -> [Outcome]) -> [Verdict] {
        var stretches: [[Job]] = lengths.indices.map { f in
            let b = [0] + cuts[f] + [lengths[f]]
            return (0..<(b.count - 1)).map { Job(file: f, lower: b[$0], upper: b[$0 + 1]) }
        }
        var outcomes: [[Outcome?]] = stretches.map { [Outcome?](repeating: nil, count: $0.count) }
        var verdicts = [Verdict?](repeating: nil, count: lengths.count)
        var todo = stretches.indices.flatMap { f in stretches[f].indices.map { (f, $0) } }
        while !todo.isEmpty {
            let results = run(todo.map { stretches[$0.0][$0.1] })
            for (i, (f, k)) in todo.enumerated() { outcomes[f][k] = results[i] }
            todo = []
            for f in lengths.indices where verdicts[f] == nil {
                var k = 0
                walk: while k < stretches[f].count {
                    let last = k == stretches[f].count - 1
                    switch outcomes[f][k]! {
                    case .valid(let v):
                        if last { verdicts[f] = v; break walk }
                        k += 1
                    case .broken(let v):
                        verdicts[f] = v; break walk
                    case .incomplete(let v, let resume):
                        if last { verdicts[f] = v; break walk }
                        let over = min(1 << stretches[f][k].merged, stretches[f].count - 1 - k)
                        var job = stretches[f][k]
                        job.lower = resume; job.upper = stretches[f][k + over].upper; job.merged += 1
                        stretches[f].replaceSubrange(k...(k + over), with: [job])
                        outcomes[f].replaceSubrange(k...(k + over), with: [nil])
                        todo.append((f, k))
                        break walk
                    }
                }
            }
        }
        return verdicts.map { $0! }
    }

    /// How a stretch ended.
    enum Outcome {
        /// Valid (for a stretch before a split: complete, so the split is confirmed).
        case valid(Verdict)
        /// The nesting breaks inside (or, at the end of the file, a bracket stays open).
        case broken(Verdict)
        /// A stretch before a split that leaves something open: the split was not clean.
        /// `resume` is where its last piece started from a fresh state.
        case incomplete(Verdict, resume: Int)
    }

    /// Runs stretches through the model in rounds of batched pieces.
    func run(_ jobs: [Job], _ texts: [[UInt8]]) -> [Outcome] {
        var out = [Outcome?](repeating: nil, count: jobs.count)
        var start = jobs.map(\.lower)
        var span = [Int](repeating: Self.piece, count: jobs.count)
        var pending = Array(jobs.indices)
        while !pending.isEmpty {
            pending.sort { (min(span[$0], jobs[$0].upper - start[$0]), jobs[$0].upper - start[$0]) > (min(span[$1], jobs[$1].upper - start[$1]), jobs[$1].upper - start[$1]) }
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
                        else if !endsFile && v.location?.offset == jobs[j].upper - 1 { out[j] = .incomplete(v, resume: s) }
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

    /// Split points for `parts` stretches: the start of the line after a line that is exactly
    /// `}` or `};` (a function, struct or initializer ending at column 0), the one nearest each
    /// even share on either side; shares without one nearby give no split.
    func splitPoints(_ t: [UInt8], parts: Int) -> [Int] {
        /// The offset after a `}` or `};` line starting at i, or nil.
        func afterClosingLine(_ i: Int) -> Int? {
            guard t[i] == 125, i == 0 || t[i - 1] == 10 else { return nil }
            var e = i + 1
            if e < t.count, t[e] == 59 { e += 1 }
            return e < t.count && t[e] == 10 && e + 1 < t.count ? e + 1 : nil
        }
        let reach = t.count / parts / 2
        var cuts: [Int] = []
        for k in 1..<parts {
            let share = t.count * k / parts
            var found: Int? = nil
            for d in 0..<reach {
                if share + d < t.count, let c = afterClosingLine(share + d) { found = c; break }
                if share - d > 0, let c = afterClosingLine(share - d) { found = c; break }
            }
            if let c = found, c > (cuts.last ?? 0) { cuts.append(c) }
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
