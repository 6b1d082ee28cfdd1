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
