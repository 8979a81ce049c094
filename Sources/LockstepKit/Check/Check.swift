import Checking
import Compatibility
import Foundation
import Interpreter
import LockstepCore
import ONNXFormat
import Reporting
import TensorIO
import TensorRTFormat

/// The `lockstep check` job: a differential test of one model's forms (docs/check.md).
///
/// Loads the ONNX source and the converted forms, accounts for every source node in each
/// converted form (dropped ops), runs the ONNX and TFLite forms in the reference interpreter on
/// the same inputs (adapted per form), reads a TensorRT bundle's captured outputs, compares every
/// output against the ONNX form and the golden cases, localises the first diverging op when a
/// TFLite output diverges, judges the forms against `--target`s, and returns the `Report`.
public enum Check {
    public struct Options: Sendable {
        public var onnx: String
        public var tflite: String?
        public var tensorRT: String?
        /// `--inputs DIR`: `<input name>.npy` or `input_<i>.npy` in ONNX terms.
        public var inputDirectory: String?
        /// `--golden DIR`: a golden case, a suite, or the whole store.
        public var golden: String?
        /// `--random-inputs SEED` (default 0 when no inputs are given at all).
        public var randomSeed: UInt64?
        public var dimensions: [String: Int] = [:]
        /// Compatibility targets (`--target ID`).
        public var targets: [String] = []
        public var opsets: String?
        public var tolerances = TolerancePolicy()
        public var failOn: Severity = .error
        /// The command line as typed, for the report.
        public var arguments: [String] = []
        /// The injected clock.
        public var now: @Sendable () -> Date = { Date() }

        public init(onnx: String) { self.onnx = onnx }
    }

    /// One set of inputs and what the forms were compared against with them.
    struct InputSet {
        var label: String
        var source: String
        /// ONNX input name → value.
        var values: [String: Tensor]
        var golden: GoldenCase?
        /// Reference outputs from the golden case (name → tensor, file).
        var goldenOutputs: [(name: String, tensor: Tensor, file: GoldenFile)] = []
    }

