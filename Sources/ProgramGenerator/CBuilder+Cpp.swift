import NestNetSupport
import NestingOracle

/// C++ constructs and `extern "C"` blocks.
extension CBuilder {
    /// C++ as found in headers next to C: a namespace around items, a class template with
    /// access specifiers, initialiser lists and inline members, a lambda. `<>` are not brackets.
    mutating func cppItem(budget: Int) {
        line()
        switch rng.below(3) {
        case 0 where canOpen(1):
            let ns = rng.pick(["detail", "internal", "v8", "llvm", "icu", "node", "util"])
            w.put("namespace \(ns) {"); w.depth += 1
            for _ in 0..<rng.int(in: 1...4) {
                w.nlBare()
                if rng.chance(0.35) { cppItem(budget: budget / 4) } else { topLevelItemSimple(budget: budget / 4) }
            }
            w.nlBare(); w.nlBare(); w.put("}"); w.depth -= 1
            if rng.chance(0.7) { w.put("  // namespace \(ns)") }
        case 1 where canOpen(4):
            let name = rng.pick(["Handle", "Buffer", "Scope", "Vector", "Parser", "Node", "Slot"]) + rng.pick(["", "Impl", "Base", "Ref"])
            if rng.chance(0.6) { w.put("template <typename T" + (rng.chance(0.3) ? ", size_t N = \(rng.int(in: 2...64))" : "") + ">"); w.nl() }
            w.put("class \(name)" + (rng.chance(0.5) ? " : public \(rng.pick(["Object", "Base<T>", "std::enable_shared_from_this<\(name)>"]))" : ""))
            w.beginBlock()
            w.level -= 1; w.nl(); w.put("public:"); w.level += 1
            w.nl(); w.put("explicit \(name)"); w.open(.paren); w.put("T value"); w.close(.paren); w.put(" : value_"); w.open(.paren); w.put("value"); w.close(.paren); w.put(" "); w.open(.brace); w.close(.brace)
            w.nl(); w.put("T get"); w.open(.paren); w.close(.paren); w.put(" const "); w.open(.brace); w.put(" return value_; "); w.close(.brace)
            if rng.chance(0.5) { w.nl(); w.put("bool operator()"); w.open(.paren); w.put("const T& other"); w.close(.paren); w.put(" const;") }
            if rng.chance(0.5) { w.nl(); w.put("static std::unique_ptr<\(name)> create"); w.open(.paren); w.put("std::vector<std::pair<int, T>>* items"); w.close(.paren); w.put(";") }
            w.level -= 1; w.nl(); w.put(rng.chance(0.7) ? "private:" : "protected:"); w.level += 1
            w.nl(); w.put("T value_;")
            if rng.chance(0.5) { w.nl(); w.put("std::map<std::string, \(rng.pick(["int", "T", "size_t"]))> \(rng.pick(Vocabulary.fields))_;") }
            if rng.chance(0.3) { w.nl(); w.put("/* \(sentence()) */") }
            w.endBlock(); w.put(";")
        case 2 where canOpen(3):
            let v = rng.pick(Vocabulary.locals)
            w.put("static auto \(v)_cb = [&]"); w.open(.paren); w.put("int \(v)"); w.close(.paren); w.put(" "); w.open(.brace)
            w.put(" return static_cast<int>"); w.open(.paren); w.put("\(v) \(rng.pick(["+", "*", ">>", "<<"])) \(rng.int(in: 1...9))"); w.close(.paren); w.put("; ")
            w.close(.brace); w.put(";")
        default:
            w.put("using \(rng.pick(Vocabulary.nouns))_t = std::vector<\(rng.pick(Vocabulary.scalarTypes))>;")
        }
    }

    /// `extern "C" {` opened and closed in separate `#ifdef __cplusplus` blocks around items.
    mutating func externC(budget: Int) {
        if w.count > 0 { w.nlBare() }
        w.put("#ifdef __cplusplus"); w.nlBare(); w.put("extern \"C\" {"); w.nlBare(); w.put("#endif")
        let depth = w.depth, start = w.count
        // Real headers wrap everything in it: items until most of the budget is used.
        let items = rng.int(in: 1...12)
        for _ in 0..<items where w.count - start < budget * 3 / 4 { w.nlBare(); topLevelItemSimple(budget: budget / 4) }
        w.depth = depth
        w.nlBare(); w.nlBare(); w.put("#ifdef __cplusplus"); w.nlBare(); w.put("}"); w.nlBare(); w.put("#endif")
    }
}
