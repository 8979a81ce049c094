import LockstepCore

/// SequenceErase (opset 11): a copy of the sequence without the tensor at `position`
/// (default −1, the last; accepted range [-n, n-1]).
struct SequenceEraseKernel: Kernel {
    static let registration = OpRegistration("SequenceErase", versions: 11...Int.max) { _ in SequenceEraseKernel() }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        var (tensors, type) = try SequenceSupport.sequence(inputs, 0)
        let n = tensors.count
        var p = -1
        if let position = try Inputs.optionalTensor(inputs, 1) { p = try SequenceSupport.position(position) }
        guard p >= -n, p < n else { throw KernelError("position \(p) is out of range for a sequence of \(n) tensors") }
        tensors.remove(at: p < 0 ? p + n : p)
        return [.sequence(tensors, elementType: type)]
    }
}
