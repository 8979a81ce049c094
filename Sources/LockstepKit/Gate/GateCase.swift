import Checking
import Compatibility
import Foundation
import LockstepCore
import Reporting
import TensorRTFormat

/// One model of a suite: every check it asks for, through the other jobs' entry points. An input
/// error stops only the check that met it: the others still run, and the case reports the error.
enum GateCase {
    struct Result {
        var suiteCase: SuiteCase
        var entry: ModelEntry
        var findings: [Finding]
        /// The first input error, `<file>: <reason>`.
        var error: String?
    }

    static func run(_ m: SuiteModel, index: Int, suite: Suite, catalog: TargetCatalog, options: Gate.Options,
                    progress: (String) -> Void) -> Result {
        var c = SuiteCase(index: index, model: m.name)
        var findings: [Finding] = []
        var forms: [FormEntry] = []
        var errors: [String] = []
        func fail(_ check: CaseCheck, _ error: Error) {
            let text = (error as? LocalizedError)?.errorDescription ?? "\(error)"
            errors.append(text)
            findings.append(Finding(kind: .loadProblem, severity: .error, model: m.name, form: ModelFormat(rawValue: check.form),
                                    message: "\(check.check) could not run: \(text)"))
            if !c.checks.contains(CaseCheck(form: check.form, check: "load")) { c.checks.append(CaseCheck(form: check.form, check: "load")) }
        }
        func add(_ new: [Finding]) { findings += new.map { var f = $0; f.model = m.name; return f } }

        // check: structure, numerics, goldens.
        if m.runsCheck, let onnx = m.onnx {
            progress("check")
            var o = Check.Options(onnx: onnx)
            o.tflite = m.tflite
            o.tensorRT = m.tensorRT
            o.inputDirectory = m.inputs
            o.golden = m.golden
            o.randomSeed = m.randomSeed
            o.dimensions = m.dimensions
            o.opsets = options.opsets ?? suite.opsets
            o.tolerances = m.tolerances
            o.failOn = suite.policy.failOn
            o.now = options.now
            do {
                let r = try Check.run(o)
                forms = r.models.first?.forms ?? []
                add(r.findings)
                c.inputs = r.inputs
                c.comparisons = r.comparisons
                c.correspondence = r.correspondence
                c.divergence = r.divergence
                c.goldens = r.goldens
                for s in r.correspondence ?? [] { c.checks.append(CaseCheck(form: s.target, check: "structure")) }
                var numeric: [String] = []
                for cmp in r.comparisons ?? [] where !cmp.reference.hasPrefix("golden") && !numeric.contains(cmp.candidate) { numeric.append(cmp.candidate) }
                c.checks += numeric.map { CaseCheck(form: $0, check: "numerics") }
                if m.golden != nil { c.checks.append(CaseCheck(form: "onnx", check: "goldens")) }
                c.opStrips = structureStrips(r)
            } catch {
                fail(CaseCheck(form: "onnx", check: "check"), error)
            }
        }
        for (path, id, format) in [(m.onnx, "onnx", ModelFormat.onnx), (m.tflite, "tflite", .tflite), (m.tensorRT, "tensorrt", .tensorrt)] {
            guard let path, !forms.contains(where: { $0.id == id }) else { continue }
            forms.append(FormEntry(id: id, format: format, path: path, sha256: isFile(path) ? SHA256.hex(fileAt: path) : nil))
        }

        // compat per target, and the engine analysis of a TensorRT bundle.
        var targets = m.targets.filter { $0 != Compat.engineTarget }
        if m.tensorRT != nil { targets.append(Compat.engineTarget) }
        var summaries: [CompatibilitySummary] = []
        var strips: [OpStrip] = []
        for t in targets {
            progress("compat \(t)")
            let form: (path: String?, id: String)
            if t == Compat.engineTarget {
                form = (m.tensorRT, "tensorrt")
            } else {
                let format = (try? catalog.target(t).format) ?? .onnx
                form = format == .tflite ? (m.tflite, "tflite") : format == .tensorrt ? (m.tensorRT, "tensorrt") : (m.onnx, "onnx")
            }
            guard let path = form.path else { continue }
            let check = CaseCheck(form: form.id, check: "compat \(t)")
            do {
                let r = t == Compat.engineTarget
                    ? try Compat.run(modelPath: path, targetID: t, precision: m.precision, dla: m.dla, catalog: catalog)
                    : try Compat.run(modelPath: path, targetID: t, catalog: catalog)
                c.checks.append(check)
                add(r.findings)
                let total = r.total
                summaries.append(CompatibilitySummary(target: t, form: form.id, nodes: total.nodes, supported: total.onTarget, fallback: total.fallback,
                                                      unsupported: total.unsupported + total.custom, unknown: total.unknown, partitions: total.partitions))
                strips.append(compatStrip(r, form: form.id, target: t))
            } catch {
                fail(check, error)
            }
        }
        if !summaries.isEmpty { c.compatibility = summaries }
        if let bundlePath = m.tensorRT {
            do {
                if case .tensorRT(let b) = try ModelFile.open(path: bundlePath) { c.engines = [engineSection(b, path: bundlePath)] }
            } catch {
                if !errors.contains(where: { $0.contains(bundlePath) }) { fail(CaseCheck(form: "tensorrt", check: "engine"), error) }
            }
        }
        if !strips.isEmpty { c.opStrips = (c.opStrips ?? []) + strips }

        // accuracy.
        if let a = m.accuracy {
            progress("accuracy")
            var o = AccuracyAudit.Options(dataset: a.dataset, reference: a.reference, candidates: a.candidates)
            o.classesFile = a.classes
            o.preprocessFile = a.preprocess
            o.policy = a.policy
            o.evaluation.threads = options.threads
            o.evaluation.outputName = a.output
            if let k = a.topK { o.evaluation.topK = k }
            do {
                let outcome = try AccuracyAudit.run(o, clock: options.now)
                let section = outcome.report.accuracy
                var accuracyFindings = outcome.report.findings
                if let s = section, !a.classMaxDrop.isEmpty {
                    accuracyFindings = try ClassThresholds.apply(a.classMaxDrop, to: accuracyFindings, section: s, model: m.name)
                }
                add(accuracyFindings)
                c.accuracy = section
                for f in section?.forms ?? [] where f.role == "candidate" {
                    let id = f.path.lowercased().hasSuffix(".tflite") ? "tflite" : "onnx"
                    if !c.checks.contains(CaseCheck(form: id, check: "accuracy")) { c.checks.append(CaseCheck(form: id, check: "accuracy")) }
                }
                for f in outcome.report.models.first?.forms ?? [] where !forms.contains(where: { $0.path == f.path }) {
                    var entry = f
                    entry.id = "accuracy: \(f.id)"
                    forms.append(entry)
                }
            } catch {
                fail(CaseCheck(form: "onnx", check: "accuracy"), error)
            }
        }
        return Result(suiteCase: c, entry: ModelEntry(name: m.name, forms: forms), findings: findings, error: errors.first)
    }

