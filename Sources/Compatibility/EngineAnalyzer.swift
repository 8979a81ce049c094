import LockstepCore

/// What the user asked TensorRT to build: the precision (`--int8`, `--fp16`, …) and whether
/// layers were meant for the DLA (`--useDLACore` with `--allowGPUFallback`).
public struct EngineRequest: Sendable, Hashable {
    /// The requested compute precision (`int8`, `float16`, `bfloat16`, `float8e4m3fn`, `float32`); nil: not checked.
    public var precision: DType?
    /// Layers were meant to run on the DLA.
    public var dla: Bool

    public init(precision: DType? = nil, dla: Bool = false) {
        self.precision = precision
        self.dla = dla
    }
}

/// Judges a built TensorRT engine from its layer information (the IR `TensorRTModelBuilder`
/// makes): what the builder actually did, against what was requested. A built engine has no
/// unsupported layers (the build would have failed); what it can have is **precision fallbacks**
/// (a layer computing wider than requested: TensorRT picks FP32/FP16 tactics when no INT8/FP16
/// one exists or is faster, Developer Guide "Reduced precision") and **DLA → GPU fallbacks**
/// (layers the DLA cannot run, placed on the GPU under `allowGPUFallback`). Reformat, no-op and
/// copy layers, and layers whose output is an integer or bool (shape and index computations), are
/// not judged for precision.
public enum EngineAnalyzer {
    /// The report of `model` (format `tensorrt`) against `request`.
    public static func analyze(_ model: Model, request: EngineRequest) throws -> CompatibilityReport {
        guard model.format == .tensorrt else {
            throw CompatibilityError.notApplicable(path: model.path, reason: "engine analysis needs a TensorRT bundle, this is a \(model.format.rawValue) model")
        }
        let graph = model.graph
        let label = graph.name.isEmpty ? "engine" : graph.name
        let targetName = request.dla ? "TensorRT engine (DLA requested)" : "TensorRT engine"
        var verdicts: [NodeVerdict] = []
        var onTarget: [Bool] = []
        var precisionFallbacks = 0, dlaFallbacks = 0, onDLA = 0
        var types: [String: DType] = [:]
        for v in graph.valueInfo + graph.inputs + graph.outputs {
            if case .tensor(let t?, _) = v.type { types[v.name] = t }
        }
        for (i, node) in graph.nodes.enumerated() {
            // The precision a layer computes in: that of the data it reads (input 0), else of its output
            // (an INT8 convolution may write FP16 when no quantize follows it).
            let precision = node.inputs.first.flatMap { types[$0] } ?? stringAttribute(node, "precision").flatMap(DType.init(rawValue:))
            let auxiliary = isAuxiliary(node)
            let device: Device = isDLA(node) ? .dla : .gpu
            if device == .dla { onDLA += 1 }
            var verdict = Verdict.supported
            var reasons: [String] = []
            var rule: String?
            if request.dla, device == .gpu, !auxiliary {
                verdict = .fallback
                rule = "dla"
                reasons.append("runs on the GPU: the DLA was requested (GPU fallback)")
                dlaFallbacks += 1
            }
            if let wanted = request.precision, let p = precision, !auxiliary, p.isFloatingPoint, isWider(p, than: wanted) {
                verdict = .fallback
                rule = rule.map { $0 + ", precision" } ?? "precision"
                reasons.append("computes in \(p.rawValue), \(wanted.rawValue) was requested")
                precisionFallbacks += 1
            }
            let reason: String
            if reasons.isEmpty {
                var parts = ["ran on the \(device.rawValue.uppercased())"]
                if let p = precision { parts.append("in \(p.rawValue)") }
                if auxiliary { parts.append("(\(auxiliaryKind(node)))") }
                reason = parts.joined(separator: " ")
            } else {
                reason = reasons.joined(separator: "; ")
            }
            verdicts.append(NodeVerdict(graph: label, index: i, name: node.name, op: node.op.qualifiedName, version: nil, verdict: verdict,
                                        device: device, reason: reason, rule: rule, decidedBy: "tensorrt-engine", source: "layer-information",
                                        sourceLocation: nil, line: nil, partition: nil))
            onTarget.append(verdict == .supported)
        }
        // Partitions: DLA loadables when the DLA was requested, else stretches at the requested precision.
        let shape = graph.nodes.map { (inputs: $0.inputs, outputs: $0.outputs) }
        let grouping = request.dla ? verdicts.map { $0.device == .dla } : onTarget
        let subsets = Partitioner.partition(nodes: shape, onTarget: grouping)
        var partitions: [PartitionSummary] = []
        for s in subsets where s.onTarget {
            var ops: [String: Int] = [:]
            for i in s.nodes {
                verdicts[i].partition = partitions.count
                ops[verdicts[i].op, default: 0] += 1
            }
            partitions.append(PartitionSummary(graph: label, index: partitions.count, nodes: s.nodes.sorted(), size: s.nodes.count, ops: ops))
        }
        let crossings = Partitioner.crossings(nodes: shape, onTarget: grouping)
        let summary = GraphSummary(graph: label, nodes: verdicts.count, onTarget: onTarget.filter { $0 }.count,
                                   fallback: verdicts.filter { $0.verdict == .fallback }.count, unknown: 0, custom: 0, unsupported: 0,
                                   partitions: partitions.count, subsets: subsets.count, crossingsToTarget: crossings.toTarget,
                                   crossingsFromTarget: crossings.fromTarget)
        var sentence: [String] = []
        if let p = request.precision {
            sentence.append("\(verdicts.count - precisionFallbacks) of \(verdicts.count) layers at \(p.rawValue) or narrower (or not judged); \(precisionFallbacks) precision fallback\(precisionFallbacks == 1 ? "" : "s")")
        }
        if request.dla {
            sentence.append("\(onDLA) of \(verdicts.count) layers on the DLA in \(partitions.count) DLA partition\(partitions.count == 1 ? "" : "s"); \(dlaFallbacks) layer\(dlaFallbacks == 1 ? "" : "s") fall back to the GPU")
        }
        if sentence.isEmpty {
            let precisions = Dictionary(grouping: verdicts.compactMap { v in stringAttribute(graph.nodes[v.index], "precision") }, by: { $0 })
                .map { "\($0.value.count) \($0.key)" }.sorted()
            sentence.append("\(verdicts.count) layers (\(precisions.joined(separator: ", "))); give --precision and/or --dla to judge fallbacks")
        }
        var report = CompatibilityReport(
            model: model.path, format: .tensorrt,
            target: TargetSummary(id: "tensorrt-engine", name: targetName, kind: "engine", runtime: "TensorRT",
                                  versions: model.producerVersion.isEmpty ? "version not in the bundle" : model.producerVersion, device: request.dla ? .dla : .gpu, file: "(layer information)", fallbackTarget: nil),
            nodes: verdicts, partitions: partitions, graphs: [summary], summary: sentence.joined(separator: "; "), findings: [])
        report.findings = verdicts.compactMap { v in
            guard v.verdict == .fallback else { return nil }
            let kind: FindingKind = v.rule?.hasPrefix("dla") == true ? .fallback : .precisionFallback
            return Finding(kind: kind, severity: .warning, model: model.path, form: .tensorrt, target: "tensorrt-engine",
                           location: FindingLocation(graphPath: [label], nodeIndex: v.index, nodeName: v.name, op: v.op),
                           message: "\(v.name) (\(v.op)): \(v.reason)")
        }
        return report
    }

