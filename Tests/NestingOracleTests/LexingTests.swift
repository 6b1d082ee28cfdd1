import Testing
@testable import NestingOracle

/// The kind of the first error, or nil when valid.
private func err(_ s: String) -> NestingErrorKind? { NestingOracle.check(s).error?.kind }

@Suite("Lexing: brackets count only in code")
struct LexingTests {
    @Test func plainCode() {
        #expect(err("int f(int a[3]) { return a[0]; }") == nil)
        #expect(err("") == nil)
        #expect(err("no brackets at all") == nil)
    }

    @Test func errorKinds() {
        #expect(err("f(a]") == .mismatchedCloser)
        #expect(err("x) ") == .unexpectedCloser)
        #expect(err("{ {") == .unclosedOpener)
        #expect(err("int main() { return 0; ") == .unclosedOpener)
    }

    /// Issue 13 item 12: a lone CR ends a line, as it does for gcc and clang (classic Mac OS
    /// files), while CR LF still counts as one line end.
    @Test func loneCarriageReturnsEndLines() {
        #expect(err("int f() {\r // c\r return (1);\r}\r") == nil)
        #expect(err("int f() {\r // c {\r return (1);\r}\r") == nil)
        #expect(err("#define X {\rint a[2];\r") == nil)
        for t in ["f(\"unterminated\r);", "f('x\r);", "f(); // ( \\\r continued )\r", "g(R\"x\r(\"));"] {
            #expect(err(t) == err(String(t.map { $0 == "\r" ? "\n" : $0 })), "\(t.debugDescription)")
        }
        #expect(err("#if 0\r{\r#endif\rint x;\r") == nil)
        #expect(err("a = 1; \\\r// continued comment }\rb[0];\r") == nil)
        let v = NestingOracle.check("int f() {\r\n x;\r y(;\r}\r")
        #expect(v.error?.line == 4 && v.error?.column == 1 && v.error?.kind == .mismatchedCloser, "\(String(describing: v.error))")
    }

    @Test func commentsHideBrackets() {
        #expect(err("f(); // } ) ]\n") == nil)
        #expect(err("f(/* ) */);") == nil)
        #expect(err("/* { */ }") == .unexpectedCloser)
        #expect(err("{ /* } never closed") == .unclosedOpener)  // comment runs to end of text
        #expect(err("// line comment \\\n continued ) \n") == nil)
        #expect(err("// line comment \\\r\n continued ) \r\n") == nil)
        #expect(err("a / b ( c )") == nil)  // a lone slash is division
    }

    @Test func stringsAndChars() {
        #expect(err(#"puts("}}}");"#) == nil)
        #expect(err(#"puts("\"{");"#) == nil)
        #expect(err(#"char c = '{'; char d = '\''; char e = ')';"#) == nil)
        #expect(err(#"s = "a\\"; }"#) == .unexpectedCloser)  // escaped backslash ends the string
        #expect(err("s = \"unterminated { \n }") == .unexpectedCloser)  // string ends at the line end
        #expect(err("c = '{ \n }") == .unexpectedCloser)
        #expect(err("s = \"line \\\n continued ) \"; ") == nil)
    }

    @Test func cppLiterals() {
        #expect(err("int n = 1'000'000; f(n);") == nil)  // digit separators
        #expect(err("x = 0xFF'FF; { }") == nil)
        #expect(err(#"auto s = R"x( ) } " )x"; f();"#) == nil)
        #expect(err(#"auto s = u8R"(})"; g();"#) == nil)
        #expect(err(#"auto s = L'{'; h();"#) == nil)
    }

    @Test func directivesDoNotCount() {
        #expect(err("#define OPEN {\nint x;\n") == nil)
        #expect(err("  #  define F(x) ((x)\nint y;\n") == nil)
        #expect(err("#define M(a) \\\n  do { a; \nint z;\n") == nil)
        #expect(err("x = a # b ( ;") == .unclosedOpener)  // not at line start: not a directive
        #expect(err("#define X /* multi\n line { */ 1\n") == nil)
        // queue.h style: a comment before the continuation, tab-aligned backslashes.
        #expect(err("#define E(type)\t\t\\\nstruct {\t/* next ( */\t\\\n\tstruct type *n;\t\\\n}\nint w;\n") == nil)
        #expect(err("#define E(type) /* c */ \\\r\nstruct {\r\n}\r\n") == .unexpectedCloser)  // the { line ends it
        #expect(err("#define L // a line comment \\\n carries { on\nint v;\n") == nil)
    }

    @Test func crlfAndNulBytes() {
        #expect(err("int f()\r\n{\r\n  return 0;\r\n}\r\n") == nil)
        let bytes: [UInt8] = Array("{ a".utf8) + [0, 0] + Array(" }".utf8)
        #expect(NestingOracle.check(bytes).isValid)
        let latin1: [UInt8] = [0x7B, 0xE9, 0xFF, 0x80, 0x7D]  // not UTF-8
        #expect(NestingOracle.check(latin1).isValid)
    }

