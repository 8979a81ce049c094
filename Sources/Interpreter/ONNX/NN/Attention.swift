#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LockstepCore

/// Attention (ONNX opsets 23, 24, 25): scaled dot-product attention
/// `Y = softmax(softcap(Q·Kᵀ · scale) + bias) · V` over `[batch, heads, sequence, head size]`
/// (3-D inputs `[batch, sequence, hidden]` are split into `q_num_heads` / `kv_num_heads`).
///
/// - `scale` defaults to `1 / sqrt(head size)` (applied as `sqrt(scale)` to both Q and K, as the
///   reference does); `softcap > 0` maps scores through `softcap · tanh(x / softcap)`.
/// - `past_key`/`past_value` are prepended along the sequence axis; the outputs `present_key` /
///   `present_value` are the concatenations. Grouped-query attention repeats each KV head for
///   `q_num_heads / kv_num_heads` query heads.
/// - The bias adds `attn_mask` (float: additive; bool: 0 / -Inf; a mask shorter than the KV
///   sequence is padded with -Inf / false), a causal mask with `is_causal` (a query at `i` sees
///   keys `j <= i + offset`, offset = past length, or `nonpad_kv_seqlen[b] - q_len` for an
///   external cache, opset 24), a sliding window (`left_window_size`, `right_window_size`,
///   opset 25), and -Inf beyond `nonpad_kv_seqlen[b]`.
/// - Softmax uses a row maximum of 0 when every score is -Inf; rows whose bias is entirely -Inf
///   give zeros (Y = 0). `qk_matmul_output_mode`: 0/1 the (softcapped) scores, 2 scores plus bias,
///   3 the softmax.
///
/// Computed in float64 and rounded to the input type; bfloat16 rounds after every step as the
/// reference evaluator does (a bfloat16 step is coarser than the suite's tolerance).
struct AttentionKernel: Kernel {
    static let registration = OpRegistration("Attention", versions: 23...Int.max) { context in try AttentionKernel(context) }

    let opset: Int
    let scale: Double?
    let causal: Bool
    let qHeads: Int?
    let kvHeads: Int?
    let softcap: Double
    let mode: Int
    let leftWindow: Int
    let rightWindow: Int
    let outputs: Int

    init(_ context: KernelBuildContext) throws {
        let a = context.attributes
        opset = context.opset
        scale = try a.float("scale").map(Double.init)
        causal = try a.int("is_causal", default: 0) != 0
        qHeads = try a.int("q_num_heads")
        kvHeads = try a.int("kv_num_heads")
        softcap = Double(try a.float("softcap", default: 0))
        mode = try a.int("qk_matmul_output_mode", default: 0)
        leftWindow = try a.int("left_window_size", default: -1)
        rightWindow = try a.int("right_window_size", default: -1)
        outputs = context.node.outputs.count
        guard (0...3).contains(mode) else { throw KernelError("attribute 'qk_matmul_output_mode' must be 0 to 3, found \(mode)") }
        guard leftWindow >= -1, rightWindow >= -1 else { throw KernelError("window sizes must be -1 or non-negative") }
    }

    /// A `[batch, heads, sequence, size]` tensor in float64.
    struct Heads {
        var values: [Double]
        var batch: Int, heads: Int, sequence: Int, size: Int
        subscript(b: Int, h: Int, s: Int, d: Int) -> Double { values[((b * heads + h) * sequence + s) * size + d] }
        var shape: [Int] { [batch, heads, sequence, size] }
    }

    /// Everything resolved from the inputs.
    struct Plan {
        var q: Heads, k: Heads, v: Heads  // k, v include the past
        var threeD: Bool
        var dtype: DType, kvType: DType
        var pastLength: Int
        var mask: (values: [Double], shape: [Int])?  // additive, padded to the KV length
        var nonpad: [Int]?
    }

