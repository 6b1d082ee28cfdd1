import NestingOracle

/// A stack network's moves: a lexer trained with `train --lexer-only --stack-moves` says at
/// every byte whether it pushes, whether it pops, and which of three kinds the byte is, all
/// from learned weights reading the bytes; this stack only keeps what was pushed and compares
/// kinds. Step outputs (5 per byte):
///
///   0 `push`: a code bracket that opens, outside later branches of live conditionals;
///   1 `pop`: a code bracket that closes, outside them;
///   2 `inert`: as for any step head (comment, string, char, directive, `#if 0`);
///   3 `kind0`, 4 `kind1`: the bracket's kind, `()` 00, `[]` 10, `{}` 01 (trained at brackets only).
///
/// A network may have two more (`stateOutputs`, `train --step-outputs 7`), trained at every
/// byte and not read by the stack: the state the moves hang on, taught everywhere and not only
/// at the brackets of later branches (where the 5-output networks keep misreading it):
///
///   5 `later`: the byte is in a later branch of a live conditional (`Analysis.laterBranches`);
///   6 `nested`: … and a conditional opened inside that branch is still open, so the next
///     `#endif` is not the branch's end (`Analysis.laterNested`).
///
/// The oracle goes on from a conditional's first branch, so a stack that leaves later
/// branches alone agrees with it on every valid text but one that ends inside a later branch
/// (`Analysis.laterBranches`).
public enum StackMoves {
    public static let outputs = 5
    /// With the state outputs `later` and `nested`.
    public static let stateOutputs = 7
    public static let names = ["push", "pop", "inert", "kind0", "kind1", "later", "nested"]
    /// Step-head sizes a stack network may have.
    public static let supported = [outputs, stateOutputs]

    /// The per-byte targets, bit k for output k (the state bits 5 and 6 are filled for every
    /// network; a 5-output one reads neither).
    public static func targets(_ text: [UInt8]) -> [UInt8] {
        targets(text, analysis: NestingOracle.analyze(text))
    }

    /// `targets` from the oracle's `analysis` of `text`, for a caller that has it already.
    public static func targets(_ text: [UInt8], analysis a: Analysis) -> [UInt8] {
        let later = a.laterFlags
        var out = [UInt8](repeating: 0, count: text.count)
        for r in a.laterNested { for i in r { out[i] |= 64 } }
        for i in 0..<text.count {
            let b = text[i]
            if later[i] != 0 { out[i] |= 32 }
            if a.regions[i].isInert { out[i] |= 4 }
            guard Bracket.isBracket(b) else { continue }
            if b == 91 || b == 93 { out[i] |= 8 } else if b == 123 || b == 125 { out[i] |= 16 }
            guard !a.regions[i].isInert, later[i] == 0 else { continue }
            out[i] |= Bracket.openerKind(b) != nil ? 1 : 2
        }
        return out
    }

    /// What the network's outputs at one byte (`z`: its step logits, in `names`' order) say, in `targets`' bits:
    /// 1 push or 2 pop (push when both are on and its logit is the larger; 0: no move), and the
    /// kind bits 8 and 16.
    @inline(__always) public static func read(_ z: UnsafePointer<Float>) -> UInt8 {
        let push = z[0] > 0, pop = z[1] > 0
        let move: UInt8 = push && (!pop || z[0] >= z[1]) ? 1 : pop ? 2 : 0
        return move | (z[3] > 0 ? 8 : 0) | (z[4] > 0 ? 16 : 0)
    }

    /// Where a stack driven by such moves first breaks, as the oracle would report it: a pop
    /// with nothing open or of another kind than the top (at the pop), or at the end the
    /// innermost push left open. Feed logits in order (`read`), then `finish`.
    public struct Stack: Sendable {
        public private(set) var kinds: [UInt8] = []
        public private(set) var offsets: [Int] = []
        /// The push logit at each open bracket (how sure the network was of that push).
        public private(set) var pushLogits: [Float] = []
        /// The first break: its offset and what it is.
        public private(set) var broken: (offset: Int, kind: Break)?
        public enum Break: Sendable, Equatable {
            /// A pop with nothing open.
            case unexpected
            /// A pop whose kind is not the top's; `opener` is the top's offset.
            case mismatched(opener: Int)
            /// Left open at the end.
            case unclosed
        }

