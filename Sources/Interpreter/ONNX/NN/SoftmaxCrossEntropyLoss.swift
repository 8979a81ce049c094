import LockstepCore

/// SoftmaxCrossEntropyLoss (ONNX opsets 12, 13): NegativeLogLikelihoodLoss of the log-softmax of
/// `scores [N, C, d…]` over axis 1 (same `weight`, `ignore_index`, `reduction`); the optional
/// second output is the log-probabilities. Float64 arithmetic, rounded to the input type.
struct SoftmaxCrossEntropyLossKernel: Kernel {
    static let registration = OpRegistration("SoftmaxCrossEntropyLoss", versions: 12...Int.max) { context in
        SoftmaxCrossEntropyLossKernel(loss: try LossAttributes(context.attributes), outputs: context.node.outputs.count)
    }

    let loss: LossAttributes
    let outputs: Int

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (x, target, _) = try loss.operands(inputs)
        let first = TensorInfo(dtype: x.dtype, shape: loss.reduction == "none" ? target.shape : [])
        return outputs > 1 ? [first, TensorInfo(x)] : [first]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, target, weight) = try loss.operands(inputs)
        let (n, c) = (x.shape[0], x.shape[1])
        let d = x.shape[2...].reduce(1, *)
        let values = try x.doubleValues()
        var lp = values
        for i in 0..<n {
            for j in 0..<d {
                var m = -Double.infinity
                for k in 0..<c { m = max(m, values[(i * c + k) * d + j]) }
                var sum = 0.0
                for k in 0..<c { sum += Double.exp(values[(i * c + k) * d + j] - m) }
                let l = Double.log(sum)
                for k in 0..<c { lp[(i * c + k) * d + j] = values[(i * c + k) * d + j] - m - l }
            }
        }
        let result = try loss.reduce(logProbabilities: lp, x: x, target: target, weight: weight)
        guard outputs > 1 else { return [.tensor(result)] }
        return [.tensor(result), .tensor(try NNSupport.tensor(lp, dtype: x.dtype, shape: x.shape))]
    }
}
