import LockstepCore

/// UNIQUE (1): the distinct elements of a 1-D input in order of first occurrence, and for every
/// input element the index of its value in that list (int32, or int64 when `idx_out_type` / the
/// declared output says so) — google-ai-edge/LiteRT `tflite/kernels/unique.cc`. Values compare
/// with `==` (0 and -0 are one value; all NaNs are taken as one). float32, int8, int16, int32,
/// int64, uint8.
struct TFLiteUnique: Kernel {
    static let registration = TFLiteOps.op("UNIQUE") { context in
        try TFLiteSupport.arity(context, inputs: 1...1, outputs: 2...2)
        let type = try context.attributes.string("idx_out_type") ?? "INT32"
        return TFLiteUnique(int64: type == "INT64" || TFLiteSupport.declaredType(context, output: 1) == .int64)
    }

    let int64: Bool

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        guard x.rank == 1 else { throw KernelError("input must be 1-D, found shape \(x.shape)") }
        func run<T: BitwiseCopyable, K: Hashable>(_: T.Type, key: (T) -> K) throws -> (Tensor, [Int]) {
            var first: [K: Int] = [:], order: [Int] = [], idx: [Int] = []
            try NNSupport.read(x, as: T.self) { p in
                for i in 0..<x.count {
                    let k = key(p[i])
                    if let j = first[k] { idx.append(j) } else {
                        first[k] = order.count
                        idx.append(order.count)
                        order.append(i)
                    }
                }
            }
            let strides = [1]
            let y = try TFLiteIndexing.remap(x, to: [order.count]) { index in order[index[0]] * strides[0] }
            return (y, idx)
        }
        let (y, idx): (Tensor, [Int])
        switch x.dtype {
        case .float32: (y, idx) = try run(Float.self) { $0.isNaN ? UInt32.max : ($0 == 0 ? 0 : $0.bitPattern) }
        case .int8: (y, idx) = try run(Int8.self) { $0 }
        case .int16: (y, idx) = try run(Int16.self) { $0 }
        case .int32: (y, idx) = try run(Int32.self) { $0 }
        case .int64: (y, idx) = try run(Int64.self) { $0 }
        case .uint8: (y, idx) = try run(UInt8.self) { $0 }
        default: throw KernelError("\(x.dtype) UNIQUE is not implemented", unsupported: true)
        }
        let i: Tensor = int64 ? try Tensor(dtype: .int64, shape: [idx.count], values: idx.map(Int64.init))
            : try Tensor(dtype: .int32, shape: [idx.count], values: idx.map { Int32($0) })
        return [.tensor(y), .tensor(i)]
    }
}
