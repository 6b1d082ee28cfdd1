import Foundation
import NestNetSupport
import Testing
@testable import ProgramGenerator

@Suite("JSONL dataset files")
struct DatasetFileTests {
    func tempPath(_ name: String) -> String { "/tmp/nestnet-test-\(name)-\(UInt32.random(in: 0...UInt32.max)).jsonl" }

    @Test func byteIdenticalForTheSameSeedAnyThreadCount() throws {
        let g = try ExampleGenerator(GeneratorOptions(language: .c, minLength: 64, maxLength: 300))
        let a = tempPath("a"), b = tempPath("b")
        defer { try? FileManager.default.removeItem(atPath: a); try? FileManager.default.removeItem(atPath: b) }
        try Dataset.write(g, count: 300, seed: 5, to: a, threads: 1)
        try Dataset.write(g, count: 300, seed: 5, to: b, threads: 2)
        #expect(try readFile(a) == readFile(b))
        let back = try Dataset.read(a)
        #expect(back.count == 300)
        #expect(back.filter(\.valid).count == 150)
        let again = (0..<300).map { g.example(seed: 5, index: $0, valid: back[$0].valid) }
        #expect(back == again)
    }

    @Test func malformedLinesNameTheLine() throws {
        let p = tempPath("bad")
        defer { try? FileManager.default.removeItem(atPath: p) }
        try AtomicFile.write(Array("{\"text\": \"()\", \"valid\": true}\n{\"text\": 3}\n".utf8), to: p)
        #expect(throws: NestNetError.self) { try Dataset.read(p) }
        do { _ = try Dataset.read(p) } catch let e as NestNetError { #expect(e.message.contains(":2:")) }
        let empty = tempPath("empty")
        defer { try? FileManager.default.removeItem(atPath: empty) }
        try AtomicFile.write([], to: empty)
        #expect(throws: NestNetError.self) { try Dataset.read(empty) }
        #expect(throws: NestNetError.self) { try Dataset.read("/nonexistent/x.jsonl") }
    }

    /// Texts outside what a byte model reads: empty, a `length` that is not the UTF-8 byte
    /// count (a file written as if each character were one byte), an edit offset past the end.
    @Test(arguments: [
        (#"{"text": "", "valid": true}"#, "is empty"),
        (#"{"text": "f(\u00e9)", "valid": true, "length": 4}"#, "holds 5 bytes"),
        (#"{"text": "f()", "length": "3"}"#, "must be an integer"),
        (#"{"text": "f()", "valid": false, "edit": {"kind": "delete-closer", "offset": 9}}"#, "outside the text"),
    ])
    func textsOutsideTheByteRangeNameTheLine(line: String, message: String) throws {
        let p = tempPath("range")
        defer { try? FileManager.default.removeItem(atPath: p) }
        try AtomicFile.write(Array("{\"text\": \"()\", \"valid\": true, \"length\": 2}\n\(line)\n".utf8), to: p)
        do {
            _ = try Dataset.read(p)
            Issue.record("read \(line) without an error")
        } catch let e as NestNetError {
            #expect(e.message.contains(":2: "), "\(e.message)")
            #expect(e.message.contains(message), "\(e.message)")
        }
    }

    @Test func unwritableOutputLeavesNothing() throws {
        let g = try ExampleGenerator(GeneratorOptions())
        #expect(throws: NestNetError.self) { try Dataset.write(g, count: 3, seed: 1, to: "/nonexistent-dir/out.jsonl") }
    }

    @Test func jsonLineRoundTrip() throws {
        let e = Example(labelling: Array("a(\"\\\t\u{1}\")]".utf8), edit: Edit(kind: .insertCloser, offset: 7, decoy: false))
        var line: [UInt8] = []
        e.jsonLine(into: &line)
        let back = try line.withUnsafeBufferPointer { try Example(jsonLine: $0) }
        #expect(back == e)
    }
}
