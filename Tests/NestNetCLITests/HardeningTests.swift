import DefaultModel
import NestNetSupport
import Foundation
import RecurrentNet
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


    @Test func aFileWhereAFolderMustGoIsOneLine() throws {
        let d = CLI.tempDir()
        try write("x", "\(d)/afile")
        for out in ["\(d)/afile", "\(d)/afile/sub"] {
            let r = try CLI.run(["sweep", "--out", out, "--epochs", "1"])
            #expect(r.status == 2 && r.stderr == "nestnet: error: cannot create folder \(d)/afile: a file of that name is in the way\n", "\(r.stderr)")
        }
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


/// Issue 13 items 3–5, 9, 13: crafted checkpoints, states and endless inputs.
@Suite("Hardening: crafted models, states and endless inputs")
struct CraftedInputTests {
    @Test func endlessOrSpecialInputsAreRefusedAtOnce() throws {
        let d = CLI.tempDir()
        try Data("int x;\n".utf8).write(to: URL(fileURLWithPath: "\(d)/a.c"))
        for args in [["eval", "--data", "/dev/zero"], ["check", d, "--model", "/dev/zero"], ["report", d, "--notes", "/dev/zero"],
                     ["train", "--train", "/dev/zero", "--out", "\(d)/m.safetensors", "--epochs", "1"]] {
            let r = try CLI.run(args)
            #expect(r.status == 2 && r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
        }
        // A JSONL file without a newline is read line by line and bounded, not slurped.
        var line = "x"
        let e = #expect(throws: NestNetError.self) {
            try Data(String(repeating: "a", count: 300).utf8).write(to: URL(fileURLWithPath: "\(d)/one.jsonl"))
            try LineReader.forEachLine("\(d)/one.jsonl", maxLine: 100) { _, l in line = String(decoding: l, as: UTF8.self) }
        }
        #expect(e?.message.contains("line longer than 100 bytes") == true && line == "x")
    }

    @Test func finiteButHugeWeightsAreAnErrorNeverAPass() throws {
        let d = CLI.tempDir()
        let m = try DefaultModel.load().model
        var p = m.parameters
        for i in p.indices { p[i] = (i % 2 == 0 ? 1 : -1) * Float.greatestFiniteMagnitude / 2 }  // sums overflow: inf − inf
        try RecurrentModel(config: m.config, parameters: p).save(to: "\(d)/huge.safetensors")
        try Data("int f(void) { return (1); }\n".utf8).write(to: URL(fileURLWithPath: "\(d)/a.c"))
        let r = try CLI.run(["check", "\(d)/a.c", "--model", "\(d)/huge.safetensors", "--format", "json"])
        #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
        #expect(!r.stdout.lowercased().contains("nan") && r.stdout.contains("\"status\": \"error\""), "\(r.stdout)")
        #expect((try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) != nil)
        #expect(try CLI.run(["generate", "--count", "4", "--out", "\(d)/g.jsonl", "--quiet"]).status == 0)
        let e = try CLI.run(["eval", "--data", "\(d)/g.jsonl", "--model", "\(d)/huge.safetensors"])
        #expect(e.status == 2 && e.stderr.contains("not a finite number") && !e.stdout.contains("nan"), "\(e.stdout)\(e.stderr)")
    }

    /// A finished tiny run's state, and its counters edited to impossible values.
    @Test func craftedTrainingStatesAreOneLineErrorsNamingTheFile() throws {
        let d = CLI.tempDir()
        let args = ["train", "--arch", "lstm", "--hidden", "8", "--embed", "4", "--min-length", "24", "--max-length", "64",
                    "--examples-per-epoch", "16", "--batch", "8", "--epochs", "2", "--valid-count", "8", "--threads", "1", "--quiet"]
        #expect(try CLI.run(args + ["--out", "\(d)/m.safetensors"]).status == 0)
        let state = try RecurrentModel.load(from: "\(d)/m.safetensors.state")
        let progress = try #require(state.metadata["state.progress"])
        let edits: [(String, String, String)] = [
            ("negative epoch", "state.progress", progress.replacingOccurrences(of: "\"epoch\":3", with: "\"epoch\":-1")),
            ("negative step", "state.progress", progress.replacingOccurrences(of: "\"stepInEpoch\":0", with: "\"stepInEpoch\":-5")),
            ("epoch past the end", "state.progress", progress.replacingOccurrences(of: "\"epoch\":3", with: "\"epoch\":99")),
            ("not JSON", "state.progress", "{"),
            ("wrong type", "state.optimizer", "{\"kind\": 3}"),
        ]
        for (name, key, value) in edits {
            #expect(state.metadata[key] != value, "\(name): the edit must change something")
            var meta = state.metadata
            meta[key] = value
            let tensors = state.model.namedTensors + state.extraTensors.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            try Data(Safetensors.encode(tensors, metadata: meta)).write(to: URL(fileURLWithPath: "\(d)/bad.state"))
            let r = try CLI.run(args + ["--out", "\(d)/r.safetensors", "--resume", "\(d)/bad.state"])
            #expect(r.status == 2 && r.stderr.hasPrefix("nestnet: error: \(d)/bad.state: ") && r.stderr.split(separator: "\n").count == 1,
                    "\(name): \(r.stderr)")
        }
    }

    /// Item 13: resuming a finished run after its model was deleted, or with a new --out,
    /// printed "wrote …", exited 0 and wrote nothing.
    @Test func resumingAFinishedRunNeverClaimsAWrite() throws {
        let d = CLI.tempDir()
        let args = ["train", "--arch", "lstm", "--hidden", "8", "--embed", "4", "--min-length", "24", "--max-length", "64",
                    "--examples-per-epoch", "16", "--batch", "8", "--epochs", "2", "--valid-count", "8", "--threads", "1", "--quiet"]
        #expect(try CLI.run(args + ["--out", "\(d)/m.safetensors"]).status == 0)
        // With its model: nothing to do. Without (a new --out): an error, never "wrote".
        let again = try CLI.run(args.filter { $0 != "--quiet" } + ["--out", "\(d)/m.safetensors", "--resume", "\(d)/m.safetensors.state"])
        #expect(again.status == 0 && again.stderr.contains("nothing to do") && !again.stderr.contains("wrote"), "\(again.stderr)")
        let other = try CLI.run(args + ["--out", "\(d)/new.safetensors", "--state", "\(d)/new.state", "--resume", "\(d)/m.safetensors.state"])
        #expect(other.status == 2 && other.stderr.contains("nothing was written"), "\(other.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(d)/new.safetensors"))
    }
}

