import LockstepCore

/// Concat (opsets 1–13+): joins tensors of one type and rank along `axis` (default 1 before opset 4,
/// required from 4; negative from 11). All other dimensions must agree; empty inputs are allowed.
struct ConcatKernel: Kernel {
    let axis: Int

    static let registration = OpRegistration("Concat", versions: 1...Int.max) { context in
        let axis = try context.attributes.int("axis")
        guard let axis = axis ?? (context.opset < 4 ? 1 : nil) else { throw KernelError("attribute 'axis' is required") }
        return ConcatKernel(axis: axis)
    }

    func plan(_ inputs: [Value?]) throws -> (parts: [Tensor], axis: Int, shape: [Int]) {
        guard !inputs.isEmpty else { throw KernelError("at least one input is required") }
        let parts = try inputs.indices.map { try Inputs.tensor(inputs, $0) }
        let first = parts[0]
        let a = try AxisInput.normalize(axis, rank: first.rank)
        var shape = first.shape
        shape[a] = 0
        for (i, p) in parts.enumerated() {
            guard p.dtype == first.dtype else { throw KernelError("input \(i) is \(p.dtype), input 0 is \(first.dtype)") }
            guard p.rank == first.rank, p.shape.enumerated().allSatisfy({ $0.offset == a || $0.element == first.shape[$0.offset] }) else {
                throw KernelError("input \(i) has shape \(p.shape), which does not match \(first.shape) outside axis \(a)")
            }
            shape[a] += p.shape[a]
        }
        return (parts, a, shape)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let p = try plan(inputs)
        return [TensorInfo(dtype: p.parts[0].dtype, shape: p.shape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let p = try plan(inputs)
        if p.parts.count == 1 { return [.tensor(p.parts[0])] }
        return [.tensor(try DataMovement.concatenate(p.parts, axis: p.axis, shape: p.shape))]
    }
}
