import Foundation
import LockstepCore

/// Turns layer information into Lockstep's IR.
///
/// The graph (named `engine`) has one `Node` per layer of optimisation profile 0 (layers of other
/// profiles repeat the same computation under a ` [profile N]` suffix; they stay in
/// `TensorRTBundle.layers`). A node's op is the layer type as TensorRT spells it
/// (`trt::CaskConvolution`, `Reformat`, `kgen`, …; `Unknown` for name-only information); its
/// origin points at the layer's index in the file. Attributes:
///
/// | name | kind | from |
/// | --- | --- | --- |
/// | `precision` | STRING | element type of the first output (else input), e.g. `float16` |
/// | `formats` | STRINGS | `Format/Datatype` of each output |
/// | `tactic` | STRING | `TacticName`, else `TacticValue` |
/// | `tactic_value` | STRING | `TacticValue` |
/// | `stream` | INT | `StreamId` |
/// | `onnx_nodes` | STRINGS | `Layer.onnxNodes` |
/// | `fused` | STRINGS | `Layer.fusedParts` |
/// | `metadata` | STRING | `Metadata` as written |
/// | `parameter_type` | STRING | `ParameterType` |
/// | `reformat` | INT 1 | reformat layers; with `reformat_origin`, `reformat_target` |
/// | `no_op` | INT 1 | `NoOp` layers |
/// | `myelin` | INT 1 | Myelin layers and kernels |
/// | `foreign_nodes` | STRINGS | first and last node of `{ForeignNode[…]}` |
/// | other keys (`Kernel`, `Stride`, `Weights`, …) | STRING | the layer object's value (compact JSON) |
///
/// Graph inputs/outputs come from the bindings (profile 0) whose direction is known; every layer
/// tensor is a `valueInfo` entry with its precision and dimensions (`-1` → unknown).
public enum TensorRTModelBuilder {
    public static func model(path: String, plan: PlanHeader?, version: PlanHeader.Version?, form: LayerInfoForm, layers: [Layer],
                             bindings: [Binding]) -> Model {
        let graphLayers = layers.filter { $0.profileIndex == 0 }
        var nodes: [Node] = []
        nodes.reserveCapacity(graphLayers.count)
        var valueInfo: [ValueInfo] = []
        var seen = Set<String>()
        for layer in graphLayers {
            nodes.append(node(layer))
            for t in layer.outputs + layer.inputs where seen.insert(t.name).inserted {
                valueInfo.append(ValueInfo(name: t.name, type: .tensor(elementType: t.precision, shape: shape(t.dimensions))))
            }
        }
        func info(_ b: Binding) -> ValueInfo {
            ValueInfo(name: b.name, type: .tensor(elementType: b.dtype, shape: b.dimensions.map(shape)))
        }
        let profile0 = bindings.filter { $0.profileIndex == 0 }
        var metadata: [MetadataEntry] = [MetadataEntry(key: "layer_info_form", value: form.rawValue)]
        if let plan {
            metadata.append(MetadataEntry(key: "plan_magic", value: plan.magic))
            metadata.append(contentsOf: (plan.ultralyticsMetadata ?? []).map { MetadataEntry(key: "ultralytics." + $0.key, value: $0.value) })
        }
        let graph = Graph(name: "engine", nodes: nodes, inputs: profile0.filter { $0.isInput == true }.map(info),
                          outputs: profile0.filter { $0.isInput == false }.map(info), valueInfo: valueInfo)
        return Model(format: .tensorrt, path: path, producerName: "TensorRT", producerVersion: version?.description ?? "",
                     irVersion: 0, metadata: metadata, graph: graph)
    }

    static func shape(_ dims: [Int]) -> Shape {
        Shape(dims.map { $0 >= 0 ? .fixed($0) : .unknown })
    }

    static func node(_ layer: Layer) -> Node {
        var attributes: [Attribute] = []
        func add(_ name: String, _ value: AttributeValue) { attributes.append(Attribute(name: name, value: value)) }
        func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
        if let p = layer.precision { add("precision", .string(bytes(p.rawValue))) }
        if !layer.outputs.isEmpty { add("formats", .strings(layer.outputs.map { bytes($0.format) })) }
        if let t = layer.tacticName ?? layer.tacticValue { add("tactic", .string(bytes(t))) }
        if let v = layer.tacticValue { add("tactic_value", .string(bytes(v))) }
        if let s = layer.streamId { add("stream", .int(Int64(s))) }
        add("onnx_nodes", .strings(layer.onnxNodes.map(bytes)))
        add("fused", .strings(layer.fusedParts.map(bytes)))
        if let m = layer.metadata { add("metadata", .string(bytes(m))) }
        if let p = layer.parameterType { add("parameter_type", .string(bytes(p))) }
        if layer.isReformat {
            add("reformat", .int(1))
            if let o = layer.reformatOrigin { add("reformat_origin", .string(bytes(o))) }
            if let t = layer.reformatTarget { add("reformat_target", .string(bytes(t))) }
        }
        if layer.isNoOp { add("no_op", .int(1)) }
        if layer.isMyelin { add("myelin", .int(1)) }
        if let f = layer.foreignNodes { add("foreign_nodes", .strings([bytes(f.first), bytes(f.last)])) }
        let taken = Set(attributes.map(\.name))
        for p in layer.parameters where !taken.contains(p.key) { add(p.key, .string(bytes(p.value))) }
        return Node(name: layer.name, op: OpIdentifier(domain: "", name: layer.type.isEmpty ? "Unknown" : layer.type),
                    inputs: layer.inputs.map(\.name), outputs: layer.outputs.map(\.name), attributes: attributes,
                    origin: Origin(format: .tensorrt, graphPath: ["engine"], nodeIndex: layer.index, name: layer.name))
    }
}
