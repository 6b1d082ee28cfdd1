#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file atomically: the bytes go to a temporary file beside the target, are flushed
/// to disk, and replace the target with one `rename`. A reader never sees half a file, and a
/// failed or killed write leaves the old file (if any) untouched.
///
/// Only regular files (or absent paths) are replaced. A symbolic link is followed to the file
/// it names, which is replaced in its own folder (the link stays). Anything else — a character
/// device such as `/dev/null`, a FIFO, a socket, `/dev/stdout`, `/dev/fd/N` — is written
/// through, in place, never replaced.
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

    /// Where and how a write to `path` goes.
    enum Target: Equatable {
        /// Replace the regular (or absent) file at this path by rename.
        case replace(String)
        /// Write in place through this already-open descriptor (`/dev/stdout`, `/dev/fd/N`).
        case descriptor(Int32)
        /// Open this path for writing in place (a device, FIFO or socket).
        case inPlace(String)
    }

    /// Resolves `path`: standard streams by name, symbolic links to their final target
    /// (dangling ones included, so the link is kept and its target created), special files.
    static func target(_ path: String) throws -> Target {
        for (name, fd) in [("/dev/stdout", Int32(1)), ("/dev/stderr", 2), ("/proc/self/fd/1", 1), ("/proc/self/fd/2", 2)] where path == name {
            return .descriptor(fd)
        }
        for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
            if let n = Int32(path.dropFirst(prefix.count)), n >= 0 { return .descriptor(n) }
        }
        var p = path
        for _ in 0..<40 {
            var st = stat()
            guard FileName.withCString(p, { lstat($0, &st) }) == 0 else { return .replace(p) }  // absent: created
            switch st.st_mode & S_IFMT {
            case S_IFREG: return .replace(p)
            case S_IFDIR: throw NestNetError("cannot write \(path): Is a directory")
            case S_IFLNK:
                var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let n = FileName.withCString(p) { readlink($0, &buf, buf.count - 1) }
                guard n > 0 else { throw NestNetError("cannot write \(path): \(String(cString: strerror(errno)))") }
                let dest = FileName.string(buf[0..<n].map { UInt8(bitPattern: $0) })
                if dest.hasPrefix("/proc/") || dest.hasPrefix("/dev/") { return try target(dest) }
                p = dest.hasPrefix("/") ? dest : parentDirectory(of: p) + "/" + dest
            default: return .inPlace(p)
            }
        }
        throw NestNetError("cannot write \(path): Too many levels of symbolic links")
    }

    /// Streams the file's content through `body`, then renames it into place (or, for a special
    /// file, writes it through; see the type's comment).
    public static func write(to path: String, _ body: (inout Writer) throws -> Void) throws {
        switch try target(path) {
        case .replace(let real): try replace(real, shownAs: path, body)
        case .descriptor(let fd): try through(dup(fd), shownAs: path, body)
        case .inPlace(let p): try through(FileName.withCString(p) { open($0, O_WRONLY | O_CLOEXEC) }, shownAs: path, body)
        }
    }

    /// Writes through an open descriptor (closed afterwards; the original stays open).
    private static func through(_ fd: Int32, shownAs path: String, _ body: (inout Writer) throws -> Void) throws {
        guard fd >= 0, let f = fdopen(fd, "wb") else {
            let msg = String(cString: strerror(errno))
            if fd >= 0 { close(fd) }
            throw NestNetError("cannot write \(path): \(msg)")
        }
        var w = Writer(file: f)
        do { try body(&w) } catch { fclose(f); throw error }
        let flushed = fflush(f) == 0
        let closed = fclose(f) == 0
        guard !w.failed, flushed, closed else { throw NestNetError("cannot write \(path): \(String(cString: strerror(errno)))") }
    }

    private static func replace(_ path: String, shownAs shown: String, _ body: (inout Writer) throws -> Void) throws {
        let dir = parentDirectory(of: path)
        removeStaleTemporaries(of: path)
        var template = (FileName.bytes("\(dir)/.\(baseName(of: path)).tmp-\(getpid())-XXXXXX") + [0]).map { CChar(bitPattern: $0) }
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw NestNetError("cannot write \(shown): \(String(cString: strerror(errno)))")
        }
        let tmp = FileName.string(template.dropLast().map { UInt8(bitPattern: $0) })
        guard let f = fdopen(fd, "wb") else {
            close(fd); FileName.withCString(tmp) { _ = unlink($0) }
            throw NestNetError("cannot write \(shown): \(String(cString: strerror(errno)))")
        }
        var w = Writer(file: f)
        do {
            try body(&w)
        } catch {
            fclose(f); FileName.withCString(tmp) { _ = unlink($0) }
            throw error
        }
        let flushed = fflush(f) == 0 && fsync(fileno(f)) == 0
        let closed = fclose(f) == 0
        guard !w.failed, flushed, closed else {
            FileName.withCString(tmp) { _ = unlink($0) }
            throw NestNetError("cannot write \(shown): \(String(cString: strerror(errno)))")
        }
        fchmodPath(tmp)
        guard FileName.withCString(tmp, { t in FileName.withCString(path) { rename(t, $0) } }) == 0 else {
            let msg = String(cString: strerror(errno))
            FileName.withCString(tmp) { _ = unlink($0) }
            throw NestNetError("cannot write \(shown): \(msg)")
        }
    }

    /// Deletes temporaries a killed writer left beside `path` (`.NAME.tmp-PID-XXXXXX` whose
    /// process PID no longer exists); a live writer's temporary is left alone.
    static func removeStaleTemporaries(of path: String) {
        let dir = parentDirectory(of: path), prefix = ".\(baseName(of: path)).tmp-"
        guard let d = FileName.withCString(dir, { opendir($0) }) else { return }
        defer { closedir(d) }
        while let e = readdir(d) {
            let name = FileName.entryName(e)
            guard name.hasPrefix(prefix) else { continue }
            let rest = name.dropFirst(prefix.count).split(separator: "-")
            guard rest.count == 2, rest[1].count == 6, let pid = Int32(rest[0]), pid > 0 else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { FileName.withCString(dir + "/" + name) { _ = unlink($0) } }
        }
    }

    /// Writes `bytes` atomically.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try write(to: path) { $0.write(bytes) }
    }

    /// mkstemp creates 0600 files; give written files the usual 0644 less the umask.
    private static func fchmodPath(_ path: String) {
        let mask = umask(0); umask(mask)
        FileName.withCString(path) { _ = chmod($0, 0o666 & ~mask) }
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

/// What `readFile` does with a path that is not a regular file.
public enum SpecialFiles: Sendable {
    /// One-line error: a FIFO could block forever, a device could be endless (the default).
    case refuse
    /// Read it like standard input, up to the limit (a path named explicitly on the command
    /// line, such as `<(…)` or `/dev/stdin`).
    case read
}

/// Reads a whole file, with one-line errors for missing, unreadable, special or oversized files.
/// `limit` bounds memory: nothing larger is read (default 1 GiB). Paths are `FileName` strings.
public func readFile(_ path: String, limit: Int = 1 << 30, special: SpecialFiles = .refuse) throws -> [UInt8] {
    let shown = FileName.display(path)
    let (f, st) = try openForReading(path, special: special)
    defer { fclose(f) }
    if (st.st_mode & S_IFMT) == S_IFREG, Int(st.st_size) > limit { throw NestNetError("\(shown): larger than \(limit) bytes", kind: .tooLarge(limit: limit)) }
    var out: [UInt8] = []
    if st.st_size > 0 { out.reserveCapacity(min(Int(st.st_size), limit) + 1) }
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
        if n > 0 { out.append(contentsOf: chunk[0..<n]) }
        if out.count > limit { throw NestNetError("\(shown): larger than \(limit) bytes", kind: .tooLarge(limit: limit)) }
        if n < chunk.count {
            if ferror(f) != 0 { throw NestNetError("cannot read \(shown): \(String(cString: strerror(errno)))") }
            break
        }
    }
    return out
}

