import RecurrentNet
import StepHead

/// Speculative splits of long files: stretches read side by side as rows of the same matrix
/// products, then confirmed in order (`confirm`), so the verdict is the one sequential reading
/// from the last confirmed split would give.
extension ModelChecker {
    /// What a reading carries from the byte before `lower` to the next piece: the model's state
    /// after that byte, and the starts of the step head's `broken` and `open` runs and of the
    /// run of bytes past its bar still on there, if any (all nil: a fresh start).
    public struct Carry: Sendable {
        public var state: RecurrentState? = nil
        public var runStart: Int? = nil
        public var openStart: Int? = nil
        public var heldStart: Int? = nil
        /// A stack network's stack (`ModelChecker.moves`; nil: empty).
        public var stack: StackMoves.Stack? = nil
        /// A stack network's moves and near-moves so far, when another reading of them may be
        /// needed (`repairBudget` above 0; `StackMoves.candidates`).
        public var candidates: [StackMoves.Candidate] = []
        /// The search for another reading of a file read as one stretch, once its stack broke
        /// (`runMoves`): when it dies, the rest of the file need not be read.
        public var repair: StackMoves.Repair? = nil
        public init(state: RecurrentState? = nil, runStart: Int? = nil, openStart: Int? = nil, heldStart: Int? = nil,
                    stack: StackMoves.Stack? = nil) {
            self.state = state; self.runStart = runStart; self.openStart = openStart; self.heldStart = heldStart; self.stack = stack
        }
    }

    /// A stretch of one file read by the model: [origin, upper), read from a fresh state at
    /// `origin`, resuming at `lower` with `carry`.
    public struct Job: Sendable {
        public var file: Int, lower: Int, upper: Int
        public var origin: Int
        public var carry = Carry()
        public init(file: Int, lower: Int, upper: Int) { self.file = file; self.lower = lower; self.upper = upper; origin = lower }
    }

    /// Bytes per speculative stretch of a long file (one stretch per 256 KiB), the shortest
    /// stretch, and the most stretches per file.
    public static let stretchBytes = 262_144, minStretchBytes = 32_768, maxStretches = 64
    /// Files this long or longer may be split into speculative stretches (`stretchCount`).
    public static let splitFrom = 2 * minStretchBytes

    /// Stretches for a file of `n` bytes (at least `splitFrom`) in a run of `runBytes` bytes:
    /// from 512 KiB, one per 256 KiB and at least one per thread. A shorter file is split into
    /// stretches of 32 KiB, but only when it is more than a thread's share of the run (session
    /// 42): alone, it would be one row on one thread while the others idle, and a thread reads
    /// several rows faster than one (a lone 400 KB file: 0.77 MB/s whole, 1.69 in 12 stretches,
    /// 1.2 in 2, one per thread). In a tree the rows are full anyway, and splits cost time there:
    /// a split the network reads as unclean is read on in a later round of few rows (the valid
    /// packages and dev pool: 68 s against 60 in one sitting with every file of 128–512 KiB
    /// split in two). On those packages, 32 KiB stretches gave the stack networks the verdicts
    /// and places of 256 KiB ones (the 417 files of 64 KiB or more, and 1,000 whole files with
    /// one edit each; `p_valid` within 1e-5); the LSTM pair flagged 18 of the 413 valid ones
    /// against 20. The worst case, for models read at thresholds (`confirm`), is a lone file
    /// inside one block (a C++ namespace around it): every split is unclean, and the stretches
    /// after the first are read again, one a round. A stack network's stacks join across a
    /// split at any depth (`checkMoves`), so it reads every stretch once.
    public static func stretchCount(bytes n: Int, threads: Int, runBytes: Int) -> Int {
        if n >= 2 * stretchBytes { return min(maxStretches, max(threads, n / stretchBytes)) }
        return n * threads > runBytes ? n / minStretchBytes : 1
    }

