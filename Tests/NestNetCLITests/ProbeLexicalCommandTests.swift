import Foundation
import Testing

@Suite("probe lexical: the step head's reading of comments and strings at brackets")
struct ProbeLexicalCommandTests {
    func write(_ text: String, _ path: String) throws { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) }

    /// Every bracket of the files read is counted against the oracle's region, an oversized
    /// file is named on stderr, not dropped silently, and bad input is a one-line error.
    @Test func countsEveryBracketAndNamesWhatItSkips() throws {
        let d = CLI.tempDir()
        try write("int f(int a) { return g(a[0]); } /* ( */\n#define X(a) (a)\n", "\(d)/a.c")
        try write("int x;\n" + String(repeating: "/* pad */\n", count: 20), "\(d)/big.c")
        let r = try CLI.run(["probe", "lexical", d, "--max-bytes", "100", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\"texts\": 1,") && r.stdout.contains("\"skipped\": 1,"), "\(r.stdout)")
        #expect(r.stdout.contains("\"code_brackets\": 8,") && r.stdout.contains("\"inert_brackets\": 5,"), "\(r.stdout)")
        #expect(r.stderr.contains("big.c: skipped: larger than 100 bytes"), "\(r.stderr)")
        let text = try CLI.run(["probe", "lexical", "\(d)/a.c"])
        #expect(text.status == 0 && text.stdout.contains("code brackets read as inert:") && text.stdout.contains("in a #if 0 group:"))

        let neither = try CLI.run(["probe", "lexical"])
        #expect(neither.status != 0 && neither.stderr.contains("give files or folders, or --data, not both"), "\(neither.stderr)")
        let none = try CLI.run(["probe", "lexical", "\(d)/big.c", "--max-bytes", "10"])
        #expect(none.status == 2 && none.stderr.contains("nothing to read"), "\(none.stderr)")
        // A model without a step head has no `inert` output to read.
        #expect(try CLI.run(["train", "--arch", "lstm", "--hidden", "4", "--embed", "2", "--examples-per-epoch", "8", "--epochs", "1",
                             "--valid-count", "4", "--min-length", "16", "--max-length", "32", "--out", "\(d)/m.safetensors", "--quiet"]).status == 0)
        let headless = try CLI.run(["probe", "lexical", "\(d)/a.c", "--model", "\(d)/m.safetensors"])
        #expect(headless.status == 2 && headless.stderr.contains("needs the `inert` one"), "\(headless.stderr)")
    }
}
