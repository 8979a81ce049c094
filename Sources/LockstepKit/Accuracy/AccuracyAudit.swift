import Checking
import Foundation
import LockstepCore
import Reporting

/// The `lockstep accuracy` job: run the reference and each candidate form over a labelled
/// evaluation set, compute per-class metrics and the drift of each candidate, and turn
/// significant per-class regressions into findings (docs/accuracy.md).
public enum AccuracyAudit {
    public struct Options: Sendable {
        /// `.npz`, a folder with `labels.csv`, or a class-per-folder image tree.
        public var dataset: String
        public var reference: AccuracyForm
        public var candidates: [AccuracyForm]
        /// Class names, one per line, in index order.
        public var classesFile: String?
        /// Preprocessing of image sets (default: `preprocess.yaml` in the set's folder).
        public var preprocessFile: String?
        /// A metadata column to report drift per value of.
        public var sliceBy: String?
        public var policy = DriftPolicy()
        public var evaluation = EvaluationOptions()
        /// The command line as typed (recorded in the report).
        public var arguments: [String] = []

        public init(dataset: String, reference: String, candidates: [String]) {
            self.dataset = dataset
            self.reference = AccuracyForm(path: reference)
            self.candidates = candidates.map(AccuracyForm.init(path:))
        }
    }

    /// What a run produced: the report, plus wall times of each form (not in the report).
    public struct Outcome: Sendable {
        public var report: Report
        public var seconds: [(form: String, seconds: Double)]
    }

    /// Progress sink factory: called once per form with its id, returns the per-sample callback.
    public typealias ProgressFactory = (_ form: String, _ total: Int) -> FormEvaluation.Progress?

    public static let testName = "exact McNemar (two-sided, conditional binomial; Fagerland et al. 2013)"
    public static let correctionName = "Benjamini–Hochberg across the tested classes of each comparison"
    public static let intervalName = "paired percentile bootstrap of the accuracy delta (SplitMix64-seeded, numpy 'linear' percentiles)"

    public static func run(_ options: Options, clock: () -> Date = Date.init, progress: ProgressFactory? = nil) throws -> Outcome {
        try validate(options)
        let names = try options.classesFile.map { try EvaluationSetLoader.classNames(path: $0) }
        let preprocessing = try options.preprocessFile.map { try ImagePreprocessing.load(path: $0) }
        let set = try EvaluationSetLoader.load(path: options.dataset, classNames: names, preprocessing: preprocessing)
        if let column = options.sliceBy, set.metadata[column] == nil {
            let known = set.metadata.keys.sorted()
            throw LockstepError.invalidArgument("--slice-by \(column): \(options.dataset) has no metadata column '\(column)'"
                + (known.isEmpty ? " (it has none)" : " (columns: \(known.joined(separator: ", ")))"))
        }
        let forms = [options.reference] + options.candidates
        let ids = formIDs(forms)
        var evaluated: [FormPredictions] = []
        for (form, id) in zip(forms, ids) {
            evaluated.append(try FormEvaluation.evaluate(form, on: set, options: options.evaluation, progress: progress?(id, set.count)))
        }
        let classNames = names ?? set.classNames
        let classCount = try reconcileClasses(&evaluated, set: set, classNames: classNames)
        try set.validateLabels(classCount: classCount)

        let metrics = evaluated.map { ClassificationMetrics.compute(labels: set.labels, predictions: $0.predictions) }
        let model = ((options.reference.path as NSString).lastPathComponent as NSString).deletingPathExtension
        var findings: [Finding] = []
        var comparisons: [AccuracyComparison] = []
        let reference = evaluated[0].predictions
        for (c, candidate) in evaluated.enumerated().dropFirst() {
            let drift = AccuracyDrift.compare(labels: set.labels, reference: reference, candidate: candidate.predictions,
                                              groups: set.labels, groupCount: classCount, policy: options.policy)
            findings += AccuracyFindings.findings(drift, subject: .init(model: model, candidate: ids[c], format: candidate.format,
                                                                        classNames: classNames, invalidOutputs: metrics[c].invalidOutputs))
            var comparison = AccuracyComparison(reference: ids[0], candidate: ids[c], aggregate: row(drift.aggregate),
                                                classes: drift.groups.map(row), testedClasses: drift.testedGroups)
            if let column = options.sliceBy, let values = set.metadata[column] {
                let (slices, sliceFindings) = slice(column: column, values: values, set: set, reference: reference,
                                                    candidate: candidate, id: ids[c], model: model, policy: options.policy)
                comparison.slices = slices
                findings += sliceFindings
            }
            comparisons.append(comparison)
        }
        if metrics[0].invalidOutputs > 0 {
            findings.append(Finding(kind: .accuracyDrift, severity: .warning, model: model, form: evaluated[0].format,
                                    measured: Double(metrics[0].invalidOutputs),
                                    message: "reference \(ids[0]): \(metrics[0].invalidOutputs) samples gave NaN scores (counted as wrong)"))
        }
        let policy = options.policy
        let section = AccuracySection(
            dataset: AccuracyDataset(path: options.dataset, kind: set.kind, samples: set.count, classes: classCount, classNames: classNames,
                                     support: metrics[0].classes.map(\.support), metadataColumns: set.metadata.keys.sorted()),
            statistics: AccuracyStatistics(test: testName, correction: correctionName, interval: intervalName, alpha: policy.alpha,
                                           maxDrop: policy.maxDrop, minSupport: policy.minSupport,
                                           bootstrapResamples: policy.bootstrapResamples, seed: policy.seed),
            forms: zip(evaluated, metrics).enumerated().map { i, pair in
                formResult(id: ids[i], role: i == 0 ? "reference" : "candidate", form: pair.0, metrics: pair.1)
            },
            comparisons: comparisons)
        var report = Report(tool: ToolInfo(version: LockstepVersion.string), generatedAt: clock(),
                            command: CommandInfo(name: "accuracy", arguments: options.arguments),
                            models: [ModelEntry(name: model, forms: zip(evaluated, ids).map { e, id in
                                FormEntry(id: id, format: e.format, path: e.form.path, sha256: sha256(e.form.path),
                                          execution: e.form.kind == .model ? "reference interpreter" : "captured outputs")
                            })],
                            findings: findings)
        report.accuracy = section
        return Outcome(report: report, seconds: zip(ids, evaluated).map { ($0, $1.seconds) })
    }

