import Foundation
import NestingOracle
import RecurrentNet
import StepHead
import RealModule

/// Runs the neural model over many files at once (batched so each step is a matrix product)
/// and turns its outputs into verdicts and locations.
///
/// Verdict: the final head's P(valid) at the end of the file, unless the step head's `broken`
/// output stays past the bar for `hold` bytes in a row first (a break the final head may have
/// forgotten by the end of a long file).
///
/// Location: the per-step head's `broken` output (trained on the oracle's "nesting already
/// broken at this byte", which once set stays set) is read at every byte; the start of the run
/// of bytes where it exceeds 0.5 that lasts to the end is where the model sees the nesting
/// break (a flicker that the model itself takes back later is not a break). When the file is
/// judged invalid but nothing breaks before the end, the error is an unclosed bracket, placed
/// where the step head's `open` output last switched on and stayed on to the end (the opener
/// that is never closed, as the oracle reports it), or at the end of the file when it is off.
public struct ModelChecker: Sendable {
    public let model: RecurrentModel
    /// A file is invalid when the model's P(valid) at its end is below this, or its step head's
    /// P(not broken yet) stays below it for `hold` bytes in a row.
    public let threshold: Float
    public let threads: Int
    /// Bytes in a row the step head's `broken` output must stay past its bar (P(broken) >
    /// 1 − stepThreshold) for the step head alone to call the file broken, wherever in the file that
    /// happens (`Int.max`: never; the final head decides at the end). A brief flicker is not a
    /// verdict, and where the file is cut into pieces for reading changes nothing.
    public let hold: Int
    /// The step head alone calls a file broken when its P(not broken yet) stays below this for
    /// `hold` bytes in a row (the final head's `threshold` unless set apart).
    public let stepThreshold: Float
    /// The model is a stack network (`readsMoves`): its verdicts come from its own stack
    /// (`checkMoves`), not from its final head; `threshold` and `hold` do not apply.
    public var moves = false
    /// For a stack network: a file its stack breaks is valid when another reading of its moves
    /// costs at most this many nats and leaves the stack unbroken (`repaired`; 0: the network's
    /// own reading alone).
    public var repairBudget: Float = 0
    /// The readings the repair search keeps (`StackMoves.repairCost`).
    public var repairBeam = ModelChecker.defaultRepairBeam

    public init(model: RecurrentModel, threshold: Float, threads: Int, hold: Int = ModelChecker.defaultHold, stepThreshold: Float? = nil) {
        self.model = model; self.threshold = threshold; self.threads = threads; self.hold = hold
        self.stepThreshold = stepThreshold ?? threshold
    }

    /// The first model's default threshold (`check --threshold`), chosen with the second
    /// opinion's (`SecondOpinion.defaultThreshold`) on the corpus valid packages and dev pool.
    public static let defaultThreshold: Float = 0.55

    /// The default `hold`, chosen on the corpus valid packages (see the model card): the most
    /// broken files caught at the oracle's line without flagging more valid files than the
    /// rule it replaced (the step head read only at the end of each 8192-byte piece).
    public static let defaultHold = 128

    /// The hold a checkpoint is read with unless `--hold` says otherwise: 1 for a model whose
    /// `broken` output was trained as a latch (`train --broken-latch`, metadata
    /// `train.broken_latch`), which is trained to fire once and not flicker; else `defaultHold`.
    public static func defaultHold(metadata: [String: String]) -> Int {
        metadata["train.broken_latch"] == "max" ? 1 : defaultHold
    }

    public struct Verdict: Sendable {
        public var valid: Bool
        /// P(valid) from the output that decided (`reason`).
        public var pValid: Float
        public var location: FileResult.Location?
        public var message: String
        public var reason: FileResult.Reason? = nil
        /// The model's output was not a finite number: the file could not be checked.
        public var failed = false
        /// Invalid because something is still open at the end (not a break).
        public var unclosed = false

        public init(valid: Bool, pValid: Float, location: FileResult.Location?, message: String,
                    reason: FileResult.Reason? = nil, failed: Bool = false, unclosed: Bool = false) {
            self.valid = valid; self.pValid = pValid; self.location = location; self.message = message
            self.reason = reason; self.failed = failed; self.unclosed = unclosed
        }
    }

