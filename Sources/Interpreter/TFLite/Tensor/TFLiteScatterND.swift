import LockstepCore

/// SCATTER_ND (1): a zero tensor of `shape` (int32, the type of `indices`) into which each
/// `updates` slice is added at its index (duplicates accumulate; integers wrap, bool ORs) —
/// `reference_ops::ScatterNd` as google-ai-edge/LiteRT `tflite/kernels/scatter_nd.cc` @
/// 57d661e22fbf8f7859da5c1eccee46841d909a3d runs it: int32 indices; float32, int8, uint8, int32,
/// int64 and bool updates. Like the reference, only the flat position is bounds-checked (an index
/// past one dimension moves into the next row; a slice past the end is an error).
struct TFLiteScatterND: Kernel {
    static let registration = TFLiteOps.op("SCATTER_ND") { context in
        try TFLiteSupport.arity(context, inputs: 3...3)
        return TFLiteScatterND()
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let i = try Inputs.tensor(inputs, 0), u = try Inputs.tensor(inputs, 1), s = try Inputs.tensor(inputs, 2)
        guard i.dtype == .int32, s.dtype == .int32 else { throw KernelError("indices and shape must be int32, found \(i.dtype) and \(s.dtype)", unsupported: i.dtype == .int64) }
        let shape = try TFLiteSupport.integers(s, "shape"), indices = try TFLiteSupport.integers(i, "indices")
        guard shape.allSatisfy({ $0 >= 0 }) else { throw KernelError("shape \(shape) has a negative dimension") }
        guard i.rank >= 1, let nd = i.shape.last, nd >= 1, nd <= shape.count else { throw KernelError("indices \(i.shape) do not fit shape \(shape)") }
        let outer = i.rank - 1
        guard u.shape == Array(i.shape.dropLast()) + Array(shape[nd...]) else {
            throw KernelError("updates \(u.shape) must have shape \(Array(i.shape.dropLast()) + Array(shape[nd...]))")
        }
        let slices = i.shape.prefix(outer).reduce(1, *), slice = shape[nd...].reduce(1, *)
        let total = try DataMovement.checkedCount(shape)
        var counts = [Int](repeating: 0, count: nd), remain = total
        for d in 0..<nd { counts[d] = shape[d] == 0 ? 0 : remain / shape[d]; remain = counts[d] }
        var positions: [Int] = []
        positions.reserveCapacity(slices)
        for k in 0..<slices {
            var p = 0
            for d in 0..<nd { p += indices[k * nd + d] * counts[d] }
            guard p >= 0, p + slice <= total else { throw KernelError("scatter_nd index out of bounds: slice \(k) lands at flat position \(p) of \(total)") }
            positions.append(p)
        }
        func run<T: BitwiseCopyable>(_: T.Type, _ add: (T, T) -> T) throws -> Tensor {
            try NNSupport.read(u, as: T.self) { src in
                try NNSupport.buildZeroed(u.dtype, shape, as: T.self) { y in
                    for (k, p) in positions.enumerated() {
                        for j in 0..<slice { y[p + j] = add(y[p + j], src[k * slice + j]) }
                    }
                }
            }
        }
        switch u.dtype {
        case .float32: return [.tensor(try run(Float.self, +))]
        case .int8: return [.tensor(try run(Int8.self, &+))]
        case .uint8: return [.tensor(try run(UInt8.self, &+))]
        case .int32: return [.tensor(try run(Int32.self, &+))]
        case .int64: return [.tensor(try run(Int64.self, &+))]
        case .bool: return [.tensor(try run(UInt8.self) { $0 != 0 || $1 != 0 ? 1 : 0 })]
        default: throw KernelError("\(u.dtype) updates are not implemented", unsupported: true)
        }
    }
}