/// Issue 13 items 7–8: sizes that were slow or memory-hungry stay linear and bounded.
@Suite("Hardening: depth, length and memory")
struct ScaleTests {
    /// 800 levels took 6 s and 3000 over a minute (a realpath per level); past PATH_MAX the
    /// walk stopped without a word. Now: linear, and the too-long path is named.
    @Test func deepDirectoriesAreWalkedInLinearTimeAndNothingIsLostPastPathMax() throws {
        let d = CLI.tempDir()
        // Built level by level through directory descriptors (the full path soon passes PATH_MAX).
        var fd = open(d, O_RDONLY | O_DIRECTORY)
        for i in 0..<3000 {
            #expect(mkdirat(fd, "d", 0o755) == 0)
            let next = openat(fd, "d", O_RDONLY | O_DIRECTORY)
            close(fd); fd = next
            if i == 1000 {
                let f = openat(fd, "mid.c", O_CREAT | O_WRONLY, 0o644)
                #expect(Glibc.write(f, "int a[1];\n", 10) == 10)
                close(f)
            }
        }
        close(fd)
        try Data("int x;\n".utf8).write(to: URL(fileURLWithPath: "\(d)/top.c"))
        let start = Date()
        let r = try CLI.run(["check", d, "--format", "json"])
        #expect(Date().timeIntervalSince(start) < 30, "a hang guard, not a speed target")
        #expect(r.status == 2, "\(r.stderr)")  // the part past PATH_MAX cannot be opened: an error, named
        #expect(r.stdout.contains("mid.c\", \"status\": \"checked\"") && r.stdout.contains("top.c\", \"status\": \"checked\""))
        #expect(r.stdout.contains("File name too long"))
    }

    @Test func dyckLengthsAreBoundedWithAClearMessage() throws {
        let d = CLI.tempDir()
        let ok = try CLI.run(["generate", "--language", "dyck1", "--count", "2", "--min-length", "65536", "--max-length", "65536",
                              "--out", "\(d)/a.jsonl", "--quiet"])
        #expect(ok.status == 0, "\(ok.stderr)")
        let big = try CLI.run(["generate", "--language", "dyck1", "--count", "1", "--min-length", "400000", "--max-length", "400000",
                               "--out", "\(d)/b.jsonl", "--quiet"])
        #expect(big.status == 2 && big.stderr.contains("over the limit of 65536"), "\(big.stderr)")
    }

    /// `probe counter` kept every state of every byte (10 MB: past 100 s and gigabytes); it now
    /// streams (10 MB: 11 s in a release build) and its trace is capped. 100 KB here: the test
    /// binary is a debug build.
    @Test func counterProbeStreamsLongTexts() throws {
        let d = CLI.tempDir()
        let unit = "int f(int a[3]) { if (x) { return a[0]; } }\\n"
        let text = String(repeating: unit, count: 100_000 / unit.utf8.count)
        try Data("{\"text\": \"\(text)\", \"valid\": true}\n".utf8).write(to: URL(fileURLWithPath: "\(d)/big.jsonl"))
        let r = try CLI.run(["probe", "counter", "--data", "\(d)/big.jsonl", "--count", "1", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let j = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(((j["trace"] as? [String: Any])?["rows"] as? [Any])?.count == 65536)
        #expect(((j["linear_r2"] as? Double) ?? 0) > 0.5)
    }

    /// The oracle's memory grows with nesting depth (13 bytes per open bracket, stated in the
    /// README); a 16 MiB line of `(` stays well under 700 MB of address space.
    @Test func oracleMemoryOnA16MiBLineOfOpenersIsBounded() throws {
        let d = CLI.tempDir()
        try Data(repeating: 40, count: 16 << 20 - 1).write(to: URL(fileURLWithPath: "\(d)/paren.c"))
        let r = try CLI.run(["-c", "ulimit -v 700000; exec \"$0\" check \"$1\" --engine exact", CLI.binary.path, "\(d)/paren.c"], shell: true)
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("a bracket is still open") || r.stdout.contains("unclosed"), "\(r.stdout)")
    }
}
