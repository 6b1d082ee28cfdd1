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

    /// Runs stretches through a stack network (`rounds`, as `run` does for other models), each
    /// stretch's LSTM state and stack carried from piece to piece. A pop that breaks the stack
    /// is the stretch's verdict; at a stretch's end, an empty stack is valid (before a split:
    /// the split is confirmed), and something still pushed is unclosed at the end of the file,
    /// or before a split the reading goes on over the next stretch.
    func runMoves(_ jobs: [Job], _ texts: [[UInt8]]) -> [Outcome] {
        let P = model.config.stepOutputs
        precondition(StackMoves.supported.contains(P), "a stack network has \(StackMoves.supported) step outputs")
        return rounds(jobs, texts, stepOutputs: true) { job, piece, r, k in
            let text = texts[job.file], s = job.lower, n = piece.count
            guard let steps = r.stepLogits?[k], steps.allSatisfy({ $0.isFinite }) else {
                return .broken(Verdict(valid: false, pValid: .nan, location: nil,
                                       message: "the model's output is not a finite number (its weights overflow): not checked", failed: true))
            }
            var stack = job.carry.stack ?? StackMoves.Stack()
            stack.read(steps, count: n, outputs: P, from: s)
            if let b = stack.broken {
                return .broken(breakVerdict(text, b.offset, b.kind, pValid: 1 - Self.sigmoid(steps[(b.offset - s) * P + 1])))
            }
            let end = s + n
            let carry = Carry(state: r.finalStates?[k], stack: stack)
            guard end == job.upper else { job.carry = carry; return nil }
            guard let o = stack.offsets.last else {
                return .valid(Verdict(valid: true, pValid: 1, location: nil, message: "", reason: .init(head: .stack, offset: max(0, end - 1))))
            }
            let v = Verdict(valid: false, pValid: 1 - Self.sigmoid(stack.pushLogits.last ?? 0), location: .init(offset: o, in: text),
                            message: Self.message(text, o, .unclosed), reason: .init(head: .stack, offset: max(0, end - 1)), unclosed: true)
            return end == text.count ? .broken(v) : .incomplete(v, carry)
        }
    }

    private static func sigmoid(_ z: Float) -> Float { 1 / (1 + Float(Double.exp(Double(-z)))) }

    /// A pop that broke the stack.
    private func breakVerdict(_ text: [UInt8], _ offset: Int, _ kind: StackMoves.Stack.Break, pValid: Float) -> Verdict {
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
