/// Single-precision matrix products for the recurrent engine, register-blocked for AVX2+FMA.
///
///     gemm(aTransposed: false): C[M×N] += A[M×K] · B[K×N]     A(i,k) = A[i·lda + k]
///     gemm(aTransposed: true):  C[M×N] += Aᵀ · B               A(i,k) = A[k·lda + i]
///
/// B and C are row-major with leading dimensions ldb, ldc. `Vec` is the machine's vector
/// (SIMD16 with AVX-512, SIMD8 with AVX2; W lanes). The 6×2W micro-kernel keeps twelve vector
/// accumulators in registers (enough independent FMAs to hide their latency) and reads one
/// 2W-wide row of B and six values of A per k; with AVX-512's 32 registers an 8×2W kernel
/// (sixteen accumulators) goes first, 8–15% faster on the recurrent step's 16×256×64 product
/// (`nestnet bench`, interleaved runs); 4×2W and 1×2W kernels take the remaining rows
/// and scalar loops the remaining columns, so any shape is correct and multiples of 2W are
/// fast. K is processed in blocks so the slice of B being reused stays in L2.
#if NESTNET_AVX512
typealias Vec = SIMD16<Float>
typealias VecI = SIMD16<Int32>  // same lanes, for bit tricks in the activations
#else
typealias Vec = SIMD8<Float>
typealias VecI = SIMD8<Int32>
#endif

@inline(__always)
func loadV(_ p: UnsafePointer<Float>) -> Vec {
    UnsafeRawPointer(p).loadUnaligned(as: Vec.self)
}

@inline(__always)
func storeV(_ v: Vec, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vec.self)
}

@inline(__always)
func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}

public func gemm(_ M: Int, _ N: Int, _ K: Int,
                 _ A: UnsafePointer<Float>, lda: Int, aTransposed: Bool,
                 _ B: UnsafePointer<Float>, ldb: Int,
                 _ C: UnsafeMutablePointer<Float>, ldc: Int) {
    guard M > 0, N > 0, K > 0 else { return }
    let kBlock = 256
    var k0 = 0
    while k0 < K {
        let kc = min(kBlock, K - k0)
        if aTransposed {
            gemmBlock(M, N, kc, A + k0 * lda, 1, lda, B + k0 * ldb, ldb, C, ldc)
        } else {
            gemmBlock(M, N, kc, A + k0, lda, 1, B + k0 * ldb, ldb, C, ldc)
        }
        k0 += kc
    }
}

