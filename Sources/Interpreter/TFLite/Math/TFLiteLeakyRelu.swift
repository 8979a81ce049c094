import LockstepCore

/// LEAKY_RELU (versions 1–2), float: `x > 0 ? x : alpha · x` (`alpha` option, default 0.2).
struct TFLiteLeakyRelu: Kernel {
    static let registration = TFLiteOps.op("LEAKY_RELU") { context in
        try TFLiteSupport.arity(context, inputs: 1...1)
        return TFLiteLeakyRelu(alpha: Double(try context.attributes.float("alpha", default: 0.2)))
    }

    let alpha: Double

    struct Function: FloatUnaryFunction {
        let alpha: Double
        @inline(__always) func callAsFunction<T: FloatMath>(_ x: T) -> T { x > 0 ? x : x * T(alpha) }
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] { try TFLiteUnary.prepare(inputs) }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        try TFLiteUnary.evaluate(inputs, Function(alpha: alpha))
    }
}
