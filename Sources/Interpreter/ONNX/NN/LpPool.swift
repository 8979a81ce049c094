import LockstepCore

/// LpPool (ONNX opsets 1, 2, 11, 18, 22): `(Σ |x|^p)^(1/p)` over each window (padding adds
/// nothing) with `pads`, `strides`, `auto_pad`, and (18+) `dilations`, `ceil_mode`. `p` defaults
/// to 2; opset 1 stored it as a FLOAT.
struct LpPoolKernel: Kernel {
    static let registration = OpRegistration("LpPool", versions: 1...Int.max) { context in
        let p = try context.attributes.float("p", default: 2)
        guard p > 0 else { throw KernelError("attribute 'p' must be positive, found \(p)") }
        return try LpPoolKernel(attributes: PoolingAttributes(context.attributes), power: Double(p))
    }

    let attributes: PoolingAttributes
    let power: Double

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.tensor(inputs, 0, name: "X")
        try NNSupport.requireFloat(x, "X")
        return [TensorInfo(dtype: x.dtype, shape: try attributes.parameters(x).channelsFirstOutputShape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.tensor(inputs, 0, name: "X")
        try NNSupport.requireFloat(x, "X")
        let p = try attributes.parameters(x)
        struct Visitor: BLASFloatVisitor {
            let t: [Tensor?], p: PoolingParameters, power: Double
            func visit<T: BLASFloat>(_: T.Type) throws -> [Tensor?] {
                [try NNSupport.read(t[0]!, as: T.self) { xp in
                    try NNSupport.build(T.dtype, p.channelsFirstOutputShape, as: T.self) { yp in
                        try Pooling.lp(p, x: xp, y: yp, power: T(power))
                    }
                }]
            }
        }
        return try NNSupport.compute([x]) { Visitor(t: $0, p: p, power: power) }
    }
}
