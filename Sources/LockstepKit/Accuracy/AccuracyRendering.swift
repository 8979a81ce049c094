import Checking
import Foundation
import LockstepCore
import Reporting

/// The terminal summary of `lockstep accuracy`, rendered from the report alone.
public enum AccuracyRendering {
    /// - Parameter seconds: wall time per form id, shown when given (not part of the report).
    public static func text(_ report: Report, seconds: [(form: String, seconds: Double)] = []) -> String {
        guard let a = report.accuracy else { return "" }
        var lines: [String] = []
        let d = a.dataset
        lines.append("dataset \(d.path) (\(d.kind)): \(d.samples) samples, \(d.classes) classes")
        let time = Dictionary(seconds.map { ($0.form, $0.seconds) }, uniquingKeysWith: { a, _ in a })
        let idWidth = a.forms.map(\.id.count).max() ?? 0
        for f in a.forms {
            var line = "\(f.role.padding(toLength: 9, withPad: " ", startingAt: 0)) \(f.id.padding(toLength: idWidth, withPad: " ", startingAt: 0))"
            line += "  accuracy \(AccuracyFindings.percent(f.accuracy))  top-\(f.topK) \(AccuracyFindings.percent(f.topKAccuracy))"
            if let f1 = f.macroF1 { line += String(format: "  macro-F1 %.3f", f1) }
            if f.invalidOutputs > 0 { line += "  NaN outputs \(f.invalidOutputs)" }
            line += "  (\(f.execution)"
            if let s = time[f.id] { line += String(format: ", %.1f s", s) }
            lines.append(line + ")")
        }
        let label: (Int) -> String = { c in
            if let names = d.classNames, c < names.count { return "\(c) \(names[c])" }
            return "\(c)"
        }
        for c in a.comparisons {
            lines.append("")
            let agg = c.aggregate
            lines.append("\(c.candidate) vs \(c.reference): aggregate \(AccuracyFindings.points(agg.delta)) (\(AccuracyFindings.percent(agg.referenceAccuracy)) → \(AccuracyFindings.percent(agg.candidateAccuracy))), flips \(AccuracyFindings.percent(agg.flipRate)), McNemar p = \(AccuracyFindings.pValue(agg.pValue))")
            lines += table(c.classes, name: "class", label: label, minSupport: a.statistics.minSupport)
            if let s = c.slices {
                lines.append("  by \(s.column):")
                lines += table(s.rows, name: s.column, label: { s.values[$0] }, minSupport: a.statistics.minSupport)
            }
        }
        lines.append("")
        lines.append("statistics: \(a.statistics.test); \(a.statistics.correction); alpha \(format(a.statistics.alpha)), max-drop \(AccuracyFindings.points(a.statistics.maxDrop, signed: false)), min-support \(a.statistics.minSupport)")
        if report.findings.isEmpty {
            lines.append("findings: none")
        } else {
            lines.append("findings:")
            for f in report.findings { lines.append("  \(f.severity.rawValue) \(f.kind.rawValue): \(f.message)") }
        }
        let g = report.gate
        lines.append("gate: \(g.passed ? "PASS" : "FAIL") (\(g.bySeverity["error"] ?? 0) errors, \(g.bySeverity["warning"] ?? 0) warnings, \(g.bySeverity["info"] ?? 0) info)")
        return lines.joined(separator: "\n") + "\n"
    }

    static func table(_ rows: [AccuracyDriftRow], name: String, label: (Int) -> String, minSupport: Int) -> [String] {
        let labels = rows.map { label($0.group) }
        let w = max(name.count, labels.map(\.count).max() ?? 0)
        func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
            let p = String(repeating: " ", count: max(0, n - s.count))
            return left ? p + s : s + p
        }
        var out = ["  " + pad(name, w) + "     n     ref    cand       Δ  lost gained   p (BH)  CI (pt)          verdict"]
        for (r, l) in zip(rows, labels) {
            let ci = r.ciLower.map { lo in "[\(number(lo)), \(number(r.ciUpper))]" } ?? "—"
            let p = r.adjustedPValue.map { AccuracyFindings.pValue($0) } ?? "—"
            let verdict = r.verdict == "regression" ? "REGRESSION" : r.verdict == "tooSmall" ? "too small (< \(minSupport))" : r.verdict
            out.append("  " + pad(l, w) + pad("\(r.support)", 6, left: true) + pad(AccuracyFindings.percent(r.referenceAccuracy), 8, left: true)
                       + pad(AccuracyFindings.percent(r.candidateAccuracy), 8, left: true) + pad(AccuracyFindings.points(r.delta), 10, left: true)
                       + pad("\(r.lost)", 6, left: true) + pad("\(r.gained)", 7, left: true) + pad(p, 9, left: true) + "  "
                       + pad(ci, 16) + " " + verdict)
        }
        return out
    }

    static func format(_ x: Double) -> String { String(format: "%g", x) }

    /// A fraction in points without the unit: `−6.6`, `0.0`.
    static func number(_ fraction: Double?) -> String {
        guard let fraction else { return "n/a" }
        let v = (fraction * 1000).rounded() / 10
        return (v < 0 ? "−" : "") + String(format: "%.1f", abs(v))
    }
}
