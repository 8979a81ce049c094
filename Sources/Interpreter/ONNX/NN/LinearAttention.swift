import LockstepCore

/// LinearAttention (ONNX opset 27): recurrent linear attention over `[batch, T, heads · size]`
/// inputs with a `[batch, kv_num_heads, d_k, d_v]` state, step by step:
/// - `gated`/`gated_delta`: `state *= exp(decay_t)` (decay per head or per key channel);
/// - `delta`/`gated_delta`: `v_t = beta_t · (v_t - stateᵀ·k_t)` (beta per head or scalar);
/// - `state += k_t ⊗ v_t`; `output_t = scale · q_t · state` (each KV head serves
///   `q_num_heads / kv_num_heads` query heads); `scale` defaults to `1 / sqrt(d_k)`.
/// `update_rule` defaults to `gated_delta`; `past_state` defaults to zeros; outputs are the
/// attention `[batch, T, q_num_heads · d_v]` and the final state. Computed in float64.
struct LinearAttentionKernel: Kernel {
    static let registration = OpRegistration("LinearAttention", versions: 27...Int.max) { context in
        let a = context.attributes
        let rule = try a.string("update_rule", default: "gated_delta")
        guard ["linear", "gated", "delta", "gated_delta"].contains(rule) else {
            throw KernelError("attribute 'update_rule' must be linear, gated, delta or gated_delta, found '\(rule)'")
        }
        guard let qh = try a.int("q_num_heads"), let kvh = try a.int("kv_num_heads"), qh > 0, kvh > 0, qh % kvh == 0 else {
            throw KernelError("attributes 'q_num_heads' and 'kv_num_heads' are required, q_num_heads a multiple of kv_num_heads")
        }
        return LinearAttentionKernel(gating: rule.hasPrefix("gated"), delta: rule.hasSuffix("delta"), qHeads: qh, kvHeads: kvh,
                                     scale: try a.float("scale").map(Double.init))
    }

    let gating: Bool
    let delta: Bool
    let qHeads: Int
    let kvHeads: Int
    let scale: Double?

    struct Plan {
        var q: Tensor, k: Tensor, v: Tensor, past: Tensor?, decay: Tensor?, beta: Tensor?
        var b: Int, t: Int, dk: Int, dv: Int
    }

