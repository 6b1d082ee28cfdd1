import DefaultModel
import Foundation
import Linting
import NestNetSupport
import Testing

/// `Linter`, the lint run as a library: every input file gets exactly one result, in walk
/// order, whatever it holds.
@Suite("The lint run as a library")
struct LinterTests {
    /// A folder with one file of each kind the lint must tell apart.
    static func tree() throws -> String {
        let dir = NSTemporaryDirectory() + "nestnet-linter-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        let files: [(String, [UInt8])] = [
            ("a_valid.c", Array("int f(void) { return (1); }\n".utf8)),
            ("b_broken.c", Array("int f(void) { return (1]; }\n".utf8)),
            ("c_open.h", Array("struct s {\n".utf8)),
            ("d_empty.c", []),
            ("e_binary.c", [0x69, 0, 0x6E]),
            ("sub/f_skipme.c", Array("{".utf8)),
            ("notes.txt", Array("not C".utf8)),
        ]
        for (name, bytes) in files { try AtomicFile.write(bytes, to: dir + "/" + name) }
        return dir
    }

    @Test func everyInputGetsOneResultInOrderWithTheOraclesVerdict() throws {
        let dir = try Self.tree()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var linter = Linter(engine: .exact, checker: nil)
        linter.excludes = ["f_skip*"]
        let entries = Linter.inputs([dir])
        let results = linter.check(entries)
        #expect(results.count == entries.count)
        let byName = Dictionary(uniqueKeysWithValues: results.map { (String($0.path.split(separator: "/").last!), $0) })
        #expect(byName.keys.sorted() == ["a_valid.c", "b_broken.c", "c_open.h", "d_empty.c", "e_binary.c", "f_skipme.c"])
        #expect(byName["a_valid.c"]?.status == .checked && byName["a_valid.c"]?.valid == true)
        #expect(byName["b_broken.c"]?.isInvalid == true && byName["b_broken.c"]?.location?.column == 24)
        #expect(byName["c_open.h"]?.isInvalid == true)
        // The oracle reads an empty file as valid; the model engines skip it (no bytes to read).
        #expect(byName["d_empty.c"]?.status == .checked && byName["d_empty.c"]?.message == "empty file")
        #expect(byName["e_binary.c"]?.status == .skipped && byName["e_binary.c"]?.message == "binary file (NUL bytes)")
        #expect(byName["f_skipme.c"]?.status == .skipped && byName["f_skipme.c"]?.message == FileResult.excludedMessage)
        // Text output lists the skips the user asked for only with --verbose; a binary file always.
        #expect(byName["f_skipme.c"]?.expectedSkip == true && byName["e_binary.c"]?.expectedSkip == false)
        #expect(results.map(\.path) == results.map(\.path).sorted())
    }

    @Test func bothEnginesSideBySideWithTheEmbeddedModel() throws {
        let dir = try Self.tree()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let checker = ModelChecker(model: try DefaultModel.load().model, threshold: 0.5, threads: 2)
        var linter = Linter(engine: .both, checker: checker)
        linter.maxBytes = 20   // the two files over it are errors, not verdicts
        let results = linter.check(Linter.inputs([dir]))
        let byName = Dictionary(uniqueKeysWithValues: results.map { (String($0.path.split(separator: "/").last!), $0) })
        #expect(byName["d_empty.c"]?.status == .skipped && byName["d_empty.c"]?.message == FileResult.emptyMessage
                && byName["d_empty.c"]?.expectedSkip == true)
        #expect(byName["a_valid.c"]?.status == .error && byName["a_valid.c"]?.message == "larger than --max-bytes 20")
        let open = try #require(byName["c_open.h"])
        #expect(open.exact?.valid == false && open.pValid != nil && open.reason != nil)
        let report = CheckReport(files: results, engine: .both, modelName: "m", modelPath: "", modelSHA256: "", threshold: 0.5,
                                 version: "0", timestamp: "", hostname: "", seconds: 0)
        // An unreadable file makes the run exit 2 whatever the verdicts.
        #expect(report.exitCode == 2 && report.errorCount == 2)
    }
}
