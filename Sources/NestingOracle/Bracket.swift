/// The three bracket pairs NestNet checks: `()`, `[]`, `{}`.
public enum BracketKind: UInt8, Sendable, CaseIterable, Codable {
    case paren = 0, square = 1, brace = 2

    /// The opening byte: `(`, `[` or `{`.
    @inlinable public var opener: UInt8 {
        switch self { case .paren: UInt8(ascii: "("); case .square: UInt8(ascii: "["); case .brace: UInt8(ascii: "{") }
    }
    /// The closing byte: `)`, `]` or `}`.
    @inlinable public var closer: UInt8 {
        switch self { case .paren: UInt8(ascii: ")"); case .square: UInt8(ascii: "]"); case .brace: UInt8(ascii: "}") }
    }
}

/// Byte-level helpers for bracket characters.
public enum Bracket {
    /// The kind of an opening byte, or nil.
    @inlinable public static func openerKind(_ b: UInt8) -> BracketKind? {
        switch b {
        case UInt8(ascii: "("): return .paren
        case UInt8(ascii: "["): return .square
        case UInt8(ascii: "{"): return .brace
        default: return nil
        }
    }

    /// The kind of a closing byte, or nil.
    @inlinable public static func closerKind(_ b: UInt8) -> BracketKind? {
        switch b {
        case UInt8(ascii: ")"): return .paren
        case UInt8(ascii: "]"): return .square
        case UInt8(ascii: "}"): return .brace
        default: return nil
        }
    }

    /// True for any of `()[]{}`.
    @inlinable public static func isBracket(_ b: UInt8) -> Bool {
        openerKind(b) != nil || closerKind(b) != nil
    }
}
