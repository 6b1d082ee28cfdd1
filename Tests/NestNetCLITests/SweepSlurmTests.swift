import NestNetSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `nestnet sweep --slurm` without a cluster (scripts/test-slurm.sh runs a real one in CI): the
/// array script, the flag checks, the folder lock and the polite stop on SIGTERM.
@Suite("nestnet sweep --slurm")
struct SweepSlurmTests {
    static let tiny = SweepCommandTests.tiny + ["--seeds", "1,2"]

    @Test func scriptOnlyWritesOneTaskPerUnfinishedRun() throws {
        let d = CLI.tempDir()
        let r = try CLI.run(["sweep", "--out", d, "--slurm", "--slurm-script-only", "--slurm-max-running", "3", "--slurm-time", "1-02:00",
                             "--slurm-partition", "short", "--slurm-option=--qos=low", "--threads", "2"] + Self.tiny)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("4 runs, one per task"))
        let script = try String(contentsOfFile: d + "/slurm/array.sbatch", encoding: .utf8)
        for line in ["#SBATCH --array=0-3%3", "#SBATCH --cpus-per-task=2", "#SBATCH --time=1-02:00", "#SBATCH --signal=B:TERM@120",
                     "#SBATCH --partition=short", "#SBATCH --qos=low", "#SBATCH --requeue"] {
            #expect(script.contains(line + "\n"), "\(line) missing")
        }
        #expect(!script.contains("--mem"))
        // Each task execs its run's own command, with an absolute --out and its progress kept for the log.
        let tasks = script.split(separator: "\n").filter { $0.hasPrefix("  ") && $0.contains(") exec ") }
        #expect(tasks.count == 4)
        let abs = try #require(resolvedPath(d))
        #expect(tasks.allSatisfy { $0.contains("--out \(abs) ") && $0.contains("--threads 2") && !$0.contains("--quiet") })
        let tsv = try String(contentsOfFile: d + "/slurm/tasks.tsv", encoding: .utf8)
        #expect(tsv.hasPrefix("0\tdyck1-rnn-L16-s1\n") && tsv.split(separator: "\n").count == 4)