    public static func run(_ options: Options) throws -> Report {
        let onnxModel = try ModelFile.load(path: options.onnx)
        guard onnxModel.format == .onnx else {
            throw LockstepError.invalidArgument("--onnx \(options.onnx): expected an ONNX model, found a \(onnxModel.format) file")
        }
        let name = ((options.onnx as NSString).lastPathComponent as NSString).deletingPathExtension
        var forms: [FormEntry] = [FormEntry(id: "onnx", format: .onnx, path: options.onnx, sha256: SHA256.hex(fileAt: options.onnx),
                                            producer: producer(onnxModel), execution: "reference interpreter")]
        var tfliteModel: Model?
        if let path = options.tflite {
            let m = try ModelFile.load(path: path)
            guard m.format == .tflite else { throw LockstepError.invalidArgument("--tflite \(path): expected a TFLite model, found a \(m.format) file") }
            tfliteModel = m
            forms.append(FormEntry(id: "tflite", format: .tflite, path: path, sha256: SHA256.hex(fileAt: path), producer: producer(m),
                                   execution: "reference interpreter"))
        }
        var bundle: TensorRTBundle?
        if let path = options.tensorRT {
            let b = try loadBundle(path, option: "--trt")
            bundle = b
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            forms.append(FormEntry(id: "tensorrt", format: .tensorrt, path: path, sha256: isDirectory.boolValue ? nil : SHA256.hex(fileAt: path),
                                   producer: b.tensorRTVersion.map { "TensorRT \($0)" },
                                   execution: b.outputs.isEmpty ? "not executed (no captured outputs)" : "captured outputs"))
        }

        var report = Report(tool: ToolInfo(version: LockstepVersion.string), generatedAt: options.now(),
                            command: CommandInfo(name: "check", arguments: options.arguments), models: [], findings: [], failOn: options.failOn)
        var findings: [Finding] = []
        var comparisons: [OutputComparison] = []
        var divergence: [DivergenceSection] = []
        var correspondenceSections: [CorrespondenceSection] = []

        // Structure: every source node accounted for in each converted form.
        // opsets/ is needed only for the correspondence table and --target.
        let needsOpsets = tfliteModel != nil || !(bundle?.layers.isEmpty ?? true) || !options.targets.isEmpty
        let opsets = needsOpsets ? try Compat.opsetsDirectory(explicit: options.opsets) : ""
        var tfliteCorrespondence: Correspondence?
        if tfliteModel != nil || !(bundle?.layers.isEmpty ?? true) {
            let table = try CorrespondenceTable.load(opsetsDirectory: opsets)
            let builder = CorrespondenceBuilder(table: table)
            if let t = tfliteModel {
                let c = builder.onnxToTFLite(source: onnxModel, target: t)
                tfliteCorrespondence = c
                correspondenceSections.append(section(c, target: "tflite"))
            }
            if let b = bundle, !b.layers.isEmpty {
                let c = builder.onnxToTensorRT(source: onnxModel, target: b.model)
                correspondenceSections.append(section(c, target: "tensorrt"))
                findings += c.findings(model: name, source: onnxModel, targetForm: .tensorrt)
            }
        }

        // Inputs.
        let sets = try inputSets(options, model: onnxModel, bundle: bundle)
        var inputRecords: [InputRecord] = []
        var goldenRecords: [GoldenCaseRecord] = []
        let onnxSession = try session(onnxModel, path: options.onnx)
        let tfliteSession = try tfliteModel.map { try session($0, path: options.tflite!) }

        var localizedTFLite = false
        var tfliteFindings: [Finding] = []
        var firstDivergenceOp: String?
        for set in sets {
            if let g = set.golden {
                let v = try GoldenStore.verify(caseDirectory: g.directory)
                goldenRecords.append(GoldenCaseRecord(name: g.name, path: g.directory, files: Dictionary(v.files.map { ($0.file, $0.status.rawValue) }, uniquingKeysWith: { a, _ in a })))
            }
            let onnxRun = try execute(onnxSession, feeds: set.values, path: options.onnx, intermediates: tfliteSession != nil)
            // Golden references.
            for (goldenName, tensor, file) in set.goldenOutputs {
                let reference = "golden \(set.golden!.name)"
                if let produced = onnxRun.outputs[goldenName] {
                    let c = compare(reference: tensor, referenceName: reference, output: goldenName, candidate: produced, candidateName: "onnx",
                                    candidateOutput: goldenName, policy: options.tolerances, manifest: file.tolerance)
                    comparisons.append(c)
                    if !c.passed { findings.append(outputFinding(c, model: name, form: .onnx, against: "\(reference) (\(file.provenance.runtime) \(file.provenance.version))")) }
                } else {
                    findings.append(Finding(kind: .numericDivergence, severity: .error, model: name, form: .onnx, location: FindingLocation(tensor: goldenName),
                                            message: "golden \(set.golden!.name) has output '\(goldenName)', which the ONNX model does not produce"))
                }
            }
            // TFLite: adapted inputs, outputs against ONNX (and goldens), divergence localisation.
            if let tm = tfliteModel, let ts = tfliteSession {
                let sourceOrder = onnxModel.graph.runtimeInputs.map(\.name)
                let adapted: InputAdapter.Adapted
                do { adapted = try InputAdapter.adapt(set.values, sourceOrder: sourceOrder, to: tm.graph.runtimeInputs) } catch let e as CheckingError {
                    throw LockstepError.unsupportedFormat(path: options.tflite!, reason: "cannot feed the ONNX inputs to it: \(e.errorDescription ?? "")")
                }
                if inputRecords.count < sourceOrder.count {
                    for input in onnxModel.graph.runtimeInputs {
                        guard let v = set.values[input.name] else { continue }
                        let adaptations = adapted.records.filter { $0.sourceName == input.name }.map {
                            InputAdaptation(form: "tflite", name: $0.targetName, dtype: $0.tensor.dtype, shape: $0.tensor.shape, steps: $0.steps)
                        }
                        inputRecords.append(InputRecord(name: input.name, source: set.source, dtype: v.dtype, shape: v.shape, adaptations: adaptations))
                    }
                }
                let tfliteRun = try execute(ts, feeds: adapted.feeds, path: options.tflite!, intermediates: true)
                var failing: [OutputComparison] = []
                for (i, output) in onnxModel.graph.outputs.enumerated() {
                    guard let reference = onnxRun.outputs[output.name] else { continue }
                    let candidateName = i < tm.graph.outputs.count ? tm.graph.outputs[i].name : ""
                    let nameStep = candidateName == output.name ? [] : ["matched by position (output \(i))"]
                    guard let candidate = tfliteRun.outputs[candidateName] else {
                        let reason = tfliteRun.unproduced[candidateName] ?? "the TFLite form has no output \(i)"
                        comparisons.append(problem(reference: "onnx", candidate: "tflite", output: output.name, candidateOutput: candidateName,
                                                   tensor: reference, reason: "not computed: \(reason)"))
                        continue
                    }
                    var c = compare(reference: reference, referenceName: "onnx", output: output.name, candidate: candidate, candidateName: "tflite",
                                    candidateOutput: candidateName, policy: options.tolerances, manifest: nil)
                    c.adaptation = nameStep + c.adaptation
                    comparisons.append(c)
                    if !c.passed { failing.append(c) }
                }
                for (goldenName, tensor, file) in set.goldenOutputs {
                    guard let i = onnxModel.graph.outputs.firstIndex(where: { $0.name == goldenName }), i < tm.graph.outputs.count,
                          let candidate = tfliteRun.outputs[tm.graph.outputs[i].name] else { continue }
                    let c = compare(reference: tensor, referenceName: "golden \(set.golden!.name)", output: goldenName, candidate: candidate,
                                    candidateName: "tflite", candidateOutput: tm.graph.outputs[i].name, policy: options.tolerances, manifest: file.tolerance)
                    comparisons.append(c)
                }
                if !failing.isEmpty && !localizedTFLite, let corr = tfliteCorrespondence {
                    localizedTFLite = true
                    let result = localize(source: onnxModel, target: tm, correspondence: corr, reference: onnxRun, candidate: tfliteRun,
                                          policy: options.tolerances)
                    divergence.append(divergenceSection(result, reference: "onnx", candidate: "tflite"))
                    firstDivergenceOp = result.first?.probe.candidateOp
                    tfliteFindings += divergenceFindings(result, failing: failing, correspondence: corr, model: name, source: onnxModel)
                } else if !failing.isEmpty && !localizedTFLite {
                    tfliteFindings += failing.map { outputFinding($0, model: name, form: .tflite, against: "the ONNX form") }
                }
            }
            // TensorRT: captured outputs against the ONNX form on the bundle's inputs, and goldens.
            if let b = bundle, !b.outputs.isEmpty, set.label == sets.first?.label {
                let onnxOnBundle: RunOutputs
                var note: String? = nil
                if !b.inputs.isEmpty {
                    var feeds: [String: Tensor] = [:]
                    for (i, input) in onnxModel.graph.runtimeInputs.enumerated() {
                        if let t = b.inputs.first(where: { $0.name == input.name })?.tensor ?? (i < b.inputs.count ? b.inputs[i].tensor : nil) { feeds[input.name] = t }
                    }
                    onnxOnBundle = try execute(onnxSession, feeds: feeds, path: options.onnx, intermediates: false)
                } else {
                    onnxOnBundle = onnxRun
                    note = "the bundle records no inputs; assuming its outputs were captured on these inputs"
                }
                for (i, output) in onnxModel.graph.outputs.enumerated() {
                    guard let reference = onnxOnBundle.outputs[output.name] else { continue }
                    guard let captured = b.outputs.first(where: { $0.name == output.name }) ?? (i < b.outputs.count ? b.outputs[i] : nil) else {
                        comparisons.append(problem(reference: "onnx", candidate: "tensorrt", output: output.name, candidateOutput: "",
                                                   tensor: reference, reason: "the bundle has no captured output for it"))
                        continue
                    }
                    var c = compare(reference: reference, referenceName: "onnx", output: output.name, candidate: captured.tensor,
                                    candidateName: "tensorrt", candidateOutput: captured.name, policy: options.tolerances, manifest: nil)
                    if captured.name != output.name { c.adaptation.insert("matched by position (output \(i))", at: 0) }
                    if let note { c.adaptation.append(note) }
                    comparisons.append(c)
                    if !c.passed { findings.append(outputFinding(c, model: name, form: .tensorrt, against: "the ONNX form")) }
                }
            }
            if let b = bundle, !b.outputs.isEmpty {
                for (goldenName, tensor, file) in set.goldenOutputs {
                    guard let captured = b.outputs.first(where: { $0.name == goldenName }) else { continue }
                    let c = compare(reference: tensor, referenceName: "golden \(set.golden!.name)", output: goldenName, candidate: captured.tensor,
                                    candidateName: "tensorrt", candidateOutput: captured.name, policy: options.tolerances, manifest: file.tolerance)
                    comparisons.append(c)
                    if !c.passed && onnxModel.graph.outputs.isEmpty {
                        findings.append(outputFinding(c, model: name, form: .tensorrt, against: "golden \(set.golden!.name)"))
                    }
                }
            }
            if tfliteModel == nil && inputRecords.count < onnxModel.graph.runtimeInputs.count {
                for input in onnxModel.graph.runtimeInputs {
                    if let v = set.values[input.name] { inputRecords.append(InputRecord(name: input.name, source: set.source, dtype: v.dtype, shape: v.shape)) }
                }
            }
        }
        // Structural findings of the TFLite form, merged with the numeric ones that share a root cause.
        if let corr = tfliteCorrespondence {
            findings += merge(structural: corr.findings(model: name, source: onnxModel, targetForm: .tflite), numeric: tfliteFindings,
                              correspondence: corr, firstDivergenceOp: firstDivergenceOp)
        } else {
            findings += tfliteFindings
        }

        // Compatibility targets.
        var compatibility: [CompatibilitySummary] = []
        if !options.targets.isEmpty {
            let catalog = try TargetCatalog.load(directory: opsets)
            let analyzer = CompatibilityAnalyzer(catalog: catalog)
            for id in options.targets {
                let target = try catalog.target(id)
                let form: (Model, String)? = switch target.format {
                case .onnx: (onnxModel, "onnx")
                case .tflite: tfliteModel.map { ($0, "tflite") }
                case .tensorrt: bundle.map { ($0.model, "tensorrt") }
                }
                guard let (model, formID) = form else {
                    throw LockstepError.invalidArgument("--target \(id) judges \(target.format) models; pass --\(target.format == .tensorrt ? "trt" : target.format.rawValue) too")
                }
                let r = try analyzer.analyze(model, target: target)
                findings += r.findings.map { f in var f = f; f.model = name; return f }
                let t = r.total
                compatibility.append(CompatibilitySummary(target: id, form: formID, nodes: t.nodes, supported: t.onTarget, fallback: t.fallback,
                                                          unsupported: t.unsupported + t.custom, unknown: t.unknown, partitions: t.partitions))
            }
        }

        report.models = [ModelEntry(name: name, forms: forms + (sets.compactMap(\.golden).map {
            FormEntry(id: "golden", format: nil, path: $0.directory, producer: $0.manifest.outputs.first.map { "\($0.provenance.runtime) \($0.provenance.version)" },
                      execution: "golden files")
        }))]
        report.inputs = inputRecords
        report.comparisons = comparisons
        report.correspondence = correspondenceSections.isEmpty ? nil : correspondenceSections
        report.divergence = divergence.isEmpty ? nil : divergence
        report.compatibility = compatibility.isEmpty ? nil : compatibility
        report.goldens = goldenRecords.isEmpty ? nil : goldenRecords
        for g in goldenRecords where !g.intact {
            findings.append(Finding(kind: .goldenIntegrity, severity: .error, model: name,
                                    message: "golden \(g.name): " + g.files.sorted { $0.key < $1.key }.filter { $0.value != "ok" }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))
        }
        report.setFindings(findings)
        return report
    }

