import Compatibility
import Foundation
import LockstepCore
import Reporting

/// The `lockstep gate` job (docs/gate.md): runs every model of a suite — `check` (dropped ops,
/// reference runs, goldens, divergence), `compat` per target and the TensorRT engine analysis,
/// and `accuracy` audits — through their LockstepKit entry points, joins the findings into one
/// report, compares them with the baseline, and decides the gate: 0 pass, 1 fail (a finding the
/// policy blocks that is new or worse), 2 error (the suite or a model could not be read).
public enum Gate {
    public struct Options: Sendable {
        /// The suite file (default `lockstep.yaml` in the current folder).
        public var config: String = "lockstep.yaml"
        /// `--baseline`: overrides the suite's `baseline:`.
        public var baseline: String?
        /// `--update-baseline`: write this run's report to the baseline path (and pass).
        public var updateBaseline = false
        public var shard: ShardRecord?
        /// `--report-dir`: overrides the suite's `report_dir:` (default `reports`).
        public var reportDirectory: String?
        public var opsets: String?
        /// Worker threads of accuracy audits (nil: all cores).
        public var threads: Int?
        /// The command line as typed (recorded in the report).
        public var arguments: [String] = []
        /// The injected clock.
        public var now: @Sendable () -> Date = { Date() }
        public init() {}
    }

    /// Progress of a run, for the console.
    public enum Event: Sendable {
        /// A model starts: its position among this run's models (1-based) and their count.
        case started(position: Int, of: Int, model: String)
        /// A check of the current model starts (`check`, `compat tflite-gpu`, `accuracy`, …).
        case check(model: String, name: String)
        /// A model is done.
        case finished(position: Int, of: Int, model: String, status: String, findings: Int, blocking: Int, seconds: Double)
    }

    /// What a run produced.
    public struct Outcome: Sendable {
        public var report: Report
        /// Input errors of models (`<file>: <reason>`), in suite order; non-empty means exit 2.
        public var errors: [String]
        /// Where the report files go.
        public var reportDirectory: String
        /// The baseline written with `--update-baseline`.
        public var updatedBaseline: String?

        /// 0 pass, 1 gate failed, 2 an input error.
        public var exitCode: Int32 {
            if !errors.isEmpty { return 2 }
            if updatedBaseline != nil { return 0 }
            return report.gate.passed ? 0 : 1
        }
    }

