import NestNetSupport
import Foundation
import Testing

/// `scripts/pair-curve.py`: what two models give as a pair (a file is invalid only when both flag
/// it), read from each model's threshold-curve reports.
@Suite("pair-curve.py")
struct PairCurveTests {
    /// A `check --format json` report over files `f0.c`… of `folder`: the ones in `flagged` are
    /// invalid; the ones in `asked` carry a second opinion that cleared them (the main model
    /// alone flagged them).
    func report(_ folder: String, count: Int, flagged: Set<Int>, asked: Set<Int> = []) -> [UInt8] {
        let files = (0..<count).map { i -> String in
            let second = asked.contains(i) ? #"{"valid": true, "p_valid": 0.99, "reason": null}"# : "null"
            return #"{"file": "\#(folder)/f\#(i).c", "status": "checked", "valid": \#(flagged.contains(i) ? "false" : "true"), "#
                + #""bytes": 100, "exact": {"valid": true}, "second_opinion": \#(second)}"#
        }
        return Array(#"{"files": [\#(files.joined(separator: ","))], "summary": {"invalid": \#(flagged.count)}}"#.utf8)
    }

    /// A threshold-curve folder at `t`: every set of four files, the same verdicts in each.
    func folder(_ d: String, _ t: String, flagged: Set<Int>, asked: Set<Int> = []) throws {
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        for s in ["valid", "edited", "gen-9201", "gen-9202"] {
            // Valid files are the same corpus paths in both folders; the others are each folder's own copies.
            let files = s == "valid" ? "/corpus/pkg" : "\(d)/\(s)"
            try AtomicFile.write(report(files, count: 4, flagged: flagged, asked: asked), to: "\(d)/\(s)-\(t).json")
        }
    }

    func invalid(_ path: String) throws -> [Int] {
        let data = try #require(FileManager.default.contents(atPath: path))
        let files = try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["files"] as? [[String: Any]])
        return files.indices.filter { files[$0]["valid"] as? Bool == false }
    }

    @Test func flagsOnlyWhatBothFlagAtEveryThresholdPair() throws {
        let d = CLI.tempDir()
        // First model: at 0.5 its pair flags 0 and 1 (its main model alone also 2); at 0.6, 0–2.
        try folder(d + "/a", "0.5", flagged: [0, 1], asked: [2])
        try folder(d + "/a", "0.6", flagged: [0, 1, 2])
        // Second model at 0.5 flags 1 and 2.
        try folder(d + "/b", "0.5", flagged: [1, 2])
        let r = try CLI.script("pair-curve.py", ["--first", d + "/a", "--second", d + "/b", "--out", d + "/p"])
        #expect(r.status == 0 && r.stdout == "pair-curve: 2 threshold pairs in \(d)/p\n", "\(r.stderr)")
        for s in ["valid", "edited", "gen-9201", "gen-9202"] {
            #expect(try invalid("\(d)/p/\(s)-0.5+0.5.json") == [1])
            #expect(try invalid("\(d)/p/\(s)-0.6+0.5.json") == [1, 2])
        }
        // The first report's main model alone: file 2, which its own second opinion cleared, counts.
        let alone = try CLI.script("pair-curve.py", ["--first", d + "/a", "--first-alone", "--second", d + "/b", "--out", d + "/q"])
        #expect(alone.status == 0, "\(alone.stderr)")
        #expect(try invalid("\(d)/q/valid-0.5+0.5.json") == [1, 2])
        // judge-candidate reads the pair's thresholds, in order.
        try folder(d + "/rel", "0.5", flagged: [0, 1, 2, 3])
        let j = try CLI.script("judge-candidate.py", ["--release", d + "/rel", d + "/rel", "--at", "0.5", "--candidate", d + "/p", d + "/p"])
        let lines = j.stdout.split(separator: "\n")
        #expect(j.status == 1 && lines.count == 3 && lines[1].hasPrefix("candidate at 0.5+0.5: 2 flagged (-6)")
                && lines[2].hasPrefix("candidate at 0.6+0.5:"), "\(j.stdout)\(j.stderr)")
    }

    @Test func aFileMissingFromOneReportIsOneLineError() throws {
        let d = CLI.tempDir()
        try folder(d + "/a", "0.5", flagged: [0])
        try folder(d + "/b", "0.5", flagged: [0])
        try AtomicFile.write(report("/corpus/pkg", count: 3, flagged: [0]), to: "\(d)/b/valid-0.5.json")
        let r = try CLI.script("pair-curve.py", ["--first", d + "/a", "--second", d + "/b", "--out", d + "/p"])
        #expect(r.status == 2 && r.stderr == "pair-curve: /corpus/pkg/f3.c is in \(d)/a/valid-0.5.json but not in \(d)/b/valid-0.5.json\n",
                "\(r.stderr)")
        let same = try CLI.script("pair-curve.py", ["--first", d + "/a", "--second", d + "/b", "--out", d + "/a"])
        #expect(same.status == 2 && same.stderr == "pair-curve: --out must not be one of the folders read\n")
    }
}
