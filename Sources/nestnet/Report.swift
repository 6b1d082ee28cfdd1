import ArgumentParser
import NestNetSupport
import Foundation
import RecurrentNet
import ExperimentReporting
import JUnit
import Training

/// `nestnet report DIR`: merge a sweep folder's runs into results.csv, index.md, index.html,
/// SVG charts and (optionally) a JUnit file with expectations.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build the report of a sweep folder: results.csv, index.md, index.html, charts/*.svg, optional JUnit.",
        discussion: """
        Reads every finished run under DIR/runs (from one sweep or from many --list-jobs \
        commands), rebuilds DIR/results.csv and writes the report next to it. --expect checks a \
        claim on the mean accuracy over seeds, e.g. lstm@2048>=0.95, dyck1:rnn@4096/512<0.7 \
        ([language:]arch@test_length[/train_length]); each (language, training length, arch, \
        test length) is a JUnit testcase with its accuracy in properties, failing when an \
        expectation about it does not hold. Exit status 1 when an expectation fails.
        """)

    @Argument(help: "Sweep output folder.") var dir: String
    @Option(help: "Report title.") var title: String?
    @Option(help: "Markdown file with the author's discussion, inserted after the findings.") var notes: String?
    @Option(help: "JUnit XML file to write.") var junit: String?
    @Flag(help: "JUnit strictly valid against Jenkins' junit-10.xsd (testcase properties go to system-out).") var junitStrict = false
    @Option(help: "Expectation, repeatable: [language:]arch@test_length[/train_length](>=|>|<=|<)accuracy.") var expect: [String] = []

    /// Flag checks that need no file: every --expect must parse.
    func validate() throws {
        for e in expect {
            do { _ = try Expectation(parsing: e) } catch let error as NestNetError { throw ValidationError(error.message) }
        }
    }

    func run() throws {
        let expectations = try expect.map(Expectation.init(parsing:))
        try refuseOverwritingInputs(outputs: [("--junit", junit), ("the report", dir + "/index.md"), ("the report", dir + "/index.html"),
                                              ("the results table", dir + "/results.csv")],
                                    inputs: [("--notes", notes), ("the sweep record", dir + "/sweep.json")])
        let results: [SweepResult]
        results = try SweepRunner.writeCSV(in: dir)
        guard !results.isEmpty else { throw NestNetError("\(dir): no finished runs yet (runs/*/result.json)") }
        var report = ExperimentReport(results: results, title: title ?? "NestNet sweep: \(URL(fileURLWithPath: dir).lastPathComponent)")
        report.expectations = expectations
        report.reportCommand = CommandLine.arguments.map(shellQuote).joined(separator: " ")
        if let n = notes { report.notes = String(decoding: try readFile(n, limit: 4 << 20), as: UTF8.self) }
        let record = dir + "/sweep.json"
        if FileManager.default.fileExists(atPath: record) {
            if let v = try? JSONParser.parse(try readFile(record, limit: 64 << 20)), let a = v["invocations"]?.array {
                report.invocations = a.compactMap { e in e["command"]?.string.map { ($0, e["commit"]?.string ?? "unknown", e["started"]?.string ?? "") } }
            } else {
                writeStderr("nestnet: warning: \(record) is not a sweep record; the report lists the commands stored with each run instead\n")
            }
        }
        let doc = try report.document()
        try makeFolder(dir + "/charts")
        for (file, svg) in doc.charts { try AtomicFile.write(Array(svg.utf8), to: "\(dir)/charts/\(file)") }
        // Charts of an earlier report that this one no longer has would mislead: remove them.
        let current = Set(doc.charts.map(\.file))
        for f in (try? FileManager.default.contentsOfDirectory(atPath: dir + "/charts")) ?? [] where f.hasSuffix(".svg") && !current.contains(f) {
            try? FileManager.default.removeItem(atPath: "\(dir)/charts/\(f)")
        }
        try AtomicFile.write(Array(doc.markdown.utf8), to: dir + "/index.md")
        try AtomicFile.write(Array(doc.html.utf8), to: dir + "/index.html")
        if let j = junit {
            try JUnitWriter.write(try report.junit(timestamp: isoTimestamp(), hostname: hostName()), to: j, strict: junitStrict)
        }
        let checks = try report.checks()
        let failed = checks.filter { !$0.holds }.count
        for c in checks {
            print("\(c.holds ? "ok  " : "FAIL") \(c.expectation) [\(c.language), trained on ≤\(c.trainLength)]: \(c.arch)@\(c.testLength) accuracy \(fixed(c.accuracy, 4))")
        }
        print("\(results.count) runs → \(dir)/index.md, \(dir)/index.html, \(doc.charts.count) charts, \(dir)/results.csv" + (junit.map { ", \($0)" } ?? ""))
        if failed > 0 { throw ExitCode(1) }
    }
}
