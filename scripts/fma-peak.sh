#!/usr/bin/env bash
# One core's fused multiply-add peak with 512-bit vectors (16 floats): twelve independent
# accumulators, one FMA each per iteration, so latency hides and only the FMA pipes limit.
# This is the ceiling the recurrent products in `nestnet bench` are compared against in the
# README. CPU=skylake-avx512 (or another LLVM CPU name with AVX-512) for other machines.
set -euo pipefail
work=$(mktemp -d)
cat > "$work/main.swift" <<'SWIFT'
import Foundation
typealias V = SIMD16<Float>
@inline(never) func run(_ n: Int, _ seed: Float) -> Float {
    var a0 = V(repeating: seed), a1 = a0 + 1, a2 = a0 + 2, a3 = a0 + 3, a4 = a0 + 4, a5 = a0 + 5
    var a6 = a0 + 6, a7 = a0 + 7, a8 = a0 + 8, a9 = a0 + 9, a10 = a0 + 10, a11 = a0 + 11
    let x = V(repeating: 0.999999), y = V(repeating: 1e-7)
    for _ in 0..<n {
        a0 = a0.addingProduct(x, y); a1 = a1.addingProduct(x, y); a2 = a2.addingProduct(x, y)
        a3 = a3.addingProduct(x, y); a4 = a4.addingProduct(x, y); a5 = a5.addingProduct(x, y)
        a6 = a6.addingProduct(x, y); a7 = a7.addingProduct(x, y); a8 = a8.addingProduct(x, y)
        a9 = a9.addingProduct(x, y); a10 = a10.addingProduct(x, y); a11 = a11.addingProduct(x, y)
    }
    return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).sum()
}
let n = 50_000_000
var best = 0.0
for _ in 0..<5 {
    let t0 = Date(); let r = run(n, Float(CommandLine.arguments.count))
    let s = Date().timeIntervalSince(t0)
    if r.isNaN { print("?") }
    best = max(best, Double(n) * 12 * 16 * 2 / s / 1e9)
}
print(String(format: "one core: %.0f GFLOP/s single-precision FMA peak (best of 5)", best))
SWIFT
swiftc -O -target-cpu "${CPU:-znver4}" "$work/main.swift" -o "$work/fma-peak"
"$work/fma-peak"
rm -rf "$work"
