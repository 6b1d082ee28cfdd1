import Foundation
import RecurrentNet
import Testing

@Suite("nestnet check")
struct CheckCommandTests {
    /// A tree with every kind of input the lint step must survive.
    func tree() throws -> String {
        let d = CLI.tempDir()
        let fm = FileManager.default
        for sub in ["src", "src/nested", "vendor", "loop"] { try fm.createDirectory(atPath: "\(d)/\(sub)", withIntermediateDirectories: true) }
        func put(_ p: String, _ s: String) throws { try Data(s.utf8).write(to: URL(fileURLWithPath: "\(d)/\(p)")) }
        try put("src/ok.c", "int main(void) { return (1 + 2) * 3; }\n")
        try put("src/nested/bad.h", "struct s { int a[3; };\n")
        try put("src/empty.c", "")
        try put("src/notes.txt", "not C, not listed ((\n")
        try put("vendor/bad.c", "}")
        try Data([0x69, 0x6e, 0x74, 0x00, 0x01, 0x7b]).write(to: URL(fileURLWithPath: "\(d)/src/blob.c"))
        try Data([0x2f, 0x2a, 0xff, 0xfe, 0x2a, 0x2f, 0x0a, 0x7b, 0x7d, 0x0a]).write(to: URL(fileURLWithPath: "\(d)/src/latin1.c"))
        let deep = String(repeating: "{", count: 20000) + String(repeating: "}", count: 20000)
        try put("src/deep.c", deep)
        try fm.createSymbolicLink(atPath: "\(d)/src/dangling.c", withDestinationPath: "\(d)/nowhere.c")
        try fm.createSymbolicLink(atPath: "\(d)/loop/again", withDestinationPath: "\(d)/loop")
        return d
    }

    @Test func exactEngineOnATreeWithEveryKindOfInput() throws {
        let d = try tree()
        let r = try CLI.run(["check", d, "--engine", "exact", "--format", "json", "--exclude", "vendor",
                             "--junit", "\(d)/junit.xml", "--sarif", "\(d)/report.sarif"])
        #expect(r.status == 2, "an unreadable file (dangling link) makes it 2: \(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let files = json["files"] as! [[String: Any]]
        func entry(_ suffix: String) -> [String: Any]? { files.first { ($0["file"] as! String).hasSuffix(suffix) } }
        #expect(entry("src/ok.c")?["valid"] as? Bool == true)
        #expect(entry("src/nested/bad.h")?["valid"] as? Bool == false)
        #expect((entry("src/nested/bad.h")?["location"] as? [String: Any])?["column"] as? Int == 21)
        #expect(entry("src/empty.c")?["valid"] as? Bool == true)
        #expect(entry("src/blob.c")?["status"] as? String == "skipped")
        #expect(entry("src/latin1.c")?["valid"] as? Bool == true)
        #expect(entry("src/deep.c")?["valid"] as? Bool == true)
        #expect(entry("src/dangling.c")?["status"] as? String == "error")
        #expect(entry("vendor/bad.c")?["status"] as? String == "skipped")
        #expect(entry("notes.txt") == nil)
        #expect(files.contains { ($0["message"] as! String).contains("loop") })
        // Sorted, stable order.
        let names = files.compactMap { $0["file"] as? String }.filter { $0.contains("/src/") }
        #expect(names == names.sorted())
        let junit = try String(contentsOfFile: "\(d)/junit.xml", encoding: .utf8)
        #expect(junit.components(separatedBy: "<testcase").count - 1 == files.count)
        let sarif = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(d)/report.sarif"))) as! [String: Any]
        let results = ((sarif["runs"] as! [[String: Any]])[0]["results"] as! [[String: Any]])
        #expect(results.count == 1 && (results[0]["ruleId"] as! String) == "nestnet/nesting")
        let settings = ((sarif["runs"] as! [[String: Any]])[0]["invocations"] as! [[String: Any]])[0]["properties"] as? [String: Any]
        #expect(settings?["engine"] as? String == "exact" && settings?["threshold"] == nil, "no model ran: no model settings")
    }

