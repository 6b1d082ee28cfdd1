import Foundation
import NestNetSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Helpers shared by the commands.

/// All cores.
let defaultThreads: Int = {
    #if canImport(Glibc)
    return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    #else
    return 2
    #endif
}()

/// `s` as one shell word: as it is when only safe characters, else in single quotes.
func shellQuote(_ s: String) -> String {
    let safe = s.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_./=:,@+%".unicodeScalars.contains($0) }
    return safe && !s.isEmpty ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

/// This executable's absolute path (tasks run it from wherever Slurm starts them).
func executablePath() -> String {
    if let p = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return p }
    let a = CommandLine.arguments.first ?? "nestnet"
    return a.contains("/") ? resolvedPath(a) ?? a : a
}

/// The first line of a tool's output, trimmed (for one-line error messages).
func firstLine(_ s: String) -> String {
    s.split(separator: "\n").first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? "(no output)"
}

/// Appends one line to a small log file (created when missing).
func appendLine(_ line: String, to path: String) throws {
    guard let h = FileHandle(forWritingAtPath: path) ?? (FileManager.default.createFile(atPath: path, contents: nil) ? FileHandle(forWritingAtPath: path) : nil) else {
        throw NestNetError("cannot write \(path)")
    }
    defer { try? h.close() }
    try h.seekToEnd()
    try h.write(contentsOf: Data(line.utf8))
}

extension Substring {
    /// Without its leading spaces (items of a comma-separated option value).
    var trimmingSpaces: String { String(drop(while: { $0 == " " })) }
}

/// Prints one JSON object on a line (the `--format json` outputs of bench and probe).
func printJSON(_ body: (inout JSONWriter) -> Void) {
    var w = JSONWriter()
    w.object(.inline, body)
    print(w.text)
}
