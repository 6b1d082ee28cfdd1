import NestNetSupport
import NestingOracle
@testable import ProgramGenerator
import Testing

@Suite("Generated examples keep their promises")
struct GeneratorPropertyTests {
    static let languages: [Language] = [.c, .dyck1, .dyck2, .dyck3]

    @Test(arguments: languages)
    func labelsMatchTheOracleAndLengthsStayInBounds(language: Language) throws {
        let bounds: [(Int, Int)] = [(24, 64), (64, 256), (200, 700)]
        for (lo, hi) in bounds {
            let g = try ExampleGenerator(GeneratorOptions(language: language, minLength: lo, maxLength: hi))
            for i in 0..<400 {
                let valid = i % 2 == 0
                let e = g.example(seed: 42, index: i, valid: valid)
                #expect(e.valid == valid, "seed 42 index \(i)")
                #expect(NestingOracle.check(e.text).isValid == valid)
                #expect((lo...hi).contains(e.text.count), "length \(e.text.count) outside [\(lo), \(hi)]")
                if language != .c { #expect(e.text.count % 2 == 0) }
                if let edit = e.edit { #expect(edit.decoy == valid) }
                if !valid { #expect(e.edit != nil && e.error != nil) }
            }
        }
    }

    @Test func decoysStayValidAndMostValidCExamplesCarryOne() throws {
        let g = try ExampleGenerator(GeneratorOptions(language: .c, minLength: 64, maxLength: 512))
        var decoys = 0
        for i in 0..<500 {
            let e = g.example(seed: 9, index: i, valid: true)
            #expect(e.valid && e.error == nil)
            if let d = e.edit { #expect(d.decoy); decoys += 1 }
        }
        #expect(decoys >= 400)
    }

    @Test func manySeeds() throws {
        // Thousands of (seed, index) pairs: every label is the oracle's, every length in bounds.
        let g = try ExampleGenerator(GeneratorOptions(language: .c, minLength: 32, maxLength: 400))
        for seed in UInt64(0)..<2000 {
            let e = g.example(seed: seed, index: Int(seed % 7), valid: seed % 3 == 0)
            #expect(e.valid == (seed % 3 == 0))
            #expect(NestingOracle.check(e.text).isValid == e.valid)
            #expect((32...400).contains(e.text.count))
        }
    }

    @Test func halfTheEditMassKeepsCounts() throws {
        for lang in Self.languages {
            let menu = try ExampleGenerator(GeneratorOptions(language: lang, minLength: 16, maxLength: 64)).editMenu
            let keep = menu.filter { $0.0.keepsCounts }.map(\.1).reduce(0, +)
            #expect(abs(keep - 0.5) < 1e-9, "\(lang)")
        }
    }

    @Test(arguments: [ErrorPosition.early, .middle, .late])
    func errorPositionIsRespected(position: ErrorPosition) throws {
        let g = try ExampleGenerator(GeneratorOptions(language: .c, minLength: 400, maxLength: 800, errorPosition: position))
        var inWindow = 0
        for i in 0..<200 {
            let e = g.example(seed: 5, index: i, valid: false)
            let edit = try #require(e.edit)
            let n = e.text.count - edit.kind.lengthDelta
            if position.window(length: n).contains(edit.offset) { inWindow += 1 }
        }
        #expect(inWindow >= 195)
    }

    @Test func determinism() throws {
        let g = try ExampleGenerator(GeneratorOptions(language: .c, minLength: 64, maxLength: 300))
        for i in 0..<50 {
            #expect(g.example(seed: 1, index: i, valid: i % 2 == 0) == g.example(seed: 1, index: i, valid: i % 2 == 0))
        }
        #expect(g.example(seed: 1, index: 0, valid: true) != g.example(seed: 2, index: 0, valid: true))
    }

    @Test func classBalanceIsExact() {
        for n in [1, 10, 101, 1000] {
            let labels = ExampleGenerator.labels(count: n, validFraction: 0.5, seed: 3)
            #expect(labels.count == n && abs(labels.filter { $0 }.count * 2 - n) <= 1)
        }
        let skewed = ExampleGenerator.labels(count: 1000, validFraction: 0.2, seed: 3)
        #expect(skewed.filter { $0 }.count == 200)
    }

    @Test func distractorsAreCommon() throws {
        let g = try ExampleGenerator(GeneratorOptions(language: .c, minLength: 64, maxLength: 512))
        let examples = (0..<300).map { g.example(seed: 11, index: $0, valid: $0 % 2 == 0) }
        let stats = DatasetStats(examples)
        #expect(Double(stats.withDistractors) / Double(stats.count) >= 0.2)
    }

    @Test func maxDepthIsRespected() throws {
        for lang in Self.languages {
            let g = try ExampleGenerator(GeneratorOptions(language: lang, minLength: 64, maxLength: 256, maxDepth: 4))
            for i in 0..<100 {
                let e = g.example(seed: 2, index: i, valid: true)
                #expect(e.maxDepth <= 4, "\(lang) index \(i) depth \(e.maxDepth)")
            }
        }
    }

    @Test func generatedCLooksLikeC() throws {
        let g = try ExampleGenerator(GeneratorOptions(language: .c, minLength: 2000, maxLength: 4000))
        let text = (0..<20).map { String(decoding: g.example(seed: 4, index: $0, valid: true).text, as: UTF8.self) }.joined()
        for construct in ["#include", "#define", "struct ", "if (", "for (", "while (", "switch (", "case ",
                          "return", "#if 0", "#else", "#endif", "/*", "//", "\"", "'", "] = {", "->"] {
            #expect(text.contains(construct), "no \(construct)")
        }
    }
}

@Suite("Dyck sampler")
struct DyckTests {
    @Test func lengthsAndBalance() {
        let g = DyckGenerator(pairTypes: 2, maxLength: 600)
        var rng = SeededRandom(seed: 1)
        for _ in 0..<200 {
            let s = g.generate(minLength: 100, maxLength: 600, rng: &rng)
            #expect((100...600).contains(s.count) && s.count % 2 == 0)
            #expect(NestingOracle.check(s).isValid)
            #expect(Set(s).isSubset(of: Set("()[]".utf8)))
        }
    }

    @Test func matchesRejectionSamplingOfThePCFG() {
        // Short strings: compare the conditional length distribution against plain sampling
        // from the grammar with rejection.
        let g = DyckGenerator(pairTypes: 1, maxLength: 8)
        var rng = SeededRandom(seed: 7)
        var exact = [Int: Int](), rejection = [Int: Int]()
        for _ in 0..<4000 { exact[g.generate(minLength: 2, maxLength: 8, rng: &rng).count, default: 0] += 1 }
        var got = 0
        while got < 4000 {
            if let n = sampleLength(&rng, limit: 8), n >= 2 { rejection[n, default: 0] += 1; got += 1 }
        }
        for n in [2, 4, 6, 8] {
            let a = Double(exact[n, default: 0]) / 4000, b = Double(rejection[n, default: 0]) / 4000
            #expect(abs(a - b) < 0.035, "length \(n): \(a) vs \(b)")
        }
    }

    /// Length of one derivation of S → (S) | SS | ε, or nil when it exceeds `limit`.
    func sampleLength(_ rng: inout SeededRandom, limit: Int) -> Int? {
        var pending = 1, length = 0
        while pending > 0 {
            pending -= 1
            let u = rng.unit()
            if u < 0.5 { length += 2; pending += 1 } else if u < 0.75 { pending += 2 }
            if length > limit { return nil }
        }
        return length
    }

    @Test func longStringsUnderATightDepthBound() {
        // P(length) decays exponentially under a depth bound: must not underflow.
        let g = DyckGenerator(pairTypes: 3, maxLength: 4100, maxDepth: 2)
        #expect(g.canReach(minLength: 4000, maxLength: 4100))
        var rng = SeededRandom(seed: 8)
        for _ in 0..<5 {
            let s = g.generate(minLength: 4000, maxLength: 4100, rng: &rng)
            #expect((4000...4100).contains(s.count))
            let v = NestingOracle.check(s)
            #expect(v.isValid && v.maxDepth <= 2)
        }
    }

    @Test func rescaledTableMatchesRejectionSampling() {
        // A long table under a depth bound is rescaled (c > 1); on short lengths its conditional
        // distribution must still equal rejection sampling from the grammar with that bound.
        let g = DyckGenerator(pairTypes: 1, maxLength: 600, maxDepth: 2)
        #expect(g.scale > 1)
        var rng = SeededRandom(seed: 21)
        var exact = [Int: Int](), rejection = [Int: Int]()
        let n = 6000
        for _ in 0..<n { exact[g.generate(minLength: 2, maxLength: 10, rng: &rng).count, default: 0] += 1 }
        var got = 0
        while got < n {
            if let s = sampleString(&rng, limit: 10), s.count >= 2, NestingOracle.check(s).maxDepth <= 2 {
                rejection[s.count, default: 0] += 1; got += 1
            }
        }
        for len in [2, 4, 6, 8, 10] {
            let a = Double(exact[len, default: 0]) / Double(n), b = Double(rejection[len, default: 0]) / Double(n)
            #expect(abs(a - b) < 0.03, "length \(len): \(a) vs \(b)")
        }
    }

    /// One derivation of S → (S) | SS | ε as a string, or nil when longer than `limit`.
    func sampleString(_ rng: inout SeededRandom, limit: Int) -> [UInt8]? {
        enum Task { case s, close }
        var out: [UInt8] = [], tasks: [Task] = [.s]
        while let t = tasks.popLast() {
            switch t {
            case .close: out.append(41)
            case .s:
                let u = rng.unit()
                if u < 0.5 { out.append(40); tasks.append(.close); tasks.append(.s) } else if u < 0.75 { tasks.append(.s); tasks.append(.s) }
            }
            if out.count + tasks.filter({ if case .close = $0 { return true }; return false }).count > limit { return nil }
        }
        return out
    }

    @Test func depthBound() {
        let g = DyckGenerator(pairTypes: 1, maxLength: 200, maxDepth: 2)
        var rng = SeededRandom(seed: 3)
        for _ in 0..<100 {
            let s = g.generate(minLength: 150, maxLength: 200, rng: &rng)
            #expect(NestingOracle.check(s).maxDepth <= 2)
        }
    }
}

@Suite("Bad generator settings")
struct GeneratorValidationTests {
    @Test func impossibleSettingsThrow() {
        let bad: [GeneratorOptions] = [
            GeneratorOptions(minLength: 100, maxLength: 50),
            GeneratorOptions(language: .c, minLength: 1, maxLength: 10),
            GeneratorOptions(language: .dyck1, minLength: 7, maxLength: 7),
            GeneratorOptions(language: .dyck2, minLength: 0, maxLength: 1),
            GeneratorOptions(language: .c, maxDepth: 2),
            GeneratorOptions(validFraction: 1.5),
            GeneratorOptions(maxLength: GeneratorOptions.lengthLimit + 1),
        ]
        for o in bad { #expect(throws: (any Error).self) { try ExampleGenerator(o) } }
    }
}
