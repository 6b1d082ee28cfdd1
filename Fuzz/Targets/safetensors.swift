import NestNetSupport
import RecurrentNet

/// libFuzzer target: checkpoint bytes. Loading either fails with a one-line error or gives a
/// model that runs on a short text with finite-or-flagged output and no crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let c = try RecurrentModel.load(bytes: bytes, source: "fuzz.safetensors")
        // Only small models are run (a crafted header may describe a large valid one).
        if c.model.parameterCount < 200_000 { _ = c.model.predict([Array("int f() { return (1); }".utf8)], threads: 1) }
    } catch let e as NestNetError {
        precondition(!e.message.contains("\n"), "multi-line error")
    } catch {
        preconditionFailure("unexpected error type \(type(of: error))")
    }
    return 0
}
