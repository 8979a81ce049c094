import LockstepCore

/// SOFTMAX (versions 1–3) over the last dimension: `exp((x - max) · beta) / Σ exp((x - max) · beta)`
/// in the input's precision, the maximum (from the lowest float, so NaN is
/// skipped) and the sum taken in element order as TFLite's reference kernel does.
struct TFLiteSoftmax: Kernel {
    static let registration = TFLiteOps.op("SOFTMAX") { context in
        try TFLiteSupport.arity(context, inputs: 1...1)
        return TFLiteSoftmax(beta: Double(try context.attributes.float("beta", default: 1)))
    }

    let beta: Double

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        try TFLiteSupport.requireFloat(x, "input")
        guard x.rank >= 1 else { throw KernelError("input must have rank 1 or more, found a scalar") }
        return [TensorInfo(x)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        _ = try prepare(inputs, context: context)
        struct Visitor: BLASFloatVisitor {
            let x: Tensor, beta: Double
            func visit<T: BLASFloat>(_: T.Type) throws -> Tensor {
                let depth = x.shape.last ?? 1, rows = depth == 0 ? 0 : x.count / depth
                let b = T(beta)
                return try NNSupport.read(x, as: T.self) { x in
                    try NNSupport.build(T.dtype, self.x.shape, as: T.self) { y in
                        for r in 0..<rows {
                            let src = x + r * depth, dst = y + r * depth
                            var m = T(-Float.greatestFiniteMagnitude)
                            for i in 0..<depth where m < src[i] { m = src[i] }
                            var sum: T = 0
                            for i in 0..<depth {
                                let e = T.exp((src[i] - m) * b)
                                dst[i] = e
                                sum += e
                            }
                            for i in 0..<depth { dst[i] = dst[i] / sum }
                        }
                    }
                }
            }
        }
        return [.tensor(try x.dtype.dispatchBLASFloat(Visitor(x: x, beta: beta)))]
    }
}
