#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds source files under paths: files are taken as given, directories walked recursively
/// in sorted order for names with one of `extensions`. Symlinked directories are followed
/// once (a loop is reported, not followed again).
public struct SourceWalker {
    public var extensions: Set<String>
    /// When not empty, directory entries are taken by these globs instead of `extensions`.
    public var includeGlobs: [String] = []
    public init(extensions: Set<String>) { self.extensions = extensions }

    public static let cLikeExtensions: Set<String> = ["c", "h", "cc", "cpp", "cxx", "c++", "hh", "hpp", "hxx", "h++", "inl", "ipp", "m", "mm"]

    /// A file found, one passed over with its reason (a FIFO, device or socket met while walking:
    /// reading it could block forever), or a problem met on the way (unreadable folder, symlink
    /// loop, dangling link). Paths are `FileName` strings: any bytes, without loss.
    public enum Entry: Equatable {
        case file(String)
        case skipped(path: String, reason: String)
        case problem(path: String, message: String)
    }

    public func walk(_ paths: [String]) -> [Entry] {
        var out: [Entry] = []
        var seenDirs: [DirID: String] = [:], seenFiles: [DirID: String] = [:]
        // Depth first in sorted order, with an explicit stack: any depth, no recursion.
        var todo: [(path: String, explicit: Bool)] = paths.reversed().map { ($0, true) }
        while let (p, explicit) = todo.popLast() {
            let children = visit(p, explicit: explicit, &out, &seenDirs, &seenFiles)
            todo += children.reversed().map { ($0, false) }
        }
        return out
    }

    struct DirID: Hashable { var dev: UInt64, ino: UInt64 }

    static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "a FIFO"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "not a regular file"
        }
    }

    /// Visits one path; returns a directory's entries to visit next, in order. Directories are
    /// recognised by (device, inode), so neither loops nor depth cost more than one `stat` per
    /// entry (no path is resolved component by component).
    private func visit(_ path: String, explicit: Bool, _ out: inout [Entry], _ seen: inout [DirID: String],
                       _ seenFiles: inout [DirID: String]) -> [String] {
        var st = stat()
        guard FileName.withCString(path, { stat($0, &st) }) == 0 else {
            let err = errno
            if !explicit && !matches(path) && (err == ENOENT || err == ELOOP) { return [] }
            var lst = stat()
            if err == ELOOP { out.append(.problem(path: path, message: "symbolic link loop")) }
            else if err == ENOENT, FileName.withCString(path, { lstat($0, &lst) }) == 0 { out.append(.problem(path: path, message: "dangling symbolic link")) }
            else { out.append(.problem(path: path, message: String(cString: strerror(err)))) }
            return []
        }
        let type = st.st_mode & S_IFMT
        if type == S_IFDIR {
            let id = DirID(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino))
            if let first = seen[id] {
                // A real cycle leads back into a folder being walked (a path below it); any other
                // second path to a folder (`ln -s real alias`) is walked once, under the first.
                if path.hasPrefix(first.hasSuffix("/") ? first : first + "/") {
                    out.append(.problem(path: path, message: "symbolic link loop (back to \(FileName.display(first)))"))
                } else {
                    out.append(.skipped(path: path, reason: "same folder as \(FileName.display(first)), checked there"))
                }
                return []
            }
            seen[id] = path
            guard let d = FileName.withCString(path, { opendir($0) }) else { out.append(.problem(path: path, message: String(cString: strerror(errno)))); return [] }
            var names: [String] = []
            while let e = readdir(d) {
                let name = FileName.entryName(e)
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(d)
            let base = path.hasSuffix("/") ? path : path + "/"
            var next: [String] = []
            for name in names.sorted() {
                let child = base + name
                var cst = stat()
                if FileName.withCString(child, { stat($0, &cst) }) == 0 {
                    if (cst.st_mode & S_IFMT) == S_IFDIR {
                        if !name.hasPrefix(".") { next.append(child) }
                    } else if matches(name) {
                        next.append(child)
                    }
                } else if matches(name) || ![ENOENT, ELOOP].contains(errno) {
                    // Dangling links and loops among matching names are reported by `visit`; any
                    // other failure (a path past PATH_MAX, no permission) is named, never skipped.
                    next.append(child)
                }
            }
            return next
        } else if type == S_IFREG || explicit {
            // A special file named on the command line is read like `-` (e.g. `<(…)`). A second
            // path to a regular file already found (a link, a hard link) is named, not re-read.
            guard explicit || matches(path) else { return [] }
            if type == S_IFREG {
                let id = DirID(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino))
                if let first = seenFiles[id] {
                    out.append(.skipped(path: path, reason: "same file as \(FileName.display(first)), checked there"))
                    return []
                }
                seenFiles[id] = path
            }
            out.append(.file(path))
        } else if matches(path) {
            out.append(.skipped(path: path, reason: "\(Self.kind(st.st_mode)), not a regular file"))
        }
        return []
    }

    func matches(_ name: String) -> Bool {
        if !includeGlobs.isEmpty {
            let base = name.split(separator: "/").last.map(String.init) ?? name
            return includeGlobs.contains { g in FileName.withCString(base) { fnmatch(g, $0, 0) } == 0 || FileName.withCString(name) { fnmatch(g, $0, 0) } == 0 }
        }
        guard let dot = name.lastIndex(of: ".") else { return false }
        return extensions.contains(String(name[name.index(after: dot)...]).lowercased())
    }
}
