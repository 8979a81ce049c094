import LockstepCore

/// DEQUANTIZE (versions 1–7): float16 → float32 exactly (mediapipe's float16 weights), and
/// int8 / uint8 / int16 / int32 → float32 as `(q - zero_point) · scale` per tensor, or per
/// channel along the quantised dimension, each one correctly rounded product (TFLite's
/// `scale * (val - zero_point)` in double, then cast: the product of a float32 scale and an
/// integer below 2²⁴ is exact in double, so the single rounding is the same). The output type is
/// the declared one (float64 in the oracle mode). Constant inputs are dequantised once, when the
/// graph is compiled, as LiteRT does in Prepare.
struct TFLiteDequantize: Kernel {
    static let registration = TFLiteOps.op("DEQUANTIZE", foldsConstants: true) { context in
        try TFLiteSupport.arity(context, inputs: 1...1)
        let output = TFLiteSupport.declaredType(context) ?? .float32
        guard output == .float32 || output == .float64 else { throw KernelError("output must be float32, found \(output)") }
        return TFLiteDequantize(output: output, quantization: TFLiteSupport.quantization(context, context.node.inputs[0]))
    }

    let output: DType
    let quantization: QuantizationParameters?

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        switch x.dtype {
        case .float16, .float32, .bfloat16: break
        case .int8, .uint8, .int16, .int32:
            guard let q = quantization ?? x.quantization, !q.scales.isEmpty else {
                throw KernelError("\(x.dtype) input has no quantisation parameters")
            }
            if q.granularity == .perAxis {
                guard let axis = q.axis, axis >= 0, axis < x.rank, q.scales.count == x.shape[axis] else {
                    throw KernelError("per-channel quantisation (\(q.scales.count) scales, axis \(q.axis ?? -1)) does not match shape \(x.shape)")
                }
            }
        default: throw KernelError("input type \(x.dtype) cannot be dequantised")
        }
        return [TensorInfo(dtype: output, shape: x.shape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        _ = try prepare(inputs, context: context)
        let values: Tensor
        switch x.dtype {
        case .float16, .bfloat16: values = try x.widenedToFloat()
        case .float32: values = x
        default: values = try dequantize(x, quantization ?? x.quantization!)
        }
        return [.tensor(output == .float64 ? try Float64Widening.widen(values) : values)]
    }

    func dequantize(_ x: Tensor, _ q: QuantizationParameters) throws -> Tensor {
        let codes = try AxisInput.integers(x, name: "input")
        let zeroPoints = q.zeroPoints.isEmpty ? [Int64](repeating: 0, count: q.scales.count) : q.zeroPoints
        var channel: (Int) -> Int = { _ in 0 }
        if q.granularity == .perAxis, let axis = q.axis {
            let inner = x.shape[(axis + 1)...].reduce(1, *), n = x.shape[axis]
            channel = { ($0 / inner) % n }
        }
        guard zeroPoints.count >= q.scales.count else { throw KernelError("quantisation has \(q.scales.count) scales but \(zeroPoints.count) zero points") }
        let out = codes.enumerated().map { i, v -> Float in
            let c = channel(i)
            return Float(Double(q.scales[c]) * Double(Int64(v) - zeroPoints[c]))
        }
        return try Tensor(float32: out, shape: x.shape)
    }
}
