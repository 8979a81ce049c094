import Foundation
import LockstepCore
@testable import Reporting

/// A gate report with every section the renderers draw, two models, a baseline with all four
/// statuses and — with `hostile` — user strings that try to break out of HTML, XML, Markdown
/// and annotation syntax.
enum GateReportFixture {
    static let clock = Date(timeIntervalSince1970: 1_767_323_045)  // 2026-01-02T03:04:05Z

    /// Strings a hostile (or unlucky) model, node, output or class name could hold.
    static let evil = "<script>alert(\"x\")</script>&amp;|`a`*b*[l](javascript:x)@team\n]]>'\"onload=\"x\u{01}"

    static func name(_ plain: String, hostile: Bool) -> String { hostile ? plain + evil : plain }

    static func metrics(maxAbs: Double, failing: Int, counts: [Int]) -> ErrorMetrics {
        ErrorMetrics(count: 10, failing: failing, maxAbs: maxAbs, meanAbs: maxAbs / 4, medianAbs: maxAbs / 8, p99Abs: maxAbs * 0.9,
                     maxRel: maxAbs * 2, meanRel: maxAbs, medianRel: maxAbs / 2, p99Rel: maxAbs * 1.8, rmse: maxAbs / 3,
                     cosine: 0.999, snrDb: 42.5, maxUlp: 12, nanMismatches: 0, infMismatches: 0, top1Agreement: 0.9,
                     top5Agreement: 1, worstIndex: [0, 3], worstReference: 0.5, worstCandidate: 0.5 + maxAbs,
                     histogram: ErrorHistogram(edges: [0, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2], counts: counts),
                     requiredAtol: maxAbs, requiredRtol: maxAbs * 2)
    }

