import NestNetSupport
import Foundation
import Testing

/// The real-code corpus: `scripts/corpus.py` (pinned packages, verified, unpacked once) and
/// `nestnet train --corpus`. The fetch tests use a package already in the download folder, so
/// they need neither the network nor a deb-src entry.
@Suite("Real-code corpus")
struct CorpusTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    func python(_ args: [String]) throws -> CLIResult { try CLI.script("corpus.py", args) }

    /// A one-package corpus: a tarball with C files and a README, and its manifest row.
    func fixture() throws -> (cache: String, manifest: String, tarball: String) {
        let d = CLI.tempDir()
        let src = d + "/build/fixture-1.0"
        try FileManager.default.createDirectory(atPath: src + "/lib", withIntermediateDirectories: true)
        try AtomicFile.write(Array("int main(void) { return f(a[0]); }\n".utf8), to: src + "/main.c")
        try AtomicFile.write(Array("#ifdef __cplusplus\nextern \"C\" {\n#endif\nint f(int);\n#ifdef __cplusplus\n}\n#endif\n".utf8), to: src + "/lib/f.h")
        try AtomicFile.write(Array("not code\n".utf8), to: src + "/README")
        let downloads = d + "/cache/downloads/nestnet-fixture-b"
        try FileManager.default.createDirectory(atPath: downloads, withIntermediateDirectories: true)
        let tarball = downloads + "/nestnet-fixture-b_1.0.orig.tar.gz"
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["tar", "-czf", tarball, "-C", d + "/build", "fixture-1.0"]
        try tar.run(); tar.waitUntilExit()
        let bytes = try readFile(tarball)
        let manifest = d + "/manifest.tsv"
        try AtomicFile.write(Array("# test\nnestnet-fixture-b\t1.0-1\ttrain\tnestnet-fixture-b_1.0.orig.tar.gz\t\(bytes.count)\t\(SHA256.hex(bytes))\t-\n".utf8), to: manifest)
        return (d + "/cache", manifest, tarball)
    }

    @Test func fetchVerifiesUnpacksOnceAndNamesAChangedPackage() throws {
        let f = try fixture()
        let first = try python(["--cache", f.cache, "--manifest", f.manifest, "fetch"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("[1/1] nestnet-fixture-b 1.0-1 (train): 2 files"), "\(first.stdout)")
        let unpacked = f.cache + "/src/train/nestnet-fixture-b"
        #expect(FileManager.default.fileExists(atPath: unpacked + "/main.c"))
        #expect(FileManager.default.fileExists(atPath: unpacked + "/lib/f.h"))
        #expect(!FileManager.default.fileExists(atPath: unpacked + "/README"))
        // A second run does nothing but say what is there.
        let second = try python(["--cache", f.cache, "--manifest", f.manifest, "fetch"])
        #expect(second.status == 0)
        #expect(!second.stdout.contains("[1/1]"), "\(second.stdout)")
        #expect(second.stdout.contains("1 packages, 2 files"))
        let list = try python(["--cache", f.cache, "--manifest", f.manifest, "list", "--split", "train"])
        #expect(list.stdout == unpacked + "\n")
        // The same size, other bytes: the package is named, nothing is unpacked.
        var bytes = try readFile(f.tarball)
        bytes[bytes.count - 9] ^= 0xFF
        try AtomicFile.write(bytes, to: f.tarball)
        try FileManager.default.removeItem(atPath: unpacked)
        let changed = try python(["--cache", f.cache, "--manifest", f.manifest, "fetch"])
        #expect(changed.status == 2)
        #expect(changed.stderr.contains("package nestnet-fixture-b 1.0-1: nestnet-fixture-b_1.0.orig.tar.gz does not match the manifest"), "\(changed.stderr)")
        #expect(changed.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: unpacked))
    }

    @Test func manifestErrorsAreOneLine() throws {
        let f = try fixture()
        // A split that is not the package's seeded hash.
        let text = String(decoding: try readFile(f.manifest), as: UTF8.self).replacingOccurrences(of: "\ttrain\t", with: "\ttest\t")
        try AtomicFile.write(Array(text.utf8), to: f.manifest)
        let r = try python(["--cache", f.cache, "--manifest", f.manifest, "fetch"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("nestnet-fixture-b is in split test, but its seeded hash puts it in train"), "\(r.stderr)")
        // A package kept out of the corpus on purpose.
        try AtomicFile.write(Array("sqlite3\t3.40.1-2\ttrain\tx.tar.gz\t1\tab\t-\n".utf8), to: f.manifest)
        let s = try python(["--cache", f.cache, "--manifest", f.manifest, "fetch"])
        #expect(s.status == 2)
        #expect(s.stderr.contains("sqlite3"), "\(s.stderr)")
        let missing = try python(["--cache", f.cache, "--manifest", f.cache + "/nope.tsv", "fetch"])
        #expect(missing.status == 2)
        #expect(missing.stderr.hasPrefix("corpus: error: cannot read the manifest"))
    }

    /// The dev pool (`datasets/corpus/dev.tsv`): fetched and listed apart from the manifest;
    /// only packages whose seeded hash is valid, none also in the manifest.
    @Test func devPoolTakesOnlyValidHashedPackagesOutsideTheManifest() throws {
        let f = try fixture()
        // nestnet-fixture-s hashes to valid; the fixture's package (…-b) to train.
        let d = (f.manifest as NSString).deletingLastPathComponent
        let downloads = f.cache + "/downloads/nestnet-fixture-s"
        try FileManager.default.createDirectory(atPath: downloads, withIntermediateDirectories: true)
        let bytes = try readFile(f.tarball)
        try AtomicFile.write(bytes, to: downloads + "/nestnet-fixture-s_1.0.orig.tar.gz")
        let dev = d + "/dev.tsv"
        let row = "nestnet-fixture-s\t1.0-1\tdev\tnestnet-fixture-s_1.0.orig.tar.gz\t\(bytes.count)\t\(SHA256.hex(bytes))\t-\n"
        try AtomicFile.write(Array(("# dev\n" + row).utf8), to: dev)
        let base = ["--cache", f.cache, "--manifest", f.manifest, "--dev-manifest", dev]
        let fetched = try python(base + ["fetch", "--dev"])
        #expect(fetched.status == 0, "\(fetched.stderr)")
        #expect(fetched.stdout.contains("[1/1] nestnet-fixture-s 1.0-1 (dev): 2 files"), "\(fetched.stdout)")
        let list = try python(base + ["list", "--split", "dev"])
        #expect(list.stdout == f.cache + "/src/dev/nestnet-fixture-s\n", "\(list.stdout) \(list.stderr)")
        // The main manifest's splits do not see it.
        let valid = try python(base + ["list", "--split", "valid"])
        #expect(valid.stdout.isEmpty)
        // A package whose hash is not valid, and one also in the manifest: one line each, exit 2.
        let b = row.replacingOccurrences(of: "nestnet-fixture-s", with: "nestnet-fixture-b")
        try AtomicFile.write(Array(b.utf8), to: dev)
        let notValid = try python(base + ["list", "--split", "dev"])
        #expect(notValid.status == 2)
        #expect(notValid.stderr.contains("nestnet-fixture-b cannot be a dev package (split column dev, seeded hash train"), "\(notValid.stderr)")
        #expect(notValid.stderr.split(separator: "\n").count == 1)
        let main = String(decoding: try readFile(f.manifest), as: UTF8.self)
        try AtomicFile.write(Array((main + row.replacingOccurrences(of: "\tdev\t", with: "\tvalid\t")).utf8), to: f.manifest)
        try AtomicFile.write(Array(row.utf8), to: dev)
        let both = try python(base + ["fetch", "--dev"])
        #expect(both.status == 2)
        #expect(both.stderr.contains("nestnet-fixture-s also in the manifest"), "\(both.stderr)")
        let pinBoth = try python(base + ["pin", "--dev", "nestnet-fixture-s"])
        #expect(pinBoth.status == 2)
        #expect(pinBoth.stderr.contains("nestnet-fixture-s is in the manifest"), "\(pinBoth.stderr)")
    }

    /// The committed manifest is well formed: at least 60 packages, at least 15 in the test
    /// split, every split the seeded hash of the name, none of the projects kept out.
    @Test func committedManifestHoldsTheSplitItPromises() throws {
        let text = String(decoding: try readFile(Self.root + "/datasets/corpus/manifest.tsv"), as: UTF8.self)
        var split: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let c = line.split(separator: "\t", omittingEmptySubsequences: false)
            #expect(c.count == 7, "\(line)")
            #expect(c[5].count == 64, "\(line)")
            split[String(c[0])] = String(c[2])
        }
        #expect(split.count >= 60)
        #expect(split.values.filter { $0 == "test" }.count >= 15)
        for kept in ["sqlite3", "duktape", "openssl", "protobuf", "libyaml", "grpc"] { #expect(split[kept] == nil) }
    }

    /// The committed dev pool: every row split `dev`, every package's seeded hash valid (the
    /// `split_of` of `scripts/corpus.py`, recomputed here), none also in the manifest.
    @Test func committedDevPoolIsApartFromTheManifest() throws {
        func packages(_ file: String) throws -> [(String, String)] {
            String(decoding: try readFile(Self.root + "/datasets/corpus/" + file), as: UTF8.self)
                .split(separator: "\n").filter { !$0.hasPrefix("#") }
                .map { let c = $0.split(separator: "\t", omittingEmptySubsequences: false); return (String(c[0]), String(c[2])) }
        }
        let main = Set(try packages("manifest.tsv").map(\.0))
        let dev = try packages("dev.tsv")
        #expect(Set(dev.map(\.0)).count >= 20)
        for (pkg, split) in dev {
            #expect(split == "dev", "\(pkg)")
            #expect(!main.contains(pkg), "\(pkg)")
            let hex = SHA256.hex(Array("nestnet-corpus-split-v1:\(pkg)".utf8))
            let u = Double(UInt64(hex.prefix(16), radix: 16)!) / 0x1p64
            #expect(u >= 0.2 && u < 0.3, "\(pkg) hashes to \(u), not valid")
        }
    }

    /// A corpus folder `d/src` holding one valid file, `a.cc`: 40 one-line functions inside a
    /// namespace, each line ending in `lineEnd`. Returns the folder.
    func oneFileCorpus(_ d: String, lineEnd: String = "") throws -> String {
        let src = d + "/src"
        try FileManager.default.createDirectory(atPath: src, withIntermediateDirectories: true)
        var text = "namespace ns {\n"
        for i in 0..<40 { text += "int f\(i)(int a) { return g(a[\(i)], (a + \(i))); }\(lineEnd)\n" }
        try AtomicFile.write(Array((text + "}\n").utf8), to: src + "/a.cc")
        return src
    }

    /// The tensor bytes of a safetensors file (its metadata holds timings, which differ).
    func weights(_ path: String) throws -> ArraySlice<UInt8> {
        let b = try readFile(path)
        let n = (0..<8).reduce(0) { $0 | Int(b[$1]) << (8 * $1) }
        return b[(8 + n)...]
    }

    @Test func trainMixesRealCodeAndRecordsIt() throws {
        let d = CLI.tempDir()
        let src = try oneFileCorpus(d, lineEnd: " // é{")
        try AtomicFile.write(Array("\(src)\n".utf8), to: d + "/list.txt")
        let args = ["train", "--arch", "lstm", "--hidden", "8", "--embed", "4", "--language", "c", "--min-length", "1",
                    "--max-length", "600", "--lengths", "log", "--examples-per-epoch", "64", "--epochs", "1", "--valid-count", "32",
                    "--step-loss", "1", "--batch", "16", "--bptt", "128", "--threads", "1", "--quiet", "--corpus", d + "/list.txt",
                    "--valid-corpus", src, "--out", d + "/m.safetensors"]
        let r = try CLI.run(args)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("1 files"), "\(r.stderr)")
        let meta = String(decoding: try readFile(d + "/m.safetensors").prefix(8192), as: UTF8.self)
        #expect(meta.contains("data.corpus"))
        #expect(meta.contains("fraction=0.5"))
        // Same run again: byte-identical weights (the corpus draws are seeded).
        let again = try CLI.run(args.dropLast() + [d + "/m2.safetensors"])
        #expect(again.status == 0)
        #expect(try weights(d + "/m.safetensors") == weights(d + "/m2.safetensors"))

        let bad = try CLI.run(["train", "--corpus", d + "/none", "--out", d + "/x.safetensors", "--epochs", "1"])
        #expect(bad.status == 2)
        #expect(bad.stderr.hasPrefix("nestnet: error: cannot read \(d)/none"), "\(bad.stderr)")
        let empty = CLI.tempDir()
        let noFiles = try CLI.run(["train", "--corpus", empty, "--out", d + "/x.safetensors", "--epochs", "1"])
        #expect(noFiles.status == 2)
        #expect(noFiles.stderr.contains("no C-like source files in the corpus"), "\(noFiles.stderr)")
        let withFile = try CLI.run(["train", "--corpus", src, "--train", d + "/list.txt", "--out", d + "/x.safetensors", "--epochs", "1"])
        #expect(withFile.status == 2 && withFile.stderr.contains("do not go with --train"), "\(withFile.stderr)")
        let dyck = try CLI.run(["train", "--corpus", src, "--language", "dyck1", "--out", d + "/x.safetensors", "--epochs", "1"])
        #expect(dyck.status == 2 && dyck.stderr.contains("need --language c"), "\(dyck.stderr)")
        let frac = try CLI.run(["train", "--corpus", src, "--corpus-fraction", "1.5", "--out", d + "/x.safetensors", "--epochs", "1"])
        #expect(frac.status == 2)
        #expect(frac.stderr.contains("--corpus-fraction must be between 0 and 1"), "\(frac.stderr)")
        // --valid-corpus with a --valid file (or no generated validation set) would be ignored: refused
        // before anything is read, not after a run that silently validated on something else.
        for extra in [["--valid", d + "/list.txt"], ["--valid-count", "0"]] {
            let ignored = try CLI.run(["train", "--valid-corpus", src, "--out", d + "/x.safetensors", "--epochs", "1"] + extra)
            #expect(ignored.status == 2 && ignored.stderr.hasPrefix("nestnet: error: --valid-corpus mixes real code into the generated validation set"),
                    "\(ignored.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: d + "/x.safetensors.state"))
    }

    /// `--corpus-focus`: hard places of the corpus, recorded in the metadata; a list made for
    /// other files is one clear error, not a silent run without focus.
    @Test func trainFocusesOnNamedPlaces() throws {
        let d = CLI.tempDir()
        let src = try oneFileCorpus(d)
        try AtomicFile.write(Array("# from a check report\n\(src)/a.cc\t700\n".utf8), to: d + "/focus.tsv")
        let args = ["train", "--arch", "lstm", "--hidden", "8", "--embed", "4", "--language", "c", "--min-length", "1",
                    "--max-length", "600", "--lengths", "log", "--examples-per-epoch", "64", "--epochs", "1", "--valid-count", "0",
                    "--batch", "16", "--bptt", "128", "--threads", "1", "--quiet", "--corpus", src, "--corpus-focus", d + "/focus.tsv",
                    "--corpus-focus-fraction", "0.5", "--out", d + "/m.safetensors"]
        let r = try CLI.run(args)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("1 points in 1 files"), "\(r.stderr)")
        let meta = String(decoding: try readFile(d + "/m.safetensors").prefix(8192), as: UTF8.self)
        #expect(meta.contains("focus=0.5 focus_points=1"), "\(meta)")
        let again = try CLI.run(args.dropLast() + [d + "/m2.safetensors"])
        #expect(again.status == 0)
        #expect(try weights(d + "/m.safetensors") == weights(d + "/m2.safetensors"))

        func fails(_ extra: [String], _ message: String) throws {
            let e = try CLI.run(extra + ["--out", d + "/x.safetensors", "--epochs", "1"])
            let errors = e.stderr.split(separator: "\n").filter { $0.hasPrefix("nestnet: error: ") }
            #expect(e.status == 2 && errors.count == 1 && errors[0].contains(message), "\(e.stderr)")
        }
        try AtomicFile.write(Array("\(src)/other.cc\t3\n".utf8), to: d + "/elsewhere.tsv")
        try fails(["train", "--corpus", src, "--corpus-focus", d + "/elsewhere.tsv"], "1 of 1 focus points name no --corpus file")
        try AtomicFile.write(Array("\(src)/a.cc\t99999\n".utf8), to: d + "/past.tsv")
        try fails(["train", "--corpus", src, "--corpus-focus", d + "/past.tsv"], "lie past its end")
        try AtomicFile.write(Array("\(src)/a.cc 12\n".utf8), to: d + "/spaces.tsv")
        try fails(["train", "--corpus", src, "--corpus-focus", d + "/spaces.tsv"], "spaces.tsv:1: expected PATH<TAB>BYTE-OFFSET")
        try fails(["train", "--corpus-focus", d + "/focus.tsv"], "--corpus-focus names places in the --corpus files")
        try fails(["train", "--corpus", src, "--corpus-focus", d + "/focus.tsv", "--corpus-focus-fraction", "2"],
                  "--corpus-focus-fraction must be between 0 and 1")
    }
}
