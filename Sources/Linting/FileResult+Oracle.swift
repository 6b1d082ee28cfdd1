import NestingOracle

extension FileResult.Location {
    /// The line and column of byte `offset` of `text`, as the oracle counts them.
    public init(offset: Int, in text: [UInt8]) {
        let pos = text.withUnsafeBufferPointer { SourcePosition.of(offset: offset, in: $0) }
        self.init(line: pos.line, column: pos.column, offset: offset)
    }
}

extension FileResult.Exact {
    /// The oracle's verdict on `text`, in report form.
    public init(checking text: [UInt8]) {
        let v = NestingOracle.check(text)
        guard let e = v.error else { self.init(valid: true, kind: nil, location: nil, message: nil); return }
        self.init(valid: false, kind: e.kind.rawValue, location: .init(line: e.line, column: e.column, offset: e.offset),
                  message: e.message + " [\(e.kind.rawValue)]")
    }
}
