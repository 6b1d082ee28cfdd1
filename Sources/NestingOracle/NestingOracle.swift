/// The exact, lexer-aware nesting oracle: the ground truth for every NestNet label.
///
/// Brackets `()[]{}` count only in code: not in comments, string or char literals,
/// preprocessor directives or `#if 0` groups. Preprocessor conditionals are checked branch by
/// branch (see `Scanner`). Works on raw bytes (any encoding, NUL bytes, CRLF or lone CR) of
/// texts under 4 GiB (`maxBytes`).
public enum NestingOracle {
    /// The longest text the oracle takes (bracket offsets are stored in 32 bits).
    public static let maxBytes = Int(UInt32.max)

    /// Checks `bytes` and returns the verdict with the first error, if any.
    public static func check(_ bytes: UnsafeBufferPointer<UInt8>) -> Verdict {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return Verdict(error: nil, maxDepth: 0, finalDepth: 0) }
        precondition(bytes.count <= maxBytes, "the oracle takes texts under 4 GiB")
        var s = Scanner(base, count: bytes.count, observer: NoObserver())
        s.run()
        return Verdict(error: s.error, maxDepth: s.maxDepth, finalDepth: s.finalDepth)
    }

    /// Checks any contiguous byte collection (`[UInt8]`, `Data`, `String.UTF8View`, …).
    public static func check<C: Collection>(_ bytes: C) -> Verdict where C.Element == UInt8 {
        if let v = bytes.withContiguousStorageIfAvailable({ check($0) }) { return v }
        return Array(bytes).withUnsafeBufferPointer { check($0) }
    }

    /// Checks a string's UTF-8 bytes.
    public static func check(_ text: String) -> Verdict {
        var t = text
        return t.withUTF8 { check($0) }
    }

    /// Checks `bytes` and records, for every byte, its region and the code depth after it.
    public static func analyze(_ bytes: UnsafeBufferPointer<UInt8>) -> Analysis {
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            return Analysis(verdict: Verdict(error: nil, maxDepth: 0, finalDepth: 0), depth: [], regions: [], laterBranches: [])
        }
        // The observer writes every byte exactly once (finish fills up to the end), so the
        // arrays are not zero-filled first.
        var verdict = Verdict(error: nil, maxDepth: 0, finalDepth: 0)
        var regions: [Region] = []
        var later: [Range<Int>] = [], nested: [Range<Int>] = []
        let depth = [Int32](unsafeUninitializedCapacity: bytes.count) { d, dCount in
            regions = [Region](unsafeUninitializedCapacity: bytes.count) { r, rCount in
                var s = Scanner(base, count: bytes.count, observer: ProfileObserver(depth: d, regions: r))
                s.run()
                verdict = Verdict(error: s.error, maxDepth: s.maxDepth, finalDepth: s.finalDepth)
                later = s.observer.later
                nested = s.observer.nested
                rCount = bytes.count
            }
            dCount = bytes.count
        }
        return Analysis(verdict: verdict, depth: depth, regions: regions, laterBranches: later, laterNested: nested)
    }

    /// `analyze` for any byte collection.
    public static func analyze<C: Collection>(_ bytes: C) -> Analysis where C.Element == UInt8 {
        if let a = bytes.withContiguousStorageIfAvailable({ analyze($0) }) { return a }
        return Array(bytes).withUnsafeBufferPointer { analyze($0) }
    }
}

/// The oracle's answer for one text.
public struct Verdict: Sendable, Equatable {
    /// The first nesting error in scan order, nil when the nesting is valid.
    public var error: NestingError?
    /// The deepest code nesting reached anywhere in the text.
    public var maxDepth: Int
    /// Code brackets still open at the end of the text.
    public var finalDepth: Int
    public var isValid: Bool { error == nil }
}

