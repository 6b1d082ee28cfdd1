import Foundation
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
                                (["sweep", "--archs", "rnn,transformer", "--out", "\(d)/sw"], "cannot read \"transformer\" (expected rnn, lstm, gru)")] {
            let r = try CLI.run(args)
            #expect(r.status == 2 && r.stderr.contains(message), "\(args): \(r.stderr)")
        }
        let t = try CLI.run(["train", "--init-from", "\(CLI.packageRoot)/Sources/DefaultModel/Resources/default-lstm.safetensors", "--hidden", "32",
                             "--epochs", "1", "--examples-per-epoch", "8", "--out", "\(d)/m.safetensors"])
        #expect(t.status == 2 && t.stderr.contains("give --hidden 64, --step-loss (> 0) with --step-outputs 3"), "\(t.stderr)")
    }

    @Test func csvNumbersKeepTheirPrecision() {
        #expect(csv(1.85e-25) == "1.85e-25" && Double(csv(0.1234567891)) == 0.1234567891 && csv(.nan) == "")
    }
}
