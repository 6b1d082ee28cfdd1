#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `path` made absolute with every link, `.` and `..` resolved (realpath(3)); nil when it does
/// not exist. Names are bytes, mapped as `FileName` maps them.
public func resolvedPath(_ path: String) -> String? {
    FileName.withCString(path) { c in
        guard let r = realpath(c, nil) else { return nil }
        defer { free(r) }
        return FileName.string(UnsafeBufferPointer(start: UnsafeRawPointer(r).assumingMemoryBound(to: UInt8.self), count: strlen(r)))
    }
}

/// Whether `path` is a folder (links followed).
public func isDirectory(_ path: String) -> Bool {
    var st = stat()
    return FileName.withCString(path, { stat($0, &st) }) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
}
