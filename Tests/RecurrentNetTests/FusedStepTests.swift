import NestNetSupport
@testable import RecurrentNet
import Testing

/// The fused LSTM step (AVX-512 release builds) against the product followed by the cell,
/// which it must reproduce bit for bit; debug and AVX2 builds have no fused step to test.
@Suite("Fused LSTM step")
struct FusedStepTests {
    /// Any row count (blocks of 4; leftover rows one at a time, two unit groups per pass, an odd
    /// last group alone): every row bit-identical to the product then the cell, with and without
    /// h_{t−1} and c_{t−1}, gates stored only when asked, nothing written past row M.
    @Test(arguments: [(8, 16), (8, 64), (8, 128), (1, 32), (2, 48), (3, 32), (5, 16), (6, 128), (7, 48), (9, 32)])
    func fusedStepOnAnyRowCountIsBitIdentical(M: Int, H: Int) {
        #if NESTNET_AVX512
        let G = 4 * H
        var rng = SeededRandom(seed: UInt64(100 + M))
        func random(_ n: Int, _ scale: Double) -> [Float] { (0..<n).map { _ in Float((rng.unit() * 2 - 1) * scale) } }
        let whhT = random(H * G, 0.4), a0 = random(M * G, 2), hPrev = random(M * H, 1), cPrev = random(M * H, 1.5)
        var packed = [Float](repeating: 0, count: H * G)
        whhT.withUnsafeBufferPointer { w in
            packed.withUnsafeMutableBufferPointer { LSTMCell.packRecurrentWeights(w.baseAddress!, H: H, into: $0.baseAddress!) }
        }
        for (withH, withC, store) in [(true, true, true), (true, true, false), (false, true, true), (false, false, true), (true, false, false)] {
            var a1 = a0, c1 = [Float](repeating: 0, count: M * H), t1 = c1, h1 = c1
            // One guard row past M on every output, which must stay untouched.
            var a2 = a0 + [Float](repeating: 7, count: G), c2 = [Float](repeating: 7, count: (M + 1) * H), t2 = c2, h2 = c2
            whhT.withUnsafeBufferPointer { w in
                hPrev.withUnsafeBufferPointer { hp in
                    cPrev.withUnsafeBufferPointer { cp in
                        if withH { gemm(M, G, H, hp.baseAddress!, lda: H, aTransposed: false, w.baseAddress!, ldb: G, &a1, ldc: G) }
                        LSTMCell.forward(M: M, H: H, a: &a1, cPrev: withC ? cp.baseAddress! : nil, c: &c1, tc: &t1, h: &h1)
                        packed.withUnsafeBufferPointer { pk in
                            LSTMCell.fusedStep(M: M, H: H, a: &a2, hPrev: withH ? hp.baseAddress! : nil, packed: pk.baseAddress!,
                                               cPrev: withC ? cp.baseAddress! : nil, c: &c2, tc: &t2, h: &h2, storeGates: store)
                        }
                    }
                }
            }
            let n = M * H
            #expect(Array(h2[..<n]) == h1 && Array(c2[..<n]) == c1 && Array(t2[..<n]) == t1, "M=\(M) withH=\(withH) withC=\(withC)")
            #expect(store ? Array(a2[..<(M * G)]) == a1 : Array(a2[..<(M * G)]) == a0, "gates stored only when asked")
            #expect(h2[n...].allSatisfy { $0 == 7 } && c2[n...].allSatisfy { $0 == 7 } && t2[n...].allSatisfy { $0 == 7 }
                    && a2[(M * G)...].allSatisfy { $0 == 7 }, "nothing written past row M")
        }
        #endif
    }
}
