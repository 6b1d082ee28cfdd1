import NestNetSupport
import ProgramGenerator

/// Accuracy with its breakdowns: the invalid class's precision/recall/F1, the confusion matrix,
/// and accuracy by length bucket, edit kind, max depth and error position.
public struct EvaluationReport: Sendable {
    /// Examples and correct predictions in one group.
    public struct Group: Sendable, Equatable {
        public var key: String
        public var count = 0
        public var correct = 0
        public var accuracy: Double { count == 0 ? 0 : Double(correct) / Double(count) }
    }

    public let evaluation: Evaluation
    /// confusion[truth][prediction], 0 = valid, 1 = invalid.
    public var confusion = [[0, 0], [0, 0]]
    public var byLength: [Group] = []
    public var byEdit: [Group] = []
    public var byDepth: [Group] = []
    public var byErrorPosition: [Group] = []
    public var threshold: Float
    /// Where the model places the error vs the oracle, over invalid examples it flags invalid:
    /// exact byte, within one byte, same line, against the oracle's offset (for an unclosed
    /// bracket, the innermost opener still open at the end). nil without a step head.
    public var location: (total: Int, exact: Int, nearby: Int, sameLine: Int)?

    public init(_ evaluation: Evaluation, examples: [Example], threshold: Float = 0.5) {
        self.evaluation = evaluation
        self.threshold = threshold
        var length: [Int: Group] = [:], edit: [String: Group] = [:], depth: [Int: Group] = [:], position: [Int: Group] = [:]
        for (p, e) in zip(evaluation.probabilities, examples) {
            let predictedValid = p > threshold
            let ok = predictedValid == e.valid
            confusion[e.valid ? 0 : 1][predictedValid ? 0 : 1] += 1
            func add<K>(_ d: inout [K: Group], _ k: K, _ name: String) {
                var g = d[k] ?? Group(key: name)
                g.count += 1
                if ok { g.correct += 1 }
                d[k] = g
            }
            let b = DatasetStats.bucket(e.text.count)
            add(&length, b, "[\(b), \(max(2 * b, 1)))")
            let editName = e.edit?.name ?? "none"
            add(&edit, editName, editName)
            add(&depth, e.maxDepth, "\(e.maxDepth)")
            let pos = Self.positionBucket(e)
            add(&position, pos, Self.positionNames[pos])
        }
        if evaluation.hasStepHead {
            var total = 0, exact = 0, nearby = 0, sameLine = 0
            for (i, e) in examples.enumerated() where !e.valid && evaluation.probabilities[i] <= threshold {
                guard let err = e.error else { continue }
                total += 1
                guard let g = evaluation.errorOffset[i] else { continue }
                if g == err.offset { exact += 1 }
                if abs(g - err.offset) <= 1 { nearby += 1 }
                let lo = min(g, err.offset), hi = max(g, err.offset)
                if !e.text[lo..<hi].contains(10) { sameLine += 1 }
            }
            location = (total, exact, nearby, sameLine)
        }
        byLength = length.keys.sorted().map { length[$0]! }
        byEdit = edit.keys.sorted().map { edit[$0]! }
        byDepth = depth.keys.sorted().map { depth[$0]! }
        byErrorPosition = position.keys.sorted().map { position[$0]! }
    }

    static let positionNames = ["no edit", "0-10%", "10-25%", "25-50%", "50-75%", "75-90%", "90-100%"]

    /// Where the example's edit falls, as a fraction of the text.
    static func positionBucket(_ e: Example) -> Int {
        guard let edit = e.edit, !e.text.isEmpty else { return 0 }
        let f = Double(edit.offset) / Double(e.text.count)
        switch f {
        case ..<0.10: return 1
        case ..<0.25: return 2
        case ..<0.50: return 3
        case ..<0.75: return 4
        case ..<0.90: return 5
        default: return 6
        }
    }

