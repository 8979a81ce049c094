import Foundation

/// Inline SVG charts of the HTML report. Each returns one `<svg>` (or a small table) whose
/// texts are escaped; sizes come from a `viewBox`, so charts scale to a narrow screen and print.
enum HTMLCharts {
    /// CSS class of a node verdict (op strips, matrix cells).
    static func verdictClass(_ v: String) -> String {
        switch v {
        case "supported", "matched", "fused", "eliminated", "folded", "passed": return "v-ok"
        case "fallback", "unknown": return "v-fb"
        case "custom", "unsupported": return "v-no"
        case "dropped": return "v-drop"
        case "divergent": return "v-div"
        default: return "v-na"
        }
    }

    static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }

    // MARK: Op strip

    /// One cell per node in execution order, coloured by verdict, with the target partitions as
    /// numbered bars beneath; each cell's tooltip names the node, its op and why.
    static func opStrip(_ strip: OpStrip) -> String {
        let n = max(strip.nodes.count, 1)
        let cell = 12.0, gap = 1.0
        let width = Double(n) * cell
        let height = 34.0
        var s = "<svg class=\"strip\" viewBox=\"0 0 \(fmt(width)) \(fmt(height))\" preserveAspectRatio=\"none\" "
        s += "style=\"max-width:\(fmt(max(width, 120)))px\" role=\"img\" aria-label=\"\(e("op strip of \(strip.form)" + (strip.target.map { " on \($0)" } ?? "")))\">"
        for (i, node) in strip.nodes.enumerated() {
            var tip = "#\(node.index) \(node.name) (\(node.op)): \(node.verdict)"
            if let p = node.partition { tip += ", partition \(p)" }
            if let note = node.note, !note.isEmpty { tip += " — \(note)" }
            s += "<rect class=\"\(verdictClass(node.verdict))\" x=\"\(fmt(Double(i) * cell))\" y=\"0\" width=\"\(fmt(cell - gap))\" height=\"22\"><title>\(e(tip))</title></rect>"
        }
        // Partition bars: runs of consecutive nodes in the same partition.
        var i = 0
        while i < strip.nodes.count {
            guard let p = strip.nodes[i].partition else { i += 1; continue }
            var j = i
            while j + 1 < strip.nodes.count, strip.nodes[j + 1].partition == p { j += 1 }
            let x = Double(i) * cell, w = Double(j - i + 1) * cell - gap
            s += "<rect class=\"part p\(p % 2)\" x=\"\(fmt(x))\" y=\"25\" width=\"\(fmt(w))\" height=\"8\"><title>\(e("partition \(p): nodes \(strip.nodes[i].index)–\(strip.nodes[j].index)"))</title></rect>"
            i = j + 1
        }
        return s + "</svg>"
    }

    // MARK: Error by layer

    /// Max abs error per compared tensor along the reference's execution order (log scale), the
    /// first diverging op marked.
    static func errorByLayer(_ d: DivergenceSection) -> String {
        let points = d.trail
        guard !points.isEmpty else { return "" }
        let w = 640.0, h = 180.0, left = 44.0, bottom = 24.0, top = 8.0
        let values = points.map { max($0.maxAbs.isFinite ? $0.maxAbs : 1e6, 1e-12) }
        let lo = floor(log10(values.min()!)), hi = max(ceil(log10(values.max()!)), lo + 1)
        func y(_ v: Double) -> Double { top + (h - top - bottom) * (1 - (log10(v) - lo) / (hi - lo)) }
        let step = (w - left - 8) / Double(points.count)
        var s = "<svg class=\"chart\" viewBox=\"0 0 \(fmt(w)) \(fmt(h))\" role=\"img\" aria-label=\"max abs error by layer\">"
        var decade = lo
        while decade <= hi {
            let yy = y(pow(10, decade))
            s += "<line class=\"grid\" x1=\"\(fmt(left))\" x2=\"\(fmt(w - 8))\" y1=\"\(fmt(yy))\" y2=\"\(fmt(yy))\"/>"
            s += "<text class=\"axis\" x=\"\(fmt(left - 4))\" y=\"\(fmt(yy + 3))\" text-anchor=\"end\">1e\(Int(decade))</text>"
            decade += max(1, ((hi - lo) / 6).rounded(.up))
        }
        let firstIndex = d.first?.nodeIndex
        for (i, p) in points.enumerated() {
            let x = left + Double(i) * step
            let yy = y(values[i])
            let cls = p.nodeIndex == firstIndex && !p.passed ? "bar first" : (p.passed ? "bar ok" : "bar bad")
            let tip = "#\(p.nodeIndex) \(p.node) (\(p.op)) → \(p.candidateTensor): max abs \(ReportView.number(p.maxAbs))" + (p.passed ? ", within tolerance" : ", diverges")
            s += "<rect class=\"\(cls)\" x=\"\(fmt(x + 1))\" y=\"\(fmt(yy))\" width=\"\(fmt(max(step - 2, 1)))\" height=\"\(fmt(max(h - bottom - yy, 1)))\"><title>\(e(tip))</title></rect>"
        }
        s += "<text class=\"axis\" x=\"\(fmt(left))\" y=\"\(fmt(h - 6))\">reference execution order →</text>"
        return s + "</svg>"
    }

    // MARK: Error histogram

    /// Counts of |error| per decade as bars (height on a log scale so one stray element shows).
    static func histogram(_ hist: ErrorHistogram) -> String {
        guard !hist.counts.isEmpty else { return "" }
        let n = hist.counts.count
        let bw = 34.0, w = Double(n) * bw + 8, h = 110.0, bottom = 30.0
        let peak = log10(Double(hist.counts.max() ?? 1) + 1)
        var s = "<svg class=\"hist\" viewBox=\"0 0 \(fmt(w)) \(fmt(h))\" role=\"img\" aria-label=\"error histogram\">"
        for (i, c) in hist.counts.enumerated() {
            let bh = peak > 0 ? (h - bottom - 10) * log10(Double(c) + 1) / peak : 0
            let x = 4 + Double(i) * bw
            let lower = i < hist.edges.count ? hist.edges[i] : 0
            let upper = i + 1 < hist.edges.count ? "< \(ReportView.number(hist.edges[i + 1]))" : "and above"
            s += "<rect class=\"bar hb\" x=\"\(fmt(x + 2))\" y=\"\(fmt(h - bottom - bh))\" width=\"\(fmt(bw - 4))\" height=\"\(fmt(max(bh, 0.5)))\"><title>\(e("|error| ≥ \(ReportView.number(lower)) \(upper): \(c) elements"))</title></rect>"
            if c > 0 { s += "<text class=\"axis\" x=\"\(fmt(x + bw / 2))\" y=\"\(fmt(h - bottom - bh - 2))\" text-anchor=\"middle\">\(c)</text>" }
            let label = lower == 0 ? "0" : "1e\(Int(log10(lower).rounded()))"
            s += "<text class=\"axis\" x=\"\(fmt(x + bw / 2))\" y=\"\(fmt(h - bottom + 12))\" text-anchor=\"middle\">\(e(label))</text>"
        }
        s += "<text class=\"axis\" x=\"4\" y=\"\(fmt(h - 4))\">|error| decade (lower edge)</text>"
        return s + "</svg>"
    }

    // MARK: Per-class drift

    /// Accuracy change per class in points with the bootstrap interval, coloured by verdict.
    static func driftBars(_ c: AccuracyComparison, names: [String]?) -> String {
        let rows = [c.aggregate] + c.classes
        let rowH = 18.0, labelW = 120.0, w = 640.0
        let h = Double(rows.count) * rowH + 24
        let extent = max(rows.flatMap { [abs($0.delta ?? 0), abs($0.ciLower ?? 0), abs($0.ciUpper ?? 0)] }.max() ?? 0.01, 0.01)
        let mid = labelW + (w - labelW - 60) / 2, half = (w - labelW - 60) / 2
        func x(_ v: Double) -> Double { mid + half * v / extent }
        var s = "<svg class=\"chart\" viewBox=\"0 0 \(fmt(w)) \(fmt(h))\" role=\"img\" aria-label=\"per-class accuracy change\">"
        s += "<line class=\"zero\" x1=\"\(fmt(mid))\" x2=\"\(fmt(mid))\" y1=\"0\" y2=\"\(fmt(h - 20))\"/>"
        for (i, r) in rows.enumerated() {
            let y = Double(i) * rowH + 2
            let label = r.group < 0 ? "all samples" : className(r.group, names)
            s += "<text class=\"axis\" x=\"\(fmt(labelW - 6))\" y=\"\(fmt(y + 12))\" text-anchor=\"end\">\(e(label))</text>"
            if let d = r.delta {
                let x0 = min(x(0), x(d)), bw = max(abs(x(d) - x(0)), 1)
                let tip = "\(label): \(points(r.referenceAccuracy)) → \(points(r.candidateAccuracy)) (\(signedPoints(d)) points), n = \(r.support), lost \(r.lost), gained \(r.gained)"
                    + (r.adjustedPValue.map { ", adjusted p = \(ReportView.number($0))" } ?? "") + ", \(r.verdict)"
                s += "<rect class=\"drift d-\(e(r.verdict))\" x=\"\(fmt(x0))\" y=\"\(fmt(y + 2))\" width=\"\(fmt(bw))\" height=\"\(fmt(rowH - 6))\"><title>\(e(tip))</title></rect>"
                if let lo = r.ciLower, let hi = r.ciUpper {
                    s += "<line class=\"ci\" x1=\"\(fmt(x(lo)))\" x2=\"\(fmt(x(hi)))\" y1=\"\(fmt(y + rowH / 2 - 1))\" y2=\"\(fmt(y + rowH / 2 - 1))\"/>"
                }
                s += "<text class=\"axis\" x=\"\(fmt(w - 56))\" y=\"\(fmt(y + 12))\">\(e(signedPoints(d)))</text>"
            } else {
                s += "<text class=\"axis\" x=\"\(fmt(mid + 4))\" y=\"\(fmt(y + 12))\">no samples</text>"
            }
        }
        s += "<text class=\"axis\" x=\"\(fmt(mid))\" y=\"\(fmt(h - 6))\" text-anchor=\"middle\">accuracy change, points (±\(e(signedPoints(extent).replacingOccurrences(of: "+", with: ""))))</text>"
        return s + "</svg>"
    }

    static func className(_ i: Int, _ names: [String]?) -> String {
        if let names, i >= 0, i < names.count { return names[i] }
        return "class \(i)"
    }

    static func points(_ v: Double?) -> String { v.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }
    static func signedPoints(_ v: Double) -> String { String(format: "%+.1f", v * 100) }

    // MARK: Confusion-matrix difference

    /// `candidate − reference` counts: fewer on the diagonal (red) and more off it (red) are worse.
    static func confusionDifference(reference: [[Int]], candidate: [[Int]], names: [String]?, limit: Int = 24) -> String {
        let n = min(reference.count, candidate.count)
        guard n > 0 else { return "" }
        let shown = min(n, limit)
        var diff = Array(repeating: Array(repeating: 0, count: shown), count: shown)
        var peak = 1
        for i in 0..<shown {
            for j in 0..<shown where i < reference[i].count && j < reference[i].count && j < candidate[i].count {
                diff[i][j] = candidate[i][j] - reference[i][j]
                peak = max(peak, abs(diff[i][j]))
            }
        }
        var s = "<div class=\"scroll\"><table class=\"cm\"><caption>candidate − reference (rows: true class, columns: predicted)</caption><tr><th></th>"
        for j in 0..<shown { s += "<th title=\"\(e(className(j, names)))\">\(e(short(className(j, names))))</th>" }
        s += "</tr>"
        for i in 0..<shown {
            s += "<tr><th>\(e(className(i, names)))</th>"
            for j in 0..<shown {
                let d = diff[i][j]
                let worse = (i == j) ? d < 0 : d > 0
                let alpha = d == 0 ? 0 : 0.15 + 0.7 * Double(abs(d)) / Double(peak)
                let colour = worse ? "rgba(207,34,46,\(String(format: "%.2f", alpha)))" : "rgba(45,164,78,\(String(format: "%.2f", alpha)))"
                let tip = "true \(className(i, names)), predicted \(className(j, names)): \(i < reference.count && j < reference[i].count ? reference[i][j] : 0) → \(i < candidate.count && j < candidate[i].count ? candidate[i][j] : 0)"
                s += "<td style=\"background:\(colour)\" title=\"\(e(tip))\">\(d == 0 ? "·" : (d > 0 ? "+\(d)" : "\(d)"))</td>"
            }
            s += "</tr>"
        }
        s += "</table></div>"
        if n > shown { s += "<p class=\"note\">First \(shown) of \(n) classes; report.json has the full matrices.</p>" }
        return s
    }

    static func short(_ s: String) -> String { s.count <= 6 ? s : String(s.prefix(5)) + "…" }

    // MARK: TensorRT engine

    /// Time (or layer count) per precision as one stacked bar.
    static func precisionBar(_ engine: EngineSection) -> String {
        let parts: [(String, Double)]
        let unit: String
        if let ms = engine.msByPrecision {
            parts = ms.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            unit = "ms"
        } else {
            parts = engine.layersByPrecision.sorted { $0.key < $1.key }.map { ($0.key, Double($0.value)) }
            unit = "layers"
        }
        let total = parts.map(\.1).reduce(0, +)
        guard total > 0 else { return "" }
        let w = 640.0
        var s = "<svg class=\"chart\" viewBox=\"0 0 \(fmt(w)) 46\" role=\"img\" aria-label=\"\(e("engine \(unit) by precision"))\">"
        var x = 0.0
        for (name, v) in parts {
            let bw = w * v / total
            let label = "\(name): \(ReportView.number(v)) \(unit) (\(String(format: "%.0f", 100 * v / total))%)"
            s += "<rect class=\"prec prec-\(e(precisionClass(name)))\" x=\"\(fmt(x))\" y=\"0\" width=\"\(fmt(bw))\" height=\"22\"><title>\(e(label))</title></rect>"
            if bw > 70 { s += "<text class=\"axis inbar\" x=\"\(fmt(x + 4))\" y=\"15\">\(e(label))</text>" }
            x += bw
        }
        s += "<text class=\"axis\" x=\"0\" y=\"40\">\(e(engine.msByPrecision != nil ? "profiled time per precision" : "layers per precision (no profile)"))</text>"
        return s + "</svg>"
    }

    static func precisionClass(_ p: String) -> String {
        switch p {
        case "float32", "float16", "bfloat16", "int8", "float8e4m3fn", "int4": return p
        default: return "other"
        }
    }

    /// The slowest layers as horizontal bars.
    static func slowestLayers(_ engine: EngineSection, count: Int = 12) -> String {
        let timed = engine.layers.filter { $0.timeMs != nil }.sorted { ($0.timeMs!, $1.index) > ($1.timeMs!, $0.index) }.prefix(count)
        guard let peak = timed.first?.timeMs, peak > 0 else { return "" }
        let rowH = 18.0, labelW = 260.0, w = 640.0
        let h = Double(timed.count) * rowH + 4
        var s = "<svg class=\"chart\" viewBox=\"0 0 \(fmt(w)) \(fmt(h))\" role=\"img\" aria-label=\"slowest layers\">"
        for (i, l) in timed.enumerated() {
            let y = Double(i) * rowH + 2
            let bw = (w - labelW - 70) * l.timeMs! / peak
            let name = l.name.count > 40 ? String(l.name.prefix(39)) + "…" : l.name
            s += "<text class=\"axis\" x=\"\(fmt(labelW - 6))\" y=\"\(fmt(y + 12))\" text-anchor=\"end\">\(e(name))</text>"
            s += "<rect class=\"prec prec-\(e(precisionClass(l.precision ?? "")))\" x=\"\(fmt(labelW))\" y=\"\(fmt(y + 2))\" width=\"\(fmt(max(bw, 1)))\" height=\"\(fmt(rowH - 6))\"><title>\(e("\(l.name) [\(l.type), \(l.precision ?? "?")]: \(ReportView.number(l.timeMs)) ms"))</title></rect>"
            s += "<text class=\"axis\" x=\"\(fmt(labelW + bw + 4))\" y=\"\(fmt(y + 12))\">\(e(ReportView.number(l.timeMs) + " ms"))</text>"
        }
        return s + "</svg>"
    }
}
