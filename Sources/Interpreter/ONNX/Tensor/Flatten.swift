import LockstepCore

/// Flatten (opsets 1–25+): a 2-D view [d₀·…·d_{axis−1}, d_axis·…·d_{r−1}] of the input, without
/// copying. `axis` defaults to 1; 0 ≤ axis ≤ rank before opset 11, −rank ≤ axis ≤ rank from 11.
struct FlattenKernel: Kernel {
    let axis: Int
    let allowNegative: Bool

    static let registration = OpRegistration("Flatten", versions: 1...Int.max) { context in
        FlattenKernel(axis: try context.attributes.int("axis", default: 1), allowNegative: context.opset >= 11)
    }

    func outputShape(_ x: Tensor) throws -> [Int] {
        let rank = x.rank
        guard axis <= rank, axis >= (allowNegative ? -rank : 0) else {
            throw KernelError("axis \(axis) is out of range for rank \(rank) (expected \(allowNegative ? -rank : 0)…\(rank))")
        }
        let a = axis < 0 ? axis + rank : axis
        return [x.shape[..<a].reduce(1, *), x.shape[a...].reduce(1, *)]
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        return [TensorInfo(dtype: x.dtype, shape: try outputShape(x))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        return [.tensor(try DataMovement.reshape(x, to: try outputShape(x)))]
    }
}
