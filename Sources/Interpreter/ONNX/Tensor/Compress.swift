import LockstepCore

/// Compress (opsets 9–28+): keeps the slices along `axis` (negative from 11) where the 1-D bool
/// `condition` is true; without `axis` the input is flattened first. A condition shorter than
/// the axis drops the remaining slices (numpy.compress); a longer one must be false past the end.
struct CompressKernel: Kernel {
    let axis: Int?

    static let registration = OpRegistration("Compress", versions: 9...Int.max) { context in
        CompressKernel(axis: try context.attributes.int("axis"))
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (input, conditionTensor) = try Inputs.two(inputs)
        guard conditionTensor.dtype == .bool, conditionTensor.rank == 1 else {
            throw KernelError("condition must be a 1-D bool tensor, found \(conditionTensor.dtype)\(conditionTensor.shape)")
        }
        let condition = try conditionTensor.scalars(as: UInt8.self)
        let x = axis == nil ? try DataMovement.reshape(input, to: [input.count]) : input
        let a = try AxisInput.normalize(axis ?? 0, rank: x.rank)
        let dim = x.shape[a]
        if condition.count > dim, condition[dim...].contains(where: { $0 != 0 }) {
            throw KernelError("condition has \(condition.count) entries with true values past the \(dim) slices of axis \(a)")
        }
        let selected = condition.indices.filter { $0 < dim && condition[$0] != 0 }
        let strides = DataMovement.strides(x.shape)
        var shape = x.shape
        shape[a] = selected.count
        var tables = x.shape.indices.map { DataMovement.identityTable(x.shape[$0], stride: strides[$0]) }
        tables[a] = selected.map { $0 * strides[a] }
        return [.tensor(try DataMovement.gather(x, shape: shape, offsets: tables))]
    }
}
