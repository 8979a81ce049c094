import LockstepCore

/// MeanVarianceNormalization (ONNX opsets 9, 13): `(X - E[X]) / (sqrt(E[X²] - E[X]²) + 1e-9)`
/// with the expectations over `axes` (default `[0, 2, 3]`), as the op's function body defines
/// it. Expectations accumulate in float64.
struct MeanVarianceNormalizationKernel: Kernel {
    static let registration = OpRegistration("MeanVarianceNormalization", versions: 9...Int.max) { context in
        MeanVarianceNormalizationKernel(axes: try context.attributes.ints("axes") ?? [0, 2, 3])
    }

    let axes: [Int]

    func operands(_ inputs: [Value?]) throws -> (Tensor, Set<Int>) {
        let x = try Inputs.tensor(inputs, 0, name: "X")
        try NNSupport.requireFloat(x, "X")
        return (x, Set(try Reduction.normalizedAxes(axes, rank: x.rank)))
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        [TensorInfo(try operands(inputs).0)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, axes) = try operands(inputs)
        struct Visitor: BLASFloatVisitor {
            let t: [Tensor?], axes: Set<Int>
            func visit<T: BLASFloat>(_: T.Type) throws -> [Tensor?] {
                let x = t[0]!
                let kept = Reduction.outputShape(x.shape, axes: axes, keepDims: true)
                let count = kept.reduce(1, *)
                let n = Double(x.count / max(count, 1))
                var stats = [(Double, Double)](repeating: (0, 0), count: count)
                return [try NNSupport.read(x, as: T.self) { xp in
                    stats.withUnsafeMutableBufferPointer { sp in
                        Reduction.reduce(xp, shape: x.shape, axes: axes, into: sp.baseAddress!, initial: (0.0, 0.0),
                                         combine: { acc, v in let d = v.doubleValue; acc.0 += d; acc.1 += d * d },
                                         finish: { acc in
                                             let mean = acc.0 / n
                                             return (mean, (acc.1 / n - mean * mean).squareRoot() + 1e-9)
                                         })
                    }
                    let means = stats.map { T($0.0) }, deviations = stats.map { T($0.1) }
                    return try NNSupport.build(T.dtype, x.shape, as: T.self) { yp in
                        Broadcast.forEach(x.shape, inputs: [x.shape, kept]) { i, off in
                            yp[i] = (xp[i] - means[off[1]]) / deviations[off[1]]
                        }
                    }
                }]
            }
        }
        return try NNSupport.compute([x]) { Visitor(t: $0, axes: axes) }
    }
}
