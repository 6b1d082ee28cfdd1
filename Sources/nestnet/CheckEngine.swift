import FileSupport
import NestingOracle
import RecurrentNet
import Reporting

/// Runs the neural model over many files at once (batched so each step is a matrix product)
/// and turns its outputs into verdicts and locations.
///
/// Location: the per-step head's `broken` output (trained on the oracle's "nesting already
/// broken at this byte") is read at every byte; the first byte where it exceeds 0.5 is where
/// the model first sees the nesting break. When the file is judged invalid but nothing breaks
/// before the end, the error is an unclosed bracket and the location is the end of the file.
struct ModelChecker {
    let model: RecurrentModel
    let threshold: Float
    let threads: Int

    struct Verdict {
        var valid: Bool
        var probability: Float
        var location: FileResult.Location?
        var message: String
    }

    /// Verdicts in the order of `texts`. Files are batched by similar length.
    func check(_ texts: [[UInt8]]) -> [Verdict] {
        var out = [Verdict?](repeating: nil, count: texts.count)
        let order = texts.indices.sorted { texts[$0].count > texts[$1].count }
        var i = 0
        while i < order.count {
            // Up to 32 files or ~8 MB of bytes per batch.
            var batch: [Int] = []
            var bytes = 0
            while i < order.count, batch.count < 32, bytes < 8 << 20 || batch.isEmpty {
                batch.append(order[i]); bytes += texts[order[i]].count; i += 1
            }
            let r = model.predict(batch.map { texts[$0] }, threads: threads, stepOutputs: model.config.stepOutputs > 0)
            for (k, idx) in batch.enumerated() {
                out[idx] = verdict(texts[idx], probability: r.probabilities[k], steps: r.stepLogits?[k])
            }
        }
        return out.map { $0! }
    }

    func verdict(_ text: [UInt8], probability p: Float, steps: [Float]?) -> Verdict {
        guard p < threshold else { return Verdict(valid: true, probability: p, location: nil, message: "") }
        let P = model.config.stepOutputs
        var breakAt: Int? = nil
        if let s = steps, P > 0 {
            for t in 0..<text.count where s[t * P] > 0 {  // logit > 0 ⇔ P(broken) > 0.5
                breakAt = t
                break
            }
        }
        if let t = breakAt, t < text.count - 1 || P == 0 {
            let b = text[t]
            let what = Bracket.closerKind(b) != nil ? "unexpected '\(Character(UnicodeScalar(b)))': " : ""
            return Verdict(valid: false, probability: p, location: location(of: t, in: text),
                           message: what + "nesting breaks here")
        }
        return Verdict(valid: false, probability: p, location: location(of: max(0, text.count - 1), in: text),
                       message: "a bracket is still open at the end of the file")
    }
}

func location(of offset: Int, in text: [UInt8]) -> FileResult.Location {
    let pos = text.withUnsafeBufferPointer { SourcePosition.of(offset: offset, in: $0) }
    return .init(line: pos.line, column: pos.column, offset: offset)
}

/// The oracle's verdict in report form.
func exactVerdict(_ text: [UInt8]) -> FileResult.Exact {
    let v = NestingOracle.check(text)
    guard let e = v.error else { return .init(valid: true, kind: nil, location: nil, message: nil) }
    return .init(valid: false, kind: e.kind.rawValue, location: .init(line: e.line, column: e.column, offset: e.offset),
                 message: e.message + " [\(e.kind.rawValue)]")
}
