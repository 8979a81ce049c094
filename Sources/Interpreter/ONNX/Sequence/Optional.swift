import LockstepCore

/// Optional (opset 15): wraps its input (a tensor or sequence) in an optional; with no input,
/// an empty optional of the `type` attribute's type.
struct OptionalKernel: Kernel {
    static let registration = OpRegistration("Optional", versions: 15...Int.max) { context in
        if !context.node.inputs.contains(where: { !$0.isEmpty }), context.attributes.has("type") == false {
            throw KernelError("an Optional without input needs the 'type' attribute")
        }
        return OptionalKernel()
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        guard let value = inputs.first ?? nil else { return [.optional(nil)] }
        if case .optional = value { throw KernelError("the input of Optional must be a tensor or a sequence, found \(value.typeDescription)") }
        return [.optional(value)]
    }
}
