import NestingOracle
import RecurrentNet
import StepHead

/// Does a model know the lexical state where the count depends on it? Its step head's `inert`
/// output (P > 0.5) at every bracket byte `( ) [ ] { }` against the oracle's: a code bracket
/// read as comment or string drops out of the count, an inert one read as code adds a false
/// one, and either can flag a valid file (issue 12's false alarms on real code).
public struct LexicalProbe: Sendable {
    /// Bracket bytes in code, and of them those the model reads as inert.
    public var codeBrackets = 0, codeReadInert = 0
    /// Bracket bytes in comments, strings, chars, directives or `#if 0`, and of them those read as code.
    public var inertBrackets = 0, inertReadCode = 0
    /// The inert brackets and those read as code by the oracle's region, in `regionNames`' order.
    public var inertByRegion = [Int](repeating: 0, count: 4), readCodeByRegion = [Int](repeating: 0, count: 4)
    public static let regionNames = ["comment", "string or char", "directive", "#if 0 group"]
    /// Texts read, and of them those with at least one misread bracket.
    public var texts = 0, textsMisread = 0
    /// Per text with a misread bracket: its index, the misread count, the first one's offset and
    /// the oracle's region there (`.code`: a code bracket read as inert).
    public struct Misread: Sendable, Equatable { public var text: Int, count: Int, first: Int, region: Region }
    public var misreads: [Misread] = []
    /// A plain bracket stack over the brackets a lexer calls code (an opener pushes, a closer pops
    /// its own kind; a wrong or missing top, or anything left at the end, breaks the text): the
    /// texts the oracle calls valid (`validTexts`) that such a stack breaks when the oracle's
    /// regions say what is code (`stackBreaksOracleLexed`: the conditional rules alone, since a
    /// plain stack does not restart `#else` branches) and when the model's `inert` output does
    /// (`stackBreaksModelLexed`). What a network with an exact stack and this lexer would flag.
    public var validTexts = 0, stackBreaksOracleLexed = 0, stackBreaksModelLexed = 0
    /// Of those, the texts of `largeText` bytes or more, and the ones the model-lexed stack breaks
    /// (long files are where a lint's false alarms gather: issue 12 gives them their own target).
    public var validLargeTexts = 0, stackBreaksModelLexedLarge = 0
    public static let largeText = 65_536
    /// The other side of that stack: texts the oracle calls broken (`brokenTexts`) that it
    /// catches, and of those the ones where its first break (a closer that does not pop its own
    /// kind, or at the end the innermost opener left) is on the oracle's line, lexed by the
    /// oracle's regions and by the model's `inert` output.
    public var brokenTexts = 0, stackCatchesOracleLexed = 0, stackCatchesModelLexed = 0
    public var stackAtLineOracleLexed = 0, stackAtLineModelLexed = 0
    /// The same stack over the oracle's code brackets outside later branches of live
    /// conditionals (`Analysis.laterBranches`): it follows each conditional's first branch, as
    /// the oracle goes on from it, so it breaks no valid text (`stackBreaksFirstBranch` is the
    /// check of that) but one that ends inside a later branch (no `#endif`: the oracle ends with
    /// that branch's stack); it misses breaks that only a later branch has.
    public var stackBreaksFirstBranch = 0, stackCatchesFirstBranch = 0, stackAtLineFirstBranch = 0
    /// For a lexer with the `later` output (`train --lexer-only --later-branches`, step output 1
    /// read when `readsLater`): the model-lexed stack leaves out brackets it reads as later too.
    /// Code brackets in later branches (`laterBrackets`) and of them those it reads as later,
    /// and code brackets outside them that it reads as later (`firstReadLater`).
    public var readsLater = false
    public var laterBrackets = 0, laterReadLater = 0, firstReadLater = 0
    /// For a stack network's lexer (`train --lexer-only --stack-moves`, `readsMoves`): the
    /// model-lexed stack is its own (`StackMoves.Stack`: its push, pop and kind outputs), and
    /// brackets whose move (push, pop or none) it misreads, and whose kind, against the oracle's.
    public var readsMoves = false
    public var movesMisread = 0, kindsMisread = 0, brackets = 0
    /// For a stack network with the state outputs (`StackMoves.stateOutputs`): bytes read,
    /// and per output (`later`, `nested`) the bytes the oracle sets it at and the bytes whose
    /// reading (logit > 0) differs from the oracle's, at every byte.
    public var stateBytes = 0, laterBytes = 0, laterMisread = 0, nestedBytes = 0, nestedMisread = 0
    /// The misread moves by what they are, in `MoveMisread`'s order.
    public var movesMisreadBy = [Int](repeating: 0, count: MoveMisread.allCases.count)
    /// What a stack network does wrong, against `StackMoves.targets`: a code bracket it should
    /// move on read as no move, a code bracket of a later branch (or an inert one) read as a move,
    /// a push read as a pop or the reverse, or a byte that is no bracket read as a move (not
    /// counted in `movesMisread`, which is per bracket, but its stack moves on it all the same).
    public enum MoveMisread: Int, CaseIterable, Sendable {
        case missed, later, inert, swapped, notBracket
        /// Its name in `probe lexical`'s JSON.
        public var key: String { ["missed", "later", "inert", "swapped", "not_bracket"][rawValue] }
        public var described: String {
            ["a code bracket read as no move", "a later-branch bracket read as a move", "an inert bracket read as a move",
             "a push read as a pop or the reverse", "a byte that is no bracket read as a move"][rawValue]
        }
    }
    /// Per valid text a stack network's own stack breaks: its index, where the stack broke, how
    /// many moves it misread, and the first one (offset and what it is; nil when every move was
    /// right and only the oracle's end-of-text rule differs). What to read to see why.
    /// Offsets are bytes, lines the oracle's (from 1).
    public struct ValidBreak: Sendable, Equatable {
        public var text: Int, at: Int, atLine: Int, misread: Int
        public var first: Misplaced?
        public struct Misplaced: Sendable, Equatable { public var offset: Int, line: Int, kind: MoveMisread }
    }
    public var validBreaks: [ValidBreak] = []

