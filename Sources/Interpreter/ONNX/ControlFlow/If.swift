import LockstepCore

/// If (opsets 1, 11, 13, 16, 19, 21, 23, 24, 25): runs `then_branch` when the single-element
/// bool `cond` is true, else `else_branch`; the node's outputs are the branch's outputs
/// (tensors, sequences or optionals — branches may differ in shape). Branches read outer
/// values through the enclosing scope.
struct IfKernel: Kernel {
    let thenBranch: CompiledGraph
    let elseBranch: CompiledGraph

    static let registration = OpRegistration("If", versions: 1...Int.max) { context in
        let a = context.attributes
        let thenBranch = try context.compileSubgraph(try a.graph("then_branch"))
        let elseBranch = try context.compileSubgraph(try a.graph("else_branch"))
        let outputs = context.node.outputs.count
        guard thenBranch.graph.outputs.count == outputs, elseBranch.graph.outputs.count == outputs else {
            throw KernelError("then_branch and else_branch must each produce the node's \(outputs) outputs, found \(thenBranch.graph.outputs.count) and \(elseBranch.graph.outputs.count)")
        }
        return IfKernel(thenBranch: thenBranch, elseBranch: elseBranch)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        _ = try ControlFlowSupport.bool(try Inputs.tensor(inputs, 0, name: "cond"), name: "cond")
        return []
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let cond = try ControlFlowSupport.bool(try Inputs.tensor(inputs, 0, name: "cond"), name: "cond")
        return try context.run(cond ? thenBranch : elseBranch, inputs: [])
    }
}
