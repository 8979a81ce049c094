import Foundation
import LockstepCore
import Reporting

/// The readable summary `lockstep check` prints (the report itself is `report.json`).
public enum CheckRendering {
    public static func text(_ report: Report, reportPath: String?) -> String {
        var lines: [String] = []
        for m in report.models {
            lines.append("model \(m.name): " + m.forms.map { "\($0.id) \($0.path)" + ($0.execution.map { " (\($0))" } ?? "") }.joined(separator: ", "))
        }
        for i in report.inputs ?? [] {
            var line = "input \(i.name)  \(i.dtype) \(i.shape)  \(i.source)"
            for a in i.adaptations where !a.steps.isEmpty { line += "\n    → \(a.form) '\(a.name)' \(a.dtype) \(a.shape): \(a.steps.joined(separator: "; "))" }
            lines.append(line)
        }
        for c in report.correspondence ?? [] {
            let counts = c.counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            lines.append("structure \(c.source) → \(c.target): \(c.nodes.count) nodes: \(counts)"
                         + (c.unexplainedTargetOps.isEmpty ? "" : "; unexplained \(c.target) ops: \(c.unexplainedTargetOps.joined(separator: ", "))"))
        }
        if let comparisons = report.comparisons, !comparisons.isEmpty {
            lines.append("outputs:")
            for c in comparisons {
                var line = "  \(c.passed ? "pass" : "FAIL")  \(c.reference) → \(c.candidate)  \(c.output)"
                if let p = c.problem {
                    line += "  \(p)"
                } else {
                    let m = c.metrics
                    line += String(format: "  max abs %.3g  mean abs %.3g  cosine %@  failing %d/%d  (%@)", m.maxAbs, m.meanAbs,
                                   m.cosine.map { String(format: "%.6f", $0) } ?? "n/a", m.failing, m.count, tolerance(c.tolerance))
                    if let t1 = m.top1Agreement { line += String(format: "  top-1 %.0f%%", t1 * 100) }
                }
                lines.append(line)
            }
        }
        for d in report.divergence ?? [] {
            if let f = d.first {
                lines.append("divergence \(d.reference) → \(d.candidate): first at \(f.op) '\(f.node)' (tensor \(f.tensor) ↔ \(f.candidateTensor)"
                             + (f.candidateOp.map { ", \($0)" } ?? "") + String(format: "): max abs %.3g", f.maxAbs)
                             + (f.sameValuesInLayout.map { "; same values in layout \($0)" } ?? ""))
                if !d.chain.isEmpty { lines.append("  then: " + d.chain.map { $0.node }.joined(separator: " → ")) }
            } else {
                lines.append("divergence \(d.reference) → \(d.candidate): \(d.mappedTensors) mapped tensors agree")
            }
        }
        for c in report.compatibility ?? [] {
            lines.append("target \(c.target) (\(c.form)): \(c.supported)/\(c.nodes) nodes on target, \(c.fallback) fall back, \(c.unsupported) unsupported, \(c.unknown) unknown")
        }
        for g in report.goldens ?? [] {
            lines.append("golden \(g.name): \(g.intact ? "intact" : "CHANGED") (\(g.files.count) files)")
        }
        let bySeverity = Severity.allCases.reversed().compactMap { s in (report.gate.bySeverity[s.rawValue] ?? 0) > 0 ? "\(report.gate.bySeverity[s.rawValue]!) \(s.rawValue)" : nil }
        lines.append("findings: \(report.findings.count)" + (bySeverity.isEmpty ? "" : " (\(bySeverity.joined(separator: ", ")))"))
        for f in report.findings {
            var at = ""
            if let l = f.location {
                if let n = l.nodeName { at = " node '\(n)'" + (l.op.map { " (\($0))" } ?? "") }
                else if let t = l.tensor { at = " tensor '\(t)'" }
                else if let c = l.classLabel { at = " class '\(c)'" }
            }
            lines.append("  \(f.severity.rawValue)  \(f.kind.rawValue)  \(f.form?.rawValue ?? "-")\(f.target.map { " [\($0)]" } ?? "")\(at): \(f.message)")
        }
        lines.append("result: \(report.gate.passed ? "PASS" : "FAIL") (fails on \(report.gate.failOn.rawValue) and above)" + (reportPath.map { "; report: \($0)" } ?? ""))
        return lines.joined(separator: "\n") + "\n"
    }

    static func tolerance(_ t: ToleranceRecord) -> String {
        switch t.rule {
        case "allclose": return "allclose atol \(short(t.atol)) rtol \(short(t.rtol))"
        case "ulp": return "\(t.maxUlp ?? 0) ULP or atol \(short(t.atol))"
        case "quantStep": return "\(short(t.steps ?? 1)) steps of \(short(t.step ?? 1))"
        default: return t.rule
        }
    }

    static func short(_ v: Double) -> String { String(format: "%.3g", v) }
}
