import NestNetSupport

// The constructs each choice point of the generator draws from, each with its weight beside it.
// `allCases` is the order of the weights handed to `SeededRandom.weighted`, so adding a case
// is one line here plus its branch in the switch that writes it (the compiler asks for it);
// the order must not change, or every generated dataset changes with it.

/// A construct kind: its cases in the order of their weights, built once (`allCases` builds a
/// new array at every call, and drawing happens for every construct written).
protocol Construct: CaseIterable {
    static var all: [Self] { get }
}

extension SeededRandom {
    /// One of `C.all`, drawn with probability proportional to `weight` (`weighted` on the
    /// weights in that order).
    @inline(__always)
    mutating func draw<C: Construct>(_: C.Type, weight: (C) -> Double) -> C {
        let cases = C.all
        // The weights on the stack: drawing happens for every construct written.
        let k = withUnsafeTemporaryAllocation(of: Double.self, capacity: cases.count) { w in
            for (i, c) in cases.enumerated() { w.initializeElement(at: i, to: weight(c)) }
            return weighted(UnsafeBufferPointer(w))
        }
        return cases[k]
    }
}

/// What the top level of a file holds. `small`: under 120 bytes of budget left.
enum TopLevelConstruct: Construct {
    static let all = allCases
    case include, define, comment, function, structOrEnum, globalTable, prototypeOrGlobal, conditionalItems,
         sharedBraceFunction, ifZeroGroup, externC, functionPointerTypedef, cpp, defineRun, continuedMacro

    func weight(small: Bool) -> Double {
        switch self {
        case .include: small ? 3 : 1
        case .define: small ? 3 : 1.5
        case .comment: 1
        case .function: small ? 0.5 : 6
        case .structOrEnum: 1.2
        case .globalTable: 1
        case .prototypeOrGlobal: 1
        case .conditionalItems: small ? 0 : 0.8        // items under #if / #else
        case .sharedBraceFunction: small ? 0 : 0.5     // #if branches that each open the same brace
        case .ifZeroGroup: small ? 0 : 0.4             // #if 0 holding broken code
        case .externC: small ? 0 : 0.6                 // extern "C" split across #ifdef __cplusplus
        case .functionPointerTypedef: 0.4
        case .cpp: small ? 0 : 0.6                     // namespace, class template, lambda
        case .defineRun: 0.4                           // a run of long function-like macros
        case .continuedMacro: small ? 0 : 0.5          // a macro whose body is code continued over lines
        }
    }
}

/// What fills a whole header: mostly prototypes, macros and documentation comments.
enum HeaderConstruct: Construct {
    static let all = allCases
    case prototype, define, defineRun, comment, structOrEnum, functionPointerTypedef, conditionalItems,
         function, cpp, globalVar, continuedMacro

    /// `roomy`: over 300 bytes of budget left; `cpp`: a C++ header.
    func weight(roomy: Bool, cpp: Bool) -> Double {
        switch self {
        case .prototype: 3.5
        case .define: 3
        case .defineRun: 1
        case .comment: 2.5
        case .structOrEnum: 1.5
        case .functionPointerTypedef: 0.6
        case .conditionalItems: 0.7
        case .function: roomy ? 0.5 : 0
        case .cpp: cpp ? 1.5 : 0
        case .globalVar: 0.5
        case .continuedMacro: roomy ? 1 : 0
        }
    }
}

/// A statement inside a function body.
enum StatementConstruct: Construct {
    static let all = allCases
    case simple, ifElse, forLoop, whileLoop, doWhile, switchCase, bareBlock, comment, ifdef, ifZeroGroup, blankLine

    /// `roomy`: over 60 bytes of budget left and room for three more brackets.
    func weight(roomy: Bool, budget: Int) -> Double {
        switch self {
        case .simple: 10
        case .ifElse: roomy ? 3.5 : 0
        case .forLoop: roomy ? 1.8 : 0
        case .whileLoop: roomy ? 1 : 0
        case .doWhile: roomy ? 0.4 : 0
        case .switchCase: roomy && budget > 140 ? 0.7 : 0
        case .bareBlock: roomy ? 0.3 : 0
        case .comment: 1.4
        case .ifdef: roomy ? 0.4 : 0                       // #ifdef around statements
        case .ifZeroGroup: roomy && budget > 120 ? 0.12 : 0
        case .blankLine: 0.15
        }
    }
}

/// A one-line statement.
enum SimpleStatementConstruct: Construct {
    static let all = allCases
    case declaration, assignment, call, returnValue, formattedPrint, increment, jump, characterTest, assertion, voidCast

    var weight: Double {
        switch self {
        case .declaration: 3
        case .assignment: 3
        case .call: 3
        case .returnValue: 1.5
        case .formattedPrint: 1.2
        case .increment: 1
        case .jump: 0.6
        case .characterTest: 0.8
        case .assertion: 0.4
        case .voidCast: 0.3
        }
    }
}

/// An expression of nesting complexity above 0.
enum ExpressionConstruct: Construct {
    static let all = allCases
    case atom, binary, call, index, parenthesised, cast, lvalue, sizeOf, conditional, unary

    var weight: Double {
        switch self {
        case .atom: 3
        case .binary: 2
        case .call: 1.2
        case .index: 1
        case .parenthesised: 0.8
        case .cast: 0.9
        case .lvalue: 0.6
        case .sizeOf: 0.5
        case .conditional: 0.4
        case .unary: 0.3
        }
    }
}

/// An expression without brackets of its own.
enum AtomConstruct: Construct {
    static let all = allCases
    case variable, number, charLiteral, string, constant, macro

    var weight: Double {
        switch self {
        case .variable: 6
        case .number: 3
        case .charLiteral: 0.5
        case .string: 0.6
        case .constant: 0.8
        case .macro: 0.5
        }
    }
}
