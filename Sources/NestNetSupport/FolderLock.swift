#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive advisory lock (`flock`) on a lock file, for read-modify-write of files that
/// several processes share: sweep tasks of one Slurm array finishing at once each rebuild
/// `results.csv` and append to `sweep.json`, and without the lock the last writer could
/// drop a row it had not seen. Works across processes on one machine and on NFS (Linux
/// maps `flock` to POSIX locks there).
public enum FolderLock {
    /// Runs `body` while holding the lock on `path` (created if missing; never removed, so
    /// every process locks the same file).
    public static func withLock<T>(_ path: String, _ body: () throws -> T) throws -> T {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw NestNetError("cannot open the lock file \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }  // closing releases the lock
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw NestNetError("cannot lock \(path): \(String(cString: strerror(errno)))") }
        }
        return try body()
    }
}
