import Foundation
import LockstepCore
import Reporting

/// Baseline semantics (docs/gate.md, "Baselines"): a previous `report.json` turns known findings
/// into `unchanged`, so that only `new` or `worse` ones fail the gate; findings of the baseline
/// that no longer occur are `fixed`.
///
/// A finding's identity is its kind, model, form, target and location (graph path, node — by
/// name when it has one, else by index —, op, tensor, class); the message and the measured value
/// are not part of it. Findings that share an identity are paired in report order.
/// A known finding is `worse` when its severity rose, or when its measured value moved past the
/// baseline's in the failing direction — away from the threshold when there is one, upwards
/// otherwise — by more than `margin` × |baseline value|.
public enum Baseline {
    /// The identity of a finding, as one string (stable across runs and machines).
    public static func identity(_ f: Finding) -> String {
        var parts = [f.kind.rawValue, f.model, f.form?.rawValue ?? "", f.target ?? ""]
        if let l = f.location {
            parts.append(l.graphPath.joined(separator: "/"))
            if let name = l.nodeName, !name.isEmpty { parts.append("node=" + name) } else { parts.append(l.nodeIndex.map { "#\($0)" } ?? "") }
            parts += [l.op ?? "", l.tensor ?? "", l.classLabel ?? ""]
        }
        return parts.joined(separator: "\u{1F}")
    }

    /// Whether `now` is worse than `before` (same identity).
    public static func isWorse(_ now: Finding, than before: Finding, margin: Double = 0) -> Bool {
        if now.severity > before.severity { return true }
        guard let m = now.measured, let b = before.measured, !m.isNaN, !b.isNaN else {
            // A value that appeared (or became NaN) where there was none is not comparable: not worse.
            return now.measured?.isNaN == true && before.measured?.isNaN == false
        }
        let slack = margin * abs(b)
        let upward: Bool
        if let t = now.threshold ?? before.threshold, !t.isNaN {
            upward = b >= t  // the baseline failed above the threshold: higher is worse; below: lower is worse
        } else {
            upward = true
        }
        return upward ? m > b + slack : m < b - slack
    }

    /// Compares `findings` (sorted, as in the report) with the baseline's. Only baseline findings
    /// of `models` (the models this run covered; nil = all) can be fixed: a shard does not call
    /// another shard's findings fixed.
    public static func compare(_ findings: [Finding], baseline: Report, baselinePath: String, models: Set<String>? = nil,
                               margin: Double = 0) -> BaselineSection {
        var known: [String: [Finding]] = [:]
        for f in baseline.findings where models?.contains(f.model) ?? true { known[identity(f), default: []].append(f) }
        var used: [String: Int] = [:]
        var entries: [BaselineEntry] = []
        for f in findings {
            let id = identity(f)
            let k = used[id, default: 0]
            if let list = known[id], k < list.count {
                used[id] = k + 1
                let before = list[k]
                entries.append(BaselineEntry(status: isWorse(f, than: before, margin: margin) ? .worse : .unchanged,
                                             previousSeverity: before.severity, previousMeasured: before.measured))
            } else {
                entries.append(BaselineEntry(status: .new))
            }
        }
        var fixed: [Finding] = []
        for (id, list) in known {
            fixed += list.dropFirst(used[id, default: 0])
        }
        return BaselineSection(path: baselinePath, generatedAt: baseline.generatedAt, entries: entries, fixed: Report.sortFindings(fixed))
    }

    /// Whether the gate passes: no finding that the policy blocks is new or worse (every blocked
    /// finding counts without a baseline).
    public static func passes(_ findings: [Finding], policy: GatePolicyRecord, baseline: BaselineSection?) -> Bool {
        for (i, f) in findings.enumerated() where policy.blocks(f) {
            guard let b = baseline, i < b.entries.count else { return false }
            if b.entries[i].status == .new || b.entries[i].status == .worse { return false }
        }
        return true
    }

    /// Reads a baseline report (an earlier `report.json` of any command; schema checked).
    public static func read(path: String) throws -> Report {
        guard FileManager.default.fileExists(atPath: path) else {
            throw LockstepError.unsupportedFormat(path: path, reason: "no such baseline; write one with `lockstep gate --update-baseline`")
        }
        return try ReportJSON.read(path: path)
    }
}
