import ArgumentParser
import NestNetSupport
#if canImport(Glibc)
import Glibc
#endif

/// `nestnet`: generate nesting data, train recurrent checkers, lint C-like code.
struct NestNet: ParsableCommand {
    static let version = "0.1.0"
    static let configuration = CommandConfiguration(
        commandName: "nestnet",
        abstract: "Recurrent networks that check brace / paren / bracket nesting in C-like code.",
        version: version,
        subcommands: [Check.self, Generate.self, DatasetCommand.self, Train.self, Eval.self, Average.self, Sweep.self, Report.self, Probe.self, Bench.self])
}

/// Entry point: every failure is one line on stderr. Exit codes: 0 success, 1 "found invalid
/// nesting" (commands that check), 2 usage errors and bad input, 128 + N when signal N
/// stopped training politely (its state saved).
@main
enum Main {
    static func main() {
        do {
            var command = try NestNet.parseAsRoot(Array(FileName.arguments.dropFirst()))
            try command.run()
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch let e as NestNetError {
            fail(e.message)
        } catch let s as StopRequested {
            writeStderr("nestnet: \(s)\n")
            exit(128 + s.signal)  // as a shell reports a process ended by that signal
        } catch {
            if NestNet.exitCode(for: error) == .success { NestNet.exit(withError: error) }
            let full = NestNet.fullMessage(for: error)
            let isUsage = error is ValidationError || "\(type(of: error))".contains("Parser")
            var first = full.split(separator: "\n").first.map(String.init) ?? full
            if first.hasPrefix("Error: ") { first.removeFirst("Error: ".count) }  // ArgumentParser's own prefix
            writeStderr("nestnet: error: \(first)\n")
            if isUsage, let usage = full.split(separator: "\n").dropFirst().first(where: { $0.contains("Usage") }) {
                writeStderr("\(usage.trimmingSpaces)\n")
            }
            exit(2)
        }
    }

    static func fail(_ message: String) -> Never {
        writeStderr("nestnet: error: \(message)\n")
        exit(2)
    }
}
