/// Vectorised exp, sigmoid and tanh (polynomial on the machine's vector width; ~1e-7 absolute error), written
/// so the hot loop stays in registers: no libm calls, no clamping helpers that compile to calls.

/// x with its magnitude clamped to 87, sign kept, computed on the bit patterns with integer
/// lane operations: `pointwiseMin`/`Max` on SIMD16 compiled to out-of-line scalar loops where
/// the optimiser declined to inline them. Exact for every finite input (NaN becomes ±87).
@inline(__always)
func clampMagnitude(_ x: Vec) -> Vec {
    let bits = unsafeBitCast(x, to: VecI.self)
    let limit = VecI(repeating: 0x42AE_0000)   // 87.0
    let d = (bits & 0x7FFF_FFFF) &- limit      // < 0 where |x| < 87
    let keep = d &>> 31                        // all ones there
    return unsafeBitCast((limit &+ (d & keep)) | (bits & VecI(repeating: Int32(bitPattern: 0x8000_0000))), to: Vec.self)
}

/// e^x for |x| ≤ 87 (inputs are clamped to that range first), on the machine's vector width.
@inline(__always)
func simdExp(_ x0: Vec) -> Vec {
    let x = clampMagnitude(x0)
    let log2e: Float = 1.442_695_04, ln2hi: Float = 0.693_359_375, ln2lo: Float = -2.121_944_4e-4
    let magic: Float = 12_582_912  // 1.5·2^23: adding it rounds to an integer in the low mantissa bits
    let t = x * log2e + magic
    let n = t - magic
    let r = x - n * ln2hi - n * ln2lo  // |r| ≤ ln2/2
    // e^r, degree-6 minimax-style Taylor polynomial.
    var p = Vec(repeating: 1.0 / 720)
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    // 2^n from the integer held in t's mantissa.
    let ni = unsafeBitCast(t, to: VecI.self) &- unsafeBitCast(Vec(repeating: magic), to: VecI.self)
    let scale = unsafeBitCast((ni &+ 127) &<< 23, to: Vec.self)
    return p * scale
}

@inline(__always)
func simdSigmoid(_ x: Vec) -> Vec { 1 / (1 + simdExp(-x)) }

@inline(__always)
func simdTanh(_ x: Vec) -> Vec {
    // tanh x = 1 − 2/(e^{2x} + 1): no cancellation for large |x|, ~1e-7 absolute near 0.
    1 - 2 / (simdExp(x + x) + 1)
}

@inline(__always) func scalarSigmoid(_ x: Float) -> Float { simdSigmoid(Vec(repeating: x))[0] }
@inline(__always) func scalarTanh(_ x: Float) -> Float { simdTanh(Vec(repeating: x))[0] }

/// x ← f(x) over n floats: full vectors, then the scalar tail through the same function.
@inline(__always)
func mapInPlace(_ p: UnsafeMutablePointer<Float>, _ n: Int, _ f: (Vec) -> Vec) {
    let W = Vec.scalarCount
    var j = 0
    while j + W <= n { storeV(f(loadV(p + j)), p + j); j += W }
    while j < n { p[j] = f(Vec(repeating: p[j]))[0]; j += 1 }
}

@inline(__always) func sigmoidInPlace(_ p: UnsafeMutablePointer<Float>, _ n: Int) { mapInPlace(p, n, simdSigmoid) }
@inline(__always) func tanhInPlace(_ p: UnsafeMutablePointer<Float>, _ n: Int) { mapInPlace(p, n, simdTanh) }

/// Numerically stable log(1 + e^x) and BCE pieces in Double for losses.
@inline(__always)
func softplus(_ x: Double) -> Double { x > 0 ? x + log1pExp(-x) : log1pExp(x) }

@inline(__always)
func log1pExp(_ x: Double) -> Double {
    // x ≤ 0 here: log(1 + e^x) without overflow.
    let e = expD(x)
    return e < 1e-8 ? e : logD(1 + e)
}

#if canImport(Glibc)
import Glibc
@inline(__always) func expD(_ x: Double) -> Double { Glibc.exp(x) }
@inline(__always) func logD(_ x: Double) -> Double { Glibc.log(x) }
#else
import Darwin
@inline(__always) func expD(_ x: Double) -> Double { Darwin.exp(x) }
@inline(__always) func logD(_ x: Double) -> Double { Darwin.log(x) }
#endif
