import LockstepCore

/// STABLEHLO_COMPOSITE (1): a named composite op (`name`, e.g. `odml.rms_norm`) computed by its
/// decomposition: subgraph `decomposition_subgraph_index` called with the node's inputs, its
/// outputs the node's — as google-ai-edge/LiteRT `tflite/kernels/stablehlo_composite.cc` runs it.
/// `composite_attributes` (a FlexBuffer) only inform runtimes that replace the decomposition.
struct TFLiteStablehloComposite: Kernel {
    static let registration = TFLiteOps.op("STABLEHLO_COMPOSITE") { context in
        guard let index = try context.attributes.int("decomposition_subgraph_index") else { throw KernelError("decomposition_subgraph_index is required") }
        let body = try context.compileGraph(index)
        guard body.graph.inputs.count == context.node.inputs.count, body.graph.outputs.count == context.node.outputs.count else {
            throw KernelError("decomposition subgraph \(index) takes \(body.graph.inputs.count) inputs and gives \(body.graph.outputs.count) outputs; the node has \(context.node.inputs.count) and \(context.node.outputs.count)")
        }
        return TFLiteStablehloComposite(body: body)
    }

    let body: CompiledGraph

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        try context.call(body, inputs: inputs).map { $0 }
    }
}
