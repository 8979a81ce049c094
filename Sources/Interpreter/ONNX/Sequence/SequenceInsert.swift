import LockstepCore

/// SequenceInsert (opset 11): a copy of the sequence with `tensor` inserted before `position`
/// (default: appended; negative counts from the back; accepted range [-n, n]). The tensor must
/// have the sequence's element type.
struct SequenceInsertKernel: Kernel {
    static let registration = OpRegistration("SequenceInsert", versions: 11...Int.max) { _ in SequenceInsertKernel() }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        var (tensors, type) = try SequenceSupport.sequence(inputs, 0)
        let tensor = try Inputs.tensor(inputs, 1, name: "tensor")
        if let type, type != tensor.dtype { throw KernelError("tensor type \(tensor.dtype) differs from the sequence's \(type)") }
        let n = tensors.count
        var p = n
        if let position = try Inputs.optionalTensor(inputs, 2) {
            p = try SequenceSupport.position(position)
            guard p >= -n, p <= n else { throw KernelError("position \(p) is out of range for a sequence of \(n) tensors") }
            if p < 0 { p += n }
        }
        tensors.insert(tensor, at: p)
        return [.sequence(tensors, elementType: tensor.dtype)]
    }
}
