import LockstepCore

/// AveragePool (ONNX opsets 1, 7, 10, 11, 19, 22): windowed mean over 1-D to 3-D spatial
/// dimensions with `pads`, `strides`, `dilations` (19+), `ceil_mode` (10+), `auto_pad`.
/// `count_include_pad` (7+) divides by the positions inside the declared padding, otherwise by
/// the real positions; the extra room `ceil_mode` adds never counts. Sums in the input's float
/// type (float16/bfloat16 in float32).
struct AveragePoolKernel: Kernel {
    static let registration = OpRegistration("AveragePool", versions: 1...Int.max) { context in
        try AveragePoolKernel(attributes: PoolingAttributes(context.attributes),
                              countIncludePad: try context.attributes.int("count_include_pad", default: 0) != 0)
    }

    let attributes: PoolingAttributes
    let countIncludePad: Bool

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
            let t: [Tensor?], p: PoolingParameters, countIncludePad: Bool
            func visit<T: BLASFloat>(_: T.Type) throws -> [Tensor?] {
                [try NNSupport.read(t[0]!, as: T.self) { xp in
                    try NNSupport.build(T.dtype, p.channelsFirstOutputShape, as: T.self) { yp in
                        try Pooling.average(p, x: xp, y: yp, countIncludePad: countIncludePad)
                    }
                }]
            }
        }
        return try NNSupport.compute([x]) { Visitor(t: $0, p: p, countIncludePad: countIncludePad) }
    }
}
