import Foundation
import Testing
import NestNetSupport
import NestingOracle
@testable import ProgramGenerator

/// `--conditional-habits` (issue 12): conditionals written as real files write them. Half the
/// valid files a stack network broke in session 36 first went wrong in a later branch the
/// oracle reads as inert: busybox's nc.c is the `#else` of a one-line first branch.
@Suite("Conditional habits")
struct ConditionalHabitTests {
    /// What one program holds, as the oracle reads it.
    struct Shape {
        /// The longest later branch covers at least 40% of the text (a whole-file conditional).
        var wholeFileLaterBranch = false
        /// An `#if` starts inside a later branch (the lexer must count `#if` depth there).
        var ifInsideLaterBranch = false
        /// Directive text inside a comment (`//usage:#if`, ` * #else`).
        var directiveInComment = false
        /// A line of code starting with `else` right after an `#endif` line.
        var elseAfterEndif = false
        /// An `#if` inside an `#if 0` group (its end is the `#endif` at its own depth).
        var ifInsideIfZero = false
    }

    static func shape(_ t: [UInt8]) -> Shape {
        var s = Shape()
        let a = NestingOracle.analyze(t)
        s.wholeFileLaterBranch = a.laterBranches.contains { $0.count * 5 >= t.count * 2 }
        let lines = String(decoding: t, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        var offset = 0, previous = "", open: [Bool] = []  // per open `#if`: whether it is `#if 0`
        for line in lines {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("#") {
                let keyword = trimmed.dropFirst().drop { $0 == " " || $0 == "\t" }
                if keyword.hasPrefix("if") {
                    if open.contains(true) { s.ifInsideIfZero = true }
                    if a.laterBranches.contains(where: { $0.contains(offset) }) { s.ifInsideLaterBranch = true }
                    open.append(keyword.hasPrefix("if 0"))
                } else if keyword.hasPrefix("endif"), !open.isEmpty { open.removeLast() }
            }
            if trimmed.hasPrefix("//usage:#if") || trimmed.hasPrefix("* #else") || trimmed.hasPrefix("//#ifdef") { s.directiveInComment = true }
            if trimmed.hasPrefix("else"), previous.hasPrefix("#endif") { s.elseAfterEndif = true }
            previous = String(trimmed)
            offset += line.utf8.count + 1
        }
        return s
    }

    /// Labels stay the oracle's, lengths stay in range, a text is the same when made again,
    /// and every base program is valid to the oracle.
    @Test func conditionalHabitsKeepLabelsLengthsAndDeterminism() throws {
        let g = try ExampleGenerator(GeneratorOptions(minLength: 64, maxLength: 8192, headers: 0.3, lengths: .log, habits: 0.5,
                                                      directiveHabits: 0.5, conditionalHabits: 1))
        for i in 0..<200 {
            let e = g.example(seed: 41, index: i, valid: i % 2 == 0)
            #expect(e.valid == (i % 2 == 0) && NestingOracle.check(e.text).isValid == e.valid)
            #expect(e.text.count >= 64 && e.text.count <= 8192)
            #expect(g.example(seed: 41, index: i, valid: i % 2 == 0) == e)
        }
        for i in 0..<80 {
            var rng = SeededRandom(seed: 900 &+ UInt64(i))
            let t = CProgramGenerator(headerRate: 0.3, habitRate: 0.5, directiveRate: 0.5, conditionalRate: 1)
                .generate(target: 300 + 97 * i, minLength: 64, maxLength: 300 + 97 * i + 400, rng: &rng)
            #expect(NestingOracle.check(t).isValid, "\(String(decoding: t, as: UTF8.self))")
            #expect(t.count >= 64 && t.count <= 300 + 97 * i + 400)
        }
    }

    /// With the habits, whole files sit in later branches, `#if`s nest inside later branches,
    /// directives appear in comments, `else` follows `#endif` and `#if`s nest inside `#if 0`;
    /// without them, none of the middle two and few of the others.
    @Test func habitsMakeTheShapesRealFilesHave() {
        func shapes(_ rate: Double) -> [Shape] {
            (0..<120).map { i in
                var rng = SeededRandom(seed: 17 &+ UInt64(i))
                return Self.shape(CProgramGenerator(habitRate: 0.5, conditionalRate: rate)
                    .generate(target: 4096, minLength: 1024, maxLength: 8192, rng: &rng))
            }
        }
        let on = shapes(1), off = shapes(0)
        func count(_ s: [Shape], _ k: KeyPath<Shape, Bool>) -> Int { s.filter { $0[keyPath: k] }.count }
        let measured = [\Shape.wholeFileLaterBranch, \.ifInsideLaterBranch, \.directiveInComment, \.elseAfterEndif, \.ifInsideIfZero]
            .map { (count(on, $0), count(off, $0)) }
        // Measured (of 120, with / without): 30 / 3, 48 / 1, 49 / 0, 31 / 0, 23 / 2.
        #expect(measured[0].0 >= 20 && measured[0].0 >= 4 * max(1, measured[0].1), "whole-file later branches: \(measured)")
        #expect(measured[1].0 >= 25 && measured[1].0 >= 4 * max(1, measured[1].1), "#if inside later branches: \(measured)")
        #expect(measured[2].0 >= 25 && measured[2].1 == 0, "directives in comments: \(measured)")
        #expect(measured[3].0 >= 15 && measured[3].1 == 0, "else after #endif: \(measured)")
        #expect(measured[4].0 >= 12 && measured[4].0 >= 4 * max(1, measured[4].1), "#if inside #if 0: \(measured)")
    }

    /// Rate 0 draws nothing: texts with the other habits on are those of commit 80a97f8 (the
    /// fingerprint is of the texts its `generate --count 64 --seed 77` wrote with these
    /// settings), and the key is written only when set.
    @Test func rateZeroLeavesDataAsItWas() throws {
        let g = try ExampleGenerator(GeneratorOptions(minLength: 64, maxLength: 8192, headers: 0.4, lengths: .log, habits: 0.5, directiveHabits: 0.5))
        let labels = ExampleGenerator.labels(count: 64, validFraction: 0.5, seed: 77)
        var h = FNV1a.offsetBasis
        for i in 0..<64 { h = FNV1a.hash(g.example(seed: 77, index: i, valid: labels[i]).text, from: h) }
        #expect(h == Self.fingerprint, "0x\(String(h, radix: 16))")
        #expect(!String(decoding: try JSONEncoder().encode(GeneratorOptions(directiveHabits: 0.5)), as: UTF8.self).contains("conditional"))
        let set = GeneratorOptions(conditionalHabits: 0.25)
        #expect(try JSONDecoder().decode(GeneratorOptions.self, from: try JSONEncoder().encode(set)).conditionalHabits == 0.25)
        for bad in [-0.1, 1.5, Double.nan] {
            #expect(throws: NestNetError.self) { try GeneratorOptions(conditionalHabits: bad).validate() }
        }
        #expect(throws: NestNetError.self) { try GeneratorOptions(language: .dyck3, conditionalHabits: 0.5).validate() }
    }
    static let fingerprint: UInt64 = 0x152a_078c_4be4_dcda
}
