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
/// judged invalid but nothing breaks before the end, the error is an unclosed bracket, placed
/// where the step head's `open` output last switched on and stayed on to the end (the opener
/// that is never closed, as the oracle reports it), or at the end of the file when it is off.
struct ModelChecker {
    let model: RecurrentModel
    let threshold: Float
    let threads: Int

    struct Verdict {
        var valid: Bool
        /// P(valid) from the output that decided (`reason`).
        var pValid: Float
        var location: FileResult.Location?
        var message: String
        var reason: FileResult.Reason? = nil
        /// The model's output was not a finite number: the file could not be checked.
        var failed = false
        /// Invalid because something is still open at the end (not a break).
        var unclosed = false
    }

    /// Bytes of a file the model reads per round; the state is carried from one piece to the
    /// next, so a file is read exactly as one sequence (tested bit for bit), and reading stops
    /// at the first piece that ends broken.
    static let piece = 8192

    /// A stretch of one file read by the model: [origin, upper), read from a fresh state at
    /// `origin`, resuming at `lower` from `state` (the model's state after byte lower − 1) with
    /// `runStart` and `openStart` the starts of the step head's `broken` and `open` runs still
    /// on at lower − 1, if any.
    struct Job {
        var file: Int, lower: Int, upper: Int
        var origin: Int
        var state: RecurrentState? = nil
        var runStart: Int? = nil
        var openStart: Int? = nil
        init(file: Int, lower: Int, upper: Int) { self.file = file; self.lower = lower; self.upper = upper; origin = lower }
    }

    /// Bytes per speculative stretch (at least: 256 KiB, the longest text the default model was
    /// trained on whole), and the most stretches per file. Shorter stretches read faster but
    /// cost false alarms: on the corpus valid packages, 32 KiB stretches flagged 8 more of 1942
    /// valid files (8 of the 104 of 64 KiB or more) than reading every file whole.
    static let stretchBytes = 262_144, maxStretches = 64
    /// Files this long or longer are split into speculative stretches (so files up to 512 KiB
    /// are read whole, in one sequence).
    static let splitFrom = 2 * stretchBytes

