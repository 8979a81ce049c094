import LockstepCore
import TensorRTFormat

/// Derives the TensorRT section of `lockstep inspect` from a plan bundle.
enum TensorRTDetailsBuilder {
    static func details(_ bundle: TensorRTBundle) -> InspectReport.TensorRTDetails {
        var precisions: [String: Int] = [:]
        var onnxNodes = Set<String>()
        var fused = 0, reformat = 0, noOp = 0, myelin = 0, foreign = 0
        for layer in bundle.layers {
            precisions[layer.precision?.rawValue ?? "unknown", default: 0] += 1
            onnxNodes.formUnion(layer.onnxNodes)
            if max(layer.fusedParts.count, layer.onnxNodes.count) > 1 { fused += 1 }
            if layer.isReformat && !layer.isNoOp { reformat += 1 }  // elided (NoOp) reformats are counted as no-ops
            if layer.isNoOp { noOp += 1 }
            if layer.isMyelin { myelin += 1 }
            if layer.foreignNodes != nil { foreign += 1 }
        }
        var top: [InspectReport.TensorRTDetails.LayerTime] = []
        var total: Double?
        if let profile = bundle.profile {
            total = profile.reduce(0) { $0 + $1.averageMs }
            let types = Dictionary(bundle.layers.map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a })
            top = profile.sorted { $0.averageMs > $1.averageMs }.prefix(5).map {
                .init(name: $0.name, type: types[$0.name], averageMs: $0.averageMs, percentage: $0.percentage)
            }
        }
        let latency = bundle.latency.map {
            InspectReport.TensorRTDetails.Latency(iterations: $0.count, meanMs: $0.mean, p50Ms: $0.p50, p95Ms: $0.p95, p99Ms: $0.p99)
        }
        let version = bundle.tensorRTVersion ?? bundle.plan?.version
        return .init(
            tensorrtVersion: version.map { "\($0)" }, layerInfo: bundle.layers.isEmpty ? nil : bundle.layerInfoForm.rawValue,
            precisions: precisions, onnxNodesCovered: onnxNodes.count, fusedLayers: fused, reformatLayers: reformat,
            noOpLayers: noOp, myelinLayers: myelin, foreignNodeRegions: foreign,
            profiledLayers: bundle.profile?.count, totalProfiledMs: total, topLayers: top, latency: latency,
            capturedOutputs: bundle.outputs.map { .init(name: $0.name, dtype: $0.tensor.dtype, shape: Shape(fixed: $0.tensor.shape),
                                                         type: "tensor(\($0.tensor.dtype))\(Shape(fixed: $0.tensor.shape))") },
            warnings: bundle.warnings)
    }
}