/// One K block. A(i,k) = A[i·rs + k·ks] (rs/ks: row and k strides).
@inline(__always)
private func gemmBlock(_ M: Int, _ N: Int, _ K: Int,
                       _ A: UnsafePointer<Float>, _ rs: Int, _ ks: Int,
                       _ B: UnsafePointer<Float>, _ ldb: Int,
                       _ C: UnsafeMutablePointer<Float>, _ ldc: Int) {
    let W = Vec.scalarCount, N16 = N / (2 * W) * (2 * W)
    var i = 0
    #if NESTNET_AVX512
    // 32 vector registers: eight rows × 2W columns (16 accumulators) per tile.
    while i + 8 <= M {
        var j = 0
        while j < N16 {
            let c0 = C + i * ldc + j, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc
            let c4 = c3 + ldc, c5 = c4 + ldc, c6 = c5 + ldc, c7 = c6 + ldc
            var a00 = loadV(c0), a01 = loadV(c0 + W)
            var a10 = loadV(c1), a11 = loadV(c1 + W)
            var a20 = loadV(c2), a21 = loadV(c2 + W)
            var a30 = loadV(c3), a31 = loadV(c3 + W)
            var a40 = loadV(c4), a41 = loadV(c4 + W)
            var a50 = loadV(c5), a51 = loadV(c5 + W)
            var a60 = loadV(c6), a61 = loadV(c6 + W)
            var a70 = loadV(c7), a71 = loadV(c7 + W)
            var pa = A + i * rs
            var pb = B + j
            for _ in 0..<K {
                let b0 = loadV(pb), b1 = loadV(pb + W)
                var x = Vec(repeating: pa[0])
                a00.addProduct(x, b0); a01.addProduct(x, b1)
                x = Vec(repeating: pa[rs])
                a10.addProduct(x, b0); a11.addProduct(x, b1)
                x = Vec(repeating: pa[2 * rs])
                a20.addProduct(x, b0); a21.addProduct(x, b1)
                x = Vec(repeating: pa[3 * rs])
                a30.addProduct(x, b0); a31.addProduct(x, b1)
                x = Vec(repeating: pa[4 * rs])
                a40.addProduct(x, b0); a41.addProduct(x, b1)
                x = Vec(repeating: pa[5 * rs])
                a50.addProduct(x, b0); a51.addProduct(x, b1)
                x = Vec(repeating: pa[6 * rs])
                a60.addProduct(x, b0); a61.addProduct(x, b1)
                x = Vec(repeating: pa[7 * rs])
                a70.addProduct(x, b0); a71.addProduct(x, b1)
                pa += ks; pb += ldb
            }
            storeV(a00, c0); storeV(a01, c0 + W)
            storeV(a10, c1); storeV(a11, c1 + W)
            storeV(a20, c2); storeV(a21, c2 + W)
            storeV(a30, c3); storeV(a31, c3 + W)
            storeV(a40, c4); storeV(a41, c4 + W)
            storeV(a50, c5); storeV(a51, c5 + W)
            storeV(a60, c6); storeV(a61, c6 + W)
            storeV(a70, c7); storeV(a71, c7 + W)
            j += 2 * W
        }
        if N16 < N { gemmScalar(i, i + 8, N16, N, K, A, rs, ks, B, ldb, C, ldc) }
        i += 8
    }
    #endif
    while i + 6 <= M {
        var j = 0
        while j < N16 {
            let c0 = C + i * ldc + j, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc
            var a00 = loadV(c0), a01 = loadV(c0 + W)
            var a10 = loadV(c1), a11 = loadV(c1 + W)
            var a20 = loadV(c2), a21 = loadV(c2 + W)
            var a30 = loadV(c3), a31 = loadV(c3 + W)
            var a40 = loadV(c4), a41 = loadV(c4 + W)
            var a50 = loadV(c5), a51 = loadV(c5 + W)
            var pa = A + i * rs
            var pb = B + j
            for _ in 0..<K {
                let b0 = loadV(pb), b1 = loadV(pb + W)
                var x = Vec(repeating: pa[0])
                a00.addProduct(x, b0); a01.addProduct(x, b1)
                x = Vec(repeating: pa[rs])
                a10.addProduct(x, b0); a11.addProduct(x, b1)
                x = Vec(repeating: pa[2 * rs])
                a20.addProduct(x, b0); a21.addProduct(x, b1)
                x = Vec(repeating: pa[3 * rs])
                a30.addProduct(x, b0); a31.addProduct(x, b1)
                x = Vec(repeating: pa[4 * rs])
                a40.addProduct(x, b0); a41.addProduct(x, b1)
                x = Vec(repeating: pa[5 * rs])
                a50.addProduct(x, b0); a51.addProduct(x, b1)
                pa += ks; pb += ldb
            }
            storeV(a00, c0); storeV(a01, c0 + W)
            storeV(a10, c1); storeV(a11, c1 + W)
            storeV(a20, c2); storeV(a21, c2 + W)
            storeV(a30, c3); storeV(a31, c3 + W)
            storeV(a40, c4); storeV(a41, c4 + W)
            storeV(a50, c5); storeV(a51, c5 + W)
            j += 2 * W
        }
        if N16 < N { gemmScalar(i, i + 6, N16, N, K, A, rs, ks, B, ldb, C, ldc) }
        i += 6
    }
    while i + 4 <= M {
        var j = 0
        while j < N16 {
            let c0 = C + i * ldc + j, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc
            var a00 = loadV(c0), a01 = loadV(c0 + W)
            var a10 = loadV(c1), a11 = loadV(c1 + W)
            var a20 = loadV(c2), a21 = loadV(c2 + W)
            var a30 = loadV(c3), a31 = loadV(c3 + W)
            var pa = A + i * rs
            var pb = B + j
            for _ in 0..<K {
                let b0 = loadV(pb), b1 = loadV(pb + W)
                let x0 = Vec(repeating: pa[0]), x1 = Vec(repeating: pa[rs])
                let x2 = Vec(repeating: pa[2 * rs]), x3 = Vec(repeating: pa[3 * rs])
                a00.addProduct(x0, b0); a01.addProduct(x0, b1)
                a10.addProduct(x1, b0); a11.addProduct(x1, b1)
                a20.addProduct(x2, b0); a21.addProduct(x2, b1)
                a30.addProduct(x3, b0); a31.addProduct(x3, b1)
                pa += ks; pb += ldb
            }
            storeV(a00, c0); storeV(a01, c0 + W)
            storeV(a10, c1); storeV(a11, c1 + W)
            storeV(a20, c2); storeV(a21, c2 + W)
            storeV(a30, c3); storeV(a31, c3 + W)
            j += 2 * W
        }
        if N16 < N { gemmScalar(i, i + 4, N16, N, K, A, rs, ks, B, ldb, C, ldc) }
        i += 4
    }
    while i < M {
        var j = 0
        while j < N16 {
            let c0 = C + i * ldc + j
            var a0 = loadV(c0), a1 = loadV(c0 + W)
            var pa = A + i * rs
            var pb = B + j
            for _ in 0..<K {
                let x = Vec(repeating: pa[0])
                a0.addProduct(x, loadV(pb)); a1.addProduct(x, loadV(pb + W))
                pa += ks; pb += ldb
            }
            storeV(a0, c0); storeV(a1, c0 + W)
            j += 2 * W
        }
        if N16 < N { gemmScalar(i, i + 1, N16, N, K, A, rs, ks, B, ldb, C, ldc) }
        i += 1
    }
}

@inline(never)
private func gemmScalar(_ i0: Int, _ i1: Int, _ j0: Int, _ j1: Int, _ K: Int,
                        _ A: UnsafePointer<Float>, _ rs: Int, _ ks: Int,
                        _ B: UnsafePointer<Float>, _ ldb: Int,
                        _ C: UnsafeMutablePointer<Float>, _ ldc: Int) {
    for i in i0..<i1 {
        for j in j0..<j1 {
            var s: Float = 0
            for k in 0..<K { s += A[i * rs + k * ks] * B[k * ldb + j] }
            C[i * ldc + j] += s
        }
    }
}

extension SIMD where Scalar == Float {
    /// self += a·b as one fused multiply-add per lane.
    @inline(__always) mutating func addProduct(_ a: Self, _ b: Self) {
        self = self.addingProduct(a, b)
    }
}

/// out[r, :] = M[r, :]ᵀ for a rows×cols matrix (out is cols×rows).
public func transpose(_ m: UnsafePointer<Float>, rows: Int, cols: Int, into out: UnsafeMutablePointer<Float>) {
    for r in 0..<rows { for c in 0..<cols { out[c * rows + r] = m[r * cols + c] } }
}
