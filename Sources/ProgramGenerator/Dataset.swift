import Dispatch
import NestNetSupport

/// JSONL datasets: writing generated examples and reading them back.
public enum Dataset {
    /// Generates `count` examples and writes them atomically as JSONL. Examples depend only on
    /// (options, seed, index), so the file is byte-identical whatever the thread count.
    public static func write(_ generator: ExampleGenerator, count: Int, seed: UInt64, to path: String,
                             threads: Int = 2, progress: ((Int) -> Void)? = nil) throws {
        guard count > 0 else { throw NestNetError("--count must be at least 1") }
        let labels = ExampleGenerator.labels(count: count, validFraction: generator.options.validFraction, seed: seed)
        let chunk = 512
        try AtomicFile.write(to: path) { w in
            var start = 0
            while start < count {
                let end = min(count, start + chunk)
                let lines = generateLines(generator, labels: labels, range: start..<end, seed: seed, threads: threads)
                for l in lines { w.write(l) }
                start = end
                progress?(end)
            }
        }
    }

    /// Lines for `range`, computed on `threads` cores, returned in order.
    static func generateLines(_ g: ExampleGenerator, labels: [Bool], range: Range<Int>, seed: UInt64, threads: Int) -> [[UInt8]] {
        let n = range.count
        let parts = max(1, min(threads, n))
        let box = LinesBox(count: n)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            var k = part
            while k < n {
                let i = range.lowerBound + k
                var line: [UInt8] = []
                g.example(seed: seed, index: i, valid: labels[i]).jsonLine(into: &line)
                line.append(10)
                box.set(k, line)
                k += parts
            }
        }
        return box.lines
    }

    /// Reads a JSONL dataset line by line (one line in memory at a time besides the examples);
    /// a malformed line is reported with its number.
    public static func read(_ path: String) throws -> [Example] {
        var out: [Example] = []
        try LineReader.forEachLine(path) { lineNo, line in
            guard !line.allSatisfy({ $0 == 32 || $0 == 9 }) else { return }
            do { out.append(try Example(jsonLine: line)) } catch let e as NestNetError {
                throw NestNetError("\(FileName.display(path)):\(lineNo): \(e.message)")
            }
        }
        guard !out.isEmpty else { throw NestNetError("\(FileName.display(path)): the dataset has no examples") }
        return out
    }
}

/// Slots the worker threads fill, one per line (each slot written by exactly one thread).
private final class LinesBox: @unchecked Sendable {
    var lines: [[UInt8]]
    init(count: Int) { lines = [[UInt8]](repeating: [], count: count) }
    func set(_ i: Int, _ l: [UInt8]) { lines.withUnsafeMutableBufferPointer { $0[i] = l } }
}
