import LockstepCore

/// QUANTIZE (versions 1–4): float32 → int8 / uint8 / int16 as `round(x / scale) + zero_point`
/// (per tensor, or per channel along the quantised dimension), and integer → integer
/// requantisation (`MultiplyByQuantizedMultiplier` with `sIn/sOut`), through `TFLiteQuantize`
/// (TFLite's `AffineQuantize` / `Requantize`). The output type and parameters are the declared ones.
struct TFLiteQuantizeOp: Kernel {
    static let registration = TFLiteOps.op("QUANTIZE") { context in
        try TFLiteSupport.arity(context, inputs: 1...1)
        guard let output = TFLiteSupport.declaredType(context), [DType.int8, .uint8, .int16].contains(output) else {
            throw KernelError("output must be declared int8, uint8 or int16", unsupported: true)
        }
        return TFLiteQuantizeOp(output: output, quantization: try TFLiteQuantization(context))
    }

    let output: DType
    let quantization: TFLiteQuantization

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        guard x.dtype == .float32 || x.dtype == .int8 || x.dtype == .uint8 || x.dtype == .int16 else {
            throw KernelError("\(x.dtype) input is not implemented", unsupported: true)
        }
        return [TensorInfo(dtype: output, shape: x.shape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        _ = try prepare(inputs, context: context)
        switch output {
        case .int8: return [.tensor(try run(x, Int8.self))]
        case .uint8: return [.tensor(try run(x, UInt8.self))]
        default: return [.tensor(try run(x, Int16.self))]
        }
    }

    func run<Out: FixedWidthInteger & BitwiseCopyable>(_ x: Tensor, _: Out.Type) throws -> Tensor {
        guard let q = quantization.outputs.first ?? nil, !q.scales.isEmpty else { throw KernelError("output has no quantisation parameters") }
        if x.dtype == .float32 {
            return try TFLiteBuffers.build(output, x.shape, Out.self) { o in
                try TFLiteBuffers.read(x, Float.self) { xs in
                    if q.granularity == .perAxis, let axis = q.axis {
                        guard axis >= 0, axis < x.rank, q.scales.count == x.shape[axis] else {
                            throw KernelError("per-channel quantisation (\(q.scales.count) scales, axis \(axis)) does not match shape \(x.shape)")
                        }
                        let zps = (0..<q.scales.count).map { Int32(truncatingIfNeeded: $0 < q.zeroPoints.count ? q.zeroPoints[$0] : 0) }
                        TFLiteQuantize.quantizePerChannel(xs, shape: x.shape, axis: axis, scales: q.scales, zeroPoints: zps, output: o)
                    } else {
                        let (s, z) = try quantization.output()
                        TFLiteQuantize.quantize(xs, scale: s, zeroPoint: z, output: o)
                    }
                }
            }
        }
        let (si, zi) = try quantization.input(0), (so, zo) = try quantization.output()
        func requantize<In: FixedWidthInteger & BitwiseCopyable>(_: In.Type) throws -> Tensor {
            try TFLiteBuffers.build(output, x.shape, Out.self) { o in
                try TFLiteBuffers.read(x, In.self) {
                    TFLiteQuantize.requantize($0, inputScale: si, inputZeroPoint: zi, outputScale: so, outputZeroPoint: zo, output: o)
                }
            }
        }
        switch x.dtype {
        case .int8: return try requantize(Int8.self)
        case .uint8: return try requantize(UInt8.self)
        default: return try requantize(Int16.self)
        }
    }
}
