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

    /// `--sample N --seed S` reads N of the files (or texts) walked, the same N for the same
    /// seed, says so, and still names every problem met on the walk; N past the count reads all.
    @Test func samplesFilesReproducibly() throws {
        let d = CLI.tempDir()
        // File i holds 4 + 2^(i+1) code brackets, so the count read names the files read.
        for i in 0..<12 {
            let n = 1 << i
            try write("int f\(i)(void) { return " + String(repeating: "(", count: n) + "0" + String(repeating: ")", count: n) + "; }\n", "\(d)/f\(i).c")
        }
        #expect(symlink("\(d)/nowhere.c", "\(d)/dangling.c") == 0)
        func probe(_ extra: [String]) throws -> (json: [String: Any], stderr: String) {
            let r = try CLI.run(["probe", "lexical", d, "--format", "json"] + extra)
            #expect(r.status == 0, "\(r.stderr)")
            return (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any], r.stderr)
        }
        func files(_ j: [String: Any]) -> Int { ((j["code_brackets"] as! Int) - 4 * (j["texts"] as! Int)) / 2 }
        let all = try probe([])
        #expect(all.json["texts"] as? Int == 12 && files(all.json) == (1 << 12) - 1 && all.json["sample"] == nil, "\(all.json)")
        let a = try probe(["--sample", "5", "--seed", "7"]), b = try probe(["--sample", "5", "--seed", "7"])
        let c = try probe(["--sample", "5", "--seed", "8"])
        #expect(a.json["texts"] as? Int == 5 && files(a.json).nonzeroBitCount == 5, "\(a.json)")
        #expect(files(a.json) == files(b.json) && files(a.json) != files(c.json) && files(c.json).nonzeroBitCount == 5)
        let sample = a.json["sample"] as? [String: Any]
        #expect(sample?["of"] as? Int == 12 && sample?["seed"] as? Int == 7, "\(a.json)")
        #expect(a.stderr.contains("dangling.c") && a.json["skipped"] as? Int == 1, "\(a.stderr)")
        let whole = try probe(["--sample", "50"])
        #expect(whole.json["texts"] as? Int == 12 && whole.json["sample"] == nil)
        let line = try CLI.run(["probe", "lexical", d, "--sample", "5", "--seed", "7"])
        #expect(line.stdout.contains("5 texts drawn from 12 (seed 7)"), "\(line.stdout)")
        let zero = try CLI.run(["probe", "lexical", d, "--sample", "0"])
        #expect(zero.status != 0 && zero.stderr.contains("--sample must be at least 1"), "\(zero.stderr)")
    }

    /// `train --lexer-only` makes a lexer: `probe lexical` reads it (with what a plain stack
    /// behind it would break), and the commands that need a checker refuse it in one line.
    @Test func aLexerIsProbedButNotUsedAsAChecker() throws {
        let d = CLI.tempDir()
        try write("int f(int a) { return g(a[0]); } /* ( */\n#if A\nvoid h(int a) {\n#else\nvoid h(void) {\n#endif\n}\n", "\(d)/a.c")
        let train = ["train", "--arch", "lstm", "--hidden", "4", "--embed", "2", "--examples-per-epoch", "8", "--epochs", "2",
                     "--min-length", "16", "--max-length", "32", "--out", "\(d)/lexer.safetensors", "--quiet", "--lexer-only"]
        let alone = try CLI.run(train)
        #expect(alone.status != 0 && alone.stderr.contains("--lexer-only trains the step head's `inert` output"), "\(alone.stderr)")
        // A lexer has no final head to validate: validation flags are refused, and none is built.
        for extra in [["--valid-count", "4"], ["--valid-corpus", "\(d)"]] {
            let v = try CLI.run(train + ["--step-loss", "1"] + extra)
            #expect(v.status != 0 && v.stderr.contains("\(extra[0]): a lexer (--lexer-only) has no final head to validate"), "\(v.stderr)")
        }
        let trained = try CLI.run(train + ["--step-loss", "1", "--inert-weight", "10", "--valid-count", "0"])
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(try !String(contentsOfFile: "\(d)/lexer.safetensors", encoding: .isoLatin1).contains("data.valid"))
        try write("int g(void) {\n  return f(];\n}\n", "\(d)/b.c")  // broken at `]`, line 2
        let r = try CLI.run(["probe", "lexical", "\(d)/a.c", "\(d)/b.c", "--model", "\(d)/lexer.safetensors", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(j["valid_texts"] as? Int == 1 && j["stack_breaks_oracle_lexed"] as? Int == 1 && j["stack_breaks_model_lexed"] != nil, "\(j)")
        #expect(j["broken_texts"] as? Int == 1 && j["stack_catches_oracle_lexed"] as? Int == 1 && j["stack_at_line_oracle_lexed"] as? Int == 1, "\(j)")
        #expect(j["stack_catches_model_lexed"] != nil && j["stack_at_line_model_lexed"] != nil && j["valid_texts_64k"] as? Int == 0, "\(j)")
        let text = try CLI.run(["probe", "lexical", "\(d)/a.c", "\(d)/b.c", "--model", "\(d)/lexer.safetensors"])
        #expect(text.stdout.contains("broken texts it catches: 1 of 1 lexed by the oracle (1 at its line; following first branches 1, 1), "), "\(text.stdout)")
        #expect(text.stdout.contains("1 of 1 lexed by the oracle (0 following first branches)") && !text.stdout.contains("later branches read"), "\(text.stdout)")
        #expect(j["stack_breaks_first_branch"] as? Int == 0 && j["stack_catches_first_branch"] as? Int == 1 && j["later_brackets"] == nil, "\(j)")
        // With --later-branches the lexer has a `later` output, and the probe reads it.
        let later = try CLI.run(train + ["--step-loss", "1", "--later-branches", "--out", "\(d)/later.safetensors"])
        #expect(later.status == 0, "\(later.stderr)")
        let l = try CLI.run(["probe", "lexical", "\(d)/a.c", "\(d)/b.c", "--model", "\(d)/later.safetensors", "--format", "json"])
        let lj = try JSONSerialization.jsonObject(with: Data(l.stdout.utf8)) as! [String: Any]
        #expect(lj["later_brackets"] as? Int == 3 && lj["later_read_later"] != nil && lj["first_branch_read_later"] != nil, "\(lj)")
        let lt = try CLI.run(["probe", "lexical", "\(d)/a.c", "--model", "\(d)/later.safetensors"])
        #expect(lt.stdout.contains("code brackets in later branches read as later: ") && lt.stdout.contains("by the model (inert or later)"), "\(lt.stdout)")
        let noLexer = try CLI.run(Array(train.dropLast()) + ["--step-loss", "1", "--later-branches"])
        #expect(noLexer.status != 0 && noLexer.stderr.contains("--later-branches trains a lexer's `later` output: it needs --lexer-only"), "\(noLexer.stderr)")
        for command in [["check", "\(d)/a.c"], ["eval", "--data", "\(d)/none.jsonl"]] {
            let refused = try CLI.run(command + ["--model", "\(d)/lexer.safetensors"])
            #expect(refused.status != 0 && refused.stderr.contains("a lexer (trained with --lexer-only), not a checker"), "\(command): \(refused.stderr)")
            #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        }
        try? FileManager.default.removeItem(atPath: d)
    }

    /// `train --lexer-only --stack-moves` makes a stack network: `check` reads it by its own
    /// stack (every file gets a verdict, decided "by the stack"), `probe lexical` reads its moves
    /// (and with seven outputs its state), and `eval`, which reads the final head, refuses it.
    @Test func aStackNetworkIsCheckedByItsOwnStack() throws {
        let d = CLI.tempDir()
        try write("int f(int a) { return g(a[0]); }\n", "\(d)/a.c")
        try write("int g(void) {\n  return f(];\n}\n", "\(d)/b.c")
        let train = ["train", "--arch", "lstm", "--hidden", "4", "--embed", "2", "--examples-per-epoch", "8", "--epochs", "1",
                     "--min-length", "16", "--max-length", "32", "--quiet", "--lexer-only", "--step-loss", "1",
                     "--stack-moves", "--out", "\(d)/moves.safetensors"]
        let three = try CLI.run(train)
        #expect(three.status != 0 && three.stderr.contains("--stack-moves trains a lexer's step outputs as stack moves: it needs --lexer-only and --step-outputs 5 (or 7"), "\(three.stderr)")
        let trained = try CLI.run(train + ["--step-outputs", "5"])
        #expect(trained.status == 0, "\(trained.stderr)")
        let c = try CLI.run(["check", "\(d)/a.c", "\(d)/b.c", "--model", "\(d)/moves.safetensors", "--format", "json",
                             "--junit", "\(d)/junit.xml", "--sarif", "\(d)/report.sarif"])
        #expect(c.status == 0 || c.status == 1, "\(c.stderr)")
        let j = try JSONSerialization.jsonObject(with: Data(c.stdout.utf8)) as! [String: Any]
        // Its own stack decides: no report names a threshold, hold or step bar that did not apply.
        let summary = try #require(j["summary"] as? [String: Any])
        #expect(summary["threshold"] is NSNull && summary["hold"] is NSNull && summary["step_threshold"] is NSNull, "\(summary)")
        let junit = try String(contentsOfFile: "\(d)/junit.xml", encoding: .utf8)
        #expect(!junit.contains("name=\"threshold\"") && !junit.contains("name=\"hold\"") && junit.contains("name=\"model.sha256\""), "\(junit)")
        let sarif = try String(contentsOfFile: "\(d)/report.sarif", encoding: .utf8)
        #expect(!sarif.contains("\"threshold\"") && sarif.contains("\"engine\""), "\(sarif)")
        let files = j["files"] as? [[String: Any]] ?? []
        #expect(files.count == 2, "\(c.stdout)")
        for f in files {
            // `repair`: its stack broke, but another reading of its moves within the budget did not.
            let head = (f["reason"] as? [String: Any])?["head"] as? String
            #expect((head == "stack" || (head == "repair" && f["valid"] as? Bool == true)) && f["valid"] is Bool, "\(f)")
        }
        #expect(c.status == (files.contains { $0["valid"] as? Bool == false } ? 1 : 0))
        let p = try CLI.run(["probe", "lexical", "\(d)/a.c", "\(d)/b.c", "--model", "\(d)/moves.safetensors"])
        #expect(p.stdout.contains("stack moves misread: ") && p.stdout.contains("by the model's own moves"), "\(p.stdout)")
        #expect(p.stdout.contains("code brackets read as no move: ") && p.stdout.contains("other bytes read as moves: "), "\(p.stdout)")
        let pj = try CLI.run(["probe", "lexical", "\(d)/a.c", "\(d)/b.c", "--model", "\(d)/moves.safetensors", "--format", "json"])
        let pjo = try #require(try JSONSerialization.jsonObject(with: Data(pj.stdout.utf8)) as? [String: Any])
        let by = try #require(pjo["moves_misread_by"] as? [String: Int])
        #expect(Set(by.keys) == ["missed", "later", "inert", "swapped", "not_bracket"] && pjo["valid_breaks"] is [Any], "\(pj.stdout)")
        #expect(by["missed"]! + by["later"]! + by["inert"]! + by["swapped"]! == pjo["moves_misread"] as? Int)
        #expect(pjo["state_bytes"] == nil, "\(pj.stdout)")  // five outputs: no state
        // Grown to seven outputs (the later-branch state), it checks by the same stack and the
        // probe says how its state outputs read.
        let seven = try CLI.run(train.dropLast(2) + ["--step-outputs", "7", "--init-from", "\(d)/moves.safetensors", "--out", "\(d)/state.safetensors"])
        #expect(seven.status == 0, "\(seven.stderr)")
        let c7 = try CLI.run(["check", "\(d)/a.c", "\(d)/b.c", "--model", "\(d)/state.safetensors", "--format", "json"])
        #expect(c7.status == 0 || c7.status == 1, "\(c7.stderr)")
        let p7 = try CLI.run(["probe", "lexical", "\(d)/a.c", "\(d)/b.c", "--model", "\(d)/state.safetensors", "--format", "json"])
        let p7o = try #require(try JSONSerialization.jsonObject(with: Data(p7.stdout.utf8)) as? [String: Any])
        let bytes = try String(contentsOfFile: "\(d)/a.c", encoding: .utf8).utf8.count + String(contentsOfFile: "\(d)/b.c", encoding: .utf8).utf8.count
        #expect(p7o["state_bytes"] as? Int == bytes && p7o["later_misread"] is Int && p7o["nested_bytes"] as? Int == 0, "\(p7.stdout)")
        // `eval` scores it by its stack (a plain lexer is still refused, above).
        let e = try CLI.run(["eval", "--data", "\(d)/none.jsonl", "--model", "\(d)/moves.safetensors"])
        #expect(e.status != 0 && !e.stderr.contains("not a checker") && e.stderr.contains("none.jsonl"), "\(e.stderr)")
        try? FileManager.default.removeItem(atPath: d)
    }
}

/// `nestnet eval` scores a stack network as `nestnet check` reads it: the same verdict on every
/// text, and the error's place where its stack broke.
@Suite("nestnet eval: a stack network")
struct EvalStackNetworkTests {
    @Test func evalAgreesWithCheckTextByText() throws {
        let d = CLI.tempDir()
        let stack = CLI.packageRoot + "/Sources/DefaultModelBytes/stack-network.safetensors"
        let g = try CLI.run(["generate", "--language", "c", "--count", "60", "--min-length", "64", "--max-length", "1024",
                             "--seed", "4040", "--out", "\(d)/g.jsonl", "--quiet"])
        #expect(g.status == 0, "\(g.stderr)")
        try FileManager.default.createDirectory(atPath: "\(d)/t", withIntermediateDirectories: true)
        // Check's default budget, and its own reading alone (`--repair-budget 0`): the same in both.
        for budget in [[], ["--repair-budget", "0"]] {
            let e = try CLI.run(["eval", "--model", stack, "--data", "\(d)/g.jsonl", "--format", "json", "--predictions", "\(d)/p\(budget.count).jsonl"] + budget)
            #expect(e.status == 0, "\(e.stderr)")
            let j = try #require(try JSONSerialization.jsonObject(with: Data(e.stdout.utf8)) as? [String: Any])
            let accuracy = try #require(j["accuracy"] as? Double)
            #expect(accuracy > 0.9, "\(e.stdout)")
            // The report names the reading its figures are (check's default budget unless given).
            #expect(j["repair_budget"] as? Double == (budget.isEmpty ? 1.5 : 0), "\(j["repair_budget"] ?? "missing")")
            let location = try #require(j["location"] as? [String: Any], "a stack network places its errors")
            #expect((location["total"] as? Int ?? 0) > 0 && (location["same_line"] as? Int ?? 0) > 0, "\(location)")
            // The texts as files, read by check with the same network alone.
            let texts = try String(contentsOfFile: "\(d)/g.jsonl", encoding: .utf8).split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["text"] as? String ?? ""
            }
            for (i, t) in texts.enumerated() { try Data(t.utf8).write(to: URL(fileURLWithPath: "\(d)/t/\(String(format: "%03d", i)).c")) }
            let c = try CLI.run(["check", "\(d)/t", "--model", stack, "--second-opinion", "none", "--format", "json"] + budget)
            let files = try #require(try JSONSerialization.jsonObject(with: Data(c.stdout.utf8)) as? [String: Any])["files"] as? [[String: Any]]
            let checked = Dictionary(uniqueKeysWithValues: (files ?? []).map { (URL(fileURLWithPath: $0["file"] as! String).lastPathComponent, $0["valid"] as? Bool) })
            let predictions = try String(contentsOfFile: "\(d)/p\(budget.count).jsonl", encoding: .utf8).split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["valid"] as? Bool
            }
            #expect(predictions.count == texts.count)
            for (i, v) in predictions.enumerated() {
                #expect(v == checked[String(format: "%03d.c", i)] ?? nil, "\(budget) text \(i): eval \(String(describing: v)), check \(String(describing: checked[String(format: "%03d.c", i)]))")
            }
        }
        // The text report says it too; a model that is not a stack network has no budget (null).
        let t = try CLI.run(["eval", "--model", stack, "--data", "\(d)/g.jsonl"])
        #expect(t.status == 0 && t.stdout.contains("read by its stack, another reading of its moves within 1.5 nats"), "\(t.stdout)")
        let lstm = try CLI.run(["eval", "--data", "\(d)/g.jsonl", "--format", "json"])
        #expect(lstm.status == 0, "\(lstm.stderr)")
        let lj = try #require(try JSONSerialization.jsonObject(with: Data(lstm.stdout.utf8)) as? [String: Any])
        #expect(lj["repair_budget"] is NSNull, "\(lj["repair_budget"] ?? "missing")")
        #expect(!(try CLI.run(["eval", "--data", "\(d)/g.jsonl"]).stdout.contains("read by its stack")))
        // A budget out of range, or for a model that is not a stack network: one line, exit 2 / 1.
        for (args, message) in [(["--model", stack, "--repair-budget", "11"], "--repair-budget must be between 0 and 10.0 nats"),
                                ([String](["--repair-budget", "1"]), "is not a stack network: leave it out")] {
            let r = try CLI.run(["eval", "--data", "\(d)/g.jsonl"] + args)
            #expect(r.status != 0 && r.stderr.contains(message) && r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
        }
        try? FileManager.default.removeItem(atPath: d)
    }
}
