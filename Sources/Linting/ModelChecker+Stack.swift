import NestingOracle
import RecurrentNet
import StepHead

/// The checker for a stack network (`train --lexer-only --stack-moves`): the LSTM says at every
/// byte whether it pushes or pops and the bracket's kind (`StackMoves`), and a stack keeps what
/// was pushed. The file is invalid when a pop finds nothing open or another kind on top, or
/// when something is still pushed at the end. Every decision about the bytes is a learned
/// output; the stack only remembers and compares kinds.
///
/// p_valid: 1 for a valid file; for a break, 1 − P(pop) at the pop that broke it, and for an
/// unclosed file 1 − P(push) at the push left open (how sure the network was of that move).
extension ModelChecker {
    /// Whether a checkpoint is a stack network (its metadata says `train.lexer_only =
    /// stack-moves`), read by its own stack (`runMoves`) instead of its final head.
    public static func readsMoves(metadata: [String: String]) -> Bool {
        metadata["train.lexer_only"] == "stack-moves"
    }

    /// A stack network's verdicts for files split at `cuts[f]` (session 43): every stretch is
    /// read once, from a fresh state (`runMoves`), and the stretches' stacks are joined in
    /// order (`StackMoves.Stack.absorb`): the pops a stretch could not match among its own
    /// pushes are matched against the stack the stretches before it left, and a pop that finds
    /// nothing open or another kind there breaks the file. So the verdict is the one stack over
    /// the moves the network gives reading each stretch from a fresh state, whatever the depth
    /// at the split; unlike `confirm`, no stretch is read again (a break ends its file's walk,
    /// and the stretches it dropped are never needed).
    ///
    /// With `repairBudget` above 0 (session 45), every stretch is read to its end keeping its
    /// moves and near-moves, and a file the stack breaks is valid when another reading of them
    /// within the budget is (`repaired`); else the stack's verdict stands.
    func checkMoves(_ texts: [[UInt8]], cuts: [[Int]]) -> [Verdict] {
        let jobs = Self.stretches(lengths: texts.map(\.count), cuts: cuts).flatMap { $0 }
        var verdicts = [Verdict?](repeating: nil, count: texts.count)
        var stacks = [StackMoves.Stack](repeating: .init(), count: texts.count)
        // With a repair budget: each file's moves so far, and the stack's verdict once it broke.
        var moves = [[StackMoves.Candidate]](repeating: [], count: repairBudget > 0 ? texts.count : 0)
        var broke = [Verdict?](repeating: nil, count: texts.count)
        // A file read as one stretch whose stack broke: the search `runMoves` carried to its end.
        var searched = [StackMoves.Repair?](repeating: nil, count: repairBudget > 0 ? texts.count : 0)
        // Jobs run file by file, each file's stretches in order.
        for (job, outcome) in zip(jobs, runMoves(jobs, texts)) where verdicts[job.file] == nil {
            let f = job.file, text = texts[f]
            var stretch: StackMoves.Stack, broken: Verdict?
            switch outcome {
            case .stack(let s, let b):
                // With a repair budget, a file read as one stretch whose search for another
                // reading died (`runMoves`): its break stands.
                if repairBudget > 0, let b { verdicts[f] = b; continue }
                (stretch, broken) = (s, b)
            case .candidates(let s, let c, let search):
                // A one-stretch file's search, carried to its end, is the whole file's.
                if let search { searched[f] = search } else { moves[f] += c }
                stretch = s
                broken = s.broken.map { b in breakVerdict(text, b.offset, b.kind, pValid: 1 - Self.sigmoid(StackMoves.popLogit(at: b.offset, in: c) ?? 0)) }
            case .broken(let v):
                // An output that is not finite.
                verdicts[f] = v; continue
            default:
                // A stretch is dropped only after one before it broke, which decided the file.
                continue
            }
            if broke[f] == nil {
                if let b = stacks[f].absorb(stretch) {
                    broke[f] = breakVerdict(text, b.offset, b.kind, pValid: 1 - Self.sigmoid(b.popLogit))
                } else if let v = broken {
                    broke[f] = v
                }
            }
            guard job.upper == text.count || (broke[f] != nil && repairBudget == 0) else { continue }
            let end = text.count
            var v: Verdict
            if let b = broke[f] {
                v = b
            } else if let o = stacks[f].offsets.last {
                v = Verdict(valid: false, pValid: 1 - Self.sigmoid(stacks[f].pushLogits.last ?? 0),
                            location: .init(offset: o, in: text), message: Self.message(text, o, .unclosed),
                            reason: .init(head: .stack, offset: max(0, end - 1)), unclosed: true)
            } else {
                v = Verdict(valid: true, pValid: 1, location: nil, message: "", reason: .init(head: .stack, offset: max(0, end - 1)))
            }
            if !v.valid, repairBudget > 0 { v = repaired(v, text, moves[f], searched: searched[f]) }
            verdicts[f] = v
            if repairBudget > 0 { moves[f] = []; searched[f] = nil }
        }
        return verdicts.map { $0! }
    }

