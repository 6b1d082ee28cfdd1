import NestNetSupport
import NestingOracle

/// A single-byte-level edit. Corrupting edits touch code brackets; decoy edits do the same
/// thing to a bracket inside a comment, string, char literal, directive or `#if 0` group.
public enum EditKind: String, Sendable, CaseIterable, Codable {
    case deleteOpener = "delete-opener"
    case deleteCloser = "delete-closer"
    case insertOpener = "insert-opener"
    case insertCloser = "insert-closer"
    case replaceCloser = "replace-closer"
    case swapClosers = "swap-closers"
    case moveOpener = "move-opener"
    /// An opener turned into the closer of its type or back (Dyck; keeps the length).
    case flipBracket = "flip-bracket"

    /// True when the edit leaves every bracket count unchanged.
    public var keepsCounts: Bool { self == .swapClosers || self == .moveOpener }
    /// Change in text length.
    public var lengthDelta: Int {
        switch self {
        case .deleteOpener, .deleteCloser: return -1
        case .insertOpener, .insertCloser: return 1
        default: return 0
        }
    }
}

/// The edit an example carries.
public struct Edit: Sendable, Equatable, Codable {
    public var kind: EditKind
    /// Byte offset in the original text where the edit applies.
    public var offset: Int
    /// A decoy edits a bracket that does not count, so the text stays valid.
    public var decoy: Bool

    public init(kind: EditKind, offset: Int, decoy: Bool) {
        self.kind = kind; self.offset = offset; self.decoy = decoy
    }

    /// `delete-closer`, or `decoy-delete-closer` for a decoy.
    public var name: String { decoy ? "decoy-" + kind.rawValue : kind.rawValue }

    public init?(name: String, offset: Int) {
        let decoy = name.hasPrefix("decoy-")
        guard let k = EditKind(rawValue: decoy ? String(name.dropFirst(6)) : name) else { return nil }
        self.init(kind: k, offset: offset, decoy: decoy)
    }
}

/// Applies edits to a text, choosing positions from the oracle's lexing of it.
struct Editor {
    let text: [UInt8]
    let analysis: Analysis
    /// Edit offsets allowed by `--error-position`.
    let window: Range<Int>

    init(text: [UInt8], window: Range<Int>) {
        self.text = text
        self.analysis = NestingOracle.analyze(text)
        self.window = window.clamped(to: 0..<max(text.count, 1))
    }

    private func inert(_ i: Int) -> Bool { analysis.regions[i].isInert }
    private func isCode(_ i: Int) -> Bool { analysis.regions[i] == .code }

    /// Bracket positions in the window: code ones, or inert ones for decoys.
    private func brackets(openers: Bool, decoy: Bool) -> [Int] {
        window.filter { i in
            let b = text[i]
            let kind = openers ? Bracket.openerKind(b) : Bracket.closerKind(b)
            return kind != nil && (decoy ? inert(i) : isCode(i))
        }
    }

    /// Applies `kind`; nil when the text offers no place for it.
    func apply(_ kind: EditKind, decoy: Bool, rng: inout SeededRandom) -> ([UInt8], Edit)? {
        var t = text
        let offset: Int
        switch kind {
        case .deleteOpener, .deleteCloser:
            let c = brackets(openers: kind == .deleteOpener, decoy: decoy)
            guard !c.isEmpty else { return nil }
            offset = rng.pick(c)
            t.remove(at: offset)
        case .insertOpener, .insertCloser:
            guard let k = insertionPoint(decoy: decoy, rng: &rng) else { return nil }
            offset = k
            let type = rng.below(3)
            t.insert(kind == .insertOpener ? [40, 91, 123][type] : [41, 93, 125][type], at: k)
        case .replaceCloser:
            // Decoys may also retype an opener: inside comments either looks the same.
            var c = brackets(openers: false, decoy: decoy)
            if decoy { c += brackets(openers: true, decoy: true) }
            guard !c.isEmpty else { return nil }
            offset = rng.pick(c)
            t[offset] = retyped(t[offset], rng: &rng)
        case .swapClosers:
            guard let (a, b) = swapPair(decoy: decoy, rng: &rng) else { return nil }
            offset = a
            t.swapAt(a, b)
        case .moveOpener:
            guard let (from, to) = move(decoy: decoy, rng: &rng) else { return nil }
            offset = from
            let b = t.remove(at: from)
            t.insert(b, at: to)
        case .flipBracket:
            let c = brackets(openers: true, decoy: decoy) + brackets(openers: false, decoy: decoy)
            guard !c.isEmpty else { return nil }
            offset = rng.pick(c)
            let b = t[offset]
            if let k = Bracket.openerKind(b) { t[offset] = k.closer } else { t[offset] = Bracket.closerKind(b)!.opener }
        }
        return (t, Edit(kind: kind, offset: offset, decoy: decoy))
    }

