import LockstepCore

/// BatchNormalization (ONNX opsets 1, 6, 7, 9, 14, 15): per-channel
/// `Y = scale * (X - mean) / sqrt(var + epsilon) + B` over `X [N, C, …]` with the running
/// statistics (inference). With `training_mode = 1` (14+) the batch statistics over all
/// axes but 1 normalise instead, and the optional outputs are the updated running statistics
/// `input_mean * momentum + batch_mean * (1 - momentum)` (likewise for the population variance).
/// Older opsets' training flags (`is_test = 0`) are not supported; `spatial = 0` neither.
/// Parameter types may differ from `X` (opset 15); they are read exactly as float64.
struct BatchNormalizationKernel: Kernel {
    static let registration = OpRegistration("BatchNormalization", versions: 1...Int.max) { context in
        let a = context.attributes
        if try a.int("spatial", default: 1) == 0 { throw KernelError("attribute 'spatial' = 0 (per-activation statistics) is not supported", unsupported: true) }
        if context.opset < 7, try a.int("is_test", default: 0) == 0, context.node.outputs.count > 1 {
            throw KernelError("training mode of BatchNormalization before opset 7 is not supported", unsupported: true)
        }
        let training = context.opset >= 14 ? try a.int("training_mode", default: 0) != 0 : false
        return BatchNormalizationKernel(epsilon: try a.float("epsilon", default: 1e-5), momentum: try a.float("momentum", default: 0.9),
                                        training: training,
                                        outputs: context.node.outputs.count)
    }

    let epsilon: Float
    let momentum: Float
    let training: Bool
    let outputs: Int

    func operands(_ inputs: [Value?]) throws -> (x: Tensor, params: [[Double]]) {
        let x = try Inputs.tensor(inputs, 0, name: "X")
        try NNSupport.requireFloat(x, "X")
        guard x.rank >= 2 else { throw KernelError("input 'X' must have rank 2 or more ([N, C, …]), found shape \(x.shape)") }
        let c = x.shape[1]
        var params: [[Double]] = []
        for (i, name) in ["scale", "B", "input_mean", "input_var"].enumerated() {
            let t = try Inputs.tensor(inputs, i + 1, name: name)
            try NNSupport.requireFloat(t, name)
            guard t.shape == [c] else { throw KernelError("input '\(name)' must have shape [\(c)], found \(t.shape)") }
            params.append(try t.doubleValues())
        }
        return (x, params)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (x, _) = try operands(inputs)
        var infos = [TensorInfo(x)]
        if training {
            let meanType = try Inputs.tensor(inputs, 3).dtype, varType = try Inputs.tensor(inputs, 4).dtype
            infos += [TensorInfo(dtype: meanType, shape: [x.shape[1]]), TensorInfo(dtype: varType, shape: [x.shape[1]])].prefix(max(0, outputs - 1))
        }
        return infos
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, params) = try operands(inputs)
        let (scale, bias, runningMean, runningVar) = (params[0], params[1], params[2], params[3])
        let c = x.shape[1], n = x.shape[0], plane = x.shape[2...].reduce(1, *)
        var mean = runningMean, variance = runningVar
        if training {
            // Batch statistics per channel over N and the spatial axes (two passes in float64).
            let wide = try x.doubleValues()
            for ch in 0..<c {
                var sum = 0.0
                for b in 0..<n { for i in 0..<plane { sum += wide[(b * c + ch) * plane + i] } }
                let m = sum / Double(n * plane)
                var squares = 0.0
                for b in 0..<n { for i in 0..<plane { let d = wide[(b * c + ch) * plane + i] - m; squares += d * d } }
                mean[ch] = m
                variance[ch] = squares / Double(n * plane)
            }
        }
        // Y = X * a + b per channel, a = scale / sqrt(var + eps), b = B - mean * a.
        let eps = Double(epsilon)
        let a = (0..<c).map { scale[$0] / (variance[$0] + eps).squareRoot() }
        let shift = (0..<c).map { bias[$0] - mean[$0] * a[$0] }
        struct Visitor: BLASFloatVisitor {
            let t: [Tensor?], a: [Double], shift: [Double], n: Int, c: Int, plane: Int
            func visit<T: BLASFloat>(_: T.Type) throws -> [Tensor?] {
                [try NNSupport.read(t[0]!, as: T.self) { xp in
                    try NNSupport.build(T.dtype, t[0]!.shape, as: T.self) { yp in
                        for b in 0..<n {
                            for ch in 0..<c {
                                let s = T(a[ch]), o = T(shift[ch])
                                let base = (b * c + ch) * plane
                                let src = xp + base, dst = yp + base  // plain pointers: the loop vectorises
                                for i in 0..<plane { dst[i] = src[i] * s + o }
                            }
                        }
                    }
                }]
            }
        }
        var results = try NNSupport.compute([x]) { Visitor(t: $0, a: a, shift: shift, n: n, c: c, plane: plane) }
        if training && outputs > 1 {
            let meanTensor = try Inputs.tensor(inputs, 3), varTensor = try Inputs.tensor(inputs, 4)
            let mom = Double(momentum)
            let newMean = (0..<c).map { runningMean[$0] * mom + mean[$0] * (1 - mom) }
            let newVar = (0..<c).map { runningVar[$0] * mom + variance[$0] * (1 - mom) }
            results.append(.tensor(try NNSupport.tensor(newMean, like: meanTensor)))
            if outputs > 2 { results.append(.tensor(try NNSupport.tensor(newVar, like: varTensor))) }
        }
        return results
    }
}
