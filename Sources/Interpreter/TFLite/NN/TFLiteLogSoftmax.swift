import LockstepCore

/// LOG_SOFTMAX (1–2) over the last dimension. Float: `x - max - log(Σ exp(x - max))` with the
/// maximum from the lowest float (NaN skipped) and the sum in element order
/// (`reference_ops::LogSoftmax`). int8 / uint8: LiteRT's integer kernels with their Prepare
/// (`reference_integer_ops::LogSoftmax` / `reference_ops::LogSoftmax` on uint8,
/// `TFLiteQuantizedSoftmax.logSoftmax8`); the output must have scale 16/256 and zero point 127
/// (int8) or 255 (uint8), as LiteRT's Prepare requires.
struct TFLiteLogSoftmax: Kernel {
    static let registration = TFLiteOps.op("LOG_SOFTMAX") { context in
        try TFLiteSupport.arity(context, inputs: 1...1)
        return TFLiteLogSoftmax(quantization: try TFLiteQuantization(context))
    }

    let quantization: TFLiteQuantization

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        if x.dtype != .int8 && x.dtype != .uint8 { try TFLiteSupport.requireFloat(x, "input") }
        guard x.rank >= 1 else { throw KernelError("input must have rank 1 or more, found a scalar") }
        return [TensorInfo(x)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        _ = try prepare(inputs, context: context)
        if x.dtype == .int8 { return [.tensor(try quantized(x, Int8.self))] }
        if x.dtype == .uint8 { return [.tensor(try quantized(x, UInt8.self))] }
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

    /// The 8-bit kernels, after LiteRT's Prepare checks of the output quantisation.
    func quantized<T: FixedWidthInteger & BitwiseCopyable>(_ x: Tensor, _: T.Type) throws -> Tensor {
        let (scale, _) = try quantization.input(0)
        let (outputScale, outputZeroPoint) = try quantization.output()
        guard Double(outputScale) == 16.0 / 256, outputZeroPoint == Int32(T.max) else {
            throw KernelError("\(x.dtype) output must have scale 16/256 and zero point \(T.max) (as LiteRT requires), found \(outputScale) and \(outputZeroPoint)")
        }
        let depth = x.shape.last ?? 1
        if x.count == 0 || depth == 0 { return x }
        let p = TFLiteQuantizedSoftmax.LogParams8(inputScale: scale)
        return try TFLiteBuffers.build(x.dtype, x.shape, T.self) { o in
            try TFLiteBuffers.read(x, T.self) { TFLiteQuantizedSoftmax.logSoftmax8($0, depth: depth, params: p, output: o) }
        }
    }
}