    /// Bytes of a file the model reads per round; the state is carried from one piece to the
    /// next, so a file is read exactly as one sequence (tested bit for bit), and reading stops
    /// after the piece where the step head decides (`hold`).
    public static let piece = 8192

    /// Verdicts in the order of `texts`.
    ///
    /// Each file is read whole as one sequence from a fresh state, in pieces with the state
    /// carried across (no restarts: a long function or table is read in one go, as in training).
    /// Every round batches the current piece of every unfinished stretch, so the model runs as
    /// matrix products across files.
    ///
    /// A file of 512 KiB or more is also split speculatively, at lines that are just `}` (for a
    /// stack network also indented ones: `splitPoints`, `rereadBroken`), into stretches of 256
    /// KiB or more (at most 64), and one of 64 KiB or more into stretches of 32 KiB when it is
    /// more than a thread's share of the run (`stretchCount`), all read at once as rows of the
    /// same matrix products; see `confirm` for how the splits are confirmed, and `checkMoves`
    /// for a stack network's stacks joined across them.
    public func check(_ texts: [[UInt8]]) -> [Verdict] {
        let runBytes = texts.reduce(0) { $0 + $1.count }
        func cuts(indented: Bool) -> [[Int]] {
            texts.map { t in
                t.count >= Self.splitFrom
                    ? splitPoints(t, parts: Self.stretchCount(bytes: t.count, threads: threads, runBytes: runBytes), indented: indented) : []
            }
        }
        let plain = cuts(indented: false)
        guard moves else { return Self.confirm(lengths: texts.map(\.count), cuts: plain) { run($0, texts) } }
        let inside = cuts(indented: true)
        return Self.rereadBroken(checkMoves(texts, cuts: inside), cuts: inside, plain: plain) { files in
            checkMoves(files.map { texts[$0] }, cuts: files.map { plain[$0] })
        }
    }

    /// Reads stretches in rounds of batched pieces of up to `piece` bytes (longest first, up to
    /// 32 a batch, so each batch holds pieces of similar length), each from its carried state.
    /// `read` gets a stretch (at its piece), the piece, the model's output and the piece's row in
    /// it, and either ends the stretch with an outcome or sets its carry and returns nil: then
    /// the stretch reads on from the piece's end in the next round.
    ///
    /// A stretch that breaks stops the reading of its file's later stretches (`Outcome.dropped`):
    /// `confirm` takes the first break its walk reaches, so their verdicts are needed only when
    /// an earlier stretch's carried reading gets past the break, and then they are read again.
    func rounds(_ jobs: [Job], _ texts: [[UInt8]], stepOutputs: Bool,
                read: (inout Job, _ piece: [UInt8], _ r: BatchResult, _ row: Int) -> Outcome?) -> [Outcome] {
        var out = [Outcome?](repeating: nil, count: jobs.count)
        var at = jobs
        var pending = Array(jobs.indices)
        // The stretches of each file read as more than one.
        let stretchesOf = Dictionary(grouping: jobs.indices, by: { jobs[$0].file }).filter { $0.value.count > 1 }
        while !pending.isEmpty {
            func left(_ j: Int) -> Int { at[j].upper - at[j].lower }
            pending.sort { (min(Self.piece, left($0)), left($0)) > (min(Self.piece, left($1)), left($1)) }
            var next: [Int] = []
            var i = 0
            while i < pending.count {
                var batch: [Int] = []
                while i < pending.count, batch.count < 32 { if out[pending[i]] == nil { batch.append(pending[i]) }; i += 1 }
                if batch.isEmpty { continue }
                let pieces = batch.map { j in Array(texts[at[j].file][at[j].lower..<min(at[j].upper, at[j].lower + Self.piece)]) }
                let r = model.predict(pieces, from: batch.map { at[$0].carry.state }, threads: threads, stepOutputs: stepOutputs)
                for (k, j) in batch.enumerated() where out[j] == nil {
                    guard let o = read(&at[j], pieces[k], r, k) else { at[j].lower += pieces[k].count; next.append(j); continue }
                    out[j] = o
                    if o.breaks, let others = stretchesOf[at[j].file] {
                        for s in others where out[s] == nil && at[s].origin > at[j].origin { out[s] = .dropped }
                    }
                }
            }
            pending = next.filter { out[$0] == nil }
        }
        return out.map { $0! }
    }

