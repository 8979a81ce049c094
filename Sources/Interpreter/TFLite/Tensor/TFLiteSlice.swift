import LockstepCore

/// SLICE (versions 1–7): `size[d]` elements from `begin[d]` per dimension (`size` -1: to the
/// end); both int32 or int64. Any element type.
struct TFLiteSlice: Kernel {
    static let registration = TFLiteOps.op("SLICE") { context in
        try TFLiteSupport.arity(context, inputs: 3...3)
        return TFLiteSlice()
    }

    func geometry(_ inputs: [Value?]) throws -> (Tensor, begin: [Int], size: [Int]) {
        let x = try Inputs.tensor(inputs, 0, name: "input")
        let begin = try TFLiteSupport.integers(try Inputs.tensor(inputs, 1, name: "begin"), "begin")
        var size = try TFLiteSupport.integers(try Inputs.tensor(inputs, 2, name: "size"), "size")
        guard begin.count == x.rank, size.count == x.rank else {
            throw KernelError("begin and size must have \(x.rank) entries, found \(begin.count) and \(size.count)")
        }
        for d in 0..<x.rank {
            if size[d] == -1 { size[d] = x.shape[d] - begin[d] }
            guard begin[d] >= 0, size[d] >= 0, begin[d] + size[d] <= x.shape[d] else {
                throw KernelError("slice begin \(begin) size \(size) is out of range for shape \(x.shape)")
            }
        }
        return (x, begin, size)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (x, _, size) = try geometry(inputs)
        return [TensorInfo(dtype: x.dtype, shape: size)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, begin, size) = try geometry(inputs)
        let strides = DataMovement.strides(x.shape)
        let tables = (0..<x.rank).map { d in (0..<size[d]).map { (begin[d] + $0) * strides[d] } }
        return [.tensor(try DataMovement.gather(x, shape: size, offsets: tables))]
    }
}
