/// Receives the lexer's decisions as it walks: from `offset` on (inclusive) bytes are in
/// `region` and the code nesting depth after each byte is `depth`. Calls come in offset order.
protocol ScanObserver {
    mutating func change(at offset: Int, region: Region, depth: Int)
    mutating func finish(length: Int)
    /// From `offset` on, bytes are (`on`) or are no longer in a later branch of a live
    /// conditional (`#elif`/`#else` on): calls alternate, starting with `on`.
    mutating func laterBranch(at offset: Int, on: Bool)
    /// From `offset` on, bytes are (`on`) or are no longer in a later branch with a conditional
    /// opened inside it still open (live or `#if 0`), so that the next `#endif` is that inner
    /// one's and not the later branch's: calls alternate, starting with `on`.
    mutating func laterNested(at offset: Int, on: Bool)
}

extension ScanObserver {
    @inline(__always) mutating func laterBranch(at offset: Int, on: Bool) {}
    @inline(__always) mutating func laterNested(at offset: Int, on: Bool) {}
}

/// The observer for plain verdicts: records nothing, compiles to nothing.
struct NoObserver: ScanObserver {
    @inline(__always) mutating func change(at offset: Int, region: Region, depth: Int) {}
    @inline(__always) mutating func finish(length: Int) {}
}

/// 1 for bytes that can change the lexer's state in code: `()[]{}/"'#`.
private let scannerSpecialBytes: [UInt8] = {
    var t = [UInt8](repeating: 0, count: 256)
    for c in "()[]{}/\"'#".utf8 { t[Int(c)] = 1 }
    return t
}()

/// One pass of the lexer-aware bracket checker over raw bytes. Iterative, no recursion.
///
/// Code brackets are pushed and popped on a `BracketStack`; comments, string and char
/// literals, preprocessor directives and `#if 0` groups are lexed and skipped. Preprocessor
/// conditionals snapshot the stack at `#if` and compare the stacks each branch leaves.
struct Scanner<Observer: ScanObserver> {
    private struct Frame {
        var entry: Int32
        var firstEnd: Int32 = -1
        var hasFirstEnd = false
    }

    let p: UnsafePointer<UInt8>
    let n: Int
    var observer: Observer
    private var stack = BracketStack()
    private var frames: [Frame] = []
    private var skipDepth = 0
    /// The group being skipped is a dead `#elif 0` branch of a live conditional (whose frame
    /// stays on `frames`), not an `#if 0` group.
    private var skippingBranch = false
    /// Frames whose first branch has ended: while any is open, bytes are in a later branch.
    private var laterFrames = 0
    /// In a later branch with a conditional opened inside it still open (`laterNested`).
    private var nestedInLater = false
    private(set) var error: NestingError?
    private(set) var maxDepth = 0

    init(_ p: UnsafePointer<UInt8>, count: Int, observer: Observer) {
        self.p = p; self.n = count; self.observer = observer
    }

    var finalDepth: Int { stack.depth }


    private var baseRegion: Region { skipDepth > 0 ? .skipped : .code }

    private mutating func fail(_ kind: NestingErrorKind, at offset: Int, found: BracketKind? = nil,
                               expected: BracketKind? = nil, openerOffset: Int? = nil) {
        guard error == nil else { return }
        error = NestingError(kind: kind, offset: offset, line: 0, column: 0,
                             found: found, expected: expected, openerOffset: openerOffset)
    }

    mutating func run() {
        scannerSpecialBytes.withUnsafeBufferPointer { table in
            var i = 0
            while i < n {
                let c = p[i]
                if table[Int(c)] == 0 { i &+= 1; continue }
                switch c {
                case 40, 91, 123:  // ( [ {
                    if skipDepth == 0 {
                        stack.push(Bracket.openerKind(c)!, at: i)
                        maxDepth = max(maxDepth, stack.depth)
                        observer.change(at: i, region: .code, depth: stack.depth)
                    }
                    i += 1
                case 41, 93, 125:  // ) ] }
                    if skipDepth == 0 { close(Bracket.closerKind(c)!, at: i) }
                    i += 1
                case 47:  // /
                    let next = i + 1 < n ? p[i + 1] : 0
                    if next == 47 {
                        let e = lineCommentEnd(from: i + 2)
                        mark(i, e, skipDepth > 0 ? .skipped : .lineComment); i = e
                    } else if next == 42 {
                        let e = blockCommentEnd(from: i + 2)
                        mark(i, e, skipDepth > 0 ? .skipped : .blockComment); i = e
                    } else { i += 1 }
                case 34:  // "
                    let e = isRawStringStart(i) ? rawStringEnd(quote: i) : quotedEnd(from: i + 1, quote: 34)
                    mark(i, e, skipDepth > 0 ? .skipped : .string); i = e
                case 39:  // '
                    if isDigitSeparator(i) { i += 1; break }
                    let e = quotedEnd(from: i + 1, quote: 39)
                    mark(i, e, skipDepth > 0 ? .skipped : .char); i = e
                case 35:  // #
                    if startsLine(i) { i = directive(at: i) } else { i += 1 }
                default:
                    i += 1
                }
            }
        }
        if let k = stack.topKind, let o = stack.topOffset {
            fail(.unclosedOpener, at: o, found: k)
        }
        observer.finish(length: n)
        if var e = error {
            let pos = SourcePosition.of(offset: e.offset, in: UnsafeBufferPointer(start: p, count: n))
            e.line = pos.line; e.column = pos.column
            error = e
        }
    }

