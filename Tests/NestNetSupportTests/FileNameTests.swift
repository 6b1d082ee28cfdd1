import Testing
@testable import NestNetSupport

/// File names are bytes: every name survives the trip through a `String` and back exactly.
@Suite("File names without loss")
struct FileNameTests {
    @Test func anyBytesRoundTrip() {
        var rng = UInt64(42)
        func next() -> UInt8 { rng = rng &* 6364136223846793005 &+ 1442695040888963407; return UInt8(truncatingIfNeeded: rng >> 33) }
        var cases: [[UInt8]] = [Array("plain.c".utf8), [0x62, 0xFF, 0x2E, 0x63], Array("é😀".utf8),
                                Array("\u{F780}\u{F7FF}".utf8),  // the escape range itself, as valid UTF-8
                                [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]]
        for _ in 0..<2000 { cases.append((0..<Int(next() % 12 + 1)).map { _ in max(1, next()) }) }
        for raw in cases {
            let s = FileName.string(raw)
            #expect(FileName.bytes(s) == raw, "\(raw)")
        }
        #expect(FileName.string(Array("plain.c".utf8)) == "plain.c")
    }

    @Test func displayEscapesWhatCouldMisleadAReader() {
        #expect(FileName.display(FileName.string([0x62, 0xFF, 0x2E, 0x63])) == "b\\xFF.c")
        #expect(FileName.display("a\nb\tc\u{1b}[31m") == "a\\u{a}b\\u{9}c\\u{1b}[31m")
        #expect(FileName.display("src/é.c") == "src/é.c")
    }
}
