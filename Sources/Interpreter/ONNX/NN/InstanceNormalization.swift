import LockstepCore

/// InstanceNormalization (ONNX opsets 1, 6, 22): for each `(n, c)` of `X [N, C, …]`,
/// `Y = scale[c] * (X - mean) / sqrt(variance + epsilon) + B[c]` with the mean and population
/// variance of that spatial plane (computed in float64, see `Moments`).
struct InstanceNormalizationKernel: Kernel {
    static let registration = OpRegistration("InstanceNormalization", versions: 1...Int.max) { context in
        InstanceNormalizationKernel(epsilon: Double(try context.attributes.float("epsilon", default: 1e-5)))
    }

    let epsilon: Double

    func operands(_ inputs: [Value?]) throws -> (Tensor, [Double], [Double]) {
        let x = try Inputs.tensor(inputs, 0, name: "input")
        try NNSupport.requireFloat(x, "input")
        guard x.rank >= 3 else { throw KernelError("input must have rank 3 or more ([N, C, spatial…]), found shape \(x.shape)") }
        let scale = try Inputs.tensor(inputs, 1, name: "scale"), bias = try Inputs.tensor(inputs, 2, name: "B")
        for (t, name) in [(scale, "scale"), (bias, "B")] {
            try NNSupport.requireSameType(t, name, as: x.dtype)
            guard t.shape == [x.shape[1]] else { throw KernelError("input '\(name)' must have shape [\(x.shape[1])], found \(t.shape)") }
        }
        return (x, try scale.doubleValues(), try bias.doubleValues())
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        [TensorInfo(try operands(inputs).0)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, scale, bias) = try operands(inputs)
        struct Visitor: BLASFloatVisitor {
            let t: [Tensor?], scale: [Double], bias: [Double], epsilon: Double
            func visit<T: BLASFloat>(_: T.Type) throws -> [Tensor?] {
                let x = t[0]!
                let c = x.shape[1], plane = x.shape[2...].reduce(1, *)
                return [try NNSupport.read(x, as: T.self) { xp in
                    try NNSupport.build(T.dtype, x.shape, as: T.self) { yp in
                        for i in 0..<(x.shape[0] * c) {
                            let (mean, variance) = Moments.of(xp + i * plane, count: plane)
                            let a = scale[i % c] / (variance + epsilon).squareRoot()
                            let s = T(a), o = T(bias[i % c] - mean * a)
                            for j in (i * plane)..<((i + 1) * plane) { yp[j] = xp[j] * s + o }
                        }
                    }
                }]
            }
        }
        return try NNSupport.compute([x]) { Visitor(t: $0, scale: scale, bias: bias, epsilon: epsilon) }
    }
}