    func heads(_ t: Tensor, count: Int?, name: String) throws -> Heads {
        let values = try t.doubleValues()
        if t.rank == 4 { return Heads(values: values, batch: t.shape[0], heads: t.shape[1], sequence: t.shape[2], size: t.shape[3]) }
        guard t.rank == 3 else { throw KernelError("input '\(name)' must have rank 3 or 4, found shape \(t.shape)") }
        guard let count, count > 0, t.shape[2] % count == 0 else {
            throw KernelError("3-D input '\(name)' \(t.shape) needs q_num_heads/kv_num_heads dividing its hidden size")
        }
        let (b, s, size) = (t.shape[0], t.shape[1], t.shape[2] / count)
        var out = [Double](repeating: 0, count: values.count)
        for bi in 0..<b { for si in 0..<s { for h in 0..<count { for d in 0..<size {
            out[((bi * count + h) * s + si) * size + d] = values[(bi * s + si) * t.shape[2] + h * size + d]
        } } } }
        return Heads(values: out, batch: b, heads: count, sequence: s, size: size)
    }

    func plan(_ inputs: [Value?]) throws -> Plan {
        let qt = try Inputs.tensor(inputs, 0, name: "Q"), kt = try Inputs.tensor(inputs, 1, name: "K"), vt = try Inputs.tensor(inputs, 2, name: "V")
        try NNSupport.requireFloat(qt, "Q")
        try NNSupport.requireFloat(kt, "K")
        try NNSupport.requireFloat(vt, "V")
        guard qt.rank == kt.rank, kt.rank == vt.rank else { throw KernelError("Q, K and V must have one rank, found \(qt.shape), \(kt.shape), \(vt.shape)") }
        if opset >= 25 && qt.rank == 4 && (qHeads != nil || kvHeads != nil) {
            throw KernelError("q_num_heads and kv_num_heads must not be given for 4-D inputs")
        }
        let q = try heads(qt, count: qHeads, name: "Q")
        var k = try heads(kt, count: kvHeads, name: "K"), v = try heads(vt, count: kvHeads, name: "V")
        guard k.batch == q.batch, v.batch == q.batch, k.heads == v.heads, k.sequence == v.sequence, k.size == q.size,
              k.heads > 0, q.heads % k.heads == 0 else {
            throw KernelError("Q \(q.shape), K \(k.shape) and V \(v.shape) do not fit together")
        }
        let pastKey = try Inputs.optionalTensor(inputs, 4), pastValue = try Inputs.optionalTensor(inputs, 5)
        guard (pastKey == nil) == (pastValue == nil) else { throw KernelError("past_key and past_value must be given together") }
        var pastLength = 0
        if let pk = pastKey, let pv = pastValue {
            guard pk.rank == 4, pv.rank == 4, pk.shape[0] == k.batch, pk.shape[1] == k.heads, pk.shape[3] == k.size,
                  pv.shape[0] == v.batch, pv.shape[1] == v.heads, pv.shape[3] == v.size, pk.shape[2] == pv.shape[2] else {
                throw KernelError("past_key \(pk.shape) / past_value \(pv.shape) do not fit K \(k.shape) and V \(v.shape)")
            }
            pastLength = pk.shape[2]
            k = Self.concatenate(Heads(values: try pk.doubleValues(), batch: k.batch, heads: k.heads, sequence: pastLength, size: k.size), k)
            v = Self.concatenate(Heads(values: try pv.doubleValues(), batch: v.batch, heads: v.heads, sequence: pastLength, size: v.size), v)
        }
        var mask: (values: [Double], shape: [Int])?
        if let m = try Inputs.optionalTensor(inputs, 3) {
            guard m.rank >= 1, m.rank <= 4 else { throw KernelError("attn_mask must have rank 1 to 4, found \(m.shape)") }
            let raw: [Double]
            if m.dtype == .bool {
                raw = try m.scalars(as: UInt8.self).map { $0 != 0 ? 0 : -.infinity }
            } else {
                try NNSupport.requireFloat(m, "attn_mask")
                raw = try m.doubleValues()
            }
            // Pad the last axis to the KV length with -Inf.
            let last = m.shape[m.rank - 1], total = k.sequence
            if last < total {
                let rows = raw.count / max(last, 1)
                var padded = [Double](repeating: -.infinity, count: rows * total)
                for r in 0..<rows { for j in 0..<last { padded[r * total + j] = raw[r * last + j] } }
                mask = (padded, Array(m.shape.dropLast()) + [total])
            } else {
                mask = (raw, m.shape)
            }
        }
        var nonpad: [Int]?
        if opset >= 24, let t = try Inputs.optionalTensor(inputs, 6) {
            guard pastKey == nil else { throw KernelError("nonpad_kv_seqlen cannot be combined with past_key/past_value") }
            let n = try NNSupport.ints(t, name: "nonpad_kv_seqlen")
            guard n.count == q.batch else { throw KernelError("nonpad_kv_seqlen must have \(q.batch) values, found \(n.count)") }
            nonpad = n
        }
        return Plan(q: q, k: k, v: v, threeD: qt.rank == 3, dtype: qt.dtype, kvType: kt.dtype, pastLength: pastLength, mask: mask, nonpad: nonpad)
    }

