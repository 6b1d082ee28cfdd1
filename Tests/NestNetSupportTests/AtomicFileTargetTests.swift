import Foundation
import Testing
@testable import NestNetSupport

/// What `AtomicFile.write` does to what is already at the path: regular files are replaced,
/// links are kept and followed, special files are written through and never replaced.
@Suite("Atomic writes never replace links or special files")
struct AtomicFileTargetTests {
    func tempDir() -> String {
        let d = NSTemporaryDirectory() + "nestnet-atomic-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    func fileType(_ p: String) -> mode_t {
        var st = stat()
        return lstat(p, &st) == 0 ? st.st_mode & S_IFMT : 0
    }

    @Test func aSymlinkIsFollowedAndKept() throws {
        let d = tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        try AtomicFile.write(Array("old".utf8), to: "\(d)/real.xml")
        #expect(symlink("real.xml", "\(d)/link.xml") == 0)
        try AtomicFile.write(Array("new".utf8), to: "\(d)/link.xml")
        #expect(fileType("\(d)/link.xml") == S_IFLNK, "the link is still a link")
        #expect(try readFile("\(d)/real.xml") == Array("new".utf8))
        // A dangling link: its target is created, the link kept.
        #expect(symlink("\(d)/made.xml", "\(d)/dangling.xml") == 0)
        try AtomicFile.write(Array("x".utf8), to: "\(d)/dangling.xml")
        #expect(fileType("\(d)/dangling.xml") == S_IFLNK)
        #expect(try readFile("\(d)/made.xml") == Array("x".utf8))
        // A link loop is one error.
        #expect(symlink("loop-b", "\(d)/loop-a") == 0 && symlink("loop-a", "\(d)/loop-b") == 0)
        #expect(throws: NestNetError.self) { try AtomicFile.write(Array("x".utf8), to: "\(d)/loop-a") }
    }

    @Test func aFIFOIsWrittenThroughNotReplaced() throws {
        let d = tempDir(), fifo = "\(d)/report.xml"
        defer { try? FileManager.default.removeItem(atPath: d) }
        #expect(mkfifo(fifo, 0o600) == 0)
        let got = Reader(fifo)
        try AtomicFile.write(Array("through the pipe".utf8), to: fifo)
        #expect(got.wait() == "through the pipe")
        #expect(fileType(fifo) == S_IFIFO, "still a FIFO")
        #expect(try FileManager.default.contentsOfDirectory(atPath: d) == ["report.xml"], "no temporary left")
    }

    @Test func devFdNamesAreWrittenThroughTheDescriptor() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        try AtomicFile.write(Array("via fd".utf8), to: "/dev/fd/\(fds[1])")
        close(fds[1])
        var buf = [UInt8](repeating: 0, count: 64)
        let n = read(fds[0], &buf, 64)
        #expect(n == 6 && Array(buf[0..<6]) == Array("via fd".utf8))
        #expect(try AtomicFile.target("/dev/stdout") == .descriptor(1))
        #expect(try AtomicFile.target("/dev/null") == .inPlace("/dev/null"))
    }

    @Test func staleTemporariesOfKilledWritersAreRemoved() throws {
        let d = tempDir(), p = "\(d)/out.json"
        defer { try? FileManager.default.removeItem(atPath: d) }
        // A writer that no longer exists (PID beyond the kernel's maximum), and a live one (us).
        let dead = "\(d)/.out.json.tmp-2147483646-abcdef", live = "\(d)/.out.json.tmp-\(getpid())-ghijkl"
        let other = "\(d)/.other.json.tmp-2147483646-abcdef"
        for f in [dead, live, other] { #expect(FileManager.default.createFile(atPath: f, contents: Data())) }
        try AtomicFile.write(Array("{}".utf8), to: p)
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: d))
        #expect(left == ["out.json", ".out.json.tmp-\(getpid())-ghijkl", ".other.json.tmp-2147483646-abcdef"])
    }

    /// Reads a FIFO to the end on another thread.
    final class Reader: @unchecked Sendable {
        private var text = ""
        private let done = DispatchSemaphore(value: 0)
        init(_ path: String) {
            Thread.detachNewThread { [self] in
                let h = FileHandle(forReadingAtPath: path)
                text = String(decoding: h?.readDataToEndOfFile() ?? Data(), as: UTF8.self)
                done.signal()
            }
        }
        func wait() -> String { done.wait(); return text }
    }
}
