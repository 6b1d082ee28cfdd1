import NestNetSupport
import ProgramGenerator
import RecurrentNet

extension SweepSettings {
    /// Applies a JSON config object whose keys are the sweep's flag names without dashes, e.g.
    /// `{"archs": ["rnn", "lstm"], "train-lengths": [64, 256], "seeds": [1, 2, 3], "hidden": 32}`.
    /// Unknown keys and ill-typed values are errors, so a typo never silently does nothing.
    public mutating func apply(config: JSONValue, source: String) throws {
        guard case .object(let fields) = config else { throw NestNetError("\(source): a sweep config is a JSON object") }
        func bad(_ k: String, _ what: String) -> NestNetError { NestNetError("\(source): \"\(k)\" must be \(what)") }
        func ints(_ k: String, _ v: JSONValue) throws -> [Int] {
            guard let a = v.array, let xs = Optional(a.compactMap(\.int)), xs.count == a.count else { throw bad(k, "an array of integers") }
            return xs
        }
        func numbers(_ k: String, _ v: JSONValue) throws -> [Double] {
            guard let a = v.array, let xs = Optional(a.compactMap(\.number)), xs.count == a.count else { throw bad(k, "an array of numbers") }
            return xs
        }
        func int(_ k: String, _ v: JSONValue) throws -> Int { guard let x = v.int else { throw bad(k, "an integer") }; return x }
        func number(_ k: String, _ v: JSONValue) throws -> Double { guard let x = v.number else { throw bad(k, "a number") }; return x }
        func names<T: RawRepresentable>(_ k: String, _ v: JSONValue, _: T.Type) throws -> [T] where T.RawValue == String {
            guard let a = v.array else { throw bad(k, "an array of names") }
            return try a.map { guard let s = $0.string, let x = T(rawValue: s) else { throw bad(k, "an array of names") }; return x }
        }
        func name<T: RawRepresentable>(_ k: String, _ v: JSONValue, _: T.Type) throws -> T where T.RawValue == String {
            guard let s = v.string, let x = T(rawValue: s) else { throw bad(k, "one of the allowed names") }
            return x
        }
        for (k, v) in fields {
            switch k {
            case "languages": languages = try names(k, v, Language.self)
            case "archs": archs = try names(k, v, Architecture.self)
            case "train-lengths": trainLengths = try ints(k, v)
            case "test-lengths": testLengths = try ints(k, v)
            case "seeds": seeds = try ints(k, v).map { guard $0 >= 0 else { throw bad(k, "non-negative") }; return UInt64($0) }
            case "hidden": hidden = try int(k, v)
            case "embed": embed = try int(k, v)
            case "epochs": epochs = try int(k, v)
            case "examples-per-epoch": examplesPerEpoch = try int(k, v)
            case "batch": batch = try int(k, v)
            case "lr": learningRate = Float(try number(k, v))
            case "schedule": schedule = try name(k, v, LearningRateSchedule.self)
            case "curriculum": curriculum = v.isNull ? nil : try int(k, v)
            case "error-position": errorPosition = try name(k, v, ErrorPosition.self)
            case "edits": edits = try name(k, v, EditSelection.self)
            case "distractors": distractors = try number(k, v)
            case "decoy-rate": decoyRate = try number(k, v)
            case "habits": habits = try number(k, v)
            case "directive-habits": directiveHabits = try number(k, v)
            case "conditional-habits": conditionalHabits = try number(k, v)
            case "inert-weight": inertWeight = Float(try number(k, v))
            case "test-count": testCount = try int(k, v)
            case "valid-count": validCount = try int(k, v)
            case "probe-length": probeLength = try int(k, v)
            case "probe-count": probeCount = try int(k, v)
            case "clips": clips = try numbers(k, v).map(Float.init)
            case "forget-biases": forgetBiases = try numbers(k, v).map(Float.init)
            case "bptts":
                guard let a = v.array else { throw bad(k, "an array of chunk lengths or \"full\"") }
                bptts = try a.map { x in
                    if x.string == "full" { return 0 }
                    guard let n = x.int, n >= 1 else { throw bad(k, "an array of chunk lengths or \"full\"") }
                    return n
                }
            case "optimizers":
                guard let a = v.array else { throw bad(k, "an array of optimizers, e.g. [\"adam\", \"sgd:0.1\"]") }
                optimizers = try a.map { guard let t = $0.string, let o = OptimizerChoice(parsing: t) else { throw bad(k, "an array of optimizers, e.g. [\"adam\", \"sgd:0.1\"]") }; return o }
            case "inits": recurrentInits = try names(k, v, RecurrentInit.self)
            case "recurrent-scales": recurrentScales = try numbers(k, v).map(Float.init)
            case "step-losses": stepLosses = try numbers(k, v).map(Float.init)
            default: throw NestNetError("\(source): unknown sweep setting \"\(k)\"")
            }
        }
    }
}
