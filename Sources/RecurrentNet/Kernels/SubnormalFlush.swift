import CFloatMode

/// Runs `body` with subnormal floats flushed to zero on the calling thread, then restores the
/// thread's mode. Training passes run under it: late in BPTT gradients decay into the
/// subnormal range, where each multiply-add takes a slow path on Intel CPUs (`nestnet bench
/// --mode train` at 4096 steps ran 4-5x slower without it there). Probes and inference never do, so gradient
/// norms keep their full range and `check` reads exactly as before.
@inline(__always)
func withSubnormalsFlushed<R>(_ flush: Bool, _ body: () throws -> R) rethrows -> R {
    guard flush else { return try body() }
    let previous = nestnet_float_mode_flush_subnormals()
    defer { nestnet_float_mode_restore(previous) }
    return try body()
}

/// Whether the calling thread flushes subnormals now (tests check that passes restore it).
public var threadFlushesSubnormals: Bool { nestnet_float_mode_flushes_subnormals() != 0 }