    @inline(__always) private mutating func mark(_ start: Int, _ end: Int, _ region: Region) {
        observer.change(at: start, region: region, depth: stack.depth)
        observer.change(at: end, region: baseRegion, depth: stack.depth)
    }

    private mutating func close(_ k: BracketKind, at i: Int) {
        if let t = stack.topKind {
            if t != k { fail(.mismatchedCloser, at: i, found: k, expected: t, openerOffset: stack.topOffset) }
            stack.pop(reclaim: frames.isEmpty)  // recover by closing the innermost bracket anyway
        } else {
            fail(.unexpectedCloser, at: i, found: k)
        }
        observer.change(at: i, region: .code, depth: stack.depth)
    }

    // MARK: Preprocessor

    /// Handles the directive starting at `#` offset `i`; returns the offset just past it.
    private mutating func directive(at i: Int) -> Int {
        let e = directiveEnd(from: i + 1)
        switch DirectiveKind.parse(p, i, e) {
        case .open(let isZero):
            if skipDepth > 0 { skipDepth += 1 }
            else if isZero { skipDepth = 1 }
            else { frames.append(Frame(entry: stack.top)) }
        case .branch(let isZero):
            if skipDepth == 1 {
                if isZero { break }  // `#elif 0` after a dead group: still dead
                skipDepth = 0
                // `#if 0 … #else`: the rest is a plain conditional. After a dead `#elif 0`
                // branch the conditional's frame is still there and goes on as before.
                if !skippingBranch { frames.append(Frame(entry: stack.top)) }
                skippingBranch = false
            } else if skipDepth == 0, var f = frames.last {
                if !f.hasFirstEnd {
                    f.firstEnd = stack.top; f.hasFirstEnd = true
                    laterFrames += 1
                    if laterFrames == 1 { observer.laterBranch(at: i, on: true) }
                } else if !stack.sameKinds(stack.top, f.firstEnd) { fail(.conditionalMismatch, at: i) }
                stack.top = f.entry
                frames[frames.count - 1] = f
                // `#elif 0`: a dead branch (hwloc's `extern "C" {` / `#elif 0` / `}` idiom for
                // editors), skipped like `#if 0` and never compared with the others.
                if isZero { skipDepth = 1; skippingBranch = true }
            }
        case .close:
            if skipDepth > 0 {
                skipDepth -= 1
                // The end of a dead `#elif 0` branch ends its conditional; that branch is not compared.
                if skipDepth == 0 && skippingBranch { skippingBranch = false; endConditional(at: i, compareLast: false) }
            } else {
                endConditional(at: i, compareLast: true)
            }
        case .other:
            break
        }
        if laterFrames > 0 || nestedInLater { noteLaterNesting(at: i) }
        observer.change(at: i, region: .directive, depth: stack.depth)
        observer.change(at: e, region: baseRegion, depth: stack.depth)
        return e
    }

    /// Tells the observer when a directive at `i` opens or closes the first conditional inside
    /// the outermost later branch: frames pushed above that branch's frame, and `#if 0` groups
    /// being skipped (not the dead `#elif 0` branch of a live frame, which is that frame's own).
    private mutating func noteLaterNesting(at i: Int) {
        var nested = false
        if laterFrames > 0, let outer = frames.firstIndex(where: { $0.hasFirstEnd }) {
            nested = frames.count - 1 - outer + skipDepth - (skippingBranch ? 1 : 0) > 0
        }
        if nested != nestedInLater { nestedInLater = nested; observer.laterNested(at: i, on: nested) }
    }

    /// `#endif` of a live conditional: the last branch must match the first (unless it was
    /// dead), and checking goes on from the first branch's stack.
    private mutating func endConditional(at i: Int, compareLast: Bool) {
        guard let f = frames.popLast() else { return }
        if f.hasFirstEnd {
            laterFrames -= 1
            if laterFrames == 0 { observer.laterBranch(at: i, on: false) }
            if compareLast && !stack.sameKinds(stack.top, f.firstEnd) { fail(.conditionalMismatch, at: i) }
            stack.top = f.firstEnd
        }
        if frames.isEmpty { stack.compact() }
    }

    /// True when only blanks precede offset `i` on its line.
    private func startsLine(_ i: Int) -> Bool {
        var j = i - 1
        while j >= 0 {
            let c = p[j]
            if c == 10 || c == 13 { return true }  // a CR met going back is a lone one (or before LF)
            if c != 32 && c != 9 && c != 11 && c != 12 { return false }
            j -= 1
        }
        return true
    }

