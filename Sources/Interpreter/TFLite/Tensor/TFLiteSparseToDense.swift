import LockstepCore

/// SPARSE_TO_DENSE (1–3): a tensor of `output_shape` (rank ≤ 4) filled with `default_value`, with
/// `values[i]` (or the single scalar value) written at each index — `reference_ops::SparseToDense`
/// as google-ai-edge/LiteRT `tflite/kernels/sparse_to_dense.cc` runs it: indices int32 / int64 as a
/// scalar, a vector of positions (1-D output) or `[count, rank]` rows; values float32, int32, int64,
/// int8, uint8 (later duplicates win). An index outside the output is an error (LiteRT writes out
/// of bounds).
struct TFLiteSparseToDense: Kernel {
    static let registration = TFLiteOps.op("SPARSE_TO_DENSE") { context in
        try TFLiteSupport.arity(context, inputs: 4...4)
        return TFLiteSparseToDense()
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let i = try Inputs.tensor(inputs, 0), s = try Inputs.tensor(inputs, 1), v = try Inputs.tensor(inputs, 2), d = try Inputs.tensor(inputs, 3)
        let shape = try TFLiteSupport.integers(s, "output_shape"), flat = try TFLiteSupport.integers(i, "indices")
        guard shape.count <= 4, shape.allSatisfy({ $0 >= 0 }) else { throw KernelError("output_shape \(shape) must have rank ≤ 4 and no negative dimension") }
        try TFLiteSupport.requireType(v, "values", d.dtype)
        guard d.count == 1 else { throw KernelError("default_value must hold one element, found shape \(d.shape)") }
        let rows: [[Int]]
        switch i.rank {
        case 0: rows = [flat]
        case 1: rows = flat.map { [$0] }
        case 2: rows = (0..<i.shape[0]).map { Array(flat[($0 * i.shape[1])..<(($0 + 1) * i.shape[1])]) }
        default: throw KernelError("indices must have rank ≤ 2, found shape \(i.shape)")
        }
        let scalar = v.rank == 0
        guard scalar || v.count == rows.count else { throw KernelError("values \(v.shape) must be a scalar or hold one value per index (\(rows.count))") }
        let strides = DataMovement.strides(shape)
        var offsets: [Int] = []
        for row in rows {
            guard row.count == shape.count, zip(row, shape).allSatisfy({ $0 >= 0 && $0 < $1 }) else {
                throw KernelError("index \(row) is outside the output shape \(shape)")
            }
            offsets.append(zip(row, strides).reduce(0) { $0 + $1.0 * $1.1 })
        }
        // Values and the default in one tensor: element k < count is values[k], the last the default.
        let pool = try DataMovement.concatenate([try DataMovement.reshape(v, to: [v.count]), try DataMovement.reshape(d, to: [1])],
                                                axis: 0, shape: [v.count + 1])
        var source = [Int](repeating: v.count, count: try DataMovement.checkedCount(shape))
        for (k, o) in offsets.enumerated() { source[o] = scalar ? 0 : k }
        switch v.dtype {
        case .float32, .int32, .int64, .int8, .uint8: break
        default: throw KernelError("\(v.dtype) values are not implemented", unsupported: true)
        }
        var n = 0
        return [.tensor(try TFLiteIndexing.remap(pool, to: shape) { _ in
            defer { n += 1 }
            return source[n]
        })]
    }
}