    static func validate(_ options: Options) throws {
        guard !options.candidates.isEmpty else { throw LockstepError.invalidArgument("give at least one --candidate FORM") }
        let p = options.policy
        guard p.alpha > 0 && p.alpha < 1 else { throw LockstepError.invalidArgument("--alpha must be in (0, 1), got \(p.alpha)") }
        guard p.maxDrop >= 0 && p.maxDrop < 1 else { throw LockstepError.invalidArgument("--max-drop must be in [0, 1) (a fraction: 0.02 = 2 points), got \(p.maxDrop)") }
        guard p.minSupport >= 1 else { throw LockstepError.invalidArgument("--min-support must be at least 1") }
        guard p.bootstrapResamples >= 100 && p.bootstrapResamples <= 1_000_000 else {
            throw LockstepError.invalidArgument("--bootstrap must be in 100…1000000 resamples")
        }
        guard options.evaluation.topK >= 1 else { throw LockstepError.invalidArgument("--top-k must be at least 1") }
        guard options.evaluation.batchSize >= 1 else { throw LockstepError.invalidArgument("--batch-size must be at least 1") }
        if let t = options.evaluation.threads, t < 1 { throw LockstepError.invalidArgument("--threads must be at least 1") }
    }

    /// Each form's id: its file name, with `#2`, `#3` … on repeats.
    static func formIDs(_ forms: [AccuracyForm]) -> [String] {
        var seen: [String: Int] = [:]
        return forms.map { f in
            let name = (f.path as NSString).lastPathComponent
            seen[name, default: 0] += 1
            return seen[name]! == 1 ? name : "\(name)#\(seen[name]!)"
        }
    }

