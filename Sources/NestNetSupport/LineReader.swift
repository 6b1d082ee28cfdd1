#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams a text file line by line (JSONL), holding one line at a time: memory is bounded by
/// `maxLine` whatever the file's size, and a file with no newline (`/dev/zero` copied to
/// disk, a binary blob) is one clear error instead of an allocation failure.
public enum LineReader {
    /// Calls `body` with each line's number (from 1) and bytes (without `\n` or `\r\n`).
    public static func forEachLine(_ path: String, maxLine: Int = 64 << 20,
                                   _ body: (Int, UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        let shown = FileName.display(path)
        let (f, _) = try openForReading(path, special: .refuse)
        defer { fclose(f) }
        var line: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var lineNo = 0
        func emit() throws {
            lineNo += 1
            var n = line.count
            if n > 0, line[n - 1] == 13 { n -= 1 }
            try line.withUnsafeBufferPointer { try body(lineNo, UnsafeBufferPointer(rebasing: $0[0..<n])) }
            line.removeAll(keepingCapacity: true)
        }
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
            var start = 0
            for i in 0..<n where chunk[i] == 10 {
                line.append(contentsOf: chunk[start..<i])
                try emit()
                start = i + 1
            }
            line.append(contentsOf: chunk[start..<n])
            if line.count > maxLine { throw NestNetError("\(shown):\(lineNo + 1): line longer than \(maxLine) bytes") }
            if n < chunk.count {
                if ferror(f) != 0 { throw NestNetError("cannot read \(shown): \(String(cString: strerror(errno)))") }
                break
            }
        }
        if !line.isEmpty { try emit() }
    }
}
