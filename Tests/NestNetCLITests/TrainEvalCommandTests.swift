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

    @Test func benchPrintsTheAnchorFields() throws {
        let r = try CLI.run(["bench", "--arch", "rnn", "--hidden", "16", "--batch", "4", "--seq-len", "32", "--steps", "2", "--warmup", "1"])
        #expect(r.status == 0)
        for field in ["\"impl\": \"nestnet\"", "\"arch\": \"rnn\"", "\"hidden\": 16", "\"seq_len\": 32", "\"mode\": \"train\"", "\"tokens_per_sec\": "] {
            #expect(r.stdout.contains(field), "\(field)")
        }
    }
}
