import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Training survives kill -9")
struct ResumeTests {
    static let args = ["train", "--arch", "lstm", "--hidden", "8", "--embed", "4", "--language", "c",
                       "--min-length", "24", "--max-length", "96", "--curriculum", "48", "--curriculum-epochs", "2",
                       "--examples-per-epoch", "48", "--batch", "8", "--epochs", "4", "--step-loss", "1",
                       "--valid-count", "24", "--save-every", "2", "--threads", "1", "--seed", "7", "--quiet"]

    func predictions(_ model: String, _ data: String, _ d: String, _ tag: String) throws -> String {
        let r = try CLI.run(["eval", "--model", model, "--data", data, "--predictions", "\(d)/\(tag).jsonl"])
        #expect(r.status == 0, "\(r.stderr)")
        return try String(contentsOfFile: "\(d)/\(tag).jsonl", encoding: .utf8)
    }

    /// A folder of real code for `--corpus` (`lines` functions inside a namespace).
    static func corpus(_ d: String, lines: Int = 30) throws -> String {
        let dir = "\(d)/corpus"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var text = "namespace ns {\n"
        for i in 0..<lines { text += "int f\(i)(int a) { return g(a[\(i)], (a + \(i))); } /* {( */\n" }
        try Data((text + "}\n").utf8).write(to: URL(fileURLWithPath: "\(dir)/a.cc"))
        return dir
    }

    /// With and without real code mixed in: every example is a function of (seed, epoch, position);
    /// with `--schedule cosine-steps` the rate is a function of the step, so a resumed run
    /// trains each step at the rate the uninterrupted one did.
    @Test(arguments: ["generated", "real code", "cosine-steps"])
    func killedAndResumedRunEndsWithTheSameModel(_ kind: String) throws {
        let d = CLI.tempDir()
        let data = "\(d)/probe.jsonl"
        #expect(try CLI.run(["generate", "--count", "30", "--min-length", "24", "--max-length", "96", "--seed", "99", "--out", data, "--quiet"]).status == 0)
        let args = Self.args + (kind == "real code" ? ["--corpus", try Self.corpus(d), "--corpus-fraction", "0.5", "--bptt", "32"]
                                : kind == "cosine-steps" ? ["--schedule", "cosine-steps"] : [])

        // Uninterrupted reference.
        let a = try CLI.run(args + ["--out", "\(d)/a.safetensors"])
        #expect(a.status == 0, "\(a.stderr)")

        // Same run, killed with SIGKILL as soon as its first state file lands, then resumed.
        let state = "\(d)/b.safetensors.state"
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = args + ["--out", "\(d)/b.safetensors"]
        try p.run()
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: state) && p.isRunning && Date() < deadline { usleep(2_000) }
        let killedEarly = p.isRunning
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(FileManager.default.fileExists(atPath: state))
        if killedEarly { #expect(p.terminationReason == .uncaughtSignal) }

        let r = try CLI.run(args + ["--out", "\(d)/b.safetensors", "--resume", state])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try predictions("\(d)/a.safetensors", data, d, "a") == predictions("\(d)/b.safetensors", data, d, "b"))
    }

    @Test func resumingWithAnotherArchitectureFailsAndOverwritesNothing() throws {
        let d = CLI.tempDir()
        #expect(try CLI.run(Self.args + ["--out", "\(d)/m.safetensors"]).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: "\(d)/m.safetensors.state"))
        var other = Self.args
        other[other.firstIndex(of: "--hidden")! + 1] = "12"
        let r = try CLI.run(other + ["--out", "\(d)/m.safetensors", "--resume", "\(d)/m.safetensors.state"])
        #expect(r.status == 2 && r.stderr.contains("state is for lstm-h8"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(d)/m.safetensors.state")) == before)
        // Other real code than the state was trained on.
        let withCorpus = Self.args + ["--corpus", try Self.corpus(d), "--out", "\(d)/c.safetensors"]
        #expect(try CLI.run(withCorpus).status == 0)
        let otherCorpus = CLI.tempDir()
        let changed = try CLI.run(Self.args + ["--corpus", try Self.corpus(otherCorpus, lines: 31), "--out", "\(d)/c.safetensors",
                                               "--resume", "\(d)/c.safetensors.state"])
        #expect(changed.status == 2 && changed.stderr.contains("trained on other data (data.corpus differs)"), "\(changed.stderr)")
        let notState = try CLI.run(Self.args + ["--out", "\(d)/x.safetensors", "--resume", "\(d)/m.safetensors"])
        #expect(notState.status == 2 && notState.stderr.contains("not a NestNet training state"))
    }

    /// A resumed run is given neither --init-from nor --widen (the state holds the grown model),
    /// yet the models it writes still name the model it grew from.
    @Test func resumedWidenedRunKeepsItsOrigin() throws {
        let d = CLI.tempDir()
        #expect(try CLI.run(Self.args + ["--epochs", "1", "--out", "\(d)/base.safetensors"]).status == 0)
        var wide = Self.args
        wide[wide.firstIndex(of: "--hidden")! + 1] = "12"
        let state = "\(d)/w.safetensors.state"
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = wide + ["--init-from", "\(d)/base.safetensors", "--widen", "--out", "\(d)/w.safetensors"]
        try p.run()
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: state) && p.isRunning && Date() < deadline { usleep(2_000) }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        try? FileManager.default.removeItem(atPath: "\(d)/w.safetensors")  // only the resumed run writes it
        let r = try CLI.run(wide + ["--out", "\(d)/w.safetensors", "--resume", state])
        #expect(r.status == 0, "\(r.stderr)")
        let header = String(decoding: try Data(contentsOf: URL(fileURLWithPath: "\(d)/w.safetensors")).prefix(16384), as: UTF8.self)
        #expect(header.contains("\"train.widened_from\": \"lstm-h8\"") && header.contains("\"train.init_from\": \"\(d)/base.safetensors\""), "\(header)")
    }
}