    /// A TensorRT bundle (folder, bundle.json, plan, layer information), or one file of captured
    /// outputs (Polygraphy `--save-outputs` JSON, trtexec `--exportOutput` JSON or `--dumpOutput`
    /// log, .npy) read as a bundle that holds only outputs (and the inputs Polygraphy saved beside them).
    public static func loadBundle(_ path: String, option: String) throws -> TensorRTBundle {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw LockstepError.unsupportedFormat(path: path, reason: "no such file")
        }
        if !isDirectory.boolValue {
            let kinds = try TensorRTFiles.classify(path: path)
            if kinds.contains(where: { [.polygraphyOutputs, .exportOutputJSON, .dumpOutputLog, .npy].contains($0) }) {
                return try TensorRTBundleLoader.load(files: TensorRTBundleFiles(outputs: [path]), path: path)
            }
        }
        guard case .tensorRT(let b) = try ModelFile.open(path: path) else {
            throw LockstepError.invalidArgument("\(option) \(path): expected a TensorRT plan bundle (a folder, a plan, layer information or captured outputs)")
        }
        return b
    }

    // MARK: Inputs

    static func inputSets(_ options: Options, model: Model, bundle: TensorRTBundle?) throws -> [InputSet] {
        if let golden = options.golden {
            let cases = try GoldenStore.caseDirectories(under: golden).map { try GoldenStore.read(caseDirectory: $0) }
            guard !cases.isEmpty else { throw CheckingError.invalidInput(path: golden, reason: "no golden cases (folders with manifest.yaml) under it") }
            return try cases.map { g in
                var values: [String: Tensor] = [:]
                let inputs = try g.inputs()
                for (i, input) in model.graph.runtimeInputs.enumerated() {
                    guard let t = inputs.first(where: { $0.name == input.name })?.tensor ?? (inputs.count == model.graph.runtimeInputs.count ? inputs[i].tensor : nil) else {
                        throw CheckingError.invalidInput(path: g.manifestPath, reason: "has no input '\(input.name)' (inputs: \(inputs.map(\.name).joined(separator: ", ")))")
                    }
                    values[input.name] = t
                }
                return InputSet(label: g.name, source: "golden \(g.name)", values: values, golden: g, goldenOutputs: try g.outputs())
            }
        }
        if options.inputDirectory == nil && options.randomSeed == nil, let b = bundle, !b.inputs.isEmpty {
            var values: [String: Tensor] = [:]
            for (i, input) in model.graph.runtimeInputs.enumerated() {
                if let t = b.inputs.first(where: { $0.name == input.name })?.tensor ?? (i < b.inputs.count ? b.inputs[i].tensor : nil) { values[input.name] = t }
            }
            return [InputSet(label: "bundle", source: "captured with the TensorRT bundle", values: values)]
        }
        var run = ModelRun.Options()
        run.inputDirectory = options.inputDirectory
        run.randomSeed = options.randomSeed ?? (options.inputDirectory == nil ? 0 : nil)
        run.dimensions = options.dimensions
        let (feeds, generated) = try ModelRun.inputs(for: model, options: run)
        var values: [String: Tensor] = [:]
        for (k, v) in feeds { if case .tensor(let t) = v { values[k] = t } }
        let source = generated.isEmpty ? "file \(options.inputDirectory ?? "")" : "random (seed \(run.randomSeed ?? 0); floats uniform in [-1, 1), docs/run.md)"
        return [InputSet(label: "inputs", source: source, values: values)]
    }

    // MARK: Execution

    struct RunOutputs {
        var outputs: [String: Tensor]
        /// Every kept value: inputs, intermediates and outputs.
        var values: [String: Tensor]
        var unproduced: [String: String]
    }

    static func session(_ model: Model, path: String) throws -> Session {
        do { return try Session(model: model) } catch let e as InterpreterError {
            throw LockstepError.unsupportedFormat(path: path, reason: e.localizedDescription)
        }
    }

    static func execute(_ session: Session, feeds: [String: Tensor], path: String, intermediates: Bool) throws -> RunOutputs {
        let result: RunResult
        do {
            result = try session.run(feeds.mapValues { .tensor($0) }, options: RunOptions(intermediates: intermediates ? .all : .none))
        } catch let e as InterpreterError {
            throw LockstepError.unsupportedFormat(path: path, reason: e.localizedDescription)
        }
        // Quantisation is a property of the file's tensors (TFLite): attach it where a kernel's
        // result does not carry it, so comparisons can dequantise.
        var declared: [String: QuantizationParameters] = [:]
        for v in session.model.graph.valueInfo + session.model.graph.inputs + session.model.graph.outputs {
            if let q = v.quantization { declared[v.name] = q }
        }
        func quantised(_ name: String, _ t: Tensor) -> Tensor {
            guard t.quantization == nil, t.dtype.isInteger, let q = declared[name] else { return t }
            var t = t
            t.quantization = q
            return t
        }
        var outputs: [String: Tensor] = [:]
        for (name, value) in result.outputs { if case .tensor(let t)? = value { outputs[name] = quantised(name, t) } }
        var values = feeds
        for (name, value) in result.intermediates { if case .tensor(let t) = value { values[name] = quantised(name, t) } }
        for (k, v) in outputs { values[k] = v }
        return RunOutputs(outputs: outputs, values: values, unproduced: result.unproduced)
    }

    // MARK: Comparison

    static func compare(reference: Tensor, referenceName: String, output: String, candidate: Tensor, candidateName: String,
                        candidateOutput: String, policy: TolerancePolicy, manifest: ToleranceOverride?) -> OutputComparison {
        do {
            let aligned = try Alignment.compare(reference: reference, candidate: candidate) { q in
                policy.resolve(output: output, dtype: reference.dtype, quantization: q, manifest: manifest)
            }
            var steps = aligned.steps
            if let p = aligned.sameValuesInLayout {
                steps.append("the values match in another layout: \(Layout.describe(p)) of \(aligned.layoutShape ?? candidate.shape)")
            }
            return OutputComparison(reference: referenceName, candidate: candidateName, output: output, candidateOutput: candidateOutput,
                                    dtype: reference.dtype, shape: reference.shape, candidateDtype: candidate.dtype, candidateShape: candidate.shape,
                                    adaptation: steps, tolerance: record(aligned.comparison.tolerance), metrics: metrics(aligned.comparison),
                                    passed: aligned.comparison.passed)
        } catch {
            return problem(reference: referenceName, candidate: candidateName, output: output, candidateOutput: candidateOutput, tensor: reference,
                           reason: (error as? LocalizedError)?.errorDescription ?? "\(error)", candidate: candidate)
        }
    }

    static func problem(reference: String, candidate: String, output: String, candidateOutput: String, tensor: Tensor, reason: String,
                        candidate c: Tensor? = nil) -> OutputComparison {
        let empty = ErrorMetrics(count: 0, failing: 0, maxAbs: 0, meanAbs: 0, medianAbs: 0, p99Abs: 0, maxRel: 0, meanRel: 0, medianRel: 0, p99Rel: 0,
                                 rmse: 0, cosine: nil, snrDb: nil, maxUlp: nil, nanMismatches: 0, infMismatches: 0, top1Agreement: nil,
                                 top5Agreement: nil, worstIndex: nil, worstReference: nil, worstCandidate: nil,
                                 histogram: ErrorHistogram(edges: [], counts: []), requiredAtol: 0, requiredRtol: 0)
        return OutputComparison(reference: reference, candidate: candidate, output: output, candidateOutput: candidateOutput, dtype: tensor.dtype,
                                shape: tensor.shape, candidateDtype: c?.dtype ?? tensor.dtype, candidateShape: c?.shape ?? [],
                                tolerance: ToleranceRecord(rule: "none", atol: 0, rtol: 0, source: "not compared"), metrics: empty, passed: false,
                                problem: reason)
    }

    static func record(_ t: Tolerance) -> ToleranceRecord {
        ToleranceRecord(rule: t.rule.rawValue, atol: t.atol, rtol: t.rtol, maxUlp: t.rule == .ulp ? t.maxUlp : nil,
                        step: t.rule == .quantStep ? t.step : nil, steps: t.rule == .quantStep ? t.steps : nil, equalNaN: t.equalNaN, source: t.source)
    }

    static func metrics(_ c: TensorComparison) -> ErrorMetrics {
        ErrorMetrics(count: c.count, failing: c.failing, maxAbs: c.maxAbs, meanAbs: c.meanAbs, medianAbs: c.medianAbs, p99Abs: c.p99Abs,
                     maxRel: c.maxRel, meanRel: c.meanRel, medianRel: c.medianRel, p99Rel: c.p99Rel, rmse: c.rmse, cosine: c.cosine, snrDb: c.snrDb,
                     maxUlp: c.maxUlp, nanMismatches: c.nanMismatches, infMismatches: c.infMismatches, top1Agreement: c.top1Agreement,
                     top5Agreement: c.top5Agreement, worstIndex: c.worstIndex, worstReference: c.worstReference, worstCandidate: c.worstCandidate,
                     histogram: ErrorHistogram(edges: c.histogramEdges, counts: c.histogramCounts), requiredAtol: c.requiredAtol,
                     requiredRtol: c.requiredRtol)
    }

    /// A numericDivergence finding for one failing output (no localisation).
    static func outputFinding(_ c: OutputComparison, model: String, form: ModelFormat, against: String) -> Finding {
        let m = c.metrics
        let gap = (m.worstCandidate ?? 0) - (m.worstReference ?? 0)
        let threshold = c.tolerance.atol + c.tolerance.rtol * abs(m.worstReference ?? 0) + (c.tolerance.step ?? 0) * (c.tolerance.steps ?? 0)
        return Finding(kind: .numericDivergence, severity: .error, model: model, form: form, location: FindingLocation(tensor: c.output),
                       measured: m.nanMismatches + m.infMismatches > 0 ? .nan : abs(gap), threshold: threshold,
                       message: "output '\(c.output)' of the \(form) form differs from \(against): \(m.failing) of \(m.count) elements beyond tolerance (\(c.tolerance.rule)), max abs \(fmt(m.maxAbs)), cosine \(m.cosine.map(fmt) ?? "n/a")"
                        + (m.nanMismatches > 0 ? ", \(m.nanMismatches) NaN mismatches" : "") + (m.infMismatches > 0 ? ", \(m.infMismatches) Inf mismatches" : ""))
    }

    // MARK: Localisation

    static func localize(source: Model, target: Model, correspondence: Correspondence, reference: RunOutputs, candidate: RunOutputs,
                         policy: TolerancePolicy) -> DivergenceLocalizer.Result {
        var producer: [String: Int] = [:]
        for (i, n) in target.graph.nodes.enumerated() { for o in n.outputs { producer[o] = i } }
        var probes: [DivergenceLocalizer.Probe] = []
        var seen = Set<String>()
        for (index, node) in source.graph.nodes.enumerated() where node.op.name != "Constant" {
            guard let out = node.outputs.first, let ct = correspondence.observableCounterpart(of: out), seen.insert(out).inserted else { continue }
            var pre: [Int]?
            if ["Flatten", "Reshape", "Squeeze", "Unsqueeze"].contains(node.op.name), let input = node.inputs.first, let v = reference.values[input] {
                pre = v.shape
            }
            probes.append(.init(nodeIndex: index, node: node.name, op: node.op.qualifiedName, tensor: out, candidateTensor: ct,
                                candidateOp: producer[ct].map { correspondence.targetLabels[$0] }, preReshapeShape: pre))
        }
        return DivergenceLocalizer.localize(probes: probes, reference: reference.values, candidate: candidate.values) { tensor, dtype, q in
            policy.resolve(output: tensor, dtype: dtype, quantization: q)
        }
    }

    static func divergenceSection(_ r: DivergenceLocalizer.Result, reference: String, candidate: String) -> DivergenceSection {
        func point(_ p: DivergenceLocalizer.Point) -> DivergencePoint {
            let c = p.aligned.comparison
            return DivergencePoint(nodeIndex: p.probe.nodeIndex, node: p.probe.node, op: p.probe.op, tensor: p.probe.tensor,
                                   candidateTensor: p.probe.candidateTensor, candidateOp: p.probe.candidateOp,
                                   mapping: (["correspondence"] + p.aligned.steps).joined(separator: ", "), permutation: p.aligned.permutation,
                                   maxAbs: c.maxAbs, meanAbs: c.meanAbs, cosine: c.cosine, passed: c.passed, sameValuesInLayout: p.aligned.sameValuesInLayout)
        }
        return DivergenceSection(reference: reference, candidate: candidate, mappedTensors: r.trail.count + r.chain.count,
                                 first: r.first.map(point), chain: r.chain.map(point), trail: r.trail.map(point))
    }

    /// One finding for the localised divergence: at the first diverging node, a layoutMismatch when
    /// the values match in another layout, else a numericDivergence.
    static func divergenceFindings(_ r: DivergenceLocalizer.Result, failing: [OutputComparison], correspondence: Correspondence, model: String,
                                   source: Model) -> [Finding] {
        let outputs = failing.map { "'\($0.output)'" }.joined(separator: ", ")
        guard let first = r.first else {
            return failing.map { outputFinding($0, model: model, form: .tflite, against: "the ONNX form") }
        }
        let c = first.aligned.comparison
        let location = FindingLocation(graphPath: [source.graph.name], nodeIndex: first.probe.nodeIndex, nodeName: first.probe.node, op: first.probe.op,
                                       tensor: first.probe.tensor)
        let gap = abs((c.worstCandidate ?? 0) - (c.worstReference ?? 0))
        let threshold = c.tolerance.bound(c.worstReference ?? 0)
        let chain = r.chain.prefix(6).map { $0.probe.node }.joined(separator: " → ")
        let via = first.probe.candidateOp.map { " (\($0) in the TFLite form)" } ?? ""
        if let p = first.aligned.sameValuesInLayout {
            return [Finding(kind: .layoutMismatch, severity: .error, model: model, form: .tflite, location: location, measured: gap, threshold: threshold,
                            message: "\(first.probe.op) '\(first.probe.node)'\(via) holds the same values in another layout: \(Layout.describe(p)) of \(first.aligned.layoutShape ?? [])"
                                + "; outputs \(outputs) diverge from there" + (chain.isEmpty ? "" : " (then \(chain))"))]
        }
        return [Finding(kind: .numericDivergence, severity: .error, model: model, form: .tflite, location: location, measured: gap, threshold: threshold,
                        message: "first diverging op: \(first.probe.op) '\(first.probe.node)'\(via): \(c.failing) of \(c.count) elements beyond tolerance (\(c.tolerance.rule)), max abs \(fmt(c.maxAbs)), cosine \(c.cosine.map(fmt) ?? "n/a")"
                            + "; outputs \(outputs) diverge" + (chain.isEmpty ? "" : " (then \(chain))"))]
    }

    /// Structural and numeric findings of one form, one per root cause: a numeric divergence whose
    /// first diverging op is a dropped node, or lies in the same converted op as a constant
    /// mismatch, is folded into that structural finding.
    static func merge(structural: [Finding], numeric: [Finding], correspondence: Correspondence, firstDivergenceOp: String?) -> [Finding] {
        var out = structural
        for n in numeric {
            guard n.kind == .numericDivergence, let node = n.location?.nodeIndex else { out.append(n); continue }
            if let op = firstDivergenceOp, let m = correspondence.constantMismatches.first(where: { correspondence.targetLabels[$0.targetOp] == op }),
               let i = out.firstIndex(where: { $0.kind == .numericDivergence && $0.location?.nodeIndex == m.nodeIndex }) {
                out[i].message += "; numerically the divergence starts there: \(n.message)"
                continue
            }
            if let i = out.firstIndex(where: { $0.kind == .droppedOp && $0.location?.nodeIndex == node }) {
                out[i].measured = n.measured
                out[i].threshold = n.threshold
                out[i].message += "; numerically: \(n.message)"
                continue
            }
            out.append(n)
        }
        return out
    }

    static func section(_ c: Correspondence, target: String) -> CorrespondenceSection {
        CorrespondenceSection(source: "onnx", target: target, nodes: c.entries.map { e in
            NodeCorrespondence(nodeIndex: e.nodeIndex, node: e.node, op: e.op, status: e.status.rawValue, counterparts: e.counterparts.map { c.targetLabels[$0] },
                               evidence: e.evidence, rule: e.rule, reason: e.reason)
        }, unexplainedTargetOps: c.unexplainedTargetOps.map { c.targetLabels[$0] })
    }

    static func producer(_ m: Model) -> String? {
        let p = [m.producerName, m.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")
        return p.isEmpty ? nil : p
    }

    static func fmt(_ v: Double) -> String { String(format: "%.4g", v) }
}

extension Check {
    /// The report as `report.json` text.
    public static func json(_ report: Report) throws -> String { try ReportJSON.string(report) }

    /// Writes `<directory>/report.json` (replacing the previous run's); returns its path.
    public static func writeReport(_ report: Report, directory: String) throws -> String {
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw LockstepError.unsupportedFormat(path: directory, reason: "cannot create the report folder (\(error.localizedDescription))")
        }
        let path = (directory as NSString).appendingPathComponent("report.json")
        try ReportJSON.write(report, to: path, overwrite: true)
        return path
    }
}

/// Finding severities, for the command line (`--fail-on`).
public typealias FindingSeverity = Severity
