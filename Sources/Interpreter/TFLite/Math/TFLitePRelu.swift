import LockstepCore

/// PRELU (version 1), float: `x >= 0 ? x : x · alpha` with `alpha` broadcast against `x` (numpy
/// rules; mediapipe's alphas are `[1, 1, C]` against NHWC inputs).
struct TFLitePRelu: Kernel {
    static let registration = TFLiteOps.op("PRELU") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        return TFLitePRelu()
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (x, alpha) = try Inputs.two(inputs)
        try TFLiteSupport.requireFloat(x, "input")
        try TFLiteSupport.requireType(alpha, "alpha", x.dtype)
        return [TensorInfo(dtype: x.dtype, shape: try Broadcast.shape([x.shape, alpha.shape]))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, alpha) = try Inputs.two(inputs)
        _ = try prepare(inputs, context: context)
        if x.dtype == .float64 {
            return [.tensor(try Elementwise.binary(x, alpha, as: Double.self, and: Double.self, output: .float64) { $0 >= 0 ? $0 : $0 * $1 })]
        }
        return [.tensor(try Elementwise.binary(x, alpha, as: Float.self, and: Float.self, output: .float32) { $0 >= 0 ? $0 : $0 * $1 })]
    }
}
