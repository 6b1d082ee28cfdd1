import Foundation
import Testing
import NestNetSupport
import NestingOracle
@testable import ProgramGenerator

/// `--habits` (issue 12): comments and strings as people write them, which the shipped model's
/// lexical state gets wrong (`/*opt =*/ f(`, `/*if (x)*/ {`, an empty `//` line, `"+""n:"`).
@Suite("Lexical habits")
struct HabitTests {
    @Test func habitsKeepLabelsLengthsAndDeterminism() throws {
        let g = try ExampleGenerator(GeneratorOptions(minLength: 64, maxLength: 4096, headers: 0.3, lengths: .log, habits: 1))
        for i in 0..<160 {
            let e = g.example(seed: 21, index: i, valid: i % 2 == 0)
            #expect(e.valid == (i % 2 == 0) && NestingOracle.check(e.text).isValid == e.valid)
            #expect(e.text.count >= 64 && e.text.count <= 4096)
            #expect(String(validating: e.text, as: UTF8.self) != nil)
            #expect(g.example(seed: 21, index: i, valid: i % 2 == 0) == e)
        }
    }

    /// Counts, over valid texts, the places where code follows a habit directly: a code bracket
    /// right after an unspaced comment's `*/`, code on the line after an empty `//`, and a
    /// string that ends right where the next one starts.
    @Test func theHabitsAppearAndCodeFollowsThem() throws {
        func counts(_ habits: Double) throws -> (bracketAfterTag: Int, codeAfterEmptyLine: Int, adjacentStrings: Int, unspacedDivision: Int) {
            let g = try ExampleGenerator(GeneratorOptions(minLength: 1024, maxLength: 4096, habits: habits))
            var a = 0, b = 0, c = 0, d = 0
            for i in 0..<80 {
                let t = g.example(seed: 3, index: i, valid: true).text
                let r = NestingOracle.analyze(t).regions
                for j in 2..<t.count {
                    // `/*x*/ f(` or `/*if (x)*/ {`: the comment's last byte, then code.
                    if t[j - 1] == UInt8(ascii: "/") && t[j - 2] == UInt8(ascii: "*") && r[j - 1] != .code && r[j] == .code {
                        var k = j
                        while k < t.count && (t[k] == 32 || t[k] == 9) { k += 1 }
                        if k < t.count && r[k] == .code && (Bracket.isBracket(t[k]) || t[k] > 64) { a += 1 }
                    }
                    // `//` alone on a line, then a line of code.
                    if t[j - 2] == UInt8(ascii: "/") && t[j - 1] == UInt8(ascii: "/") && (t[j] == 10 || t[j] == 13) && r[j - 2] != .code {
                        if let end = t[j...].firstIndex(of: 10), let next = t[(end + 1)...].firstIndex(where: { $0 != 32 && $0 != 9 }),
                           r[next] == .code && t[next] != UInt8(ascii: "/") { b += 1 }
                    }
                    // `"a""b"`: a string's closing quote then another's opening one.
                    if t[j - 1] == 34 && t[j] == 34 && r[j - 1] != .code && r[j] != .code && t[j - 2] != 92 { c += 1 }
                    // `38400/200`: a division in code with no space on either side.
                    if t[j - 1] == UInt8(ascii: "/") && r[j - 1] == .code && r[j] == .code && r[j - 2] == .code
                        && t[j - 2] != 32 && t[j] != 32 && t[j] != UInt8(ascii: "=") { d += 1 }
                }
            }
            return (a, b, c, d)
        }
        // Measured: (71, 15, 31, 25) at 0.5 against (6, 0, 4, 0) without habits.
        let none = try counts(0), some = try counts(0.5)
        #expect(some.bracketAfterTag > 25 && some.bracketAfterTag > 4 * none.bracketAfterTag, "\(some) against \(none)")
        #expect(some.codeAfterEmptyLine > 6 && none.codeAfterEmptyLine == 0, "\(some) against \(none)")
        #expect(some.adjacentStrings > 15 && some.adjacentStrings > 4 * none.adjacentStrings, "\(some) against \(none)")
        #expect(some.unspacedDivision > 10 && none.unspacedDivision == 0, "\(some) against \(none)")
    }

    /// Rate 0 draws nothing: the same texts as before the option existed (this fingerprint was
    /// taken from the generator of commit d8f5095, and `generate` of that commit and of this one
    /// write byte-identical files for the same settings), and the key is not written.
    @Test func rateZeroLeavesDataAsItWas() throws {
        let g = try ExampleGenerator(GeneratorOptions(minLength: 64, maxLength: 4096, headers: 0.4, lengths: .log))
        var h = FNV1a.offsetBasis
        for i in 0..<64 { h = FNV1a.hash(g.example(seed: 77, index: i, valid: i % 3 != 0).text, from: h) }
        #expect(h == HabitTests.fingerprint, "0x\(String(h, radix: 16))")
        #expect(!String(decoding: try JSONEncoder().encode(GeneratorOptions()), as: UTF8.self).contains("habits"))
        let set = GeneratorOptions(habits: 0.25)
        #expect(try JSONDecoder().decode(GeneratorOptions.self, from: try JSONEncoder().encode(set)).habits == 0.25)
    }
    static let fingerprint: UInt64 = 0x924d_5ab5_48bc_59b1

    @Test func badRatesAreRefused() {
        for bad in [-0.1, 1.5, Double.nan] {
            #expect(throws: NestNetError.self) { try GeneratorOptions(habits: bad).validate() }
        }
        #expect(throws: NestNetError.self) { try GeneratorOptions(language: .dyck1, habits: 0.5).validate() }
    }
}
