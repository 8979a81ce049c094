import LockstepCore

/// ASSIGN_VARIABLE (version 1): sets the resource variable (input 0) to input 1; the value lives
/// in the run's state, so the next invocation (`--steps`) reads it.
struct TFLiteAssignVariable: Kernel {
    static let registration = TFLiteOps.op("ASSIGN_VARIABLE") { context in
        try TFLiteSupport.arity(context, inputs: 2...2, outputs: 0...0)
        return TFLiteAssignVariable()
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let id = try TFLiteVarHandle.id(inputs, 0)
        context.state.assignResource(id, try Inputs.tensor(inputs, 1, name: "value"))
        return []
    }
}
