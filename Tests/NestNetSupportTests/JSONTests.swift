import Testing
import Foundation
@testable import NestNetSupport

@Suite("JSON and atomic files")
struct JSONTests {
    @Test func parsesValues() throws {
        let v = try JSONParser.parse(#"{"a": [1, -2.5e3, true, null], "b": "x\u00e9\ud83d\ude00\n"}"#)
        #expect(v["a"]?.array?.count == 4)
        #expect(v["a"]?.array?[1].number == -2500)
        #expect(v["b"]?.string == "xé😀\n")
    }

    @Test func rejectsBadJSON() {
        for bad in ["{", "{\"a\" 1}", "{\"a\": 1, \"a\": 2}", "[{\"x\": {\"b\": 1, \"b\": 1}}]", "[1,]", "\"\\ud800\"", "\"a\u{1}\"", "01", "{} x", "tru"] {
            let e = #expect(throws: NestNetError.self, "\(bad)") { try JSONParser.parse(bad) }
            guard case .invalidJSON(line: 1, column: _)? = e?.kind else { Issue.record("\(bad): \(String(describing: e))"); continue }
        }
    }

    /// Errors name the line and the column within it, not a byte offset into the whole text.
    @Test func errorsGiveTheLineAndColumn() {
        let text = "{\n  \"a\": 1,\n  \"b\" 2\n}"
        let e = #expect(throws: NestNetError.self) { try JSONParser.parse(text) }
        #expect(e?.kind == .invalidJSON(line: 3, column: 7))
        #expect(e?.message == "expected ':' at line 3, column 7")
        let one = #expect(throws: NestNetError.self) { try JSONParser.parse("[1, 2,]") }
        #expect(one?.message == "unexpected character ']' at column 7")
    }

    @Test func quoting() throws {
        let s = "a\"b\\c\n\u{0}"
        #expect(try JSONParser.parse(JSONText.quote(s)).string == s)
    }

    @Test func atomicWriteReplacesWhole() throws {
        let p = NSTemporaryDirectory() + "nestnet-atomic-\(UUID().uuidString)"
        defer { unlink(p) }
        try AtomicFile.write(Array("old".utf8), to: p)
        struct Boom: Error {}
        #expect(throws: Boom.self) { try AtomicFile.write(to: p) { w in w.write("partial"); throw Boom() } }
        #expect(try readFile(p) == Array("old".utf8))
        try AtomicFile.write(Array("new".utf8), to: p)
        #expect(try readFile(p) == Array("new".utf8))
        #expect(throws: NestNetError.self) { try readFile(p, limit: 2) }
    }
}

@Suite("SHA-256")
struct SHA256Tests {
    @Test func knownDigests() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }
}
