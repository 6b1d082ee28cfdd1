import Foundation
import Testing

@Suite("nestnet sweep / report")
struct SweepCommandTests {
    static let tiny = ["--languages", "dyck1", "--archs", "rnn,lstm", "--train-lengths", "16", "--test-lengths", "8,16,32",
                       "--hidden", "4", "--embed", "3", "--epochs", "1", "--examples-per-epoch", "32", "--batch", "8",
                       "--test-count", "12", "--valid-count", "8", "--probe-length", "16", "--probe-count", "4"]

    @Test func sweepReportAndExpectations() throws {
        let d = CLI.tempDir()
        let s = try CLI.run(["sweep", "--out", d] + Self.tiny)
        #expect(s.status == 0, "\(s.stderr)")
        #expect(s.stderr.contains("dyck1-lstm-L16-s1: trained in") && s.stderr.contains("2 runs finished"))
        // A second run skips the finished runs.
        let again = try CLI.run(["sweep", "--out", d] + Self.tiny)
        #expect(again.status == 0 && again.stderr.contains("already finished, skipping") && again.stderr.contains("0 runs finished, 2 already done"))
        let sweepJSON = try String(contentsOfFile: d + "/sweep.json", encoding: .utf8)
        #expect(sweepJSON.components(separatedBy: "\"command\"").count - 1 == 2)

        let r = try CLI.run(["report", d, "--junit", d + "/junit.xml", "--expect", "rnn@8>=0", "--expect", "lstm@32<=1"])
        #expect(r.status == 0, "\(r.stderr)")
        for f in ["index.md", "index.html", "results.csv", "junit.xml", "charts/accuracy-vs-length-dyck1-L16.svg", "charts/gradients-dyck1-L16.svg"] {
            #expect(FileManager.default.fileExists(atPath: "\(d)/\(f)"), "\(f) missing")
        }
        let junit = try String(contentsOfFile: d + "/junit.xml", encoding: .utf8)
        #expect(junit.contains("tests=\"6\" failures=\"0\""))
        // A failing expectation fails the report (exit 1) and its JUnit testcase.
        let bad = try CLI.run(["report", d, "--junit", d + "/junit.xml", "--expect", "lstm@32>1"])
        #expect(bad.status == 1 && bad.stdout.contains("FAIL lstm@32>1"))
        #expect(try String(contentsOfFile: d + "/junit.xml", encoding: .utf8).contains("failures=\"1\""))
        // An expectation about something the sweep did not run is a usage error.
        let none = try CLI.run(["report", d, "--expect", "gru@32>=0.5"])
        #expect(none.status == 2 && none.stderr.contains("no result matches"))
        // A malformed one is refused before the folder is read or anything written.
        let garbled = try CLI.run(["report", d + "/nothere", "--junit", d + "/garbled.xml", "--expect", "lstm@abc>=0.9"])
        #expect(garbled.status == 2 && garbled.stderr.hasPrefix("nestnet: error: --expect lstm@abc>=0.9: expected"), "\(garbled.stderr)")
        #expect(!FileManager.default.fileExists(atPath: d + "/garbled.xml"))
    }

    @Test func listJobsPrintsOneRunnableCommandPerRun() throws {
        let d = CLI.tempDir()
        let l = try CLI.run(["sweep", "--out", d, "--list-jobs", "--seeds", "1,2"] + Self.tiny)
        #expect(l.status == 0, "\(l.stderr)")
        let lines = l.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines.allSatisfy { $0.contains(" sweep --out ") && $0.contains("--seeds ") && $0.contains("--archs ") })
        #expect(!FileManager.default.fileExists(atPath: d + "/runs"))
        // Running one listed command (as a job array would) makes exactly that run; report merges.
        let first = lines[0].split(separator: " ").dropFirst().map(String.init)
        let r = try CLI.run(first)
        #expect(r.status == 0, "\(r.stderr)")
        let runs = try FileManager.default.contentsOfDirectory(atPath: d + "/runs")
        #expect(runs == ["dyck1-rnn-L16-s1"])
        #expect(try CLI.run(["report", d]).status == 0)
    }

    @Test func badSweepInputExitsTwo() throws {
        let d = CLI.tempDir()
        try Data(#"{"archs": ["rnn"], "hiden": 3}"#.utf8).write(to: URL(fileURLWithPath: d + "/cfg.json"))
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: d + "/broken.json"))
        try FileManager.default.createDirectory(atPath: d + "/damaged", withIntermediateDirectories: true)
        try Data("{\"invocations\": [".utf8).write(to: URL(fileURLWithPath: d + "/damaged/sweep.json"))
        let cases: [([String], String)] = [
            (["sweep", "--out", d + "/o", "--config", d + "/cfg.json"], "unknown sweep setting \"hiden\""),
            (["sweep", "--out", d + "/o", "--config", d + "/broken.json"], "broken.json"),
            (["sweep", "--out", d + "/o", "--archs", "rnn,transformer"], "--archs: cannot read \"transformer\""),
            (["sweep", "--out", d + "/o", "--train-lengths", "8", "--languages", "c"], "shorter than the shortest c text"),
            (["sweep", "--out", d + "/damaged"] + Self.tiny, "is not a NestNet sweep record"),
            (["report", d + "/nothing-here"], "no sweep runs"),
            (["report", d, "--expect", "lstm@big>=1"], "--expect"),
        ]
        for (args, message) in cases {
            let r = try CLI.run(args)
            #expect(r.status == 2, "\(args): status \(r.status)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
            #expect(!r.stderr.contains("Fatal error"))
        }
    }
}
