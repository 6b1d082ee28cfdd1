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
    /// How this file writes preprocessor lines (nil: `#if` at the start of the line, as before).
    var directiveStyle: DirectiveStyle?
    /// Where the depth of `#if` groups changed and what it became, for a file with a
    /// `directiveStyle` (kept as marks so `truncate` can take changes back).
    private var conditionalMarks: [(offset: Int, depth: Int)] = []
    var conditionalDepth: Int { conditionalMarks.last?.depth ?? 0 }

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

    /// Appends text; a preprocessor line started at the start of a line is written in the
    /// file's `directiveStyle` when it has one.
    @inline(__always) mutating func put(_ s: String) {
        if directiveStyle != nil, s.utf8.first == 35, out.isEmpty || out.last == 10 { putDirective(s.utf8); return }
        out.append(contentsOf: s.utf8)
    }

    /// `put` for text already in bytes.
    mutating func put(bytes: [UInt8]) {
        if directiveStyle != nil, bytes.first == 35, out.isEmpty || out.last == 10 { putDirective(bytes); return }
        out += bytes
    }

    /// `#keyword rest` written as the style says: spaces after `#` or indentation before it,
    /// one unit per `#if` group it sits in (`#else`, `#elif` and `#endif` at their `#if`'s), or
    /// one unit everywhere (SQLite's `# define`).
    mutating func putDirective(_ s: some Collection<UInt8>) {
        let style = directiveStyle!
        let body = s.dropFirst().drop { $0 == 32 || $0 == 9 }
        let keyword = String(decoding: body.prefix { (97...122).contains($0) }, as: UTF8.self)
        let depth = conditionalDepth
        let level = ["else", "elif", "endif"].contains(keyword) ? max(0, depth - 1) : depth
        let units = style.everywhere ? 1 : level
        if keyword.hasPrefix("if") { conditionalMarks.append((out.count, depth + 1)) }
        else if keyword == "endif", depth > 0 { conditionalMarks.append((out.count, depth - 1)) }
        if style.beforeHash { for _ in 0..<units { out.append(contentsOf: style.unit) } }
        out.append(35)
        if !style.beforeHash { for _ in 0..<units { out.append(contentsOf: style.unit) } }
        out.append(contentsOf: body)
    }

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
        while let last = conditionalMarks.last, last.offset >= mark { conditionalMarks.removeLast() }
    }
}

/// How a file writes its preprocessor lines (`GeneratorOptions.directiveHabits`): libpng's
/// `#  ifdef` / `#     else` (spaces after `#` by `#if` depth), indented `  #ifdef`, or
/// SQLite's `# define` everywhere. A model that has only seen `#else` misses these `#else`s.
struct DirectiveStyle: Sendable, Equatable {
    /// Indentation before `#` (else spaces after it).
    var beforeHash: Bool
    /// One unit per `#if` group the line sits in.
    var unit: [UInt8]
    /// One unit on every preprocessor line, whatever its depth.
    var everywhere: Bool
}
