import ArgumentParser
import DefaultModel
import NestNetSupport
import ProgramGenerator
import RecurrentNet
import Training

/// `nestnet probe …`: look inside a trained model.
struct Probe: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Probe a model: gradient flow over distance, counter units, the stack top, and the lexical state at brackets.",
        subcommands: [Gradients.self, Counter.self, Stack.self, Lexical.self])

    struct Common: ParsableArguments {
        @Option(help: "Checkpoint (default: the embedded model).") var model: String?
        @Option(help: "Examples (JSONL).") var data: String
        @Option(parsing: .unconditional, help: "Use at most this many examples.") var count: Int = 64
        @Option(help: "text or json.") var format: OutputFormat = .text

        func validate() throws {
            guard count >= 1 else { throw ValidationError("--count must be at least 1") }
        }

        func load() throws -> (RecurrentModel, String, [Example]) {
            let (ckpt, name): (RecurrentModel.Checkpoint, String)
            (ckpt, name, _) = try DefaultModel.resolve(model)
            let examples = Array(try Dataset.read(data).prefix(count))
            return (ckpt.model, name, examples)
        }
    }

    struct Gradients: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖ for an LSTM) against distance from the end, at initialisation and trained.",
            discussion: "The loss is the final-label BCE with full BPTT. The initial model has the same architecture and the seed given.")
        @OptionGroup var common: Common
        @Option(parsing: .unconditional, help: "Seed of the freshly initialised model to compare with.") var initSeed: UInt64 = 1
        @Option(parsing: .unconditional, help: "Print every Nth distance in text output.") var every: Int = 64

        func run() throws {
            let (model, name, examples) = try common.load()
            let fresh = try RecurrentModel.initialized(model.config, seed: initSeed)
            let trained = GradientProbe(model: model, examples: examples)
            let initial = GradientProbe(model: fresh, examples: examples)
            if common.format == .json {
                func probe(_ g: GradientProbe) -> (inout JSONWriter) -> Void {
                    { $0.object { o in
                        o.field("h", g.h); o.field("c", g.c)
                        o.field("h_factor_per_100", g.hFactorPer100); o.field("c_factor_per_100", g.cFactorPer100)
                    } }
                }
                printJSON { o in
                    o.field("model", name); o.field("arch", model.config.arch.rawValue); o.field("examples", examples.count)
                    o.field("trained", probe(trained)); o.field("initial", probe(initial)); o.field("counts", trained.counts)
                }
                return
            }
            print("\(name) (\(model.config.shortName)), \(examples.count) examples: mean ‖∂L/∂h_t‖ by distance from the end")
            print("fitted decay per 100 steps: trained ×\(scientific(trained.hFactorPer100)), at initialisation ×\(scientific(initial.hFactorPer100))"
                  + (trained.cFactorPer100.map { "; ‖∂L/∂c_t‖: trained ×\(scientific($0)), initial ×\(scientific(initial.cFactorPer100 ?? 0))" } ?? ""))
            print("distance  examples  trained ‖dh‖  initial ‖dh‖" + (trained.c != nil ? "  trained ‖dc‖  initial ‖dc‖" : ""))
            for d in stride(from: 0, to: trained.h.count, by: max(1, every)) {
                var line = "\(pad(d, 8))  \(pad(trained.counts[d], 8))  \(scientific(trained.h[d]).padded(12))  \(scientific(initial.h[d]).padded(12))"
                if let c = trained.c, let ci = initial.c { line += "  \(scientific(c[d]).padded(12))  \(scientific(ci[d]).padded(12))" }
                print(line)
            }
        }
    }

    struct Counter: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Correlation of each hidden/cell unit with the oracle's nesting depth at every byte, and a linear probe.")
        @OptionGroup var common: Common
        @Option(parsing: .unconditional, help: "Which example to trace.") var trace: Int = 0

        func run() throws {
            let (model, name, examples) = try common.load()
            guard (0..<examples.count).contains(trace) else {
                throw NestNetError("--trace \(trace): there are \(examples.count) examples (0 to \(examples.count - 1))")
            }
            let p = CounterProbe(model: model, examples: examples, traceIndex: trace)
            let unitName = "\(p.best.cell ? "c" : "h")[\(p.best.index)]"
            if common.format == .json {
                func unit(_ u: CounterProbe.Unit) -> (inout JSONWriter) -> Void {
                    { $0.object { $0.field("unit", u.index); $0.field("cell", u.cell); $0.field("r", u.r) } }
                }
                printJSON { o in
                    o.field("model", name); o.field("arch", model.config.arch.rawValue); o.field("bytes", p.bytes)
                    o.field("best", unit(p.best)); o.field("linear_r2", p.linearR2)
                    o.field("units") { $0.array(p.units) { unit($1)(&$0) } }
                    o.field("trace") { $0.object { t in
                        t.field("example", trace); t.field("columns", ["byte", "depth", "activation"])
                        t.field("rows") { $0.array(p.trace) { w, row in
                            w.array { $0.value(Int(row.0)); $0.value(Int(row.1)); $0.value(row.2) }
                        } }
                    } }
                }
                return
            }
            print("\(name) (\(model.config.shortName)), \(examples.count) examples, \(p.bytes) bytes")
            print("best unit: \(unitName), r = \(fixed(p.best.r, 4)) with the oracle's depth")
            print("linear probe from the state to the depth: R² = \(fixed(p.linearR2, 4))")
            let top = p.units.sorted { abs($0.r) > abs($1.r) }.prefix(5)
            print("top units: " + top.map { "\($0.cell ? "c" : "h")[\($0.index)] r=\(fixed($0.r, 3))" }.joined(separator: ", "))
            print("trace of example \(trace) (byte, depth, \(unitName)):")
            for (b, d, a) in p.trace.prefix(200) {
                let ch = b >= 32 && b < 127 ? String(UnicodeScalar(b)) : "\\x" + String(b, radix: 16)
                print("  \(ch.padded(4)) \(pad(Int(d), 3))  \(fixed(Double(a), 4))")
            }
        }
    }

    struct Stack: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "How well a linear read-out of the state names the bracket type on top of the stack at every byte.",
            discussion: "Valid texts only: fitted on the even-numbered ones, measured on the odd ones, over all bytes and over bytes at depth 2 or more, each beside the majority-class baseline. A counter-only model reads the top at depth 1 (it is the outermost bracket) but not deeper. The bracket 1, 2 and 3 places below the top is read out the same way where that many are open: how deep a stack the model keeps.")
        @OptionGroup var common: Common

        func run() throws {
            let (model, name, examples) = try common.load()
            let valid = examples.filter(\.valid).count
            guard valid >= 2 else { throw NestNetError("the stack probe needs at least 2 valid texts in the first --count \(common.count) examples (found \(valid))") }
            let p = StackTopProbe(model: model, examples: examples)
            if common.format == .json {
                printJSON { o in
                    o.field("model", name); o.field("arch", model.config.arch.rawValue); o.field("bytes", p.bytes)
                    o.field("accuracy", p.accuracy); o.field("baseline", p.baseline)
                    o.field("deep_bytes", p.deepBytes); o.field("deep_accuracy", p.deepAccuracy); o.field("deep_baseline", p.deepBaseline)
                    o.field("levels") { $0.array(p.levels) { w, l in
                        w.object { $0.field("level", l.level); $0.field("bytes", l.bytes); $0.field("accuracy", l.accuracy); $0.field("baseline", l.baseline) }
                    } }
                }
                return
            }
            print("\(name) (\(model.config.shortName)), \(valid) valid texts, \(p.bytes) held-out bytes")
            print("stack top read out linearly: \(fixed(p.accuracy, 4)) (majority class \(fixed(p.baseline, 4)))")
            print("at depth ≥ 2 (\(p.deepBytes) bytes): \(fixed(p.deepAccuracy, 4)) (majority class \(fixed(p.deepBaseline, 4)))")
            for l in p.levels where l.bytes > 0 {
                print("bracket \(l.level - 1) below the top (\(l.bytes) bytes with \(l.level)+ open): \(fixed(l.accuracy, 4)) (majority type \(fixed(l.baseline, 4)))")
            }
        }
    }

    struct Lexical: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "How often the step head's `inert` output misreads a bracket: code read as comment or string, or the reverse.",
            discussion: "Reads whole C-like files (folders are walked like `check` walks them) or a JSONL dataset's texts, and compares P(inert) > 0.5 at every bracket byte with the oracle's lexer (comment, string, char, directive, `#if 0`). A code bracket read as inert drops out of the model's count; an inert one read as code adds one. The last lines say what a plain bracket stack behind that reading would make of the texts: the valid ones it breaks, and the broken ones it catches (and at the oracle's line), with the oracle's regions too, and following only the first branch of each conditional as the oracle goes on from it. A lexer trained with --later-branches is read with its `later` output (brackets it reads as later are left out of its stack); a stack network (--stack-moves) by its own moves and stack. Needs a model with a step head (3, 5 or 7 outputs); for a stack network with the state outputs (`--step-outputs 7`) it also says at how many bytes they are misread.")
        @Option(help: "Checkpoint (default: the embedded model).") var model: String?
        @Option(help: "Examples (JSONL) instead of files.") var data: String?
        @Option(parsing: .unconditional, help: "Skip files larger than this many bytes (named on stderr).") var maxBytes: Int = 1 << 22
        @Option(parsing: .unconditional, help: "Texts with misreads to list, most misreads first (and for a stack network, valid texts its stack breaks).") var show: Int = 10
        @Option(parsing: .unconditional, help: "Read only this many of the files or texts, drawn with --seed (all when there are no more).") var sample: Int?
        @Option(parsing: .unconditional, help: "Seed of the --sample draw.") var seed: UInt64 = 1
        @Option(help: "text or json.") var format: OutputFormat = .text
        @Argument(help: "C-like files or folders.") var paths: [String] = []

        func validate() throws {
            guard (data == nil) != paths.isEmpty else { throw ValidationError("give files or folders, or --data, not both") }
            guard maxBytes >= 1 else { throw ValidationError("--max-bytes must be at least 1") }
            guard show >= 0 else { throw ValidationError("--show must not be negative") }
            if let sample, sample < 1 { throw ValidationError("--sample must be at least 1") }
        }

        /// The positions of `count` files or texts that `--sample` reads, in their own order: the
        /// first `sample` of a seeded shuffle, so a probe of a large tree is reproducible.
        func drawn(_ count: Int) -> Set<Int>? {
            guard let sample, sample < count else { return nil }
            var order = Array(0..<count), rng = SeededRandom(seed: seed)
            rng.shuffle(&order)
            return Set(order.prefix(sample))
        }

        func run() throws {
            let (ckpt, name, _) = try DefaultModel.resolve(model, lexerAllowed: true)
            let net = ckpt.model
            guard net.config.stepOutputs >= 3 else {
                throw NestNetError("\(name) has \(net.config.stepOutputs) step outputs: the lexical probe needs the `inert` one (3, 5 or 7)")
            }
            // Texts are read a batch at a time, so a large tree is never in memory whole.
            // A lexer trained with --later-branches has a `later` output (step output 1).
            let readsLater = ckpt.metadata["train.lexer_only"] == "inert+later"
            let readsMoves = ckpt.metadata["train.lexer_only"] == "stack-moves"
            var p = LexicalProbe(readsLater: readsLater, readsMoves: readsMoves), names: [String] = [], batch: [[UInt8]] = [], skipped = 0, available = 0, sampled = false
            func take(_ text: [UInt8], _ shown: String) {
                batch.append(text); names.append(shown)
                if batch.count == 8 { p.read(batch, model: net, threads: defaultThreads); batch = [] }
            }
            if let data {
                let examples = try Dataset.read(data), chosen = drawn(examples.count)
                available = examples.count; sampled = chosen != nil
                for (i, e) in examples.enumerated() where chosen?.contains(i) ?? true { take(e.text, "\(data):\(i + 1)") }
            } else {
                func skip(_ path: String, _ reason: String) {
                    skipped += 1
                    writeStderr("nestnet: warning: \(FileName.display(path)): skipped: \(reason)\n")
                }
                // Problems met on the walk are named whether or not --sample draws near them.
                let entries = SourceWalker(extensions: SourceWalker.cLikeExtensions).walk(paths)
                let files = entries.compactMap { if case .file(let f) = $0 { f } else { nil } }
                let chosen = drawn(files.count)
                available = files.count; sampled = chosen != nil
                var index = 0
                for entry in entries {
                    switch entry {
                    case .file(let f):
                        defer { index += 1 }
                        guard chosen?.contains(index) ?? true else { continue }
                        do { take(try readFile(f, limit: maxBytes), FileName.display(f)) } catch let e as NestNetError {
                            if case .tooLarge = e.kind { skip(f, "larger than \(maxBytes) bytes (--max-bytes)") } else { skip(f, e.message) }
                        }
                    case .problem(let path, let message): skip(path, message)
                    case .skipped(let path, let reason): skip(path, reason)
                    }
                }
            }
            if !batch.isEmpty { p.read(batch, model: net, threads: defaultThreads) }
            guard p.texts > 0 else { throw NestNetError("nothing to read: no texts or C-like files") }
            let worst = p.misreads.sorted { ($0.count, $1.text) > ($1.count, $0.text) }.prefix(show)
            let worstBreaks = p.validBreaks.sorted { ($0.misread, $1.text) > ($1.misread, $0.text) }.prefix(show)
            func rate(_ a: Int, _ b: Int) -> Double { b > 0 ? Double(a) / Double(b) : 0 }
            if format == .json {
                printJSON { o in
                    o.field("model", name); o.field("texts", p.texts); o.field("skipped", skipped)
                    if sampled { o.field("sample") { $0.object { $0.field("of", available); $0.field("seed", seed) } } }
                    o.field("texts_misread", p.textsMisread)
                    o.field("valid_texts", p.validTexts); o.field("stack_breaks_oracle_lexed", p.stackBreaksOracleLexed)
                    o.field("stack_breaks_model_lexed", p.stackBreaksModelLexed)
                    o.field("valid_texts_64k", p.validLargeTexts); o.field("stack_breaks_model_lexed_64k", p.stackBreaksModelLexedLarge)
                    o.field("stack_breaks_first_branch", p.stackBreaksFirstBranch)
                    o.field("broken_texts", p.brokenTexts)
                    o.field("stack_catches_first_branch", p.stackCatchesFirstBranch); o.field("stack_at_line_first_branch", p.stackAtLineFirstBranch)
                    if readsMoves {
                        o.field("brackets", p.brackets); o.field("moves_misread", p.movesMisread); o.field("kinds_misread", p.kindsMisread)
                        o.field("moves_misread_by") { $0.object { r in
                            for k in LexicalProbe.MoveMisread.allCases { r.field(k.key, p.movesMisreadBy[k.rawValue]) }
                        } }
                        if p.stateBytes > 0 {
                            o.field("state_bytes", p.stateBytes)
                            o.field("later_bytes", p.laterBytes); o.field("later_misread", p.laterMisread)
                            o.field("nested_bytes", p.nestedBytes); o.field("nested_misread", p.nestedMisread)
                        }
                        o.field("valid_breaks") { $0.array(Array(worstBreaks)) { w, b in
                            w.object { o in
                                o.field("text", names[b.text]); o.field("line", b.atLine); o.field("offset", b.at); o.field("misread", b.misread)
                                if let f = b.first { o.field("first_line", f.line); o.field("first_offset", f.offset); o.field("first_kind", f.kind.described) }
                            }
                        } }
                    }
                    if readsLater {
                        o.field("later_brackets", p.laterBrackets); o.field("later_read_later", p.laterReadLater)
                        o.field("first_branch_read_later", p.firstReadLater)
                    }
                    o.field("stack_catches_oracle_lexed", p.stackCatchesOracleLexed); o.field("stack_at_line_oracle_lexed", p.stackAtLineOracleLexed)
                    o.field("stack_catches_model_lexed", p.stackCatchesModelLexed); o.field("stack_at_line_model_lexed", p.stackAtLineModelLexed)
                    o.field("code_brackets", p.codeBrackets); o.field("code_read_inert", p.codeReadInert)
                    o.field("inert_brackets", p.inertBrackets); o.field("inert_read_code", p.inertReadCode)
                    o.field("inert_by_region") { $0.object { r in
                        for (k, n) in LexicalProbe.regionNames.enumerated() {
                            r.field(n) { $0.object { $0.field("brackets", p.inertByRegion[k]); $0.field("read_code", p.readCodeByRegion[k]) } }
                        }
                    } }
                    o.field("worst") { $0.array(Array(worst)) { w, m in
                        w.object { $0.field("text", names[m.text]); $0.field("misread", m.count); $0.field("first_offset", m.first)
                                   $0.field("first_kind", LexicalProbe.describe(m.region)) }
                    } }
                }
                return
            }
            print("\(name) (\(net.config.shortName)), \(p.texts) texts\(sampled ? " drawn from \(available) (seed \(seed))" : "")"
                  + (skipped > 0 ? " (\(skipped) skipped)" : ""))
            print("code brackets read as inert:  \(p.codeReadInert) of \(p.codeBrackets) (\(fixed(100 * rate(p.codeReadInert, p.codeBrackets), 3))%)")
            print("inert brackets read as code:  \(p.inertReadCode) of \(p.inertBrackets) (\(fixed(100 * rate(p.inertReadCode, p.inertBrackets), 3))%)")
            for (k, n) in LexicalProbe.regionNames.enumerated() {
                print("  in a \(n):".padded(30) + "\(p.readCodeByRegion[k]) of \(p.inertByRegion[k]) (\(fixed(100 * rate(p.readCodeByRegion[k], p.inertByRegion[k]), 3))%)")
            }
            print("texts with a misread bracket: \(p.textsMisread) of \(p.texts) (\(fixed(100 * rate(p.textsMisread, p.texts), 1))%)")
            if readsLater {
                print("code brackets in later branches read as later: \(p.laterReadLater) of \(p.laterBrackets); outside them: \(p.firstReadLater) of \(p.codeBrackets - p.laterBrackets)")
            }
            if readsMoves {
                print("stack moves misread: \(p.movesMisread) of \(p.brackets) brackets (push, pop or none); kinds: \(p.kindsMisread)")
                let by = p.movesMisreadBy
                print("  code brackets read as no move: \(by[0]); later-branch brackets read as moves: \(by[1]); "
                      + "inert brackets read as moves: \(by[2]); push and pop swapped: \(by[3]); other bytes read as moves: \(by[4])")
                if p.stateBytes > 0 {
                    print("  state outputs misread, of \(p.stateBytes) bytes: `later` at \(p.laterMisread) (the oracle's later branches: \(p.laterBytes) bytes), "
                          + "`nested` at \(p.nestedMisread) (\(p.nestedBytes))")
                }
            }
            let modelLexed = readsMoves ? "by the model's own moves" : readsLater ? "by the model (inert or later)" : "by the model"
            print("valid texts a plain stack breaks: \(p.stackBreaksOracleLexed) of \(p.validTexts) lexed by the oracle "
                  + "(\(p.stackBreaksFirstBranch) following first branches), \(p.stackBreaksModelLexed) \(modelLexed)"
                  + (p.validLargeTexts > 0 ? " (\(p.stackBreaksModelLexedLarge) of the \(p.validLargeTexts) of 64 KB or more)" : ""))
            if p.brokenTexts > 0 {
                print("broken texts it catches: \(p.stackCatchesOracleLexed) of \(p.brokenTexts) lexed by the oracle (\(p.stackAtLineOracleLexed) at its line; "
                      + "following first branches \(p.stackCatchesFirstBranch), \(p.stackAtLineFirstBranch)), "
                      + "\(p.stackCatchesModelLexed) \(modelLexed) (\(p.stackAtLineModelLexed) at the oracle's line)")
            }
            for m in worst { print("  \(names[m.text]): \(m.count) misread, first at byte \(m.first): \(LexicalProbe.describe(m.region))") }
            if !worstBreaks.isEmpty {
                print("valid texts its own stack breaks, most misread moves first:")
                for b in worstBreaks {
                    print("  \(names[b.text]):\(b.atLine): broken; \(b.misread) moves misread"
                          + (b.first.map { ", first on line \($0.line): \($0.kind.described)" } ?? ""))
                }
            }
        }
    }
}
