import DefaultModel
import Foundation
import Linting
import NestNetSupport
import Testing

/// `SecondOpinion`: a second model reads only the files the first flags, and a file is invalid
/// only when both say so; the first model places the error.
@Suite("A second model confirms the first one's flags")
struct SecondOpinionTests {
    static let texts: [(String, String)] = [
        ("ok.c", "int f(void) { return (1); }\n"),
        ("bad.c", "int f(void) { return (1]; }\n"),
        ("open.c", "struct s {\n  int a;\n"),
    ]

    static func run(second: SecondOpinion?, third: SecondOpinion? = nil) throws -> [String: FileResult] {
        let dir = NSTemporaryDirectory() + "nestnet-second-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (name, text) in texts { try AtomicFile.write(Array(text.utf8), to: dir + "/" + name) }
        var linter = Linter(engine: .model, checker: ModelChecker(model: try DefaultModel.load().model, threshold: 0.5, threads: 2))
        linter.secondOpinion = second
        linter.thirdOpinion = third
        let results = linter.check(Linter.inputs([dir]))
        return Dictionary(uniqueKeysWithValues: results.map { (String($0.path.split(separator: "/").last!), $0) })
    }

    static func second(threshold: Float) throws -> SecondOpinion {
        let c = try DefaultModel.resolveSecond(nil).checkpoint
        return SecondOpinion(checker: ModelChecker(model: c.model, threshold: threshold, threads: 2), name: c.model.config.shortName)
    }

    @Test func aSecondModelThatAgreesKeepsTheFirstVerdictAndItsPlace() throws {
        let alone = try Self.run(second: nil)
        #expect(alone["bad.c"]?.isInvalid == true && alone["open.c"]?.isInvalid == true && alone["ok.c"]?.valid == true)
        // At threshold 1 the second model calls every file invalid: it agrees with every flag.
        let both = try Self.run(second: try Self.second(threshold: 1))
        for name in ["bad.c", "open.c"] {
            let f = try #require(both[name])
            #expect(f.isInvalid && f.second?.valid == false, "\(name): \(f)")
            #expect(f.location == alone[name]?.location && f.message == alone[name]?.message && f.pValid == alone[name]?.pValid)
        }
        // A file the first model passes is never read by the second.
        #expect(both["ok.c"]?.valid == true && both["ok.c"]?.second == nil)
    }

    @Test func aSecondModelThatDisagreesClearsTheFile() throws {
        // At a threshold no P(valid) is below, the second model calls every file valid.
        let both = try Self.run(second: try Self.second(threshold: .leastNonzeroMagnitude))
        for name in ["bad.c", "open.c"] {
            let f = try #require(both[name])
            #expect(f.status == .checked && f.valid == true && f.second?.valid == true, "\(name): \(f)")
            #expect(f.location == nil && f.message.isEmpty)
            // The first model's verdict stays on record: its P(valid) was under the bar.
            #expect((f.pValid ?? 1) < 0.5)
        }
    }

    /// The embedded second opinion catches the plain breaks at its default threshold.
    @Test func theEmbeddedSecondOpinionFlagsPlainBreaks() throws {
        let both = try Self.run(second: try Self.second(threshold: SecondOpinion.defaultThreshold))
        #expect(both["bad.c"]?.isInvalid == true && both["open.c"]?.isInvalid == true, "\(both)")
        #expect(both["ok.c"]?.valid == true)
    }

    /// A third model reads only the files both others flag: agreeing, it keeps the first
    /// model's verdict and place; disagreeing, it clears the file; a file the second clears is
    /// never read by it.
    @Test func aThirdModelConfirmsOnlyWhatBothFlag() throws {
        let always = try Self.second(threshold: 1), never = try Self.second(threshold: .leastNonzeroMagnitude)
        let alone = try Self.run(second: nil)
        let agree = try Self.run(second: always, third: always)
        for name in ["bad.c", "open.c"] {
            let f = try #require(agree[name])
            #expect(f.isInvalid && f.second?.valid == false && f.third?.valid == false, "\(name): \(f)")
            #expect(f.location == alone[name]?.location && f.message == alone[name]?.message)
        }
        #expect(agree["ok.c"]?.valid == true && agree["ok.c"]?.second == nil && agree["ok.c"]?.third == nil)
        let cleared = try Self.run(second: always, third: never)
        for name in ["bad.c", "open.c"] {
            let f = try #require(cleared[name])
            #expect(f.status == .checked && f.valid == true && f.second?.valid == false && f.third?.valid == true, "\(name): \(f)")
            #expect(f.location == nil && f.message.isEmpty)
        }
        let secondClears = try Self.run(second: never, third: always)
        for name in ["bad.c", "open.c"] {
            let f = try #require(secondClears[name])
            #expect(f.valid == true && f.second?.valid == true && f.third == nil, "\(name): \(f)")
        }
    }
}