    public init(readsLater: Bool = false, readsMoves: Bool = false) { self.readsLater = readsLater; self.readsMoves = readsMoves }

    /// Reads a few more texts (one batch), numbered on from those read before: a caller with
    /// many files keeps only one batch of them in memory. The model needs a step head with the
    /// `inert` output (3 or more step outputs).
    public mutating func read(_ group: [[UInt8]], model: RecurrentModel, threads: Int = 2) {
        let P = model.config.stepOutputs
        precondition(P >= 3, "the lexical probe reads step output 2 (`inert`)")
        let logits = model.predict(group, threads: threads, stepOutputs: true).stepLogits ?? []
        for (j, text) in group.enumerated() { add(index: texts, text: text, logits: logits[j], outputs: P) }
    }

    mutating func add(index: Int, text: [UInt8], logits: [Float], outputs P: Int) {
        let analysis = NestingOracle.analyze(text), regions = analysis.regions, later = analysis.laterFlags
        let oracleBreak = Self.stackBreak(text, code: { !regions[$0].isInert })
        let firstBranchBreak = Self.stackBreak(text, code: { !regions[$0].isInert && later[$0] == 0 })
        let readsLater = readsLater
        let modelBreak: Int?
        var firstMove: (offset: Int, kind: MoveMisread)?, textMoves = 0
        if readsMoves {
            var stack = StackMoves.Stack()
            stack.read(logits, count: text.count, outputs: P)
            modelBreak = stack.finish()?.offset
            let moves = StackMoves.targets(text, analysis: analysis)
            let readsState = P >= StackMoves.stateOutputs
            logits.withUnsafeBufferPointer { z in
                for (i, b) in text.enumerated() {
                    if readsState {
                        let later = moves[i] & 32 != 0, nested = moves[i] & 64 != 0
                        stateBytes += 1
                        if later { laterBytes += 1 }
                        if nested { nestedBytes += 1 }
                        if (z[i * P + 5] > 0) != later { laterMisread += 1 }
                        if (z[i * P + 6] > 0) != nested { nestedMisread += 1 }
                    }
                    let read = StackMoves.read(z.baseAddress! + i * P)
                    guard Bracket.isBracket(b) else {
                        guard read & 3 != 0 else { continue }
                        textMoves += 1; movesMisreadBy[MoveMisread.notBracket.rawValue] += 1
                        if firstMove == nil { firstMove = (i, .notBracket) }
                        continue
                    }
                    brackets += 1
                    if read & 24 != moves[i] & 24 { kindsMisread += 1 }
                    guard read & 3 != moves[i] & 3 else { continue }
                    let kind: MoveMisread = moves[i] & 3 != 0 ? (read & 3 == 0 ? .missed : .swapped)
                        : regions[i].isInert ? .inert : .later
                    movesMisread += 1; textMoves += 1; movesMisreadBy[kind.rawValue] += 1
                    if firstMove == nil { firstMove = (i, kind) }
                }
            }
        } else {
            modelBreak = Self.stackBreak(text, code: { logits[$0 * P + 2] <= 0 && !(readsLater && logits[$0 * P + 1] > 0) })
        }
        func line(_ offset: Int) -> Int { text.withUnsafeBufferPointer { SourcePosition.of(offset: offset, in: $0).line } }
        if let error = analysis.verdict.error {
            brokenTexts += 1
            if let o = oracleBreak { stackCatchesOracleLexed += 1; if line(o) == error.line { stackAtLineOracleLexed += 1 } }
            if let o = firstBranchBreak { stackCatchesFirstBranch += 1; if line(o) == error.line { stackAtLineFirstBranch += 1 } }
            if let o = modelBreak { stackCatchesModelLexed += 1; if line(o) == error.line { stackAtLineModelLexed += 1 } }
        } else {
            validTexts += 1
            if oracleBreak != nil { stackBreaksOracleLexed += 1 }
            if firstBranchBreak != nil { stackBreaksFirstBranch += 1 }
            if let at = modelBreak {
                stackBreaksModelLexed += 1
                if readsMoves {
                    let first = firstMove.map { ValidBreak.Misplaced(offset: $0.offset, line: line($0.offset), kind: $0.kind) }
                    validBreaks.append(ValidBreak(text: index, at: at, atLine: line(at), misread: textMoves, first: first))
                }
            }
            if text.count >= Self.largeText {
                validLargeTexts += 1
                if modelBreak != nil { stackBreaksModelLexedLarge += 1 }
            }
        }
        var wrong = 0, first = -1, firstRegion = Region.code
        for (i, b) in text.enumerated() where Bracket.isBracket(b) {
            if readsLater && !regions[i].isInert {
                let readLater = logits[i * P + 1] > 0
                if later[i] == 1 { laterBrackets += 1; if readLater { laterReadLater += 1 } } else if readLater { firstReadLater += 1 }
            }
            let inert = regions[i].isInert, readInert = logits[i * P + 2] > 0
            let group = Self.group(regions[i])
            if inert { inertBrackets += 1; inertByRegion[group] += 1 } else { codeBrackets += 1 }
            guard inert != readInert else { continue }
            if inert { inertReadCode += 1; readCodeByRegion[group] += 1 } else { codeReadInert += 1 }
            if first < 0 { first = i; firstRegion = regions[i] }
            wrong += 1
        }
        texts += 1
        if wrong > 0 { textsMisread += 1; misreads.append(Misread(text: index, count: wrong, first: first, region: firstRegion)) }
    }

    /// Where a plain stack of the brackets `code` accepts first breaks: a closer that does not pop
    /// its own kind, or at the end the innermost opener left open (where the oracle reports an
    /// unclosed text); nil when it stays whole to the end and empty.
    static func stackBreak(_ text: [UInt8], code: (Int) -> Bool) -> Int? {
        var stack: [(kind: BracketKind, offset: Int)] = []
        for (i, b) in text.enumerated() where Bracket.isBracket(b) && code(i) {
            if let k = Bracket.openerKind(b) { stack.append((k, i)); continue }
            guard let k = Bracket.closerKind(b), stack.popLast()?.kind == k else { return i }
        }
        return stack.last?.offset
    }

    /// Index into `regionNames` of an inert region (0 for code, unused).
    static func group(_ r: Region) -> Int {
        switch r {
        case .code, .lineComment, .blockComment: return 0
        case .string, .char: return 1
        case .directive: return 2
        case .skipped: return 3
        }
    }

    /// What a misread at a bracket of region `r` is, in words.
    public static func describe(_ r: Region) -> String {
        r == .code ? "a code bracket read as inert" : "a bracket in a \(regionNames[group(r)]) read as code"
    }
}