/// Opens `path` for reading after checking what it is (one-line errors for missing, directory
/// and, unless `special` is `.read`, special files, which could block or never end); the
/// caller closes it. Shared by `readFile` and `LineReader`.
func openForReading(_ path: String, special: SpecialFiles) throws -> (UnsafeMutablePointer<FILE>, stat) {
    let shown = FileName.display(path)
    var st = stat()
    guard FileName.withCString(path, { stat($0, &st) }) == 0 else {
        throw NestNetError("cannot read \(shown): \(errno == ELOOP ? "symbolic link loop" : String(cString: strerror(errno)))")
    }
    switch st.st_mode & S_IFMT {
    case S_IFREG: break
    case S_IFDIR: throw NestNetError("cannot read \(shown): is a directory")
    default:
        if special == .refuse { throw NestNetError("cannot read \(shown): \(SourceWalker.kind(st.st_mode)), not a regular file") }
    }
    guard let f = FileName.withCString(path, { fopen($0, "rb") }) else {
        throw NestNetError("cannot read \(shown): \(String(cString: strerror(errno)))")
    }
    return (f, st)
}

/// Writes `s` to standard error (unbuffered, safe from any thread).
public func writeStderr(_ s: String) {
    var s = s
    s.withUTF8 { p in
        var off = 0
        while off < p.count {
            let n = write(2, p.baseAddress! + off, p.count - off)
            if n <= 0 { break }
            off += n
        }
    }
}

