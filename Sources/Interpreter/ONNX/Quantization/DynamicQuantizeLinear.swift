import LockstepCore

/// DynamicQuantizeLinear (opset 11): float32 → uint8 with scale and zero point computed from the
/// data, all in float32:
/// `scale = (max(0, max(x)) − min(0, min(x))) / 255` (1 when that range is 0, i.e. x is all
/// zeros, as ONNX Runtime does; the spec formula would divide by 0 there),
/// `zero_point = round_half_even(clamp(0 − min / scale, 0, 255))`,
/// `y = clamp(round_half_even(x / scale) + zero_point, 0, 255)`. Outputs y, y_scale, y_zero_point.
/// An empty x quantises with range 0. NaN elements are ignored by min/max and quantise to 0.
struct DynamicQuantizeLinearKernel: Kernel {
    static let registration = OpRegistration("DynamicQuantizeLinear", versions: 11...Int.max) { _ in DynamicQuantizeLinearKernel() }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        guard x.dtype == .float32 else { throw KernelError("x must be float32, found \(x.dtype)") }
        return [TensorInfo(dtype: .uint8, shape: x.shape), TensorInfo(dtype: .float32, shape: []), TensorInfo(dtype: .uint8, shape: [])]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        return try x.withElements(as: Float.self) { xv in
            var lo: Float = 0, hi: Float = 0
            for v in xv {
                if v < lo { lo = v }
                if v > hi { hi = v }
            }
            let scale: Float = hi == lo ? 1 : (hi - lo) / 255
            let zeroPoint = min(max(0 - lo / scale, 0), 255).rounded(.toNearestOrEven)
            let zp = Int32(zeroPoint)
            let y = try Tensor.build(.uint8, shape: x.shape, as: UInt8.self) { out in
                for i in 0..<xv.count {
                    out[i] = UInt8(Requantize.roundedToRange((xv[i] / scale).rounded(.toNearestOrEven), zeroPoint: zp, min: 0, max: 255))
                }
            }
            return [.tensor(y), .tensor(try Tensor(float32: [scale], shape: [])),
                    .tensor(try Tensor(dtype: .uint8, shape: [], values: [UInt8(zp)]))]
        }
    }
}
