import LockstepCore

/// LOG_SOFTMAX (1–2), float: over the last dimension, `x - max - log(Σ exp(x - max))` with the
/// maximum from the lowest float (NaN skipped) and the sum in element order
/// (`reference_ops::LogSoftmax`).
struct TFLiteLogSoftmax: Kernel {
    static let registration = TFLiteOps.op("LOG_SOFTMAX") { context in
        try TFLiteSupport.arity(context, inputs: 1...1)
        return TFLiteLogSoftmax()
    }

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
            let x: Tensor
            func visit<T: BLASFloat>(_: T.Type) throws -> Tensor {
                let depth = x.shape.last ?? 1, rows = depth == 0 ? 0 : x.count / depth
                return try NNSupport.read(x, as: T.self) { src in
                    try NNSupport.build(T.dtype, x.shape, as: T.self) { y in
                        for r in 0..<rows {
                            let s = src + r * depth, d = y + r * depth
                            var m = T(-Float.greatestFiniteMagnitude)
                            for i in 0..<depth where m < s[i] { m = s[i] }
                            var sum: T = 0
                            for i in 0..<depth { sum += T.exp(s[i] - m) }
                            let logSum = T.log(sum)
                            for i in 0..<depth { d[i] = s[i] - m - logSum }
                        }
                    }
                }
            }
        }
        return [.tensor(try x.dtype.dispatchBLASFloat(Visitor(x: x)))]
    }
}
