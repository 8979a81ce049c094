import LockstepCore

/// LayerNormalization (ONNX opset 17): normalises `X` over the trailing axes from `axis`
/// (default -1): `Y = (X - mean) / sqrt(variance + epsilon) * Scale + B`, `Scale` and `B`
/// broadcast to `X.shape[axis...]`. Optional outputs `Mean` and `InvStdDev` have shape
/// `X.shape[..<axis] + [1, …]` and the `stash_type` type (1 = float32, else `X`'s type).
/// Statistics in float64 (`Moments`), the affine step in `X`'s float type.
struct LayerNormalizationKernel: Kernel {
    static let registration = OpRegistration("LayerNormalization", versions: 17...Int.max) { context in
        let a = context.attributes
        return LayerNormalizationKernel(axis: try a.int("axis", default: -1), epsilon: Double(try a.float("epsilon", default: 1e-5)),
                                        stashFloat: try a.int("stash_type", default: 1) == 1, outputs: context.node.outputs.count)
    }

    let axis: Int
    let epsilon: Double
    let stashFloat: Bool
    let outputs: Int

    func operands(_ inputs: [Value?]) throws -> (x: Tensor, scale: Tensor, bias: Tensor?, axis: Int) {
        let x = try Inputs.tensor(inputs, 0, name: "X")
        try NNSupport.requireFloat(x, "X")
        let axis = try NNSupport.axis(self.axis, rank: x.rank)
        let scale = try Inputs.tensor(inputs, 1, name: "Scale"), bias = try Inputs.optionalTensor(inputs, 2)
        let normalized = Array(x.shape[axis...])
        for (t, name) in [(scale, "Scale"), (bias, "B")] {
            guard let t else { continue }
            try NNSupport.requireSameType(t, name, as: x.dtype)
            guard (try? Broadcast.shape([t.shape, normalized])) == normalized else {
                throw KernelError("input '\(name)' of shape \(t.shape) cannot be broadcast to the normalised shape \(normalized)")
            }
        }
        return (x, scale, bias, axis)
    }

    func statShape(_ x: Tensor, _ axis: Int) -> [Int] {
        Array(x.shape[..<axis]) + [Int](repeating: 1, count: x.rank - axis)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (x, _, _, axis) = try operands(inputs)
        let stat = TensorInfo(dtype: stashFloat ? .float32 : x.dtype, shape: statShape(x, axis))
        return Array([TensorInfo(x), stat, stat].prefix(max(1, outputs)))
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, scale, bias, axis) = try operands(inputs)
        let outer = x.shape[..<axis].reduce(1, *), count = x.shape[axis...].reduce(1, *)
        var means = [Double](repeating: 0, count: outer), inverse = means
        struct Visitor: BLASFloatVisitor {
            let t: [Tensor?], axis: Int, outer: Int, count: Int, epsilon: Double
            let means: UnsafeMutablePointer<Double>, inverse: UnsafeMutablePointer<Double>
            func visit<T: BLASFloat>(_: T.Type) throws -> [Tensor?] {
                let x = t[0]!
                let normalized = Array(x.shape[axis...])
                let s = try NNSupport.expanded(t[1]!, to: normalized, as: T.self)
                let b = try t[2].map { try NNSupport.expanded($0, to: normalized, as: T.self) }
                return [try NNSupport.read(x, as: T.self) { xp in
                    try NNSupport.build(T.dtype, x.shape, as: T.self) { yp in
                        for i in 0..<outer {
                            let (mean, variance) = Moments.of(xp + i * count, count: count)
                            let inv = 1 / (variance + epsilon).squareRoot()
                            means[i] = mean
                            inverse[i] = inv
                            let m = T(mean), r = T(inv)
                            let src = xp + i * count, dst = yp + i * count
                            if let b {
                                for j in 0..<count { dst[j] = (src[j] - m) * r * s[j] + b[j] }
                            } else {
                                for j in 0..<count { dst[j] = (src[j] - m) * r * s[j] }
                            }
                        }
                    }
                }]
            }
        }
        var results: [Value?] = try means.withUnsafeMutableBufferPointer { mp in
            try inverse.withUnsafeMutableBufferPointer { ip in
                try NNSupport.compute([x, scale, bias]) {
                    Visitor(t: $0, axis: axis, outer: outer, count: count, epsilon: epsilon, means: mp.baseAddress!, inverse: ip.baseAddress!)
                }
            }
        }
        if outputs > 1 {
            let dtype = stashFloat ? DType.float32 : x.dtype
            results.append(.tensor(try NNSupport.tensor(means, dtype: dtype, shape: statShape(x, axis))))
            if outputs > 2 { results.append(.tensor(try NNSupport.tensor(inverse, dtype: dtype, shape: statShape(x, axis)))) }
        }
        return results
    }
}
