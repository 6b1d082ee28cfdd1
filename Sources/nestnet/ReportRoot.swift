import FileSupport
import Foundation
import Reporting

/// Where SARIF URIs are relative to: `--root`, else the git top level of the current folder,
/// else the current folder. Paths are compared after resolving links (realpath), so a file
/// typed relative, absolute or through a linked folder gets the same URI.
struct ReportRoot {
    /// Absolute, resolved, without a trailing `/` (except for `/` itself).
    let path: String

    init(_ given: String?) throws {
        let cwd = FileManager.default.currentDirectoryPath
        if let g = given {
            guard let r = Self.realpath(g), Self.isDirectory(r) else { throw NestNetError("--root \(g): not a folder") }
            path = r
        } else {
            var dir = Self.realpath(cwd) ?? cwd
            var found: String? = nil
            while true {
                if FileManager.default.fileExists(atPath: dir + "/.git") { found = dir; break }
                guard dir != "/", let slash = dir.lastIndex(of: "/") else { break }
                dir = slash == dir.startIndex ? "/" : String(dir[..<slash])
            }
            path = found ?? (Self.realpath(cwd) ?? cwd)
        }
    }

    /// `file:///…/` for SARIF's `originalUriBaseIds`.
    var uri: String { "file://" + SARIFWriter.percentEncoded(FileName.bytes(path == "/" ? "/" : path + "/")) }

    /// The file as a URI reference: relative to the root when inside it, else an absolute
    /// `file://` URI; nil for standard input.
    func uri(of file: String) -> FileResult.ArtifactURI? {
        guard file != "-" else { return nil }
        let abs = Self.realpath(file) ?? Self.lexical(file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file)
        let prefix = path == "/" ? "/" : path + "/"
        if abs.hasPrefix(prefix) {
            return .init(uri: SARIFWriter.percentEncoded(FileName.bytes(String(abs.dropFirst(prefix.count)))), relative: true)
        }
        return .init(uri: "file://" + SARIFWriter.percentEncoded(FileName.bytes(abs)), relative: false)
    }

    static func realpath(_ p: String) -> String? {
        FileName.withCString(p) { c in
            guard let r = Foundation.realpath(c, nil) else { return nil }
            defer { free(r) }
            let n = strlen(r)
            return FileName.string(UnsafeBufferPointer(start: UnsafeRawPointer(r).assumingMemoryBound(to: UInt8.self), count: n))
        }
    }

    static func isDirectory(_ p: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: p, isDirectory: &isDir) && isDir.boolValue
    }

    /// `a/./b/../c` → `a/c` (for paths that no longer resolve).
    static func lexical(_ p: String) -> String {
        var parts: [Substring] = []
        for c in p.split(separator: "/", omittingEmptySubsequences: true) {
            if c == "." { continue }
            if c == ".." { _ = parts.popLast(); continue }
            parts.append(c)
        }
        return "/" + parts.joined(separator: "/")
    }
}
