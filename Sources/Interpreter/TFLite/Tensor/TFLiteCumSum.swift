import LockstepCore

/// CUMSUM (1): running sums along the axis of the second input, `exclusive` (start from 0) and
/// `reverse` (from the end) as options; each sum accumulates one element at a time in that
/// direction. float32 and int32.
struct TFLiteCumSum: Kernel {
    static let registration = TFLiteOps.op("CUMSUM") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        let a = context.attributes
        return TFLiteCumSum(exclusive: try a.int("exclusive", default: 0) != 0, reverse: try a.int("reverse", default: 0) != 0)
    }

    let exclusive: Bool
    let reverse: Bool

    func run<T: Numeric & BitwiseCopyable>(_ x: Tensor, axis: Int, _: T.Type) throws -> Tensor {
        let (outer, n, inner) = Reduction.split(x.shape, axis: axis)
        return try NNSupport.read(x, as: T.self) { src in
            try NNSupport.build(x.dtype, x.shape, as: T.self) { y in
                for o in 0..<outer {
                    for i in 0..<inner {
                        var acc: T = 0
                        for step in 0..<n {
                            let k = reverse ? n - 1 - step : step
                            let at = (o * n + k) * inner + i
                            if exclusive { y[at] = acc; acc += src[at] } else { acc += src[at]; y[at] = acc }
                        }
                    }
                }
            }
        }
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, a) = try Inputs.two(inputs)
        let values = try TFLiteSupport.integers(a, "axis")
        guard values.count == 1 else { throw KernelError("axis must hold one value") }
        let axis = try TFLiteSupport.axis(values[0], rank: x.rank)
        switch x.dtype {
        case .float32: return [.tensor(try run(x, axis: axis, Float.self))]
        case .float64: return [.tensor(try run(x, axis: axis, Double.self))]
        case .int32: return [.tensor(try run(x, axis: axis, Int32.self))]
        case .int64: return [.tensor(try run(x, axis: axis, Int64.self))]
        default: throw KernelError("\(x.dtype) CUMSUM is not implemented", unsupported: true)
        }
    }
}
