import LockstepCore

/// DequantizeLinear (opsets 10, 13, 19, 21, 23, 24, 25): `y = (x - x_zero_point) * x_scale`.
///
/// - x: int8, uint8, int16, uint16, int32, int4, uint4, int2, uint2, the float8 kinds, float4e2m1
///   or the float6 kinds;
///   x_zero_point has x's type (must be zero for float8, as the spec says).
/// - Granularity from the scale's shape: per tensor, per axis (`axis`), blocked (`block_size`).
/// - Output type: `output_dtype` (opset 23+) or else x_scale's type (float32, float16,
///   bfloat16). `x - x_zero_point` is exact; the product is formed in double precision and
///   rounded once to the output type.
struct DequantizeLinearKernel: Kernel {
    let axis: Int
    let blockSize: Int
    let outputDType: DType?

    static let registration = OpRegistration("DequantizeLinear", versions: 10...Int.max) { context in
        let a = context.attributes
        let code = try a.int("output_dtype", default: 0)
        var output: DType?
        if code != 0 {
            guard let t = DType(onnxCode: Int32(clamping: code)) else { throw KernelError("output_dtype \(code) is not a known element type") }
            output = t
        }
        return DequantizeLinearKernel(axis: try a.int("axis", default: 1), blockSize: try a.int("block_size", default: 0), outputDType: output)
    }

    func outputType(_ scale: Tensor) throws -> DType {
        let t = outputDType ?? scale.dtype
        switch t {
        case .float32, .float16, .bfloat16: return t
        default: throw KernelError("output type \(t) is not float32, float16 or bfloat16\(outputDType == nil ? " (set output_dtype)" : "")")
        }
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.tensor(inputs, 0, name: "x")
        let scale = try Inputs.tensor(inputs, 1, name: "x_scale")
        if let zeroPoint = try Inputs.optionalTensor(inputs, 2) {
            guard zeroPoint.dtype == x.dtype else { throw KernelError("x_zero_point type \(zeroPoint.dtype) differs from x type \(x.dtype)") }
            guard zeroPoint.shape == scale.shape || (zeroPoint.count == 1 && scale.count == 1) else { throw KernelError("x_zero_point shape \(zeroPoint.shape) differs from x_scale shape \(scale.shape)") }
            if x.dtype == .int32, try zeroPoint.int32Values().contains(where: { $0 != 0 }) {
                throw KernelError("int32 inputs have no zero point (it must be 0)")
            }
        }
        switch x.dtype {
        case .int8, .uint8, .int16, .uint16, .int32, .int4, .uint4, .int2, .uint2,
             .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float4e2m1, .float6e2m3, .float6e3m2:
            break
        default:
            throw KernelError("x type \(x.dtype) is not a quantised type")
        }
        switch scale.dtype {
        case .float32, .float16, .bfloat16, .float8e8m0: break
        default: throw KernelError("x_scale must be float32, float16, bfloat16 or float8e8m0, found \(scale.dtype)")
        }
        _ = try QuantizationLayout(input: x.shape, scale: scale.shape, axis: axis, blockSize: blockSize)
        return [TensorInfo(dtype: try outputType(scale), shape: x.shape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.tensor(inputs, 0, name: "x")
        let scale = try Inputs.tensor(inputs, 1, name: "x_scale")
        let zeroPoint = try Inputs.optionalTensor(inputs, 2)
        let layout = try QuantizationLayout(input: x.shape, scale: scale.shape, axis: axis, blockSize: blockSize)
        let scales = try scale.doubleValues()
        let xs = try QuantizedType.values(x)  // exact for every quantised type
        let zps = try zeroPoint.map(QuantizedType.values) ?? [0]
        if x.dtype.isFloatingPoint, zps.contains(where: { $0 != 0 }) {
            throw KernelError("x_zero_point must be 0 for \(x.dtype) inputs")
        }
        var y = [Double](repeating: 0, count: xs.count)
        y.withUnsafeMutableBufferPointer { out in
            xs.withUnsafeBufferPointer { xv in
                layout.forEachRun { range, p in
                    let s = scales[p], zp = zps[zps.count == 1 ? 0 : p]
                    for i in range { out[i] = (xv[i] - zp) * s }
                }
            }
        }
        return [.tensor(try y.withUnsafeBufferPointer { try QuantRounding.tensor(try outputType(scale), shape: x.shape, values: $0) })]
    }
}
