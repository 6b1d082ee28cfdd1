/// The cheapest valid reading of a stack network's moves (session 45).
///
/// The stack reads each byte's most likely move (`StackMoves.read`), so one misread move, a
/// bracket in a later branch read as a push, breaks a valid file. The network gives every move
/// a logit, so another reading of the same outputs has a price: turning a push or pop it reads
/// into no move costs that logit, reading a move it did not costs the logit's size, in nats
/// (log P(its reading) − log P(the other), each move read alone). A file the network breaks is
/// valid here when some reading of its moves within `budget` nats leaves a stack that never
/// breaks and ends empty. The search is a beam over readings (`repairCost`); the kinds are the
/// network's, never changed. No byte is looked at: only the network's outputs.
extension StackMoves {
    /// A byte whose move the network reads, or whose other reading costs less than a budget:
    /// its offset, its push and pop logits, and its kind (0–3, as the stack keeps kinds).
    public struct Candidate: Sendable, Equatable {
        public var offset: Int
        public var push: Float, pop: Float
        public var kind: UInt8
        public init(offset: Int, push: Float, pop: Float, kind: UInt8) {
            self.offset = offset; self.push = push; self.pop = pop; self.kind = kind
        }

        /// The move the stack reads here (`StackMoves.read`): 1 push, 2 pop, 0 none.
        @inline(__always) public var move: UInt8 {
            let p = push > 0, q = pop > 0
            return p && (!q || push >= pop) ? 1 : q ? 2 : 0
        }
    }

    /// Appends the bytes of a piece (`count` bytes' logits, `P` per byte, the first at offset
    /// `from`) that the stack reads as moves or whose push or pop logit is above −`budget`.
    public static func candidates(_ logits: UnsafeBufferPointer<Float>, count: Int, outputs P: Int, from: Int,
                                  budget: Float, into out: inout [Candidate]) {
        let base = logits.baseAddress!
        for t in 0..<count {
            let z = base + t * P
            guard z[0] > -budget || z[1] > -budget else { continue }
            out.append(Candidate(offset: from + t, push: z[0], pop: z[1], kind: read(z) >> 3))
        }
    }