    /// Verdicts in the order of `texts`.
    ///
    /// Each file is read whole as one sequence from a fresh state, in pieces with the state
    /// carried across (no restarts: a long function or table is read in one go, as in training).
    /// Every round batches the current piece of every unfinished stretch, so the model runs as
    /// matrix products across files.
    ///
    /// A file of 512 KiB or more is also split speculatively, at lines that are just `}`, into
    /// stretches of 256 KiB or more (at most 64), all read at once as rows of the same matrix
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
    /// with something open was split at the wrong place: its reading continues, with its state,
    /// over the next stretch (whose fresh reading is dropped), and the walk goes on in the next
    /// round. So a file is never read more than twice, and speculation never changes what one
    /// sequential reading from the last confirmed split would conclude.
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
                    case .incomplete(let v, let state, let runStart, let openStart):
                        if last { verdicts[f] = v; break walk }
                        var job = stretches[f][k]
                        job.lower = job.upper; job.upper = stretches[f][k + 1].upper
                        job.state = state; job.runStart = runStart; job.openStart = openStart
                        stretches[f].replaceSubrange(k...(k + 1), with: [job])
                        outcomes[f].replaceSubrange(k...(k + 1), with: [nil])
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
        /// The reading can go on from `state` (with the `broken` and `open` runs started at
        /// `runStart` and `openStart`).
        case incomplete(Verdict, state: RecurrentState?, runStart: Int?, openStart: Int? = nil)
    }

    /// Runs stretches through the model in rounds of batched pieces, carrying each stretch's
    /// state from one piece to the next.
    func run(_ jobs: [Job], _ texts: [[UInt8]]) -> [Outcome] {
        var out = [Outcome?](repeating: nil, count: jobs.count)
        var at = jobs
        var pending = Array(jobs.indices)
        let P = model.config.stepOutputs
        while !pending.isEmpty {
            // Longest pieces first, so each batch holds pieces of similar length.
            pending.sort { (min(Self.piece, at[$0].upper - at[$0].lower), at[$0].upper - at[$0].lower) > (min(Self.piece, at[$1].upper - at[$1].lower), at[$1].upper - at[$1].lower) }
            var next: [Int] = []
            var i = 0
            while i < pending.count {
                var batch: [Int] = []
                while i < pending.count, batch.count < 32 { batch.append(pending[i]); i += 1 }
                let pieces = batch.map { j in Array(texts[at[j].file][at[j].lower..<min(at[j].upper, at[j].lower + Self.piece)]) }
                let r = model.predict(pieces, from: batch.map { at[$0].state }, threads: threads, stepOutputs: P > 0)
                for (k, j) in batch.enumerated() {
                    let text = texts[at[j].file], s = at[j].lower, piece = pieces[k]
                    let steps = r.stepLogits?[k]
                    // A non-finite output (weights that overflow) is never a verdict.
                    guard r.probabilities[k].isFinite, steps?.allSatisfy({ $0.isFinite }) ?? true else {
                        out[j] = .broken(Verdict(valid: false, pValid: .nan, location: nil,
                                                 message: "the model's output is not a finite number (its weights overflow): not checked", failed: true))
                        continue
                    }
                    // The `broken` and `open` runs (output above 0.5) still on at the piece's last
                    // byte, if any; a run on from the piece's first byte goes on from the last piece.
                    func run(_ k: Int, before: Int?) -> Int? {
                        guard let st = steps, let t = StepTargets.runStart(st, count: piece.count, outputs: P, output: k) else { return nil }
                        return t == 0 && before != nil ? before! : s + t
                    }
                    let breakRun = run(0, before: at[j].runStart), openRun = run(1, before: at[j].openStart)
                    let end = s + piece.count
                    if end == at[j].upper {
                        let v = finalVerdict(text, end: end, probability: r.probabilities[k], steps: steps, run: breakRun, openRun: openRun)
                        let endsFile = at[j].upper == text.count
                        if v.valid { out[j] = .valid(v) }
                        else if !endsFile && v.unclosed { out[j] = .incomplete(v, state: r.finalStates?[k], runStart: breakRun, openStart: openRun) }
                        else { out[j] = .broken(v) }
                    } else if let t = breakRun, let st = steps, broken(st, at: piece.count - 1) {
                        // The step head decided before the end: its P(not broken yet) is the p_valid.
                        out[j] = .broken(breakVerdict(text, at: t, pValid: 1 / (1 + Float(exp(Double(st[(piece.count - 1) * P])))),
                                                      reason: .init(head: .step, offset: end - 1)))
                    } else {
                        at[j].lower = end; at[j].state = r.finalStates?[k]; at[j].runStart = breakRun; at[j].openStart = openRun
                        next.append(j)
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

    /// Whether the step head says the nesting is broken at step t: past the same bar as the
    /// final verdict (P(not broken) < threshold).
    func broken(_ steps: [Float], at t: Int) -> Bool {
        let P = model.config.stepOutputs
        guard P > 0, t >= 0 else { return false }
        return steps[t * P] > Float(log(Double(1 - threshold) / Double(threshold)))
    }

    func breakVerdict(_ text: [UInt8], at start: Int, pValid p: Float, reason: FileResult.Reason) -> Verdict {
        let offset = StepTargets.snapToCloser(text, start: start)
        let b = text[offset]
        let what = Bracket.closerKind(b) != nil ? "unexpected '\(Character(UnicodeScalar(b)))': " : ""
        return Verdict(valid: false, pValid: p, location: location(of: offset, in: text), message: what + "nesting breaks here", reason: reason)
    }

    /// The end of a stretch (`end`: its upper offset): the final head decides; the step head's
    /// `broken` run (starting at `run`, if on at the last byte and past the bar there) places the
    /// error, otherwise it is an unclosed bracket, reported at the opener where the `open` run
    /// on at the last byte starts (`openRun`), or at the last byte without one.
    func finalVerdict(_ text: [UInt8], end: Int, probability p: Float, steps: [Float]?, run: Int?, openRun: Int? = nil) -> Verdict {
        let reason = FileResult.Reason(head: .final, offset: max(0, end - 1))
        guard p < threshold else { return Verdict(valid: true, pValid: p, location: nil, message: "", reason: reason) }
        if let t = run, let st = steps, !st.isEmpty, broken(st, at: st.count / model.config.stepOutputs - 1),
           StepTargets.isBreak(text, start: t, end: end) {
            return breakVerdict(text, at: t, pValid: p, reason: reason)
        }
        // Unclosed: at the opener the model last saw open the nesting for good, else at the end
        // of the stretch (the end of the file for the last one).
        // (A run that starts at no opener names no bracket: the end of the stretch, then.)
        if let o = openRun, o < end, case let offset = StepTargets.snapToOpener(text, start: o), Bracket.openerKind(text[offset]) != nil {
            return Verdict(valid: false, pValid: p, location: location(of: offset, in: text),
                           message: "'\(Character(UnicodeScalar(text[offset])))' is never closed", reason: reason, unclosed: true)
        }
        return Verdict(valid: false, pValid: p, location: location(of: max(0, end - 1), in: text),
                       message: "a bracket is still open at the end of the file", reason: reason, unclosed: true)
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
