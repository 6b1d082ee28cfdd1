import NestNetSupport
import RecurrentNet
import RealModule

/// A small, dependency-free SVG line chart: series of (x, y) points with optional min–max
/// bands, linear or log axes, a legend, and reference lines. Self-contained markup, so a chart
/// can be a file of its own or inlined into HTML.
public struct SVGChart: Sendable {
    public enum Scale: Sendable { case linear, log2, log10 }
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        /// Optional band around the line: (x, low, high).
        public var band: [(x: Double, low: Double, high: Double)]
        public var color: String
        public var dashed: Bool
        public var markers: Bool
        public var strokeWidth: Double
        public var opacity: Double
        public init(name: String, points: [(x: Double, y: Double)], band: [(x: Double, low: Double, high: Double)] = [],
                    color: String, dashed: Bool = false, markers: Bool = true, strokeWidth: Double = 2, opacity: Double = 1) {
            self.name = name; self.points = points; self.band = band; self.color = color; self.dashed = dashed; self.markers = markers
            self.strokeWidth = strokeWidth; self.opacity = opacity
        }
    }
    public struct Reference: Sendable {
        public var value: Double
        public var label: String
        public var vertical: Bool
        public init(value: Double, label: String, vertical: Bool) { self.value = value; self.label = label; self.vertical = vertical }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xScale: Scale = .linear
    public var yScale: Scale = .linear
    /// Fixed axis ranges (nil: from the data).
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    public var series: [Series] = []
    public var references: [Reference] = []
    public var width = 640.0
    public var height = 380.0

    public init(title: String, xLabel: String, yLabel: String) { self.title = title; self.xLabel = xLabel; self.yLabel = yLabel }

    /// The colour of an architecture's line (`Architecture.chartColor`); a remedy variant
    /// (`rnn+clip0`) gets one of a palette, the same for the same name in every chart.
    public static func color(forArch a: String) -> String {
        if let arch = Architecture(rawValue: a) { return arch.chartColor }
        let palette = ["#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#ff9896", "#98df8a", "#c5b0d5"]
        return a.contains("+") ? palette[Int(FNV1a.hash(Array(a.utf8)) % UInt64(palette.count))] : "#555555"
    }

    public func render() -> String {
        let left = 64.0, right = 16.0, top = 36.0, bottom = 52.0 + legendHeight
        let pw = width - left - right, ph = height - top - bottom
        func t(_ v: Double, _ s: Scale) -> Double {
            switch s { case .linear: return v; case .log2: return Double.log2(max(v, 1e-300)); case .log10: return Double.log10(max(v, 1e-300)) }
        }
        let xs = series.flatMap { $0.points.map(\.x) + $0.band.map(\.x) }.filter { xScale == .linear || $0 > 0 }
        let ys = series.flatMap { $0.points.map(\.y) + $0.band.flatMap { [$0.low, $0.high] } }.filter { (yScale == .linear || $0 > 0) && $0.isFinite }
        let x0 = t(xRange?.lowerBound ?? xs.min() ?? 0, xScale)
        var x1 = t(xRange?.upperBound ?? xs.max() ?? 1, xScale)
        var y0 = t(yRange?.lowerBound ?? ys.min() ?? 0, yScale), y1 = t(yRange?.upperBound ?? ys.max() ?? 1, yScale)
        if x1 <= x0 { x1 = x0 + 1 }
        if y1 <= y0 { y1 = y0 + 1 }
        if yScale != .linear && yRange == nil { y0 = y0.rounded(.down); y1 = y1.rounded(.up) }
        func px(_ v: Double) -> Double { left + (t(v, xScale) - x0) / (x1 - x0) * pw }
        func py(_ v: Double) -> Double { top + ph - (min(max(t(v, yScale), y0), y1) - y0) / (y1 - y0) * ph }

        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(n(width)) \(n(height))\" width=\"\(n(width))\" height=\"\(n(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(n(width / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">\(esc(title))</text>\n"
        // Grid and ticks.
        for v in ticks(x0, x1, xScale) {
            let x = left + (t(v, xScale) - x0) / (x1 - x0) * pw
            s += "<line x1=\"\(n(x))\" y1=\"\(n(top))\" x2=\"\(n(x))\" y2=\"\(n(top + ph))\" stroke=\"#e5e5e5\"/>\n"
            s += "<text x=\"\(n(x))\" y=\"\(n(top + ph + 16))\" text-anchor=\"middle\">\(label(v))</text>\n"
        }
        for v in ticks(y0, y1, yScale) {
            let y = top + ph - (t(v, yScale) - y0) / (y1 - y0) * ph
            s += "<line x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(left + pw))\" y2=\"\(n(y))\" stroke=\"#e5e5e5\"/>\n"
            s += "<text x=\"\(n(left - 6))\" y=\"\(n(y + 4))\" text-anchor=\"end\">\(label(v))</text>\n"
        }
        s += "<rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(pw))\" height=\"\(n(ph))\" fill=\"none\" stroke=\"#888\"/>\n"
        s += "<text x=\"\(n(left + pw / 2))\" y=\"\(n(top + ph + 36))\" text-anchor=\"middle\">\(esc(xLabel))</text>\n"
        s += "<text transform=\"translate(16 \(n(top + ph / 2))) rotate(-90)\" text-anchor=\"middle\">\(esc(yLabel))</text>\n"
        for r in references {
            if r.vertical {
                let x = px(r.value)
                guard x >= left - 0.5 && x <= left + pw + 0.5 else { continue }
                s += "<line x1=\"\(n(x))\" y1=\"\(n(top))\" x2=\"\(n(x))\" y2=\"\(n(top + ph))\" stroke=\"#999\" stroke-dasharray=\"2 3\"/>\n"
                s += "<text x=\"\(n(x + 3))\" y=\"\(n(top + 12))\" fill=\"#666\" font-size=\"11\">\(esc(r.label))</text>\n"
            } else {
                let y = py(r.value)
                s += "<line x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(left + pw))\" y2=\"\(n(y))\" stroke=\"#999\" stroke-dasharray=\"2 3\"/>\n"
                s += "<text x=\"\(n(left + pw - 3))\" y=\"\(n(y - 4))\" fill=\"#666\" font-size=\"11\" text-anchor=\"end\">\(esc(r.label))</text>\n"
            }
        }
        s += "<g clip-path=\"none\">\n"
        for se in series where !se.band.isEmpty {
            let pts = se.band.filter { xScale == .linear || $0.x > 0 }
            let upper = pts.map { "\(n(px($0.x))),\(n(py($0.high)))" }
            let lower = pts.reversed().map { "\(n(px($0.x))),\(n(py($0.low)))" }
            s += "<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(se.color)\" fill-opacity=\"0.15\" stroke=\"none\"/>\n"
        }
        for se in series {
            let pts = se.points.filter { (xScale == .linear || $0.x > 0) && (yScale == .linear || $0.y > 0) && $0.y.isFinite }
            guard !pts.isEmpty else { continue }
            let d = pts.map { "\(n(px($0.x))),\(n(py($0.y)))" }.joined(separator: " ")
            s += "<polyline points=\"\(d)\" fill=\"none\" stroke=\"\(se.color)\" stroke-width=\"\(n(se.strokeWidth))\"\(se.opacity < 1 ? " stroke-opacity=\"\(n(se.opacity))\"" : "")\(se.dashed ? " stroke-dasharray=\"6 4\"" : "")/>\n"
            if se.markers { for p in pts { s += "<circle cx=\"\(n(px(p.x)))\" cy=\"\(n(py(p.y)))\" r=\"3\" fill=\"\(se.color)\"/>\n" } }
        }
        s += "</g>\n"
        // Legend below the plot.
        var lx = left, ly = top + ph + 50
        for se in series {
            let w = 34 + Double(se.name.count) * 6.5
            if lx + w > width - right { lx = left; ly += 16 }
            s += "<line x1=\"\(n(lx))\" y1=\"\(n(ly - 4))\" x2=\"\(n(lx + 22))\" y2=\"\(n(ly - 4))\" stroke=\"\(se.color)\" stroke-width=\"2\"\(se.dashed ? " stroke-dasharray=\"6 4\"" : "")/>\n"
            s += "<text x=\"\(n(lx + 26))\" y=\"\(n(ly))\">\(esc(se.name))</text>\n"
            lx += w
        }
        s += "</svg>\n"
        return s
    }

    var legendHeight: Double {
        var lx = 64.0, rows = 1.0
        for se in series {
            let w = 34 + Double(se.name.count) * 6.5
            if lx + w > width - 16 { lx = 64; rows += 1 }
            lx += w
        }
        return rows * 16
    }

    /// Tick values (in data units) for a transformed range.
    func ticks(_ a: Double, _ b: Double, _ s: Scale) -> [Double] {
        switch s {
        case .log2, .log10:
            let base = s == .log2 ? 2.0 : 10.0
            let lo = Int(a.rounded(.up)), hi = Int(b.rounded(.down))
            guard hi >= lo else { return [] }
            let step = max(1, (hi - lo + 1) / 9 + ((hi - lo + 1) % 9 == 0 ? 0 : 1))
            return stride(from: lo, through: hi, by: step).map { Double.pow(base, Double($0)) }
        case .linear:
            let span = b - a
            guard span > 0 else { return [a] }
            let raw = span / 6, mag = Double.pow(10, Double.log10(raw).rounded(.down))
            let step = [1.0, 2, 2.5, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? 10 * mag
            var v = (a / step).rounded(.up) * step, out: [Double] = []
            while v <= b + step * 1e-9 { out.append(abs(v) < step * 1e-9 ? 0 : v); v += step }
            return out
        }
    }

    func label(_ v: Double) -> String {
        if v == 0 { return "0" }
        if abs(v) >= 1e5 || abs(v) < 1e-3 {
            let e = Int(Double.log10(abs(v)).rounded(.down))
            let m = v / Double.pow(10, Double(e))
            return (abs(m - 1) < 1e-9 ? "" : trim(m) + "×") + "1e\(e)"
        }
        return trim(v)
    }

    func trim(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e15 { return "\(Int(v))" }
        var s = "\((v * 1000).rounded() / 1000)"
        while s.contains(".") && (s.hasSuffix("0") || s.hasSuffix(".")) { s.removeLast() }
        return s
    }
}

/// A coordinate with two decimals (keeps SVG files small and stable).
private func n(_ v: Double) -> String {
    let r = (v * 100).rounded() / 100
    return r == r.rounded() ? "\(Int(r))" : "\(r)"
}

func esc(_ s: String) -> String {
    var o = ""
    for ch in sanitize(s) {
        switch ch { case "&": o += "&amp;"; case "<": o += "&lt;"; case ">": o += "&gt;"; case "\"": o += "&quot;"; default: o.append(ch) }
    }
    return o
}


extension Architecture {
    /// The colour of this architecture's line, the same in every chart.
    public var chartColor: String {
        switch self {
        case .rnn: return "#d62728"
        case .irnn: return "#9467bd"
        case .gru: return "#ff7f0e"
        case .lstm: return "#1f77b4"
        }
    }
}
