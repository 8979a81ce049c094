import LockstepCore

/// L2_NORMALIZATION (1–2) over the last dimension. Float: `x / max(sqrt(Σ x²), 1e-6)` with the
/// squares summed in element order (`reference_ops::L2Normalization`). int8: LiteRT's integer
/// kernel (`reference_integer_ops::L2Normalization`, `TFLiteQuantizedMath.l2Normalization8`),
/// whose output LiteRT's Prepare requires at scale 1/128 and zero point 0.
struct TFLiteL2Normalization: Kernel {
    static let registration = TFLiteOps.op("L2_NORMALIZATION") { context in
        try TFLiteSupport.arity(context, inputs: 1...1)
        guard try context.attributes.string("fused_activation_function") ?? "NONE" == "NONE" else {
            throw KernelError("fused activations other than NONE are not supported by L2_NORMALIZATION", unsupported: true)
        }
        return TFLiteL2Normalization(quantization: try TFLiteQuantization(context))
    }

    let quantization: TFLiteQuantization

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        if x.dtype != .int8 { try TFLiteSupport.requireFloat(x, "input") }
        guard x.rank >= 1 else { throw KernelError("input must have rank 1 or more, found a scalar") }
        return [TensorInfo(x)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        _ = try prepare(inputs, context: context)
        if x.dtype == .int8 { return [.tensor(try int8(x))] }
        struct Visitor: BLASFloatVisitor {
            let x: Tensor
            func visit<T: BLASFloat>(_: T.Type) throws -> Tensor {
                let depth = x.shape.last ?? 1, rows = depth == 0 ? 0 : x.count / depth
                return try NNSupport.read(x, as: T.self) { src in
                    try NNSupport.build(T.dtype, x.shape, as: T.self) { y in
                        for r in 0..<rows {
                            let s = src + r * depth, d = y + r * depth
                            var sum: T = 0
                            for i in 0..<depth { sum += s[i] * s[i] }
                            let norm = Swift.max(sum.squareRoot(), T(Float(1e-6)))
                            for i in 0..<depth { d[i] = s[i] / norm }
                        }
                    }
                }
            }
        }
        return [.tensor(try x.dtype.dispatchBLASFloat(Visitor(x: x)))]
    }

    /// The int8 kernel, after LiteRT's Prepare checks of the output quantisation.
    func int8(_ x: Tensor) throws -> Tensor {
        let (_, zeroPoint) = try quantization.input(0)
        let (scale, outputZeroPoint) = try quantization.output()
        guard Double(scale) == 1.0 / 128, outputZeroPoint == 0 else {
            throw KernelError("int8 output must have scale 1/128 and zero point 0 (as LiteRT requires), found \(scale) and \(outputZeroPoint)")
        }
        let depth = x.shape.last ?? 1
        if x.count == 0 || depth == 0 { return x }
        return try TFLiteBuffers.build(.int8, x.shape, Int8.self) { o in
            try TFLiteBuffers.read(x, Int8.self) { TFLiteQuantizedMath.l2Normalization8($0, depth: depth, inputZeroPoint: zeroPoint, output: o) }
        }
    }
}
