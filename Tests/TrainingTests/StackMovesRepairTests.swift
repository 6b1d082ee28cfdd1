import Testing
@testable import StepHead

@Suite("Another reading of a stack network's moves: the cheapest valid one within a budget")
struct StackMovesRepairTests {
    typealias C = StackMoves.Candidate
    /// A push (logit `p`, pop logit −9) or pop (the reverse) of `kind` at offset `o`; a byte the
    /// network reads as no move has both logits negative.
    static func push(_ o: Int, _ p: Float = 9, kind: UInt8 = 2) -> C { C(offset: o, push: p, pop: -9, kind: kind) }
    static func pop(_ o: Int, _ p: Float = 9, kind: UInt8 = 2) -> C { C(offset: o, push: -9, pop: p, kind: kind) }

    @Test func theNetworksOwnValidReadingCostsNothing() {
        let moves = [Self.push(0), Self.push(1, kind: 0), Self.pop(2, kind: 0), Self.pop(3)]
        #expect(StackMoves.repairCost(moves, budget: 0, beam: 1) == 0)
        #expect(StackMoves.repairCost([], budget: 0, beam: 1) == 0)
    }

    /// One unsure push (a later branch's `{` read as a push at logit 1.25) breaks the stack; not
    /// reading it costs 1.25 nats, within a budget of 1.5 and not of 1.
    @Test func anUnsureMoveCostsItsLogit() {
        let moves = [Self.push(0), Self.push(5, 1.25), Self.pop(9)]
        #expect(StackMoves.repairCost(moves, budget: 1.5, beam: 32) == 1.25)
        #expect(StackMoves.repairCost(moves, budget: 1, beam: 32) == nil)
        // A move the network did not read, at push logit −0.5: reading it costs 0.5.
        let missed = [C(offset: 0, push: -0.5, pop: -7, kind: 2), Self.pop(4)]
        #expect(StackMoves.repairCost(missed, budget: 1, beam: 32) == 0.5)
        // Sure moves are never read otherwise within the budget: `(]` stays broken.
        #expect(StackMoves.repairCost([Self.push(0, kind: 0), Self.pop(1, kind: 1)], budget: 3, beam: 32) == nil)
    }

    /// Prices add up over the moves read otherwise, and the cheapest reading wins.
    @Test func pricesAddUpAndTheCheapestWins() {
        // {  {(0.5)  (  )  {(1.25)  }  ·(pop −0.75): left open by two unsure pushes. Not reading
        // both costs 1.75; reading a pop at the last byte and not the first unsure push, 1.25.
        let moves = [Self.push(0), Self.push(1, 0.5), Self.push(2, kind: 0), Self.pop(3, kind: 0), Self.push(4, 1.25), Self.pop(5),
                     C(offset: 6, push: -9, pop: -0.75, kind: 2)]
        #expect(StackMoves.repairCost(moves, budget: 1.5, beam: 32) == 1.25)
        #expect(StackMoves.repairCost(moves, budget: 2, beam: 32) == 1.25)
        #expect(StackMoves.repairCost(moves, budget: 1, beam: 32) == nil)
    }

    /// Against an exhaustive search over every reading of short random move lists: with a beam
    /// wide enough to keep every stack, the search finds the cheapest valid reading exactly.
    @Test func equalsExhaustiveSearchOnShortLists() {
        var rng = SplitMix(seed: 45)
        for _ in 0..<400 {
            let n = Int(rng.next() % 9) + 1
            let moves = (0..<n).map { o -> C in
                func logit() -> Float { Float(Int(rng.next() % 121) - 60) / 10 }  // −6 … 6
                return C(offset: o, push: logit(), pop: logit(), kind: UInt8(rng.next() % 3))
            }
            let budget = Float(rng.next() % 40) / 10
            #expect(StackMoves.repairCost(moves, budget: budget, beam: 10_000) == Self.exhaustive(moves, budget: budget))
        }
    }

