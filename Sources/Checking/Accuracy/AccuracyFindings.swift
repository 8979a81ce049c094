import Foundation
import LockstepCore

/// Findings from the drift between a reference and one candidate (a pure function of the statistics).
///
/// | finding | severity | when |
/// |---|---|---|
/// | `classRegression` | error | a class tested (support ≥ min), BH-adjusted p ≤ alpha, drop > max-drop |
/// | `accuracyDrift` | error | aggregate: exact McNemar p ≤ alpha and drop > max-drop |
/// | `accuracyDrift` | warning | a class dropped by more than max-drop but has too few samples to judge |
/// | `accuracyDrift` | warning | the candidate gave NaN scores for some samples (counted as wrong) |
/// | `accuracyDrift` | info | a class dropped by more than max-drop without significance, or significantly but within max-drop |
///
/// Messages put the aggregate and the class side by side:
/// `candidate q.onnx: aggregate −1.2 pt; class 4 −16.5 pt, p = 0.0004 (…)`.
public enum AccuracyFindings {
    public struct Subject: Sendable {
        /// `Finding.model`.
        public var model: String
        /// How messages name the candidate (its file name).
        public var candidate: String
        public var format: ModelFormat?
        /// Class names by index, when known.
        public var classNames: [String]?
        /// NaN outputs of the candidate.
        public var invalidOutputs: Int

        public init(model: String, candidate: String, format: ModelFormat?, classNames: [String]?, invalidOutputs: Int = 0) {
            self.model = model
            self.candidate = candidate
            self.format = format
            self.classNames = classNames
            self.invalidOutputs = invalidOutputs
        }

        /// `4`, or `4 'four'` with names.
        func label(_ c: Int) -> String {
            guard let names = classNames, c < names.count else { return "\(c)" }
            return "\(c) '\(names[c])'"
        }

        func location(_ c: Int) -> FindingLocation {
            FindingLocation(classLabel: classNames.flatMap { c < $0.count ? $0[c] : nil } ?? "\(c)")
        }
    }

    public static func findings(_ drift: DriftResult, subject: Subject) -> [Finding] {
        let policy = drift.policy
        let agg = drift.aggregate
        let aggregateText = "aggregate \(points(agg.delta))"
        var out: [Finding] = []
        func finding(_ kind: FindingKind, _ severity: Severity, _ location: FindingLocation?, measured: Double?, threshold: Double?, _ text: String) {
            out.append(Finding(kind: kind, severity: severity, model: subject.model, form: subject.format, location: location,
                               measured: measured, threshold: threshold, message: "candidate \(subject.candidate): " + text))
        }
        for g in drift.groups {
            guard let delta = g.delta else { continue }
            let drop = -delta
            let classText = "class \(subject.label(g.group)) \(points(delta)) (\(percent(g.referenceAccuracy)) → \(percent(g.candidateAccuracy)), n = \(g.support))"
            switch g.verdict {
            case .regression:
                finding(.classRegression, .error, subject.location(g.group), measured: drop, threshold: policy.maxDrop,
                        "\(aggregateText); \(classText), p = \(pValue(g.adjustedPValue)) (Benjamini–Hochberg over \(drift.testedGroups) classes; exact McNemar p = \(pValue(g.pValue)), \(g.worse) lost vs \(g.better) gained)\(interval(g.interval, policy))")
            case .tooSmall where drop > policy.maxDrop:
                finding(.accuracyDrift, .warning, subject.location(g.group), measured: drop, threshold: policy.maxDrop,
                        "\(aggregateText); \(classText): too few samples to judge (minimum support \(policy.minSupport))")
            case .unchanged where drop > policy.maxDrop:
                finding(.accuracyDrift, .info, subject.location(g.group), measured: drop, threshold: policy.maxDrop,
                        "\(aggregateText); \(classText), p = \(pValue(g.adjustedPValue)) (Benjamini–Hochberg): not significant at alpha \(format(policy.alpha))")
            case .smallDrop:
                finding(.accuracyDrift, .info, subject.location(g.group), measured: drop, threshold: policy.maxDrop,
                        "\(aggregateText); \(classText), p = \(pValue(g.adjustedPValue)) (Benjamini–Hochberg): significant but within max-drop \(points(-policy.maxDrop, signed: false))")
            default:
                break
            }
        }
        if agg.verdict == .regression, let delta = agg.delta {
            finding(.accuracyDrift, .error, nil, measured: -delta, threshold: policy.maxDrop,
                    "aggregate \(points(delta)) (\(percent(agg.referenceAccuracy)) → \(percent(agg.candidateAccuracy)), n = \(agg.support)), p = \(pValue(agg.pValue)) (exact McNemar, \(agg.worse) lost vs \(agg.better) gained)\(interval(agg.interval, policy))")
        }
        if subject.invalidOutputs > 0 {
            finding(.accuracyDrift, .warning, nil, measured: Double(subject.invalidOutputs), threshold: nil,
                    "\(subject.invalidOutputs) samples gave NaN scores (counted as wrong)")
        }
        return out
    }

    /// `−11.1 pt` (signed, Unicode minus), one decimal.
    public static func points(_ fraction: Double?, signed: Bool = true) -> String {
        guard let fraction else { return "n/a" }
        let v = (fraction * 1000).rounded() / 10
        let magnitude = String(format: "%.1f", abs(v))
        if !signed { return magnitude + " pt" }
        return (v < 0 ? "−" : v > 0 ? "+" : "±") + magnitude + " pt"
    }

    public static func percent(_ fraction: Double?) -> String {
        guard let fraction else { return "n/a" }
        return String(format: "%.1f%%", fraction * 100)
    }

    /// Two significant digits; `< 0.0001` below that.
    public static func pValue(_ p: Double?) -> String {
        guard let p else { return "n/a" }
        if p < 0.0001 { return "< 0.0001" }
        return format(p)
    }

    static func format(_ x: Double) -> String {
        var s = String(format: "%.2g", x)
        if s.contains("e") { s = String(format: "%.6f", x) }
        return s
    }

    static func interval(_ i: PairedBootstrap.Interval?, _ policy: DriftPolicy) -> String {
        guard let i else { return "" }
        let level = String(format: "%g", (1 - policy.alpha) * 100)
        return ", \(level)% CI [\(points(i.lower)), \(points(i.upper))]"
    }
}
