import LockstepCore

/// OptionalGetElement (opsets 15, 18): the value inside an optional (an error when it is
/// empty). From opset 18 a tensor or sequence input is returned unchanged.
struct OptionalGetElementKernel: Kernel {
    static let registration = OpRegistration("OptionalGetElement", versions: 15...Int.max) { _ in OptionalGetElementKernel() }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        guard let value = inputs.first ?? nil else { throw KernelError("input 0 is required") }
        switch value {
        case .optional(let inner?): return [inner]
        case .optional(nil): throw KernelError("the optional input is empty")
        case .tensor, .sequence: return [value]
        }
    }
}
