import NestNetSupport
import Foundation
import NestingOracle
import Testing
@testable import ProgramGenerator

@Suite("Examples cut from real code")
final class RealCodeWindowsTests {
    /// This test's folder for the files it writes (each test runs on an instance of its own),
    /// removed when the test ends.
    let dir = NSTemporaryDirectory() + "nestnet-rcw-\(UUID().uuidString)"
    deinit { try? FileManager.default.removeItem(atPath: dir) }

    /// A header whose code all sits inside `extern "C" {`: no top-level line break is ever
    /// at depth 0, so only windows at depth 1 exist.
    static let header: String = {
        var s = "#ifndef LIB_H\n#define LIB_H\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n"
        for i in 0..<60 {
            s += "/* call \(i): returns (x[\(i)]) — naïve café {é} */\nint lib_call_\(i)(int a[\(i + 1)], const char *s);\n"
            s += "static inline int lib_inline_\(i)(int x) { return (x + \(i)) * f(g[\(i)]); }\n"
        }
        return s + "#ifdef __cplusplus\n}\n#endif\n#endif\n"
    }()

    func write(_ text: String, _ name: String) throws -> String {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/" + name
        try AtomicFile.write(Array(text.utf8), to: path)
        return path
    }

    @Test func windowsAreCutAtAnyDepthAndLabelledByTheOracle() throws {
        let path = try write(Self.header, "lib.h")
        #expect(NestingOracle.check(Self.header).isValid)
        let w = try RealCodeWindows(paths: [path], minLength: 200, maxLength: 1500)
        var insideExternC = 0, made = 0
        for i in 0..<200 {
            guard let e = w.example(seed: 3, index: i, valid: i % 2 == 0) else { continue }
            made += 1
            #expect(e.valid == (i % 2 == 0))
            #expect(NestingOracle.check(e.text).isValid == e.valid)
            #expect((200...1500).contains(e.text.count))
            if !String(decoding: e.text, as: UTF8.self).contains("extern") { insideExternC += 1 }
        }
        #expect(made >= 190)
        #expect(insideExternC >= 150, "windows inside extern \"C\" { … }: \(insideExternC)")
    }

    @Test func wholeFilesAreTakenWhole() throws {
        let path = try write(Self.header, "lib.h")
        let w = try RealCodeWindows(paths: [path], minLength: 64, maxLength: 1 << 20)
        for i in 0..<20 {
            let e = try #require(w.example(seed: 9, index: i, valid: i % 2 == 1, lengths: .log, wholeFiles: 1))
            #expect(abs(e.text.count - Self.header.utf8.count) <= 1)
            #expect(e.edit != nil)
        }
    }

    /// `--corpus-focus`: texts cut around a focus point cover it; without focus they rarely do.
    @Test func focusWindowsCoverTheirPoint() throws {
        let marker = "int focus_marker_here = (1);\n"
        let text = Self.header.replacingOccurrences(of: "int lib_call_30(", with: marker + "int lib_call_30(")
        let path = try write(text, "lib.h")
        var w = try RealCodeWindows(paths: [path], minLength: 100, maxLength: 800)
        let offset = text.utf8.count - text.split(separator: "focus_marker", maxSplits: 1)[1].utf8.count
        #expect(w.setFocus([(path, offset), (path + ".missing", 0), (path, text.utf8.count + 1)]).count == 2)
        #expect(w.focusCount == 1)
        func covered(_ focus: Double) -> Int {
            (0..<200).filter { i in
                guard let e = w.example(seed: 5, index: i, valid: true, lengths: .log, focus: focus) else { return false }
                return String(decoding: e.text, as: UTF8.self).contains("focus_mark")
            }.count
        }
        #expect(covered(1) >= 190, "focused texts covering the point: \(covered(1)) of 200")
        #expect(covered(0) <= 60, "unfocused texts covering the point: \(covered(0)) of 200")
        // Deterministic, and the focus draw leaves unfocused streams as they were.
        #expect(w.example(seed: 5, index: 7, valid: false, focus: 1)?.text == w.example(seed: 5, index: 7, valid: false, focus: 1)?.text)
        var plain = try RealCodeWindows(paths: [path], minLength: 100, maxLength: 800)
        #expect(plain.example(seed: 5, index: 3, valid: true)?.text == w.example(seed: 5, index: 3, valid: true, focus: 0)?.text)
        _ = plain.setFocus([])
        #expect(plain.focusCount == 0)
    }

