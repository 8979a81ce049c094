import LockstepCore

/// STABLEHLO_CASE (1): input 0 (an int32 scalar) selects one of `branch_subgraph_indices` — an
/// index outside the list selects the last branch — which is called with the other inputs; its
/// outputs are the node's (google-ai-edge/LiteRT `tflite/kernels/stablehlo_case.cc` @
/// 7d88950ea445f5b671d18e64f9614aff397fde50). A builtin-resolver kernel (LiteRT's reference resolver does
/// not register it).
struct TFLiteStablehloCase: Kernel {
    static let registration = TFLiteOps.op("STABLEHLO_CASE") { context in
        let indices = try context.attributes.ints("branch_subgraph_indices") ?? []
        guard !indices.isEmpty, !context.node.inputs.isEmpty else { throw KernelError("expected an index input and at least one branch") }
        let n = context.node.inputs.count - 1, m = context.node.outputs.count
        let branches = try indices.map { try context.compileGraph($0) }
        for (index, g) in zip(indices, branches) where g.graph.inputs.count != n || g.graph.outputs.count != m {
            throw KernelError("branch subgraph \(index) takes \(g.graph.inputs.count) inputs and gives \(g.graph.outputs.count) outputs; expected \(n) and \(m)")
        }
        return TFLiteStablehloCase(branches: branches)
    }

    let branches: [CompiledGraph]

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let index = try Inputs.tensor(inputs, 0, name: "index")
        guard index.dtype == .int32, index.count == 1 else { throw KernelError("index must be one int32 value, found \(index.dtype) \(index.shape)") }
        let i = Int(try index.scalars(as: Int32.self)[0])
        let branch = branches[i >= 0 && i < branches.count ? i : branches.count - 1]
        return try context.call(branch, inputs: Array(inputs.dropFirst())).map { $0 }
    }
}
