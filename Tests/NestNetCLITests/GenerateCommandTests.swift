import Foundation
import Testing

@Suite("nestnet generate / dataset stats")
struct GenerateCommandTests {
    @Test func generatesDeterministicFilesAndStats() throws {
        let d = CLI.tempDir()
        let args = ["generate", "--language", "c", "--count", "40", "--min-length", "64", "--max-length", "256",
                    "--seed", "3", "--quiet"]
        #expect(try CLI.run(args + ["--out", "\(d)/a.jsonl"]).status == 0)
        #expect(try CLI.run(args + ["--out", "\(d)/b.jsonl", "--threads", "1"]).status == 0)
        let a = try Data(contentsOf: URL(fileURLWithPath: "\(d)/a.jsonl"))
        #expect(a == (try Data(contentsOf: URL(fileURLWithPath: "\(d)/b.jsonl"))))
        #expect(a.split(separator: UInt8(ascii: "\n")).count == 40)
        let stats = try CLI.run(["dataset", "stats", "\(d)/a.jsonl", "--format", "json"])
        #expect(stats.status == 0)
        #expect(stats.stdout.contains("\"count\": 40") && stats.stdout.contains("\"valid\": 20"))
    }

    /// `--edits count-preserving` (issue 16): only swaps and moves, in generate, train and sweep.
    @Test func editSelectionReachesTheData() throws {
        let d = CLI.tempDir()
        let g = try CLI.run(["generate", "--language", "dyck2", "--count", "100", "--min-length", "16", "--max-length", "64",
                             "--seed", "1", "--edits", "count-preserving", "--out", "\(d)/e.jsonl", "--quiet"])
        #expect(g.status == 0, "\(g.stderr)")
        let stats = try CLI.run(["dataset", "stats", "\(d)/e.jsonl", "--format", "json"])
        let kinds = try #require((try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])?["edit_kinds"] as? [String: Int])
        #expect(Set(kinds.keys).isSubset(of: ["none", "swap-closers", "move-opener"]) && kinds["none"] == 50, "\(kinds)")
        let bad = try CLI.run(["generate", "--count", "5", "--edits", "some", "--out", "\(d)/x.jsonl"])
        #expect(bad.status == 2 && bad.stderr.contains("count-preserving"))
        let t = try CLI.run(["train", "--language", "dyck2", "--min-length", "8", "--max-length", "32", "--edits", "count-breaking",
                             "--epochs", "1", "--examples-per-epoch", "16", "--valid-count", "8", "--hidden", "8", "--embed", "4",
                             "--out", "\(d)/m.safetensors", "--quiet"])
        #expect(t.status == 0, "\(t.stderr)")
        let meta = try String(contentsOfFile: "\(d)/m.safetensors", encoding: .isoLatin1)
        #expect(meta.contains("\\\"edits\\\":\\\"count-breaking\\\"") || meta.contains("count-breaking"))
        // The stack-top probe on that model (issue 16): held-out accuracy beside the baseline.
        let probe = try CLI.run(["probe", "stack", "--model", "\(d)/m.safetensors", "--data", "\(d)/e.jsonl", "--count", "100", "--format", "json"])
        #expect(probe.status == 0 && probe.stdout.contains("\"deep_accuracy\": ") && probe.stdout.contains("\"baseline\": "), "\(probe.stderr)")
        let none = try CLI.run(["probe", "stack", "--model", "\(d)/m.safetensors", "--data", "\(d)/e.jsonl", "--count", "1"])
        #expect(none.status == 2 && none.stderr.contains("at least 2 valid texts"))
    }

    @Test(arguments: [
        ["--count", "0"],
        ["--count", "5", "--min-length", "100", "--max-length", "50"],
        ["--count", "5", "--language", "dyck1", "--min-length", "7", "--max-length", "7"],
        ["--count", "5", "--language", "cobol"],
        ["--count", "5", "--max-length", "10"],
        ["--count", "5", "--valid-fraction", "2"],
    ])
    func badSettingsExitTwoWithOneLine(extra: [String]) throws {
        let d = CLI.tempDir()
        let r = try CLI.run(["generate", "--out", "\(d)/x.jsonl", "--quiet"] + extra)
        #expect(r.status == 2, "\(extra): \(r.stderr)")
        #expect(r.stderr.hasPrefix("nestnet: error: "))
        #expect(!FileManager.default.fileExists(atPath: "\(d)/x.jsonl"))
    }

