import NestingOracle

/// Per-byte targets for the per-step head, from the oracle. Bit k of each byte is output k:
///
///   0 `broken`: the nesting is already broken at or before this byte (a bad closer or a
///     conditional mismatch; an unclosed opener only at the last byte);
///   1 `open`: some code bracket is open after this byte (depth > 0);
///   2 `inert`: this byte is in a comment, string, char, directive or `#if 0` group;
///   3 `depth2`, 4 `depth3`: at least two (three) code brackets are open after this byte.
///
/// Models have the first three (`outputs`) or all five (`depthOutputs`): the depth outputs
/// give a dense signal for the second and third levels, which a long table of `{ … },`
/// entries inside one `= { … };` needs (after each entry, is the outer brace still open?).
/// A text is valid exactly when the last byte has neither `broken` nor `open`, so training
/// these at every step teaches the counter and the latch that the final label needs, with a
/// signal at every byte instead of only at the end.
public enum StepTargets {
    public static let outputs = 3
    /// With the clipped-depth outputs `depth2` and `depth3`.
    public static let depthOutputs = 5
    public static let names = ["broken", "open", "inert", "depth2", "depth3"]
    /// Step-head sizes a model may be trained with.
    public static let supported = [outputs, depthOutputs]

    /// Bit 5 of a target byte with `compute(_:laterBranches: true)`: the byte is in a later
    /// branch of a live conditional (`Analysis.laterBranches`), which a lexer for a stack
    /// (`train --lexer-only --later-branches`) learns as its `later` output.
    public static let laterBit: UInt8 = 32

    /// The targets of `text`, with `laterBit` set in later branches when `laterBranches`.
    public static func compute(_ text: [UInt8], laterBranches: Bool = false) -> [UInt8] {
        let a = NestingOracle.analyze(text)
        var out = bits(a, broken: a.brokenFlags)
        if laterBranches { for r in a.laterBranches { for i in r { out[i] |= laterBit } } }
        return out
    }

    private static func bits(_ a: Analysis, broken: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: a.depth.count)
        for i in 0..<a.depth.count {
            let d = a.depth[i]
            out[i] = broken[i] | (d > 0 ? 2 : 0) | (a.regions[i].isInert ? 4 : 0) | (d > 1 ? 8 : 0) | (d > 2 ? 16 : 0)
        }
        return out
    }

    /// A `depths` entry with no target: the nesting is already broken at or before this byte.
    public static let noDepth: UInt8 = 255

    /// The step targets and, per byte, the code depth after it for counter units (`train
    /// --counter-depth-loss`): the oracle's depth, at most 254, or `noDepth` from the break on
    /// (after a break the oracle's recovering stack is a guess, not a count to learn).
    public static func computeWithDepths(_ text: [UInt8]) -> (targets: [UInt8], depths: [UInt8]) {
        let a = NestingOracle.analyze(text)
        let broken = a.brokenFlags
        var depths = [UInt8](repeating: 0, count: text.count)
        for i in 0..<text.count { depths[i] = broken[i] & 1 == 1 ? noDepth : UInt8(clamping: min(Int(a.depth[i]), 254)) }
        return (bits(a, broken: broken), depths)
    }
}

extension StepTargets {
    /// Where a model's step head places the break in a text of `count` bytes: the start of the
    /// final run of bytes whose `broken` logit (output 0 of `P` per byte) is positive, or nil
    /// when the last byte is not broken. `broken` is absorbing in the oracle's targets, so only
    /// a run that lasts to the end counts; a brief flicker earlier in the text is ignored.
    /// `minLogit` sets how sure the head must be: 0 is P(broken) > 0.5.
    public static func breakStart(_ logits: UnsafeBufferPointer<Float>, count: Int, outputs P: Int, minLogit: Float = 0) -> Int? {
        runStart(logits, count: count, outputs: P, output: 0, minLogit: minLogit)
    }

    public static func breakStart(_ logits: [Float], count: Int, outputs P: Int, minLogit: Float = 0) -> Int? {
        logits.withUnsafeBufferPointer { breakStart($0, count: count, outputs: P, minLogit: minLogit) }
    }

    /// The start of the final run of bytes whose logit for `output` (of `P` per byte) is above
    /// `minLogit`, or nil when the last byte's is not. For `open` (output 1) this is where the
    /// model last went from nothing open to something open: in a text that ends with one
    /// bracket open, the opener that is never closed.
    public static func runStart(_ logits: UnsafeBufferPointer<Float>, count: Int, outputs P: Int, output k: Int, minLogit: Float = 0) -> Int? {
        guard count > 0, P > k, logits[(count - 1) * P + k] > minLogit else { return nil }
        var t = count - 1
        while t > 0 && logits[(t - 1) * P + k] > minLogit { t -= 1 }
        return t
    }