    @Test func exitCodesAndTextOutput() throws {
        let d = try tree()
        let ok = try CLI.run(["check", "\(d)/src/ok.c", "--engine", "exact"])
        #expect(ok.status == 0 && ok.stdout.contains("1 valid, 0 invalid"))
        let bad = try CLI.run(["check", "\(d)/src/nested/bad.h", "--engine", "exact"])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("bad.h:1:21: error: expected ']' but found '}'"))
        let big = try CLI.run(["check", "\(d)/src/deep.c", "--engine", "exact", "--max-bytes", "100"])
        #expect(big.status == 2 && big.stdout.contains("larger than --max-bytes 100"))
        let usage = try CLI.run(["check", "--threshold", "0"])
        #expect(usage.status == 2)
        for (args, needle) in [(["--step-threshold", "0"], "--step-threshold must be in (0, 1]"),
                               (["--step-threshold", "0.5", "--engine", "exact"], "--step-threshold sets the model's step head")] {
            let r = try CLI.run(["check"] + args)
            #expect(r.status == 2 && r.stderr.contains(needle), "\(args): \(r.stderr)")
        }
        let hold = try CLI.run(["check", "--hold", "-1"])
        #expect(hold.status == 2 && hold.stderr.contains("--hold must be 0 (never) or a number of bytes"))
        let missing = try CLI.run(["check", "\(d)/nope.c", "--engine", "exact"])
        #expect(missing.status == 2 && missing.stdout.contains("No such file"))
    }

    @Test func skippedFilesAreNamedInTextOutput() throws {
        let d = try tree()
        let r = try CLI.run(["check", d, "--engine", "exact", "--exclude", "vendor"])
        #expect(r.stdout.contains("src/blob.c: warning: skipped: binary file (NUL bytes)"), "\(r.stdout)")
        #expect(!r.stdout.contains("vendor/bad.c"), "excluded files only with --verbose")
        let v = try CLI.run(["check", d, "--engine", "exact", "--exclude", "vendor", "--verbose"])
        #expect(v.stdout.contains("vendor/bad.c: warning: skipped: excluded by --exclude"))
    }

    @Test func githubAnnotationsAreEscaped() throws {
        let d = CLI.tempDir()
        try Data("int f() {\n  g(a,\n".utf8).write(to: URL(fileURLWithPath: "\(d)/we,ird:name.c"))
        let r = try CLI.run(["check", "\(d)/we,ird:name.c", "--engine", "exact", "--github"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("::error file=") && r.stdout.contains("we%2Cird%3Aname.c,line=2,col=4,title=nesting::"))
    }

    @Test func standardInput() throws {
        let r = try CLI.run(["check", "-", "--engine", "exact"], stdin: Data("void f(void) { if (x) { } \n".utf8))
        #expect(r.status == 1 && r.stdout.contains("<stdin>:1:14: error"))
    }

    @Test func embeddedModelRunsByDefault() throws {
        let d = try tree()
        let r = try CLI.run(["check", "\(d)/src/ok.c", "\(d)/src/nested/bad.h", "--format", "json", "--engine", "both"])
        #expect(r.status == 0 || r.status == 1, "\(r.stderr)")
        #expect(r.stdout.contains("\"engine\": \"both\"") && r.stdout.contains("\"model\": \"lstm-h"))
        #expect(r.stdout.contains("\"p_valid\": 0.") || r.stdout.contains("\"p_valid\": 1"))
        #expect(r.stdout.contains("\"reason\": {\"head\": \"stack\", \"offset\": "), "the embedded stack networks decide by their stacks")
        let lstm = try CLI.run(["check", "\(d)/src/ok.c", "\(d)/src/nested/bad.h", "--format", "json", "--engine", "both", "--embedded", "lstm"])
        #expect(lstm.stdout.contains("\"model\": \"lstm-h128\"") && lstm.stdout.contains("\"reason\": {\"head\": \"final\", \"offset\": "), "\(lstm.stdout)")
    }

    /// An empty file gives the model no bytes to read: it is listed as skipped, never judged
    /// from the head's output on the start state, and named in text only with --verbose.
    @Test func emptyFilesAreNotJudgedByTheModel() throws {
        let d = try tree()
        for engine in ["model", "both"] {
            let r = try CLI.run(["check", "\(d)/src/empty.c", "\(d)/src/ok.c", "--engine", engine, "--format", "json"])
            #expect(r.status == 0, "\(engine): \(r.stdout)\(r.stderr)")
            let files = try #require((try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])?["files"] as? [[String: Any]])
            let empty = try #require(files.first { ($0["file"] as? String)?.hasSuffix("empty.c") == true })
            #expect(empty["status"] as? String == "skipped" && (empty["message"] as? String)?.contains("empty file") == true, "\(empty)")
            #expect(!(empty["p_valid"] is NSNumber), "no model verdict: \(empty)")
        }
        let quiet = try CLI.run(["check", "\(d)/src/empty.c", "\(d)/src/ok.c"])
        #expect(quiet.status == 0 && !quiet.stdout.contains("empty.c") && quiet.stdout.contains("1 skipped"), "\(quiet.stdout)")
        let loud = try CLI.run(["check", "\(d)/src/empty.c", "--verbose"])
        #expect(loud.stdout.contains("empty.c: warning: skipped: empty file (no bytes for the model to read)"), "\(loud.stdout)")
    }

    /// A file several times the model's reading piece: read in pieces with the state carried,
    /// a valid file must pass and a corrupted copy must fail, agreeing with the exact oracle.
    @Test func longFilesAreReadInPiecesWithoutLosingTheVerdict() throws {
        let d = CLI.tempDir()
        var text = ""
        for seed in 1...8 {
            let g = try CLI.run(["generate", "--language", "c", "--count", "1", "--min-length", "1500", "--max-length", "2000",
                                 "--valid-fraction", "1", "--seed", "\(seed)", "--out", "\(d)/g.jsonl", "--quiet"])
            #expect(g.status == 0, "\(g.stderr)")
            let line = try String(contentsOfFile: "\(d)/g.jsonl", encoding: .utf8)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            text += try #require(json["text"] as? String) + "\n"
        }
        #expect(text.utf8.count > 8192)  // ModelChecker.piece
        try Data(text.utf8).write(to: URL(fileURLWithPath: "\(d)/long.c"))
        let ok = try CLI.run(["check", "\(d)/long.c", "--engine", "both", "--threads", "2"])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.contains("1 valid") && ok.stdout.contains("0 model/oracle disagreements"))

        // Remove the closing brace of a function three quarters of the way in.
        let bytes = Array(text.utf8)
        var cut = bytes.count * 3 / 4
        while cut + 1 < bytes.count, !(bytes[cut - 1] == 10 && bytes[cut] == 125 && bytes[cut + 1] == 10) { cut += 1 }
        #expect(cut + 1 < bytes.count)
        var broken = bytes
        broken.remove(at: cut)
        try Data(broken).write(to: URL(fileURLWithPath: "\(d)/long.c"))
        // The first model alone: this is about how it reads a long file.
        let bad = try CLI.run(["check", "\(d)/long.c", "--engine", "both", "--threads", "2", "--second-opinion", "none"])
        #expect(bad.status == 1, "\(bad.stdout)\(bad.stderr)")
        #expect(bad.stdout.contains("1 invalid") && bad.stdout.contains("0 model/oracle disagreements"), "\(bad.stdout)")
        #expect(bad.stdout.contains("is never closed"), "\(bad.stdout)")

        // A bracket opened in the first piece and never closed: the model names it, as the
        // oracle does, although the `open` run it starts is carried over the later pieces.
        // What is tested is where that carried run is reported, so it is read with a model whose
        // `open` output stays on from that brace to the end (the embedded second opinion's; the
        // first model's lapses on the way, so it reports the bracket only as still open at the
        // end; README, "Known limit"), and the bar is set high enough not to depend on how sure
        // that model is (it gives this file P(valid) = 0.60).
        try Data(("#ifdef __cplusplus\nextern \"C\" {\n#endif\n" + text).utf8).write(to: URL(fileURLWithPath: "\(d)/long.c"))
        let keeper = CLI.packageRoot + "/Sources/DefaultModelBytes/second-opinion.safetensors"
        let open = try CLI.run(["check", "\(d)/long.c", "--engine", "both", "--threads", "2", "--threshold", "0.9", "--model", keeper])
        #expect(open.status == 1, "\(open.stdout)\(open.stderr)")
        #expect(open.stdout.contains("long.c:2:12: error: '{' is never closed"), "\(open.stdout)")
        #expect(open.stdout.contains("exact oracle: \(d)/long.c:2:12: '{' is never closed"), "\(open.stdout)")
    }
}

