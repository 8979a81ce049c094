import LockstepCore

/// READ_VARIABLE (version 1): the current value of the resource variable (input 0); reading a
/// variable no ASSIGN_VARIABLE has set is an error, as in LiteRT.
struct TFLiteReadVariable: Kernel {
    static let registration = TFLiteOps.op("READ_VARIABLE") { context in
        try TFLiteSupport.arity(context, inputs: 1...1)
        return TFLiteReadVariable()
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let id = try TFLiteVarHandle.id(inputs, 0)
        guard let value = context.state.resource(id) else { throw KernelError("resource variable \(id) is read before it is assigned") }
        return [.tensor(value)]
    }
}
