#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// All of standard input, or an error once it passes `limit` bytes (so a stream without end
/// never grows memory without bound).
public func readStdin(limit: Int) throws -> [UInt8] {
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
        if n < 0 { throw NestNetError("cannot read standard input: \(String(cString: strerror(errno)))") }
        if n == 0 { break }
        out += chunk[0..<n]
        if out.count > limit { throw NestNetError("larger than \(limit) bytes", kind: .tooLarge(limit: limit)) }
    }
    return out
}
