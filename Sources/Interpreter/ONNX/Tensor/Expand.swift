import LockstepCore

/// Expand (opsets 8–13+): broadcasts the input to the numpy-broadcast of its shape and the int64
/// `shape` input (so a 1 in `shape` keeps the input's dimension, and the result may be larger
/// than `shape`). Every element type.
struct ExpandKernel: Kernel {
    static let registration = OpRegistration("Expand", versions: 8...Int.max) { _ in ExpandKernel() }

    func outputShape(_ inputs: [Value?]) throws -> [Int] {
        let (x, shapeInput) = try Inputs.two(inputs)
        guard shapeInput.rank == 1 else { throw KernelError("input 'shape' must be 1-D, found shape \(shapeInput.shape)") }
        let requested = try AxisInput.integers(shapeInput, name: "shape")
        guard requested.allSatisfy({ $0 >= 0 }) else { throw KernelError("shape \(requested) has a negative dimension") }
        let shape = try Broadcast.shape([x.shape, requested])
        try DataMovement.checkedCount(shape)
        return shape
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        [TensorInfo(dtype: try Inputs.one(inputs).dtype, shape: try outputShape(inputs))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        let shape = try outputShape(inputs)
        let strides = Broadcast.strides(of: x.shape, in: shape)
        return [.tensor(try DataMovement.gather(x, shape: shape, offsets: shape.indices.map { DataMovement.identityTable(shape[$0], stride: strides[$0]) }))]
    }
}
