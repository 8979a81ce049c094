import LockstepCore

/// ConstantOfShape (opsets 9–25+): a tensor of the shape given by the int64 input, every element
/// equal to the one-element `value` attribute (default float32 0). An empty shape input gives a
/// scalar; a zero dimension gives an empty tensor.
struct ConstantOfShapeKernel: Kernel {
    let value: Tensor

    static let registration = OpRegistration("ConstantOfShape", versions: 9...Int.max) { context in
        let value = try context.attributes.tensor("value") ?? Tensor(float32: [0], shape: [1])
        guard value.count == 1 else { throw KernelError("attribute 'value' must hold one element, found shape \(value.shape)") }
        return ConstantOfShapeKernel(value: try DataMovement.reshape(value, to: []))
    }

    func outputShape(_ inputs: [Value?]) throws -> [Int] {
        let shapeInput = try Inputs.tensor(inputs, 0, name: "input")
        guard shapeInput.rank == 1 else { throw KernelError("input must be a 1-D shape, found shape \(shapeInput.shape)") }
        let shape = try AxisInput.integers(shapeInput, name: "input")
        guard shape.allSatisfy({ $0 >= 0 }) else { throw KernelError("shape \(shape) has a negative dimension") }
        try DataMovement.checkedCount(shape)
        return shape
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        [TensorInfo(dtype: value.dtype, shape: try outputShape(inputs))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let shape = try outputShape(inputs)
        return [.tensor(try DataMovement.gather(value, shape: shape, offsets: shape.map { [Int](repeating: 0, count: $0) }))]
    }
}
