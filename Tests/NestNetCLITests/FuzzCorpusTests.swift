import NestNetSupport
import Foundation
import NestingOracle
import ProgramGenerator
import RecurrentNet
import Testing

/// Every input in `Fuzz/corpus` (the seeds of `scripts/fuzz.sh`, and each crash the fuzzers
/// found, kept there once fixed) run through the fuzz targets' checks: a crash found once is
/// a test from then on.
@Suite("Fuzz corpus: parsers of untrusted bytes")
struct FuzzCorpusTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus")

    static func inputs(_ target: String) throws -> [(String, [UInt8])] {
        let dir = root.appendingPathComponent(target)
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted().map { name in
            (name, Array(try Data(contentsOf: dir.appendingPathComponent(name))))
        }
    }

    @Test func oracle() throws {
        let all = try Self.inputs("oracle")
        #expect(!all.isEmpty)
        for (name, bytes) in all {
            let v = NestingOracle.check(bytes), a = NestingOracle.analyze(bytes)
            #expect(v.isValid == a.verdict.isValid && v.error?.offset == a.verdict.error?.offset, "\(name)")
            #expect(a.depth.count == bytes.count, "\(name)")
        }
    }

    @Test func jsonl() throws {
        let all = try Self.inputs("jsonl")
        #expect(all.count >= 3)
        for (name, bytes) in all {
            do {
                let e = try bytes.withUnsafeBufferPointer { try Example(jsonLine: $0) }
                var again: [UInt8] = []
                e.jsonLine(into: &again)
                let back = try again.withUnsafeBufferPointer { try Example(jsonLine: $0) }
                #expect(back.text == e.text && back.valid == e.valid, "\(name)")
            } catch let e as NestNetError {
                #expect(!e.message.contains("\n"), "\(name): multi-line error \(e.message.debugDescription)")
            }
        }
    }

    @Test func safetensors() throws {
        let all = try Self.inputs("safetensors")
        #expect(!all.isEmpty)
        for (name, bytes) in all {
            do {
                let c = try RecurrentModel.load(bytes: bytes, source: "fuzz.safetensors")
                if c.model.parameterCount < 200_000 { _ = c.model.predict([Array("int f() { return (1); }".utf8)], threads: 1) }
            } catch let e as NestNetError {
                #expect(!e.message.contains("\n"), "\(name): multi-line error \(e.message.debugDescription)")
            }
        }
    }
}