/// Throws the same one-line error `AtomicFile.write` would, before any long work starts:
/// the folder of `path` must exist and be writable.
public func checkWritable(_ path: String) throws {
    guard case .replace(let real) = try AtomicFile.target(path) else { return }  // written in place
    let dir = AtomicFile.parentDirectory(of: real)
    var st = stat()
    guard FileName.withCString(dir, { stat($0, &st) }) == 0 else { throw NestNetError("cannot write \(path): \(String(cString: strerror(errno)))") }
    guard (st.st_mode & S_IFMT) == S_IFDIR else { throw NestNetError("cannot write \(path): \(dir) is not a directory") }
    guard FileName.withCString(dir, { access($0, W_OK) }) == 0 else { throw NestNetError("cannot write \(path): \(String(cString: strerror(errno)))") }
    if FileName.withCString(real, { stat($0, &st) }) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
        throw NestNetError("cannot write \(path): Is a directory")
    }
}

/// Device and inode of an existing regular file (links followed); nil otherwise.
public func regularFileIdentity(_ path: String) -> (dev: UInt64, ino: UInt64)? {
    var st = stat()
    guard FileName.withCString(path, { stat($0, &st) }) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
    return (UInt64(st.st_dev), UInt64(st.st_ino))
}

/// Refuses, before any work, a run whose outputs would overwrite one of its inputs or each
/// other: the same regular file (same device and inode, however it is named or linked), or
/// for outputs that do not exist yet, the same resolved path. Special files (`/dev/null`, a
/// FIFO) are written through, never replaced, so they may repeat. `outputs` and `inputs` are
/// (flag or role, path) pairs; nil paths are ignored.
public func refuseOverwritingInputs(outputs: [(String, String?)], inputs: [(String, String?)]) throws {
    /// Identity of a path to be written: its file's (device, inode), or its resolved path.
    func key(_ path: String) -> String? {
        if let id = regularFileIdentity(path) { return "\(id.dev):\(id.ino)" }
        guard case .replace(let real)? = try? AtomicFile.target(path) else { return nil }
        guard let folder = resolvedPath(AtomicFile.parentDirectory(of: real)) else { return nil }
        return folder + "/" + AtomicFile.baseName(of: real)
    }
    var seen: [(flag: String, path: String, key: String)] = []
    for (flag, path) in outputs {
        guard let path, let k = key(path) else { continue }
        if let other = seen.first(where: { $0.key == k }) {
            throw NestNetError("\(flag) \(path) is the same file as \(other.flag) \(other.path); refusing to write it twice")
        }
        seen.append((flag, path, k))
    }
    guard !seen.isEmpty else { return }
    for (role, path) in inputs {
        guard let path, let id = regularFileIdentity(path) else { continue }
        if let out = seen.first(where: { $0.key == "\(id.dev):\(id.ino)" }) {
            throw NestNetError("\(out.flag) \(out.path) is the input \(role) \(path); refusing to overwrite it")
        }
    }
}

/// Creates a folder and its parents (`mkdir -p`); an existing folder is fine. Failures are one
/// line naming the path and the reason (a file in the way, no permission).
public func makeFolder(_ path: String) throws {
    var st = stat()
    if FileName.withCString(path, { stat($0, &st) }) == 0 {
        guard (st.st_mode & S_IFMT) == S_IFDIR else { throw NestNetError("cannot create folder \(FileName.display(path)): a file of that name is in the way") }
        return
    }
    let parent = AtomicFile.parentDirectory(of: path)
    if parent != path && parent != "." && parent != "/" { try makeFolder(parent) }
    guard FileName.withCString(path, { mkdir($0, 0o777) }) == 0 || errno == EEXIST else {
        throw NestNetError("cannot create folder \(FileName.display(path)): \(String(cString: strerror(errno)))")
    }
}
