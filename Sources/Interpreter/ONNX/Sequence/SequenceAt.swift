import LockstepCore

/// SequenceAt (opset 11): the tensor at `position` (int32/int64 scalar, negative counts from
/// the back; accepted range [-n, n-1]).
struct SequenceAtKernel: Kernel {
    static let registration = OpRegistration("SequenceAt", versions: 11...Int.max) { _ in SequenceAtKernel() }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (tensors, _) = try SequenceSupport.sequence(inputs, 0)
        let p = try SequenceSupport.position(try Inputs.tensor(inputs, 1, name: "position"))
        let n = tensors.count
        guard p >= -n, p < n else { throw KernelError("position \(p) is out of range for a sequence of \(n) tensors") }
        return [.tensor(tensors[p < 0 ? p + n : p])]
    }
}