    @Test func positions() throws {
        let v = NestingOracle.check("int f() {\n  g(a];\n}\n")
        let e = try #require(v.error)
        #expect(e.kind == .mismatchedCloser)
        #expect(e.offset == 15 && e.line == 2 && e.column == 6)
        #expect(e.found == .square && e.expected == .paren && e.openerOffset == 13)
        #expect(e.message == "expected ')' but found ']'")

        let u = try #require(NestingOracle.check("a {\n b (\n").error)
        #expect(u.kind == .unclosedOpener && u.line == 2 && u.column == 4)  // innermost opener

        let crlf = try #require(NestingOracle.check("x;\r\n)").error)
        #expect(crlf.line == 2 && crlf.column == 1)
    }

    @Test func firstErrorWins() throws {
        let e = try #require(NestingOracle.check("} ) {").error)
        #expect(e.kind == .unexpectedCloser && e.offset == 0)
    }
}

@Suite("Preprocessor conditionals")
struct ConditionalTests {
    @Test func sharedCloserAcrossBranches() {
        // The SQLite pattern: each branch opens the same brace, one closer after #endif.
        let src = """
        #ifdef FAST
        static int f(int x) {
        #else
        static int f(long x) {
        #endif
          return (int)x;
        }
        """
        #expect(err(src) == nil)
    }

    @Test func branchesMustAgree() throws {
        let src = "#if A\nint f() {\n#else\nint f();\n#endif\n"
        let e = try #require(NestingOracle.check(src).error)
        #expect(e.kind == .conditionalMismatch && e.line == 5)  // compared at #endif
        #expect(err("#if A\n{\n#elif B\n(\n#endif\n") == .conditionalMismatch)
        #expect(err("#if A\n{\n#elif B\n{\n#else\n[\n#endif\n") == .conditionalMismatch)
        #expect(err("#if A\n{\n#elif B\n{\n#else\n{\n#endif\n}") == nil)
    }

    @Test func conditionalWithoutElseSimplyCounts() {
        #expect(err("#ifdef X\n{\n#endif\n") == .unclosedOpener)
        #expect(err("{\n#ifndef X\n}\n#endif\n") == nil)
    }

    @Test func branchesClosingTheSameBrace() {
        #expect(err("void f() {\n#if A\n}\n#else\n}\n#endif\n") == nil)
    }

    @Test func ifZeroIsSkipped() {
        #expect(err("#if 0\n  broken( [ {\n#endif\nint x;\n") == nil)
        #expect(err("#if 0 /* old */\n } } }\n#endif\n") == nil)
        #expect(err("#if (0)\n ) \n#endif\n") == nil)
        #expect(err("#if 0\n#if A\n{\n#else\n(\n#endif\n ]\n#endif\n") == nil)  // nested conditionals respected
        #expect(err("#if 0\n ) \n#else\n{\n#endif\n") == .unclosedOpener)  // #else branch counts
        #expect(err("#if 0\n ) \n#elif B\n{\n#else\n(\n#endif\n") == .conditionalMismatch)
        #expect(err("#if 00\n ) \n#endif\n") == .unexpectedCloser)  // only a literal 0 skips
        #expect(err("/*\n#if 0\n*/ )") == .unexpectedCloser)  // directive inside a comment is no directive
    }

    /// `#elif 0` opens a dead branch: skipped like `#if 0`, and not compared with the live ones.
    @Test func elifZeroIsADeadBranch() {
        // hwloc's idiom, so editors see balanced braces.
        #expect(err("#ifdef __cplusplus\nextern \"C\" {\n#elif 0\n}\n#endif\nint x;\n#ifdef __cplusplus\n}\n#endif\n") == nil)
        #expect(err("#if A\n{\n#elif 0\n)\n#else\n{\n#endif\n}") == nil)
        #expect(err("#if A\n{\n#elif 0\n}\n#else\n(\n#endif\n") == .conditionalMismatch)  // live branches still agree or not
        #expect(err("#if 0\n)\n#elif 0\n(\n#else\n{\n#endif\n}") == nil)
        #expect(err("#if A\n{\n#elif (0)\n#if B\n(\n#else\n]\n#endif\n#endif\n}") == nil)  // nested groups inside stay dead
        #expect(err("#if A\n{\n#elif 0\n)\n#endif\n") == .unclosedOpener)  // goes on from the first branch
        #expect(err("#if A\n{\n#elif 0 || B\n)\n#endif\n}") == .unexpectedCloser)  // only a literal 0
        let a = NestingOracle.analyze(Array("#if A\n{\n#elif 0\n)\n#endif\n}".utf8))
        #expect(a.regions[16] == .skipped && a.regions[6] == .code)
    }

    @Test func unmatchedDirectivesIgnored() {
        #expect(err("#endif\n#else\n#elif X\n{ }\n") == nil)
    }

    @Test func directivesInsideSkippedStrings() {
        #expect(err("#if 0\nconst char *s = \"#endif\";\n ) \n#endif\n") == nil)
    }
}

@Suite("Depth profile and regions")
struct ProfileTests {
    @Test func depthAfterEachByte() {
        let a = NestingOracle.analyze(Array("a{b(c)}d".utf8))
        #expect(a.depth == [0, 1, 1, 2, 2, 1, 0, 0])
        #expect(a.verdict.maxDepth == 2 && a.verdict.isValid)
    }

