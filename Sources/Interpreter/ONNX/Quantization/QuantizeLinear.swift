import LockstepCore

/// QuantizeLinear (opsets 10, 13, 19, 21, 23, 24, 25): `y = saturate(round(x / y_scale) + y_zero_point)`.
///
/// - Granularity from the scale's shape: per tensor, per axis (`axis`, opset 13+), blocked
///   (`block_size`, opset 21+).
/// - The division runs in the precision of `precision` (opset 23+) or else of `y_scale`'s type
///   (float32; float16/bfloat16 operands and quotient rounded to that type).
/// - Integer outputs (uint8, int8, uint16, int16, uint4, int4, uint2, int2) round half to even
///   and saturate to the type's range; NaN gives the range minimum (as ONNX Runtime's SSE
///   kernels and the reference do).
/// - float8 outputs: round half to even with Cast's `saturate` rules (`FloatEncoding`); the
///   zero point (normally 0) is added only when non-zero, so −0 survives. float4e2m1 and the
///   float6 kinds (no infinities) always saturate; their codes are packed LSB first.
/// - Output type: `y_zero_point`'s type, else `output_dtype` (opset 21+), else uint8.
struct QuantizeLinearKernel: Kernel {
    let axis: Int
    let saturate: Bool
    let blockSize: Int
    let outputDType: DType?
    let precision: DType?

    static let registration = OpRegistration("QuantizeLinear", versions: 10...Int.max) { context in
        let a = context.attributes
        let outputCode = try a.int("output_dtype", default: 0)
        let precisionCode = try a.int("precision", default: 0)
        func dtype(_ code: Int, _ what: String) throws -> DType? {
            if code == 0 { return nil }
            guard let t = DType(onnxCode: Int32(clamping: code)) else { throw KernelError("\(what) \(code) is not a known element type") }
            return t
        }
        return QuantizeLinearKernel(axis: try a.int("axis", default: 1), saturate: try a.int("saturate", default: 1) != 0,
                                    blockSize: try a.int("block_size", default: 0), outputDType: try dtype(outputCode, "output_dtype"),
                                    precision: try dtype(precisionCode, "precision"))
    }

    func resolvedOutputType(_ zeroPoint: Tensor?) throws -> DType {
        if let zeroPoint {
            if let outputDType, outputDType != zeroPoint.dtype {
                throw KernelError("output_dtype \(outputDType) differs from y_zero_point's type \(zeroPoint.dtype)")
            }
            return zeroPoint.dtype
        }
        return outputDType ?? .uint8
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.tensor(inputs, 0, name: "x")
        let scale = try Inputs.tensor(inputs, 1, name: "y_scale")
        let zeroPoint = try Inputs.optionalTensor(inputs, 2)
        switch x.dtype {
        case .float32, .float16, .bfloat16, .int32: break
        default: throw KernelError("x must be float32, float16, bfloat16 or int32, found \(x.dtype)")
        }
        switch scale.dtype {
        case .float32, .float16, .bfloat16, .int32, .float8e8m0: break
        default: throw KernelError("y_scale must be float32, float16, bfloat16, int32 or float8e8m0, found \(scale.dtype)")
        }
        let output = try resolvedOutputType(zeroPoint)
        guard QuantizedType.range(output) != nil && output != .int32 || QuantizedType.smallFloatFormat(output) != nil else {
            throw KernelError("output type \(output) is not a quantised type")
        }
        if let zeroPoint, zeroPoint.shape != scale.shape && !(zeroPoint.count == 1 && scale.count == 1) {
            throw KernelError("y_zero_point shape \(zeroPoint.shape) differs from y_scale shape \(scale.shape)")
        }
        _ = try QuantizationLayout(input: x.shape, scale: scale.shape, axis: axis, blockSize: blockSize)
        return [TensorInfo(dtype: output, shape: x.shape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.tensor(inputs, 0, name: "x")
        let scale = try Inputs.tensor(inputs, 1, name: "y_scale")
        let zeroPoint = try Inputs.optionalTensor(inputs, 2)
        let output = try resolvedOutputType(zeroPoint)
        let layout = try QuantizationLayout(input: x.shape, scale: scale.shape, axis: axis, blockSize: blockSize)
        let precision = self.precision ?? scale.dtype
        guard precision == .float32 || precision == .float16 || precision == .bfloat16 || precision == .int32 || precision == .float8e8m0 else {
            throw KernelError("precision \(precision) is not float32, float16 or bfloat16")
        }
        let narrow = precision == .float16 || precision == .bfloat16 ? precision : nil
        var xs = try x.floatValues()
        var scales = try scale.floatValues()
        if let narrow {
            for i in 0..<xs.count { xs[i] = QuantRounding.round(xs[i], to: narrow) }
            for i in 0..<scales.count { scales[i] = QuantRounding.round(scales[i], to: narrow) }
        }
        // Quotients x / scale in the chosen precision.
        var quotients = [Float](repeating: 0, count: xs.count)
        xs.withUnsafeBufferPointer { xv in
            quotients.withUnsafeMutableBufferPointer { q in
                layout.forEachRun { range, p in
                    let s = scales[p]
                    for i in range { q[i] = xv[i] / s }
                }
                if let narrow { for i in 0..<q.count { q[i] = QuantRounding.round(q[i], to: narrow) } }
            }
        }

        if let (lo, hi) = QuantizedType.range(output) {
            let zps = try zeroPoint?.int32Values() ?? [0]
            var values = [Int32](repeating: 0, count: xs.count)
            values.withUnsafeMutableBufferPointer { out in
                quotients.withUnsafeBufferPointer { q in
                    layout.forEachRun { range, p in
                        let zp = zps[zps.count == 1 ? 0 : p]
                        for i in range {
                            out[i] = Requantize.roundedToRange(q[i].rounded(.toNearestOrEven), zeroPoint: zp, min: lo, max: hi)
                        }
                    }
                }
            }
            return [.tensor(try values.withUnsafeBufferPointer { try QuantizedType.integerTensor(output, shape: x.shape, values: $0) })]
        }
        guard let format = QuantizedType.smallFloatFormat(output) else { throw KernelError("output type \(output) is not a quantised type") }
        let zps = try zeroPoint.map { try QuantizedType.values($0).map { Float($0) } } ?? [0]
        var codes = [UInt8](repeating: 0, count: xs.count)
        let saturate = self.saturate
        codes.withUnsafeMutableBufferPointer { out in
            quotients.withUnsafeBufferPointer { q in
                layout.forEachRun { range, p in
                    let zp = zps[zps.count == 1 ? 0 : p]
                    for i in range {
                        out[i] = UInt8(truncatingIfNeeded: FloatEncoding.encode(Double(zp != 0 ? q[i] + zp : q[i]), format, saturate: saturate))
                    }
                }
            }
        }
        if output.bitWidth < 8 {
            return [.tensor(try QuantizedType.packed(output, shape: x.shape, bits: output.bitWidth) { codes[$0] })]
        }
        return [.tensor(try Tensor(dtype: output, shape: x.shape, values: codes))]
    }
}