    func plan(_ inputs: [Value?]) throws -> Plan {
        let q = try Inputs.tensor(inputs, 0, name: "query"), k = try Inputs.tensor(inputs, 1, name: "key"), v = try Inputs.tensor(inputs, 2, name: "value")
        for (t, name) in [(q, "query"), (k, "key"), (v, "value")] {
            try NNSupport.requireFloat(t, name)
            guard t.rank == 3 else { throw KernelError("\(name) must be [batch, T, heads · size], found \(t.shape)") }
        }
        let (b, t) = (q.shape[0], q.shape[1])
        guard q.shape[2] % qHeads == 0, k.shape[2] % kvHeads == 0, v.shape[2] % kvHeads == 0,
              k.shape[0] == b, v.shape[0] == b, k.shape[1] == t, v.shape[1] == t,
              q.shape[2] / qHeads == k.shape[2] / kvHeads else {
            throw KernelError("query \(q.shape), key \(k.shape) and value \(v.shape) do not fit \(qHeads)/\(kvHeads) heads")
        }
        let dk = q.shape[2] / qHeads, dv = v.shape[2] / kvHeads
        let past = try Inputs.optionalTensor(inputs, 3), decay = try Inputs.optionalTensor(inputs, 4), beta = try Inputs.optionalTensor(inputs, 5)
        guard gating == (decay != nil) else { throw KernelError(gating ? "this update_rule needs the decay input" : "this update_rule forbids the decay input") }
        guard delta == (beta != nil) else { throw KernelError(delta ? "this update_rule needs the beta input" : "this update_rule forbids the beta input") }
        if let past, past.shape != [b, kvHeads, dk, dv] { throw KernelError("past_state must be [\(b), \(kvHeads), \(dk), \(dv)], found \(past.shape)") }
        if let decay, !(decay.rank == 3 && decay.shape[0] == b && decay.shape[1] == t && (decay.shape[2] == kvHeads || decay.shape[2] == kvHeads * dk)) {
            throw KernelError("decay must be [\(b), \(t), \(kvHeads)] or [\(b), \(t), \(kvHeads * dk)], found \(decay.shape)")
        }
        if let beta, !(beta.rank == 3 && beta.shape[0] == b && beta.shape[1] == t && (beta.shape[2] == kvHeads || beta.shape[2] == 1)) {
            throw KernelError("beta must be [\(b), \(t), \(kvHeads)] or [\(b), \(t), 1], found \(beta.shape)")
        }
        return Plan(q: q, k: k, v: v, past: past, decay: decay, beta: beta, b: b, t: t, dk: dk, dv: dv)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let p = try plan(inputs)
        return [TensorInfo(dtype: p.q.dtype, shape: [p.b, p.t, qHeads * p.dv]),
                TensorInfo(dtype: p.past?.dtype ?? p.q.dtype, shape: [p.b, kvHeads, p.dk, p.dv])]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let p = try plan(inputs)
        let (b, t, dk, dv) = (p.b, p.t, p.dk, p.dv)
        let q = try p.q.doubleValues(), k = try p.k.doubleValues(), v = try p.v.doubleValues()
        let decay = try p.decay?.doubleValues(), beta = try p.beta?.doubleValues()
        var state = try p.past?.doubleValues() ?? [Double](repeating: 0, count: b * kvHeads * dk * dv)
        let group = qHeads / kvHeads
        let s = (scale == nil || scale == 0) ? 1 / Double(dk).squareRoot() : scale!
        var output = [Double](repeating: 0, count: b * t * qHeads * dv)
        var vt = [Double](repeating: 0, count: dv)
        for bi in 0..<b {
            for step in 0..<t {
                for h in 0..<kvHeads {
                    let st = (bi * kvHeads + h) * dk * dv
                    let kBase = (bi * t + step) * kvHeads * dk + h * dk
                    if let decay, let width = p.decay?.shape[2] {
                        for d in 0..<dk {
                            let g = Double.exp(width == kvHeads ? decay[(bi * t + step) * width + h] : decay[(bi * t + step) * width + h * dk + d])
                            for m in 0..<dv { state[st + d * dv + m] *= g }
                        }
                    }
                    for m in 0..<dv { vt[m] = v[(bi * t + step) * kvHeads * dv + h * dv + m] }
                    if let beta, let width = p.beta?.shape[2] {
                        let bt = beta[(bi * t + step) * width + (width == 1 ? 0 : h)]
                        for m in 0..<dv {
                            var retrieved = 0.0
                            for d in 0..<dk { retrieved += state[st + d * dv + m] * k[kBase + d] }
                            vt[m] = bt * (vt[m] - retrieved)
                        }
                    }
                    for d in 0..<dk { for m in 0..<dv { state[st + d * dv + m] += k[kBase + d] * vt[m] } }
                    for r in 0..<group {
                        let qh = h * group + r
                        let qBase = (bi * t + step) * qHeads * dk + qh * dk
                        for m in 0..<dv {
                            var acc = 0.0
                            for d in 0..<dk { acc += q[qBase + d] * state[st + d * dv + m] }
                            output[(bi * t + step) * qHeads * dv + qh * dv + m] = s * acc
                        }
                    }
                }
            }
        }
        return [.tensor(try NNSupport.tensor(output, dtype: p.q.dtype, shape: [b, t, qHeads * dv])),
                .tensor(try NNSupport.tensor(state, dtype: p.past?.dtype ?? p.q.dtype, shape: [b, kvHeads, dk, dv]))]
    }
}