    static func report(hostile: Bool = false, baseline: Bool = true) -> Report {
        let net = name("pairnet", hostile: hostile)
        let node = name("conv2", hostile: hostile)
        let output = name("logits", hostile: hostile)
        let findings: [Finding] = [
            Finding(kind: .numericDivergence, severity: .error, model: net, form: .tflite,
                    location: FindingLocation(graphPath: ["main"], nodeIndex: 2, nodeName: node, op: "Conv"),
                    measured: 0.25, threshold: 1e-4, message: "first diverging op \(node): max abs 0.25 (tolerance 1e-4)"),
            Finding(kind: .droppedOp, severity: .error, model: net, form: .tflite,
                    location: FindingLocation(graphPath: ["main"], nodeIndex: 3, nodeName: "relu2", op: "Relu"),
                    message: "node 'relu2' (Relu) has no counterpart in the TFLite form"),
            Finding(kind: .fallback, severity: .warning, model: net, form: .tflite, target: "tflite-gpu",
                    location: FindingLocation(graphPath: ["main"], nodeIndex: 1, nodeName: "pad", op: "PAD"),
                    message: "PAD falls back to the CPU: padding on the batch axis"),
            Finding(kind: .classRegression, severity: .error, model: "digits", form: .onnx,
                    location: FindingLocation(classLabel: name("seven", hostile: hostile)),
                    measured: 0.12, threshold: 0.02, message: "class seven −12.0 points (p = 0.001)"),
            Finding(kind: .precisionFallback, severity: .info, model: net, form: .tensorrt, target: "tensorrt-engine",
                    location: FindingLocation(nodeName: "Conv_0", op: "CaskConvolution"), message: "layer Conv_0 runs in float32; int8 was requested"),
        ]
        var report = Report(tool: ToolInfo(version: "0.1.0"), generatedAt: clock,
                            command: CommandInfo(name: "gate", arguments: ["lockstep.yaml"]),
                            models: [
                                ModelEntry(name: net, forms: [
                                    FormEntry(id: "onnx", format: .onnx, path: "examples/\(net).onnx", sha256: "ab", producer: "pytorch 2.5", execution: "reference interpreter"),
                                    FormEntry(id: "tflite", format: .tflite, path: "examples/\(net).tflite", execution: "reference interpreter"),
                                    FormEntry(id: "tensorrt", format: .tensorrt, path: "examples/trt", producer: "TensorRT 10.4.0", execution: "captured outputs")]),
                                ModelEntry(name: "digits", forms: [
                                    FormEntry(id: "onnx", format: .onnx, path: "examples/digits.onnx", execution: "reference interpreter")]),
                            ],
                            findings: findings)
        var first = SuiteCase(index: 0, model: net, checks: [
            CaseCheck(form: "tflite", check: "structure"), CaseCheck(form: "tflite", check: "numerics"),
            CaseCheck(form: "tflite", check: "compat tflite-gpu"), CaseCheck(form: "tensorrt", check: "compat tensorrt-engine"),
        ], status: "failed")
        first.comparisons = [
            OutputComparison(reference: "onnx", candidate: "tflite", output: output, candidateOutput: "Identity", dtype: .float32, shape: [1, 10],
                             candidateDtype: .float32, candidateShape: [1, 10], adaptation: ["matched by position (output 0)"],
                             tolerance: ToleranceRecord(rule: "allclose", atol: 1e-4, rtol: 1e-3, source: "lockstep.yaml:12 (\(output))"),
                             metrics: metrics(maxAbs: 0.25, failing: 4, counts: [2, 0, 1, 3, 0, 4]), passed: false),
            OutputComparison(reference: "golden \(net)/case1", candidate: "onnx", output: output, candidateOutput: output, dtype: .float32, shape: [1, 10],
                             candidateDtype: .float32, candidateShape: [1, 10],
                             tolerance: ToleranceRecord(rule: "allclose", atol: 1e-5, rtol: 1e-4, source: "default for float32"),
                             metrics: metrics(maxAbs: 1e-7, failing: 0, counts: [9, 1, 0, 0, 0, 0]), passed: true),
        ]
        first.compatibility = [CompatibilitySummary(target: "tflite-gpu", form: "tflite", nodes: 5, supported: 4, fallback: 1, unsupported: 0, unknown: 0, partitions: 2)]
        first.divergence = [DivergenceSection(
            reference: "onnx", candidate: "tflite", mappedTensors: 4,
            first: DivergencePoint(nodeIndex: 2, node: node, op: "Conv", tensor: "t2", candidateTensor: "conv2;", candidateOp: "CONV_2D #1",
                                   mapping: "tensor name", permutation: [0, 3, 1, 2], maxAbs: 0.25, meanAbs: 0.1, cosine: 0.9, passed: false),
            chain: [DivergencePoint(nodeIndex: 4, node: "fc", op: "Gemm", tensor: "t4", candidateTensor: "fc", candidateOp: "FULLY_CONNECTED #2",
                                    mapping: "op sequence", permutation: nil, maxAbs: 0.3, meanAbs: 0.2, cosine: 0.8, passed: false)],
            trail: [
                DivergencePoint(nodeIndex: 0, node: "conv1", op: "Conv", tensor: "t0", candidateTensor: "c1", candidateOp: nil, mapping: "tensor name",
                                permutation: nil, maxAbs: 1e-7, meanAbs: 1e-8, cosine: 1, passed: true),
                DivergencePoint(nodeIndex: 1, node: "pad", op: "Pad", tensor: "t1", candidateTensor: "p", candidateOp: nil, mapping: "tensor name",
                                permutation: nil, maxAbs: 2e-7, meanAbs: 1e-8, cosine: 1, passed: true),
                DivergencePoint(nodeIndex: 2, node: node, op: "Conv", tensor: "t2", candidateTensor: "conv2;", candidateOp: "CONV_2D #1",
                                mapping: "tensor name", permutation: [0, 3, 1, 2], maxAbs: 0.25, meanAbs: 0.1, cosine: 0.9, passed: false),
                DivergencePoint(nodeIndex: 4, node: "fc", op: "Gemm", tensor: "t4", candidateTensor: "fc", candidateOp: "FULLY_CONNECTED #2",
                                mapping: "op sequence", permutation: nil, maxAbs: 0.3, meanAbs: 0.2, cosine: 0.8, passed: false),
            ])]
        first.opStrips = [
            OpStrip(form: "tflite", target: "tflite-gpu", graph: "main", nodes: [
                OpStripNode(index: 0, name: "conv1", op: "CONV_2D", verdict: "supported", partition: 0),
                OpStripNode(index: 1, name: "pad", op: "PAD", verdict: "fallback", note: "padding on the batch axis"),
                OpStripNode(index: 2, name: node, op: "CONV_2D", verdict: "supported", partition: 1),
                OpStripNode(index: 3, name: "fc", op: "FULLY_CONNECTED", verdict: "supported", partition: 1),
                OpStripNode(index: 4, name: "softmax", op: "SOFTMAX", verdict: "supported", partition: 1),
            ], partitions: 2),
            OpStrip(form: "tflite", source: "onnx", target: nil, graph: "main", nodes: [
                OpStripNode(index: 0, name: "conv1", op: "Conv", verdict: "matched"),
                OpStripNode(index: 1, name: "pad", op: "Pad", verdict: "fused"),
                OpStripNode(index: 2, name: node, op: "Conv", verdict: "divergent", note: "max abs 0.25"),
                OpStripNode(index: 3, name: "relu2", op: "Relu", verdict: "dropped"),
                OpStripNode(index: 4, name: "fc", op: "Gemm", verdict: "divergent"),
            ], partitions: 0),
        ]
        first.engines = [EngineSection(form: "tensorrt", path: "examples/trt", tensorRTVersion: "10.4.0", layers: [
            EngineLayer(index: 0, name: "Conv_0 + Relu_1", type: "CaskConvolution", precision: "int8", timeMs: 0.12, onnxNodes: ["Conv_0", "Relu_1"], isReformat: false),
            EngineLayer(index: 1, name: "Reformatting CopyNode for Input Tensor 0 to \(node)", type: "Reformat", precision: "float16", timeMs: 0.01, onnxNodes: [], isReformat: true),
            EngineLayer(index: 2, name: node, type: "CaskConvolution", precision: "float16", timeMs: 0.08, onnxNodes: [node], isReformat: false),
            EngineLayer(index: 3, name: "Conv_0", type: "CaskConvolution", precision: "float32", timeMs: 0.2, onnxNodes: ["Conv_0"], isReformat: false),
        ])]
        var second = SuiteCase(index: 1, model: "digits", checks: [CaseCheck(form: "onnx", check: "accuracy")], status: "failed")
        let names = ["zero", "one", name("seven", hostile: hostile)]
        second.accuracy = AccuracySection(
            dataset: AccuracyDataset(path: "examples/digits.npz", kind: "npz", samples: 300, classes: 3, classNames: names, support: [100, 100, 100], metadataColumns: []),
            statistics: AccuracyStatistics(test: "exact McNemar", correction: "Benjamini–Hochberg", interval: "bootstrap", alpha: 0.05, maxDrop: 0.02,
                                           minSupport: 30, bootstrapResamples: 2000, seed: 0),
            forms: [
                AccuracyFormResult(id: "digits.onnx", path: "examples/digits.onnx", role: "reference", execution: "reference interpreter", samples: 300,
                                   accuracy: 0.95, topK: 2, topKAccuracy: 0.99, invalidOutputs: 0, macroPrecision: 0.95, macroRecall: 0.95, macroF1: 0.95,
                                   classes: [], confusion: [[95, 3, 2], [2, 96, 2], [1, 2, 97]]),
                AccuracyFormResult(id: "digits_int8.onnx", path: "examples/digits_int8.onnx", role: "candidate", execution: "reference interpreter", samples: 300,
                                   accuracy: 0.91, topK: 2, topKAccuracy: 0.98, invalidOutputs: 0, macroPrecision: 0.91, macroRecall: 0.91, macroF1: 0.91,
                                   classes: [], confusion: [[95, 3, 2], [2, 96, 2], [10, 5, 85]]),
            ],
            comparisons: [AccuracyComparison(
                reference: "digits.onnx", candidate: "digits_int8.onnx",
                aggregate: AccuracyDriftRow(group: -1, support: 300, referenceAccuracy: 0.96, candidateAccuracy: 0.92, delta: -0.04, lost: 14, gained: 2, flips: 16,
                                            flipRate: 0.053, pValue: 0.004, adjustedPValue: 0.004, ciLower: -0.06, ciUpper: -0.02, verdict: "regression"),
                classes: [
                    AccuracyDriftRow(group: 0, support: 100, referenceAccuracy: 0.95, candidateAccuracy: 0.95, delta: 0, lost: 0, gained: 0, flips: 0,
                                     flipRate: 0, pValue: 1, adjustedPValue: 1, ciLower: -0.01, ciUpper: 0.01, verdict: "unchanged"),
                    AccuracyDriftRow(group: 1, support: 100, referenceAccuracy: 0.96, candidateAccuracy: 0.96, delta: 0, lost: 1, gained: 1, flips: 2,
                                     flipRate: 0.02, pValue: 1, adjustedPValue: 1, ciLower: -0.02, ciUpper: 0.02, verdict: "unchanged"),
                    AccuracyDriftRow(group: 2, support: 100, referenceAccuracy: 0.97, candidateAccuracy: 0.85, delta: -0.12, lost: 13, gained: 1, flips: 14,
                                     flipRate: 0.14, pValue: 0.001, adjustedPValue: 0.003, ciLower: -0.19, ciUpper: -0.06, verdict: "regression"),
                ],
                testedClasses: 3)])
        report.suite = SuiteSection(config: "lockstep.yaml", configSHA256: "00ff", name: name("examples", hostile: hostile),
                                    policy: GatePolicyRecord(failOn: .error), cases: [first, second])
        if baseline {
            // findings are sorted: numericDivergence is error… order as in report.findings.
            let entries: [BaselineEntry] = report.findings.map { f in
                switch f.kind {
                case .numericDivergence: return BaselineEntry(status: .worse, previousSeverity: .error, previousMeasured: 0.01)
                case .droppedOp: return BaselineEntry(status: .unchanged, previousSeverity: .error)
                case .classRegression: return BaselineEntry(status: .new)
                default: return BaselineEntry(status: .unchanged, previousSeverity: f.severity, previousMeasured: f.measured)
                }
            }
            report.baseline = BaselineSection(path: "reports/baseline.json", generatedAt: "2025-12-01T00:00:00Z", entries: entries, fixed: [
                Finding(kind: .unsupportedOp, severity: .error, model: net, form: .tflite, target: "tflite-gpu",
                        location: FindingLocation(graphPath: ["main"], nodeIndex: 7, nodeName: name("gelu", hostile: hostile), op: "GELU"),
                        message: "GELU is not supported by the GPU delegate"),
            ])
        }
        report.gate.passed = false
        return report
    }
}
