import Foundation
import Testing

/// Issue 13: no input crashes, hangs, exhausts memory or destroys a file. One test per promise,
/// named for what it protects.
@Suite("Hardening: hostile inputs and outputs")
struct HardeningTests {
    func write(_ text: String, _ path: String) throws { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) }
    func small(_ d: String) throws -> String {
        try FileManager.default.createDirectory(atPath: "\(d)/src", withIntermediateDirectories: true)
        try write("int f(void) { return (1); }\n", "\(d)/src/a.c")
        return "\(d)/src"
    }
    func type(_ p: String) -> mode_t { var st = stat(); return lstat(p, &st) == 0 ? st.st_mode & S_IFMT : 0 }

    // MARK: 1–2. Outputs never replace special files, links or inputs.

    @Test func reportsAreWrittenThroughFIFOsAndLinksNotReplacingThem() throws {
        let d = CLI.tempDir(), src = try small(d)
        // A FIFO as --junit: the report flows through it, the FIFO stays.
        #expect(mkfifo("\(d)/junit.xml", 0o600) == 0)
        let reader = FIFOReader("\(d)/junit.xml")
        let r = try CLI.run(["check", src, "--junit", "\(d)/junit.xml"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(reader.wait().contains("<testsuite"))
        #expect(type("\(d)/junit.xml") == S_IFIFO)
        // A link as --sarif: the link stays, its target gets the report.
        try write("old", "\(d)/real.sarif")
        #expect(symlink("real.sarif", "\(d)/link.sarif") == 0)
        #expect(try CLI.run(["check", src, "--sarif", "\(d)/link.sarif"]).status == 0)
        #expect(type("\(d)/link.sarif") == S_IFLNK)
        #expect(try String(contentsOfFile: "\(d)/real.sarif", encoding: .utf8).contains("\"version\": \"2.1.0\""))
        // /dev/stdout is stdout, not a file to replace.
        let s = try CLI.run(["check", src, "--format", "json", "--junit", "/dev/stdout"])
        #expect(s.status == 0 && s.stdout.contains("<testsuite") && s.stdout.contains("\"files\""))
        #expect(type("/dev/null") == S_IFCHR)
        #expect(try CLI.run(["check", src, "--junit", "/dev/null", "--sarif", "/dev/null"]).status == 0)
        #expect(type("/dev/null") == S_IFCHR, "still the device")
    }

    @Test func anOutputThatIsAnInputIsRefusedBeforeAnyWork() throws {
        let d = CLI.tempDir(), src = try small(d)
        let before = try Data(contentsOf: URL(fileURLWithPath: "\(src)/a.c"))
        #expect(symlink("\(src)/a.c", "\(d)/alias.xml") == 0)
        for args in [["check", src, "--junit", "\(src)/a.c"], ["check", src, "--sarif", "\(d)/alias.xml"],
                     ["check", src, "--junit", "\(d)/r.xml", "--sarif", "\(d)/./r.xml"]] {
            let r = try CLI.run(args)
            #expect(r.status == 2 && r.stderr.contains("refusing"), "\(args): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(src)/a.c")) == before)
        // eval --data D --predictions D; dataset windows --out <an input>; train --state = --out.
        let g = try CLI.run(["generate", "--count", "4", "--seed", "1", "--out", "\(d)/data.jsonl", "--quiet"])
        #expect(g.status == 0)
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(d)/data.jsonl"))
        let e = try CLI.run(["eval", "--data", "\(d)/data.jsonl", "--predictions", "\(d)/data.jsonl"])
        #expect(e.status == 2 && e.stderr.contains("--predictions") && e.stderr.contains("refusing"), "\(e.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(d)/data.jsonl")) == data)
        let w = try CLI.run(["dataset", "windows", src, "--count", "2", "--out", "\(src)/a.c"])
        #expect(w.status == 2 && w.stderr.contains("refusing"), "\(w.stderr)")
        try write("x", "\(d)/m.safetensors")
        let t = try CLI.run(["train", "--epochs", "1", "--examples-per-epoch", "8", "--out", "\(d)/m.safetensors", "--state", "\(d)/m.safetensors"])
        #expect(t.status == 2 && t.stderr.contains("refusing"), "\(t.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(src)/a.c")) == before)
    }


    // MARK: 6. Special files never hang a walk.

    @Test func aFIFOInATreeIsSkippedWithAReasonNotReadForever() throws {
        let d = CLI.tempDir(), src = try small(d)
        #expect(mkfifo("\(src)/pipe.c", 0o600) == 0)
        let r = try CLI.run(["check", src, "--format", "json"])  // would block in open() before
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("pipe.c\", \"status\": \"skipped\"") && r.stdout.contains("a FIFO, not a regular file"))
        // As a model, data or notes file it is refused at once.
        for args in [["check", src, "--model", "\(src)/pipe.c"], ["eval", "--data", "\(src)/pipe.c"]] {
            let e = try CLI.run(args)
            #expect(e.status == 2 && e.stderr.contains("a FIFO, not a regular file"), "\(args): \(e.stderr)")
        }
        // Named on the command line, it is read like `-` (here fed by another thread).
        let fifo = "\(src)/pipe.c"
        Thread.detachNewThread {
            let h = FileHandle(forWritingAtPath: fifo)
            h?.write(Data("int a[2] = { 1, 2 };\n".utf8))
            try? h?.close()
        }
        let n = try CLI.run(["check", fifo, "--format", "json"])
        #expect(n.status == 0 && n.stdout.contains("\"status\": \"checked\""), "\(n.stdout)\(n.stderr)")
    }

    // MARK: 10–11, 14–15. Names, streams, globs, links.

    @Test func fileNamesCannotInjectLinesOrWorkflowCommands() throws {
        let d = CLI.tempDir()
        let name = "x\n::error file=src,line=1::INJECTED.c"
        try write("int g(void) { return (2; }\n", "\(d)/\(name)")
        for args in [["check", d, "--github"], ["check", d, "--verbose"], ["check", d, "--format", "json"]] {
            let r = try CLI.run(args)
            #expect(r.status == 1, "\(args): \(r.stderr)")
            for line in (r.stdout + r.stderr).split(separator: "\n") {
                #expect(!line.hasPrefix("::error file=src"), "\(args): injected line \(line)")
            }
            #expect(r.stdout.contains("x\\u{a}::error") || r.stdout.contains("x\\\\u{a}::error"), "\(args): \(r.stdout)")
        }
        let j = try CLI.run(["check", d, "--junit", "\(d)/r.xml", "--sarif", "\(d)/r.sarif"])
        #expect(j.status == 1)
        for f in ["r.xml", "r.sarif"] {
            #expect(!(try String(contentsOfFile: "\(d)/\(f)", encoding: .utf8)).contains("x\n::"))
        }
    }

    @Test func namesThatAreNotUTF8AreCheckedAndShownEscaped() throws {
        let d = CLI.tempDir()
        var raw = Array("\(d)/bad".utf8) + [0xFF] + Array(".c".utf8) + [0]
        let fd = raw.withUnsafeMutableBufferPointer { p in p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { open($0, O_CREAT | O_WRONLY, 0o644) } }
        #expect(fd >= 0)
        let text = Array("int f(void) { return (1]; }\n".utf8)
        #expect(Glibc.write(fd, text, text.count) == text.count)
        close(fd)
        let r = try CLI.run(["check", d, "--verbose"])
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("bad\\xFF.c:1:"), "\(r.stdout)")
        #expect(!r.stdout.contains("No such file"))
        raw.removeLast()
        _ = raw
    }

    @Test func jsonOnStdoutStaysJSONWithGitHubAnnotations() throws {
        let d = CLI.tempDir()
        try write("int f() { return (1; }\n", "\(d)/bad.c")
        let r = try CLI.run(["check", d, "--format", "json", "--github"])
        #expect(r.status == 1)
        #expect(r.stdout.hasPrefix("{") && !r.stdout.contains("::error"))
        #expect(r.stderr.contains("::error file="))
        #expect((try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) != nil)
    }

    @Test func invalidGlobsAndLinkLoopsAreNamedNotPassedOver() throws {
        let d = CLI.tempDir(), src = try small(d)
        for g in ["[", "a[b", "x\\"] {
            let r = try CLI.run(["check", src, "--include", g])
            #expect(r.status == 2 && r.stderr.contains("invalid glob"), "\(g): \(r.stderr)")
        }
        #expect(try CLI.run(["check", src, "--include", "[a]*.c"]).stdout.contains("1 file"))
        #expect(symlink("l2.c", "\(src)/l1.c") == 0 && symlink("l1.c", "\(src)/l2.c") == 0)
        let r = try CLI.run(["check", src, "--verbose"])
        #expect(r.status == 2 && r.stdout.contains("l1.c: error: symbolic link loop") && !r.stdout.contains("dangling"), "\(r.stdout)")
    }
}

/// Reads a FIFO to the end on another thread.
final class FIFOReader: @unchecked Sendable {
    private var text = ""
    private let done = DispatchSemaphore(value: 0)
    init(_ path: String) {
        Thread.detachNewThread { [self] in
            text = String(decoding: FileHandle(forReadingAtPath: path)?.readDataToEndOfFile() ?? Data(), as: UTF8.self)
            done.signal()
        }
    }
    func wait() -> String { done.wait(); return text }
}