    @Test func regions() {
        let s = "x(\"(\"); // {\n#define Y {\n'['"
        let a = NestingOracle.analyze(Array(s.utf8))
        let r = a.regions
        #expect(r[0] == .code && r[1] == .code)
        #expect(r[2...4].allSatisfy { $0 == .string })
        #expect(r[8...11].allSatisfy { $0 == .lineComment })
        #expect(r[12] == .code)
        #expect(r[13...23].allSatisfy { $0 == .directive })
        #expect(r[25...27].allSatisfy { $0 == .char })
        #expect(r.count == 28 && a.depth[13...23].allSatisfy { $0 == 0 })
    }

    @Test func skippedRegion() {
        let a = NestingOracle.analyze(Array("#if 0\n(\n#endif\n{".utf8))
        #expect(a.regions[6] == .skipped)
        #expect(a.depth[6] == 0 && a.depth.last == 1)
    }

    /// Later branches of live conditionals (`#elif`/`#else` to `#endif`), which the oracle checks
    /// against the first and then leaves: one range while any open conditional is past its first
    /// branch; `#if 0 … #else` makes the `#else` branch the first live one; a dead `#elif 0`
    /// counts; a conditional left open runs to the end.
    @Test func laterBranches() {
        func later(_ s: String) -> [Range<Int>] { NestingOracle.analyze(Array(s.utf8)).laterBranches }
        #expect(later("#if A\n{\n#else\n(\n#endif\n}") == [8..<16])
        #expect(later("#if 0\n(\n#else\n{\n#endif\n}").isEmpty)
        #expect(later("#if A\n#if B\n{\n#else\n{\n#endif\n#else\n{\n#endif\n}") == [14..<22, 29..<37])
        #expect(later("#if A\n{\n#else\n#if B\n{\n#else\n{\n#endif\n#endif\n}") == [8..<37])
        #expect(later("#if A\n{\n#elif 0\n)\n#endif\n}") == [8..<18])
        #expect(later("#if A\n{\n#else\n{") == [8..<15])
        #expect(later("int f() { return (1); }").isEmpty)
        let a = NestingOracle.analyze(Array("#if A\n{\n#else\n(\n#endif\n}".utf8))
        #expect(a.laterFlags.enumerated().allSatisfy { i, f in f == ((8..<16).contains(i) ? 1 : 0) })
    }

    /// The parts of later branches where a conditional opened inside the branch (live or
    /// `#if 0`) is still open, from its `#if` to its `#endif`: not a conditional nested in a
    /// first branch, nor a dead `#elif 0` branch; one left open runs to the end.
    @Test func laterNested() {
        func nested(_ s: String) -> [Range<Int>] { NestingOracle.analyze(Array(s.utf8)).laterNested }
        #expect(nested("#if A\n{\n#else\n#if B\n{\n#else\n{\n#endif\n#endif\n}") == [14..<30])
        #expect(nested("#if A\n#if B\n{\n#else\n{\n#endif\n#else\n{\n#endif\n}").isEmpty)
        #expect(nested("#if A\n{\n#else\n#if 0\n(\n#endif\n{\n#endif\n}") == [14..<22])
        #expect(nested("#if A\n{\n#else\n  #  if 0\n(\n#else\n[\n#endif\n{\n#endif\n}") == [16..<34])
        #expect(nested("#if A\n{\n#elif 0\n)\n#endif\n}").isEmpty)
        #expect(nested("#if A\n{\n#else\n#ifdef B\n{") == [14..<24])
        #expect(nested("int f() { return (1); }").isEmpty)
        let a = NestingOracle.analyze(Array("#if A\n{\n#else\n#if 0\n(\n#endif\n{\n#endif\n}".utf8))
        #expect(a.laterNestedFlags.enumerated().allSatisfy { i, f in f == ((14..<22).contains(i) ? 1 : 0) })
        #expect(a.laterBranches == [8..<31])
    }

    @Test func brokenFlags() {
        let a = NestingOracle.analyze(Array("(a]b".utf8))
        #expect(a.brokenFlags == [0, 0, 1, 1])
        let u = NestingOracle.analyze(Array("(ab".utf8))
        #expect(u.brokenFlags == [0, 0, 1])
    }
}

@Suite("Deep nesting")
struct DeepNestingTests {
    @Test func millionDeep() {
        let n = 1_000_000
        var bytes = [UInt8](repeating: UInt8(ascii: "{"), count: n)
        bytes += [UInt8](repeating: UInt8(ascii: "}"), count: n)
        let v = NestingOracle.check(bytes)
        #expect(v.isValid && v.maxDepth == n)
        bytes.removeLast()
        #expect(NestingOracle.check(bytes).error?.kind == .unclosedOpener)
    }

    @Test func deepConditionalsStayLinear() {
        // 20000 nested braces, each level inside its own #if/#else pair.
        var s = ""
        for _ in 0..<20000 { s += "#if A\n{\n#else\n{\n#endif\n" }
        s += String(repeating: "}", count: 20000)
        #expect(err(s) == nil)
    }
}
