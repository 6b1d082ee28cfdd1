import Foundation
import NestNetSupport

extension SweepRunner {
    /// Appends this invocation (settings, command line, provenance) to `out`/sweep.json,
    /// atomically and under the folder's lock (tasks of one array start together). Earlier
    /// records are never dropped: a damaged file stops the sweep.
    public static func recordInvocation(_ s: SweepSettings, _ p: Provenance, in out: String) throws {
        try FolderLock.withLock(lockPath(out)) {
            let path = out + "/sweep.json"
            var entries: [JSONValue] = []
            if FileManager.default.fileExists(atPath: path) {
                guard let v = try? JSONParser.parse(try readFile(path, limit: 64 << 20)), let a = v["invocations"]?.array else {
                    throw NestNetError("\(path) is not a NestNet sweep record (JSON with \"invocations\"); move it away to continue")
                }
                entries = a
            }
            let entry = JSONValue.object([("command", .string(p.command)), ("commit", .string(p.commit)), ("version", .string(p.version)),
                                          ("host", .string(p.host)), ("started", .string(isoTimestamp())), ("threads", .number(Double(p.threads))),
                                          ("flags", .array(s.flags.map { .string($0) }))])
            var w = JSONWriter()
            w.object { $0.field("invocations") { $0.array(entries + [entry], .lines) { $0.value($1) } } }
            try AtomicFile.write(w.bytes + [10], to: path)
        }
    }
}

extension Provenance {
    /// The git commit of the working directory (with "+dirty" for uncommitted changes), or "unknown".
    public static func gitCommit() -> String {
        func git(_ args: [String]) -> String? {
            guard let r = try? runTool(["git"] + args), r.status == 0 else { return nil }
            return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let head = git(["rev-parse", "HEAD"]), !head.isEmpty else { return "unknown" }
        let dirty = git(["status", "--porcelain", "--untracked-files=no"]).map { !$0.isEmpty } ?? false
        return head + (dirty ? "+dirty" : "")
    }
}
