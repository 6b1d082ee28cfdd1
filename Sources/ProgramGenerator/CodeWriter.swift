import NestingOracle
/// An append-only byte buffer with the layout conventions of one generated file:
/// indentation unit, brace placement and line ending. Tracks the code bracket depth it wrote.
struct CodeWriter {
    var out: [UInt8] = []
    var level = 0
    /// Code brackets currently open (text the writer emitted through `open`/`close`).
    var depth = 0
    let indentUnit: [UInt8]
    let newline: [UInt8]
    let allmanBraces: Bool

    init(indentUnit: [UInt8], newline: [UInt8], allmanBraces: Bool, capacity: Int) {
        self.indentUnit = indentUnit; self.newline = newline; self.allmanBraces = allmanBraces
        out.reserveCapacity(capacity)
    }

    var count: Int { out.count }

    /// Display column of the next byte on the current line.
    var column: Int {
        var start = out.count
        while start > 0, out[start - 1] != 10 { start -= 1 }
        return Self.displayWidth(out[start...])
    }

    /// Display width of a line, with tab stops every 8 columns.
    static func displayWidth(_ line: some Sequence<UInt8>) -> Int {
        var c = 0
        for b in line { c = b == 9 ? (c / 8 + 1) * 8 : c + 1 }
        return c
    }

    @inline(__always) mutating func put(_ s: String) { out.append(contentsOf: s.utf8) }
    @inline(__always) mutating func put(_ b: UInt8) { out.append(b) }

    /// An opening code bracket.
    mutating func open(_ k: BracketKind) { out.append(k.opener); depth += 1 }
    /// A closing code bracket.
    mutating func close(_ k: BracketKind) { out.append(k.closer); depth -= 1 }

    /// Ends the line and indents the next one.
    mutating func nl() {
        out.append(contentsOf: newline)
        for _ in 0..<level { out.append(contentsOf: indentUnit) }
    }

    /// Ends the line with no indentation (blank line or directive next).
    mutating func nlBare() { out.append(contentsOf: newline) }

    /// Opens a block: ` {` (K&R) or a newline and `{` (Allman), then indents.
    mutating func beginBlock() {
        if allmanBraces { nl(); open(.brace) } else { put(" "); open(.brace) }
        level += 1
    }

    /// Closes a block on its own line.
    mutating func endBlock() {
        level -= 1
        nl(); close(.brace)
    }

    /// Drops everything after `mark`, restoring the depth the caller records.
    mutating func truncate(to mark: Int, depth d: Int, level l: Int) {
        out.removeLast(out.count - mark); depth = d; level = l
    }
}
