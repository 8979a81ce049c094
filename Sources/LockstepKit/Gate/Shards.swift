import Foundation
import LockstepCore
import Reporting

/// Splitting a suite over machines (`--shard i/n`) and joining the shard reports (`lockstep merge`).
///
/// Models are dealt round-robin in suite order: shard i (1-based) of n runs the models at
/// positions i−1, i−1+n, i−1+2n, … — deterministic, balanced to within one model, and the merged
/// report lists the models in suite order again.
public enum Shards {
    /// Parses `i/n` (1 ≤ i ≤ n ≤ 10000).
    public static func parse(_ text: String) throws -> ShardRecord {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, n <= 10_000, i >= 1, i <= n else {
            throw LockstepError.invalidArgument("--shard '\(text)': expected INDEX/COUNT with 1 ≤ INDEX ≤ COUNT (e.g. 2/4)")
        }
        return ShardRecord(index: i, count: n)
    }

    /// The suite positions shard `s` runs.
    public static func positions(count: Int, shard s: ShardRecord?) -> [Int] {
        guard let s else { return Array(0..<count) }
        return Array(stride(from: s.index - 1, to: count, by: s.count))
    }

    /// Joins the reports of every shard of one gate run into one report, as if unsharded: same
    /// suite (sha256), same shard count, each index exactly once, the same baseline and policy.
    public static func merge(_ reports: [(path: String, report: Report)], now: Date? = nil, arguments: [String] = []) throws -> Report {
        guard let first = reports.first else { throw LockstepError.invalidArgument("merge: give the shard reports (report.json of each shard)") }
        var shards: [ShardRecord] = []
        var seen: [Int: String] = [:]
        for (path, r) in reports {
            guard let suite = r.suite else { throw LockstepError.unsupportedFormat(path: path, reason: "not a gate report (no suite section)") }
            guard let shard = suite.shard ?? suite.mergedShards.flatMap({ $0.count == 1 ? $0[0] : nil }) else {
                throw LockstepError.unsupportedFormat(path: path, reason: "not a shard report (run with --shard i/n)")
            }
            let firstSuite = first.report.suite!
            guard suite.configSHA256 == firstSuite.configSHA256 else {
                throw LockstepError.unsupportedFormat(path: path, reason: "a run of another suite file (sha256 \(suite.configSHA256.prefix(12)) ≠ \(firstSuite.configSHA256.prefix(12)) of \(first.path))")
            }
            guard shard.count == (firstSuite.shard?.count ?? shard.count) else {
                throw LockstepError.unsupportedFormat(path: path, reason: "shard \(shard.text), but \(first.path) is one of \(firstSuite.shard?.count ?? 0)")
            }
            guard suite.policy == firstSuite.policy else { throw LockstepError.unsupportedFormat(path: path, reason: "ran with another fail_on policy than \(first.path)") }
            guard r.baseline?.path == first.report.baseline?.path, r.baseline?.generatedAt == first.report.baseline?.generatedAt else {
                throw LockstepError.unsupportedFormat(path: path, reason: "compared with another baseline than \(first.path)")
            }
            if let other = seen[shard.index] { throw LockstepError.unsupportedFormat(path: path, reason: "shard \(shard.text) again (also \(other))") }
            seen[shard.index] = path
            shards.append(shard)
        }
        let count = shards[0].count
        let missing = (1...count).filter { seen[$0] == nil }
        guard missing.isEmpty else {
            throw LockstepError.invalidArgument("merge: missing shard\(missing.count == 1 ? "" : "s") \(missing.map { "\($0)/\(count)" }.joined(separator: ", ")) of \(count)")
        }

        let ordered = reports.sorted { $0.report.suite!.shard!.index < $1.report.suite!.shard!.index }
        var cases: [SuiteCase] = []
        var models: [ModelEntry] = []
        var pairs: [(Finding, BaselineEntry?)] = []
        var fixed: [Finding] = []
        for (_, r) in ordered {
            cases += r.suite!.cases
            models += r.models
            for (i, f) in r.findings.enumerated() { pairs.append((f, r.baseline.map { $0.entries[i] })) }
            fixed += r.baseline?.fixed ?? []
        }
        cases.sort { $0.index < $1.index }
        let order = Dictionary(cases.enumerated().map { ($1.model, $0) }, uniquingKeysWith: { a, _ in a })
        models.sort { (order[$0.name] ?? .max, $0.name) < (order[$1.name] ?? .max, $1.name) }

        let suite = first.report.suite!
        var report = Report(tool: first.report.tool, generatedAt: Date(), command: CommandInfo(name: "merge", arguments: arguments),
                            models: models, findings: [], failOn: suite.policy.failOn)
        // The latest shard time, unless a clock is injected.
        report.generatedAt = now.map(Report.timestamp) ?? ordered.map(\.report.generatedAt).max()!
        let sorted = Report.sortFindings(pairs.map(\.0))
        var queues: [Finding: [BaselineEntry?]] = [:]
        for (f, e) in pairs { queues[f, default: []].append(e) }
        var entries: [BaselineEntry] = []
        for f in sorted {
            let e = queues[f]!.removeFirst()
            if let e { entries.append(e) }
        }
        report.setFindings(sorted)
        if let b = first.report.baseline {
            report.baseline = BaselineSection(path: b.path, generatedAt: b.generatedAt, entries: entries, fixed: Report.sortFindings(fixed))
        }
        report.suite = SuiteSection(config: suite.config, configSHA256: suite.configSHA256, name: suite.name, policy: suite.policy,
                                    shard: nil, mergedShards: ordered.map { $0.report.suite!.shard! }, cases: cases)
        report.gate.passed = Baseline.passes(report.findings, policy: suite.policy, baseline: report.baseline)
        return report
    }
}