    /// The class count all forms, labels and names agree on: the class-name file's, else the
    /// score width of the scored forms (which must agree), else the largest class index seen.
    static func reconcileClasses(_ forms: inout [FormPredictions], set: EvaluationSet, classNames: [String]?) throws -> Int {
        let scored = forms.filter(\.scored)
        let count = classNames?.count ?? scored.first?.predictions.classCount
            ?? max(Int(set.labels.max() ?? 0) + 1, forms.map(\.predictions.classCount).max() ?? 1)
        for i in forms.indices {
            let f = forms[i]
            if f.scored {
                guard f.predictions.classCount == count else {
                    let why = classNames != nil ? "the class-name file lists \(count)" : "\(scored[0].form.path) gives \(count)"
                    throw LockstepError.unsupportedFormat(path: f.form.path, reason: "gives \(f.predictions.classCount) class scores per sample; \(why)")
                }
            } else {
                guard f.predictions.classCount <= count else {
                    throw LockstepError.unsupportedFormat(path: f.form.path, reason: "predicts class \(f.predictions.classCount - 1), but there are \(count) classes")
                }
                forms[i].predictions = f.predictions.withClassCount(count)
            }
        }
        return count
    }

    static func slice(column: String, values: [String], set: EvaluationSet, reference: Predictions, candidate: FormPredictions,
                      id: String, model: String, policy: DriftPolicy) -> (AccuracySlices, [Finding]) {
        let distinct = Array(Set(values)).sorted()
        let index = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, Int32($0)) })
        let groups = values.map { index[$0]! }
        let drift = AccuracyDrift.compare(labels: set.labels, reference: reference, candidate: candidate.predictions,
                                          groups: groups, groupCount: distinct.count, policy: policy)
        var findings: [Finding] = []
        for g in drift.groups where g.verdict == .regression {
            findings.append(Finding(kind: .accuracyDrift, severity: .error, model: model, form: candidate.format,
                                    measured: -(g.delta ?? 0), threshold: policy.maxDrop,
                                    message: "candidate \(id): aggregate \(AccuracyFindings.points(drift.aggregate.delta)); slice \(column)=\(distinct[g.group]) \(AccuracyFindings.points(g.delta)) (\(AccuracyFindings.percent(g.referenceAccuracy)) → \(AccuracyFindings.percent(g.candidateAccuracy)), n = \(g.support)), p = \(AccuracyFindings.pValue(g.adjustedPValue)) (Benjamini–Hochberg over \(drift.testedGroups) slices)"))
        }
        return (AccuracySlices(column: column, values: distinct, rows: drift.groups.map(row), tested: drift.testedGroups), findings)
    }

    static func row(_ g: GroupDrift) -> AccuracyDriftRow {
        AccuracyDriftRow(group: g.group, support: g.support, referenceAccuracy: g.referenceAccuracy, candidateAccuracy: g.candidateAccuracy,
                         delta: g.delta, lost: g.worse, gained: g.better, flips: g.flips, flipRate: g.flipRate, pValue: g.pValue,
                         adjustedPValue: g.adjustedPValue, ciLower: g.interval?.lower, ciUpper: g.interval?.upper, verdict: g.verdict.rawValue)
    }

    static func formResult(id: String, role: String, form: FormPredictions, metrics m: FormMetrics) -> AccuracyFormResult {
        var result = AccuracyFormResult(id: id, path: form.form.path, role: role, execution: form.form.kind == .model ? "reference interpreter" : "captured outputs",
                           samples: m.samples, accuracy: m.accuracy, topK: m.topK, topKAccuracy: m.topKAccuracy, invalidOutputs: m.invalidOutputs,
                           macroPrecision: m.macroPrecision, macroRecall: m.macroRecall, macroF1: m.macroF1,
                           classes: m.classes.map {
                               AccuracyClassMetrics(classIndex: $0.classIndex, support: $0.support, correct: $0.correct, predicted: $0.predicted,
                                                    accuracy: $0.accuracy, precision: $0.precision, f1: $0.f1, topKCorrect: $0.topKCorrect)
                           },
                           confusion: m.confusion)
        result.adaptations = form.adaptations.isEmpty ? nil : form.adaptations
        return result
    }

    /// The report as JSON text (`--json`).
    public static func json(_ report: Report) throws -> String { try ReportJSON.string(report) }

    /// Writes `dir/report.json`, creating the folder; an existing report is replaced only with `force`.
    public static func writeReport(_ report: Report, to dir: String, force: Bool) throws {
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            throw LockstepError.unsupportedFormat(path: dir, reason: "cannot create the report folder (\(error.localizedDescription))")
        }
        try ReportJSON.write(report, to: (dir as NSString).appendingPathComponent("report.json"), overwrite: force)
    }

    static func sha256(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        var hash = SHA256()
        data.withUnsafeBytes { hash.update($0) }
        return hash.finalizeHex()
    }
}
