import LockstepCore

/// L2_NORMALIZATION (1–2), float: over the last dimension, `x / max(sqrt(Σ x²), 1e-6)` with the
/// squares summed in element order (`reference_ops::L2Normalization`).
struct TFLiteL2Normalization: Kernel {
    static let registration = TFLiteOps.op("L2_NORMALIZATION") { context in
        try TFLiteSupport.arity(context, inputs: 1...1)
        guard try context.attributes.string("fused_activation_function") ?? "NONE" == "NONE" else {
            throw KernelError("fused activations other than NONE are not supported by L2_NORMALIZATION", unsupported: true)
        }
        return TFLiteL2Normalization()
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        try TFLiteSupport.requireFloat(x, "input")
        guard x.rank >= 1 else { throw KernelError("input must have rank 1 or more, found a scalar") }
        return [TensorInfo(x)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        _ = try prepare(inputs, context: context)
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
}
