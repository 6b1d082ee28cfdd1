/// xoshiro256** seeded through SplitMix64: fast, and the same stream on every platform and
/// Swift version (no use of the standard library's unspecified `random(in:)` algorithms).
/// The draws are `@inlinable`: the generator calls them for every construct it writes, and a
/// call across the module boundary for each (this type lives in NestNetSupport) slowed it.
@frozen
public struct SeededRandom: RandomNumberGenerator, Sendable, Codable, Equatable {
    @usableFromInline var state: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var sm = seed
        func splitmix() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitmix(), splitmix(), splitmix(), splitmix())
    }

    /// A generator for item `index` of stream `seed`, independent of every other index.
    public init(seed: UInt64, index: UInt64, stream: UInt64 = 0) {
        self.init(seed: seed ^ (index &* 0xD1B5_4A32_D192_ED03) ^ (stream &* 0xA24B_AED4_963E_E407))
    }

    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((state.1 &* 5) << 7 | (state.1 &* 5) >> 57) &* 9
        let t = state.1 << 17
        state.2 ^= state.0; state.3 ^= state.1; state.1 ^= state.2; state.0 ^= state.3
        state.2 ^= t
        state.3 = state.3 << 45 | state.3 >> 19
        return result
    }

    /// Uniform in `0..<bound` (Lemire's multiply-shift with rejection).
    @inlinable @inline(__always)
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0)
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let t = (0 &- b) % b
            while m.low < t { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    /// Uniform in `range`.
    @inlinable @inline(__always)
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// Uniform in [0, 1) with 53 random bits.
    @inlinable @inline(__always)
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// True with probability `p`.
    @inlinable @inline(__always)
    public mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// A uniformly chosen element.
    @inlinable @inline(__always)
    public mutating func pick<C: RandomAccessCollection>(_ c: C) -> C.Element where C.Index == Int {
        c[c.startIndex + below(c.count)]
    }

    /// Index chosen with probability proportional to `weights`.
    @inlinable
    public mutating func weighted(_ weights: [Double]) -> Int {
        weights.withUnsafeBufferPointer { weighted($0) }
    }

    /// Index chosen with probability proportional to `weights` (the same draw as the array form).
    @inlinable
    public mutating func weighted(_ weights: UnsafeBufferPointer<Double>) -> Int {
        let total = weights.reduce(0, +)
        var r = unit() * total
        for (i, w) in weights.enumerated() {
            r -= w
            if r < 0 { return i }
        }
        return weights.count - 1
    }

    /// Fisher–Yates shuffle.
    @inlinable
    public mutating func shuffle<T>(_ a: inout [T]) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) { a.swapAt(i, below(i + 1)) }
    }

    public static func == (a: SeededRandom, b: SeededRandom) -> Bool {
        a.state.0 == b.state.0 && a.state.1 == b.state.1 && a.state.2 == b.state.2 && a.state.3 == b.state.3
    }

    public init(from decoder: Decoder) throws {
        var c = try decoder.unkeyedContainer()
        state = (try c.decode(UInt64.self), try c.decode(UInt64.self), try c.decode(UInt64.self), try c.decode(UInt64.self))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(state.0); try c.encode(state.1); try c.encode(state.2); try c.encode(state.3)
    }
}
