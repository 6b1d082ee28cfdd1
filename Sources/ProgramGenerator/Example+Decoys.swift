import NestNetSupport
import NestingOracle

extension Example {
    /// The example with extra decoy brackets: up to ⌈`rate` × KB⌉ of them (at least up to one,
    /// the count drawn uniformly from zero), each inserted strictly inside one comment, string,
    /// char literal, directive or `#if 0` group, in valid and broken texts alike, so that
    /// real code's stray brackets in prose (`/* 1) … */`, `"("`) never tell the class. The
    /// text never grows past `maxLength`; when the oracle would lex any old byte differently,
    /// the example is returned as it was. The carried edit's offset follows the insertions before it.
    public func withExtraDecoys(rate: Double, maxLength: Int, rng: inout SeededRandom) -> Example {
        guard rate > 0, text.count > 1 else { return self }
        let limit = Int((rate * max(1, Double(text.count) / 1024)).rounded(.up))
        let n = min(rng.int(in: 0...limit), maxLength - text.count)
        guard n > 0 else { return self }
        let regions = NestingOracle.analyze(text).regions
        // Insertion points inside one inert region, never after a backslash (an escape) and
        // never inside a multi-byte UTF-8 character.
        var places: [Int] = []
        for k in 1..<text.count where regions[k - 1].isInert && regions[k - 1] == regions[k]
            && text[k - 1] != 92 && text[k] & 0xC0 != 0x80 { places.append(k) }
        guard !places.isEmpty else { return self }
        var chosen = (0..<n).map { _ in places[rng.below(places.count)] }
        chosen.sort()
        let brackets: [UInt8] = [40, 91, 123, 41, 93, 125]
        var out: [UInt8] = []
        out.reserveCapacity(text.count + n)
        var from = 0
        for k in chosen {
            out.append(contentsOf: text[from..<k])
            out.append(brackets[rng.below(6)])
            from = k
        }
        out.append(contentsOf: text[from...])
        // The lexer must see every old byte as before and every new one as inert: a bracket
        // can change lexing (a raw string's delimiter, a directive's condition), and then the
        // example is kept as it was.
        let after = NestingOracle.analyze(out)
        var j = 0, c = 0
        for i in 0..<text.count {
            while c < chosen.count && chosen[c] == i {
                guard after.regions[j].isInert else { return self }
                j += 1; c += 1
            }
            guard after.regions[j] == regions[i] else { return self }
            j += 1
        }
        guard after.verdict.isValid == valid else { return self }
        var moved = edit
        if var e = moved {
            e.offset += chosen.lazy.filter { $0 <= e.offset }.count
            moved = e
        }
        return Example(text: out, valid: valid, maxDepth: after.verdict.maxDepth, edit: moved, error: after.verdict.error)
    }
}
