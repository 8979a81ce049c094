import LockstepCore

/// IF (version 1): input 0 is the condition (a one-element bool tensor; numbers count as true
/// when non-zero); the other inputs go by position to subgraph `then_subgraph_index` or
/// `else_subgraph_index`, whose outputs are the node's outputs.
struct TFLiteIf: Kernel {
    static let registration = TFLiteOps.op("IF") { context in
        let a = context.attributes
        guard let thenIndex = try a.int("then_subgraph_index"), let elseIndex = try a.int("else_subgraph_index") else {
            throw KernelError("then_subgraph_index and else_subgraph_index are required")
        }
        guard !context.node.inputs.isEmpty else { throw KernelError("expected a condition input") }
        let n = context.node.inputs.count - 1, m = context.node.outputs.count
        let branches = try [thenIndex, elseIndex].map { try context.compileGraph($0) }
        for (index, g) in zip([thenIndex, elseIndex], branches) where g.graph.inputs.count != n || g.graph.outputs.count != m {
            throw KernelError("branch subgraph \(index) takes \(g.graph.inputs.count) inputs and gives \(g.graph.outputs.count) outputs; expected \(n) and \(m)")
        }
        return TFLiteIf(thenBranch: branches[0], elseBranch: branches[1])
    }

    let thenBranch: CompiledGraph
    let elseBranch: CompiledGraph

    /// The truth of a one-element condition tensor.
    static func truth(_ t: Tensor) throws -> Bool {
        guard t.count == 1 else { throw KernelError("condition must hold one element, found shape \(t.shape)") }
        if t.dtype == .bool { return try t.scalars(as: UInt8.self)[0] != 0 }
        guard t.dtype.isConvertibleToReal else { throw KernelError("condition must be bool, found \(t.dtype)") }
        return try t.doubleValues()[0] != 0
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let condition = try Inputs.tensor(inputs, 0, name: "cond")
        let branch = try Self.truth(condition) ? thenBranch : elseBranch
        return try context.call(branch, inputs: Array(inputs.dropFirst())).map { $0 }
    }
}