/// `check --second-opinion`: on by default with an embedded pair (`--embedded stack`, the
/// default, or `lstm`), off with `none` or with `--model` alone, and named in every report.
@Suite("nestnet check: the second opinion")
struct CheckSecondOpinionTests {
    static var examples: String { CLI.packageRoot + "/examples" }

    func summary(_ args: [String]) throws -> [String: Any] {
        let r = try CLI.run(["check", Self.examples, "--format", "json"] + args)
        #expect(r.status == 1, "\(args): \(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        return try #require(json["summary"] as? [String: Any])
    }

    /// The default: three stack networks, each decided by its own stack, so no threshold, step
    /// bar or hold is reported, and a bar given for them is refused, not ignored.
    @Test func theEmbeddedStackNetworksByDefault() throws {
        let on = try summary([])
        #expect(on["model"] as? String == "lstm-h64" && on["second_model"] as? String == "lstm-h64" && on["third_model"] as? String == "lstm-h64", "\(on)")
        #expect(on["threshold"] is NSNull && on["second_threshold"] is NSNull && on["hold"] is NSNull && on["second_hold"] is NSNull, "\(on)")
        #expect(on["third_threshold"] is NSNull && on["third_hold"] is NSNull, "\(on)")
        // How far the moves may be read otherwise is reported, as every setting that decides.
        #expect(on["repair_budget"] as? Double == 1.5, "\(on)")
        #expect((try summary(["--repair-budget", "0.25"])["repair_budget"] as? Double) == 0.25)
        #expect(try summary(["--embedded", "lstm"])["repair_budget"] is NSNull)
        let shas = Set(["model_sha256", "second_model_sha256", "third_model_sha256"].compactMap { on[$0] as? String })
        #expect(shas.count == 3, "three networks, not one read twice")
        let off = try summary(["--second-opinion", "none"])
        #expect(off["model"] as? String == "lstm-h64" && off["second_model"] is NSNull && off["third_model"] is NSNull, "\(off)")
        let pair = try summary(["--third-opinion", "none"])
        #expect(pair["second_model"] as? String == "lstm-h64" && pair["third_model"] is NSNull, "\(pair)")
        #expect(pair["second_model_sha256"] as? String == on["second_model_sha256"] as? String)
        // The stack networks place the examples' breaks where the oracle does.
        let text = try CLI.run(["check", Self.examples])
        let exact = try CLI.run(["check", Self.examples, "--engine", "exact"])
        let places = { (out: String) in out.split(separator: "\n").filter { $0.contains(": error: ") }.map { $0.split(separator: " ").first ?? "" } }
        #expect(text.status == 1 && places(text.stdout) == places(exact.stdout) && places(text.stdout).count == 3, "\(text.stdout)")
        #expect(text.stdout.contains(" by the stack at ") && text.stdout.contains("(model lstm-h64, second opinion lstm-h64, third opinion lstm-h64, "), "\(text.stdout)")
        #expect(text.stdout.contains("; third opinion p_valid=0.00, lstm-h64)"), "\(text.stdout)")
        for args in [["--threshold", "0.4"], ["--step-threshold", "0.4"], ["--hold", "8"], ["--second-threshold", "0.4"], ["--third-threshold", "0.4"]] {
            let r = try CLI.run(["check", Self.examples] + args)
            #expect(r.status == 2 && r.stdout.isEmpty && r.stderr.contains("\(args[0]) sets a bar on a model's P(valid), but the embedded stack networks are each read by their own stack")
                    && r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
        }
        // A stack network named by path is refused the same way, as first model or as second.
        let stack = CLI.packageRoot + "/Sources/DefaultModelBytes/stack-second.safetensors"
        let lstmPath = CLI.packageRoot + "/Sources/DefaultModelBytes/default-lstm.safetensors"
        for (args, needle) in [(["--model", stack, "--threshold", "0.4"], "--threshold sets a bar on a model's P(valid), but the model is read by its own stack"),
                               (["--model", lstmPath, "--second-opinion", stack, "--second-threshold", "0.4"],
                                "--second-threshold sets a bar on a model's P(valid), but the second opinion is read by its own stack"),
                               (["--model", lstmPath, "--second-opinion", lstmPath, "--third-opinion", stack, "--third-threshold", "0.4"],
                                "--third-threshold sets a bar on a model's P(valid), but the third opinion is read by its own stack")] {
            let r = try CLI.run(["check", Self.examples] + args)
            #expect(r.status == 2 && r.stderr.contains(needle), "\(args): \(r.stderr)")
        }
        let none = try CLI.run(["check", Self.examples, "--embedded", "lstm", "--second-opinion", "none", "--second-threshold", "0.4"])
        #expect(none.status == 2 && none.stderr.contains("--second-threshold sets the second opinion's bar, but no second opinion reads the files"), "\(none.stderr)")
        let third = try CLI.run(["check", Self.examples, "--third-threshold", "0.4"])
        #expect(third.stderr.contains("leave it out, or pass a --third-opinion read at thresholds"), "\(third.stderr)")
        let noThird = try CLI.run(["check", Self.examples, "--embedded", "lstm", "--third-threshold", "0.4"])
        #expect(noThird.status == 2 && noThird.stderr.contains("--third-threshold sets the third opinion's bar, but no third opinion reads the files"), "\(noThird.stderr)")
        for (args, needle) in [(["--embedded", "stack", "--model", "m.safetensors"], "--embedded chooses the embedded models"),
                               (["--embedded", "lstm", "--engine", "exact"], "--embedded chooses the embedded models"),
                               (["--model", lstmPath, "--third-opinion", stack], "--third-opinion reads the files the model and its second opinion both flag: it needs a second opinion"),
                               (["--second-opinion", "none", "--third-opinion", stack], "it needs a second opinion"),
                               (["--engine", "exact", "--third-opinion", stack], "--third-opinion confirms the model's verdicts"),
                               (["--third-opinion", ""], "--third-opinion needs a checkpoint path, or none"),
                               (["--third-threshold", "1.5"], "--third-threshold must be in (0, 1]"),
                               (["--repair-budget", "-1"], "--repair-budget must be between 0 and 10.0 nats"),
                               (["--repair-budget", "11"], "--repair-budget must be between 0 and 10.0 nats"),
                               (["--repair-budget", "nan"], "--repair-budget must be between 0 and 10.0 nats"),
                               (["--engine", "exact", "--repair-budget", "1"], "--repair-budget reads a stack network's moves: it needs --engine model or both"),
                               (["--embedded", "lstm", "--repair-budget", "1"], "--repair-budget sets how a stack network's moves may be read, but no stack network reads the files"),
                               (["--embedded", "gru"], "--embedded")] {
            let r = try CLI.run(["check", Self.examples] + args)
            #expect(r.status == 2 && r.stderr.contains(needle), "\(args): \(r.stderr)")
        }
    }

