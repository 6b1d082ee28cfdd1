import ArgumentParser
import NestNetSupport
import ProgramGenerator


/// `nestnet generate`: labelled C-like programs or Dyck strings as JSONL.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate a labelled dataset (JSONL) of C-like programs or Dyck strings.",
        discussion: """
        Valid texts come from a C program generator (or the Dyck PCFG of Suzgun et al. 2019); \
        invalid ones are single code-level edits of valid ones, and valid "decoys" get the same \
        kind of edit inside a string or comment. Every label comes from the exact oracle. The \
        same arguments and seed give a byte-identical file, written atomically.
        """)

    @Option(help: "c, dyck1, dyck2 or dyck3.") var language: Language = .c
    @Option(parsing: .unconditional, help: "Number of examples.") var count: Int
    @Option(parsing: .unconditional, help: "Shortest text in bytes.") var minLength: Int = 64
    @Option(parsing: .unconditional, help: "Longest text in bytes.") var maxLength: Int = 512
    @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Output JSONL file.") var out: String
    @Option(parsing: .unconditional, help: "Deepest code nesting in the valid texts.") var maxDepth: Int?
    @Option(parsing: .unconditional, help: "Probability that a comment, string or char carries brackets (c).") var distractors: Double = 0.35
    @Option(help: "Where the breaking edit falls: any, early (first 10%), middle, late (last 10%).")
    var errorPosition: ErrorPosition = .any
    @Option(parsing: .unconditional, help: "Fraction of valid examples.") var validFraction: Double = 0.5
    @Option(parsing: .unconditional, help: "Fraction of c texts of 1 KB or more written as whole headers inside extern \"C\" { } or a namespace.")
    var headers: Double = 0
    @Option(help: "How text lengths spread over the range: uniform, or log (every doubling equally likely).")
    var lengths: LengthDistribution = .uniform
    @Option(help: "Which corrupting edits make the invalid texts: any, count-preserving (swap closers, move an opener: no per-type count changes, a stack test) or count-breaking.")
    var edits: EditSelection = .any
    @Option(parsing: .unconditional, help: "Extra decoy brackets inside comments and strings, up to this many per KB, in both classes (c only).")
    var decoyRate: Double = 0
    @Option(parsing: .unconditional, help: "Share of comments (and, at set fractions of it, strings, operators, struct fields and call arguments) written with real code's lexical habits: empty // lines, code commented out, unspaced /*NULL,*/, adjacent \"a\"\"b\" strings (c only).")
    var habits: Double = 0
    @Option(parsing: .unconditional, help: "Share of programs whose preprocessor lines are indented as people write them: #  ifdef, #     else (spaces after # by #if depth), indented   #endif, or # define everywhere (c only).")
    var directiveHabits: Double = 0
    @Option(parsing: .unconditional, help: "Share of programs whose conditionals are written as real files write them: long, nested branches and #elif chains, a whole file in the #else of a short first branch, else split across #endif, #if inside comments (c only).")
    var conditionalHabits: Double = 0
    @Option(parsing: .unconditional, help: "Worker threads (the output does not depend on it).") var threads: Int = 2
    @Flag(help: "No progress output.") var quiet = false

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1 (got \(count))") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let options = GeneratorOptions(language: language, minLength: minLength, maxLength: maxLength,
                                       maxDepth: maxDepth, distractors: distractors,
                                       errorPosition: errorPosition, validFraction: validFraction, headers: headers, lengths: lengths, edits: edits, decoyRate: decoyRate, habits: habits,
                                       directiveHabits: directiveHabits, conditionalHabits: conditionalHabits)
        let generator = try ExampleGenerator(options)
        try checkWritable(out)
        var progress = ProgressLine("generate", total: count, quiet: quiet)
        try Dataset.write(generator, count: count, seed: seed, to: out, threads: threads) { progress.update($0) }
        progress.finish("wrote \(count) examples to \(out) in \(fixed(progress.elapsed, 2))s")
    }
}