        // Run one task's command by hand, as Slurm would: the next script leaves that run out.
        let first = String(tasks[0].split(separator: ") exec ", maxSplits: 1)[1].dropLast(3))
        let t = try CLI.run(["-c", "SLURM_ARRAY_TASK_ID=0 exec \(first)"], shell: true)
        #expect(t.status == 0, "\(t.stderr)")
        let again = try CLI.run(["sweep", "--out", d, "--slurm", "--slurm-script-only", "--threads", "2"] + Self.tiny)
        #expect(again.status == 0 && again.stdout.contains("3 runs (1 already finished)"), "\(again.stdout)")
    }

    @Test(arguments: [
        (["--slurm-time", "10:00"], "--slurm-time goes with --slurm"),
        (["--wait"], "--wait goes with --slurm"),
        (["--slurm", "--list-jobs"], "give one of them"),
        (["--slurm", "--slurm-time", "ten minutes"], "Slurm's time format"),
        (["--slurm", "--slurm-mem", "2 GB"], "expected a size"),
        (["--slurm", "--slurm-max-running", "0"], "at least 1"),
        (["--slurm", "--slurm-partition", "a\nb"], "expected a Slurm name"),
        (["--slurm", "--slurm-option", "qos=low"], "one sbatch option"),
        (["--slurm", "--slurm-script-only", "--wait"], "submits none"),
    ])
    func badSlurmFlagsAreOneLineUsageErrors(flags: [String], message: String) throws {
        let d = CLI.tempDir()
        let r = try CLI.run(["sweep", "--out", d] + flags + Self.tiny)
        #expect(r.status == 2 && r.stderr.contains(message), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").first?.hasPrefix("nestnet: error:") == true)
        #expect(!FileManager.default.fileExists(atPath: d + "/slurm"))
    }

    @Test func withoutSbatchTheMessageSaysWhatToDo() throws {
        let d = CLI.tempDir()
        let r = try CLI.run(["-c", "PATH=/nonexistent exec \"$0\" \"$@\"", CLI.binary.path, "sweep", "--out", d, "--slurm"] + Self.tiny, shell: true)
        #expect(r.status == 2 && (r.stderr.contains("not found on PATH")), "\(r.stderr)")
    }

    /// Submit and wait against stand-ins for `sbatch` (which runs every task of the script at
    /// once, as a tiny cluster would) and `squeue` (which times out twice, as a busy controller
    /// does, then reports the job gone): the runs finish, the report is built.
    @Test func submitAndWaitWithStandInCommands() throws {
        let d = CLI.tempDir(), bin = d + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let sbatch = """
        #!/bin/sh
        script="$2"
        n=$(grep -c ') exec ' "$script")
        i=0
        while [ $i -lt $n ]; do SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_JOB_ID=42 sh "$script" > /dev/null 2>&1 || exit 1; i=$((i + 1)); done
        echo 42
        """
        let squeue = """
        #!/bin/sh
        c=$(cat "\(d)/calls" 2>/dev/null || echo 0)
        echo $((c + 1)) > "\(d)/calls"
        if [ "$c" -lt 2 ]; then echo "squeue: error: Socket timed out on send/recv operation" >&2; exit 1; fi
        """
        for (name, text) in [("sbatch", sbatch), ("squeue", squeue)] {
            try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: "\(bin)/\(name)"))
            chmod("\(bin)/\(name)", 0o755)
        }
        let r = try CLI.run(["-c", "PATH=\(bin):$PATH exec \"$0\" \"$@\"", CLI.binary.path, "sweep", "--out", d + "/sw", "--slurm", "--wait",
                             "--poll-seconds", "0.1"] + Self.tiny, shell: true)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("submitted Slurm array job 42: 4 runs"))
        #expect(r.stderr.contains("Socket timed out on send/recv operation; looking again (2 of 5)"))
        #expect(r.stdout.contains("4 runs → "))
        #expect(FileManager.default.fileExists(atPath: d + "/sw/index.md"))
        #expect(try String(contentsOfFile: d + "/sw/slurm/submitted.tsv", encoding: .utf8).contains("\t42\t4\n"))
    }

    /// Tasks finishing together each rebuild results.csv: the rebuild reads the results only
    /// once it holds the folder's lock, so the last writer has seen every finished run.
    @Test func resultsRebuildWaitsForTheFolderLock() throws {
        let d = CLI.tempDir()
        #expect(try CLI.run(["sweep", "--out", d, "--quiet"] + Self.tiny).status == 0)
        let runs = try FileManager.default.contentsOfDirectory(atPath: d + "/runs").sorted()
        #expect(runs.count == 4)
        let late = "\(d)/runs/\(runs[3])/result.json"
        try FileManager.default.moveItem(atPath: late, toPath: d + "/late.json")
        #expect(try CLI.run(["report", d]).status == 0)
        #expect(try String(contentsOfFile: d + "/results.csv", encoding: .utf8).split(separator: "\n").count == 1 + 3 * 3)

        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = ["report", d]
        p.standardOutput = FileHandle.nullDevice
        try FolderLock.withLock(d + "/.lock") {
            try p.run()
            usleep(600_000)
            #expect(p.isRunning, "the rebuild did not wait for the lock")
            // The last run finishes while the other rebuild waits.
            try FileManager.default.moveItem(atPath: d + "/late.json", toPath: late)
        }
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let rows = try String(contentsOfFile: d + "/results.csv", encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 1 + 4 * 3, "a finished run's rows were lost")
    }

    /// SIGTERM (scancel, a requeue) mid-run: the state is saved, the exit status is 143, and the
    /// same command resumes and ends with the results of an uninterrupted sweep.
    @Test func sigtermSavesTheStateAndTheSameCommandResumes() throws {
        let d = CLI.tempDir()
        let args = ["sweep", "--out", d + "/a", "--languages", "dyck1", "--archs", "lstm", "--train-lengths", "16", "--test-lengths", "16",
                    "--hidden", "4", "--embed", "3", "--epochs", "2", "--examples-per-epoch", "40000", "--batch", "8",
                    "--test-count", "12", "--valid-count", "8", "--probe-length", "16", "--probe-count", "4", "--threads", "1"]
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = args
        let err = Pipe()
        p.standardError = err
        try p.run()
        let state = d + "/a/runs/dyck1-lstm-L16-s1/train.state"
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: state) && p.isRunning && Date() < deadline { usleep(5_000) }
        try #require(p.isRunning, "the run ended before it could be stopped")
        kill(p.processIdentifier, SIGTERM)
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 143, "\(text)")
        #expect(text.contains("stopped by SIGTERM; the training state is saved in") && text.contains("run the same command again"))
        #expect(FileManager.default.fileExists(atPath: state))
        let r = try CLI.run(args)
        #expect(r.status == 0 && r.stderr.contains("resuming from its training state"), "\(r.stderr)")
        var whole = args
        whole[2] = d + "/b"
        #expect(try CLI.run(whole).status == 0)
        func rows(_ f: String) throws -> [String] {
            try String(contentsOfFile: f, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).enumerated().filter { ![11, 12].contains($0.offset) }.map { String($0.element) }.joined(separator: ",") }
        }
        #expect(try rows(d + "/a/results.csv") == rows(d + "/b/results.csv"))
        // The per-step trace of the resumed run is the uninterrupted run's.
        func trace(_ f: String) throws -> String? {
            let j = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: f))) as? [String: Any]
            return (j?["stepTrace"] as? [String: Any]).map { "\($0["steps"] ?? "")|\($0["gradNorm"] ?? "")|\($0["loss"] ?? "")" }
        }
        let ta = try trace(d + "/a/runs/dyck1-lstm-L16-s1/result.json"), tb = try trace(d + "/b/runs/dyck1-lstm-L16-s1/result.json")
        #expect(ta != nil && ta == tb)
    }
}
