import NestNetSupport
import Foundation
import NestingOracle
import RealModule

/// Labelled examples cut from real source files: whole files, runs of whole lines that are
/// balanced at any depth (inside a function, an `extern "C" {` or a namespace as well as at
/// the top level), and, for texts under 96 bytes, single bracket groups. Every base text is
/// valid by the oracle; half then get a corrupting edit and the other half a decoy edit,
/// exactly as generated examples do. This is how NestNet trains and measures a model on code
/// written by people rather than by the generator.
public struct RealCodeWindows: Sendable {
    struct Source: Sendable {
        var path: String
        var bytes: [UInt8]
        /// Offsets of line starts in code (not inside a comment, string or directive), with the
        /// code depth there, in increasing order; the text's end closes the list.
        var cuts: [Int32]
        var depths: [Int32]
        /// The whole file is valid by the oracle.
        var valid: Bool
        /// FNV-1a 64 of the bytes.
        var hash: UInt64
    }
    /// Sorted by size, so a length can pick files near it.
    let sources: [Source]
    let sizes: [Int]
    public let minLength: Int
    public let maxLength: Int
    public var fileCount: Int { sources.count }
    public var byteCount: Int { sizes.reduce(0, +) }
    /// Identifies the exact set of texts (their bytes, not where they are stored).
    public let fingerprint: String
    /// Places worth more practice (source index, byte offset), e.g. where an earlier model
    /// misread a valid file: `example(focus:)` cuts some texts around them.
    var focusPoints: [(source: Int, offset: Int32)] = []
    public var focusCount: Int { focusPoints.count }

