import NestNetSupport
@testable import RecurrentNet
import Testing

/// The matrix kernel against a plain Double triple loop, on shapes that reach every path:
/// the 8-row (AVX-512 builds) and 6-row micro-kernels, every height of the tile for the rows
/// left (7 with AVX-512, 5 to 1), the scalar column tail and
/// more than one K block. Release builds (`-c release -Xswiftc -enable-testing`) run the
/// AVX-512 code; debug builds the portable one.
@Suite("Matrix kernel")
struct GemmTests {
    @Test(arguments: [false, true])
    func matchesDoubleReference(aTransposed: Bool) {
        var rng = SeededRandom(seed: 11)
        let shapes = [(1, 1, 1), (8, 32, 3), (13, 64, 17), (19, 70, 40), (31, 33, 300), (6, 16, 513)]
            + (2...15).map { ($0, 48, 9) }  // every remainder after the 8- and 6-row tiles
            + [(1, 256, 64), (2, 256, 64), (1, 200, 5), (2, 72, 7), (7, 256, 64)]  // one and two rows: several column blocks at once, then the rest
        for (M, N, K) in shapes {
            let A = (0..<(M * K)).map { _ in Float(rng.unit() * 2 - 1) }
            let B = (0..<(K * N)).map { _ in Float(rng.unit() * 2 - 1) }
            let C0 = (0..<(M * N)).map { _ in Float(rng.unit() * 2 - 1) }
            var C = C0
            let lda = aTransposed ? M : K
            A.withUnsafeBufferPointer { a in
                B.withUnsafeBufferPointer { b in
                    C.withUnsafeMutableBufferPointer { c in
                        gemm(M, N, K, a.baseAddress!, lda: lda, aTransposed: aTransposed,
                             b.baseAddress!, ldb: N, c.baseAddress!, ldc: N)
                    }
                }
            }
            var worst = 0.0
            for i in 0..<M {
                for j in 0..<N {
                    var s = Double(C0[i * N + j])
                    for k in 0..<K {
                        let aik = aTransposed ? A[k * lda + i] : A[i * lda + k]
                        s += Double(aik) * Double(B[k * N + j])
                    }
                    worst = max(worst, abs(s - Double(C[i * N + j])) / (1 + abs(s)))
                }
            }
            #expect(worst < 1e-5, "M=\(M) N=\(N) K=\(K) aTransposed=\(aTransposed): error \(worst)")
        }
    }
}
