import LockstepCore

/// Gather (opsets 1–13+): takes entries of `data` along `axis` (default 0) at `indices` (int32 or
/// int64, negative counting from the end from opset 11). The output shape is
/// data.shape[..<axis] + indices.shape + data.shape[axis+1...]. Out-of-range indices are errors.
struct GatherKernel: Kernel {
    let axis: Int

    static let registration = OpRegistration("Gather", versions: 1...Int.max) { context in
        GatherKernel(axis: try context.attributes.int("axis", default: 0))
    }

    func plan(_ inputs: [Value?]) throws -> (data: Tensor, indices: [Int], axis: Int, shape: [Int]) {
        let data = try Inputs.tensor(inputs, 0, name: "data")
        let indicesTensor = try Inputs.tensor(inputs, 1, name: "indices")
        guard data.rank >= 1 else { throw KernelError("data must have rank ≥ 1, found a scalar") }
        let a = try AxisInput.normalize(axis, rank: data.rank)
        let dim = data.shape[a]
        let indices = try AxisInput.integers(indicesTensor, name: "indices").map { i in
            guard i >= -dim && i < dim else { throw KernelError("index \(i) is out of range for axis \(a) of size \(dim)") }
            return i < 0 ? i + dim : i
        }
        return (data, indices, a, Array(data.shape[..<a]) + indicesTensor.shape + Array(data.shape[(a + 1)...]))
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let p = try plan(inputs)
        return [TensorInfo(dtype: p.data.dtype, shape: p.shape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let p = try plan(inputs)
        let strides = DataMovement.strides(p.data.shape)
        // Gather over [outer axes…, flattened indices, inner axes…], then view with the real shape.
        var shape = Array(p.data.shape[..<p.axis]) + [p.indices.count] + Array(p.data.shape[(p.axis + 1)...])
        var tables = p.data.shape.indices.map { DataMovement.identityTable(p.data.shape[$0], stride: strides[$0]) }
        tables[p.axis] = p.indices.map { $0 * strides[p.axis] }
        shape[p.axis] = p.indices.count
        let flat = try DataMovement.gather(p.data, shape: shape, offsets: tables)
        return [.tensor(try DataMovement.reshape(flat, to: p.shape))]
    }
}