    static func isFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    // MARK: Op strips

    /// The source (ONNX) nodes as each converted form accounts for them, the first diverging
    /// op and its chain marked.
    static func structureStrips(_ r: Report) -> [OpStrip]? {
        var strips: [OpStrip] = []
        for s in r.correspondence ?? [] {
            var divergent: [Int: String] = [:]
            for d in r.divergence ?? [] where d.candidate == s.target {
                if let first = d.first { divergent[first.nodeIndex] = "first diverging op: max abs \(ReportView.number(first.maxAbs))" }
                for p in d.chain where divergent[p.nodeIndex] == nil { divergent[p.nodeIndex] = "diverges after the first: max abs \(ReportView.number(p.maxAbs))" }
            }
            let nodes = s.nodes.map { n -> OpStripNode in
                if let note = divergent[n.nodeIndex], n.status != "dropped" {
                    return OpStripNode(index: n.nodeIndex, name: n.node, op: n.op, verdict: "divergent", note: note)
                }
                let note = n.status == "dropped" ? "no counterpart in the \(s.target) form" : (n.counterparts.isEmpty ? n.reason : n.counterparts.joined(separator: ", "))
                return OpStripNode(index: n.nodeIndex, name: n.node, op: n.op, verdict: n.status, note: note)
            }
            strips.append(OpStrip(form: s.target, source: s.source, target: nil, graph: "main", nodes: nodes, partitions: 0))
        }
        return strips.isEmpty ? nil : strips
    }

    /// The nodes of the main graph judged against a target, with the target partitions.
    static func compatStrip(_ r: CompatibilityReport, form: String, target: String) -> OpStrip {
        let main = r.graphs.first?.graph ?? "main"
        let nodes = r.nodes.filter { $0.graph == main }.map { n in
            OpStripNode(index: n.index, name: n.name, op: n.op, verdict: n.verdict.rawValue, partition: n.partition,
                        note: n.verdict == .supported ? nil : n.reason)
        }
        let partitions = Set(nodes.compactMap(\.partition)).count
        return OpStrip(form: form, target: target, graph: main, nodes: nodes, partitions: partitions)
    }

    // MARK: TensorRT

    static func engineSection(_ b: TensorRTBundle, path: String) -> EngineSection {
        var timeByLayer: [Int: Double] = [:]
        var unmatched: [LayerProfile] = []
        for p in b.profile ?? [] {
            if let i = p.layerIndex { timeByLayer[i, default: 0] += p.averageMs } else { unmatched.append(p) }
        }
        var layers = b.layers.enumerated().map { i, l in
            EngineLayer(index: l.index, name: l.name, type: l.type.isEmpty ? (l.parameterType ?? "") : l.type, precision: l.precision?.rawValue,
                        timeMs: timeByLayer[i], onnxNodes: l.onnxNodes, isReformat: l.isReformat)
        }
        // Profiled entries without a layer (reformats TensorRT inserts, or a profile without layer information).
        for p in unmatched {
            layers.append(EngineLayer(index: layers.count, name: p.name, type: p.isReformat ? "Reformat" : "", precision: nil, timeMs: p.averageMs,
                                      onnxNodes: p.fusedParts, isReformat: p.isReformat))
        }
        return EngineSection(form: "tensorrt", path: path, tensorRTVersion: b.tensorRTVersion?.description, layers: layers)
    }
}
