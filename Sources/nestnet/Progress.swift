import Dispatch
import NestNetSupport
#if canImport(Glibc)
import Glibc
#endif

/// Progress for long work: a live line (rewritten in place) on a terminal, plain periodic lines
/// in CI logs and pipes. Goes to stderr so stdout stays machine-readable.
struct ProgressLine {
    let label: String
    let total: Int?
    let interactive: Bool
    let start = DispatchTime.now().uptimeNanoseconds
    var lastPrint: UInt64 = 0
    /// Seconds between plain lines when not on a terminal.
    var plainInterval: Double = 10

    init(_ label: String, total: Int?, quiet: Bool = false) {
        self.label = label; self.total = total
        self.interactive = !quiet && isatty(2) == 1 && getenv("CI") == nil
        self.quiet = quiet
    }
    let quiet: Bool

    var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

    /// Work fraction done before this process started (a resumed run starts part-way).
    var startWork: Double = 0

    /// Reports `done` units, with an optional detail string. `work` (0…1), when given, is the
    /// share of the whole job's cost done so far, for units that cost unequal time (training
    /// steps under a length curriculum); the ETA extrapolates it from this process's own pace.
    mutating func update(_ done: Int, _ detail: String = "", work: Double? = nil) {
        guard !quiet else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let fraction = work ?? total.map { Double(done) / Double(max(1, $0)) } ?? 0
        let minGap = interactive ? 0.1 : plainInterval
        guard Double(now - lastPrint) / 1e9 >= minGap || done == total else { return }
        lastPrint = now
        var s = "\(label): \(done)"
        if let t = total, t > 0 {
            s += "/\(t) (\(Int(Double(done) / Double(t) * 100))%)"
            let progressed = fraction - startWork
            if done < t && progressed > 0 {
                let eta = elapsed / progressed * (1 - fraction)
                s += ", ETA \(formatDuration(eta))"
            }
        }
        if !detail.isEmpty { s += ", " + detail }
        if interactive { writeStderr("\r\u{1B}[K" + s) } else { writeStderr(s + "\n") }
    }

    /// Reports a stage without a count ("evaluating at length 512").
    mutating func status(_ detail: String, force: Bool = false) {
        guard !quiet else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        guard force || Double(now - lastPrint) / 1e9 >= (interactive ? 0.1 : plainInterval) else { return }
        lastPrint = now
        let s = "\(label): \(detail)"
        if interactive { writeStderr("\r\u{1B}[K" + s) } else { writeStderr(s + "\n") }
    }

    /// Ends the live line.
    func finish(_ summary: String) {
        guard !quiet else { return }
        if interactive { writeStderr("\r\u{1B}[K") }
        writeStderr(summary + "\n")
    }
}
