import Foundation

/// Runs the `nestnet` binary built beside the test bundle and captures its output.
struct CLIResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum CLI {
    /// `.build/<config>/nestnet`, next to the test bundle.
    static var binary: URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("nestnet").path), dir.path != "/" {
            dir.deleteLastPathComponent()
        }
        return dir.appendingPathComponent("nestnet")
    }

    /// Runs the binary with `args` (or, with `shell`, `/bin/sh` with `args`, e.g. to set a ulimit).
    static func run(_ args: [String], stdin: Data? = nil, shell: Bool = false) throws -> CLIResult {
        let p = Process()
        p.executableURL = shell ? URL(fileURLWithPath: "/bin/sh") : binary
        p.arguments = args
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out; p.standardError = err; p.standardInput = inp
        try p.run()
        if let d = stdin { inp.fileHandleForWriting.write(d) }
        try inp.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return CLIResult(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                         stderr: String(decoding: e, as: UTF8.self))
    }

    /// Runs one of the package's Python scripts (`scripts/NAME`) with `args`.
    static func script(_ name: String, _ args: [String]) throws -> CLIResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", packageRoot + "/scripts/" + name] + args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return CLIResult(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// The package's root folder (for files of the repository itself).
    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// A new folder for one test, under one folder per test process that is removed when the
    /// process exits (tests leave nothing behind in /tmp).
    static func tempDir() -> String {
        let d = testRoot + "/\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }
}

private func testRootPath() -> String { NSTemporaryDirectory() + "nestnet-cli-tests-\(getpid())" }

private let testRoot: String = {
    let r = testRootPath()
    try? FileManager.default.createDirectory(atPath: r, withIntermediateDirectories: true)
    atexit {
        // Folders a test made unreadable are opened up first, so all of it goes; `rm -rf`, not
        // FileManager, because a test builds a tree deeper than PATH_MAX, which FileManager
        // gives up on (leaving the whole folder behind after every full run).
        _ = system("chmod -R u+rwx '\(testRootPath())' 2>/dev/null; rm -rf '\(testRootPath())'")
    }
    return r
}()
