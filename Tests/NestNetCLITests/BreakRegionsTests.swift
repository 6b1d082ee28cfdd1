import NestNetSupport
import Foundation
import Testing

/// `scripts/break-regions.py`: where a model first breaks the valid files it flags, by the
/// conditional region the lines before the break leave open.
@Suite("break-regions.py")
struct BreakRegionsTests {
    /// One file of a `check --engine both --format json` report: flagged at the byte where `mark`
    /// begins in `text` (no place when `mark` is nil), valid to the oracle unless `oracleValid` is false.
    func entry(_ folder: String, _ name: String, _ text: String, mark: String?, oracleValid: Bool = true) throws -> String {
        let path = "\(folder)/\(name)"
        try AtomicFile.write(Array(text.utf8), to: path)
        let location = try mark.map { m -> String in
            let at = try #require(text.range(of: m)).lowerBound
            return #"{"line": 1, "column": 1, "offset": \#(text.utf8.distance(from: text.startIndex, to: at))}"#
        } ?? "null"
        return #"{"file": "\#(path)", "status": "checked", "valid": false, "location": \#(location), "exact": {"valid": \#(oracleValid)}}"#
    }

    @Test func countsEachFlaggedValidFileByTheRegionOfItsBreak() throws {
        let d = CLI.tempDir()
        let files = [
            // In the #else of a conditional, after a nested #if … #endif closed inside it.
            try entry(d, "later.c", "#if A\nint a;\n#else\n#ifdef B\nint b;\n#endif\nint c = (1 ];\n#endif\n", mark: "];"),
            // In a first branch; the conditional before it is closed.
            try entry(d, "first.c", "#if A\n#else\n#endif\n#ifndef C\nint c = (1 ];\n#endif\n", mark: "];"),
            // Outside conditionals: every #if before the break is closed.
            try entry(d, "outside.c", "#if A\nint a;\n#elif B\nint b;\n#endif\nint c = (1 ];\n", mark: "];"),
            try entry(d, "noplace.c", "int f(\n", mark: nil),
            // Not counted: the oracle calls it invalid, so the flag is right.
            try entry(d, "broken.c", "#if A\n#else\nint c = (1 ];\n#endif\n", mark: "];", oracleValid: false),
        ]
        let report = #"{"files": [\#(files.joined(separator: ","))]}"#
        try AtomicFile.write(Array(report.utf8), to: d + "/check.json")
        let r = try CLI.script("break-regions.py", ["net=\(d)/check.json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n").last == "| net | 4 | 1 | 1 | 1 | 1 |", "\(r.stdout)")
        // Bad input: one line and a non-zero exit, nothing on stdout; no argument: usage, exit 2.
        let missing = try CLI.script("break-regions.py", ["net=\(d)/check.json", "other=\(d)/absent.json"])
        #expect(missing.status == 1 && missing.stdout.isEmpty && missing.stderr.split(separator: "\n").count == 1
                && missing.stderr.contains("absent.json"), "\(missing.stdout)\(missing.stderr)")
        let usage = try CLI.script("break-regions.py", [])
        #expect(usage.status == 2 && usage.stderr.hasPrefix("usage: break-regions.py"), "\(usage.stderr)")
    }
}
