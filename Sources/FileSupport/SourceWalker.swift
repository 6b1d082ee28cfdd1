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

    /// A file found, or a problem met on the way (unreadable folder, symlink loop, dangling link).
    public enum Entry: Equatable {
        case file(String)
        case problem(path: String, message: String)
    }

    public func walk(_ paths: [String]) -> [Entry] {
        var out: [Entry] = []
        var seenDirs = Set<String>()
        for p in paths { visit(p, explicit: true, &out, &seenDirs) }
        return out
    }

    private func visit(_ path: String, explicit: Bool, _ out: inout [Entry], _ seen: inout Set<String>) {
        var st = stat()
        guard stat(path, &st) == 0 else {
            var lst = stat()
            if lstat(path, &lst) == 0 { out.append(.problem(path: path, message: "dangling symbolic link")) }
            else { out.append(.problem(path: path, message: String(cString: strerror(errno)))) }
            return
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            guard let real = realpath(path, nil) else { out.append(.problem(path: path, message: "cannot resolve path")); return }
            let r = String(cString: real)
            free(real)
            guard seen.insert(r).inserted else {
                out.append(.problem(path: path, message: "symbolic link loop (\(r) already visited)"))
                return
            }
            guard let d = opendir(path) else { out.append(.problem(path: path, message: String(cString: strerror(errno)))); return }
            var names: [String] = []
            while let e = readdir(d) {
                let name = withUnsafePointer(to: e.pointee.d_name) { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(d)
            for name in names.sorted() {
                let child = path.hasSuffix("/") ? path + name : path + "/" + name
                var cst = stat()
                if stat(child, &cst) == 0, (cst.st_mode & S_IFMT) == S_IFDIR {
                    if !name.hasPrefix(".") { visit(child, explicit: false, &out, &seen) }
                } else if matches(name) || lstat(child, &cst) == 0 && stat(child, &cst) != 0 && matches(name) {
                    visit(child, explicit: false, &out, &seen)
                }
            }
        } else if explicit || matches(path) {
            out.append(.file(path))
        }
    }

    func matches(_ name: String) -> Bool {
        if !includeGlobs.isEmpty {
            let base = name.split(separator: "/").last.map(String.init) ?? name
            return includeGlobs.contains { fnmatch($0, base, 0) == 0 || fnmatch($0, name, 0) == 0 }
        }
        guard let dot = name.lastIndex(of: ".") else { return false }
        return extensions.contains(String(name[name.index(after: dot)...]).lowercased())
    }
}
