import NestNetSupport
import Foundation
import Testing

/// The acceptance projects (`scripts/acceptance.py`, datasets/acceptance/manifest.tsv) and the
/// corpus audit that keeps their code out of the corpus (`scripts/corpus.py audit`). Fixtures sit
/// in the download folders already, so neither the network nor a deb-src entry is needed.
@Suite("Acceptance projects")
struct AcceptanceTests {
    /// A gzipped tarball at `path` of `files` (relative path → text) under one top folder.
    func tarball(_ path: String, _ files: [String: String]) throws {
        let build = CLI.tempDir() + "/build"
        for (rel, text) in files {
            let p = build + "/top-1.0/" + rel
            try FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try AtomicFile.write(Array(text.utf8), to: p)
        }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["tar", "-czf", path, "-C", build, "top-1.0"]
        try tar.run(); tar.waitUntilExit()
        #expect(tar.terminationStatus == 0)
    }

    func row(_ cols: [String], _ file: String) throws -> String {
        let bytes = try readFile(file)
        return (cols + [(file as NSString).lastPathComponent, "\(bytes.count)", SHA256.hex(bytes)]).joined(separator: "\t") + "\n"
    }

    /// A train package holding a copy of libyaml is refused by the audit, which names the package,
    /// the project and the file; excluding the folder in the manifest clears it.
    @Test func corpusAuditNamesVendoredAcceptanceCode() throws {
        let d = CLI.tempDir()
        let tgz = d + "/cache/downloads/nestnet-fixture-b/nestnet-fixture-b_1.0.orig.tar.gz"
        try tarball(tgz, ["main.c": "int main(void) { return 0; }\n",
                          "ext/yaml/api.c": "int\nyaml_parser_initialize(yaml_parser_t *parser)\n{\n    return 1;\n}\n"])
        let manifest = d + "/manifest.tsv"
        func audit(exclude: String) throws -> CLIResult {
            try AtomicFile.write(Array(try row(["nestnet-fixture-b", "1.0-1", "train"], tgz).replacingOccurrences(of: "\n", with: "\t\(exclude)\n").utf8), to: manifest)
            let common = ["--cache", d + "/cache", "--manifest", manifest, "--dev-manifest", d + "/no-dev.tsv"]
            let fetch = try CLI.script("corpus.py", common + ["fetch"])
            #expect(fetch.status == 0, "\(fetch.stderr)")
            return try CLI.script("corpus.py", common + ["audit"])
        }
        let found = try audit(exclude: "-")
        #expect(found.status == 2)
        #expect(found.stdout.contains("corpus: audit: train/nestnet-fixture-b: 1 file of libyaml, e.g. ext/yaml/api.c"), "\(found.stdout)")
        #expect(found.stderr.hasPrefix("corpus: error: acceptance-project code in train, valid or dev packages"), "\(found.stderr)")
        #expect(found.stderr.split(separator: "\n").count == 1)
        let clear = try audit(exclude: "ext/yaml/")
        #expect(clear.status == 0, "\(clear.stderr)")
        #expect(clear.stdout.contains("1 files of 1 packages; acceptance-project code in 0 train/valid/dev"), "\(clear.stdout)")
    }

    /// fetch verifies, unpacks once and checks the project's fingerprint; measure runs `check
    /// --engine both` and gives the project's row and every valid file flagged.
    @Test func fetchThenMeasureOneProject() throws {
        let d = CLI.tempDir()
        let tgz = d + "/cache/downloads/llhttp/llhttp-9.3.0.0.tar.gz"
        try tarball(tgz, ["lib/llhttp.c": "int llhttp__internal_init(void) {\n    return f(a[0]);\n}\n",
                          "lib/broken.c": "int g(void) {\n    return (1;\n}\n", "README": "not code\n"])
        let manifest = d + "/manifest.tsv"
        try AtomicFile.write(Array(try row(["llhttp", "pypi", "llhttp", "9.3.0.0"], tgz).utf8), to: manifest)
        let common = ["--cache", d + "/cache", "--manifest", manifest]
        let first = try CLI.script("acceptance.py", common + ["fetch"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("[1/1] llhttp 9.3.0.0: 2 files"), "\(first.stdout)")
        let again = try CLI.script("acceptance.py", common + ["fetch"])
        #expect(!again.stdout.contains("[1/1]") && again.stdout.contains("1 projects, 2 files"), "\(again.stdout)")
        let card = d + "/card.md"
        let m = try CLI.script("acceptance.py", common + ["measure", "--nestnet", CLI.binary.path, "--card", card])
        #expect(m.status == 0, "\(m.stderr)")
        #expect(m.stdout.contains("| llhttp 9.3.0.0 | 2 | 0.0 | "), "\(m.stdout)")
        #expect(m.stdout.contains(" of 1 (") && m.stdout.contains("| all | 2 |"), "\(m.stdout)")
        #expect(try readFile(card) == Array(m.stdout.utf8))
        // A project whose sources lack its fingerprint: the audit could not find a copy of it.
        try tarball(tgz, ["lib/other.c": "int h(void) { return 0; }\n"])
        try AtomicFile.write(Array(try row(["llhttp", "pypi", "llhttp", "9.3.0.0"], tgz).utf8), to: manifest)
        let blind = try CLI.script("acceptance.py", common + ["fetch"])
        #expect(blind.status == 2)
        #expect(blind.stderr.hasPrefix("acceptance: error: llhttp: none of its fingerprints (llhttp__internal)"), "\(blind.stderr)")
        // Same size, other bytes: named, one line.
        var bytes = try readFile(tgz)
        bytes[bytes.count - 9] ^= 0xFF
        try AtomicFile.write(bytes, to: tgz)
        let changed = try CLI.script("acceptance.py", common + ["fetch"])
        #expect(changed.status == 2)
        #expect(changed.stderr.contains("acceptance: error: llhttp: llhttp-9.3.0.0.tar.gz does not match the manifest (SHA-256"), "\(changed.stderr)")
        #expect(changed.stderr.split(separator: "\n").count == 1)
    }

    /// The committed manifest pins exactly the projects the corpus keeps out, each with hashes.
    @Test func committedManifestPinsEveryProjectKeptOut() throws {
        let text = String(decoding: try readFile(CLI.packageRoot + "/datasets/acceptance/manifest.tsv"), as: UTF8.self)
        var projects = Set<String>()
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let c = line.split(separator: "\t", omittingEmptySubsequences: false)
            #expect(c.count == 7 && c[6].count == 64, "\(line)")
            #expect(["debian", "pypi", "generated"].contains(c[1]), "\(line)")
            projects.insert(String(c[0]))
        }
        #expect(projects == ["sqlite3", "duktape", "openssl", "boringssl", "protobuf", "libyaml", "llhttp", "grpc"])
        let corpus = String(decoding: try readFile(CLI.packageRoot + "/scripts/corpus.py"), as: UTF8.self)
        for p in projects { #expect(corpus.contains("    \"\(p)\": (b\""), "\(p) has no fingerprint") }
    }
}