    static func concatenate(_ a: Heads, _ b: Heads) -> Heads {
        var out = Heads(values: [], batch: a.batch, heads: a.heads, sequence: a.sequence + b.sequence, size: a.size)
        out.values.reserveCapacity(out.batch * out.heads * out.sequence * out.size)
        for bi in 0..<a.batch {
            for h in 0..<a.heads {
                let ab = (bi * a.heads + h) * a.sequence * a.size, bb = (bi * b.heads + h) * b.sequence * b.size
                out.values += a.values[ab..<(ab + a.sequence * a.size)]
                out.values += b.values[bb..<(bb + b.sequence * b.size)]
            }
        }
        return out
    }

    func outputShapes(_ p: Plan) -> [[Int]] {
        let y = p.threeD ? [p.q.batch, p.q.sequence, p.q.heads * p.v.size] : [p.q.batch, p.q.heads, p.q.sequence, p.v.size]
        return [y, p.k.shape, p.v.shape, [p.q.batch, p.q.heads, p.q.sequence, p.k.sequence]]
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let p = try plan(inputs)
        let shapes = outputShapes(p)
        return Array([TensorInfo(dtype: p.dtype, shape: shapes[0]), TensorInfo(dtype: p.kvType, shape: shapes[1]),
                      TensorInfo(dtype: p.kvType, shape: shapes[2]), TensorInfo(dtype: p.dtype, shape: shapes[3])].prefix(max(1, outputs)))
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let p = try plan(inputs)
        let (q, k, v) = (p.q, p.k, p.v)
        let (batch, hq, sq, skv) = (q.batch, q.heads, q.sequence, k.sequence)
        let repeats = hq / k.heads
        // bfloat16 follows the reference's per-step rounding (numpy with ml_dtypes: every
        // elementwise step rounds to bfloat16, products accumulate in float32, sums of bfloat16
        // run sequentially in bfloat16); a bfloat16 step is too coarse for rounding once.
        let emulate = p.dtype == .bfloat16
        @inline(__always) func r(_ x: Double) -> Double { emulate ? Double(FloatBits.bfloat16ToFloat(FloatBits.floatToBFloat16(Float(x)))) : x }
        let s = r((scale ?? 1 / Double(q.size).squareRoot()).squareRoot())
        // Mask broadcasting strides into [batch, hq, sq, skv].
        let maskStrides = p.mask.map { Broadcast.strides(of: $0.shape, in: [batch, hq, sq, skv]) }
        if let m = p.mask {
            guard (try? Broadcast.shape([m.shape, [batch, hq, sq, skv]])) == [batch, hq, sq, skv] else {
                throw KernelError("attn_mask of shape \(m.shape) cannot be broadcast to [\(batch), \(hq), \(sq), \(skv)]")
            }
        }
        var y = [Double](repeating: 0, count: batch * hq * sq * v.size)
        var scores = [Double](repeating: 0, count: batch * hq * sq * skv)
        var biased = scores, probabilities = scores
        var bias = [Double](repeating: 0, count: skv)
        for b in 0..<batch {
            // Offset of the causal / window frontier.
            let offset = p.pastLength > 0 ? p.pastLength : (p.nonpad.map { $0[b] - sq } ?? 0)
            for h in 0..<hq {
                let kh = h / repeats
                for i in 0..<sq {
                    let row = ((b * hq + h) * sq + i) * skv
                    // Bias of this row.
                    for j in 0..<skv {
                        var value = 0.0
                        if let m = p.mask, let st = maskStrides { value += m.values[b * st[0] + h * st[1] + i * st[2] + j * st[3]] }
                        if causal && j > i + offset { value += -.infinity }
                        if leftWindow >= 0 || rightWindow >= 0 {
                            let diff = i + offset - j
                            if (leftWindow >= 0 && diff > leftWindow) || (rightWindow >= 0 && -diff > rightWindow) { value += -.infinity }
                        }
                        if let n = p.nonpad, j >= n[b] { value += -.infinity }
                        bias[j] = value
                    }
                    let masked = bias.allSatisfy { $0 == -.infinity } && skv > 0
                    for j in 0..<skv {
                        var dot = 0.0
                        if emulate {
                            var acc: Float = 0
                            for d in 0..<q.size { acc += Float(r(q[b, h, i, d] * s)) * Float(r(k[b, kh, j, d] * s)) }
                            dot = r(Double(acc))
                        } else {
                            for d in 0..<q.size { dot += (q[b, h, i, d] * s) * (k[b, kh, j, d] * s) }
                        }
                        if softcap > 0 { dot = r(softcap * tanh(dot / softcap)) }
                        scores[row + j] = dot
                        biased[row + j] = emulate ? r(Double(Float(dot) + Float(bias[j]))) : dot + bias[j]
                    }
                    // Softmax with a safe maximum; fully masked rows are zero.
                    if masked { continue }
                    var m = -Double.infinity
                    for j in 0..<skv {
                        let x = biased[row + j]
                        if x.isNaN { m = .nan; break }
                        if x > m { m = x }
                    }
                    if m == -.infinity { m = 0 }
                    var sum = 0.0
                    if emulate {
                        for j in 0..<skv {
                            let e = r(Double(expf(Float(r(Double(Float(biased[row + j]) - Float(m)))))))
                            probabilities[row + j] = e
                            sum = r(Double(Float(sum) + Float(e)))
                        }
                        if sum == 0 { sum = 1 }
                        for j in 0..<skv { probabilities[row + j] = r(Double(Float(probabilities[row + j]) / Float(sum))) }
                    } else {
                        for j in 0..<skv { let e = exp(biased[row + j] - m); probabilities[row + j] = e; sum += e }
                        if sum == 0 { sum = 1 }
                        for j in 0..<skv { probabilities[row + j] /= sum }
                    }
                    for d in 0..<v.size {
                        var acc = 0.0
                        if emulate {
                            var f: Float = 0
                            for j in 0..<skv { f += Float(probabilities[row + j]) * Float(v[b, kh, j, d]) }
                            acc = Double(f)
                        } else {
                            for j in 0..<skv { acc += probabilities[row + j] * v[b, kh, j, d] }
                        }
                        y[((b * hq + h) * sq + i) * v.size + d] = acc
                    }
                }
            }
        }
        if p.threeD {
            // [b, h, s, d] → [b, s, h·d]
            var t = [Double](repeating: 0, count: y.count)
            for b in 0..<batch { for h in 0..<hq { for i in 0..<sq { for d in 0..<v.size {
                t[((b * sq + i) * hq + h) * v.size + d] = y[((b * hq + h) * sq + i) * v.size + d]
            } } } }
            y = t
        }
        let shapes = outputShapes(p)
        var results: [Value?] = [.tensor(try NNSupport.tensor(y, dtype: p.dtype, shape: shapes[0]))]
        if outputs > 1 { results.append(.tensor(try NNSupport.tensor(k.values, dtype: p.kvType, shape: shapes[1]))) }
        if outputs > 2 { results.append(.tensor(try NNSupport.tensor(v.values, dtype: p.kvType, shape: shapes[2]))) }
        if outputs > 3 {
            let qk = mode == 2 ? biased : mode == 3 ? probabilities : scores
            results.append(.tensor(try NNSupport.tensor(qk, dtype: p.dtype, shape: shapes[3])))
        }
        return results
    }
}