    static func stringAttribute(_ node: Node, _ name: String) -> String? {
        if case .string(let bytes)? = node.attribute(name) { return String(decoding: bytes, as: UTF8.self) }
        return nil
    }

    static func intAttribute(_ node: Node, _ name: String) -> Int64? {
        if case .int(let v)? = node.attribute(name) { return v }
        return nil
    }

    /// Reformat, no-op, copy and shape layers: TensorRT's plumbing, not the model's computation.
    static func isAuxiliary(_ node: Node) -> Bool {
        if intAttribute(node, "reformat") == 1 || intAttribute(node, "no_op") == 1 { return true }
        if ["shape_call", "Shape", "NoOp", "Reformat"].contains(node.op.name) { return true }
        let name = node.name
        return name.hasSuffix(" copy") || name.hasSuffix(" finish") || name.contains(" to nvm") || name.contains(" from nvm")
            || name.contains("input reformatter") || name.contains("output reformatter")
            || outputIsInteger(node)
    }

    static func auxiliaryKind(_ node: Node) -> String {
        if intAttribute(node, "reformat") == 1 || node.op.name == "Reformat" || node.name.contains("reformatter") { return "reformat" }
        if intAttribute(node, "no_op") == 1 || node.op.name == "NoOp" { return "no-op" }
        if outputIsInteger(node) { return "integer output, not judged for precision" }
        return "copy"
    }

    static func outputIsInteger(_ node: Node) -> Bool {
        guard let p = stringAttribute(node, "precision").flatMap(DType.init(rawValue:)) else { return false }
        return !p.isFloatingPoint && p != .int8 && p != .uint8 && p != .int4
    }

    /// A DLA layer: `LayerType` `DLA`, or TensorRT's name for a DLA loadable, `{layer,layer,…}`
    /// (Myelin regions are `{ForeignNode[…]}` and run on the GPU).
    static func isDLA(_ node: Node) -> Bool {
        if node.op.name.uppercased() == "DLA" { return true }
        let n = node.name
        return n.hasPrefix("{") && !n.hasPrefix("{ForeignNode[") && n.hasSuffix("}")
    }

    /// Whether computing in `p` is wider (less reduced) than the requested `wanted`.
    static func isWider(_ p: DType, than wanted: DType) -> Bool {
        func rank(_ t: DType) -> Int {
            switch t {
            case .float4e2m1, .int4, .uint4: return 4
            case .int8, .uint8, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0, .float6e2m3, .float6e3m2: return 8
            case .float16, .bfloat16: return 16
            default: return 32
            }
        }
        return rank(p) > rank(wanted)
    }
}
