import NestNetSupport

/// A Slurm array job for a sweep (issue 17): one task per run, each task the run's own
/// self-contained `nestnet sweep` command (as `--list-jobs` prints it), so the shared output
/// folder is the only coordination. A cancelled, preempted or requeued task resumes from its
/// training state when it runs again (SIGTERM saves it); finished runs are skipped.
public struct SlurmArray: Sendable, Equatable {
    /// Resource limits and placement, each an `#SBATCH` line when set.
    public struct Limits: Sendable, Equatable {
        public var cpusPerTask = 1
        /// At most this many tasks at once (`--array=0-N%M`).
        public var maxRunning: Int?
        /// Slurm's time format: minutes, [days-]hours:minutes:seconds, …
        public var time: String?
        /// Memory per node, e.g. `2G`.
        public var memory: String?
        public var partition: String?
        public var account: String?
        /// Further `#SBATCH` options, verbatim (`--qos=short`).
        public var extra: [String] = []
        public init() {}

        /// Throws a one-line message for a limit Slurm would refuse or that would break the script.
        public func validate() throws {
            guard cpusPerTask >= 1 else { throw NestNetError("--threads must be at least 1 (it is the tasks' --cpus-per-task)") }
            if let m = maxRunning, m < 1 { throw NestNetError("--slurm-max-running must be at least 1") }
            if let t = time, !Self.isSlurmTime(t) {
                throw NestNetError("--slurm-time \"\(t)\": expected Slurm's time format (minutes, hours:minutes:seconds or days-hours[:minutes[:seconds]])")
            }
            if let m = memory, !Self.matches(m, digitsThen: "KMGT") {
                throw NestNetError("--slurm-mem \"\(m)\": expected a size such as 2048M or 4G")
            }
            for (flag, v) in [("--slurm-partition", partition), ("--slurm-account", account)] {
                if let v, v.isEmpty || !v.allSatisfy({ $0.isLetter || $0.isNumber || "_.,-".contains($0) }) {
                    throw NestNetError("\(flag) \"\(v)\": expected a Slurm name (letters, digits, _ . , -)")
                }
            }
            for e in extra where !e.hasPrefix("--") || e.contains(where: { $0.isNewline }) || e.count < 3 {
                throw NestNetError("--slurm-option \"\(e)\": expected one sbatch option on one line, e.g. --qos=short")
            }
        }

        /// `MM`, `MM:SS`, `HH:MM:SS`, `D-HH`, `D-HH:MM`, `D-HH:MM:SS`.
        static func isSlurmTime(_ t: String) -> Bool {
            let dayParts = t.split(separator: "-", omittingEmptySubsequences: false)
            guard dayParts.count <= 2 else { return false }
            let clock = dayParts.last!.split(separator: ":", omittingEmptySubsequences: false)
            let digits = { (s: Substring) in !s.isEmpty && s.allSatisfy(\.isASCII) && s.allSatisfy(\.isNumber) }
            if dayParts.count == 2 && !digits(dayParts[0]) { return false }
            return (1...3).contains(clock.count) && clock.allSatisfy(digits)
        }

        static func matches(_ s: String, digitsThen units: String) -> Bool {
            var body = Substring(s)
            if let last = body.last, units.contains(last) { body = body.dropLast() }
            return !body.isEmpty && body.allSatisfy { $0.isASCII && $0.isNumber }
        }
    }

    /// One shell command per task, in task order.
    public var commands: [String]
    public var limits: Limits
    /// Where the tasks' logs go (`%A_%a.log`: array id, task index).
    public var logFolder: String
    public var jobName: String

    public init(commands: [String], limits: Limits, logFolder: String, jobName: String = "nestnet-sweep") {
        self.commands = commands; self.limits = limits; self.logFolder = logFolder; self.jobName = jobName
    }

    /// The batch script: `#SBATCH` lines, then a `case` on the task index that `exec`s the
    /// task's command, so signals from Slurm reach nestnet itself.
    public var script: String {
        precondition(!commands.isEmpty, "an array needs at least one task")
        let l = limits
        var lines = ["#!/bin/bash",
                     "# A NestNet sweep as a Slurm array job: one run per task (written by nestnet sweep --slurm).",
                     "# Submit with: sbatch THIS_FILE. Re-submitting is safe: finished runs are skipped and",
                     "# interrupted ones resume from their training state.",
                     "#SBATCH --job-name=\(jobName)",
                     "#SBATCH --array=0-\(commands.count - 1)" + (l.maxRunning.map { "%\($0)" } ?? ""),
                     "#SBATCH --ntasks=1",
                     "#SBATCH --cpus-per-task=\(l.cpusPerTask)",
                     "#SBATCH --output=\(logFolder)/%A_%a.log",
                     "#SBATCH --open-mode=append",
                     "#SBATCH --requeue"]
        if let t = l.time {
            lines.append("#SBATCH --time=\(t)")
            // SIGTERM two minutes before the limit: the run saves its state and stops cleanly.
            lines.append("#SBATCH --signal=B:TERM@120")
        }
        if let m = l.memory { lines.append("#SBATCH --mem=\(m)") }
        if let p = l.partition { lines.append("#SBATCH --partition=\(p)") }
        if let a = l.account { lines.append("#SBATCH --account=\(a)") }
        lines += l.extra.map { "#SBATCH \($0)" }
        lines += ["set -eu",
                  "echo \"nestnet sweep task ${SLURM_ARRAY_TASK_ID} of job ${SLURM_ARRAY_JOB_ID} on $(hostname), restart ${SLURM_RESTART_COUNT:-0}, $(date -u +%FT%TZ)\"",
                  "case \"${SLURM_ARRAY_TASK_ID:?not run as a Slurm array task}\" in"]
        for (i, c) in commands.enumerated() { lines.append("  \(i)) exec \(c) ;;") }
        lines += ["  *) echo \"nestnet sweep: this array has no task ${SLURM_ARRAY_TASK_ID}\" >&2; exit 2 ;;", "esac", ""]
        return lines.joined(separator: "\n")
    }
}
