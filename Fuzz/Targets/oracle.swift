import NestingOracle

/// libFuzzer target: the oracle on any bytes. Besides not crashing, its two entry points must
/// agree and every error must lie inside the text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOracle(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let v = NestingOracle.check(bytes)
    let a = NestingOracle.analyze(bytes)
    precondition(v.isValid == a.verdict.isValid && v.error?.offset == a.verdict.error?.offset, "check and analyze disagree")
    precondition(a.depth.count == size && a.regions.count == size, "analysis does not cover every byte")
    if let e = v.error { precondition(e.offset >= 0 && e.offset < max(size, 1) && e.line >= 1 && e.column >= 1, "error outside the text") }
    return 0
}
