import LockstepCore

/// EXPAND_DIMS (version 1): inserts a size-1 dimension at `axis` (second input, one int32/int64
/// value; negative counts from `rank + 1`). Any element type; no copy.
struct TFLiteExpandDims: Kernel {
    static let registration = TFLiteOps.op("EXPAND_DIMS") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        return TFLiteExpandDims()
    }

    func outputShape(_ inputs: [Value?]) throws -> (Tensor, [Int]) {
        let (x, a) = try Inputs.two(inputs)
        let values = try TFLiteSupport.integers(a, "axis")
        guard values.count == 1 else { throw KernelError("axis must hold one value, found shape \(a.shape)") }
        let axis = try TFLiteSupport.axis(values[0], rank: x.rank + 1)
        var shape = x.shape
        shape.insert(1, at: axis)
        return (x, shape)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (x, shape) = try outputShape(inputs)
        return [TensorInfo(dtype: x.dtype, shape: shape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, shape) = try outputShape(inputs)
        return [.tensor(try DataMovement.reshape(x, to: shape))]
    }
}
