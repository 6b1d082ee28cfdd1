import NestNetSupport
import ProgramGenerator

/// libFuzzer target: a JSONL dataset line (and the JSON parser under it) on any bytes. A line
/// either parses into an example whose text re-encodes and parses back to the same example,
/// or is a one-line error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONL(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    _ = try? JSONParser.parse(bytes)
    do {
        let e = try Example(jsonLine: bytes)
        var again: [UInt8] = []
        e.jsonLine(into: &again)
        let back = try again.withUnsafeBufferPointer { try Example(jsonLine: $0) }
        precondition(back.text == e.text && back.valid == e.valid, "an example does not survive a round trip")
    } catch let e as NestNetError {
        precondition(!e.message.contains("\n"), "multi-line error")
    } catch {
        preconditionFailure("unexpected error type \(type(of: error))")
    }
    return 0
}
