import Foundation
import RecurrentNet
import Testing
@testable import Training

/// Issue 14 (first items): what a first CI user of `nestnet check` runs into.
@Suite("Adoption: links, empty runs, flag ranges, CSV precision")
struct AdoptionTests {
    func write(_ text: String, _ path: String) throws { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) }

    /// `ln -s real alias` is not a loop: the folder is checked once, under its first path, and
    /// the second path is named; the same for a second path to a file. A real cycle is a loop.
    @Test func aSecondPathIsCheckedOnceAndNamedOnlyACycleIsALoop() throws {
        let d = CLI.tempDir()
        try FileManager.default.createDirectory(atPath: "\(d)/real", withIntermediateDirectories: true)
        try write("int f(void) { return (1); }\n", "\(d)/real/a.c")
        #expect(symlink("real", "\(d)/zalias") == 0 && symlink("real/a.c", "\(d)/link.c") == 0)
        let r = try CLI.run(["check", d, "--format", "json"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("zalias\", \"status\": \"skipped\"") && r.stdout.contains("same folder as \(d)/real, checked there"))
        // The file: whichever path the sorted walk meets first is checked, the other names it.
        #expect(r.stdout.contains("link.c\", \"status\": \"checked\"") && r.stdout.contains("real/a.c\", \"status\": \"skipped\"")
                && r.stdout.contains("same file as \(d)/link.c, checked there"), "\(r.stdout)")
        #expect(symlink("..", "\(d)/real/up") == 0)
        let c = try CLI.run(["check", d])
        #expect(c.status == 2 && c.stdout.contains("real/up: error: symbolic link loop (back to \(d))"), "\(c.stdout)")
    }

    @Test func checkingNothingIsAnErrorUnlessAllowed() throws {
        let d = CLI.tempDir()
        try write("int x;\n", "\(d)/a.c")
        let r = try CLI.run(["check", d, "--include", "*.txt"])
        #expect(r.status == 2 && r.stderr.contains("no C-like files found") && r.stderr.contains("--allow-empty"), "\(r.stderr)")
        #expect(try CLI.run(["check", d, "--include", "*.txt", "--allow-empty"]).status == 0)
        #expect(try CLI.run(["check", d]).status == 0)
    }

    @Test func outOfRangeFlagsAreErrorsNotSilentSuccesses() throws {
        let b = try CLI.run(["bench", "--megabytes", "0"])
        #expect(b.status == 2 && b.stderr.contains("--megabytes must be positive"), "\(b.stderr)")
        let d = CLI.tempDir()
        #expect(try CLI.run(["generate", "--count", "3", "--out", "\(d)/g.jsonl", "--quiet"]).status == 0)
        let p = try CLI.run(["probe", "counter", "--data", "\(d)/g.jsonl", "--trace", "100000"])
        #expect(p.status == 2 && p.stderr.contains("there are 3 examples"), "\(p.stderr)")
    }

    /// `--count -5` was "Missing value for '--count <count>'": a negative number after a space
    /// is the option's value, and the error is the real range.
    @Test func negativeNumbersGetTheirRangeErrorAndListsNameTheirValues() throws {
        let d = CLI.tempDir()
        for (args, message) in [(["generate", "--count", "-5", "--out", "\(d)/g.jsonl"], "--count must be at least 1 (got -5)"),
                                (["check", d, "--threshold", "-1"], "--threshold must be in (0, 1]"),
                                (["check", d, "--max-bytes", "-5"], "--max-bytes must be between 1"),
                                (["generate", "--count", "3", "--distractors", "-1", "--out", "\(d)/g.jsonl"], "--distractors must be between 0 and 1"),
                                (["sweep", "--archs", "rnn,transformer", "--out", "\(d)/sw"], "cannot read \"transformer\" (expected rnn, irnn, gru, lstm)")] {
            let r = try CLI.run(args)
            #expect(r.status == 2 && r.stderr.contains(message), "\(args): \(r.stderr)")
        }
        let t = try CLI.run(["train", "--init-from", "\(CLI.packageRoot)/Sources/DefaultModelBytes/default-lstm.safetensors", "--hidden", "32",
                             "--epochs", "1", "--examples-per-epoch", "8", "--out", "\(d)/m.safetensors"])
        #expect(t.status == 2 && t.stderr.contains("give --hidden 128, --step-loss (> 0) with --step-outputs 3"), "\(t.stderr)")
    }

    /// `--engine both`: the exit status follows the oracle by default (the ground truth; the
    /// disagreement is reported), or the model, or either, with `--fail-on`.
    @Test func withBothEnginesTheOracleDecidesUnlessFailOnSaysOtherwise() throws {
        let d = CLI.tempDir()
        // A model that calls every text valid: zero weights, a large final bias, quiet step head.
        let config = ModelConfig(arch: .lstm, embed: 4, hidden: 8, stepOutputs: 3)
        var p = [Float](repeating: 0, count: ParameterLayout(config).count)
        let layout = ParameterLayout(config)
        p[layout["head.bias"].offset] = 20
        for k in 0..<3 { p[layout["step_head.bias"].offset + k] = -20 }
        try RecurrentModel(config: config, parameters: p).save(to: "\(d)/yes.safetensors")
        try FileManager.default.createDirectory(atPath: "\(d)/src", withIntermediateDirectories: true)
        try write("int f(void) { return (1]; }\n", "\(d)/src/bad.c")
        let base = ["check", "\(d)/src", "--model", "\(d)/yes.safetensors", "--engine", "both"]
        let byOracle = try CLI.run(base)
        #expect(byOracle.status == 1 && byOracle.stdout.contains("1 model/oracle disagreement, exit status by the oracle"), "\(byOracle.stdout)")
        #expect(try CLI.run(base + ["--fail-on", "model"]).status == 0)
        #expect(try CLI.run(base + ["--fail-on", "either"]).status == 1)
        let json = try CLI.run(base + ["--format", "json", "--fail-on", "model"])
        #expect(json.stdout.contains("\"fail_on\": \"model\""))
        let alone = try CLI.run(["check", "\(d)/src", "--fail-on", "model"])
        #expect(alone.status == 2 && alone.stderr.contains("--engine both"))
    }

    @Test func csvNumbersKeepTheirPrecision() {
        #expect(csv(1.85e-25) == "1.85e-25" && Double(csv(0.1234567891)) == 0.1234567891 && csv(.nan) == "")
    }
}
