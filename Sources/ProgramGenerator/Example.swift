import NestNetSupport
import NestingOracle

/// One labelled text: the unit of every dataset.
public struct Example: Sendable, Equatable {
    public var text: [UInt8]
    /// The oracle's verdict on `text`.
    public var valid: Bool
    public var maxDepth: Int
    public var edit: Edit?
    public var error: NestingError?

    public init(text: [UInt8], valid: Bool, maxDepth: Int, edit: Edit?, error: NestingError?) {
        self.text = text; self.valid = valid; self.maxDepth = maxDepth; self.edit = edit; self.error = error
    }

    /// Labels `text` with the oracle.
    public init(labelling text: [UInt8], edit: Edit?) {
        let v = NestingOracle.check(text)
        self.init(text: text, valid: v.isValid, maxDepth: v.maxDepth, edit: edit, error: v.error)
    }

    /// One JSONL line (without the newline):
    /// `{"text", "valid", "length", "max_depth", "edit": {kind, offset} | null, "error": {…} | null}`,
    /// and `"source": {"path", "offset"}` for a text cut from a real file (`origin`).
    public func jsonLine(into out: inout [UInt8], origin: RealCodeWindows.Origin? = nil) {
        JSONWriter.append(to: &out) { w in
            w.object { o in
                o.field("text") { $0.string(text) }
                o.field("valid", valid)
                o.field("length", text.count)
                o.field("max_depth", maxDepth)
                o.field("edit") { w in
                    guard let e = edit else { return w.null() }
                    w.object { $0.field("kind", e.name); $0.field("offset", e.offset) }
                }
                o.field("error") { w in
                    guard let e = error else { return w.null() }
                    w.object { o in
                        o.field("kind", e.kind.rawValue); o.field("offset", e.offset)
                        o.field("line", e.line); o.field("column", e.column)
                    }
                }
                if let origin {
                    o.field("source") { $0.object { $0.field("path", origin.path); $0.field("offset", origin.offset) } }
                }
            }
        }
    }

    /// Parses one JSONL line. Only `text` (non-empty) is required; `valid` defaults to the
    /// oracle's verdict; a `length` field, when present, must equal the text's UTF-8 byte count.
    public init(jsonLine line: UnsafeBufferPointer<UInt8>) throws {
        let v: JSONValue
        do { v = try JSONParser.parse(line) } catch let e as NestNetError { throw e.prefixed("invalid JSON: ") }
        guard case .object = v else { throw NestNetError("expected a JSON object") }
        guard let text = v["text"]?.string else { throw NestNetError("missing string field \"text\"") }
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw NestNetError("field \"text\" is empty (a text needs at least one byte)") }
        if let field = v["length"] {
            guard let n = field.int else { throw NestNetError("field \"length\" must be an integer") }
            guard n == bytes.count else {
                throw NestNetError("field \"length\" is \(n) but \"text\" holds \(bytes.count) bytes of UTF-8 (texts are UTF-8 byte strings)")
            }
        }
        var edit: Edit? = nil
        if let e = v["edit"], !e.isNull {
            guard let name = e["kind"]?.string, let off = e["offset"]?.int, let parsed = Edit(name: name, offset: off) else {
                throw NestNetError("field \"edit\" must be null or {\"kind\": <edit kind>, \"offset\": <integer>}")
            }
            guard (0...bytes.count).contains(off) else {
                throw NestNetError("field \"edit\" has offset \(off), outside the text's \(bytes.count) bytes")
            }
            edit = parsed
        }
        let verdict = NestingOracle.check(bytes)
        var valid = verdict.isValid
        if let field = v["valid"] {
            guard let b = field.bool else { throw NestNetError("field \"valid\" must be true or false") }
            valid = b
        }
        self.init(text: bytes, valid: valid, maxDepth: v["max_depth"]?.int ?? verdict.maxDepth,
                  edit: edit, error: verdict.error)
    }
}
