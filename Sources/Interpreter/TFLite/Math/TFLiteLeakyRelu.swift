import LockstepCore

/// LEAKY_RELU (versions 1–2), float: `x > 0 ? x : alpha · x` (`alpha` option, default 0.2).
struct TFLiteLeakyRelu: Kernel {
    static let registration = TFLiteOps.op("LEAKY_RELU") { context in
        try TFLiteSupport.arity(context, inputs: 1...1)
        return TFLiteLeakyRelu(alpha: Double(try context.attributes.float("alpha", default: 0.2)), quantization: try TFLiteQuantization(context))
    }

    let alpha: Double
    let quantization: TFLiteQuantization

    struct Function: FloatUnaryFunction {
        let alpha: Double
        @inline(__always) func callAsFunction<T: FloatMath>(_ x: T) -> T { x > 0 ? x : x * T(alpha) }
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        if x.dtype == .int8 || x.dtype == .uint8 || x.dtype == .int16 { return [TensorInfo(x)] }
        return try TFLiteUnary.prepare(inputs)
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        switch x.dtype {
        case .int8: return [.tensor(try quantized(x, Int8.self))]
        case .uint8: return [.tensor(try quantized(x, UInt8.self))]
        case .int16: return [.tensor(try quantized(x, Int16.self))]
        default: return try TFLiteUnary.evaluate(inputs, Function(alpha: alpha))
        }
    }

    /// `QuantizeLeakyRelu`: the identity multiplier `sIn/sOut` above the zero point, `sIn·alpha/sOut` below.
    func quantized<T: FixedWidthInteger & BitwiseCopyable>(_ x: Tensor, _: T.Type) throws -> Tensor {
        let (si, zi) = try quantization.input(0), (so, zo) = try quantization.output()
        let identity = TFLiteQuantizationParams.Multiplier(Double(si) / Double(so))
        let negative = TFLiteQuantizationParams.Multiplier(Double(si) * Double(Float(alpha)) / Double(so))
        return try TFLiteBuffers.build(x.dtype, x.shape, T.self) { o in
            try TFLiteBuffers.read(x, T.self) {
                TFLiteQuantizedActivations.leakyRelu($0, inputZeroPoint: zi, outputZeroPoint: zo, identity: identity, alpha: negative, output: o)
            }
        }
    }
}
