import LockstepCore
import XCTest

@testable import Interpreter

/// Runs one node of `op` through a `Session` on a one-node IR graph, as the op-family tests do.
/// `nil` inputs are omitted optional inputs (empty names); inputs and outputs are untyped tensors.
func runSingleNode(_ op: String, _ inputs: [Tensor?], _ attributes: [String: AttributeValue] = [:], opset: Int = 22,
                   outputs: Int = 1) throws -> [Tensor] {
    var names: [String] = [], infos: [ValueInfo] = [], feeds: [String: Value] = [:]
    for (i, t) in inputs.enumerated() {
        guard let t else { names.append(""); continue }
        names.append("in\(i)")
        infos.append(ValueInfo(name: "in\(i)", type: .tensor(elementType: nil, shape: nil)))
        feeds["in\(i)"] = .tensor(t)
    }
    let outs = (0..<outputs).map { "out\($0)" }
    let node = Node(name: "n", op: OpIdentifier(name: op, version: opset), inputs: names, outputs: outs,
                    attributes: attributes.sorted { $0.key < $1.key }.map { Attribute(name: $0.key, value: $0.value) },
                    origin: Origin(format: .onnx, graphPath: ["g"], nodeIndex: 0, name: "n"))
    let graph = Graph(name: "g", nodes: [node], inputs: infos,
                      outputs: outs.map { ValueInfo(name: $0, type: .tensor(elementType: nil, shape: nil)) })
    let model = Model(format: .onnx, path: "t.onnx", irVersion: 10, opsetImports: ["": opset], graph: graph)
    let result = try Session(model: model).run(feeds)
    return try result.outputs.map { try XCTUnwrap($0.value?.tensor) }
}
