import Foundation
import Testing
import NestNetSupport
import NestingOracle
@testable import ProgramGenerator

/// `--decoy-rate` (issue 12): extra brackets inside comments and strings, in both classes,
/// so that stray brackets in prose never tell a text's class.
@Suite("Extra decoys")
struct ExtraDecoyTests {
    /// The code brackets a text has, in order, as the oracle lexes it.
    func codeBrackets(_ t: [UInt8]) -> [UInt8] {
        let r = NestingOracle.analyze(t).regions
        return t.indices.filter { r[$0] == .code && Bracket.isBracket(t[$0]) }.map { t[$0] }
    }

    @Test func decoysOnlyAddInertBracketsAndKeepTheClass() throws {
        let plain = try ExampleGenerator(GeneratorOptions(minLength: 256, maxLength: 4096))
        let decoyed = try ExampleGenerator(GeneratorOptions(minLength: 256, maxLength: 4096, decoyRate: 8))
        var added = 0, changed = 0
        for i in 0..<120 {
            let a = plain.example(seed: 11, index: i, valid: i % 2 == 0)
            let b = decoyed.example(seed: 11, index: i, valid: i % 2 == 0)
            #expect(b.valid == a.valid && NestingOracle.check(b.text).isValid == b.valid)
            #expect(b.text.count >= a.text.count && b.text.count <= 4096)
            #expect(String(validating: b.text, as: UTF8.self) != nil, "the text stays valid UTF-8")
            // Removing the added bytes gives back the text: only brackets were inserted.
            let extra = b.text.count - a.text.count
            added += extra
            if extra > 0 { changed += 1 }
            #expect(b.text.filter { !Bracket.isBracket($0) } == a.text.filter { !Bracket.isBracket($0) })
            #expect(b.text.filter(Bracket.isBracket).count == a.text.filter(Bracket.isBracket).count + extra)
            // No code bracket appears or goes: the nesting a model must follow is the same.
            #expect(codeBrackets(b.text) == codeBrackets(a.text))
            #expect(b.edit?.kind == a.edit?.kind && b.edit?.decoy == a.edit?.decoy)
            if let ea = a.edit, let eb = b.edit { #expect(eb.offset >= ea.offset && eb.offset <= ea.offset + extra) }
            // Deterministic given the seed.
            #expect(decoyed.example(seed: 11, index: i, valid: i % 2 == 0) == b)
        }
        // About half of 120 examples of ~2 KB get 1…16 extra brackets (uniform from zero).
        #expect(changed > 60 && changed < 120, "\(changed) examples changed")
        #expect(added > 200, "\(added) brackets added")
    }

    @Test func zeroRateLeavesDataAsItWasAndIsNotWritten() throws {
        let o = GeneratorOptions(minLength: 64, maxLength: 512)
        let g0 = try ExampleGenerator(o)
        var rng = SeededRandom(seed: 1, index: 0)
        let e = g0.example(seed: 2, index: 3, valid: true)
        #expect(e.withExtraDecoys(rate: 0, maxLength: 512, rng: &rng) == e)
        #expect(!String(decoding: try JSONEncoder().encode(o), as: UTF8.self).contains("decoyRate"))
        let set = GeneratorOptions(decoyRate: 1.5)
        #expect(try JSONDecoder().decode(GeneratorOptions.self, from: try JSONEncoder().encode(set)).decoyRate == 1.5)
    }

    @Test func theLengthLimitHolds() throws {
        var rng = SeededRandom(seed: 4, index: 0)
        let text = Array("int f(void) { /* a comment with room */ return 0; }\n".utf8)
        let e = Example(labelling: text, edit: nil)
        for _ in 0..<50 {
            let d = e.withExtraDecoys(rate: 64, maxLength: text.count + 2, rng: &rng)
            #expect(d.text.count <= text.count + 2 && d.valid)
        }
    }

    @Test func badRatesAreRefused() {
        #expect(throws: NestNetError.self) { try GeneratorOptions(decoyRate: -1).validate() }
        #expect(throws: NestNetError.self) { try GeneratorOptions(language: .dyck2, decoyRate: 1).validate() }
    }
}
