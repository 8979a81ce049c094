import LockstepCore

/// Builds an `InspectReport` from a loaded model. Pure: no I/O.
public enum ModelInspector {
    /// Domains defined by the ONNX standard itself; ops elsewhere are custom (contrib) ops.
    public static let standardDomains: Set<String> = ["", "ai.onnx", "ai.onnx.ml", "ai.onnx.preview.training"]

    static let integerOps: Set<String> = [
        "QLinearConv", "QLinearMatMul", "MatMulInteger", "ConvInteger", "DynamicQuantizeLinear",
        "QLinearAdd", "QLinearMul", "QLinearSigmoid", "QLinearLeakyRelu", "QLinearAveragePool",
        "QLinearGlobalAveragePool", "QLinearConcat", "QLinearSoftmax", "QGemm", "DynamicQuantizeMatMul",
        "MatMulIntegerToFloat", "MatMulNBits", "QAttention", "DequantizeLinear_Int4",
    ]

    public static func inspect(_ model: Model) -> InspectReport {
        var graphs: [InspectReport.GraphSummary] = []
        var histogram: [String: Int] = [:]
        var nodeCount = 0
        var initializerCount = 0
        var sparseCount = 0
        var parameterCount = 0
        var parameterBytes = 0
        var externalBytes = 0
        var dtypes = Set<DType>()
        var domains = Set<String>()
        var quant = QuantizationCounter()

        func note(_ type: ValueType) {
            switch type {
            case .tensor(let t, _), .sparseTensor(let t, _): if let t { dtypes.insert(t) }
            case .sequence(let e), .optional(let e): if let e { note(e) }
            case .map(let k, let v):
                if let k { dtypes.insert(k) }
                if let v { note(v) }
            case .opaque, .unspecified: break
            }
        }

        func walk(_ graph: Graph, path: String, depth: Int) {
            graphs.append(.init(path: path, name: graph.name, depth: depth, nodeCount: graph.nodes.count,
                                initializerCount: graph.initializers.count))
            nodeCount += graph.nodes.count
            initializerCount += graph.initializers.count
            sparseCount += graph.sparseInitializers.count
            for value in graph.inputs + graph.outputs + graph.valueInfo { note(value.type) }
            for initializer in graph.initializers {
                let t = initializer.tensor
                parameterCount += t.count
                parameterBytes += t.byteCount
                if initializer.isExternal { externalBytes += t.byteCount }
                dtypes.insert(t.dtype)
            }
            for sparse in graph.sparseInitializers {
                parameterCount += sparse.values.count
                parameterBytes += sparse.values.byteCount + sparse.indices.byteCount
                dtypes.insert(sparse.values.dtype)
            }
            quant.scan(graph)
            for (index, node) in graph.nodes.enumerated() {
                histogram[node.op.qualifiedName, default: 0] += 1
                if !node.op.domain.isEmpty { domains.insert(node.op.domain) }
                let label = node.name.isEmpty ? "\(node.op.name)_\(index)" : node.name
                for (attribute, sub) in node.subgraphs {
                    walk(sub, path: "\(path)/\(label)/\(attribute)", depth: depth + 1)
                }
            }
        }
        walk(model.graph, path: model.graph.name.isEmpty ? "graph" : model.graph.name, depth: 0)
        for (index, graph) in model.subgraphs.enumerated() {
            walk(graph, path: graph.name.isEmpty ? "subgraph_\(index + 1)" : graph.name, depth: 0)
        }

        func io(_ v: ValueInfo) -> InspectReport.IOValue {
            switch v.type {
            case .tensor(let t, let s): return .init(name: v.name, dtype: t, shape: s, type: v.type.description)
            default: return .init(name: v.name, dtype: nil, shape: nil, type: v.type.description)
            }
        }
        var opsets: [String: Int] = [:]
        for (domain, version) in model.opsetImports { opsets[domain.isEmpty ? "ai.onnx" : domain] = version }
        for domain in model.opsetImports.keys where !domain.isEmpty { domains.insert(domain) }

        return InspectReport(
            schemaVersion: InspectReport.currentSchemaVersion,
            path: model.path, format: model.format,
            producer: .init(name: model.producerName, version: model.producerVersion),
            irVersion: model.irVersion, opsets: opsets, modelVersion: model.modelVersion,
            metadata: model.metadata,
            inputs: model.graph.runtimeInputs.map(io), outputs: model.graph.outputs.map(io),
            nodeCount: nodeCount, graphs: graphs, opHistogram: histogram,
            initializerCount: initializerCount, sparseInitializerCount: sparseCount,
            parameterCount: parameterCount, parameterBytes: parameterBytes, externalDataBytes: externalBytes,
            dtypes: dtypes.sorted { $0.rawValue < $1.rawValue },
            quantization: quant.summary(),
            customDomains: domains.subtracting(standardDomains).sorted(),
            functions: model.functions.map { .init(domain: $0.domain, name: $0.name, nodeCount: $0.nodes.count) },
            tflite: model.format == .tflite ? TFLiteDetailsBuilder.details(model) : nil)
    }
}

/// Counts Q/DQ nodes, their pairs and scale granularity across graphs.
struct QuantizationCounter {
    var q = 0, dq = 0, pairs = 0, perTensor = 0, perAxis = 0, blocked = 0, dynamic = 0
    var integerOps: [String: Int] = [:]
    var types = Set<DType>()

    mutating func scan(_ graph: Graph) {
        var constants: [String: Tensor] = [:]
        for i in graph.initializers { constants[i.name] = i.tensor }
        var consumers: [String: [Node]] = [:]
        for node in graph.nodes {
            if node.op.name == "Constant", node.op.domain.isEmpty, let out = node.outputs.first,
               case .tensor(let t)? = node.attribute("value") {
                constants[out] = t
            }
            for input in node.inputs where !input.isEmpty { consumers[input, default: []].append(node) }
        }
        for node in graph.nodes {
            let name = node.op.name
            if ModelInspector.integerOps.contains(name) { integerOps[node.op.qualifiedName, default: 0] += 1 }
            guard name == "QuantizeLinear" || name == "DequantizeLinear" else { continue }
            if name == "QuantizeLinear" {
                q += 1
                if let out = node.outputs.first, consumers[out, default: []].contains(where: { $0.op.name == "DequantizeLinear" }) {
                    pairs += 1
                }
            } else {
                dq += 1
                if let x = node.inputs.first, let t = constants[x] { types.insert(t.dtype) }
            }
            if node.inputs.count > 2, !node.inputs[2].isEmpty, let zp = constants[node.inputs[2]] { types.insert(zp.dtype) }
            if case .int(let block)? = node.attribute("block_size"), block > 0 {
                blocked += 1
            } else if node.inputs.count > 1, let scale = constants[node.inputs[1]] {
                if scale.count > 1 { perAxis += 1 } else { perTensor += 1 }
            } else {
                dynamic += 1
            }
        }
    }

    func summary() -> InspectReport.Quantization {
        .init(quantizeLinear: q, dequantizeLinear: dq, qdqPairs: pairs, perTensor: perTensor, perAxis: perAxis,
              blocked: blocked, dynamicScale: dynamic, integerOps: integerOps,
              quantizedTypes: types.sorted { $0.rawValue < $1.rawValue })
    }
}
