// Small vector helpers on contiguous buffers: dot product, axpy, sums and transposes.

@inline(__always)
func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = SIMD8<Float>.zero
    var j = 0
    while j + 8 <= n { acc.addProduct(load8(a + j), load8(b + j)); j += 8 }
    var s = acc.sum()
    while j < n { s += a[j] * b[j]; j += 1 }
    return s
}

/// y += alpha·x
@inline(__always)
func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
    let a = SIMD8<Float>(repeating: alpha)
    var j = 0
    while j + 8 <= n { store8(load8(y + j).addingProduct(a, load8(x + j)), y + j); j += 8 }
    while j < n { y[j] += alpha * x[j]; j += 1 }
}

/// y += x
@inline(__always)
func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, _ n: Int) {
    var j = 0
    while j + 8 <= n { store8(load8(y + j) + load8(x + j), y + j); j += 8 }
    while j < n { y[j] += x[j]; j += 1 }
}

/// out[j] += Σ_r m[r, j]
func columnSums(_ m: UnsafePointer<Float>, rows: Int, cols: Int, into out: UnsafeMutablePointer<Float>) {
    for r in 0..<rows { add(m + r * cols, into: out, cols) }
}

/// out[c, r] += m[r, c]
func transposeAdd(_ m: UnsafePointer<Float>, rows: Int, cols: Int, into out: UnsafeMutablePointer<Float>) {
    for r in 0..<rows { for c in 0..<cols { out[c * rows + r] += m[r * cols + c] } }
}
