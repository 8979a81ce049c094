import Foundation
import LockstepCore
import Reporting

/// Per-class drop thresholds of a suite (`class_max_drop: {cat: 0.05}`): the accuracy audit
/// judges every class against one `max_drop`; for a class with its own threshold the gate judges
/// that class's row again from the section's statistics — a regression when the Benjamini–
/// Hochberg-adjusted p is at most alpha, the class was tested (support ≥ min_support) and the
/// drop exceeds the class's threshold — and replaces the audit's findings for it.
enum ClassThresholds {
    static func apply(_ thresholds: [String: Double], to findings: [Finding], section: AccuracySection, model: String) throws -> [Finding] {
        let names = section.dataset.classNames
        func label(_ i: Int) -> String { names.flatMap { i < $0.count ? $0[i] : nil } ?? "\(i)" }
        // Thresholds must name classes of the set.
        let known = Set((0..<section.dataset.classes).flatMap { [label($0), "\($0)"] })
        for key in thresholds.keys.sorted() where !known.contains(key) {
            throw LockstepError.invalidArgument("class_max_drop: '\(key)' is not a class of \(section.dataset.path) (classes: \((0..<section.dataset.classes).map(label).joined(separator: ", ")))")
        }
        let stats = section.statistics
        var out = findings
        for cmp in section.comparisons {
            let format = cmp.candidate.lowercased().hasSuffix(".tflite") ? ModelFormat.tflite : .onnx
            for row in cmp.classes {
                guard let limit = thresholds[label(row.group)] ?? thresholds["\(row.group)"] else { continue }
                let name = label(row.group)
                out.removeAll { f in
                    (f.kind == .classRegression || f.kind == .accuracyDrift) && f.location?.classLabel == name
                        && f.message.hasPrefix("candidate \(cmp.candidate):")
                }
                guard let delta = row.delta else { continue }
                let drop = -delta
                let significant = (row.adjustedPValue ?? 1) <= stats.alpha && row.verdict != "tooSmall"
                let text = "candidate \(cmp.candidate): class \(row.group) '\(name)' \(String(format: "%+.1f", delta * 100)) pt (n = \(row.support)), p = \(ReportView.number(row.adjustedPValue)) (Benjamini–Hochberg)"
                if significant && drop > limit {
                    out.append(Finding(kind: .classRegression, severity: .error, model: model, form: format, location: FindingLocation(classLabel: name),
                                       measured: drop, threshold: limit, message: "\(text): beyond the suite's class threshold \(String(format: "%.1f", limit * 100)) pt"))
                } else if drop > limit {
                    out.append(Finding(kind: .accuracyDrift, severity: .info, model: model, form: format, location: FindingLocation(classLabel: name),
                                       measured: drop, threshold: limit, message: "\(text): beyond the suite's class threshold but not significant"))
                } else if drop > stats.maxDrop {
                    out.append(Finding(kind: .accuracyDrift, severity: .info, model: model, form: format, location: FindingLocation(classLabel: name),
                                       measured: drop, threshold: limit, message: "\(text): within the suite's class threshold \(String(format: "%.1f", limit * 100)) pt"))
                }
            }
        }
        return out
    }
}
