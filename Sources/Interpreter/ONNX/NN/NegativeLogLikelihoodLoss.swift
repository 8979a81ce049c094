import LockstepCore

/// NegativeLogLikelihoodLoss (ONNX opsets 12, 13, 22): `loss[n, d…] = -input[n, target[n, d…], d…]
/// · weight[target]` for `input [N, C, d…]` and integer `target [N, d…]`; elements whose target is
/// `ignore_index` contribute 0. `reduction`: `none` (shape of target), `sum`, or `mean` (default:
/// the weighted sum divided by the sum of the applied weights). Float64 accumulation.
struct NegativeLogLikelihoodLossKernel: Kernel {
    static let registration = OpRegistration("NegativeLogLikelihoodLoss", versions: 12...Int.max) { context in
        NegativeLogLikelihoodLossKernel(loss: try LossAttributes(context.attributes))
    }

    let loss: LossAttributes

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (x, target, _) = try loss.operands(inputs)
        return [TensorInfo(dtype: x.dtype, shape: loss.reduction == "none" ? target.shape : [])]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, target, weight) = try loss.operands(inputs)
        return [.tensor(try loss.reduce(logProbabilities: try x.doubleValues(), x: x, target: target, weight: weight))]
    }
}

/// Attributes and arithmetic shared by NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss.
struct LossAttributes: Sendable {
    let reduction: String
    let ignoreIndex: Int?

    init(_ a: AttributeReader) throws {
        reduction = try a.string("reduction", default: "mean")
        guard ["none", "sum", "mean"].contains(reduction) else { throw KernelError("attribute 'reduction' must be none, sum or mean, found '\(reduction)'") }
        ignoreIndex = try a.int("ignore_index")
    }

    func operands(_ inputs: [Value?]) throws -> (x: Tensor, target: Tensor, weight: Tensor?) {
        let x = try Inputs.tensor(inputs, 0, name: "input"), target = try Inputs.tensor(inputs, 1, name: "target")
        try NNSupport.requireFloat(x, "input")
        guard x.rank >= 2 else { throw KernelError("input must be [N, C, …], found shape \(x.shape)") }
        guard target.dtype == .int64 || target.dtype == .int32 else { throw KernelError("target must be int32 or int64, found \(target.dtype)") }
        guard target.shape == [x.shape[0]] + Array(x.shape[2...]) else {
            throw KernelError("target must have shape \([x.shape[0]] + Array(x.shape[2...])), found \(target.shape)")
        }
        let weight = try Inputs.optionalTensor(inputs, 2)
        if let weight {
            try NNSupport.requireSameType(weight, "weight", as: x.dtype)
            guard weight.shape == [x.shape[1]] else { throw KernelError("weight must have shape [\(x.shape[1])], found \(weight.shape)") }
        }
        return (x, target, weight)
    }

    /// The loss from log-probabilities laid out like `x` (`[N, C, d…]`).
    func reduce(logProbabilities lp: [Double], x: Tensor, target: Tensor, weight: Tensor?) throws -> Tensor {
        let (n, c) = (x.shape[0], x.shape[1])
        let d = x.shape[2...].reduce(1, *)
        let labels = try NNSupport.ints(target, name: "target")
        let weights = try weight?.doubleValues()
        var losses = [Double](repeating: 0, count: n * d), applied = losses
        for i in 0..<n {
            for j in 0..<d {
                let t = labels[i * d + j]
                if t == ignoreIndex { continue }
                guard t >= 0, t < c else { throw KernelError("target value \(t) is outside [0, \(c))") }
                let w = weights?[t] ?? 1
                losses[i * d + j] = -lp[(i * c + t) * d + j] * w
                applied[i * d + j] = w
            }
        }
        switch reduction {
        case "none": return try NNSupport.tensor(losses, dtype: x.dtype, shape: target.shape)
        case "sum": return try NNSupport.tensor([losses.reduce(0, +)], dtype: x.dtype, shape: [])
        default:
            let total = losses.reduce(0, +)
            let denominator = (weights != nil || ignoreIndex != nil) ? applied.reduce(0, +) : Double(losses.count)
            return try NNSupport.tensor([total / denominator], dtype: x.dtype, shape: [])
        }
    }
}
