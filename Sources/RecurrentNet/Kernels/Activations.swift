import RealModule

/// Vectorised tanh and sigmoid on the machine's vector width (~3e-7 absolute error), written so
/// the hot loop stays in registers: no exp, no libm calls, no clamping helpers that compile to
/// calls, fused multiply-adds spelled out (Swift does not contract `a * b + c` on its own).

/// tanh x = x·P(x²)/Q(x²), the rational minimax approximation Eigen uses for float tanh, with
/// |x| clamped to 7.9053 (where tanh is 1 to float precision). One division and ten FMAs, no
/// exp, so the LSTM cell runs faster than with the earlier exp-based tanh (figures in the
/// README's engine section). The clamp works on the
/// bit patterns with integer lane operations: `pointwiseMin`/`Max` on SIMD16 compiled to
/// out-of-line scalar loops. NaN becomes ±1.
@inline(__always)
func simdTanh(_ x0: Vec) -> Vec {
    let bits = unsafeBitCast(x0, to: VecI.self)
    let limit = VecI(repeating: 0x40FC_F9E4)   // 7.90531110763549805
    let d = (bits & 0x7FFF_FFFF) &- limit      // < 0 where |x| < limit
    let clampedBits = (limit &+ (d & (d &>> 31))) | (bits & VecI(repeating: Int32(bitPattern: 0x8000_0000)))
    let x = unsafeBitCast(clampedBits, to: Vec.self)
    let x2 = x * x
    var p = Vec(repeating: 2.00018790482477e-13).addingProduct(x2, Vec(repeating: -2.76076847742355e-16))
    p = Vec(repeating: -8.60467152213735e-11).addingProduct(p, x2)
    p = Vec(repeating: 5.12229709037114e-08).addingProduct(p, x2)
    p = Vec(repeating: 1.48572235717979e-05).addingProduct(p, x2)
    p = Vec(repeating: 6.37261928875436e-04).addingProduct(p, x2)
    p = Vec(repeating: 4.89352455891786e-03).addingProduct(p, x2)
    var q = Vec(repeating: 1.18534705686654e-04).addingProduct(x2, Vec(repeating: 1.19825839466702e-06))
    q = Vec(repeating: 2.26843463243900e-03).addingProduct(q, x2)
    q = Vec(repeating: 4.89352518554385e-03).addingProduct(q, x2)
    return x * p / q
}

/// σ(x) = ½ + ½·tanh(x/2).
@inline(__always)
func simdSigmoid(_ x: Vec) -> Vec { Vec(repeating: 0.5).addingProduct(simdTanh(x * 0.5), Vec(repeating: 0.5)) }

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
    let e = Double.exp(x)
    return e < 1e-8 ? e : Double.log(1 + e)
}
