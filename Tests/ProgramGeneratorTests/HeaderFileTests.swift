import Foundation
import NestNetSupport
import NestingOracle
@testable import ProgramGenerator
import Testing

@Suite("Whole-header texts (--headers)")
struct HeaderFileTests {
    @Test func headersAreValidInBoundsAndHoldDepthOneAlmostThroughout() throws {
        let g = CProgramGenerator(headerRate: 1)
        var cpp = 0
        for seed in UInt64(0)..<60 {
            var rng = SeededRandom(seed: seed)
            let target = 1024 + Int(seed) * 250
            let text = g.generate(target: target, minLength: 1024, maxLength: target + 200, rng: &rng)
            #expect((1024...(target + 200)).contains(text.count), "seed \(seed): \(text.count) bytes")
            let a = NestingOracle.analyze(text)
            #expect(a.verdict.isValid, "seed \(seed): \(String(describing: a.verdict.error))")
            // All but the banner, guard, includes and closing lines (at most ~1.6 KB) is at depth >= 1.
            let deep = a.depth.filter { $0 >= 1 }.count
            #expect(deep >= text.count - 1600, "seed \(seed): only \(deep) of \(text.count) bytes inside the wrapper")
            let s = String(decoding: text, as: UTF8.self)
            #expect(s.contains("#ifndef _") && s.contains("#define _"))
            if s.contains("namespace ") { cpp += 1 } else { #expect(s.contains("extern \"C\" {")) }
        }
        #expect(cpp > 5 && cpp < 40, "\(cpp) of 60 headers are C++")
    }

    /// Macros continued over lines (code bodies, aligned backslashes, comments before the
    /// backslash) and GLib-style aligned prototypes are common in headers, and the oracle keeps
    /// every continued line out of code.
    @Test func continuedMacrosAndAlignedPrototypesAreCommon() throws {
        let g = CProgramGenerator(headerRate: 1)
        var continued = 0, commented = 0, aligned = 0, alignedParameters = 0
        for seed in UInt64(0)..<60 {
            var rng = SeededRandom(seed: seed)
            let text = g.generate(target: 6000, minLength: 4000, maxLength: 8000, rng: &rng)
            let a = NestingOracle.analyze(text)
            #expect(a.verdict.isValid)
            var lineStart = 0
            for i in 0..<text.count where text[i] == 10 {
                var end = i
                if end > lineStart, text[end - 1] == 13 { end -= 1 }
                // GLib-style prototypes: parameters aligned under the `(` by a long run of blanks.
                if end - lineStart > 30, text[lineStart..<(lineStart + 24)].allSatisfy({ $0 == 32 || $0 == 9 }),
                   text[end - 1] == 44 || text[end - 1] == 59 {
                    alignedParameters += 1
                }
                if end > lineStart, text[end - 1] == 92 {
                    continued += 1
                    let line = Array(text[lineStart..<end])
                    if line.count > 3, line[line.count - 2] == 9 || line[line.count - 3] == 32 && line[line.count - 2] == 32 { aligned += 1 }
                    if String(decoding: line, as: UTF8.self).contains("*/") { commented += 1 }
                    // The backslash is directive or comment text, never code.
                    #expect(a.regions[end - 1] != .code, "seed \(seed): code region at a continuation backslash")
                }
                lineStart = i + 1
            }
        }
        #expect(continued > 400 && commented > 60 && aligned > 120, "\(continued) continued lines, \(commented) with comments, \(aligned) aligned")
        #expect(alignedParameters > 100, "\(alignedParameters) aligned parameter lines")
    }

    @Test func rateZeroLeavesOrdinaryProgramsAndOptionsDecodeWithoutTheKey() throws {
        let plain = try ExampleGenerator(GeneratorOptions(language: .c, minLength: 2000, maxLength: 4000))
        let wrapped = try ExampleGenerator(GeneratorOptions(language: .c, minLength: 2000, maxLength: 4000, headers: 1))
        var differ = 0
        for i in 0..<20 {
            let a = plain.example(seed: 5, index: i, valid: true), b = wrapped.example(seed: 5, index: i, valid: true)
            if a.text != b.text { differ += 1 }
            #expect(b.valid && NestingOracle.check(b.text).isValid)
        }
        #expect(differ == 20)
        let old = #"{"language":"c","minLength":64,"maxLength":512,"distractors":0.35,"errorPosition":"any","validFraction":0.5}"#
        let decoded = try JSONDecoder().decode(GeneratorOptions.self, from: Data(old.utf8))
        #expect(decoded == GeneratorOptions())
        #expect(throws: (any Error).self) { try GeneratorOptions(headers: 1.5).validate() }
    }
}
