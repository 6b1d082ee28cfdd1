import NestingOracle

/// Per-byte targets for the per-step head, from the oracle. Bit k of each byte is output k:
///
///   0 `broken`: the nesting is already broken at or before this byte (a bad closer or a
///     conditional mismatch; an unclosed opener only at the last byte);
///   1 `open`: some code bracket is open after this byte (depth > 0);
///   2 `inert`: this byte is in a comment, string, char, directive or `#if 0` group.
///
/// A text is valid exactly when the last byte has neither `broken` nor `open`, so training
/// these at every step teaches the counter and the latch that the final label needs, with a
/// signal at every byte instead of only at the end.
public enum StepTargets {
    public static let outputs = 3
    public static let names = ["broken", "open", "inert"]

    public static func compute(_ text: [UInt8]) -> [UInt8] {
        let a = NestingOracle.analyze(text)
        let broken = a.brokenFlags
        var out = [UInt8](repeating: 0, count: text.count)
        for i in 0..<text.count {
            out[i] = broken[i] | (a.depth[i] > 0 ? 2 : 0) | (a.regions[i].isInert ? 4 : 0)
        }
        return out
    }
}
