import Testing
import NestNetSupport

@Suite("JSON writer")
struct JSONWriterTests {
    /// The compact layout every one-line output and JSONL record uses.
    @Test func compactLayout() {
        var w = JSONWriter()
        w.object { o in
            o.field("s", "a\"b\n"); o.field("i", -3); o.field("u", UInt64.max); o.field("d", 0.1); o.field("f", Float(0.57812)); o.field("b", true)
            o.field("none", Int?.none); o.field("list", [1, 2]); o.field("empty", [Int]())
            o.field("nested") { $0.object { $0.field("x", 1.0) } }
            o.field("noObject") { $0.object { _ in } }
        }
        #expect(w.text == #"{"s": "a\"b\n", "i": -3, "u": 18446744073709551615, "d": 0.1, "f": 0.57812, "b": true, "none": null, "list": [1, 2], "empty": [], "nested": {"x": 1.0}, "noObject": {}}"#)
    }

    /// `.lines` puts each member on its own line, indented by the enclosing `.lines` containers
    /// only; an empty one stays `[]`.
    @Test func linesLayout() {
        var w = JSONWriter()
        w.object(.lines) { o in
            o.field("a", 1)
            o.field("runs") { $0.array { $0.object(.lines) { r in
                r.field("results") { $0.array([[1], [2, 3]], .lines) { $0.value($1) } }
                r.field("none") { $0.array([Int](), .lines) { $0.value($1) } }
            } } }
        }
        #expect(w.text == "{\n  \"a\": 1,\n  \"runs\": [{\n    \"results\": [\n      [1],\n      [2, 3]\n    ],\n    \"none\": []\n  }]\n}")
    }

    /// Numbers that JSON cannot hold are null, so the output always parses.
    @Test func nonFiniteNumbersAreNull() throws {
        var w = JSONWriter()
        w.array { $0.value(Double.nan); $0.value(-Double.infinity); $0.value(Float.infinity); $0.value(1e-300) }
        #expect(w.text == "[null, null, null, 1e-300]")
        #expect(try JSONParser.parse(w.text).array?.count == 4)
    }

    /// Whatever is written reads back as the same value (strings with every kind of byte,
    /// numbers at their shortest round-trip form).
    @Test func roundTrips() throws {
        let v = JSONValue.object([("t", .string("\u{0}\u{1f}\u{7f}\\é😀\t")), ("n", .array([.number(5), .number(-0.25), .number(1.5e300)])),
                                  ("o", .object([("k", .null), ("b", .bool(false))]))])
        var w = JSONWriter()
        w.value(v)
        #expect(try JSONParser.parse(w.bytes) == v)
        for d in [0.1, 1.0 / 3, 123456.789, 2.5e-8, -7.0] {
            var n = JSONWriter()
            n.value(d)
            #expect(try JSONParser.parse(n.text).number == d)
        }
    }

    /// `append(to:)` continues a buffer (how JSONL records are written one after another).
    @Test func appendsToABuffer() {
        var out = Array("x\n".utf8)
        JSONWriter.append(to: &out) { $0.object { $0.field("a", 1) } }
        #expect(String(decoding: out, as: UTF8.self) == "x\n{\"a\": 1}")
    }

    @Test func roundingToDecimals() {
        #expect(1.23456.rounded(toDecimals: 4) == 1.2346)
        #expect(2.0.rounded(toDecimals: 1) == 2.0)
    }
}