    /// End of a directive line: the unescaped newline (not included), or the end of text.
    /// Comments and literals inside are lexed, so a block comment may carry it onto more lines.
    private func directiveEnd(from start: Int) -> Int {
        var j = start
        while j < n {
            let c = p[j]
            switch c {
            case 10: return j
            case 13 where isLoneCR(j): return j
            case 92: j += continuationLength(j) ?? 1
            case 47 where j + 1 < n && p[j + 1] == 42: j = blockCommentEnd(from: j + 2)
            case 47 where j + 1 < n && p[j + 1] == 47: return lineCommentEnd(from: j + 2)
            case 34, 39: j = quotedEnd(from: j + 1, quote: c)
            default: j += 1
            }
        }
        return n
    }

    // MARK: Comments and literals

    /// A line ends at LF, at CR LF (the LF), or at a CR alone (classic Mac OS line ends, which
    /// C compilers take as line ends too): true for such a lone CR at `j`.
    @inline(__always) private func isLoneCR(_ j: Int) -> Bool {
        p[j] == 13 && (j + 1 >= n || p[j + 1] != 10)
    }

    /// If a backslash at `j` starts a line continuation (`\` + LF, CR LF or lone CR), its length.
    @inline(__always) private func continuationLength(_ j: Int) -> Int? {
        guard j + 1 < n else { return nil }
        if p[j + 1] == 10 { return 2 }
        if p[j + 1] == 13 { return j + 2 < n && p[j + 2] == 10 ? 3 : 2 }
        return nil
    }

    /// `//` comment body from `start`: ends before the first newline not continued by `\`.
    private func lineCommentEnd(from start: Int) -> Int {
        var j = start
        while j < n {
            if p[j] == 10 || isLoneCR(j) {
                var b = j - 1
                if p[j] == 10, b >= start, p[b] == 13 { b -= 1 }
                if b >= start, p[b] == 92 { j += 1; continue }
                return j
            }
            j += 1
        }
        return n
    }

    /// `/* */` body from `start`: just past `*/`, or the end of text if never closed.
    private func blockCommentEnd(from start: Int) -> Int {
        var j = start
        while j + 1 < n {
            if p[j] == 42 && p[j + 1] == 47 { return j + 2 }
            j += 1
        }
        return n
    }

    /// A string or char literal body from `start`: just past the closing quote, or at the
    /// unescaped newline that ends an unterminated one.
    private func quotedEnd(from start: Int, quote: UInt8) -> Int {
        var j = start
        while j < n {
            let c = p[j]
            if c == quote { return j + 1 }
            if c == 10 || (c == 13 && isLoneCR(j)) { return j }
            if c == 92 { j += continuationLength(j) ?? 2; continue }
            j += 1
        }
        return n
    }

    @inline(__always) private static func isIdent(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95
    }

    /// Start of the identifier or number that ends at `j` (inclusive).
    private func tokenStart(endingAt j: Int, allowQuote: Bool) -> Int {
        var s = j
        while s > 0, Self.isIdent(p[s - 1]) || (allowQuote && p[s - 1] == 39) { s -= 1 }
        return s
    }

    /// C++14 digit separator: `1'000'000`, `0xFF'FF`.
    private func isDigitSeparator(_ i: Int) -> Bool {
        guard i > 0, i + 1 < n, Self.isIdent(p[i - 1]), Self.isIdent(p[i + 1]) else { return false }
        let s = tokenStart(endingAt: i - 1, allowQuote: true)
        return p[s] >= 48 && p[s] <= 57
    }

    /// `R"delim(…)delim"` with an optional `u8`, `u`, `U` or `L` prefix.
    private func isRawStringStart(_ i: Int) -> Bool {
        guard i > 0, p[i - 1] == 82 else { return false }  // R
        let s = tokenStart(endingAt: i - 1, allowQuote: false)
        let len = i - s
        if len == 1 { return true }
        let a = p[s]
        if len == 2 { return a == 117 || a == 85 || a == 76 }  // uR UR LR
        return len == 3 && a == 117 && p[s + 1] == 56  // u8R
    }

    private func rawStringEnd(quote i: Int) -> Int {
        var j = i + 1
        while j < n, j - i <= 17, p[j] != 40 {
            let c = p[j]
            if c == 32 || c == 41 || c == 92 || c == 10 || c == 13 || c == 9 || c == 34 { return quotedEnd(from: i + 1, quote: 34) }
            j += 1
        }
        guard j < n, p[j] == 40 else { return quotedEnd(from: i + 1, quote: 34) }
        let delim = (i + 1)..<j
        var k = j + 1
        while k < n {
            if p[k] == 41 {
                var m = 0
                while m < delim.count, k + 1 + m < n, p[k + 1 + m] == p[delim.lowerBound + m] { m += 1 }
                if m == delim.count, k + 1 + m < n, p[k + 1 + m] == 34 { return k + 2 + m }
            }
            k += 1
        }
        return n
    }
}
