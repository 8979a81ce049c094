import LockstepCore

/// ARG_MAX and ARG_MIN (1–2): the index of the first largest / smallest value along the axis of
/// the second input, as `output_type` (declared: int32 or int64). float32, int8/uint8/int16
/// codes, int32, int64.
struct TFLiteArgMinMax: Kernel {
    static func registration(maximum: Bool) -> OpRegistration {
        TFLiteOps.op(maximum ? "ARG_MAX" : "ARG_MIN") { context in
            try TFLiteSupport.arity(context, inputs: 2...2)
            return TFLiteArgMinMax(maximum: maximum, output: TFLiteSupport.declaredType(context) ?? .int64)
        }
    }

    let maximum: Bool
    let output: DType

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, a) = try Inputs.two(inputs)
        let values = try TFLiteSupport.integers(a, "axis")
        guard values.count == 1 else { throw KernelError("axis must hold one value") }
        let axis = try TFLiteSupport.axis(values[0], rank: x.rank)
        let (outer, n, inner) = Reduction.split(x.shape, axis: axis)
        guard n > 0 else { throw KernelError("cannot take the arg\(maximum ? "max" : "min") of an empty dimension") }
        let v = try x.doubleValues()
        var result: [Int64] = []
        result.reserveCapacity(outer * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                var best = 0, bestValue = v[o * n * inner + i]
                for k in 1..<n {
                    let c = v[(o * n + k) * inner + i]
                    if maximum ? c > bestValue : c < bestValue { best = k; bestValue = c }
                }
                result.append(Int64(best))
            }
        }
        var shape = x.shape
        shape.remove(at: axis)
        if output == .int32 { return [.tensor(try Tensor(dtype: .int32, shape: shape, values: result.map { Int32($0) }))] }
        return [.tensor(try Tensor(dtype: .int64, shape: shape, values: result))]
    }
}
