import ArgumentParser
import NestNetSupport
import Foundation
import RecurrentNet
import Training

/// `nestnet sweep --slurm`: the unfinished runs as one Slurm array job, submitted with
/// `sbatch`, optionally waited for and reported on.
extension Sweep {
    var slurmLimits: SlurmArray.Limits {
        var l = SlurmArray.Limits()
        l.cpusPerTask = threads; l.maxRunning = slurmMaxRunning; l.time = slurmTime; l.memory = slurmMem
        l.partition = slurmPartition; l.account = slurmAccount; l.extra = slurmOption
        return l
    }

    func submitToSlurm(_ s: SweepSettings) throws {
        try makeFolder(out + "/slurm/logs")
        guard let folder = resolvedPath(out) else { throw NestNetError("cannot resolve \(out) to an absolute path") }
        let runner = SweepRunner(out: folder, threads: threads, provenance: Provenance(version: NestNet.version, command: "", commit: "", host: "", finished: "", threads: threads))
        let jobs = s.jobs
        let open: [SweepJob]
        open = try jobs.filter { try runner.finishedResult($0) == nil }
        // An array submitted earlier for this folder that is still queued or running: never a
        // second task on the same run. With --wait, wait for that one instead.
        if let active = try activeArrays(), let id = active.first {
            guard wait else {
                throw NestNetError("Slurm job \(id) for \(out) still has tasks queued or running: --wait waits for it, or scancel \(id) first")
            }
            print("Slurm job \(id) for \(out) is still queued or running: waiting for it")
            try waitFor(arrayJob: id, runs: open, runner: runner)
            return try finish(arrayJob: id, runs: open, runner: runner)
        }
        if open.isEmpty {
            writeStderr("sweep: all \(jobs.count) runs in \(out) have finished; nothing to submit\n")
            if wait { try buildReport() }
            return
        }
        let exe = executablePath()
        let array = SlurmArray(commands: open.map { command(for: $0, executable: exe, out: folder, quiet: false) }, limits: slurmLimits,
                               logFolder: folder + "/slurm/logs")
        let scriptPath = out + "/slurm/array.sbatch"
        try AtomicFile.write(Array(array.script.utf8), to: scriptPath)
        let runList = open.enumerated().map { "\($0.offset)\t\($0.element.id)" }.joined(separator: "\n") + "\n"
        try AtomicFile.write(Array(runList.utf8), to: out + "/slurm/tasks.tsv")
        let skipped = jobs.count - open.count
        let about = "\(open.count) runs" + (skipped > 0 ? " (\(skipped) already finished)" : "")
        if slurmScriptOnly {
            print("wrote \(scriptPath): \(about), one per task (\(out)/slurm/tasks.tsv); sbatch \(shellQuote(scriptPath)) submits it")
            return
        }
        let id = try sbatch(scriptPath)
        try appendLine("\(isoTimestamp())\t\(id)\t\(open.count)\n", to: out + "/slurm/submitted.tsv")
        print("submitted Slurm array job \(id): \(about); logs in \(out)/slurm/logs; nestnet report \(shellQuote(out)) builds the report" + (wait ? " (waiting)" : ""))
        guard wait else { return }
        try waitFor(arrayJob: id, runs: open, runner: runner)
        try finish(arrayJob: id, runs: open, runner: runner)
    }

    /// After the array ended: every run finished, then the report; else which did not.
    func finish(arrayJob id: String, runs: [SweepJob], runner: SweepRunner) throws {
        let missing = try runs.filter { try runner.finishedResult($0) == nil }
        guard missing.isEmpty else {
            let names = missing.prefix(3).map(\.id).joined(separator: ", ") + (missing.count > 3 ? ", …" : "")
            throw NestNetError("Slurm job \(id) ended with \(missing.count) of \(runs.count) runs unfinished (\(names)): see \(out)/slurm/logs; the same command submits them again, and they resume")
        }
        try buildReport()
    }

    /// Arrays submitted for this folder (OUT/slurm/submitted.tsv) that still have tasks in the
    /// queue, newest first.
    func activeArrays() throws -> [String]? {
        let path = out + "/slurm/submitted.tsv"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let ids = text.split(separator: "\n").compactMap { $0.split(separator: "\t").dropFirst().first.map(String.init) }
        let active = try ids.reversed().filter { try !queueStates(of: $0).isEmpty }
        return active.isEmpty ? nil : active
    }

    /// The states of `id`'s tasks still in the queue (empty once it has ended).
    func queueStates(of id: String) throws -> [String] {
        let q = try runTool(["squeue", "--noheader", "--array", "--jobs", id, "--format", "%T"])
        if q.status == 0 {
            return q.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        if q.stderr.contains("Invalid job id") { return [] }  // ended long enough ago that the controller forgot it
        if q.status == 127 { throw NestNetError("squeue not found on PATH: --slurm needs Slurm's client commands", kind: .toolMissing) }
        throw NestNetError("squeue failed (exit \(q.status)) for job \(id): \(firstLine(q.stderr))")
    }

    /// Submits `script`; returns the job id.
    func sbatch(_ script: String) throws -> String {
        let r = try runTool(["sbatch", "--parsable", script])
        guard r.status == 0 else {
            if r.status == 127 { throw NestNetError("sbatch not found on PATH: --slurm submits from a Slurm login node (--slurm-script-only writes the script alone)", kind: .toolMissing) }
            throw NestNetError("sbatch failed (exit \(r.status)): \(firstLine(r.stderr.isEmpty ? r.stdout : r.stderr))")
        }
        // --parsable prints "id" or "id;cluster".
        let id = r.stdout.split(separator: ";").first.map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else { throw NestNetError("sbatch printed no job id: \(firstLine(r.stdout))") }
        return id
    }

    /// Polls `squeue` until no task of `arrayJob` is queued or running, showing progress.
    func waitFor(arrayJob id: String, runs: [SweepJob], runner: SweepRunner) throws {
        var progress = ProgressLine("slurm job \(id)", total: runs.count, quiet: quiet)
        var failures = 0
        while true {
            let states: [String]
            do {
                states = try queueStates(of: id)
                failures = 0
            } catch let e as NestNetError where failures < 5 && e.kind != .toolMissing {
                // A busy controller times out now and then ("Socket timed out"): look again.
                failures += 1
                writeStderr("nestnet: warning: \(e.message); looking again (\(failures) of 5)\n")
                Thread.sleep(forTimeInterval: pollSeconds * Double(failures))
                continue
            }
            let done = try runs.filter { try runner.finishedResult($0) != nil }.count
            let running = states.filter { $0 == "RUNNING" || $0 == "COMPLETING" }.count
            progress.update(done, "\(done)/\(runs.count) runs finished, \(running) running, \(states.count - running) waiting")
            if states.isEmpty { break }
            Thread.sleep(forTimeInterval: pollSeconds)
        }
        progress.finish("\(try runs.filter { try runner.finishedResult($0) != nil }.count)/\(runs.count) runs finished")
    }

    func buildReport() throws {
        let report = try Report.parse([out])
        try report.run()
    }
}
