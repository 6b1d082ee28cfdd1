import FileSupport
import NestingOracle

/// Labelled windows of real source files: each window is a run of whole top-level lines
/// (cut where the code depth is 0) whose nesting the oracle finds valid; half of them then get
/// a corrupting edit and the other half a decoy edit, exactly as generated examples do. This
/// measures a model on code it has never seen, written by people rather than the generator.
public struct RealCodeWindows: Sendable {
    struct Source: Sendable {
        var path: String
        var bytes: [UInt8]
        /// Offsets of line starts at code depth 0, in increasing order.
        var cuts: [Int]
    }
    let sources: [Source]
    public let minLength: Int
    public let maxLength: Int
    public var fileCount: Int { sources.count }

    /// Reads the files; unreadable, binary, non-UTF-8 or empty ones are reported through `skipped`
    /// (path, reason) and left out.
    public init(paths: [String], minLength: Int, maxLength: Int, skipped: (String, String) -> Void = { _, _ in }) throws {
        guard minLength <= maxLength, minLength >= 1 else { throw NestNetError("--min-length must be at least 1 and at most --max-length") }
        self.minLength = minLength; self.maxLength = maxLength
        var out: [Source] = []
        for path in paths {
            let bytes: [UInt8]
            do { bytes = try readFile(path, limit: 64 << 20) } catch let e as NestNetError { skipped(path, e.message); continue }
            if bytes.isEmpty { skipped(path, "empty"); continue }
            if bytes.contains(0) { skipped(path, "binary (NUL bytes)"); continue }
            // Datasets are JSON, whose strings are UTF-8: a Latin-1 file cannot be stored as is.
            if String(validating: bytes, as: UTF8.self) == nil { skipped(path, "not UTF-8 (JSONL texts must be)"); continue }
            let a = NestingOracle.analyze(bytes)
            var cuts = [0]
            for i in 1..<bytes.count where bytes[i - 1] == 10 && a.depth[i - 1] == 0 && a.regions[i - 1] == .code { cuts.append(i) }
            cuts.append(bytes.count)
            out.append(Source(path: path, bytes: bytes, cuts: cuts))
        }
        guard !out.isEmpty else { throw NestNetError("no readable source files among the \(paths.count) given") }
        sources = out
    }

    /// Example `index`; nil when no valid window of the requested length was found.
    public func example(seed: UInt64, index: Int, valid: Bool) -> Example? {
        var rng = SeededRandom(seed: seed, index: UInt64(index), stream: 0x7EA1)
        let menu: [(EditKind, Double)] = [(.swapClosers, 0.25), (.moveOpener, 0.25), (.deleteOpener, 0.1), (.deleteCloser, 0.1),
                                          (.insertOpener, 0.1), (.insertCloser, 0.1), (.replaceCloser, 0.1)]
        for _ in 0..<200 {
            let s = sources[rng.below(sources.count)]
            guard s.cuts.count > 1 else { continue }
            let i = rng.below(s.cuts.count - 1)
            let start = s.cuts[i]
            // Window ends: later cuts within the length bounds (leaving room for a ±1 edit).
            var ends: [Int] = []
            var j = i + 1
            while j < s.cuts.count, s.cuts[j] - start <= maxLength - 1 {
                if s.cuts[j] - start >= minLength + 1 { ends.append(s.cuts[j]) }
                j += 1
            }
            guard let end = ends.isEmpty ? nil : ends[rng.below(ends.count)] else { continue }
            let text = Array(s.bytes[start..<end])
            guard NestingOracle.check(text).isValid, text.contains(where: { Bracket.isBracket($0) }) else { continue }
            if let ex = ExampleGenerator.edit(text, valid: valid, menu: menu, bounds: minLength...maxLength,
                                              position: .any, anywhere: false, rng: &rng) { return ex }
        }
        return nil
    }
}
