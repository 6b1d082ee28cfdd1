import NestNetSupport
import Foundation
import Testing

/// `scripts/judge-candidate.py`: the rule a candidate must meet to replace the release, read
/// from threshold-curve reports of the valid packages and the dev pool.
@Suite("judge-candidate.py")
struct JudgeCandidateTests {
    /// A `check --format json` report: `valid` valid files (`flagged` of them flagged, `long` of
    /// those ≥ 64 KB) and `broken` broken ones (`caught` of them flagged, every other one at the
    /// oracle's line).
    func report(valid: Int = 0, flagged: Int = 0, long: Int = 0, broken: Int = 0, caught: Int = 0) -> [UInt8] {
        var files: [String] = []
        for i in 0..<valid {
            files.append(#"{"status": "checked", "valid": \#(i < flagged ? "false" : "true"), "bytes": \#(i < long ? 70000 : 100), "exact": {"valid": true}}"#)
        }
        for i in 0..<broken {
            // Every other caught file is placed on the oracle's line (line 1).
            let at = i < caught ? #", "location": {"line": \#(i % 2 + 1)}"# : ""
            files.append(#"{"status": "checked", "valid": \#(i < caught ? "false" : "true"), "bytes": 100\#(at), "exact": {"valid": false, "location": {"line": 1}}}"#)
        }
        return Array(#"{"files": [\#(files.joined(separator: ","))]}"#.utf8)
    }

    /// One threshold-curve folder's reports at threshold `t`; generated C: `genWrong` of 1000 wrong.
    func folder(_ d: String, _ t: String, flagged: Int, long: Int, caught: Int, genWrong: Int = 0) throws {
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        try AtomicFile.write(report(valid: 200, flagged: flagged, long: long), to: "\(d)/valid-\(t).json")
        try AtomicFile.write(report(broken: 100, caught: caught), to: "\(d)/edited-\(t).json")
        for seed in ["9201", "9202"] {
            try AtomicFile.write(report(valid: 1000 - genWrong, broken: genWrong, caught: 0), to: "\(d)/gen-\(seed)-\(t).json")
        }
    }

    func judge(_ args: [String]) throws -> CLIResult { try CLI.script("judge-candidate.py", args) }

    @Test func passesOnlyOffTheReleasesPointByTheMargin() throws {
        let d = CLI.tempDir()
        // The release at 0.5: 20 + 20 flagged, 2 + 2 long, 60 + 60 caught of 100 + 100.
        try folder(d + "/rv", "0.5", flagged: 20, long: 2, caught: 60)
        try folder(d + "/rd", "0.5", flagged: 20, long: 2, caught: 60)
        // Candidate: at 0.5 the same point; at 0.55 9 more caught (short of 10); at 0.6 10 more
        // caught; at 0.7 10 more caught but one more long file; at 0.8 12 fewer flagged, as
        // many caught, generated C 0.004 lower.
        for (t, f, l, c, g) in [("0.5", 20, 2, 60, 0), ("0.55", 20, 2, 64, 0), ("0.6", 20, 2, 65, 0), ("0.7", 20, 3, 65, 0), ("0.8", 14, 2, 60, 4)] {
            try folder(d + "/cv", t, flagged: f, long: l, caught: c, genWrong: g)
            try folder(d + "/cd", t, flagged: f, long: l, caught: c + (t == "0.55" ? 1 : 0), genWrong: g)
        }
        let r = try judge(["--release", d + "/rv", d + "/rd", "--at", "0.5", "--candidate", d + "/cv", d + "/cd"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "release at 0.5: 40 valid files flagged, 4 long, 120 broken caught (60 at the oracle's line), generated C 1.0000 / 1.0000")
        #expect(lines.count == 6)
        #expect(lines[1].hasPrefix("candidate at 0.5:") && lines[1].hasSuffix("does not pass"))
        #expect(lines[2].contains("129 caught (+9; 65 at the line)") && lines[2].hasSuffix("does not pass"))
        #expect(lines[3].contains("130 caught (+10; 66 at the line)") && lines[3].hasSuffix(": passes"))
        #expect(lines[4].contains("6 long (+2)") && lines[4].hasSuffix("does not pass"))
        #expect(lines[5].contains("28 flagged (-12)") && lines[5].hasSuffix("does not pass (generated C)"))
        // Without the passing threshold: exit 1.
        for n in ["valid", "edited", "gen-9201", "gen-9202"] {
            for side in ["cv", "cd"] { try FileManager.default.removeItem(atPath: "\(d)/\(side)/\(n)-0.6.json") }
        }
        let none = try judge(["--release", d + "/rv", d + "/rd", "--at", "0.5", "--candidate", d + "/cv", d + "/cd"])
        #expect(none.status == 1 && none.stdout.split(separator: "\n").count == 5, "\(none.stdout)")
        // A missing report: one line, exit 2.
        let missing = try judge(["--release", d + "/rv", d + "/rd", "--at", "0.4", "--candidate", d + "/cv", d + "/cd"])
        #expect(missing.status == 2 && missing.stderr.hasPrefix("judge-candidate: cannot read ") && missing.stderr.split(separator: "\n").count == 1,
                "\(missing.stderr)")
    }
}
