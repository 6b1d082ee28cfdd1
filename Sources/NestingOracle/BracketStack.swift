/// A persistent stack of open brackets stored as parent-linked nodes in one arena.
///
/// Preprocessor conditionals need to remember the stack at `#if` and compare the stacks that
/// different branches leave behind. With parent links a snapshot is just the index of a
/// top node, and comparing two stacks walks only the nodes where they differ, so checking
/// stays linear in the text even for 10^6-deep nesting. When no conditional is open the arena
/// is used like a plain stack (pops truncate it), so memory follows the depth, not the file:
/// 13 bytes per open bracket (offsets are 32-bit: the oracle takes texts under 4 GiB).
struct BracketStack {
    private(set) var kind: [UInt8] = []
    private(set) var parent: [Int32] = []
    private(set) var depthOf: [Int32] = []
    private(set) var offset: [UInt32] = []
    /// Index of the top node, -1 when empty.
    var top: Int32 = -1

    init() {
        kind.reserveCapacity(256); parent.reserveCapacity(256)
        depthOf.reserveCapacity(256); offset.reserveCapacity(256)
    }

    var depth: Int { top < 0 ? 0 : Int(depthOf[Int(top)]) }
    var topKind: BracketKind? { top < 0 ? nil : BracketKind(rawValue: kind[Int(top)]) }
    var topOffset: Int? { top < 0 ? nil : Int(offset[Int(top)]) }

    mutating func push(_ k: BracketKind, at off: Int) {
        let d = Int32(depth + 1)
        kind.append(k.rawValue); parent.append(top); depthOf.append(d); offset.append(UInt32(truncatingIfNeeded: off))
        top = Int32(kind.count - 1)
    }

    /// Pops the top; `reclaim` (no snapshot alive) lets the arena shrink.
    mutating func pop(reclaim: Bool) {
        guard top >= 0 else { return }
        let t = Int(top)
        top = parent[t]
        if reclaim && t == kind.count - 1 {
            kind.removeLast(); parent.removeLast(); depthOf.removeLast(); offset.removeLast()
        }
    }

    /// True when the stacks ending at nodes `a` and `b` hold the same bracket types.
    func sameKinds(_ a: Int32, _ b: Int32) -> Bool {
        var x = a, y = b
        let dx = x < 0 ? 0 : depthOf[Int(x)], dy = y < 0 ? 0 : depthOf[Int(y)]
        if dx != dy { return false }
        while x != y {
            if kind[Int(x)] != kind[Int(y)] { return false }
            x = parent[Int(x)]; y = parent[Int(y)]
        }
        return true
    }

    /// Drops every node not on the current chain (called when the last snapshot dies).
    mutating func compact() {
        guard top >= 0, Int(top) != kind.count - 1 || depth != kind.count else { return }
        var chain: [Int32] = []
        var x = top
        while x >= 0 { chain.append(x); x = parent[Int(x)] }
        var k: [UInt8] = [], p: [Int32] = [], d: [Int32] = [], o: [UInt32] = []
        k.reserveCapacity(chain.count); p.reserveCapacity(chain.count)
        d.reserveCapacity(chain.count); o.reserveCapacity(chain.count)
        for (i, node) in chain.reversed().enumerated() {
            k.append(kind[Int(node)]); p.append(Int32(i) - 1)
            d.append(depthOf[Int(node)]); o.append(offset[Int(node)])
        }
        kind = k; parent = p; depthOf = d; offset = o
        top = Int32(k.count - 1)
    }
}
