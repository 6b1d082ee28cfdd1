import Foundation
import Testing

/// Issue 14: one number (p_valid) and the reason for each verdict in every format; results on
/// stdout, the run's own diagnostics on stderr; a training state is never overwritten unasked.
@Suite("Adoption: verdict reasons, streams, training states")
struct AdoptionReportTests {
    func write(_ text: String, _ path: String) throws { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) }

    /// 400 small valid functions (44 KB), with a stray `)` before or after them.
    func longFiles(_ d: String) throws {
        let body = (0..<400).map { i in "static int f\(i)(int a, int b)\n{\n    if (a > b) {\n        return g(a, b[\(i)]);\n    }\n    return (a + b) * \(i);\n}\n\n" }.joined()
        try write("int broken(void) { return (1)); }\n" + body, "\(d)/early.c")
        try write(body + "int broken(void) { return (1)); }\n", "\(d)/late.c")
        try write(body, "\(d)/valid.c")
    }

    @Test func everyFormatNamesPValidAndWhichOutputDecided() throws {
        let d = CLI.tempDir()
        try longFiles(d)
        // The LSTM pair's heads (the default stack networks decide by their stacks; StackCheckerTests).
        let j = try CLI.run(["check", "\(d)/early.c", "\(d)/late.c", "\(d)/valid.c", "--embedded", "lstm", "--format", "json",
                             "--junit", "\(d)/r.xml", "--sarif", "\(d)/r.sarif", "--root", d])
        #expect(j.status == 1, "\(j.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any])
        let files = try #require(report["files"] as? [[String: Any]])
        let threshold = try #require((report["summary"] as? [String: Any])?["threshold"] as? Double)
        #expect(files.count == 3)
        for f in files {
            let p = try #require(f["p_valid"] as? Double), reason = try #require(f["reason"] as? [String: Any])
            let head = try #require(reason["head"] as? String), offset = try #require(reason["offset"] as? Int)
            let bytes = try #require(f["bytes"] as? Int), valid = try #require(f["valid"] as? Bool)
            #expect(valid == (p >= threshold), "p_valid is P(valid), compared with the threshold \(threshold): \(f)")
            #expect(f["probability"] == nil, "one name for the number")
            if head == "final" { #expect(offset == bytes - 1) } else { #expect(head == "step" && offset < bytes - 1 && !valid) }
        }
        // The stray `)` at the top: the step head decides once its `broken` output has stayed on
        // for `hold` bytes after it (the final head, 32 KB later, no longer sees it: `--hold 0`
        // passes the file); at the bottom: the final head decides at the last byte.
        #expect((files[0]["reason"] as? [String: Any])?["head"] as? String == "step")
        let early = try #require((files[0]["reason"] as? [String: Any])?["offset"] as? Int)
        #expect(early >= 29 + 127 && early < 29 + 256, "decided \(early)")  // the default --hold is 128
        // With --hold 0 the step head never decides alone: the final head does, at the end.
        let finalOnly = try CLI.run(["check", "\(d)/early.c", "\(d)/late.c", "--embedded", "lstm", "--hold", "0", "--format", "json"])
        let heads = try #require(try JSONSerialization.jsonObject(with: Data(finalOnly.stdout.utf8)) as? [String: Any])["files"] as? [[String: Any]]
        #expect(heads?.count == 2 && heads?.allSatisfy { ($0["reason"] as? [String: Any])?["head"] as? String == "final" } == true)
        // The step head's own bar: one it never gets past leaves the final head to decide, and
        // the default (the --threshold) gives the default run's decision.
        for (bar, head) in [("1e-30", "final"), ("0.5", "step")] {
            let r = try CLI.run(["check", "\(d)/early.c", "--embedded", "lstm", "--step-threshold", bar, "--format", "json"])
            let f = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])["files"] as? [[String: Any]]
            let reason = f?.first?["reason"] as? [String: Any]
            #expect(reason?["head"] as? String == head && (head == "final" || reason?["offset"] as? Int == early), "\(bar): \(r.stdout)")
        }
        #expect((files[1]["reason"] as? [String: Any])?["head"] as? String == "final")
        #expect(files[2]["valid"] as? Bool == true)

        let t = try CLI.run(["check", "\(d)/early.c", "\(d)/late.c", "--embedded", "lstm"])
        #expect(t.stdout.contains("early.c:1:30: error: unexpected ')': nesting breaks here (p_valid=0.") && t.stdout.contains(" by the step head at byte \(early), model lstm-h"))
        #expect(t.stdout.contains("late.c:3201:30: error: unexpected ')': nesting breaks here (p_valid=0.") && t.stdout.contains(" at the end, model lstm-h"))
        #expect(!t.stdout.contains("(p="), "the old unnamed number (P(invalid)) is gone")

        let xml = try String(contentsOfFile: "\(d)/r.xml", encoding: .utf8)
        #expect(xml.contains("message=\"unexpected &apos;)&apos;: nesting breaks here (p_valid=0.") || xml.contains("message=\"unexpected ')': nesting breaks here (p_valid=0."), "\(xml)")
        #expect(xml.contains("by the step head at byte \(early)"))
        let sarif = try String(contentsOfFile: "\(d)/r.sarif", encoding: .utf8)
        #expect(sarif.contains("\"p_valid\": 0.") && sarif.contains("\"reason\": {\"head\": \"step\", \"offset\": \(early)}")
                && sarif.contains("\"reason\": {\"head\": \"final\", \"offset\": "))
        #expect(sarif.contains("\"uri\": \"early.c\", \"uriBaseId\": \"%SRCROOT%\"") && !sarif.contains("informationUri"))
        // The run's settings, as the JSON summary gives them: an alert can be traced to them.
        let summary = try #require(report["summary"] as? [String: Any])
        let run = try #require((try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])?["runs"] as? [[String: Any]]).first
        let settings = try #require(((run?["invocations"] as? [[String: Any]])?.first)?["properties"] as? [String: Any])
        #expect(settings["engine"] as? String == "model" && settings["failOn"] as? String == "model")
        #expect(settings["threshold"] as? Double == threshold && settings["hold"] as? Int == summary["hold"] as? Int && summary["hold"] as? Int == 128)
    }

    /// Results (every input file: invalid, not checked, skipped, and the summary) go to stdout
    /// in the chosen format; stderr carries only what is about the run itself.
    @Test func resultsGoToStdoutDiagnosticsOfTheRunToStderr() throws {
        let d = CLI.tempDir()
        try write("int f(void) { return (1); }\n", "\(d)/ok.c")
        let r = try CLI.run(["check", "\(d)/nope.c", "\(d)/ok.c", "--engine", "exact"])
        #expect(r.status == 2 && r.stdout.contains("nope.c: error: No such file or directory") && r.stdout.contains("nestnet: 2 files"))
        #expect(r.stderr.isEmpty, "\(r.stderr)")
        let j = try CLI.run(["check", "\(d)/nope.c", "\(d)/ok.c", "--engine", "exact", "--format", "json"])
        #expect(j.status == 2 && j.stdout.contains("\"status\": \"error\"") && j.stderr.isEmpty)
        let u = try CLI.run(["check", "\(d)/ok.c", "--threshold", "2"])
        #expect(u.status == 2 && u.stdout.isEmpty && u.stderr.contains("--threshold must be in (0, 1]"))
        let w = try CLI.run(["check", "\(d)/ok.c", "--engine", "exact", "--junit", "\(d)/no/such/dir/r.xml"])
        #expect(w.status == 2 && w.stdout.isEmpty && w.stderr.contains("cannot write"))
    }

    @Test func anExistingTrainingStateIsNeverOverwrittenUnasked() throws {
        let d = CLI.tempDir()
        let args = ["train", "--epochs", "1", "--examples-per-epoch", "16", "--valid-count", "8", "--hidden", "8", "--embed", "4",
                    "--max-length", "96", "--out", "\(d)/m.safetensors", "--quiet"]
        let first = try CLI.run(args)
        #expect(first.status == 0, "\(first.stderr)")
        let state = try Data(contentsOf: URL(fileURLWithPath: "\(d)/m.safetensors.state"))
        let again = try CLI.run(args)
        #expect(again.status == 2 && again.stderr.contains("m.safetensors.state exists (a training state): --resume") && again.stderr.contains("--force"))
        let kept = try Data(contentsOf: URL(fileURLWithPath: "\(d)/m.safetensors.state"))
        #expect(kept == state, "the refusal left the state alone")
        let forced = try CLI.run(args + ["--force", "--seed", "9"])
        let replaced = try Data(contentsOf: URL(fileURLWithPath: "\(d)/m.safetensors.state"))
        #expect(forced.status == 0 && replaced != state)
        let widen = try CLI.run(["train", "--widen", "--out", "\(d)/w.safetensors"])
        #expect(widen.status == 2 && widen.stderr.contains("--widen grows the --init-from model"))
        // --widen from the 8-unit model to 12 units trains.
        let grown = try CLI.run(["train", "--epochs", "1", "--examples-per-epoch", "16", "--valid-count", "8", "--hidden", "12", "--embed", "4",
                                 "--max-length", "96", "--init-from", "\(d)/m.safetensors", "--widen", "--out", "\(d)/w.safetensors", "--quiet"])
        #expect(grown.status == 0, "\(grown.stderr)")
        // --widen with counters, and a same-size --init-from that has none.
        let counted = try CLI.run(["train", "--epochs", "1", "--examples-per-epoch", "16", "--valid-count", "8", "--hidden", "12", "--embed", "4",
                                   "--max-length", "96", "--init-from", "\(d)/m.safetensors", "--widen", "--counter-units", "2",
                                   "--counter-lr-scale", "10", "--counter-depth-loss", "1", "--out", "\(d)/c.safetensors", "--quiet"])
        #expect(counted.status == 0, "\(counted.stderr)")
        let depthAlone = try CLI.run(["train", "--epochs", "1", "--hidden", "12", "--counter-depth-loss", "1", "--out", "\(d)/x.safetensors"])
        #expect(depthAlone.status == 2 && depthAlone.stderr.contains("--counter-depth-loss teaches the counters the depth: it needs --counter-units"),
                "\(depthAlone.stderr)")
        let none = try CLI.run(["train", "--epochs", "1", "--examples-per-epoch", "16", "--valid-count", "8", "--hidden", "12", "--embed", "4",
                                "--max-length", "96", "--init-from", "\(d)/w.safetensors", "--counter-units", "2", "--out", "\(d)/n.safetensors", "--quiet"])
        #expect(none.status == 2 && none.stderr.contains("unit 10 is not a counter"), "\(none.stderr)")
    }
}
