import NestingOracle
/// Multi-line macros whose bodies are ordinary code, as BSD `queue.h`, GLib and Linux write
/// them: every line but the last ends in `\`, padded with tabs or spaces to an aligned column,
/// and some lines carry a `/* comment */` before the backslash. The brackets of the body are
/// directive text and do not count; a body may even leave a brace open (`LIST_HEAD(n) struct n {`).
/// A model has to follow the continuation through the comments to know where code resumes.
extension CBuilder {
    mutating func continuedMacro() {
        if w.count > 0 { w.nlBare() }
        let depth = w.depth, level = w.level
        let name = rng.pick(Vocabulary.macros) + rng.pick(["", "_ENTRY", "_HEAD", "_INIT", "_FOREACH", "_CHECK"])
        let params = rng.pick(["(type)", "(name, type)", "(head, elm, field)", "(x)", "(var, head, field)", "(a, b)", ""])

        // The body: generated code at the left margin, cut back out of the writer.
        let start = w.count
        w.level = 0
        switch rng.below(5) {
        case 0: structDef()
        case 1:
            w.put("do"); w.beginBlock()
            block(budget: rng.int(in: 60...400))
            w.endBlock(); w.put(" while "); w.open(.paren); w.put("0"); w.close(.paren)
        case 2:
            // An unbalanced body: the macro opens what its user closes (or the reverse).
            w.put(rng.pick(["struct name {", "for ((var) = TAILQ_FIRST(head); (var); (var) = TAILQ_NEXT(var, field))",
                            "} while (0)", "if (!(x)) {", "static const struct name name##_table[] = {"]))
        case 3: globalTable()
        default:
            w.open(.brace); block(budget: rng.int(in: 40...240)); w.nl(); w.close(.brace)
        }
        var lines = splitLines(Array(w.out[start...]))
        w.truncate(to: start, depth: depth, level: level)
        // Line comments would swallow the continuation, and directives cannot nest: fall back.
        if lines.contains(where: { containsLineComment($0) || $0.first(where: { $0 != 32 && $0 != 9 }) == 35 }) {
            lines = [Array("do { (void)(x); } while (0)".utf8)]
        }
        if lines.first?.isEmpty == true { lines.removeFirst() }

        var head = Array("#define \(name)\(params)".utf8)
        if rng.chance(0.3), !lines.isEmpty { head += [32] + lines.removeFirst() }  // body starts on the #define line
        let indent: [UInt8] = rng.chance(0.7) ? [9] : [32, 32, 32, 32]
        let all = [head] + lines.map { $0.isEmpty ? $0 : indent + $0 }
        let style = rng.below(3)  // 0: " \", 1: tabs to a column, 2: spaces to a column
        let column = max(all.map { CodeWriter.displayWidth($0) }.max()! + 1, rng.pick([40, 56, 64, 72, 80]))
        for (k, var line) in all.enumerated() {
            let last = k == all.count - 1
            if rng.chance(0.25) && !last || (last && rng.chance(0.1)) {
                line += Array((rng.chance(0.5) ? "\t" : " ").utf8) + Array("/* \(sentence()) */".utf8)
            }
            if !last {
                switch style {
                case 0: line += [32]
                case 1:
                    var width = CodeWriter.displayWidth(line)
                    repeat { line.append(9); width = (width / 8 + 1) * 8 } while width < column
                default:
                    let width = CodeWriter.displayWidth(line)
                    line += [UInt8](repeating: 32, count: max(1, column - width))
                }
                line.append(92)
            }
            // Directive text: the writer's depth and level stay as restored above.
            if k == 0 { w.put(bytes: line) } else { w.out += line }
            if !last { w.nlBare() }
        }
    }

    /// Lines of `bytes` without their line ends (LF or CR LF).
    private func splitLines(_ bytes: [UInt8]) -> [[UInt8]] {
        bytes.split(separator: 10, omittingEmptySubsequences: false).map { l in
            var l = Array(l)
            if l.last == 13 { l.removeLast() }
            return l
        }
    }

    /// True when `line` has `//` outside a string or block comment (good enough for generated code).
    private func containsLineComment(_ line: [UInt8]) -> Bool {
        var inString = false, inComment = false, i = 0
        while i + 1 < line.count {
            let c = line[i], d = line[i + 1]
            if inComment { if c == 42 && d == 47 { inComment = false; i += 1 } }
            else if inString { if c == 92 { i += 1 } else if c == 34 { inString = false } }
            else if c == 34 { inString = true }
            else if c == 47 && d == 42 { inComment = true; i += 1 }
            else if c == 47 && d == 47 { return true }
            i += 1
        }
        return false
    }
}