    /// Every example says where its text was cut from: the file's bytes at that offset are the
    /// text, up to the edit (windows, whole files, bracket groups and focus windows alike).
    @Test func examplesNameWhereTheirTextWasCut() throws {
        let a = try write(Self.header, "lib.h"), b = try write(Self.header.replacingOccurrences(of: "lib_", with: "other_"), "other.h")
        var w = try RealCodeWindows(paths: [a, b], minLength: 1, maxLength: 1 << 20)
        _ = w.setFocus([(b, 2000)])
        var files = Set<String>(), cutInside = 0
        for i in 0..<300 {
            let (e, origin) = try #require(w.sourcedExample(seed: 11, index: i, valid: i % 2 == 0, lengths: .log,
                                                            wholeFiles: 0.2, focus: i % 3 == 0 ? 0.5 : 0))
            #expect(e.text == w.example(seed: 11, index: i, valid: i % 2 == 0, lengths: .log, wholeFiles: 0.2, focus: i % 3 == 0 ? 0.5 : 0)?.text)
            let file = try readFile(origin.path)
            let same = e.edit?.offset ?? e.text.count
            #expect(Array(file[origin.offset..<min(file.count, origin.offset + same)]) == Array(e.text[..<same]), "example \(i)")
            files.insert(origin.path)
            if origin.offset > 0 { cutInside += 1 }
        }
        #expect(files == [a, b] && cutInside > 100)
        // `dataset windows` writes it as "source" (the reader ignores it).
        let (e, origin) = try #require(w.sourcedExample(seed: 11, index: 1, valid: false))
        var line: [UInt8] = []
        e.jsonLine(into: &line, origin: origin)
        let v = try JSONParser.parse(line)
        #expect(v["source"]?["path"]?.string == origin.path && v["source"]?["offset"]?.int == origin.offset)
        #expect(try line.withUnsafeBufferPointer { try Example(jsonLine: $0) }.text == e.text)
    }

    @Test func tinyTextsComeFromBracketGroups() throws {
        let path = try write(Self.header, "lib.h")
        let w = try RealCodeWindows(paths: [path], minLength: 1, maxLength: 64)
        var lengths: [Int] = []
        for i in 0..<300 {
            guard let e = w.example(seed: 4, index: i, valid: i % 2 == 0, lengths: .log) else { continue }
            #expect(NestingOracle.check(e.text).isValid == e.valid)
            lengths.append(e.text.count)
        }
        #expect(lengths.count >= 250)
        #expect(lengths.filter { $0 <= 8 }.count >= 20, "short texts: \(lengths.sorted().prefix(40))")
    }

    /// Issue 12: an edit placed inside a multi-byte character made invalid UTF-8, which the
    /// dataset reader then rejected. Every edit, corrupting or decoy, lands between characters.
    @Test func editsNeverSplitAMultiByteCharacter() throws {
        let text = Array("/* é{ü}ö[ä]ß(ç) — “quoted” 日本語{} */\nint f(int a) { return g(\"ñ(é)\", a[0]); } // ☃{}\n".utf8)
        let editor = Editor(text: text, window: 0..<text.count)
        for seed in 0..<400 {
            var rng = SeededRandom(seed: UInt64(seed))
            for kind in EditKind.allCases where kind != .flipBracket {
                for decoy in [true, false] {
                    guard let (t, _) = editor.apply(kind, decoy: decoy, rng: &rng) else { continue }
                    #expect(String(validating: t, as: UTF8.self) != nil, "\(kind) decoy=\(decoy) seed \(seed)")
                }
            }
        }
    }
}
