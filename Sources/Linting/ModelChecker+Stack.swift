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
    /// stack-moves`), read by `checkMoves` instead of its final head.
    public static func readsMoves(metadata: [String: String]) -> Bool {
        metadata["train.lexer_only"] == "stack-moves"
    }

    /// Verdicts in the order of `texts`: every file read whole in pieces of `piece` bytes,
    /// batched across files, its LSTM state and its stack carried from piece to piece; reading
    /// a file stops at its first break.
    func checkMoves(_ texts: [[UInt8]]) -> [Verdict] {
        let P = model.config.stepOutputs
        precondition(P == StackMoves.outputs, "a stack network has \(StackMoves.outputs) step outputs")
        var out = [Verdict?](repeating: nil, count: texts.count)
        var at = [Int](repeating: 0, count: texts.count)
        var states = [RecurrentState?](repeating: nil, count: texts.count)
        var stacks = [StackMoves.Stack](repeating: .init(), count: texts.count)
        var pending = Array(texts.indices)
        while !pending.isEmpty {
            pending.sort { (min(Self.piece, texts[$0].count - at[$0]), $0) > (min(Self.piece, texts[$1].count - at[$1]), $1) }
            var next: [Int] = []
            var i = 0
            while i < pending.count {
                var batch: [Int] = []
                while i < pending.count, batch.count < 32 { batch.append(pending[i]); i += 1 }
                let pieces = batch.map { j in Array(texts[j][at[j]..<min(texts[j].count, at[j] + Self.piece)]) }
                let r = model.predict(pieces, from: batch.map { states[$0] }, threads: threads, stepOutputs: true)
                for (k, j) in batch.enumerated() {
                    let text = texts[j], s = at[j], n = pieces[k].count
                    guard let steps = r.stepLogits?[k], steps.allSatisfy({ $0.isFinite }) else {
                        out[j] = Verdict(valid: false, pValid: .nan, location: nil,
                                         message: "the model's output is not a finite number (its weights overflow): not checked", failed: true)
                        continue
                    }
                    stacks[j].read(steps, count: n, outputs: P, from: s)
                    if let b = stacks[j].broken {
                        let z = steps[(b.offset - s) * P + 1]
                        out[j] = breakVerdict(text, b.offset, b.kind, pValid: 1 - Self.sigmoid(z))
                        continue
                    }
                    let end = s + n
                    if end == text.count {
                        var stack = stacks[j]
                        if let b = stack.finish() {
                            out[j] = Verdict(valid: false, pValid: 1 - Self.sigmoid(stack.pushLogits.last ?? 0), location: .init(offset: b.offset, in: text),
                                             message: Self.message(text, b.offset, .unclosed),
                                             reason: .init(head: .stack, offset: max(0, end - 1)), unclosed: true)
                        } else {
                            out[j] = Verdict(valid: true, pValid: 1, location: nil, message: "", reason: .init(head: .stack, offset: max(0, end - 1)))
                        }
                    } else {
                        at[j] = end; states[j] = r.finalStates?[k]
                        next.append(j)
                    }
                }
            }
            pending = next
        }
        return out.map { $0! }
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