    /// Runs stretches through the model (`rounds`), carrying each stretch's state and step-head
    /// runs from one piece to the next.
    func run(_ jobs: [Job], _ texts: [[UInt8]]) -> [Outcome] {
        let P = model.config.stepOutputs
        return rounds(jobs, texts, stepOutputs: P > 0) { job, piece, r, k in
            let text = texts[job.file], s = job.lower
            let steps = r.stepLogits?[k]
            // A non-finite output (weights that overflow) is never a verdict.
            guard r.probabilities[k].isFinite, steps?.allSatisfy({ $0.isFinite }) ?? true else {
                return .broken(Verdict(valid: false, pValid: .nan, location: nil,
                                       message: "the model's output is not a finite number (its weights overflow): not checked", failed: true))
            }
            // The `broken` and `open` runs (output above 0.5) still on at the piece's last
            // byte, if any; a run on from the piece's first byte goes on from the last piece.
            func run(_ k: Int, before: Int?) -> Int? {
                guard let st = steps, let t = StepTargets.runStart(st, count: piece.count, outputs: P, output: k) else { return nil }
                return t == 0 && before != nil ? before! : s + t
            }
            let breakRun = run(0, before: job.carry.runStart), openRun = run(1, before: job.carry.openStart)
            // The run of bytes past the bar still on from the last piece, and where in this
            // piece it (or a new one) has lasted `hold` bytes, if anywhere.
            var held = job.carry.heldStart, decided: Int? = nil
            if let st = steps, hold != .max {
                (held, decided) = StepTargets.holdScan(st, count: piece.count, outputs: P, bar: stepBarLogit, hold: hold, from: s, held: held)
            }
            let end = s + piece.count
            if let d = decided, let st = steps, let start = held {
                // The step head decided: its P(not broken yet) there is the p_valid.
                return .broken(breakVerdict(text, at: start, pValid: 1 / (1 + Float(Double.exp(Double(st[(d - s) * P])))),
                                            reason: .init(head: .step, offset: d)))
            } else if end == job.upper {
                let v = finalVerdict(text, end: end, probability: r.probabilities[k], steps: steps, run: breakRun, openRun: openRun)
                let endsFile = job.upper == text.count
                if v.valid { return .valid(v) }
                return !endsFile && v.unclosed ? .incomplete(v, .init(state: r.finalStates?[k], runStart: breakRun, openStart: openRun, heldStart: held)) : .broken(v)
            }
            job.carry = .init(state: r.finalStates?[k], runStart: breakRun, openStart: openRun, heldStart: held)
            return nil
        }
    }

    /// The `broken` logit past which the step head says the nesting is broken: the same bar as
    /// the final verdict's (P(not broken) < threshold).
    var barLogit: Float { Self.logit(notBroken: threshold) }

    /// The `broken` logit the step head must stay past for `hold` bytes to decide alone.
    var stepBarLogit: Float { Self.logit(notBroken: stepThreshold) }

    /// The `broken` logit that P(not broken) = `p` means.
    static func logit(notBroken p: Float) -> Float { Float(Double.log(Double(1 - p) / Double(p))) }

    /// Whether the step head says the nesting is broken at step t (past `barLogit`).
    func broken(_ steps: [Float], at t: Int) -> Bool {
        let P = model.config.stepOutputs
        guard P > 0, t >= 0 else { return false }
        return steps[t * P] > barLogit
    }

    func breakVerdict(_ text: [UInt8], at start: Int, pValid p: Float, reason: FileResult.Reason) -> Verdict {
        let offset = StepTargets.snapToCloser(text, start: start)
        let b = text[offset]
        let what = Bracket.closerKind(b) != nil ? "unexpected '\(Character(UnicodeScalar(b)))': " : ""
        return Verdict(valid: false, pValid: p, location: .init(offset: offset, in: text), message: what + "nesting breaks here", reason: reason)
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
            return Verdict(valid: false, pValid: p, location: .init(offset: offset, in: text),
                           message: "'\(Character(UnicodeScalar(text[offset])))' is never closed", reason: reason, unclosed: true)
        }
        return Verdict(valid: false, pValid: p, location: .init(offset: max(0, end - 1), in: text),
                       message: "a bracket is still open at the end of the file", reason: reason, unclosed: true)
    }
}
