import LockstepCore

/// ConcatFromSequence (opset 11): concatenates the sequence's tensors along `axis`
/// (`new_axis` = 1 stacks them along a new axis instead; `axis` then ranges over [-r-1, r]).
struct ConcatFromSequenceKernel: Kernel {
    let axis: Int
    let newAxis: Bool

    static let registration = OpRegistration("ConcatFromSequence", versions: 11...Int.max) { context in
        guard let axis = try context.attributes.int("axis") else { throw KernelError("attribute 'axis' is required") }
        return ConcatFromSequenceKernel(axis: axis, newAxis: try context.attributes.int("new_axis", default: 0) != 0)
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (tensors, _) = try SequenceSupport.sequence(inputs, 0)
        guard let first = tensors.first else { throw KernelError("cannot concatenate an empty sequence") }
        let axis = try SequenceSupport.axis(self.axis, rank: first.rank, extra: newAxis)
        var parts = tensors
        if newAxis {
            parts = try tensors.map { t in
                var shape = t.shape
                shape.insert(1, at: min(axis, shape.count))
                return try SequenceSupport.reshaped(t, shape)
            }
        }
        return [.tensor(try SequenceSupport.concat(parts, axis: axis))]
    }
}
