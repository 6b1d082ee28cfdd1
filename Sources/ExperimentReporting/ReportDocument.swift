import Foundation

/// A report as a list of blocks, rendered both as Markdown (charts as linked SVG files) and as
/// one self-contained HTML page (charts inlined).
public struct ReportDocument: Sendable {
    public enum Block: Sendable {
        case heading(Int, String)
        /// Text with `code` spans.
        case paragraph(String)
        case bullets([String])
        case table(header: [String], rows: [[String]])
        /// A chart: its file name under `charts/`, the SVG and a caption.
        case chart(file: String, svg: String, caption: String)
        case code(String)
    }
    public var title: String
    public var blocks: [Block] = []

    public init(title: String) { self.title = title }

    public mutating func add(_ b: Block) { blocks.append(b) }

    public var charts: [(file: String, svg: String)] {
        blocks.compactMap { if case let .chart(f, s, _) = $0 { return (f, s) } else { return nil } }
    }

    public var markdown: String {
        var s = "# \(title)\n\n"
        for b in blocks {
            switch b {
            case let .heading(level, text): s += String(repeating: "#", count: level) + " " + text + "\n\n"
            case .paragraph(let text): s += text + "\n\n"
            case .bullets(let items): s += items.map { "- " + $0 }.joined(separator: "\n") + "\n\n"
            case let .table(header, rows):
                s += "| " + header.joined(separator: " | ") + " |\n"
                s += "|" + header.map { _ in "---" }.joined(separator: "|") + "|\n"
                for r in rows { s += "| " + r.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n" }
                s += "\n"
            case let .chart(file, _, caption): s += "![\(caption)](charts/\(file))\n\n*\(caption)*\n\n"
            case .code(let text): s += "```\n" + text + "\n```\n\n"
            }
        }
        return s
    }

    public var html: String {
        var s = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(esc(title))</title>
        <style>body{font-family:sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
        table{border-collapse:collapse;margin:1em 0;font-size:14px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
        th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}pre{background:#f6f6f6;padding:8px;overflow-x:auto;font-size:13px}
        code{background:#f3f3f3;padding:0 3px}figure{margin:1em 0}figcaption{font-style:italic;color:#555;font-size:14px}svg{max-width:100%;height:auto}</style>
        </head><body>
        <h1>\(esc(title))</h1>

        """
        for b in blocks {
            switch b {
            case let .heading(level, text): s += "<h\(level)>\(inline(text))</h\(level)>\n"
            case .paragraph(let text): s += "<p>\(inline(text))</p>\n"
            case .bullets(let items): s += "<ul>\n" + items.map { "<li>\(inline($0))</li>" }.joined(separator: "\n") + "\n</ul>\n"
            case let .table(header, rows):
                s += "<table><tr>" + header.map { "<th>\(inline($0))</th>" }.joined() + "</tr>\n"
                for r in rows { s += "<tr>" + r.map { "<td>\(inline($0))</td>" }.joined() + "</tr>\n" }
                s += "</table>\n"
            case let .chart(_, svg, caption): s += "<figure>\n\(svg)<figcaption>\(inline(caption))</figcaption></figure>\n"
            case .code(let text): s += "<pre>\(esc(text))</pre>\n"
            }
        }
        return s + "</body></html>\n"
    }

    /// Escapes text and turns `code`, **bold** and [text](url) into HTML.
    func inline(_ text: String) -> String {
        var out = "", i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if c == "`", let close = text[text.index(after: i)...].firstIndex(of: "`") {
                out += "<code>" + esc(String(text[text.index(after: i)..<close])) + "</code>"
                i = text.index(after: close); continue
            }
            if text[i...].hasPrefix("**"), let close = text[text.index(i, offsetBy: 2)...].range(of: "**") {
                out += "<strong>" + esc(String(text[text.index(i, offsetBy: 2)..<close.lowerBound])) + "</strong>"
                i = close.upperBound; continue
            }
            if c == "[", let mid = text[i...].range(of: "]("), let close = text[mid.upperBound...].firstIndex(of: ")"),
               !text[text.index(after: i)..<mid.lowerBound].contains("[") {
                let label = String(text[text.index(after: i)..<mid.lowerBound]), url = String(text[mid.upperBound..<close])
                out += "<a href=\"\(esc(url))\">\(esc(label))</a>"
                i = text.index(after: close); continue
            }
            out += esc(String(c))
            i = text.index(after: i)
        }
        return out
    }
}