    /// A UTF-8 continuation byte (10xxxxxx): inserting before it would split a character.
    private func isContinuation(_ b: UInt8) -> Bool { b & 0xC0 == 0x80 }

    /// Same side, another type: `)` → `]` or `}`.
    private func retyped(_ b: UInt8, rng: inout SeededRandom) -> UInt8 {
        let isOpener = Bracket.openerKind(b) != nil
        let k = Int((Bracket.openerKind(b) ?? Bracket.closerKind(b)!).rawValue)
        let other = BracketKind(rawValue: UInt8((k + 1 + rng.below(2)) % 3))!
        return isOpener ? other.opener : other.closer
    }

    /// Where a new bracket goes: strictly inside code (half the time beside a code bracket,
    /// as a doubled-key typo would be), or strictly inside one inert region for a decoy.
    private func insertionPoint(decoy: Bool, rng: inout SeededRandom) -> Int? {
        let lo = max(window.lowerBound, 1), hi = window.upperBound
        guard lo < hi else { return nil }
        let r = analysis.regions
        func ok(_ k: Int) -> Bool {
            // Never inside a multi-byte UTF-8 character: the text must stay valid UTF-8.
            if isContinuation(text[k]) { return false }
            if decoy { return r[k - 1].isInert && r[k - 1] == r[k] && text[k - 1] != 92 }
            return r[k - 1] == .code && r[k] == .code
        }
        if !decoy && rng.chance(0.5) {
            let near = (lo..<hi).filter { ok($0) && (Bracket.isBracket(text[$0]) || Bracket.isBracket(text[$0 - 1])) }
            if !near.isEmpty { return rng.pick(near) }
        }
        for _ in 0..<32 {
            let k = lo + rng.below(hi - lo)
            if ok(k) { return k }
        }
        let all = (lo..<hi).filter(ok)
        return all.isEmpty ? nil : rng.pick(all)
    }

    /// Two nearby brackets of different types: consecutive code closers, or for a decoy two
    /// brackets in the same inert stretch.
    private func swapPair(decoy: Bool, rng: inout SeededRandom) -> (Int, Int)? {
        var pairs: [(Int, Int)] = []
        if decoy {
            let c = (0..<text.count).filter { inert($0) && Bracket.isBracket(text[$0]) }
            for (a, b) in zip(c, c.dropFirst()) where window.contains(a) && b - a <= 40
                && text[a] != text[b] && analysis.regions[a] == analysis.regions[b] {
                pairs.append((a, b))
            }
        } else {
            let c = (0..<text.count).filter { isCode($0) && Bracket.closerKind(text[$0]) != nil }
            for (a, b) in zip(c, c.dropFirst()) where window.contains(a) && text[a] != text[b] {
                pairs.append((a, b))
            }
            let near = pairs.filter { $0.1 - $0.0 <= 40 }
            if !near.isEmpty { pairs = near }
        }
        return pairs.isEmpty ? nil : rng.pick(pairs)
    }

    /// A code opener moved just past its matching closer; for a decoy, an inert bracket moved
    /// a few bytes within its stretch. Returns (from, insertion index after removal).
    private func move(decoy: Bool, rng: inout SeededRandom) -> (Int, Int)? {
        if decoy {
            var c = brackets(openers: true, decoy: true) + brackets(openers: false, decoy: true)
            rng.shuffle(&c)
            for from in c.prefix(8) {
                let r = analysis.regions[from]
                var to = from + 1
                let limit = min(text.count, from + 2 + rng.below(8))
                while to < limit, analysis.regions[to] == r, text[to] != 92 { to += 1 }
                // The bracket lands before text[to]: never inside a multi-byte UTF-8 character.
                while to > from + 1, to < text.count, isContinuation(text[to]) { to -= 1 }
                if to - from >= 2, text[to - 1] != text[from] { return (from, to - 1) }
            }
            return nil
        }
        var c = brackets(openers: true, decoy: false)
        rng.shuffle(&c)
        let d = analysis.depth
        for from in c.prefix(8) {
            let target = d[from] - 1
            var j = from + 1
            while j < text.count, !(d[j] == target && isCode(j) && Bracket.closerKind(text[j]) != nil) { j += 1 }
            if j < text.count { return (from, j) }  // after removal, index j is just past the closer
        }
        return nil
    }
}
