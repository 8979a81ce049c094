import LockstepCore

/// SplitToSequence (opsets 11, 24): splits `input` along `axis` into a sequence.
/// `split` absent: parts of length 1, squeezed when `keepdims` = 0; a scalar `split`: parts of
/// that length (the last may be shorter); a 1-D `split`: the given lengths (summing to the
/// dimension). `keepdims` only applies when `split` is absent.
struct SplitToSequenceKernel: Kernel {
    let axis: Int
    let keepdims: Bool

    static let registration = OpRegistration("SplitToSequence", versions: 11...Int.max) { context in
        SplitToSequenceKernel(axis: try context.attributes.int("axis", default: 0),
                              keepdims: try context.attributes.int("keepdims", default: 1) != 0)
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let input = try Inputs.tensor(inputs, 0, name: "input")
        guard input.rank >= 1 else { throw KernelError("input must have rank ≥ 1") }
        let axis = try SequenceSupport.axis(self.axis, rank: input.rank)
        let dim = input.shape[axis]
        var lengths: [Int]
        let split = try Inputs.optionalTensor(inputs, 1)
        if let split {
            guard split.dtype == .int32 || split.dtype == .int64 else { throw KernelError("split must be int32 or int64, found \(split.dtype)") }
            let values = try split.doubleValues().map { Int($0) }
            if split.rank == 0 {
                let length = values[0]
                guard length > 0 else { throw KernelError("split must be positive, found \(length)") }
                lengths = [Int](repeating: length, count: dim / length)
                if dim % length != 0 { lengths.append(dim % length) }
            } else {
                guard split.rank == 1 else { throw KernelError("split must be a scalar or 1-D, found shape \(split.shape)") }
                guard values.allSatisfy({ $0 >= 0 }), values.reduce(0, +) == dim else {
                    throw KernelError("split \(values) must be non-negative and sum to the dimension \(dim)")
                }
                lengths = values
            }
        } else {
            lengths = [Int](repeating: 1, count: dim)
        }
        var parts = try SequenceSupport.split(input, axis: axis, lengths: lengths)
        if split == nil && !keepdims {
            var shape = input.shape
            shape.remove(at: axis)
            parts = try parts.map { try SequenceSupport.reshaped($0, shape) }
        }
        return [.sequence(parts, elementType: input.dtype)]
    }
}
