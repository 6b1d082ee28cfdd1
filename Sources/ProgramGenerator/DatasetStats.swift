import NestNetSupport
import NestingOracle

/// What `nestnet dataset stats` reports about a dataset.
public struct DatasetStats: Sendable {
    public var count = 0
    public var valid = 0
    public var minLength = Int.max, maxLength = 0
    public var totalBytes = 0
    /// Examples with brackets that do not count (in comments, strings, chars, directives).
    public var withDistractors = 0
    /// Length buckets: [2^k, 2^(k+1)) → count.
    public var lengthBuckets: [Int: Int] = [:]
    public var depthCounts: [Int: Int] = [:]
    public var editKinds: [String: Int] = [:]
    public var errorKinds: [String: Int] = [:]

    public init(_ examples: [Example]) {
        for e in examples {
            count += 1
            if e.valid { valid += 1 }
            minLength = min(minLength, e.text.count); maxLength = max(maxLength, e.text.count)
            totalBytes += e.text.count
            lengthBuckets[Self.bucket(e.text.count), default: 0] += 1
            depthCounts[e.maxDepth, default: 0] += 1
            editKinds[e.edit?.name ?? "none", default: 0] += 1
            errorKinds[e.error?.kind.rawValue ?? "none", default: 0] += 1
            let a = NestingOracle.analyze(e.text)
            if zip(e.text, a.regions).contains(where: { $1.isInert && Bracket.isBracket($0) }) { withDistractors += 1 }
        }
        if count == 0 { minLength = 0 }
    }

    /// Lower edge of the power-of-two bucket holding `n`.
    public static func bucket(_ n: Int) -> Int { n <= 1 ? 0 : 1 << (Int.bitWidth - 1 - (n).leadingZeroBitCount) }

    public var validFraction: Double { count == 0 ? 0 : Double(valid) / Double(count) }
    public var meanLength: Double { count == 0 ? 0 : Double(totalBytes) / Double(count) }

    public var text: String {
        var s = "examples: \(count)\n"
        s += "valid: \(valid) (\(pct(validFraction)))  invalid: \(count - valid)\n"
        s += "length: min \(minLength), mean \(fixed(meanLength, 1)), max \(maxLength)\n"
        s += "with distractor brackets (in comments, strings, chars, directives): \(withDistractors) (\(pct(Double(withDistractors) / Double(max(count, 1)))))\n"
        s += "length histogram:\n"
        for k in lengthBuckets.keys.sorted() { s += "  [\(k), \(max(k * 2, 1))): \(lengthBuckets[k]!)\n" }
        s += "max depth histogram:\n"
        for k in depthCounts.keys.sorted() { s += "  \(k): \(depthCounts[k]!)\n" }
        s += "edit kinds:\n"
        for k in editKinds.keys.sorted() { s += "  \(k): \(editKinds[k]!)\n" }
        s += "error kinds:\n"
        for k in errorKinds.keys.sorted() { s += "  \(k): \(errorKinds[k]!)\n" }
        return s
    }

    public var json: String {
        // Counts by key, keys sorted as text (integer keys too, as before).
        func counts(_ d: [String: Int]) -> (inout JSONWriter) -> Void {
            { w in w.object { o in for k in d.keys.sorted() { o.field(k, d[k]!) } } }
        }
        func counts(_ d: [Int: Int]) -> (inout JSONWriter) -> Void {
            counts(Dictionary(uniqueKeysWithValues: d.map { ("\($0.key)", $0.value) }))
        }
        var w = JSONWriter()
        w.object { o in
            o.field("count", count); o.field("valid", valid); o.field("valid_fraction", validFraction)
            o.field("min_length", minLength); o.field("mean_length", meanLength); o.field("max_length", maxLength)
            o.field("with_distractors", withDistractors)
            o.field("length_buckets", counts(lengthBuckets)); o.field("max_depth", counts(depthCounts))
            o.field("edit_kinds", counts(editKinds)); o.field("error_kinds", counts(errorKinds))
        }
        return w.text
    }

    private func pct(_ x: Double) -> String { fixed(x * 100, 1) + "%" }
}
