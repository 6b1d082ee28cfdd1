import NestNetSupport

/// Where SARIF URIs are relative to: `--root`, else the git top level of the current folder,
/// else the current folder. Paths are compared after resolving links (realpath), so a file
/// typed relative, absolute or through a linked folder gets the same URI.
public struct ReportRoot: Sendable {
    /// Absolute, resolved, ending in `/`.
    public let prefix: String
    /// The current folder, resolved (for files that no longer resolve).
    let cwd: String

    public init(_ given: String?) throws {
        cwd = resolvedPath(".") ?? "/"
        let top: String
        if let g = given {
            guard let r = resolvedPath(g), isDirectory(r) else { throw NestNetError("--root \(g): not a folder") }
            top = r
        } else {
            // The nearest folder up from the current one that holds `.git`, else the current one.
            var dir: String? = cwd
            while let d = dir, !Self.holdsGit(d) { dir = Self.parent(d) }
            top = dir ?? cwd
        }
        prefix = top == "/" ? "/" : top + "/"
    }

    /// A `.git` folder, or a `.git` file (a worktree or submodule), marks a git top level.
    static func holdsGit(_ dir: String) -> Bool {
        let g = dir == "/" ? "/.git" : dir + "/.git"
        return isDirectory(g) || regularFileIdentity(g) != nil
    }

    /// The folder above an absolute path; nil for `/`.
    static func parent(_ dir: String) -> String? {
        guard dir != "/", let slash = dir.lastIndex(of: "/") else { return nil }
        return slash == dir.startIndex ? "/" : String(dir[..<slash])
    }

    /// `file:///…/` for SARIF's `originalUriBaseIds`.
    public var uri: String { "file://" + FileResult.ArtifactURI.percentEncoded(FileName.bytes(prefix)) }

    /// The file as a URI reference: relative to the root when inside it, else an absolute
    /// `file://` URI; nil for standard input.
    public func uri(of file: String) -> FileResult.ArtifactURI? {
        guard file != "-" else { return nil }
        let abs = resolvedPath(file) ?? Self.lexical(file.hasPrefix("/") ? file : cwd + "/" + file)
        if abs.hasPrefix(prefix) {
            return .init(uri: FileResult.ArtifactURI.percentEncoded(FileName.bytes(String(abs.dropFirst(prefix.count)))), relative: true)
        }
        return .init(uri: "file://" + FileResult.ArtifactURI.percentEncoded(FileName.bytes(abs)), relative: false)
    }

    /// `a/./b/../c` → `/a/c` (for paths that no longer resolve).
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
