import LockstepCore

/// GatherElements (opsets 11–13+): output[i…] = data[i… with axis coordinate replaced by
/// indices[i…]]; the output has the shape of `indices` (same rank as `data`, each dimension at
/// most data's outside `axis`). Negative indices count from the end; out of range is an error.
struct GatherElementsKernel: Kernel {
    let axis: Int

    static let registration = OpRegistration("GatherElements", versions: 11...Int.max) { context in
        GatherElementsKernel(axis: try context.attributes.int("axis", default: 0))
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (data, indices) = try Inputs.two(inputs)
        return [TensorInfo(dtype: data.dtype, shape: indices.shape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (data, indicesTensor) = try Inputs.two(inputs)
        let offsets = try ElementIndexing.offsets(data: data.shape, indices: indicesTensor, axis: axis)
        let flat = try DataMovement.gather(data, shape: [offsets.count], offsets: [offsets])
        return [.tensor(try DataMovement.reshape(flat, to: indicesTensor.shape))]
    }
}

/// Index arithmetic shared by GatherElements, ScatterElements and Scatter.
enum ElementIndexing {
    /// Flat offsets into a tensor of shape `data` for each element of `indices` along `axis`.
    static func offsets(data: [Int], indices: Tensor, axis: Int) throws -> [Int] {
        let rank = data.count
        let a = try AxisInput.normalize(axis, rank: rank)
        guard indices.rank == rank else { throw KernelError("indices must have rank \(rank) like data, found shape \(indices.shape)") }
        let values = try AxisInput.integers(indices, name: "indices")
        let strides = DataMovement.strides(data)
        let shape = indices.shape
        var result = [Int](repeating: 0, count: values.count)
        var index = [Int](repeating: 0, count: rank)
        let dim = data[a]
        for k in 0..<rank where k != a && shape[k] > data[k] {
            throw KernelError("indices shape \(shape) exceeds data shape \(data) on axis \(k)")
        }
        for i in 0..<values.count {
            var v = values[i]
            guard v >= -dim && v < dim else { throw KernelError("index \(v) is out of range for axis \(a) of size \(dim)") }
            if v < 0 { v += dim }
            var offset = 0
            for k in 0..<rank { offset += (k == a ? v : index[k]) * strides[k] }
            result[i] = offset
            var k = rank - 1
            while k >= 0 {
                index[k] += 1
                if index[k] < shape[k] { break }
                index[k] = 0
                k -= 1
            }
        }
        return result
    }
}
