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
        func obj(_ d: [String: Int]) -> String {
            "{" + d.keys.sorted().map { "\"\($0)\": \(d[$0]!)" }.joined(separator: ", ") + "}"
        }
        func objI(_ d: [Int: Int]) -> String { obj(Dictionary(uniqueKeysWithValues: d.map { ("\($0.key)", $0.value) })) }
        return "{\"count\": \(count), \"valid\": \(valid), \"valid_fraction\": \(validFraction), "
            + "\"min_length\": \(minLength), \"mean_length\": \(meanLength), \"max_length\": \(maxLength), "
            + "\"with_distractors\": \(withDistractors), \"length_buckets\": \(objI(lengthBuckets)), "
            + "\"max_depth\": \(objI(depthCounts)), \"edit_kinds\": \(obj(editKinds)), \"error_kinds\": \(obj(errorKinds))}"
    }

    private func pct(_ x: Double) -> String { fixed(x * 100, 1) + "%" }
}
