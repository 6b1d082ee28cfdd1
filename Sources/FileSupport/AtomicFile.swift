#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An error with a one-line, user-facing message.
public struct NestNetError: Error, CustomStringConvertible, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Writes a file atomically: the bytes go to a temporary file beside the target, are flushed
/// to disk, and replace the target with one `rename`. A reader never sees half a file, and a
/// failed or killed write leaves the old file (if any) untouched.
public struct AtomicFile {
    /// A buffered writer over the temporary file.
    public struct Writer {
        fileprivate let file: UnsafeMutablePointer<FILE>
        fileprivate var failed = false

        public mutating func write(_ bytes: UnsafeRawBufferPointer) {
            guard !failed, bytes.count > 0 else { return }
            if fwrite(bytes.baseAddress, 1, bytes.count, file) != bytes.count { failed = true }
        }
        public mutating func write(_ bytes: [UInt8]) { bytes.withUnsafeBytes { write($0) } }
        public mutating func write(_ s: String) { var s = s; s.withUTF8 { write(UnsafeRawBufferPointer($0)) } }
    }

    /// Streams the file's content through `body`, then renames it into place.
    public static func write(to path: String, _ body: (inout Writer) throws -> Void) throws {
        let dir = parentDirectory(of: path)
        var template = Array("\(dir)/.\(baseName(of: path)).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw NestNetError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        let tmp = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
        guard let f = fdopen(fd, "wb") else {
            close(fd); unlink(tmp)
            throw NestNetError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        var w = Writer(file: f)
        do {
            try body(&w)
        } catch {
            fclose(f); unlink(tmp)
            throw error
        }
        let flushed = fflush(f) == 0 && fsync(fileno(f)) == 0
        let closed = fclose(f) == 0
        guard !w.failed, flushed, closed else {
            unlink(tmp)
            throw NestNetError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        fchmodPath(tmp)
        guard rename(tmp, path) == 0 else {
            let msg = String(cString: strerror(errno))
            unlink(tmp)
            throw NestNetError("cannot write \(path): \(msg)")
        }
    }

    /// Writes `bytes` atomically.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try write(to: path) { $0.write(bytes) }
    }

    /// mkstemp creates 0600 files; give written files the usual 0644 less the umask.
    private static func fchmodPath(_ path: String) {
        let mask = umask(0); umask(mask)
        chmod(path, 0o666 & ~mask)
    }

    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let d = String(path[..<slash])
        return d.isEmpty ? "/" : d
    }

    static func baseName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}

/// Reads a whole file, with one-line errors for missing, unreadable or oversized files.
public func readFile(_ path: String, limit: Int = Int.max) throws -> [UInt8] {
    guard let f = fopen(path, "rb") else {
        throw NestNetError("cannot read \(path): \(String(cString: strerror(errno)))")
    }
    defer { fclose(f) }
    var st = stat()
    if fstat(fileno(f), &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
        throw NestNetError("cannot read \(path): is a directory")
    }
    var out: [UInt8] = []
    if st.st_size > 0 { out.reserveCapacity(min(Int(st.st_size), limit) + 1) }
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
        if n > 0 { out.append(contentsOf: chunk[0..<n]) }
        if out.count > limit { throw NestNetError("\(path): larger than \(limit) bytes") }
        if n < chunk.count {
            if ferror(f) != 0 { throw NestNetError("cannot read \(path): \(String(cString: strerror(errno)))") }
            break
        }
    }
    return out
}

/// Writes `s` to standard error (unbuffered, safe from any thread).
public func writeStderr(_ s: String) {
    var s = s
    s.withUTF8 { p in
        var off = 0
        while off < p.count {
            let n = Glibc.write(2, p.baseAddress! + off, p.count - off)
            if n <= 0 { break }
            off += n
        }
    }
}

/// Throws the same one-line error `AtomicFile.write` would, before any long work starts:
/// the folder of `path` must exist and be writable.
public func checkWritable(_ path: String) throws {
    let dir = AtomicFile.parentDirectory(of: path)
    var st = stat()
    guard stat(dir, &st) == 0 else { throw NestNetError("cannot write \(path): \(String(cString: strerror(errno)))") }
    guard (st.st_mode & S_IFMT) == S_IFDIR else { throw NestNetError("cannot write \(path): \(dir) is not a directory") }
    guard access(dir, W_OK) == 0 else { throw NestNetError("cannot write \(path): \(String(cString: strerror(errno)))") }
    if stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
        throw NestNetError("cannot write \(path): Is a directory")
    }
}