    /// Loads the suite, validates it against the target catalog, runs this shard's models and
    /// returns the report (not yet written: `GateOutputs.write`).
    public static func run(_ options: Options, clock: @escaping @Sendable () -> Double = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 },
                           progress: (@Sendable (Event) -> Void)? = nil) throws -> Outcome {
        let suite = try SuiteLoader.load(path: options.config)
        let catalog = try Compat.catalog(opsets: options.opsets ?? suite.opsets)
        try validateTargets(suite, catalog: catalog)
        if options.updateBaseline && options.shard != nil {
            throw LockstepError.invalidArgument("--update-baseline and --shard: update the baseline from an unsharded run (or copy the report.json of `lockstep merge`)")
        }
        let baselinePath = options.baseline ?? suite.baseline
        if options.updateBaseline && baselinePath == nil {
            throw LockstepError.invalidArgument("--update-baseline: no baseline path; give --baseline PATH or 'baseline:' in \(options.config)")
        }
        let reportDirectory = options.reportDirectory ?? suite.reportDirectory ?? "reports"
        if let b = baselinePath, !options.updateBaseline, samePath(b, (reportDirectory as NSString).appendingPathComponent("report.json")) {
            throw LockstepError.invalidArgument("\(b): the baseline is the report this run writes; keep baselines outside --report-dir (or pass --update-baseline)")
        }
        // Read the baseline first: a missing or unreadable one is an error before any work.
        var baseline: Report?
        if let b = baselinePath {
            if options.updateBaseline {
                baseline = FileManager.default.fileExists(atPath: b) ? try Baseline.read(path: b) : nil
            } else {
                baseline = try Baseline.read(path: b)
            }
        }

        let positions = Shards.positions(count: suite.models.count, shard: options.shard)
        var cases: [SuiteCase] = []
        var models: [ModelEntry] = []
        var findings: [Finding] = []
        var errors: [String] = []
        for (k, position) in positions.enumerated() {
            let model = suite.models[position]
            progress?(.started(position: k + 1, of: positions.count, model: model.name))
            let start = clock()
            var result = GateCase.run(model, index: position, suite: suite, catalog: catalog, options: options,
                                      progress: { progress?(.check(model: model.name, name: $0)) })
            // Blocking as the gate will judge it: with a baseline, only new or worse findings.
            let sorted = Report.sortFindings(result.findings)
            let statuses = baseline.map { Baseline.compare(sorted, baseline: $0, baselinePath: "", models: [model.name], margin: suite.baselineMargin).entries }
            let blocking = sorted.indices.filter { i in
                suite.policy.blocks(sorted[i]) && (statuses.map { $0[i].status == .new || $0[i].status == .worse } ?? true)
            }.count
            result.suiteCase.status = result.error != nil ? "error" : (blocking > 0 ? "failed" : "passed")
            cases.append(result.suiteCase)
            models.append(result.entry)
            findings += result.findings
            if let e = result.error { errors.append(e) }
            progress?(.finished(position: k + 1, of: positions.count, model: model.name, status: result.suiteCase.status,
                                findings: result.findings.count, blocking: blocking, seconds: clock() - start))
        }

        var report = Report(tool: ToolInfo(version: LockstepVersion.string), generatedAt: options.now(),
                            command: CommandInfo(name: "gate", arguments: options.arguments), models: models, findings: findings,
                            failOn: suite.policy.failOn)
        report.suite = SuiteSection(config: options.config, configSHA256: suite.sha256, name: suite.name, policy: suite.policy,
                                    shard: options.shard, cases: cases)
        if let baseline, let path = baselinePath {
            let covered = options.shard == nil ? nil : Set(positions.map { suite.models[$0].name })
            report.baseline = Baseline.compare(report.findings, baseline: baseline, baselinePath: path, models: covered, margin: suite.baselineMargin)
        }
        report.gate.passed = Baseline.passes(report.findings, policy: suite.policy, baseline: report.baseline)
        var updated: String?
        if options.updateBaseline, let path = baselinePath, errors.isEmpty {
            var stored = report
            stored.baseline = nil
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            try ReportJSON.write(stored, to: path, overwrite: true)
            updated = path
        }
        return Outcome(report: report, errors: errors, reportDirectory: reportDirectory, updatedBaseline: updated)
    }

    /// Every target must exist and judge a form the model has (`file:line` errors).
    static func validateTargets(_ suite: Suite, catalog: TargetCatalog) throws {
        for m in suite.models {
            for (t, line) in zip(m.targets, m.targetLines) {
                let place = "\(suite.path):\(line)"
                if t == Compat.engineTarget {
                    guard m.tensorRT != nil else { throw LockstepError.unsupportedFormat(path: place, reason: "models '\(m.name)': target \(t) judges a TensorRT bundle; add 'tensorrt'") }
                    continue
                }
                let target: Target
                do { target = try catalog.target(t) } catch {
                    throw LockstepError.unsupportedFormat(path: place, reason: "models '\(m.name)': \((error as? LocalizedError)?.errorDescription ?? "\(error)")")
                }
                let has: Bool
                switch target.format {
                case .onnx: has = m.onnx != nil
                case .tflite: has = m.tflite != nil
                case .tensorrt: has = m.tensorRT != nil
                }
                guard has else {
                    throw LockstepError.unsupportedFormat(path: place, reason: "models '\(m.name)': target \(t) judges \(target.format.rawValue) models, and the model has no \(target.format.rawValue) form")
                }
            }
        }
    }

    static func samePath(_ a: String, _ b: String) -> Bool {
        func norm(_ p: String) -> String {
            let absolute = p.hasPrefix("/") ? p : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(p)
            return (absolute as NSString).standardizingPath
        }
        return norm(a) == norm(b)
    }
}