    /// Scans `count` steps of `broken` logits (output 0 of `P` per byte) that start at offset
    /// `from` of a text, for a run of `hold` bytes in a row past `bar`, continuing a run that
    /// started at `held` (an offset before `from`; nil: none on). Returns the start of the run on
    /// at the last byte scanned, or at the byte where one first lasted `hold` bytes (`decided`,
    /// an offset; the scan stops there). Scanning a text in pieces, each continuing from the
    /// last one's `held`, gives what one scan of the whole gives.
    public static func holdScan(_ logits: UnsafeBufferPointer<Float>, count: Int, outputs P: Int, bar: Float, hold: Int,
                                from: Int, held: Int?) -> (held: Int?, decided: Int?) {
        var run = held
        for t in 0..<count {
            if logits[t * P] > bar {
                let start = run ?? from + t
                run = start
                if from + t - start + 1 >= hold { return (start, from + t) }
            } else { run = nil }
        }
        return (run, nil)
    }

    public static func holdScan(_ logits: [Float], count: Int, outputs P: Int, bar: Float, hold: Int,
                                from: Int = 0, held: Int? = nil) -> (held: Int?, decided: Int?) {
        logits.withUnsafeBufferPointer { holdScan($0, count: count, outputs: P, bar: bar, hold: hold, from: from, held: held) }
    }

    public static func runStart(_ logits: [Float], count: Int, outputs P: Int, output k: Int, minLogit: Float = 0) -> Int? {
        logits.withUnsafeBufferPointer { runStart($0, count: count, outputs: P, output: k, minLogit: minLogit) }
    }

    /// Where the step head places the error of a text it reads whole (`logits`: `P` per byte),
    /// as the oracle would report it: a break (`isBreak`) at its closer (`snapToCloser`);
    /// otherwise, when `open` is on at the last byte, an unclosed bracket at the start of the
    /// final `open` run (`snapToOpener`); else nil.
    public static func errorOffset(_ logits: [Float], text: [UInt8], outputs P: Int) -> Int? {
        let n = text.count
        if let b = breakStart(logits, count: n, outputs: P), isBreak(text, start: b) { return snapToCloser(text, start: b) }
        if let o = runStart(logits, count: n, outputs: P, output: 1) { return snapToOpener(text, start: o) }
        return nil
    }

    /// Whether a `broken` run starting at `start` and lasting to `end` (the end of the text read,
    /// by default all of it) is a break (a bad closer) rather than the end of an unclosed text,
    /// which the oracle's targets mark broken at the last byte only: it starts before the last
    /// byte, or at a closer there.
    public static func isBreak(_ text: [UInt8], start: Int, end: Int? = nil) -> Bool {
        start < (end ?? text.count) - 1 || Bracket.closerKind(text[snapToCloser(text, start: start)]) != nil
    }

    /// The byte to report for a break the step head starts at `start`: nesting breaks at a
    /// closing bracket, and the head tends to switch on at or just after it, so when `start`
    /// is not a closer but one of the two bytes before it is, the nearest such closer.
    public static func snapToCloser(_ text: UnsafeBufferPointer<UInt8>, start: Int) -> Int {
        func closer(_ i: Int) -> Bool { i >= 0 && i < text.count && (text[i] == 41 || text[i] == 93 || text[i] == 125) }
        if closer(start) { return start }
        for back in 1...2 where closer(start - back) { return start - back }
        return start
    }

    public static func snapToCloser(_ text: [UInt8], start: Int) -> Int {
        text.withUnsafeBufferPointer { snapToCloser($0, start: start) }
    }

    /// The byte to report for an unclosed bracket whose `open` run starts at `start`: the run
    /// should start at the opener itself (depth > 0 after it), and the head may switch on a
    /// byte or two late, so when `start` is not an opener but one of the two bytes before it
    /// is, the nearest such opener.
    public static func snapToOpener(_ text: UnsafeBufferPointer<UInt8>, start: Int) -> Int {
        func opener(_ i: Int) -> Bool { i >= 0 && i < text.count && (text[i] == 40 || text[i] == 91 || text[i] == 123) }
        if opener(start) { return start }
        for back in 1...2 where opener(start - back) { return start - back }
        return start
    }

    public static func snapToOpener(_ text: [UInt8], start: Int) -> Int {
        text.withUnsafeBufferPointer { snapToOpener($0, start: start) }
    }
}
