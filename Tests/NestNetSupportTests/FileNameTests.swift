#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import NestNetSupport

/// File names are bytes: every name survives the trip through a `String` and back exactly.
@Suite("File names without loss")
struct FileNameTests {
    @Test func anyBytesRoundTrip() {
        var rng = UInt64(42)
        func next() -> UInt8 { rng = rng &* 6364136223846793005 &+ 1442695040888963407; return UInt8(truncatingIfNeeded: rng >> 33) }
        var cases: [[UInt8]] = [Array("plain.c".utf8), [0x62, 0xFF, 0x2E, 0x63], Array("é😀".utf8),
                                Array("\u{F780}\u{F7FF}".utf8),  // the escape range itself, as valid UTF-8
                                [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]]
        for _ in 0..<2000 { cases.append((0..<Int(next() % 12 + 1)).map { _ in max(1, next()) }) }
        for raw in cases {
            let s = FileName.string(raw)
            #expect(FileName.bytes(s) == raw, "\(raw)")
        }
        #expect(FileName.string(Array("plain.c".utf8)) == "plain.c")
    }

    @Test func displayEscapesWhatCouldMisleadAReader() {
        #expect(FileName.display(FileName.string([0x62, 0xFF, 0x2E, 0x63])) == "b\\xFF.c")
        #expect(FileName.display("a\nb\tc\u{1b}[31m") == "a\\u{a}b\\u{9}c\\u{1b}[31m")
        #expect(FileName.display("src/é.c") == "src/é.c")
    }

    /// A directory entry's name is read within its record: glibc's records are sized to the
    /// name, so one can end right at an unmapped page. Here a record ends at a guard page
    /// (PROT_NONE): reading the full 256-byte `d_name`, as the code once did, faults.
    @Test func anEntryNameIsReadWithinItsRecord() throws {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let base = try #require(mmap(nil, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0))
        #expect(base != MAP_FAILED)
        defer { munmap(base, 2 * page) }
        #expect(mprotect(base + page, page, PROT_NONE) == 0)
        let offset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        // The shortest name ≥ 2 bytes that ends the record (NUL included) at an 8-byte boundary.
        var count = 3
        while (offset + count) % 8 != 0 { count += 1 }
        let name = [UInt8]((0..<count - 1).map { UInt8(ascii: "a") + UInt8($0 % 26) }) + [0]
        let record = base + page - offset - count
        (record + offset).copyMemory(from: name, byteCount: count)
        let e = UnsafePointer(record.bindMemory(to: dirent.self, capacity: 1))
        #expect(FileName.entryName(e) == String(decoding: name.dropLast(), as: UTF8.self))

        // And on a real folder: every name comes back, whatever its length or bytes.
        let dir = "/tmp/nestnet-entry-names-\(getpid())"
        mkdir(dir, 0o700)
        defer { _ = FileName.withCString(dir) { rmdir($0) } }
        let names: [[UInt8]] = (1...255).map { n in (0..<n).map { UInt8(ascii: "a") + UInt8($0 % 26) } } + [[0x62, 0xFF, 0x2E, 0x63]]
        for raw in names {
            let fd = FileName.withCString(dir + "/" + FileName.string(raw)) { creat($0, 0o600) }
            #expect(fd >= 0, "\(raw.count) bytes")
            if fd >= 0 { close(fd) }
        }
        defer { for raw in names { _ = FileName.withCString(dir + "/" + FileName.string(raw)) { unlink($0) } } }
        let d = try #require(FileName.withCString(dir) { opendir($0) })
        defer { closedir(d) }
        var seen = Set<[UInt8]>()
        while let e = readdir(d) { seen.insert(FileName.bytes(FileName.entryName(e))) }
        #expect(seen == Set(names + [Array(".".utf8), Array("..".utf8)]))
    }
}
