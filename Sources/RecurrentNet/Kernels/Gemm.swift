/// Single-precision matrix products for the recurrent engine, register-blocked for AVX2+FMA.
///
///     gemm(aTransposed: false): C[M×N] += A[M×K] · B[K×N]     A(i,k) = A[i·lda + k]
///     gemm(aTransposed: true):  C[M×N] += Aᵀ · B               A(i,k) = A[k·lda + i]
///
/// B and C are row-major with leading dimensions ldb, ldc. `Vec` is the machine's vector
/// (SIMD16 with AVX-512, SIMD8 with AVX2; W lanes). Two micro-kernels: `rowTile`, written once
/// for any tile height R (a value generic, so each height compiles to its own fully unrolled
/// loop): 2R vector accumulators stay in registers and each k reads one 2W-wide row of B and R
/// values of A; and `thinTile`, for one or two rows, with eight accumulators across wider
/// column blocks (one kernel generic over both measured slower at 6 rows). Heights 8 (AVX-512's
/// 32 registers only; faster than 6 on the recurrent step's product, see the README's engine
/// section) and 6 take the rows in turn, then one tile the height of the rows left (7 with
/// AVX-512, 5 to 1; one or two rows through `thinTile` first, several column blocks at once);
/// scalar loops take the columns past the last multiple of 2W, so any shape is correct and
/// multiples of 2W are fast. K is processed in blocks so the slice of B being reused stays in L2.
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

/// One K block. A(i,k) = A[i·rs + k·ks] (rs/ks: row and k strides). Rows go through the
/// widest tile that fits, then narrower ones; columns past the last multiple of 2W through
/// `gemmScalar`.
@inline(__always)
private func gemmBlock(_ M: Int, _ N: Int, _ K: Int,
                       _ A: UnsafePointer<Float>, _ rs: Int, _ ks: Int,
                       _ B: UnsafePointer<Float>, _ ldb: Int,
                       _ C: UnsafeMutablePointer<Float>, _ ldc: Int) {
    var i = 0
    #if NESTNET_AVX512
    // 32 vector registers: eight rows × 2W columns (16 accumulators) per tile.
    while i + 8 <= M { rowTile(Rows<8>(), i, N, K, A, rs, ks, B, ldb, C, ldc); i += 8 }
    if M - i == 7 { rowTile(Rows<7>(), i, N, K, A, rs, ks, B, ldb, C, ldc); return }
    #endif
    while i + 6 <= M { rowTile(Rows<6>(), i, N, K, A, rs, ks, B, ldb, C, ldc); i += 6 }
    // The rows left take one tile of their own height, so B is streamed once more at most (a
    // row at a time, a step of 3 rows streamed the recurrent product's 64 KB B three times).
    switch M - i {
    case 5: rowTile(Rows<5>(), i, N, K, A, rs, ks, B, ldb, C, ldc)
    case 4: rowTile(Rows<4>(), i, N, K, A, rs, ks, B, ldb, C, ldc)
    case 3: rowTile(Rows<3>(), i, N, K, A, rs, ks, B, ldb, C, ldc)
    case 2: rowTile(Rows<2>(), i, N, K, A, rs, ks, B, ldb, C, ldc, from: thinTile(Rows<2>(), i, N, K, A, rs, ks, B, ldb, C, ldc))
    case 1: rowTile(Rows<1>(), i, N, K, A, rs, ks, B, ldb, C, ldc, from: thinTile(Rows<1>(), i, N, K, A, rs, ks, B, ldb, C, ldc))
    default: break
    }
}

/// A row count as a type, so `rowTile` is compiled once per tile height.
private struct Rows<let R: Int> {}

/// R rows (i…i+R−1) of C across the columns from j0 (all by default): for each 2W-wide column
/// block, 2R vector accumulators live in registers while k runs over the block; per k, one
/// 2W-wide row of B and R broadcast values of A. R is a value generic, so each tile size is
/// compiled with its loops over rows fully unrolled and the accumulators in registers.
@inline(__always)
private func rowTile<let R: Int>(_: Rows<R>, _ i: Int, _ N: Int, _ K: Int,
                                 _ A: UnsafePointer<Float>, _ rs: Int, _ ks: Int,
                                 _ B: UnsafePointer<Float>, _ ldb: Int,
                                 _ C: UnsafeMutablePointer<Float>, _ ldc: Int, from j0: Int = 0) {
    let W = Vec.scalarCount, N16 = j0 + (N - j0) / (2 * W) * (2 * W)
    var j = j0
    while j < N16 {
        let c = C + i * ldc + j
        var lo = InlineArray<R, Vec>(repeating: .zero), hi = InlineArray<R, Vec>(repeating: .zero)
        for r in 0..<R { lo[r] = loadV(c + r * ldc); hi[r] = loadV(c + r * ldc + W) }
        var pa = A + i * rs
        var pb = B + j
        for _ in 0..<K {
            let b0 = loadV(pb), b1 = loadV(pb + W)
            for r in 0..<R {
                let x = Vec(repeating: pa[r * rs])
                lo[r].addProduct(x, b0); hi[r].addProduct(x, b1)
            }
            pa += ks; pb += ldb
        }
        for r in 0..<R { storeV(lo[r], c + r * ldc); storeV(hi[r], c + r * ldc + W) }
        j += 2 * W
    }
    if N16 < N { gemmScalar(i, i + R, N16, N, K, A, rs, ks, B, ldb, C, ldc) }
}

/// One or two rows (i…i+R−1), 8W columns (one row) or 4W (two) at a time while they fit, eight
/// accumulators (8/R vectors a row) in registers; returns the first column left for `rowTile`.
/// A row in `rowTile` keeps only two accumulators, so each k waits on the last one's multiply-add
/// (latency, not throughput, bounds it: a lone file is one row); eight keep the FMA units busy.
/// Each element's sum runs over k in the same order as in `rowTile` (bit-identical).
@inline(__always)
private func thinTile<let R: Int>(_: Rows<R>, _ i: Int, _ N: Int, _ K: Int,
                                  _ A: UnsafePointer<Float>, _ rs: Int, _ ks: Int,
                                  _ B: UnsafePointer<Float>, _ ldb: Int,
                                  _ C: UnsafeMutablePointer<Float>, _ ldc: Int) -> Int {
    let W = Vec.scalarCount, V = 8 / R, span = V * W
    var j = 0
    while j + span <= N {
        let c = C + i * ldc + j
        var acc = InlineArray<8, Vec>(repeating: .zero)
        for r in 0..<R { for v in 0..<V { acc[r * V + v] = loadV(c + r * ldc + v * W) } }
        var pa = A + i * rs
        var pb = B + j
        for _ in 0..<K {
            for r in 0..<R {
                let x = Vec(repeating: pa[r * rs])
                for v in 0..<V { acc[r * V + v].addProduct(x, loadV(pb + v * W)) }
            }
            pa += ks; pb += ldb
        }
        for r in 0..<R { for v in 0..<V { storeV(acc[r * V + v], c + r * ldc + v * W) } }
        j += span
    }
    return j
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
