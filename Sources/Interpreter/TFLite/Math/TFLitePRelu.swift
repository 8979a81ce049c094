import LockstepCore

/// PRELU (version 1), float: `x >= 0 ? x : x · alpha` with `alpha` broadcast against `x` (numpy
/// rules; mediapipe's alphas are `[1, 1, C]` against NHWC inputs). int8 / uint8, and int16 with an
/// int8 alpha (16x8; LiteRT 2.3.0 reads an int16 PRELU's alpha as int8, measured on `cov_prelu_int16`),
/// requantised as `reference_ops::Prelu` does.
struct TFLitePRelu: Kernel {
    let quantization: TFLiteQuantization

    static let registration = TFLiteOps.op("PRELU") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        return TFLitePRelu(quantization: try TFLiteQuantization(context))
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (x, alpha) = try Inputs.two(inputs)
        if x.dtype != .int8 && x.dtype != .uint8 && x.dtype != .int16 { try TFLiteSupport.requireFloat(x, "input") }
        // int16 inputs take int8 alphas (16x8); LiteRT reads any int16 PRELU alpha as int8 bytes.
        try TFLiteSupport.requireType(alpha, "alpha", x.dtype == .int16 ? .int8 : x.dtype)
        return [TensorInfo(dtype: x.dtype, shape: try Broadcast.shape([x.shape, alpha.shape]))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, alpha) = try Inputs.two(inputs)
        _ = try prepare(inputs, context: context)
        if x.dtype == .int8 { return [.tensor(try quantized(x, alpha, Int8.self))] }
        if x.dtype == .uint8 { return [.tensor(try quantized(x, alpha, UInt8.self))] }
        if x.dtype == .int16 {
            let wide = try Tensor(dtype: .int16, shape: alpha.shape, values: try alpha.scalars(as: Int8.self).map(Int16.init))
            return [.tensor(try quantized(x, wide, Int16.self))]
        }
        if x.dtype == .float64 {
            return [.tensor(try Elementwise.binary(x, alpha, as: Double.self, and: Double.self, output: .float64) { $0 >= 0 ? $0 : $0 * $1 })]
        }
        if let channels = Self.perChannel(x.shape, alpha.shape) {
            // The common case (alpha [1, …, 1, C] against [..., C]): one pass, alpha indexed by channel.
            let input = try ElementReader(x, as: Float.self), a = try ElementReader(alpha, as: Float.self)
            let out = try OutputBuffer<Float>(.float32, shape: x.shape)
            let xs = input.pointer, al = a.pointer, y = out.pointer
            var i = 0
            while i < x.count {
                for c in 0..<channels { let v = xs[i + c]; y[i + c] = v >= 0 ? v : v * al[c] }
                i += channels
            }
            withExtendedLifetime((input, a)) {}
            return [.tensor(try out.tensor(.float32, shape: x.shape))]
        }
        return [.tensor(try Elementwise.binary(x, alpha, as: Float.self, and: Float.self, output: .float32) { $0 >= 0 ? $0 : $0 * $1 })]
    }

    /// Quantised PRELU (`reference_ops::BroadcastPrelu4DSlow`): `sIn/sOut` above the input's zero
    /// point, `sIn·sAlpha/sOut` on `(x - zpIn)·(alpha - zpAlpha)` below.
    func quantized<T: FixedWidthInteger & BitwiseCopyable>(_ x: Tensor, _ alpha: Tensor, _: T.Type) throws -> Tensor {
        let (si, zi) = try quantization.input(0), (sa, za) = try quantization.input(1), (so, zo) = try quantization.output()
        let positive = TFLiteQuantizationParams.Multiplier(Double(si) / Double(so))
        let negative = TFLiteQuantizationParams.Multiplier(Double(si) * Double(sa) / Double(so))
        let shape = try Broadcast.shape([x.shape, alpha.shape])
        return try TFLiteBuffers.build(x.dtype, shape, T.self) { o in
            try TFLiteBuffers.read(x, T.self) { xs in
                try TFLiteBuffers.read(alpha, T.self) { al in
                    try TFLiteQuantizedElementwise.broadcast(lhs: xs, lhsShape: x.shape, rhs: al, rhsShape: alpha.shape, output: o) {
                        TFLiteQuantizedActivations.prelu($0, $1, inputOffset: -zi, alphaOffset: -za, outputOffset: zo,
                                                         positive: positive, negative: negative, qmin: Int32(T.min), qmax: Int32(T.max))
                    }
                }
            }
        }
    }

    /// The channel count when `alpha` holds one value per last dimension of `x` (leading ones).
    static func perChannel(_ x: [Int], _ alpha: [Int]) -> Int? {
        guard let c = x.last, c > 0, alpha.last == c, alpha.dropLast().allSatisfy({ $0 == 1 }), alpha.count <= x.count else { return nil }
        return c
    }
}
