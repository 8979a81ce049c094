import LockstepCore

/// Derives the TFLite section of `lockstep inspect` from the IR.
enum TFLiteDetailsBuilder {
    static func details(_ model: Model) -> InspectReport.TFLiteDetails {
        var float16Weights = 0, quantized = 0, perChannel = 0, sparse = 0, variables = 0
        var activationTypes: [String: Int] = [:]
        var customOps: [String: Int] = [:]
        var weightInt8 = 0
        for graph in model.allGraphs {
            let constants = Dictionary(graph.initializers.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
            let produced = Set(graph.nodes.flatMap(\.outputs))
            for node in graph.nodes {
                if node.op.domain == "custom" { customOps[node.op.name, default: 0] += 1 }
                if node.op.name == "DEQUANTIZE", let input = node.inputs.first, constants[input]?.dtype == .float16 {
                    float16Weights += 1
                }
            }
            for value in graph.valueInfo {
                if let q = value.quantization {
                    quantized += 1
                    if q.granularity == .perAxis { perChannel += 1 }
                }
                if value.sparsity != nil { sparse += 1 }
                if value.isVariable { variables += 1 }
                if let tensor = constants[value.name] {
                    if value.quantization != nil, [.int8, .uint8, .int4].contains(tensor.dtype) { weightInt8 += 1 }
                } else if produced.contains(value.name) || graph.inputs.contains(where: { $0.name == value.name }) {
                    if case .tensor(let dtype?, _) = value.type { activationTypes[dtype.rawValue, default: 0] += 1 }
                }
            }
        }
        let floatActivations = ["float32", "float16", "bfloat16", "float64"].reduce(0) { $0 + activationTypes[$1, default: 0] }
        let int8Activations = activationTypes["int8", default: 0] + activationTypes["uint8", default: 0]
        let int16Activations = activationTypes["int16", default: 0]
        let numerics: String
        if floatActivations == 0 && int8Activations + int16Activations > 0 {
            numerics = int16Activations > 0 ? "integer-int16x8" : "integer"
        } else if floatActivations > 0 && int8Activations + int16Activations > 0 {
            numerics = "mixed"
        } else if weightInt8 > 0 {
            numerics = "dynamic-range"
        } else if float16Weights > 0 {
            numerics = "float16-weights"
        } else {
            numerics = "float"
        }
        return .init(
            numerics: numerics, subgraphCount: model.allGraphs.count, float16Weights: float16Weights,
            quantizedTensors: quantized, perChannelTensors: perChannel, activationTypes: activationTypes,
            sparseTensors: sparse, variableTensors: variables, customOps: customOps,
            signatures: model.signatures.map(\.key),
            minRuntimeVersion: model.metadata.first(where: { $0.key == "min_runtime_version" })?.value)
    }
}
