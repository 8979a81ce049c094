import LockstepCore

/// Hardmax (ONNX opsets 1, 11, 13): 1 at the first maximum of each slice, 0 elsewhere; slices
/// as for Softmax (2-D coercion at `axis`, default 1, before opset 13; the single `axis`,
/// default -1, from 13). A NaN counts as the maximum (numpy `argmax`).
struct HardmaxKernel: Kernel {
    static let registration = OpRegistration("Hardmax", versions: 1...Int.max) { context in
        let coerced = context.opset < 13
        return HardmaxKernel(axis: try context.attributes.int("axis", default: coerced ? 1 : -1), coerced: coerced)
    }

    let axis: Int
    let coerced: Bool

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.tensor(inputs, 0, name: "input")
        try NNSupport.requireFloat(x, "input")
        _ = try NNSupport.softmaxSplit(x.shape, axis: axis, coerced: coerced)
        return [TensorInfo(x)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.tensor(inputs, 0, name: "input")
        try NNSupport.requireFloat(x, "input")
        let (outer, n, inner) = try NNSupport.softmaxSplit(x.shape, axis: axis, coerced: coerced)
        struct Visitor: BLASFloatVisitor {
            let t: [Tensor?], outer: Int, n: Int, inner: Int
            func visit<T: BLASFloat>(_: T.Type) throws -> [Tensor?] {
                let x = t[0]!
                return [try NNSupport.read(x, as: T.self) { xp in
                    try NNSupport.buildZeroed(T.dtype, x.shape, as: T.self) { yp in
                        guard n > 0 else { return }
                        for o in 0..<outer {
                            for i in 0..<inner {
                                let base = o * n * inner + i
                                var best = 0
                                var m = xp[base]
                                if !m.isNaN {
                                    for k in 1..<n {
                                        let v = xp[base + k * inner]
                                        if v.isNaN { best = k; break }
                                        if v > m { m = v; best = k }
                                    }
                                }
                                yp[base + best * inner] = 1
                            }
                        }
                    }
                }]
            }
        }
        return try NNSupport.compute([x]) { Visitor(t: $0, outer: outer, n: n, inner: inner) }
    }
}
