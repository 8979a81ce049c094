import LockstepCore

/// GroupNormalization (ONNX opsets 18, 21): `X [N, C, …]` split into `num_groups` groups of
/// `C / num_groups` channels; each `(n, group)` block is normalised with its mean and population
/// variance (float64, `Moments`), then `Y = scale * normalised + bias` with `scale`/`bias` per
/// group (`[num_groups]`, opset 18) or per channel (`[C]`, opset 21).
struct GroupNormalizationKernel: Kernel {
    static let registration = OpRegistration("GroupNormalization", versions: 18...Int.max) { context in
        let a = context.attributes
        guard let groups = try a.int("num_groups"), groups > 0 else { throw KernelError("attribute 'num_groups' must be a positive INT") }
        return GroupNormalizationKernel(groups: groups, epsilon: Double(try a.float("epsilon", default: 1e-5)), perChannel: context.opset >= 21)
    }

    let groups: Int
    let epsilon: Double
    let perChannel: Bool

    func operands(_ inputs: [Value?]) throws -> (Tensor, [Double], [Double]) {
        let x = try Inputs.tensor(inputs, 0, name: "X")
        try NNSupport.requireFloat(x, "X")
        guard x.rank >= 2 else { throw KernelError("input 'X' must have rank 2 or more ([N, C, …]), found shape \(x.shape)") }
        let c = x.shape[1]
        guard c % groups == 0 else { throw KernelError("num_groups \(groups) does not divide the \(c) channels") }
        let expected = perChannel ? c : groups
        var params: [[Double]] = []
        for (i, name) in ["scale", "bias"].enumerated() {
            let t = try Inputs.tensor(inputs, i + 1, name: name)
            try NNSupport.requireSameType(t, name, as: x.dtype)
            guard t.shape == [expected] else { throw KernelError("input '\(name)' must have shape [\(expected)], found \(t.shape)") }
            params.append(try t.doubleValues())
        }
        return (x, params[0], params[1])
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        [TensorInfo(try operands(inputs).0)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, scale, bias) = try operands(inputs)
        struct Visitor: BLASFloatVisitor {
            let t: [Tensor?], groups: Int, scale: [Double], bias: [Double], epsilon: Double, perChannel: Bool
            func visit<T: BLASFloat>(_: T.Type) throws -> [Tensor?] {
                let x = t[0]!
                let c = x.shape[1], plane = x.shape[2...].reduce(1, *), perGroup = c / groups
                let block = perGroup * plane
                return [try NNSupport.read(x, as: T.self) { xp in
                    try NNSupport.build(T.dtype, x.shape, as: T.self) { yp in
                        for n in 0..<x.shape[0] {
                            for g in 0..<groups {
                                let base = (n * groups + g) * block
                                let (mean, variance) = Moments.of(xp + base, count: block)
                                let inv = 1 / (variance + epsilon).squareRoot()
                                for k in 0..<perGroup {
                                    let ch = g * perGroup + k
                                    let a = (perChannel ? scale[ch] : scale[g]) * inv
                                    let s = T(a), o = T((perChannel ? bias[ch] : bias[g]) - mean * a)
                                    let start = base + k * plane
                                    for j in start..<(start + plane) { yp[j] = xp[j] * s + o }
                                }
                            }
                        }
                    }
                }]
            }
        }
        return try NNSupport.compute([x]) { Visitor(t: $0, groups: groups, scale: scale, bias: bias, epsilon: epsilon, perChannel: perChannel) }
    }
}
