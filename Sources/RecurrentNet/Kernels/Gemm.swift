/// Single-precision matrix products for the recurrent engine, register-blocked for AVX2+FMA.
///
///     gemm(aTransposed: false): C[M×N] += A[M×K] · B[K×N]     A(i,k) = A[i·lda + k]
///     gemm(aTransposed: true):  C[M×N] += Aᵀ · B               A(i,k) = A[k·lda + i]
///
/// B and C are row-major with leading dimensions ldb, ldc. The 4×16 micro-kernel keeps eight
/// SIMD8 accumulators in registers and reads one 16-wide row of B and four values of A per k;
/// K is processed in blocks so the slice of B being reused stays in L2. Edges fall back to a
/// 1×16 kernel and scalar loops, so any shape is correct and multiples of 4×16 are fast.
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
    let N16 = N & ~15
    var i = 0
    while i + 4 <= M {
        var j = 0
        while j < N16 {
            let c0 = C + i * ldc + j, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc
            var a00 = load8(c0), a01 = load8(c0 + 8)
            var a10 = load8(c1), a11 = load8(c1 + 8)
            var a20 = load8(c2), a21 = load8(c2 + 8)
            var a30 = load8(c3), a31 = load8(c3 + 8)
            var pa = A + i * rs
            var pb = B + j
            for _ in 0..<K {
                let b0 = load8(pb), b1 = load8(pb + 8)
                let x0 = SIMD8<Float>(repeating: pa[0]), x1 = SIMD8<Float>(repeating: pa[rs])
                let x2 = SIMD8<Float>(repeating: pa[2 * rs]), x3 = SIMD8<Float>(repeating: pa[3 * rs])
                a00.addProduct(x0, b0); a01.addProduct(x0, b1)
                a10.addProduct(x1, b0); a11.addProduct(x1, b1)
                a20.addProduct(x2, b0); a21.addProduct(x2, b1)
                a30.addProduct(x3, b0); a31.addProduct(x3, b1)
                pa += ks; pb += ldb
            }
            store8(a00, c0); store8(a01, c0 + 8)
            store8(a10, c1); store8(a11, c1 + 8)
            store8(a20, c2); store8(a21, c2 + 8)
            store8(a30, c3); store8(a31, c3 + 8)
            j += 16
        }
        if N16 < N { gemmScalar(i, i + 4, N16, N, K, A, rs, ks, B, ldb, C, ldc) }
        i += 4
    }
    while i < M {
        var j = 0
        while j < N16 {
            let c0 = C + i * ldc + j
            var a0 = load8(c0), a1 = load8(c0 + 8)
            var pa = A + i * rs
            var pb = B + j
            for _ in 0..<K {
                let x = SIMD8<Float>(repeating: pa[0])
                a0.addProduct(x, load8(pb)); a1.addProduct(x, load8(pb + 8))
                pa += ks; pb += ldb
            }
            store8(a0, c0); store8(a1, c0 + 8)
            j += 16
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

extension SIMD8 where Scalar == Float {
    /// self += a·b as one fused multiply-add per lane.
    @inline(__always) mutating func addProduct(_ a: SIMD8<Float>, _ b: SIMD8<Float>) {
        self = self.addingProduct(a, b)
    }
}

/// out[r, :] = M[r, :]ᵀ for a rows×cols matrix (out is cols×rows).
public func transpose(_ m: UnsafePointer<Float>, rows: Int, cols: Int, into out: UnsafeMutablePointer<Float>) {
    for r in 0..<rows { for c in 0..<cols { out[c * rows + r] = m[r * cols + c] } }
}
