import LockstepCore

/// Identity (opsets 1–21+): passes any value (tensor, sequence, optional) through unchanged.
struct IdentityKernel: Kernel {
    static let registration = OpRegistration("Identity", versions: 1...Int.max) { _ in IdentityKernel() }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        guard let value = inputs.first ?? nil else { throw KernelError("input 0 is required") }
        return [value]
    }
}