    /// Verdicts for files split at `cuts[f]` (ascending offsets inside file f), confirming the
    /// splits in order. Every stretch is run at once; walking each file from its start, a
    /// stretch that ends complete (valid by the model's own final verdict) confirms the split
    /// after it, a break in a confirmed stretch is the file's verdict, and a stretch that ends
    /// with something open was split at the wrong place: its reading continues, with its state,
    /// over the next stretch (whose fresh reading is dropped), and the walk goes on in the next
    /// round. A stretch `run` left unread because one before it broke (`Outcome.dropped`) is
    /// read again, with the file's other such stretches, when the walk reaches it. So a file is
    /// read whole at most twice (besides the parts of dropped stretches read before the break
    /// that dropped them), and speculation never changes what one sequential reading from the
    /// last confirmed split would conclude.
    public static func confirm(lengths: [Int], cuts: [[Int]], run: ([Job]) -> [Outcome]) -> [Verdict] {
        var stretches = Self.stretches(lengths: lengths, cuts: cuts)
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
                    case .stack, .candidates:
                        preconditionFailure("a stack network's stretches are joined by checkMoves, not confirmed")
                    case .dropped:
                        // Read fresh now, with every later stretch of the file dropped too.
                        for d in k..<stretches[f].count { if case .dropped = outcomes[f][d]! { todo.append((f, d)) } }
                        break walk
                    case .incomplete(let v, let carry):
                        if last { verdicts[f] = v; break walk }
                        var job = stretches[f][k]
                        job.lower = job.upper; job.upper = stretches[f][k + 1].upper
                        job.carry = carry
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

    /// Each file's stretches when split at `cuts[f]` (ascending offsets inside file f):
    /// [0, c₁), [c₁, c₂), …, [cₖ, length); one stretch when there is no cut.
    static func stretches(lengths: [Int], cuts: [[Int]]) -> [[Job]] {
        lengths.indices.map { f in
            let b = [0] + cuts[f] + [lengths[f]]
            return (0..<(b.count - 1)).map { Job(file: f, lower: b[$0], upper: b[$0 + 1]) }
        }
    }

    /// How a stretch ended.
    public enum Outcome: Sendable {
        /// Valid (for a stretch before a split: complete, so the split is confirmed).
        case valid(Verdict)
        /// The nesting breaks inside (or, at the end of the file, a bracket stays open).
        case broken(Verdict)
        /// A stretch before a split that leaves something open: the split was not clean.
        /// The reading can go on with `Carry` over the next stretch.
        case incomplete(Verdict, Carry)
        /// Not read to its end: a stretch before it in the same file broke first, so its verdict
        /// is needed only if a carried reading gets past that break (`confirm` then reads it again).
        case dropped
        /// A stack network's stretch (`runMoves`): its stack, pops it could not match included,
        /// and the verdict of its own break, if it broke (`checkMoves` joins the stacks).
        case stack(StackMoves.Stack, broken: Verdict?)
        /// A stack network's stretch read to its end for another reading of its moves
        /// (`repairBudget` above 0): its stack (broken or not) and its moves and near-moves, in
        /// order. A break here does not stop the file's later stretches: the other reading
        /// needs them. `searched`: for a file read as one stretch whose stack broke, the search
        /// for another reading that followed it to the end (`Carry.repair`).
        case candidates(StackMoves.Stack, [StackMoves.Candidate], searched: StackMoves.Repair?)

        /// Whether the stretch broke (its file's later stretches need not be read for now).
        var breaks: Bool {
            switch self {
            case .broken: true
            case .stack(_, let b): b != nil
            default: false
            }
        }
    }

    /// Split points for `parts` stretches: the start of the line after a line that is exactly
    /// `}` or `};` (a function, struct or initializer ending at column 0; LF or CRLF), the one
    /// nearest each even share on either side; shares without one nearby give no split. With
    /// `indented` (stack networks only, whose stacks join across a split at any depth), a share
    /// with no column-0 line near falls back to the nearest line that is indentation and then
    /// `}` or `};`, a block's close (session 44: a generated state machine, an indented
    /// namespace); `check` reads a file such a split breaks again without them.
    func splitPoints(_ t: [UInt8], parts: Int, indented: Bool = false) -> [Int] {
        /// The offset after a `}` or `};` line whose `}` is at i (after spaces and tabs when
        /// `indented`), or nil.
        func afterClosingLine(_ i: Int, indented: Bool) -> Int? {
            guard t[i] == 125 else { return nil }
            var s = i
            if indented { while s > 0, t[s - 1] == 32 || t[s - 1] == 9 { s -= 1 } }
            guard s == 0 || t[s - 1] == 10 else { return nil }
            var e = i + 1
            if e < t.count, t[e] == 59 { e += 1 }
            if e + 1 < t.count, t[e] == 13, t[e + 1] == 10 { e += 1 }  // CRLF
            return e < t.count && t[e] == 10 && e + 1 < t.count ? e + 1 : nil
        }
        let reach = t.count / parts / 2
        /// The split nearest `share` within `reach`, or nil.
        func nearest(_ share: Int, indented: Bool) -> Int? {
            for d in 0..<reach {
                if share + d < t.count, let c = afterClosingLine(share + d, indented: indented) { return c }
                if share - d > 0, let c = afterClosingLine(share - d, indented: indented) { return c }
            }
            return nil
        }
        var cuts: [Int] = []
        for k in 1..<parts {
            let share = t.count * k / parts
            let found = nearest(share, indented: false) ?? (indented ? nearest(share, indented: true) : nil)
            if let c = found, c > (cuts.last ?? 0) { cuts.append(c) }
        }
        return cuts
    }

    /// The verdicts of files read with `cuts`, where a file that broke and was split at more
    /// places than its `plain` cuts is decided by `reread` with the plain cuts instead (given
    /// the indices of those files, in order). A split after an indented `}` is read from a
    /// fresh state inside a block, which a network misreads more often than at column 0
    /// (session 44, 4 KiB stretches in the 417 long files of the valid packages and dev pool:
    /// 1,618 such splits broke 4 valid files; 7,988 column-0 ones moved 5 verdicts, both ways),
    /// so such splits only ever speed up files that read valid.
    static func rereadBroken(_ verdicts: [Verdict], cuts: [[Int]], plain: [[Int]],
                             reread: ([Int]) -> [Verdict]) -> [Verdict] {
        let again = verdicts.indices.filter { !verdicts[$0].valid && !verdicts[$0].failed && cuts[$0] != plain[$0] }
        guard !again.isEmpty else { return verdicts }
        var out = verdicts
        for (f, v) in zip(again, reread(again)) { out[f] = v }
        return out
    }
}
