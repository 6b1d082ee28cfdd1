import Foundation
import Testing
import NestingOracle
@testable import ProgramGenerator

/// `--edits count-preserving|count-breaking` (issue 16): negatives that no per-type counter can
/// tell from valid texts, or only ones that change a count.
@Suite("Edit selection")
struct EditSelectionTests {
    @Test(arguments: [Language.c, .dyck1, .dyck2, .dyck3])
    func eachSelectionMakesOnlyItsKinds(language: Language) throws {
        for selection in [EditSelection.countPreserving, .countBreaking] {
            let g = try ExampleGenerator(GeneratorOptions(language: language, minLength: 64, maxLength: 256, edits: selection))
            var invalid = 0
            for i in 0..<200 {
                let e = g.example(seed: 3, index: i, valid: i % 2 == 0)
                #expect(NestingOracle.check(e.text).isValid == e.valid)
                guard !e.valid else { continue }
                invalid += 1
                let kind = try #require(e.edit?.kind)
                #expect(selection.admits(kind), "\(language) \(selection): \(kind)")
            }
            #expect(invalid == 100)
        }
    }

    /// Count-preserving negatives of Dyck-2 keep every per-type count of the valid strings:
    /// as many `(` as `)` and `[` as `]`.
    @Test func countPreservingDyckNegativesKeepEveryCount() throws {
        let g = try ExampleGenerator(GeneratorOptions(language: .dyck2, minLength: 16, maxLength: 128, edits: .countPreserving))
        for i in 0..<200 {
            let t = g.example(seed: 8, index: i, valid: false).text
            #expect(!NestingOracle.check(t).isValid)
            #expect(t.filter { $0 == 40 }.count == t.filter { $0 == 41 }.count && t.filter { $0 == 91 }.count == t.filter { $0 == 93 }.count)
        }
    }

    /// `any` is written as before (no key), so recorded settings and sweep names do not change.
    @Test func anyIsNotWrittenOthersRoundTrip() throws {
        let any = try JSONEncoder().encode(GeneratorOptions())
        #expect(!String(decoding: any, as: UTF8.self).contains("edits"))
        let o = GeneratorOptions(language: .dyck2, edits: .countPreserving)
        let back = try JSONDecoder().decode(GeneratorOptions.self, from: try JSONEncoder().encode(o))
        #expect(back == o && back.edits == .countPreserving)
        #expect(try JSONDecoder().decode(GeneratorOptions.self, from: any).edits == .any)
    }
}
