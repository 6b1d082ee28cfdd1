import Foundation
import Testing

/// `nestnet average`: checkpoints in, their mean out, inputs never touched.
@Suite("nestnet average")
struct AverageCommandTests {
    /// The tensors of a safetensors file (F32), by name.
    static func tensors(_ path: String) throws -> (values: [String: [Float]], metadata: [String: String]) {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let n = Int(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + n))) as! [String: Any]
        var values: [String: [Float]] = [:]
        for (name, v) in header where name != "__metadata__" {
            let offsets = (v as! [String: Any])["data_offsets"] as! [Int]
            let bytes = data.subdata(in: (8 + n + offsets[0])..<(8 + n + offsets[1]))
            values[name] = bytes.withUnsafeBytes { raw in (0..<(bytes.count / 4)).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) } }
        }
        return (values, header["__metadata__"] as? [String: String] ?? [:])
    }

    @Test func averagesTwoCheckpointsAndRefusesBadInput() throws {
        let d = CLI.tempDir()
        for seed in ["1", "2"] {
            let t = try CLI.run(["train", "--epochs", "1", "--examples-per-epoch", "16", "--valid-count", "8", "--hidden", "8", "--embed", "4",
                                 "--max-length", "96", "--seed", seed, "--out", "\(d)/m\(seed).safetensors", "--quiet"])
            #expect(t.status == 0, "\(t.stderr)")
        }
        let r = try CLI.run(["average", "\(d)/m1.safetensors", "\(d)/m2.safetensors", "--out", "\(d)/avg.safetensors"])
        #expect(r.status == 0 && r.stdout.contains("averaged 2 lstm-h8 checkpoints"), "\(r.stderr)")
        let a = try Self.tensors("\(d)/m1.safetensors"), b = try Self.tensors("\(d)/m2.safetensors")
        let m = try Self.tensors("\(d)/avg.safetensors")
        #expect(Set(m.values.keys) == Set(a.values.keys) && !a.values.isEmpty)
        for (name, va) in a.values {
            let vb = b.values[name]!, vm = m.values[name]!
            #expect(vm == zip(va, vb).map { ($0 + $1) / 2 }, "\(name)")
        }
        #expect(m.metadata["average.models"]?.contains("m2.safetensors") == true)
        #expect(m.metadata["average.sha256"]?.count ?? 0 > 2 * 64)
        #expect(m.metadata["train.seed"] == nil, "no training metadata on a model no training made")
        // The average is a checkpoint like any other.
        let g = try CLI.run(["generate", "--language", "c", "--count", "8", "--max-length", "96", "--seed", "3", "--out", "\(d)/g.jsonl", "--quiet"])
        #expect(g.status == 0)
        let e = try CLI.run(["eval", "--model", "\(d)/avg.safetensors", "--data", "\(d)/g.jsonl"])
        #expect(e.status == 0, "\(e.stderr)")

        let before = try Data(contentsOf: URL(fileURLWithPath: "\(d)/m1.safetensors"))
        let same = try CLI.run(["average", "\(d)/m1.safetensors", "\(d)/m2.safetensors", "--out", "\(d)/m1.safetensors"])
        #expect(same.status == 2 && same.stderr.contains("refusing to overwrite"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(d)/m1.safetensors")) == before)
        let one = try CLI.run(["average", "\(d)/m1.safetensors", "--out", "\(d)/x.safetensors"])
        #expect(one.status == 2 && one.stderr.contains("two or more"))
        let wide = try CLI.run(["train", "--epochs", "1", "--examples-per-epoch", "16", "--valid-count", "8", "--hidden", "12", "--embed", "4",
                                "--max-length", "96", "--out", "\(d)/w.safetensors", "--quiet"])
        #expect(wide.status == 0)
        let mixed = try CLI.run(["average", "\(d)/m1.safetensors", "\(d)/w.safetensors", "--out", "\(d)/x.safetensors"])
        #expect(mixed.status == 2 && mixed.stderr.contains("cannot average") && mixed.stderr.split(separator: "\n").count == 1)
        let bad = try CLI.run(["average", "\(d)/m1.safetensors", "\(d)/g.jsonl", "--out", "\(d)/x.safetensors"])
        #expect(bad.status == 2 && bad.stderr.contains("g.jsonl"))
        #expect(!FileManager.default.fileExists(atPath: "\(d)/x.safetensors"))
    }
}