    /// Every reading of `moves` (each byte: its own move, or none, push or pop at their prices).
    static func exhaustive(_ moves: [C], budget: Float) -> Float? {
        var best: Float? = nil
        func go(_ i: Int, _ stack: [UInt8], _ cost: Float) {
            guard cost <= budget else { return }
            if i == moves.count { if stack.isEmpty, best.map({ cost < $0 }) ?? true { best = cost }; return }
            let m = moves[i], own = m.move
            for a in [UInt8(0), 1, 2] {
                let price: Float = a == own ? 0 : own == 1 && a == 0 ? m.push : own == 2 && a == 0 ? m.pop
                    : own == 0 && a == 1 ? -m.push : own == 0 && a == 2 ? -m.pop : .infinity
                switch a {
                case 0: go(i + 1, stack, cost + price)
                case 1: go(i + 1, stack + [m.kind], cost + price)
                default: if stack.last == m.kind { go(i + 1, Array(stack.dropLast()), cost + price) }
                }
            }
        }
        go(0, [], 0)
        return best
    }

    /// The bytes kept for the search: every move the stack reads, and every byte whose push or
    /// pop logit is above −budget.
    @Test func candidatesAreMovesAndNearMoves() {
        // Five bytes, 5 outputs each: push, pop, inert, kind0, kind1.
        let z: [Float] = [3, -9, -5, -5, 5,  -9, -9, -5, -5, -5,  -0.5, -9, -5, 5, -5,  -9, -2.5, -5, -5, -5,  -9, 4, -5, -5, 5]
        var out: [C] = []
        z.withUnsafeBufferPointer { StackMoves.candidates($0, count: 5, outputs: 5, from: 100, budget: 2, into: &out) }
        #expect(out.map(\.offset) == [100, 102, 104])
        #expect(out.map(\.kind) == [2, 1, 2] && out.map(\.move) == [1, 0, 2])
        var stack = StackMoves.Stack()
        stack.read(out)
        #expect(stack.finish() == nil)  // the push at 100 and the pop at 104: the same as reading the logits
    }

    /// Where the last readings broke: past the unsure pop the budget forgives, the first pop
    /// no reading gets past, with the push the cheapest reading had open there.
    @Test func theSearchSaysWhereItDied() {
        // {  )(1.0, another kind)  }  }: the stack breaks at 3; not reading it costs 1, and the
        // second `}` then finds nothing open.
        var r = StackMoves.Repair(budget: 1.5, beam: 32)
        r.read([Self.push(0), Self.pop(3, 1, kind: 0), Self.pop(7), Self.pop(9)][...])
        #expect(!r.alive && r.died == .init(offset: 9, pop: 9, opener: nil))
        // {  (  )(1.0, another kind)  }: past the pop at 3, the `}` at 5 finds the `(` of 1 open.
        var m = StackMoves.Repair(budget: 1.5, beam: 32)
        m.read([Self.push(0), Self.push(1, kind: 1), Self.pop(3, 1, kind: 0), Self.pop(5)][...])
        #expect(m.died == .init(offset: 5, pop: 9, opener: 1))
        // Within a budget of 0.5 nothing is forgiven: it dies at the stack's own break.
        var o = StackMoves.Repair(budget: 0.5, beam: 32)
        o.read([Self.push(0), Self.pop(3, 1, kind: 0), Self.pop(7), Self.pop(9)][...])
        #expect(o.died == .init(offset: 3, pop: 1, opener: 0))
        // A search left alive, or one that gave up at its work bound, has not died at a pop.
        var alive = StackMoves.Repair(budget: 1.5, beam: 32)
        alive.read([Self.push(0)][...])
        #expect(alive.alive && alive.died == nil && alive.cost == nil)
        var bounded = StackMoves.Repair(budget: 10, beam: 32)
        bounded.read((0..<400_000).map { Self.push($0, 0.25) }[...])
        #expect(!bounded.alive && bounded.died == nil)
    }