    /// Runs stretches through a stack network (`rounds`, as `run` does for other models), each
    /// stretch's LSTM state and stack carried from piece to piece, from a fresh state at the
    /// stretch's start. A stretch after a split keeps the pops it cannot match (`openBottom`);
    /// a pop of another kind than its own top breaks it. Each ends as `.stack`: its stack, and
    /// its own break's verdict if it broke; or, with a repair budget, read to its end as
    /// `.candidates`: its stack and its moves and near-moves.
    func runMoves(_ jobs: [Job], _ texts: [[UInt8]]) -> [Outcome] {
        let P = model.config.stepOutputs, budget = repairBudget
        precondition(StackMoves.supported.contains(P), "a stack network has \(StackMoves.supported) step outputs")
        return rounds(jobs, texts, stepOutputs: true) { job, piece, r, k in
            let text = texts[job.file], s = job.lower, n = piece.count
            guard let steps = r.stepLogits?[k], steps.allSatisfy({ $0.isFinite }) else {
                return .broken(Verdict(valid: false, pValid: .nan, location: nil,
                                       message: "the model's output is not a finite number (its weights overflow): not checked", failed: true))
            }
            var stack = job.carry.stack ?? StackMoves.Stack(openBottom: job.origin > 0)
            stack.read(steps, count: n, outputs: P, from: s)
            if budget > 0 {
                let kept = job.carry.candidates.count
                steps.withUnsafeBufferPointer {
                    StackMoves.candidates($0, count: n, outputs: P, from: s, budget: budget, into: &job.carry.candidates)
                }
                // A file read as one stretch whose stack broke: the search for another reading
                // follows the reading (from the file's start when it first broke), and once no
                // reading within the budget is left, the break is the verdict and reading stops.
                if let b = stack.broken, job.origin == 0, job.upper == text.count {
                    var repair = job.carry.repair ?? StackMoves.Repair(budget: budget, beam: repairBeam)
                    repair.read(job.carry.candidates[(job.carry.repair == nil ? 0 : kept)...])
                    guard repair.alive else {
                        let pop = StackMoves.popLogit(at: b.offset, in: job.carry.candidates) ?? 0
                        return .stack(stack, broken: placed(breakVerdict(text, b.offset, b.kind, pValid: 1 - Self.sigmoid(pop)), text, repair))
                    }
                    job.carry.repair = repair
                }
                guard s + n == job.upper else { job.carry.state = r.finalStates?[k]; job.carry.stack = stack; return nil }
                return .candidates(stack, job.carry.candidates, searched: job.carry.repair)
            }
            if let b = stack.broken {
                return .stack(stack, broken: breakVerdict(text, b.offset, b.kind, pValid: 1 - Self.sigmoid(steps[(b.offset - s) * P + 1])))
            }
            guard s + n == job.upper else { job.carry = Carry(state: r.finalStates?[k], stack: stack); return nil }
            return .stack(stack, broken: nil)
        }
    }

    static func sigmoid(_ z: Float) -> Float { 1 / (1 + Float(Double.exp(Double(-z)))) }

    /// A pop that broke the stack.
    func breakVerdict(_ text: [UInt8], _ offset: Int, _ kind: StackMoves.Stack.Break, pValid: Float) -> Verdict {
        Verdict(valid: false, pValid: pValid, location: .init(offset: offset, in: text), message: Self.message(text, offset, kind),
                reason: .init(head: .stack, offset: offset))
    }

    /// A break in the oracle's words when the bytes the network moved at are brackets (the
    /// brackets named are those bytes), in plainer ones when they are not.
    static func message(_ text: [UInt8], _ offset: Int, _ kind: StackMoves.Stack.Break) -> String {
        func q(_ b: UInt8) -> String { "'\(Character(UnicodeScalar(b)))'" }
        let b = text[offset]
        switch kind {
        case .unexpected:
            return Bracket.closerKind(b) != nil ? "unexpected \(q(b)) with nothing open" : "a bracket closes here with nothing open"
        case .mismatched(let opener):
            if Bracket.closerKind(b) != nil, let k = Bracket.openerKind(text[opener]) { return "expected \(q(k.closer)) but found \(q(b))" }
            return "the bracket closed here is not the kind that is open"
        case .unclosed:
            return Bracket.openerKind(b) != nil ? "\(q(b)) is never closed" : "a bracket opened here is never closed"
        }
    }
}
