import LockstepCore

/// RMSNormalization (ONNX opset 23): normalises `X` over the trailing axes from `axis`
/// (default -1): `Y = X / sqrt(mean(X²) + epsilon) * scale`, `scale` broadcast to
/// `X.shape[axis...]`. The mean square is accumulated in float64.
struct RMSNormalizationKernel: Kernel {
    static let registration = OpRegistration("RMSNormalization", versions: 23...Int.max) { context in
        let a = context.attributes
        return RMSNormalizationKernel(axis: try a.int("axis", default: -1), epsilon: Double(try a.float("epsilon", default: 1e-5)))
    }

    let axis: Int
    let epsilon: Double

    func operands(_ inputs: [Value?]) throws -> (Tensor, Tensor, Int) {
        let x = try Inputs.tensor(inputs, 0, name: "X")
        try NNSupport.requireFloat(x, "X")
        let axis = try NNSupport.axis(self.axis, rank: x.rank)
        let scale = try Inputs.tensor(inputs, 1, name: "scale")
        try NNSupport.requireSameType(scale, "scale", as: x.dtype)
        let normalized = Array(x.shape[axis...])
        guard (try? Broadcast.shape([scale.shape, normalized])) == normalized else {
            throw KernelError("input 'scale' of shape \(scale.shape) cannot be broadcast to the normalised shape \(normalized)")
        }
        return (x, scale, axis)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        [TensorInfo(try operands(inputs).0)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, scale, axis) = try operands(inputs)
        struct Visitor: BLASFloatVisitor {
            let t: [Tensor?], axis: Int, epsilon: Double
            func visit<T: BLASFloat>(_: T.Type) throws -> [Tensor?] {
                let x = t[0]!
                let count = x.shape[axis...].reduce(1, *), outer = x.shape[..<axis].reduce(1, *)
                let s = try NNSupport.expanded(t[1]!, to: Array(x.shape[axis...]), as: T.self)
                return [try NNSupport.read(x, as: T.self) { xp in
                    try NNSupport.build(T.dtype, x.shape, as: T.self) { yp in
                        s.withUnsafeBufferPointer { sp in
                            for i in 0..<outer {
                                let r = T(1 / (Moments.meanSquare(xp + i * count, count: count) + epsilon).squareRoot())
                                let src = xp + i * count, dst = yp + i * count
                                for j in 0..<count { dst[j] = src[j] * r * sp[j] }
                            }
                        }
                    }
                }]
            }
        }
        return try NNSupport.compute([x, scale]) { Visitor(t: $0, axis: axis, epsilon: epsilon) }
    }
}