    /// A break's pop logit is looked up by offset (a binary search over the offsets in order).
    @Test func popLogitIsFoundByOffset() {
        let moves = [Self.push(100), C(offset: 102, push: -0.5, pop: -1.5, kind: 1), Self.pop(104, 6)]
        #expect(StackMoves.popLogit(at: 104, in: moves) == 6)
        #expect(StackMoves.popLogit(at: 102, in: moves) == -1.5)
        #expect(StackMoves.popLogit(at: 100, in: moves) == -9)
        for o in [99, 101, 103, 105] { #expect(StackMoves.popLogit(at: o, in: moves) == nil) }
        #expect(StackMoves.popLogit(at: 0, in: []) == nil)
    }

    /// A search fed piece by piece (as `check` feeds it while a file is read) ends where one
    /// over the whole list does: `check` takes a one-stretch file's carried search as its answer.
    @Test func aSearchFedInPiecesEqualsOneOverTheWhole() {
        var rng = SplitMix(seed: 11)
        var repaired = 0
        for trial in 0..<50 {
            // Balanced moves, a few of them unsure, and a few unsure moves that break them.
            var moves: [C] = [], open: [UInt8] = []
            func z() -> Float { rng.next() % 4 == 0 ? Float(rng.next() % 20 + 1) / 10 : 8 }
            for o in 0..<400 {
                if rng.next() % 150 == 0 {
                    let k = UInt8(rng.next() % 3)
                    moves.append(rng.next() % 2 == 0 ? Self.push(o, 0.6, kind: k) : Self.pop(o, 0.6, kind: k))
                } else if !open.isEmpty, rng.next() % 2 == 0 {
                    moves.append(Self.pop(o, z(), kind: open.removeLast()))
                } else {
                    open.append(UInt8(rng.next() % 3)); moves.append(Self.push(o, z(), kind: open.last!))
                }
            }
            for (i, k) in open.reversed().enumerated() { moves.append(Self.pop(400 + i, kind: k)) }
            var r = StackMoves.Repair(budget: 2.5, beam: 8), at = 0
            while at < moves.count {
                let n = Int(rng.next() % 40) + 1
                r.read(moves[at..<min(moves.count, at + n)]); at += n
            }
            let whole = StackMoves.repairCost(moves, budget: 2.5, beam: 8)
            #expect(r.cost == whole, "trial \(trial)")
            if let whole, whole > 0 { repaired += 1 }
        }
        #expect(repaired >= 10)  // the lists are not all trivially valid or hopeless
    }

    /// Wide lists stay fast and deterministic: many unsure bytes, the beam bounded.
    @Test func longListsAreBoundedAndDeterministic() {
        var rng = SplitMix(seed: 7)
        let moves = (0..<20_000).map { o -> C in
            let sure = rng.next() % 4 != 0
            let open = o % 2 == 0
            let z: Float = sure ? 8 : Float(rng.next() % 30 + 1) / 10
            return open ? Self.push(o, z, kind: UInt8(o / 2 % 3)) : Self.pop(o, z, kind: UInt8(o / 2 % 3))
        }
        let a = StackMoves.repairCost(moves, budget: 3, beam: 32), b = StackMoves.repairCost(moves, budget: 3, beam: 32)
        #expect(a == 0 && b == 0)
        var broken = moves
        broken[10_001] = Self.pop(10_001, 0.4, kind: 1)  // a pop of another kind, unsure: not reading it and its push
        broken[10_000] = Self.push(10_000, 0.7, kind: 0)
        // Not reading both costs 1.1; other unsure moves may make a cheaper reading.
        let c = StackMoves.repairCost(broken, budget: 3, beam: 32)
        #expect(c.map { $0 > 0 && $0 <= Float(0.7) + 0.4 } == true && c == StackMoves.repairCost(broken, budget: 3, beam: 32))
        #expect(StackMoves.repairCost(broken, budget: 0.05, beam: 32) == nil)
    }

    /// Deep stacks under unsure bytes everywhere: the search gives up within its work bound
    /// (no reading, so the stack's own verdict stands) instead of taking without end.
    @Test func deepUnsureStacksAreBounded() {
        let moves = (0..<400_000).map { Self.push($0, 0.25) }  // all unsure, never closed
        var r = StackMoves.Repair(budget: 10, beam: 32)
        r.read(moves[...])
        #expect(!r.alive && r.cost == nil)
        #expect(StackMoves.repairCost(moves, budget: 10, beam: 32) == nil)
    }
}

/// A small deterministic generator for the tests (splitmix64).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