    // Invalid is the positive class: it is what a lint step must catch.
    public var truePositives: Int { confusion[1][1] }
    public var precisionInvalid: Double { let d = confusion[1][1] + confusion[0][1]; return d == 0 ? 0 : Double(confusion[1][1]) / Double(d) }
    public var recallInvalid: Double { let d = confusion[1][1] + confusion[1][0]; return d == 0 ? 0 : Double(confusion[1][1]) / Double(d) }
    public var f1Invalid: Double { let p = precisionInvalid, r = recallInvalid; return p + r == 0 ? 0 : 2 * p * r / (p + r) }

    /// `repairBudget`: how far another reading of a stack network's moves went (nil: the model
    /// is not one), so a report says which reading its figures are.
    public func text(model: String, data: String, repairBudget: Float? = nil) -> String {
        let e = evaluation
        var s = "\(model) on \(data): accuracy \(fixed(e.accuracy, 4)) (\(e.correct)/\(e.count)), loss \(fixed(e.loss, 4))\n"
        if let b = repairBudget {
            s += b > 0 ? "read by its stack, another reading of its moves within \(b) nats\n" : "read by its stack, its own reading alone (repair budget 0)\n"
        }
        s += "invalid class: precision \(fixed(precisionInvalid, 4)), recall \(fixed(recallInvalid, 4)), F1 \(fixed(f1Invalid, 4))\n"
        s += "confusion (rows: truth, columns: prediction):\n"
        s += "              valid  invalid\n"
        s += "  valid    \(pad(confusion[0][0], 8)) \(pad(confusion[0][1], 8))\n"
        s += "  invalid  \(pad(confusion[1][0], 8)) \(pad(confusion[1][1], 8))\n"
        if let l = location, l.total > 0 {
            s += "error location vs the oracle (\(l.total) invalid texts flagged invalid): exact byte \(fixed(Double(l.exact) / Double(l.total), 4)), within 1 byte \(fixed(Double(l.nearby) / Double(l.total), 4)), same line \(fixed(Double(l.sameLine) / Double(l.total), 4))\n"
        }
        for (title, groups) in [("length", byLength), ("edit kind", byEdit), ("max depth", byDepth), ("error position", byErrorPosition)] {
            s += "by \(title):\n"
            for g in groups { s += "  \(g.key.padded(24)) \(pad(g.count, 7))  \(fixed(g.accuracy, 4))\n" }
        }
        s += "throughput: \(fixed(e.bytesPerSecond / 1e6, 4)) MB/s (\(fixed(e.seconds, 4)) s)\n"
        return s
    }

    public func json(model: String, arch: String, data: String, repairBudget: Float? = nil) -> String {
        let e = evaluation
        var w = JSONWriter()
        w.object { o in
            o.field("model", model); o.field("arch", arch); o.field("data", data)
            o.field("repair_budget", repairBudget)
            o.field("count", e.count); o.field("accuracy", e.accuracy); o.field("loss", e.loss)
            o.field("precision_invalid", precisionInvalid); o.field("recall_invalid", recallInvalid); o.field("f1_invalid", f1Invalid)
            o.field("confusion") { $0.object { c in
                c.field("valid_as_valid", confusion[0][0]); c.field("valid_as_invalid", confusion[0][1])
                c.field("invalid_as_valid", confusion[1][0]); c.field("invalid_as_invalid", confusion[1][1])
            } }
            for (name, groups) in [("by_length", byLength), ("by_edit", byEdit), ("by_max_depth", byDepth), ("by_error_position", byErrorPosition)] {
                o.field(name) { $0.array(groups) { w, g in
                    w.object { $0.field("key", g.key); $0.field("count", g.count); $0.field("accuracy", g.accuracy) }
                } }
            }
            o.field("location") { w in
                guard let l = location else { return w.null() }
                w.object { o in
                    o.field("total", l.total); o.field("exact", l.exact); o.field("within_1_byte", l.nearby); o.field("same_line", l.sameLine)
                }
            }
            o.field("seconds", e.seconds); o.field("bytes_per_sec", e.bytesPerSecond)
        }
        return w.text
    }
}
