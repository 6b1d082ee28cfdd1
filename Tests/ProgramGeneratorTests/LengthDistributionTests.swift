import Testing
@testable import ProgramGenerator

/// `--lengths uniform` spreads C texts evenly over the range and `--lengths log` over its
/// doublings (issue 14: uniform 64–256 used to put 638 of 2000 texts in 224–255 and 151 in 64–95,
/// mean 185).
@Suite("Length distributions")
struct LengthDistributionTests {
    func lengths(_ lo: Int, _ hi: Int, _ d: LengthDistribution, count: Int = 2000) throws -> [Int] {
        let g = try ExampleGenerator(GeneratorOptions(language: .c, minLength: lo, maxLength: hi, lengths: d))
        return (0..<count).map { g.example(seed: 11, index: $0, valid: $0 % 2 == 0).text.count }
    }

    @Test(arguments: [(64, 256), (64, 1024), (512, 4096)])
    func uniformIsUniform(lo: Int, hi: Int) throws {
        let l = try lengths(lo, hi, .uniform)
        #expect(l.allSatisfy { (lo...hi).contains($0) })
        let buckets = 6, expected = Double(l.count) / Double(buckets)
        var h = [Int](repeating: 0, count: buckets)
        for x in l { h[min(buckets - 1, (x - lo) * buckets / (hi - lo + 1))] += 1 }
        // Each sixth of the range within ±20% of a sixth of the texts (the old generator put
        // 2.0× in the top sixth and 0.45× in the bottom one), and the mean near the middle.
        #expect(h.allSatisfy { abs(Double($0) - expected) <= 0.2 * expected }, "\(h)")
        let mean = Double(l.reduce(0, +)) / Double(l.count), mid = Double(lo + hi) / 2
        #expect(abs(mean - mid) <= 0.04 * Double(hi - lo), "mean \(mean), middle \(mid)")
    }

    @Test func logSpreadsOverDoublings() throws {
        let l = try lengths(64, 8192, .log)
        var h = [Int](repeating: 0, count: 7)  // 64–128, …, 4096–8192
        for x in l { h[min(6, Int((Double(x) / 64).log2Floor))] += 1 }
        let expected = Double(l.count) / 7
        #expect(h.allSatisfy { abs(Double($0) - expected) <= 0.25 * expected }, "\(h)")
    }
}

private extension Double {
    var log2Floor: Int { var x = self, k = 0; while x >= 2 { x /= 2; k += 1 }; return k }
}