/// A verdict plus the per-byte depth profile and lexer regions.
public struct Analysis: Sendable {
    public var verdict: Verdict
    /// Code nesting depth after each byte (the checker's recovering stack after an error).
    public var depth: [Int32]
    /// What the lexer took each byte to be.
    public var regions: [Region]
    /// Byte ranges in a later branch (`#elif`/`#else` to its `#endif`) of a live conditional,
    /// in order and disjoint. The oracle checks such a branch against the first one and then
    /// goes on from the first branch's stack, so a stack that follows only code brackets outside
    /// these ranges agrees with it on every valid text except one that ends inside a later
    /// branch (a conditional without `#endif`, where the oracle ends with that branch's stack).
    public var laterBranches: [Range<Int>]
    /// The parts of `laterBranches` where a conditional opened inside the later branch (live
    /// or `#if 0`) is still open: from its `#if` to its `#endif`, where an `#endif` does not end
    /// the later branch. What a network must count to know where a later branch ends.
    public var laterNested: [Range<Int>] = []

    public init(verdict: Verdict, depth: [Int32], regions: [Region], laterBranches: [Range<Int>], laterNested: [Range<Int>] = []) {
        self.verdict = verdict; self.depth = depth; self.regions = regions
        self.laterBranches = laterBranches; self.laterNested = laterNested
    }

    /// Per byte: 1 in a later branch (`laterBranches`), else 0.
    public var laterFlags: [UInt8] { flags(laterBranches) }

    /// Per byte: 1 in `laterNested`, else 0.
    public var laterNestedFlags: [UInt8] { flags(laterNested) }

    /// Per byte: 1 inside one of `ranges`, else 0.
    private func flags(_ ranges: [Range<Int>]) -> [UInt8] {
        var f = [UInt8](repeating: 0, count: depth.count)
        for r in ranges { for i in r { f[i] = 1 } }
        return f
    }

    /// Per-byte flag: 1 from the byte where the nesting is already broken beyond repair
    /// (a bad closer or a conditional mismatch), 0 before it. Unclosed openers are only
    /// known at the end, so they set the last byte alone.
    public var brokenFlags: [UInt8] {
        var f = [UInt8](repeating: 0, count: depth.count)
        guard let e = verdict.error, !f.isEmpty else { return f }
        let from = e.kind == .unclosedOpener ? f.count - 1 : e.offset
        for i in from..<f.count { f[i] = 1 }
        return f
    }
}

/// Fills the depth and region arrays segment by segment as the scanner reports changes.
struct ProfileObserver: ScanObserver {
    let depth: UnsafeMutableBufferPointer<Int32>
    let regions: UnsafeMutableBufferPointer<Region>
    var last = 0
    var lastDepth: Int32 = 0
    var lastRegion: Region = .code
    var later: [Range<Int>] = []
    var laterStart = -1
    var nested: [Range<Int>] = []
    var nestedStart = -1

    init(depth: UnsafeMutableBufferPointer<Int32>, regions: UnsafeMutableBufferPointer<Region>) {
        self.depth = depth; self.regions = regions
    }

    mutating func change(at offset: Int, region: Region, depth d: Int) {
        let o = min(offset, depth.count)
        if o > last {  // bulk fills: memset-speed for long runs of one region and depth
            (depth.baseAddress! + last).update(repeating: lastDepth, count: o - last)
            (regions.baseAddress! + last).update(repeating: lastRegion, count: o - last)
            last = o
        }
        lastDepth = Int32(d); lastRegion = region
    }

    mutating func laterBranch(at offset: Int, on: Bool) {
        if on { laterStart = offset } else if laterStart >= 0 { later.append(laterStart..<offset); laterStart = -1 }
    }

    mutating func laterNested(at offset: Int, on: Bool) {
        if on { nestedStart = offset } else if nestedStart >= 0 { nested.append(nestedStart..<offset); nestedStart = -1 }
    }

    mutating func finish(length: Int) {
        change(at: length, region: .code, depth: 0)
        if laterStart >= 0 { laterBranch(at: min(length, depth.count), on: false) }
        if nestedStart >= 0 { laterNested(at: min(length, depth.count), on: false) }
    }
}
