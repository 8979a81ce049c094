import LockstepCore

/// FlexAttention (domain `ai.onnx.preview`, version 1): attention over rank-4 inputs
/// `Q [B, Hq, L, D]`, `K [B, Hkv, S, D]`, `V [B, Hkv, S, Dv]` with optional modifier subgraphs:
/// `scores = Q·Kᵀ · scale` (default `1 / sqrt(D)`), `scores = score_mod(scores)`,
/// `probs = softmax(scores)` (last axis), `probs = prob_mod(probs)`, `Y = probs · V`. Query head `h`
/// reads KV head `h / (Hq / Hkv)`. Scores and probabilities are handed to the subgraphs as
/// `softmax_precision` tensors (default float32, float64 for float64 inputs); arithmetic is
/// float64, `Y` is rounded to the input type.
struct FlexAttentionKernel: Kernel {
    static let registration = OpRegistration("FlexAttention", domain: "ai.onnx.preview", versions: 1...Int.max) { context in
        let a = context.attributes
        let scoreMod = a.has("score_mod") ? try context.compileSubgraph(try a.graph("score_mod")) : nil
        let probMod = a.has("prob_mod") ? try context.compileSubgraph(try a.graph("prob_mod")) : nil
        var precision: DType? = nil
        if let code = try a.int("softmax_precision") {
            guard let t = DType(onnxCode: Int32(truncatingIfNeeded: code)), t == .float32 || t == .float64 || t == .float16 || t == .bfloat16 else {
                throw KernelError("attribute 'softmax_precision' \(code) is not a float type")
            }
            precision = t
        }
        return FlexAttentionKernel(scale: try a.float("scale").map(Double.init), precision: precision, scoreMod: scoreMod, probMod: probMod)
    }

    let scale: Double?
    let precision: DType?
    let scoreMod: CompiledGraph?
    let probMod: CompiledGraph?

    func operands(_ inputs: [Value?]) throws -> (q: Tensor, k: Tensor, v: Tensor) {
        let q = try Inputs.tensor(inputs, 0, name: "Q"), k = try Inputs.tensor(inputs, 1, name: "K"), v = try Inputs.tensor(inputs, 2, name: "V")
        for (t, name) in [(q, "Q"), (k, "K"), (v, "V")] {
            try NNSupport.requireFloat(t, name)
            guard t.rank == 4 else { throw KernelError("\(name) must have rank 4, found shape \(t.shape)") }
        }
        guard k.shape[0] == q.shape[0], v.shape[0] == q.shape[0], k.shape[1] == v.shape[1], k.shape[1] > 0, q.shape[1] % k.shape[1] == 0,
              k.shape[2] == v.shape[2], k.shape[3] == q.shape[3] else {
            throw KernelError("Q \(q.shape), K \(k.shape) and V \(v.shape) do not fit together")
        }
        return (q, k, v)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (q, _, v) = try operands(inputs)
        return [TensorInfo(dtype: q.dtype, shape: [q.shape[0], q.shape[1], q.shape[2], v.shape[3]])]
    }

    /// Runs a modifier subgraph on `values` (shape `shape`, in `dtype`) and reads its result back.
    func modify(_ graph: CompiledGraph?, _ values: [Double], shape: [Int], dtype: DType, context: ExecutionContext) throws -> [Double] {
        guard let graph else { return values }
        let input = try NNSupport.tensor(values, dtype: dtype, shape: shape)
        guard let output = try context.run(graph, inputs: [.tensor(input)]).first, case .tensor(let t)? = output else {
            throw KernelError("a modifier subgraph must return one tensor")
        }
        guard t.shape == shape else { throw KernelError("a modifier subgraph returned shape \(t.shape), expected \(shape)") }
        return try t.doubleValues()
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (qt, kt, vt) = try operands(inputs)
        let (b, hq, l, d) = (qt.shape[0], qt.shape[1], qt.shape[2], qt.shape[3])
        let (hkv, s, dv) = (kt.shape[1], kt.shape[2], vt.shape[3])
        let q = try qt.doubleValues(), k = try kt.doubleValues(), v = try vt.doubleValues()
        let group = hq / hkv
        let factor = scale ?? 1 / Double(d).squareRoot()
        let stash = precision ?? (qt.dtype == .float64 ? .float64 : .float32)
        let shape = [b, hq, l, s]
        var scores = [Double](repeating: 0, count: b * hq * l * s)
        for bi in 0..<b {
            for h in 0..<hq {
                let kh = h / group
                for i in 0..<l {
                    for j in 0..<s {
                        var dot = 0.0
                        for x in 0..<d { dot += q[((bi * hq + h) * l + i) * d + x] * k[((bi * hkv + kh) * s + j) * d + x] }
                        scores[((bi * hq + h) * l + i) * s + j] = dot * factor
                    }
                }
            }
        }
        scores = try modify(scoreMod, scores, shape: shape, dtype: stash, context: context)
        // Softmax over the last axis (values already in the softmax precision).
        if stash != .float64 { scores = try NNSupport.tensor(scores, dtype: stash, shape: shape).doubleValues() }
        for row in 0..<(b * hq * l) where s > 0 {
            let base = row * s
            var m = -Double.infinity
            for j in 0..<s where !(scores[base + j] <= m) { m = scores[base + j] }
            var sum = 0.0
            for j in 0..<s { scores[base + j] = Double.exp(scores[base + j] - m); sum += scores[base + j] }
            for j in 0..<s { scores[base + j] /= sum }
        }
        let probs = try modify(probMod, scores, shape: shape, dtype: stash, context: context)
        var y = [Double](repeating: 0, count: b * hq * l * dv)
        for bi in 0..<b {
            for h in 0..<hq {
                let kh = h / group
                for i in 0..<l {
                    for x in 0..<dv {
                        var acc = 0.0
                        for j in 0..<s { acc += probs[((bi * hq + h) * l + i) * s + j] * v[((bi * hkv + kh) * s + j) * dv + x] }
                        y[((bi * hq + h) * l + i) * dv + x] = acc
                    }
                }
            }
        }
        return [.tensor(try NNSupport.tensor(y, dtype: qt.dtype, shape: [b, hq, l, dv]))]
    }
}
