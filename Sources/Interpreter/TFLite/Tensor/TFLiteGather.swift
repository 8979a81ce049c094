import LockstepCore

/// GATHER (versions 1–6): slices of `params` along `axis` (negative from the end) picked by
/// int32/int64 `indices`; output `params.shape[..<axis] + indices.shape[batch_dims...] +
/// params.shape[axis+1...]`. With `batch_dims` b (negative: from the indices' rank) the first b
/// dimensions of `params` and `indices` are shared batches, and each batch's indices pick from
/// that batch only (`reference_ops::Gather`: batch, outer, coordinate, inner). An index out of
/// range is an error, as in LiteRT.
struct TFLiteGather: Kernel {
    static let registration = TFLiteOps.op("GATHER") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        let a = context.attributes
        return TFLiteGather(axis: try a.int("axis", default: 0), batchDims: try a.int("batch_dims", default: 0))
    }

    let axis: Int
    let batchDims: Int

    struct Geometry {
        var params: Tensor, axis: Int, batchDims: Int, indices: [Int], indicesShape: [Int], shape: [Int]
    }

    func geometry(_ inputs: [Value?]) throws -> Geometry {
        let (params, i) = try Inputs.two(inputs)
        let a = try TFLiteSupport.axis(axis, rank: params.rank)
        let b = batchDims < 0 ? batchDims + i.rank : batchDims
        guard b >= 0, b <= a, b <= i.rank, params.shape[..<b] == i.shape[..<b] else {
            throw KernelError("batch_dims \(batchDims) does not fit params \(params.shape), indices \(i.shape) and axis \(a)")
        }
        let indices = try TFLiteSupport.integers(i, "indices")
        for index in indices where index < 0 || index >= params.shape[a] {
            throw KernelError("index \(index) is out of range for dimension \(a) of size \(params.shape[a])")
        }
        let shape = Array(params.shape[..<a]) + Array(i.shape[b...]) + Array(params.shape[(a + 1)...])
        return Geometry(params: params, axis: a, batchDims: b, indices: indices, indicesShape: i.shape, shape: shape)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let g = try geometry(inputs)
        return [TensorInfo(dtype: g.params.dtype, shape: g.shape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let g = try geometry(inputs)
        let params = g.params, a = g.axis
        if g.batchDims == 0 {
            let strides = DataMovement.strides(params.shape)
            // View: [outer…, N (indices flattened), inner…], then reshape to the output.
            let viewShape = Array(params.shape[..<a]) + [g.indices.count] + Array(params.shape[(a + 1)...])
            var tables = (0..<params.rank).map { DataMovement.identityTable(params.shape[$0], stride: strides[$0]) }
            tables[a] = g.indices.map { $0 * strides[a] }
            let picked = try DataMovement.gather(params, shape: viewShape, offsets: tables)
            return [.tensor(try DataMovement.reshape(picked, to: g.shape))]
        }
        guard let width = params.dtype.byteWidth else { throw KernelError("\(params.dtype) GATHER with batch_dims is not implemented", unsupported: true) }
        let batches = params.shape[..<g.batchDims].reduce(1, *)
        let outer = params.shape[g.batchDims..<a].reduce(1, *)
        let axisSize = params.shape[a]
        let inner = params.shape[(a + 1)...].reduce(1, *) * width
        let coords = g.indicesShape[g.batchDims...].reduce(1, *)
        let count = try DataMovement.checkedCount(g.shape)
        let storage = TensorStorage(byteCount: count * width) { out in
            guard let dst = out.baseAddress, let src = params.storage.bytes.baseAddress, inner > 0 else { return }
            for b in 0..<batches {
                for o in 0..<outer {
                    for c in 0..<coords {
                        let from = ((b * outer + o) * axisSize + g.indices[b * coords + c]) * inner
                        (dst + ((b * outer + o) * coords + c) * inner).copyMemory(from: src + from, byteCount: inner)
                    }
                }
            }
        }
        return [.tensor(try withExtendedLifetime(params) { try Tensor(dtype: params.dtype, shape: g.shape, storage: storage, quantization: params.quantization) })]
    }
}