    /// `--habits`, `--directive-habits` and `--conditional-habits` (issue 12) reach generate and
    /// train, and bad values are one-line errors.
    @Test func habitsReachTheData() throws {
        let d = CLI.tempDir()
        let base = ["generate", "--count", "30", "--min-length", "512", "--max-length", "2048", "--seed", "4", "--quiet"]
        #expect(try CLI.run(base + ["--out", "\(d)/plain.jsonl"]).status == 0)
        #expect(try CLI.run(base + ["--habits", "1", "--out", "\(d)/habits.jsonl"]).status == 0)
        let plain = try String(contentsOfFile: "\(d)/plain.jsonl", encoding: .utf8)
        let habits = try String(contentsOfFile: "\(d)/habits.jsonl", encoding: .utf8)
        #expect(plain != habits && habits.split(separator: "\n").count == 30)
        #expect(try CLI.run(base + ["--directive-habits", "1", "--out", "\(d)/directives.jsonl"]).status == 0)
        let directives = try String(contentsOfFile: "\(d)/directives.jsonl", encoding: .utf8)
        #expect(directives != plain && directives.split(separator: "\n").count == 30)
        #expect(try CLI.run(base + ["--conditional-habits", "1", "--out", "\(d)/conditionals.jsonl"]).status == 0)
        let conditionals = try String(contentsOfFile: "\(d)/conditionals.jsonl", encoding: .utf8)
        #expect(conditionals != plain && conditionals.split(separator: "\n").count == 30)
        for (args, words) in [(["--habits", "1.5"], "--habits must be between 0 and 1"),
                              (["--conditional-habits", "2"], "--conditional-habits must be between 0 and 1"),
                              (["--conditional-habits", "0.5", "--language", "dyck2"], "--conditional-habits needs --language c"),
                              (["--directive-habits", "-0.1"], "--directive-habits must be between 0 and 1"),
                              (["--directive-habits", "0.5", "--language", "dyck3"], "--directive-habits needs --language c"),
                              (["--habits", "0.5", "--language", "dyck1"], "--habits needs --language c"),
                              (["--decoy-rate", "2", "--language", "dyck2"], "--decoy-rate needs --language c")] {
            let r = try CLI.run(base + args + ["--out", "\(d)/bad.jsonl"])
            #expect(r.status != 0 && r.stderr.contains(words) && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        }
        let t = try CLI.run(["train", "--train", "\(d)/plain.jsonl", "--habits", "0.5", "--out", "\(d)/m.safetensors", "--quiet"])
        #expect(t.status == 2 && t.stderr.contains("--habits shapes generated examples"), "\(t.stderr)")
        let td = try CLI.run(["train", "--train", "\(d)/plain.jsonl", "--directive-habits", "0.5", "--out", "\(d)/m.safetensors", "--quiet"])
        #expect(td.status == 2 && td.stderr.contains("--directive-habits shapes generated examples"), "\(td.stderr)")
        let tc = try CLI.run(["train", "--train", "\(d)/plain.jsonl", "--conditional-habits", "0.5", "--out", "\(d)/m.safetensors", "--quiet"])
        #expect(tc.status == 2 && tc.stderr.contains("--conditional-habits shapes generated examples"), "\(tc.stderr)")
        let ok = try CLI.run(["train", "--min-length", "64", "--max-length", "256", "--habits", "0.5", "--directive-habits", "0.5",
                              "--conditional-habits", "0.5", "--epochs", "1",
                              "--examples-per-epoch", "16", "--valid-count", "8", "--hidden", "8", "--embed", "4",
                              "--out", "\(d)/h.safetensors", "--quiet"])
        #expect(ok.status == 0, "\(ok.stderr)")
        let meta = try String(contentsOfFile: "\(d)/h.safetensors", encoding: .isoLatin1)
        #expect(meta.contains("habits") && meta.contains("directiveHabits") && meta.contains("conditionalHabits"))
    }

    @Test func unwritableOutput() throws {
        let r = try CLI.run(["generate", "--count", "3", "--out", "/nonexistent-dir/x.jsonl", "--quiet"])
        #expect(r.status == 2 && r.stderr.contains("cannot write"))
    }

    @Test func malformedDatasetNamesTheLine() throws {
        let d = CLI.tempDir()
        try Data("{\"text\": \"()\"}\nnot json\n".utf8).write(to: URL(fileURLWithPath: "\(d)/bad.jsonl"))
        let r = try CLI.run(["dataset", "stats", "\(d)/bad.jsonl"])
        #expect(r.status == 2 && r.stderr.contains("bad.jsonl:2:"))
        let missing = try CLI.run(["dataset", "stats", "\(d)/missing.jsonl"])
        #expect(missing.status == 2 && missing.stderr.contains("cannot read"))
    }

    @Test func outputThatIsADirectoryFailsBeforeGenerating() throws {
        let d = CLI.tempDir()
        let r = try CLI.run(["generate", "--count", "3", "--out", d, "--quiet"])
        #expect(r.status == 2 && r.stderr == "nestnet: error: cannot write \(d): Is a directory\n", "\(r.stderr)")
    }

    /// `dataset windows` names every file it does not use, and never writes a text JSON cannot
    /// hold (a Latin-1 file would make the dataset unreadable).
    @Test func windowsNameSkippedFilesAndStayReadable() throws {
        let d = CLI.tempDir()
        let body = "int f(int a) { return g(a, (a + 1)); } /* (x] */\nint h(void) { if (x) { y(\"{[\"); } return 0; }\n"
        try Data(body.utf8).write(to: URL(fileURLWithPath: "\(d)/ok.c"))
        try Data([0x2f, 0x2a, 0xe9, 0x2a, 0x2f, 0x0a] + Array(body.utf8)).write(to: URL(fileURLWithPath: "\(d)/latin1.c"))
        try Data([0x69, 0x00, 0x7b]).write(to: URL(fileURLWithPath: "\(d)/blob.c"))
        let r = try CLI.run(["dataset", "windows", d, "\(d)/missing-dir", "--count", "6", "--min-length", "20",
                             "--max-length", "120", "--out", "\(d)/w.jsonl", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("latin1.c: skipped: not UTF-8"))
        #expect(r.stderr.contains("blob.c: skipped: binary"))
        #expect(r.stderr.contains("missing-dir: skipped:"))
        let stats = try CLI.run(["dataset", "stats", "\(d)/w.jsonl"])
        #expect(stats.status == 0 && stats.stdout.contains("examples: 6"), "\(stats.stderr)")
    }

    @Test func helpForEverySubcommand() throws {
        for sub in [[], ["check"], ["generate"], ["dataset"], ["dataset", "stats"], ["dataset", "windows"], ["train"], ["eval"],
                    ["sweep"], ["report"], ["probe"], ["probe", "gradients"], ["probe", "counter"], ["probe", "lexical"], ["bench"]] {
            let r = try CLI.run(sub + ["--help"])
            #expect(r.status == 0 && r.stdout.contains("USAGE"), "\(sub)")
        }
    }
}