        /// A stack for a stretch read after a split (`openBottom`): a pop with nothing pushed in
        /// the stretch is kept here, in order, for the stack the stretches before it left
        /// (`absorb`), instead of breaking. Its offset, kind and pop logit.
        public private(set) var unmatched: [(offset: Int, kind: UInt8, popLogit: Float)] = []
        public private(set) var openBottom = false

        public init() {}

        /// An empty stack whose bottom is open when `openBottom` (see `unmatched`).
        public init(openBottom: Bool) { self.openBottom = openBottom }

        public var depth: Int { kinds.count }

        /// Appends the stack of the stretch after this one's: its unmatched pops are matched
        /// against this stack from the top, then its pushes go on top. Returns the first pop
        /// that finds nothing open or another kind on top (its offset, the break and its pop
        /// logit), leaving this stack as it was at that pop; `next`'s own break is its to report.
        ///
        ///     self = [a b c], next.unmatched = [c′ b′], next.kinds = [d]  ⇒  self = [a d]
        public mutating func absorb(_ next: Stack) -> (offset: Int, kind: Break, popLogit: Float)? {
            for u in next.unmatched {
                guard let top = kinds.last else { return (u.offset, .unexpected, u.popLogit) }
                if top != u.kind { return (u.offset, .mismatched(opener: offsets.last!), u.popLogit) }
                kinds.removeLast(); offsets.removeLast(); pushLogits.removeLast()
            }
            kinds += next.kinds; offsets += next.offsets; pushLogits += next.pushLogits
            return nil
        }

        /// Reads `count` bytes' logits (`P` per byte, the moves first) of a text starting at
        /// offset `from`. Stops at the first break (later calls do nothing).
        public mutating func read(_ logits: UnsafeBufferPointer<Float>, count: Int, outputs P: Int, from: Int) {
            guard broken == nil else { return }
            for t in 0..<count {
                let z = logits.baseAddress! + t * P
                let bits = StackMoves.read(z)
                guard bits & 3 != 0 else { continue }
                if !take(bits & 3, kind: bits >> 3, at: from + t, push: z[0], pop: z[1]) { return }
            }
        }

        /// Reads moves kept from the logits (`StackMoves.candidates`), in order, as `read` does.
        public mutating func read(_ candidates: [Candidate]) {
            guard broken == nil else { return }
            for c in candidates where c.move != 0 {
                if !take(c.move, kind: c.kind, at: c.offset, push: c.push, pop: c.pop) { return }
            }
        }

        /// One move (1 push, 2 pop) of a bracket of `kind` at `offset`; false when it breaks the stack.
        @inline(__always) private mutating func take(_ move: UInt8, kind: UInt8, at offset: Int, push: Float, pop: Float) -> Bool {
            if move == 1 {
                kinds.append(kind); offsets.append(offset); pushLogits.append(push)
            } else if let top = kinds.popLast() {
                let opener = offsets.removeLast()
                pushLogits.removeLast()
                if top != kind { broken = (offset, .mismatched(opener: opener)); return false }
            } else if openBottom {
                unmatched.append((offset, kind, pop))
            } else {
                broken = (offset, .unexpected); return false
            }
            return true
        }

        public mutating func read(_ logits: [Float], count: Int, outputs P: Int, from: Int = 0) {
            logits.withUnsafeBufferPointer { read($0, count: count, outputs: P, from: from) }
        }

        /// At the end of the text: a break, or the innermost push left open.
        public mutating func finish() -> (offset: Int, kind: Break)? {
            if broken == nil, let o = offsets.last { broken = (o, .unclosed) }
            return broken
        }
    }
}
