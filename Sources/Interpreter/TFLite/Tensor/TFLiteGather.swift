import LockstepCore

/// GATHER (versions 1–6): slices of `params` along `axis` (negative from the end) picked by
/// int32/int64 `indices`; output `params.shape[..<axis] + indices.shape + params.shape[axis+1...]`.
/// An index out of range is an error, as in LiteRT. `batch_dims` other than 0 is not implemented.
struct TFLiteGather: Kernel {
    static let registration = TFLiteOps.op("GATHER") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        let a = context.attributes
        guard try a.int("batch_dims", default: 0) == 0 else { throw KernelError("batch_dims other than 0 is not implemented", unsupported: true) }
        return TFLiteGather(axis: try a.int("axis", default: 0))
    }

    let axis: Int

    func geometry(_ inputs: [Value?]) throws -> (Tensor, axis: Int, indices: [Int], shape: [Int]) {
        let (params, i) = try Inputs.two(inputs)
        let a = try TFLiteSupport.axis(axis, rank: params.rank)
        let indices = try TFLiteSupport.integers(i, "indices")
        for index in indices where index < 0 || index >= params.shape[a] {
            throw KernelError("index \(index) is out of range for dimension \(a) of size \(params.shape[a])")
        }
        return (params, a, indices, Array(params.shape[..<a]) + i.shape + Array(params.shape[(a + 1)...]))
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let g = try geometry(inputs)
        return [TensorInfo(dtype: g.0.dtype, shape: g.shape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (params, a, indices, _) = try geometry(inputs)
        let strides = DataMovement.strides(params.shape)
        // View: [outer…, N (indices flattened), inner…], then reshape to the output.
        let viewShape = Array(params.shape[..<a]) + [indices.count] + Array(params.shape[(a + 1)...])
        var tables = (0..<params.rank).map { DataMovement.identityTable(params.shape[$0], stride: strides[$0]) }
        tables[a] = indices.map { $0 * strides[a] }
        let picked = try DataMovement.gather(params, shape: viewShape, offsets: tables)
        return [.tensor(try DataMovement.reshape(picked, to: try geometry(inputs).shape))]
    }
}
