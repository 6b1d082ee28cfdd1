/// The preprocessor directives that steer bracket checking.
enum DirectiveKind {
    /// `#if`, `#ifdef`, `#ifndef`; `isZero` for a literal `#if 0`.
    case open(isZero: Bool)
    /// `#elif`, `#elifdef`, `#elifndef`, `#else`; `isZero` for a literal `#elif 0`.
    case branch(isZero: Bool)
    /// `#endif`.
    case close
    /// Anything else (`#define`, `#include`, …): brackets inside simply do not count.
    case other
}

extension DirectiveKind {
    /// Parses the directive occupying `start..<end` (starting at its `#`), skipping blanks,
    /// comments and `\`-continuations between tokens.
    static func parse(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> DirectiveKind {
        var j = start + 1
        func skipBlanks() {
            while j < end {
                let c = p[j]
                if c == 32 || c == 9 || c == 11 || c == 12 || c == 13 { j += 1; continue }
                if c == 92, j + 1 < end, p[j + 1] == 10 || p[j + 1] == 13 { j += 2; continue }
                if c == 10 { j += 1; continue }  // only inside a continuation or comment
                if c == 47, j + 1 < end, p[j + 1] == 42 {  // /* ... */
                    j += 2
                    while j + 1 < end, !(p[j] == 42 && p[j + 1] == 47) { j += 1 }
                    j = min(end, j + 2)
                    continue
                }
                if c == 47, j + 1 < end, p[j + 1] == 47 { j = end; return }  // // ...
                return
            }
        }
        func word() -> ArraySlice<UInt8> {
            let s = j
            while j < end, p[j] != 32, p[j] != 9, p[j] != 10, p[j] != 13, p[j] != 40,
                  !(p[j] == 47 && j + 1 < end && (p[j + 1] == 42 || p[j + 1] == 47)) { j += 1 }
            return ArraySlice(UnsafeBufferPointer(start: p + s, count: j - s))
        }
        /// True when the condition is the literal `0` (or `(0)`) and nothing else.
        func zeroCondition() -> Bool {
            skipBlanks()
            var cond = word()
            if cond.isEmpty, j < end, p[j] == 40 { j += 1; cond = word() + [] }  // `#if (0)`: read after the paren
            guard cond.elementsEqual([48]) || cond.elementsEqual([48, 41]) else { return false }
            skipBlanks()
            return j >= end || p[j] == 10
        }
        skipBlanks()
        let name = word()
        switch String(decoding: name, as: UTF8.self) {
        case "ifdef", "ifndef": return .open(isZero: false)
        case "if": return .open(isZero: zeroCondition())
        case "elif": return .branch(isZero: zeroCondition())
        case "elifdef", "elifndef", "else": return .branch(isZero: false)
        case "endif": return .close
        default: return .other
        }
    }
}
