import LockstepCore

/// GatherND (opsets 11–13+; `batch_dims` from 12): indices of shape [..., k] pick slices
/// data[b…, i₀, …, i_{k−1}, :] where the first `batch_dims` axes of data and indices are shared.
/// Output shape: indices.shape[..<−1] + data.shape[batch_dims + k ...]. Negative indices count
/// from the end.
struct GatherNDKernel: Kernel {
    let batchDims: Int

    static let registration = OpRegistration("GatherND", versions: 11...Int.max) { context in
        GatherNDKernel(batchDims: try context.attributes.int("batch_dims", default: 0))
    }

    func plan(_ inputs: [Value?]) throws -> (data: Tensor, bases: [Int], slice: Int, shape: [Int]) {
        let (data, indices) = try Inputs.two(inputs)
        let (bases, slice, shape) = try NDIndexing.bases(data: data.shape, indices: indices, batchDims: batchDims)
        return (data, bases, slice, shape)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let p = try plan(inputs)
        return [TensorInfo(dtype: p.data.dtype, shape: p.shape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let p = try plan(inputs)
        let flat = try DataMovement.gather(p.data, shape: [p.bases.count, p.slice],
                                           offsets: [p.bases, DataMovement.identityTable(p.slice, stride: 1)])
        return [.tensor(try DataMovement.reshape(flat, to: p.shape))]
    }
}

/// Index arithmetic shared by GatherND and ScatterND.
enum NDIndexing {
    /// For each index tuple, the flat offset of the slice it selects in `data`; the slice size;
    /// and the shape indices.shape[..<−1] + data.shape[batchDims + k ...].
    static func bases(data: [Int], indices: Tensor, batchDims: Int) throws -> (bases: [Int], slice: Int, shape: [Int]) {
        guard indices.rank >= 1 else { throw KernelError("indices must have rank ≥ 1, found a scalar") }
        let k = indices.shape[indices.rank - 1]
        let b = batchDims
        guard b >= 0, b < min(data.count, indices.rank) else {
            throw KernelError("batch_dims \(b) must be less than the ranks of data \(data) and indices \(indices.shape)")
        }
        guard Array(data[..<b]) == Array(indices.shape[..<b]) else {
            throw KernelError("the first \(b) dimensions of data \(data) and indices \(indices.shape) differ")
        }
        guard b + k <= data.count else {
            throw KernelError("index tuples of length \(k) are too long for data of rank \(data.count) with batch_dims \(b)")
        }
        let values = try AxisInput.integers(indices, name: "indices")
        let strides = DataMovement.strides(data)
        let slice = data[(b + k)...].reduce(1, *)
        let tuples = indices.shape.dropLast().reduce(1, *)
        let batchCount = data[..<b].reduce(1, *)
        let perBatch = batchCount == 0 ? 0 : tuples / batchCount
        let batchStride = b == 0 ? 0 : strides[b - 1]
        var bases = [Int](repeating: 0, count: tuples)
        for t in 0..<tuples {
            var offset = perBatch == 0 ? 0 : (t / perBatch) * batchStride
            for j in 0..<k {
                let dim = data[b + j]
                var v = values[t * k + j]
                guard v >= -dim && v < dim else { throw KernelError("index \(v) is out of range for axis \(b + j) of size \(dim)") }
                if v < 0 { v += dim }
                offset += v * strides[b + j]
            }
            bases[t] = offset
        }
        return (bases, slice, Array(indices.shape.dropLast()) + Array(data[(b + k)...]))
    }
}
