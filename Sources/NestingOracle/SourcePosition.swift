/// 1-based line and byte column of an offset (`\n` ends a line, `\r\n` counts once, a lone
/// `\r` ends a line too, as for C compilers).
public struct SourcePosition: Sendable, Equatable, Codable {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) { self.line = line; self.column = column }

    /// Computes the position of `offset` in `bytes` by counting newlines before it.
    public static func of(offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> SourcePosition {
        var line = 1, lineStart = 0
        let end = min(offset, bytes.count)
        var i = 0
        while i < end {
            if bytes[i] == 10 || (bytes[i] == 13 && (i + 1 >= bytes.count || bytes[i + 1] != 10)) { line += 1; lineStart = i + 1 }
            i += 1
        }
        return SourcePosition(line: line, column: offset - lineStart + 1)
    }
}