    /// The pop logit of the byte at `offset` among `candidates` (in offset order, as
    /// `candidates(_:count:outputs:from:budget:into:)` appends them), or nil when that byte is
    /// not among them: what a break's p_valid is read from. A binary search.
    public static func popLogit(at offset: Int, in candidates: [Candidate]) -> Float? {
        var lo = 0, hi = candidates.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if candidates[mid].offset < offset { lo = mid + 1 } else { hi = mid }
        }
        return lo < candidates.count && candidates[lo].offset == offset ? candidates[lo].pop : nil
    }

    /// The cheapest reading of `candidates` (in order) that leaves a stack that never breaks
    /// and ends empty, if one costs at most `budget` nats: its cost (0 for the network's own
    /// reading when that is valid), or nil (`Repair`).
    public static func repairCost(_ candidates: [Candidate], budget: Float, beam: Int) -> Float? {
        Repair.searched(candidates, budget: budget, beam: beam).cost
    }

    /// The search for another reading, fed candidates in order (a file's, piece by piece): a
    /// beam of at most `beam` readings, the cheapest kept, carried from move to move; readings
    /// that leave the same stack are one (the cheapest); a reading whose stack breaks is
    /// dropped, and when none is left (`alive` false) no reading within the budget is valid,
    /// whatever follows. Deterministic: ties keep the order the readings were made in.
    ///
    /// Bounded: a reading made at an unsure byte copies its stack, so deep stacks under many
    /// unsure bytes (text no network reads with confidence) could take without end; once the
    /// stack entries copied pass `maxWork`, the search gives up (`alive` false, as if no reading
    /// were left), and the stack's own verdict stands.
    public struct Repair: Sendable {
        public let budget: Float, beam: Int
        /// Stack entries (plus 16 a reading) the search may copy before it gives up.
        public static let maxWork = 1 << 28
        var work = 0
        /// Readings: each a stack of kinds with a hash per depth (so equal stacks are found by
        /// hash, then compared), and its cost.
        struct Reading: Sendable {
            var kinds: [UInt8] = [], hashes: [UInt64] = [], offsets: [Int] = [], cost: Float = 0
            mutating func push(_ k: UInt8, at offset: Int) {
                kinds.append(k); offsets.append(offset)
                hashes.append(((hashes.last ?? 0xcbf2_9ce4_8422_2325) ^ (UInt64(k) &+ 1)) &* 0x0000_0100_0000_01b3)
            }
            /// Pops a `k`; false (and unchanged) when the top is not a `k`.
            mutating func pop(_ k: UInt8) -> Bool {
                guard kinds.last == k else { return false }
                kinds.removeLast(); hashes.removeLast(); offsets.removeLast(); return true
            }
        }
        var readings = [Reading()]
        var next: [Reading] = []

        /// Where the last readings broke (session 46): the pop no reading within the budget gets
        /// past, its pop logit, and the push open under it in the cheapest reading (nil: none
        /// was open). Past every misread the budget forgives, it is where the file breaks for
        /// the network, so `check` places the error there. Nil while a reading is left, and when
        /// the search gave up at its work bound.
        public struct Death: Sendable, Equatable {
            public var offset: Int, pop: Float, opener: Int?
        }
        public private(set) var died: Death? = nil

        public init(budget: Float, beam: Int) {
            precondition(beam >= 1 && budget >= 0)
            self.budget = budget; self.beam = beam
        }

        /// The search over a whole list of candidates (in order), read at once.
        public static func searched(_ candidates: [Candidate], budget: Float, beam: Int) -> Repair {
            var r = Repair(budget: budget, beam: beam)
            r.read(candidates[...])
            return r
        }

        /// Whether some reading within the budget is still unbroken.
        public var alive: Bool { !readings.isEmpty }

        /// At the end: the cheapest reading that leaves the stack empty, or nil.
        public var cost: Float? { readings.filter { $0.kinds.isEmpty }.map(\.cost).min() }

        public mutating func read(_ candidates: ArraySlice<Candidate>) {
            for m in candidates {
                guard !readings.isEmpty else { return }
                let move = m.move
                // The other readings of this byte and their prices.
                var alternatives: [(move: UInt8, price: Float)] = []
                switch move {
                case 1: if m.push <= budget { alternatives.append((0, m.push)) }
                case 2: if m.pop <= budget { alternatives.append((0, m.pop)) }
                default:
                    if -m.push <= budget { alternatives.append((1, -m.push)) }
                    if -m.pop <= budget { alternatives.append((2, -m.pop)) }
                }
                if alternatives.isEmpty {
                    // Every reading takes the network's move: in place, dropping those it breaks.
                    guard move != 0 else { continue }
                    var kept = 0
                    for i in readings.indices {
                        if move == 1 { readings[i].push(m.kind, at: m.offset) } else if !readings[i].pop(m.kind) { continue }
                        if kept != i { readings.swapAt(kept, i) }
                        kept += 1
                    }
                    // No reading took the pop: each is as it was (a failed pop changes nothing,
                    // and nothing was swapped), so the first is still the cheapest.
                    if kept == 0 { died = Death(offset: m.offset, pop: m.pop, opener: readings[0].offsets.last) }
                    readings.removeLast(readings.count - kept)
                    continue
                }
                next.removeAll(keepingCapacity: true)
                for r in readings {
                    for (a, price) in [(move, Float(0))] + alternatives {
                        let c = r.cost + price
                        guard c <= budget else { continue }
                        var n = r; n.cost = c
                        if a == 1 { n.push(m.kind, at: m.offset) } else if a == 2, !n.pop(m.kind) { continue }
                        next.append(n)
                        work += 16 + n.kinds.count
                    }
                }
                if work > Self.maxWork { readings.removeAll(); return }
                // The readings are kept cheapest first: the first is the cheapest.
                if next.isEmpty { died = Death(offset: m.offset, pop: m.pop, opener: readings[0].offsets.last); readings.removeAll(); return }
                // The cheapest of each stack, then the cheapest `beam` (stable: ties in order).
                let order = next.indices.sorted { (next[$0].cost, $0) < (next[$1].cost, $1) }
                readings.removeAll(keepingCapacity: true)
                var seen: [UInt64: [Int]] = [:]
                for i in order {
                    let r = next[i], h = r.hashes.last ?? 0
                    if let same = seen[h], same.contains(where: { readings[$0].kinds == r.kinds }) { continue }
                    seen[h, default: []].append(readings.count)
                    readings.append(r)
                    if readings.count == beam { break }
                }
            }
        }
    }
}