    @Test func onByDefaultOffWithNoneOrACustomModel() throws {
        let on = try summary(["--embedded", "lstm"])
        #expect(on["second_model"] as? String == "lstm-h128" && (on["threshold"] as? Double).map { abs($0 - 0.55) < 1e-6 } == true, "\(on)")
        #expect((on["second_threshold"] as? Double).map { abs($0 - 0.7) < 1e-6 } == true)
        #expect(on["hold"] as? Int == 128 && (on["step_threshold"] as? Double).map { abs($0 - 0.55) < 1e-6 } == true, "\(on)")
        #expect(on["second_hold"] as? Int == 128, "\(on)")
        let off = try summary(["--embedded", "lstm", "--second-opinion", "none"])
        #expect(off["second_model"] is NSNull && (off["threshold"] as? Double).map { abs($0 - 0.55) < 1e-6 } == true, "\(off)")
        let model = CLI.packageRoot + "/Sources/DefaultModelBytes/default-lstm.safetensors"
        let custom = try summary(["--model", model])
        #expect(custom["second_model"] is NSNull, "\(custom)")
        let asked = try summary(["--model", model, "--second-opinion", CLI.packageRoot + "/Sources/DefaultModelBytes/second-opinion.safetensors",
                                 "--threshold", "0.6", "--second-threshold", "0.4"])
        #expect(asked["second_model"] as? String == "lstm-h128" && (asked["threshold"] as? Double).map { abs($0 - 0.6) < 1e-6 } == true
                && (asked["second_threshold"] as? Double).map { abs($0 - 0.4) < 1e-6 } == true, "\(asked)")
        // Text output names both models.
        let text = try CLI.run(["check", Self.examples, "--embedded", "lstm"])
        #expect(text.stdout.contains("(model lstm-h128, second opinion lstm-h128, ") && text.stdout.contains("; second opinion p_valid="), "\(text.stdout)")
    }

    /// A model trained with `train --broken-latch` is read with `--hold 1` unless told
    /// otherwise, each model of a pair with its own hold. The model here fires its `broken`
    /// output at one byte, `@`, and nowhere else (no memory: forget gate shut), and calls every
    /// text valid at the end: a one-byte flicker in a valid file.
    @Test func aLatchTrainedModelIsReadWithHoldOne() throws {
        let d = CLI.tempDir()
        let config = ModelConfig(arch: .lstm, embed: 4, hidden: 8, stepOutputs: 3)
        let layout = ParameterLayout(config), H = 8
        var p = [Float](repeating: 0, count: layout.count)
        p[layout["embedding.weight"].offset + Int(UInt8(ascii: "@")) * 4] = 1
        let bih = layout["rnn.bias_ih_l0"].offset, wih = layout["rnn.weight_ih_l0"].offset
        for j in 0..<H { p[bih + j] = 10; p[bih + H + j] = -10; p[bih + 3 * H + j] = 10 }  // i open, f shut, o open
        p[wih + (2 * H) * 4] = 10  // g of unit 0 reads the `@` column: c = h = tanh(1) there, 0 elsewhere
        p[layout["head.bias"].offset] = 20
        p[layout["step_head.weight"].offset] = 20
        p[layout["step_head.bias"].offset] = -5; p[layout["step_head.bias"].offset + 1] = -20; p[layout["step_head.bias"].offset + 2] = -20
        let m = try RecurrentModel(config: config, parameters: p)
        try m.save(to: "\(d)/plain.safetensors")
        try m.save(to: "\(d)/latch.safetensors", metadata: ["train.broken_latch": "max"])
        try Data("int x; /* @ */ int y;\n".utf8).write(to: URL(fileURLWithPath: "\(d)/flicker.c"))
        func run(_ args: [String]) throws -> (status: Int32, summary: [String: Any]) {
            let r = try CLI.run(["check", "\(d)/flicker.c", "--format", "json"] + args)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            return (r.status, try #require(json["summary"] as? [String: Any]))
        }
        let plain = try run(["--model", "\(d)/plain.safetensors"])
        #expect(plain.status == 0 && plain.summary["hold"] as? Int == 128, "\(plain)")
        let latch = try run(["--model", "\(d)/latch.safetensors"])
        #expect(latch.status == 1 && latch.summary["hold"] as? Int == 1, "\(latch)")
        let told = try run(["--model", "\(d)/latch.safetensors", "--hold", "128"])
        #expect(told.status == 0 && told.summary["hold"] as? Int == 128, "\(told)")
        // A pair: the latch model first, the plain one second (its own hold, 128: it clears the file).
        let pair = try run(["--model", "\(d)/latch.safetensors", "--second-opinion", "\(d)/plain.safetensors", "--junit", "\(d)/pair.xml"])
        #expect(pair.status == 0 && pair.summary["hold"] as? Int == 1 && pair.summary["second_hold"] as? Int == 128, "\(pair)")
        let junit = try String(contentsOfFile: "\(d)/pair.xml", encoding: .utf8)
        #expect(junit.contains("name=\"hold\" value=\"1\"") && junit.contains("name=\"second.hold\" value=\"128\""), "\(junit)")
        let both = try run(["--model", "\(d)/latch.safetensors", "--second-opinion", "\(d)/latch.safetensors"])
        #expect(both.status == 1 && both.summary["second_hold"] as? Int == 1, "\(both)")
        // Three: the two latch models agree, the plain third (its own hold, 128) clears the file;
        // every report names the third's hold and threshold.
        let trio = try run(["--model", "\(d)/latch.safetensors", "--second-opinion", "\(d)/latch.safetensors", "--third-opinion", "\(d)/plain.safetensors",
                            "--third-threshold", "0.3", "--junit", "\(d)/trio.xml", "--sarif", "\(d)/trio.sarif"])
        #expect(trio.status == 0 && trio.summary["third_hold"] as? Int == 128 && (trio.summary["third_threshold"] as? Double).map { abs($0 - 0.3) < 1e-6 } == true, "\(trio)")
        let trioJUnit = try String(contentsOfFile: "\(d)/trio.xml", encoding: .utf8)
        #expect(trioJUnit.contains("name=\"third.hold\" value=\"128\"") && trioJUnit.contains("name=\"third.threshold\" value=\"0.3\"")
                && trioJUnit.contains("name=\"third.model.path\" value=\"\(d)/plain.safetensors\""), "\(trioJUnit)")
        let sarif = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(d)/trio.sarif"))) as! [String: Any]
        let settings = ((sarif["runs"] as! [[String: Any]])[0]["invocations"] as! [[String: Any]])[0]["properties"] as? [String: Any]
        #expect(settings?["thirdHold"] as? Int == 128 && settings?["secondHold"] as? Int == 1, "\(String(describing: settings))")
        let three = try run(["--model", "\(d)/latch.safetensors", "--second-opinion", "\(d)/latch.safetensors", "--third-opinion", "\(d)/latch.safetensors"])
        #expect(three.status == 1 && three.summary["third_hold"] as? Int == 1, "\(three)")
    }

    @Test func badSecondOpinionArgumentsAreOneLineErrors() throws {
        for (args, needle) in [(["--second-threshold", "0"], "--second-threshold must be in (0, 1]"),
                               (["--second-opinion", ""], "--second-opinion needs a checkpoint path, or none"),
                               (["--engine", "exact", "--second-opinion", "m.safetensors"], "--second-opinion confirms the model's verdicts"),
                               (["--second-opinion", "/nonexistent/m.safetensors"], "/nonexistent/m.safetensors")] {
            let r = try CLI.run(["check", Self.examples] + args)
            #expect(r.status == 2 || r.status == 64, "\(args): \(r.status)")
            #expect(r.stderr.contains(needle), "\(args): \(r.stderr)")
        }
    }
}
