import LockstepCore

/// CALL_ONCE (version 1): runs subgraph `init_subgraph_index` (no inputs, no outputs; it usually
/// assigns resource variables) the first time the node runs in a run's state, and never again —
/// with `--steps N`, only in the first step.
struct TFLiteCallOnce: Kernel {
    static let registration = TFLiteOps.op("CALL_ONCE") { context in
        guard let index = try context.attributes.int("init_subgraph_index") else { throw KernelError("init_subgraph_index is required") }
        let graph = try context.compileGraph(index)
        guard graph.graph.inputs.isEmpty, graph.graph.outputs.isEmpty else {
            throw KernelError("init subgraph \(index) must have no inputs and no outputs, found \(graph.graph.inputs.count) and \(graph.graph.outputs.count)")
        }
        return TFLiteCallOnce(index: index, graph: graph)
    }

    let index: Int
    let graph: CompiledGraph

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        if context.state.claimCallOnce(index) { _ = try context.call(graph, inputs: []) }
        return []
    }
}
