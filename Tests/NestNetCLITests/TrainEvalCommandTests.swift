import Foundation
import Testing

@Suite("nestnet train / eval / bench")
struct TrainEvalCommandTests {
    func dataset(_ d: String, seed: Int = 1) throws -> String {
        let path = "\(d)/data-\(seed).jsonl"
        let r = try CLI.run(["generate", "--count", "40", "--min-length", "24", "--max-length", "80",
                             "--seed", "\(seed)", "--out", path, "--quiet"])
        #expect(r.status == 0)
        return path
    }

    @Test func trainThenEvaluate() throws {
        let d = CLI.tempDir()
        let data = try dataset(d)
        let model = "\(d)/m.safetensors"
        let t = try CLI.run(["train", "--arch", "gru", "--train", data, "--valid", data, "--hidden", "8", "--embed", "4",
                             "--epochs", "2", "--batch", "8", "--bptt", "16", "--out", model, "--threads", "2"])
        #expect(t.status == 0, "\(t.stderr)")
        #expect(t.stderr.contains("epoch 2"))
        let e = try CLI.run(["eval", "--model", model, "--data", data, "--format", "json", "--predictions", "\(d)/p.jsonl"])
        #expect(e.status == 0, "\(e.stderr)")
        #expect(e.stdout.contains("\"accuracy\": ") && e.stdout.contains("\"count\": 40"))
        let lines = try String(contentsOfFile: "\(d)/p.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 40 && lines[0].hasPrefix("{\"index\": 0, \"probability\": "))
        // The checkpoint names its training data and configuration.
        let header = try Data(contentsOf: URL(fileURLWithPath: model)).prefix(4096)
        let text = String(decoding: header, as: UTF8.self)
        #expect(text.contains("data.train_fingerprint") && text.contains("\"arch\": \"gru\"") && text.contains("rnn.weight_hh_l0"))
    }

    @Test func badInputsExitTwo() throws {
        let d = CLI.tempDir()
        let data = try dataset(d)
        try Data("definitely not safetensors".utf8).write(to: URL(fileURLWithPath: "\(d)/bad.safetensors"))
        let cases: [[String]] = [
            ["eval", "--model", "\(d)/bad.safetensors", "--data", data],
            ["eval", "--model", "\(d)/missing.safetensors", "--data", data],
            ["train", "--train", data, "--hidden", "0", "--out", "\(d)/x.safetensors"],
            ["train", "--train", "\(d)/missing.jsonl", "--out", "\(d)/x.safetensors"],
            ["train", "--train", data, "--lr", "-1", "--out", "\(d)/x.safetensors"],
            ["train", "--train", data, "--bptt", "0", "--out", "\(d)/x.safetensors"],
            ["train", "--train", data, "--out", "/nonexistent-dir/x.safetensors", "--epochs", "1", "--hidden", "4"],
            ["bench", "--steps", "0"],
        ]
        for args in cases {
            let r = try CLI.run(args)
            #expect(r.status == 2, "\(args): \(r.status) \(r.stderr)")
            #expect(r.stderr.hasPrefix("nestnet: error: ") && r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: "\(d)/x.safetensors"))
    }

    /// A run that blows up stops at the step where the loss or gradient stops being finite,
    /// says so in one line, and writes no checkpoint.
    @Test func divergenceIsReportedWithTheStep() throws {
        let d = CLI.tempDir()
        let data = try dataset(d)
        let r = try CLI.run(["train", "--train", data, "--hidden", "8", "--embed", "4", "--epochs", "3", "--lr", "1e30",
                             "--out", "\(d)/div.safetensors", "--quiet"])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("training diverged: ") && r.stderr.contains(", step "), "\(r.stderr)")
        #expect(!r.stderr.contains("-nan"))
        #expect(!FileManager.default.fileExists(atPath: "\(d)/div.safetensors"))
    }

    @Test func fineTuningStartsFromTheGivenWeights() throws {
        let d = CLI.tempDir()
        let data = try dataset(d)
        let base = ["train", "--arch", "lstm", "--train", data, "--hidden", "6", "--embed", "4", "--batch", "8", "--threads", "2", "--quiet"]
        #expect(try CLI.run(base + ["--epochs", "3", "--out", "\(d)/a.safetensors"]).status == 0)
        // One more epoch from a's weights is not a fresh start: its first loss is a's loss, not ln 2.
        let fresh = try CLI.run(base + ["--epochs", "1", "--lr", "1e-9", "--out", "\(d)/fresh.safetensors"])
        let tuned = try CLI.run(base + ["--epochs", "1", "--lr", "1e-9", "--init-from", "\(d)/a.safetensors", "--out", "\(d)/b.safetensors"])
        #expect(fresh.status == 0 && tuned.status == 0, "\(tuned.stderr)")
        let ea = try CLI.run(["eval", "--model", "\(d)/a.safetensors", "--data", data, "--format", "json"])
        let eb = try CLI.run(["eval", "--model", "\(d)/b.safetensors", "--data", data, "--format", "json"])
        let ef = try CLI.run(["eval", "--model", "\(d)/fresh.safetensors", "--data", data, "--format", "json"])
        func loss(_ r: CLIResult) -> Double {
            let field = r.stdout.split(separator: ",").first { $0.contains("\"loss\"") } ?? ""
            return Double(field.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "") ?? .nan
        }
        #expect(abs(loss(ea) - loss(eb)) < 1e-4 && abs(loss(ea) - loss(ef)) > 1e-3, "\(loss(ea)) \(loss(eb)) \(loss(ef))")
        // Another shape, or --init-from with --resume, is a one-line error.
        let wrong = try CLI.run(["train", "--arch", "gru", "--train", data, "--hidden", "6", "--embed", "4", "--epochs", "1", "--init-from", "\(d)/a.safetensors", "--out", "\(d)/c.safetensors"])
        #expect(wrong.status == 2 && wrong.stderr.contains("the model is lstm-h6"), "\(wrong.stderr)")
        let both = try CLI.run(base + ["--epochs", "1", "--init-from", "\(d)/a.safetensors", "--resume", "\(d)/a.safetensors.state", "--out", "\(d)/c.safetensors"])
        #expect(both.status == 2 && both.stderr.contains("--init-from starts a new run"), "\(both.stderr)")
    }

    @Test func benchPrintsTheAnchorFields() throws {
        let r = try CLI.run(["bench", "--arch", "rnn", "--hidden", "16", "--batch", "4", "--seq-len", "32", "--steps", "2", "--warmup", "1"])
        #expect(r.status == 0)
        for field in ["\"impl\": \"nestnet\"", "\"arch\": \"rnn\"", "\"hidden\": 16", "\"seq_len\": 32", "\"mode\": \"train\"", "\"tokens_per_sec\": "] {
            #expect(r.stdout.contains(field), "\(field)")
        }
    }
}
