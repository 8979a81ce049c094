import LockstepCore

/// LpNormalization (ONNX opsets 1, 22): `X / ‖X‖_p` along `axis` (default -1) with `p` 1 or 2
/// (default 2). A zero vector stays zero (as ONNX Runtime; numpy would give NaN).
struct LpNormalizationKernel: Kernel {
    static let registration = OpRegistration("LpNormalization", versions: 1...Int.max) { context in
        let a = context.attributes
        let p = try a.int("p", default: 2)
        guard p == 1 || p == 2 else { throw KernelError("attribute 'p' must be 1 or 2, found \(p)") }
        return LpNormalizationKernel(axis: try a.int("axis", default: -1), p: p)
    }

    let axis: Int
    let p: Int

    func operands(_ inputs: [Value?]) throws -> (Tensor, Int) {
        let x = try Inputs.tensor(inputs, 0, name: "input")
        try NNSupport.requireFloat(x, "input")
        return (x, try NNSupport.axis(axis, rank: x.rank))
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        [TensorInfo(try operands(inputs).0)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, axis) = try operands(inputs)
        struct Visitor: BLASFloatVisitor {
            let t: [Tensor?], axis: Int, p: Int
            func visit<T: BLASFloat>(_: T.Type) throws -> [Tensor?] {
                let x = t[0]!
                let (outer, length, inner) = Reduction.split(x.shape, axis: axis)
                return [try NNSupport.read(x, as: T.self) { xp in
                    try NNSupport.build(T.dtype, x.shape, as: T.self) { yp in
                        for o in 0..<outer {
                            for i in 0..<inner {
                                let base = o * length * inner + i
                                var norm = 0.0
                                for k in 0..<length {
                                    let v = xp[base + k * inner].doubleValue
                                    norm += p == 1 ? Swift.abs(v) : v * v
                                }
                                if p == 2 { norm = norm.squareRoot() }
                                let n = T(norm)
                                for k in 0..<length { yp[base + k * inner] = norm == 0 ? 0 : xp[base + k * inner] / n }
                            }
                        }
                    }
                }]
            }
        }
        return try NNSupport.compute([x]) { Visitor(t: $0, axis: axis, p: p) }
    }
}