    /// Reads the files; unreadable, binary or empty ones (and, with `requireUTF8`, files that are
    /// not UTF-8, which a JSONL dataset cannot hold) are reported through `skipped` (path, reason)
    /// and left out. Files are lexed on `threads` threads; the result does not depend on it.
    public init(paths: [String], minLength: Int, maxLength: Int, requireUTF8: Bool = true, threads: Int = 1,
                skipped: (String, String) -> Void = { _, _ in }) throws {
        guard minLength <= maxLength, minLength >= 1 else { throw NestNetError("--min-length must be at least 1 and at most --max-length") }
        self.minLength = minLength; self.maxLength = maxLength
        let slots = IndexedSlots<Result<Source, NestNetError>?>(repeating: nil, count: paths.count)
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, paths.count))) { part in
            var k = part
            while k < paths.count {
                slots.set(k, Self.load(paths[k], requireUTF8: requireUTF8))
                k += max(1, min(threads, paths.count))
            }
        }
        var out: [Source] = []
        for (path, r) in zip(paths, slots.items) {
            switch r {
            case .success(let s): out.append(s)
            case .failure(let e): skipped(path, e.message)
            case nil: break
            }
        }
        guard !out.isEmpty else { throw NestNetError("no readable source files among the \(paths.count) given") }
        out.sort { $0.bytes.count != $1.bytes.count ? $0.bytes.count < $1.bytes.count : $0.path < $1.path }
        sources = out
        sizes = out.map(\.bytes.count)
        fingerprint = String(out.reduce(FNV1a.offsetBasis) { FNV1a.fold($0, $1.hash) }, radix: 16)
    }

    /// These texts with focus points at `points` (a path as given at init, a byte offset in
    /// that file). Returns the points that name no loaded file or lie outside it.
    public mutating func setFocus(_ points: [(path: String, offset: Int)]) -> [(path: String, offset: Int)] {
        var index: [String: Int] = [:]
        for (i, s) in sources.enumerated() { index[s.path] = i }
        var unmatched: [(path: String, offset: Int)] = []
        focusPoints = []
        for p in points {
            guard let i = index[p.path], p.offset >= 0, p.offset <= sources[i].bytes.count else { unmatched.append(p); continue }
            focusPoints.append((i, Int32(p.offset)))
        }
        return unmatched
    }

    /// Identifies the focus points (for checkpoint metadata: a resumed run must see the same).
    public var focusFingerprint: String {
        String(focusPoints.reduce(FNV1a.offsetBasis) { FNV1a.fold(FNV1a.fold($0, sources[$1.source].hash), UInt64($1.offset)) }, radix: 16)
    }

    static func load(_ path: String, requireUTF8: Bool) -> Result<Source, NestNetError> {
        let bytes: [UInt8]
        do { bytes = try readFile(path, limit: 64 << 20) } catch let e as NestNetError { return .failure(e) } catch { return .failure(NestNetError("\(error)")) }
        if bytes.isEmpty { return .failure(NestNetError("empty")) }
        if bytes.contains(0) { return .failure(NestNetError("binary (NUL bytes)")) }
        // Datasets are JSON, whose strings are UTF-8: a Latin-1 file cannot be stored as is.
        if requireUTF8 && String(validating: bytes, as: UTF8.self) == nil { return .failure(NestNetError("not UTF-8 (JSONL texts must be)")) }
        let a = NestingOracle.analyze(bytes)
        var cuts: [Int32] = [0], depths: [Int32] = [0]
        for i in 1..<bytes.count where bytes[i - 1] == 10 && a.regions[i - 1] == .code {
            cuts.append(Int32(i)); depths.append(a.depth[i - 1])
        }
        cuts.append(Int32(bytes.count)); depths.append(a.depth[bytes.count - 1])
        return .success(Source(path: path, bytes: bytes, cuts: cuts, depths: depths, valid: a.verdict.isValid, hash: FNV1a.hash(bytes)))
    }

    /// Example `index` of the stream `seed`: with probability `wholeFiles` a whole file whose
    /// size is near a length drawn from `lengths`, else a window of about that length; nil when
    /// no valid text of the requested length was found. `bounds` (default: the lengths given at
    /// init) lets a curriculum narrow the lengths. With probability `focus` (when focus points
    /// are set) the text is cut around a focus point instead: its whole file, or a window that
    /// covers the point at a random place in it.
    public func example(seed: UInt64, index: Int, valid: Bool, bounds: ClosedRange<Int>? = nil,
                        lengths: LengthDistribution = .uniform, wholeFiles: Double = 0, focus: Double = 0) -> Example? {
        sourcedExample(seed: seed, index: index, valid: valid, bounds: bounds, lengths: lengths, wholeFiles: wholeFiles, focus: focus)?.example
    }

    /// Where a text was cut from: its file, and the byte of that file where the text begins.
    public struct Origin: Sendable, Equatable {
        public var path: String
        public var offset: Int
    }

    /// `example(…)` with where its text was cut from (`dataset windows` records it, so a model's
    /// misses can be traced back to their file and byte).
    public func sourcedExample(seed: UInt64, index: Int, valid: Bool, bounds: ClosedRange<Int>? = nil,
                               lengths: LengthDistribution = .uniform, wholeFiles: Double = 0,
                               focus: Double = 0) -> (example: Example, origin: Origin)? {
        var rng = SeededRandom(seed: seed, index: UInt64(index), stream: 0x7EA1)
        let bounds = bounds ?? minLength...maxLength
        for _ in 0..<200 {
            let target = Self.length(in: bounds, lengths, rng: &rng)
            let text: Cut?
            if focus > 0 && !focusPoints.isEmpty && rng.chance(focus) {
                text = focusText(target: target, bounds: bounds, wholeFiles: wholeFiles, rng: &rng)
            } else if wholeFiles > 0 && rng.chance(wholeFiles) {
                text = wholeFile(near: target, bounds: bounds, rng: &rng)
            } else if target < 96 && rng.chance(0.5) {
                text = bracketGroup(maxLength: target, rng: &rng)
            } else {
                text = window(target: target, bounds: bounds, rng: &rng)
            }
            guard let c = text, bounds.contains(c.bytes.count), NestingOracle.check(c.bytes).isValid else { continue }
            let t = c.bytes, origin = Origin(path: sources[c.source].path, offset: c.offset)
            if let ex = ExampleGenerator.edit(t, valid: valid, menu: ExampleGenerator.cEditMenu, bounds: bounds, position: .any, anywhere: false, rng: &rng) {
                return (ex, origin)
            }
            // A valid text with no comment or string to put a decoy in stays as it is.
            if valid && t.contains(where: { Bracket.isBracket($0) }) { return (Example(labelling: t, edit: nil), origin) }
        }
        return nil
    }

    /// A text cut from source `source`, starting at its byte `offset`.
    struct Cut {
        var bytes: [UInt8]
        var source: Int
        var offset: Int
    }

    /// A length in `bounds`: every length equally likely, or every doubling.
    static func length(in bounds: ClosedRange<Int>, _ lengths: LengthDistribution, rng: inout SeededRandom) -> Int {
        let a = bounds.lowerBound, b = bounds.upperBound
        guard b > a else { return a }
        switch lengths {
        case .uniform: return rng.int(in: bounds)
        case .log:
            let l0 = Double.log(Double(a)), l1 = Double.log(Double(b))
            return min(b, max(a, Int(Double.exp(l0 + (l1 - l0) * rng.unit()).rounded())))
        }
    }

    /// First source index whose size is at least `n`.
    private func firstIndex(ofSizeAtLeast n: Int) -> Int {
        var lo = 0, hi = sizes.count
        while lo < hi { let mid = (lo + hi) / 2; if sizes[mid] < n { lo = mid + 1 } else { hi = mid } }
        return lo
    }

    /// A whole valid file among the 16 whose sizes are nearest `target` (within the bounds).
    private func wholeFile(near target: Int, bounds: ClosedRange<Int>, rng: inout SeededRandom) -> Cut? {
        let lo = firstIndex(ofSizeAtLeast: bounds.lowerBound + 1), hi = firstIndex(ofSizeAtLeast: bounds.upperBound)
        guard lo < hi else { return nil }
        let at = min(max(firstIndex(ofSizeAtLeast: target), lo), hi - 1)
        let from = max(lo, at - 8), to = min(hi, from + 16)
        let k = from + rng.below(to - from)
        return sources[k].valid ? Cut(bytes: sources[k].bytes, source: k, offset: 0) : nil
    }

    /// Whole lines from a line start at depth d to a later one at the same depth, never below
    /// it in between: balanced at any depth. The longest such run up to `target` bytes.
    private func window(target: Int, bounds: ClosedRange<Int>, rng: inout SeededRandom) -> Cut? {
        // A file long enough for the target (or, when none is, one of the longest).
        let first = min(firstIndex(ofSizeAtLeast: target), max(0, sources.count - 16))
        let k = first + rng.below(sources.count - first)
        let s = sources[k]
        guard s.cuts.count > 2 else { return nil }
        let i = rng.below(s.cuts.count - 1)
        guard let end = Self.balancedRun(s, from: i, limit: min(target, bounds.upperBound - 1), minLength: bounds.lowerBound + 1) else { return nil }
        return Cut(bytes: Array(s.bytes[Int(s.cuts[i])..<end]), source: k, offset: Int(s.cuts[i]))
    }

    /// The end of the longest run of whole lines from line start `i` (at depth d) to a later
    /// line start at depth d, never below d in between, at most `limit` and at least
    /// `minLength` bytes long, ending after byte `past`; nil when there is none.
    static func balancedRun(_ s: Source, from i: Int, limit: Int, minLength: Int, past: Int = -1) -> Int? {
        let start = Int(s.cuts[i]), d = s.depths[i]
        var best: Int? = nil
        var j = i + 1
        while j < s.cuts.count, Int(s.cuts[j]) - start <= limit {
            if s.depths[j] < d { break }
            if s.depths[j] == d && Int(s.cuts[j]) > past && Int(s.cuts[j]) - start >= minLength { best = Int(s.cuts[j]) }
            j += 1
        }
        return best
    }

    /// A text around a random focus point: with probability `wholeFiles` its whole file (when
    /// that fits the bounds), else whole lines from a line start at depth d at most `target`
    /// bytes before the point to a later one at the same depth past it, never below d between.
    private func focusText(target: Int, bounds: ClosedRange<Int>, wholeFiles: Double, rng: inout SeededRandom) -> Cut? {
        let (si, offset) = focusPoints[rng.below(focusPoints.count)]
        let s = sources[si]
        if wholeFiles > 0 && rng.chance(wholeFiles) {
            return s.valid && bounds.contains(s.bytes.count) ? Cut(bytes: s.bytes, source: si, offset: 0) : nil
        }
        let limit = min(target, bounds.upperBound - 1)
        // Line starts in [offset - limit, offset]; the last cut (the text's end) never starts one.
        var lo = 0, hi = s.cuts.count - 1
        while lo < hi { let mid = (lo + hi) / 2; if Int(s.cuts[mid]) < Int(offset) - limit { lo = mid + 1 } else { hi = mid } }
        var end = lo
        while end < s.cuts.count - 1 && s.cuts[end] <= offset { end += 1 }
        guard end > lo else { return nil }
        let i = lo + rng.below(end - lo)
        guard let stop = Self.balancedRun(s, from: i, limit: limit, minLength: bounds.lowerBound + 1, past: Int(offset)) else { return nil }
        return Cut(bytes: Array(s.bytes[Int(s.cuts[i])..<stop]), source: si, offset: Int(s.cuts[i]))
    }

    /// One bracket group in code, `(…)`, `[…]` or `{…}`, with up to a few bytes of its line
    /// around it: the tiny texts a lint also meets (`f(a[i])`, `{ return 0; }`).
    private func bracketGroup(maxLength target: Int, rng: inout SeededRandom) -> Cut? {
        let k = rng.below(sources.count)
        let s = sources[k]
        guard s.cuts.count > 2 else { return nil }
        let i = rng.below(s.cuts.count - 1)
        let start = Int(s.cuts[i]), end = min(s.bytes.count, start + 512)
        let slice = Array(s.bytes[start..<end])
        let a = NestingOracle.analyze(slice)
        let openers = slice.indices.filter { Bracket.openerKind(slice[$0]) != nil && a.regions[$0] == .code }
        guard !openers.isEmpty else { return nil }
        let p = rng.pick(openers)
        let depth = a.depth[p]
        var q = p + 1
        while q < slice.count, !(a.regions[q] == .code && Bracket.closerKind(slice[q]) != nil && a.depth[q] == depth - 1) { q += 1 }
        guard q < slice.count else { return nil }
        var lo = p, hi = q + 1
        let extra = rng.below(8)
        for _ in 0..<extra where lo > 0 && slice[lo - 1] != 10 && a.regions[lo - 1] == .code { lo -= 1 }
        for _ in 0..<rng.below(8) where hi < slice.count && slice[hi] != 10 && a.regions[hi] == .code { hi += 1 }
        guard hi - lo <= target else { return nil }
        return Cut(bytes: Array(slice[lo..<hi]), source: k, offset: start + lo)
    }
}
