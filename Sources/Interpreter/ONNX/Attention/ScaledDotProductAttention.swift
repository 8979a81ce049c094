#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LockstepCore

/// Attention (ONNX opsets 23, 24, 25): scaled dot-product attention over
/// `[batch, heads, sequence, head size]` Q/K/V, or 3-D `[batch, sequence, hidden]` inputs split
/// into `q_num_heads` / `kv_num_heads` heads (Y is then 3-D too):
///
///     Y = softmax(softcap((Q·√scale)(K·√scale)ᵀ) + bias) · V
///
/// - `scale` defaults to `1 / sqrt(head size)`; like the reference, `√scale` (rounded to the input
///   type) multiplies both Q and K. `softcap > 0` maps the scores through `c · tanh(x / c)`
///   before the bias is added.
/// - `past_key` / `past_value` (`[batch, kv heads, past, size]`) are prepended along the sequence
///   axis; `present_key` / `present_value` are the concatenations. Grouped-query attention: query
///   head `h` reads KV head `h / (q heads / kv heads)`.
/// - The additive bias combines `attn_mask` (float: added; bool: true → 0, false → −∞; broadcast
///   right-aligned to `[batch, q heads, q length, kv length]`; a mask shorter than the KV length
///   is padded with −∞), `is_causal` (query `i` sees key `j` iff `j ≤ i + offset`, offset = past
///   length, or `nonpad_kv_seqlen[b] − q length` for an external cache, else 0), the opset-25
///   sliding window (`left_window_size` / `right_window_size` around `i + offset`), and −∞ for
///   keys at or beyond `nonpad_kv_seqlen[b]` (opset 24).
/// - Softmax subtracts the row maximum (0 when it is −∞) and divides by the sum (1 when it is 0).
///   A row whose *bias* is entirely −∞ has no attendable key: its probabilities, and so its Y
///   row, are 0 — never NaN — whatever the scores hold; NaN scores elsewhere propagate.
/// - `qk_matmul_output_mode` selects output 3: 0/1 the (softcapped) scores, 2 the scores plus
///   bias, 3 the softmax probabilities (after the fully-masked-row guard).
/// - `softmax_precision` (a tensor element type) sets the type the softmax is rounded to.
///
/// Q·Kᵀ and P·V run as GEMMs (float32 for float32/float16/bfloat16, float64 for float64). For
/// float16/bfloat16 every step is rounded back to the input type where the reference computes
/// in that type (scaled Q/K, scores, bias sum, exp, the division, P, Y); float32 accumulates
/// the GEMMs and the float16 row sums, bfloat16 row sums round at every addition, as numpy does.
struct ScaledDotProductAttentionKernel: Kernel {
    static let registration = OpRegistration("Attention", versions: 23...Int.max) { context in
        try ScaledDotProductAttentionKernel(context)
    }

    let opset: Int
    let scale: Double?
    let causal: Bool
    let qHeads: Int?
    let kvHeads: Int?
    let softcap: Double
    let mode: Int
    let leftWindow: Int
    let rightWindow: Int
    let softmaxPrecision: DType?
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
        if let code = try a.int("softmax_precision") {
            switch code {
            case 1: softmaxPrecision = .float32
            case 10: softmaxPrecision = .float16
            case 11: softmaxPrecision = .float64
            case 16: softmaxPrecision = .bfloat16
            default: throw KernelError("attribute 'softmax_precision' must name float, float16, double or bfloat16, found \(code)")
            }
        } else {
            softmaxPrecision = nil
        }
        guard (0...3).contains(mode) else { throw KernelError("attribute 'qk_matmul_output_mode' must be 0 to 3, found \(mode)") }
        guard leftWindow >= -1, rightWindow >= -1 else { throw KernelError("window sizes must be -1 or non-negative") }
    }

    // MARK: Shapes

    /// Dimensions resolved from the input shapes.
    struct Geometry {
        var batch: Int, qHeads: Int, kvHeads: Int
        var qLength: Int, kvLength: Int, pastLength: Int
        var size: Int, valueSize: Int
        var threeD: Bool
        var dtype: DType, kvType: DType

        var yShape: [Int] { threeD ? [batch, qLength, qHeads * valueSize] : [batch, qHeads, qLength, valueSize] }
        var presentKeyShape: [Int] { [batch, kvHeads, kvLength, size] }
        var presentValueShape: [Int] { [batch, kvHeads, kvLength, valueSize] }
        var scoresShape: [Int] { [batch, qHeads, qLength, kvLength] }
    }

    /// `(batch, heads, sequence, size)` of Q, K or V, splitting a 3-D hidden axis into `count` heads.
    func dims(_ t: Tensor, count: Int?, name: String) throws -> (Int, Int, Int, Int) {
        if t.rank == 4 { return (t.shape[0], t.shape[1], t.shape[2], t.shape[3]) }
        guard t.rank == 3 else { throw KernelError("input '\(name)' must have rank 3 or 4, found shape \(t.shape)") }
        guard let count, count > 0, t.shape[2] % count == 0 else {
            throw KernelError("3-D input '\(name)' \(t.shape) needs q_num_heads/kv_num_heads dividing its hidden size")
        }
        return (t.shape[0], count, t.shape[1], t.shape[2] / count)
    }

    func geometry(_ inputs: [Value?]) throws -> Geometry {
        let q = try Inputs.tensor(inputs, 0, name: "Q"), k = try Inputs.tensor(inputs, 1, name: "K")
        let v = try Inputs.tensor(inputs, 2, name: "V")
        for (t, name) in [(q, "Q"), (k, "K"), (v, "V")] {
            guard t.dtype.isComputedAsFloat else { throw KernelError("input '\(name)' must be float16, bfloat16, float32 or float64, found \(t.dtype)") }
        }
        guard k.dtype == v.dtype else { throw KernelError("K (\(k.dtype)) and V (\(v.dtype)) must have one element type") }
        guard q.rank == k.rank, k.rank == v.rank else { throw KernelError("Q, K and V must have one rank, found \(q.shape), \(k.shape), \(v.shape)") }
        if opset >= 25 && q.rank == 4 && (qHeads != nil || kvHeads != nil) {
            throw KernelError("q_num_heads and kv_num_heads must not be given for 4-D inputs")
        }
        let (b, hq, sq, d) = try dims(q, count: qHeads, name: "Q")
        let (kb, hk, sk, kd) = try dims(k, count: kvHeads, name: "K")
        let (vb, hv, sv, dv) = try dims(v, count: kvHeads, name: "V")
        guard kb == b, vb == b, hk == hv, sk == sv, kd == d, hk > 0, hq % hk == 0 else {
            throw KernelError("Q \(q.shape), K \(k.shape) and V \(v.shape) do not fit together (KV heads must divide Q heads)")
        }
        let pastKey = try Inputs.optionalTensor(inputs, 4), pastValue = try Inputs.optionalTensor(inputs, 5)
        guard (pastKey == nil) == (pastValue == nil) else { throw KernelError("past_key and past_value must be given together") }
        var past = 0
        if let pk = pastKey, let pv = pastValue {
            guard pk.rank == 4, pv.rank == 4, pk.shape == [b, hk, pk.shape[2], d], pv.shape == [b, hk, pk.shape[2], dv],
                  pk.dtype == k.dtype, pv.dtype == k.dtype else {
                throw KernelError("past_key \(pk.shape) / past_value \(pv.shape) do not fit K \(k.shape) and V \(v.shape)")
            }
            past = pk.shape[2]
        }
        if opset >= 24, let n = try Inputs.optionalTensor(inputs, 6) {
            guard pastKey == nil else { throw KernelError("nonpad_kv_seqlen cannot be combined with past_key/past_value") }
            guard n.count == b else { throw KernelError("nonpad_kv_seqlen must have \(b) values, found \(n.shape)") }
        }
        return Geometry(batch: b, qHeads: hq, kvHeads: hk, qLength: sq, kvLength: past + sk, pastLength: past,
                        size: d, valueSize: dv, threeD: q.rank == 3, dtype: q.dtype, kvType: k.dtype)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let g = try geometry(inputs)
        let infos = [TensorInfo(dtype: g.dtype, shape: g.yShape), TensorInfo(dtype: g.kvType, shape: g.presentKeyShape),
                     TensorInfo(dtype: g.kvType, shape: g.presentValueShape), TensorInfo(dtype: g.dtype, shape: g.scoresShape)]
        return Array(infos.prefix(max(1, outputs)))
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let g = try geometry(inputs)
        let results: [Tensor]
        if g.dtype == .float64 || g.kvType == .float64 {
            results = try compute(inputs, g, as: Double.self)
        } else {
            results = try compute(inputs, g, as: Float.self)
        }
        return results.prefix(max(1, outputs)).map { .tensor($0) }
    }

    // MARK: Computation

    /// Rounding of an intermediate to a tensor element type, computed in `T`.
    enum Rounding {
        case exact, half, bfloat

        init(_ dtype: DType) {
            switch dtype {
            case .float16: self = .half
            case .bfloat16: self = .bfloat
            default: self = .exact
            }
        }

        @inline(__always) func callAsFunction<T: BinaryFloatingPoint>(_ x: T) -> T {
            switch self {
            case .exact: return x
            case .half: return T(FloatBits.halfToFloat(FloatBits.floatToHalf(Float(x))))
            case .bfloat: return T(FloatBits.bfloat16ToFloat(FloatBits.floatToBFloat16(Float(x))))
            }
        }
    }

    /// The elements of `t` in `T`.
    static func load<T: BLASFloat>(_ t: Tensor, as _: T.Type) throws -> [T] {
        if T.self == Float.self { return try t.floatValues() as! [T] }
        return try t.doubleValues().map { T($0) }
    }

    /// A tensor of `dtype` (rounded once from `T`) holding `values`.
    static func tensor<T: BLASFloat>(_ values: [T], dtype: DType, shape: [Int]) throws -> Tensor {
        switch dtype {
        case .float64: return try Tensor(dtype: .float64, shape: shape, values: values.map { Double($0) })
        case .float32: return try Tensor(float32: values.map { Float($0) }, shape: shape)
        default: return try Tensor(float32: values.map { Float($0) }, shape: shape).narrowed(to: dtype)
        }
    }

    /// `t` (`[batch, heads, seq, size]`, or 3-D `[batch, seq, heads·size]`) as a contiguous
    /// `[batch, heads, past + seq, size]` array with `past` (4-D) in front along the sequence axis.
    static func heads<T: BLASFloat>(_ t: Tensor, past: Tensor?, batch: Int, heads: Int, size: Int, as _: T.Type) throws -> [T] {
        let values = try load(t, as: T.self)
        let sequence = t.rank == 4 ? t.shape[2] : t.shape[1]
        let pastValues = try past.map { try load($0, as: T.self) } ?? []
        let pastLength = past?.shape[2] ?? 0
        let total = pastLength + sequence
        var out = [T](repeating: 0, count: batch * heads * total * size)
        out.withUnsafeMutableBufferPointer { o in
            for b in 0..<batch {
                for h in 0..<heads {
                    let base = (b * heads + h) * total * size
                    let pastBase = (b * heads + h) * pastLength * size
                    for i in 0..<(pastLength * size) { o[base + i] = pastValues[pastBase + i] }
                    let start = base + pastLength * size
                    for s in 0..<sequence {
                        let src = t.rank == 4 ? ((b * heads + h) * sequence + s) * size : (b * sequence + s) * heads * size + h * size
                        for d in 0..<size { o[start + s * size + d] = values[src + d] }
                    }
                }
            }
        }
        return out
    }

    func compute<T: BLASFloat>(_ inputs: [Value?], _ g: Geometry, as _: T.Type) throws -> [Tensor] {
        let qt = try Inputs.tensor(inputs, 0), kt = try Inputs.tensor(inputs, 1), vt = try Inputs.tensor(inputs, 2)
        let pastKey = try Inputs.optionalTensor(inputs, 4), pastValue = try Inputs.optionalTensor(inputs, 5)
        let (batch, hq, hkv, sq, skv, d, dv) = (g.batch, g.qHeads, g.kvHeads, g.qLength, g.kvLength, g.size, g.valueSize)
        let q: [T] = try Self.heads(qt, past: nil, batch: batch, heads: hq, size: d, as: T.self)
        let k: [T] = try Self.heads(kt, past: pastKey, batch: batch, heads: hkv, size: d, as: T.self)
        let v: [T] = try Self.heads(vt, past: pastValue, batch: batch, heads: hkv, size: dv, as: T.self)
        let round = Rounding(g.dtype)

        // √scale in the input type, applied to Q and K.
        let root = round(T((scale ?? 1 / Double(d).squareRoot()).squareRoot()))
        let qs = q.map { round($0 * root) }, ks = k.map { round($0 * root) }

        // The mask as an additive bias, its last axis padded to the KV length with −∞.
        var mask: [T] = [], maskStrides: [Int]?
        if let m = try Inputs.optionalTensor(inputs, 3) {
            guard m.rank >= 1, m.rank <= 4 else { throw KernelError("attn_mask must have rank 1 to 4, found \(m.shape)") }
            let raw: [T]
            if m.dtype == .bool {
                raw = try m.scalars(as: UInt8.self).map { $0 != 0 ? 0 : -T.infinity }
            } else {
                guard m.dtype.isComputedAsFloat else { throw KernelError("attn_mask must be bool or a float type, found \(m.dtype)") }
                raw = try Self.load(m, as: T.self)
            }
            let last = m.shape[m.rank - 1]
            var shape = m.shape
            if last < skv {
                let rows = last == 0 ? m.shape.dropLast().reduce(1, *) : raw.count / last
                mask = [T](repeating: -T.infinity, count: rows * skv)
                for r in 0..<rows { for j in 0..<last { mask[r * skv + j] = raw[r * last + j] } }
                shape[m.rank - 1] = skv
            } else {
                mask = raw
            }
            guard (try? Broadcast.shape([shape, g.scoresShape])) == g.scoresShape else {
                throw KernelError("attn_mask of shape \(m.shape) cannot be broadcast to \(g.scoresShape)")
            }
            maskStrides = Broadcast.strides(of: shape, in: g.scoresShape)
        }
        let nonpad: [Int]? = opset >= 24 ? try Inputs.optionalTensor(inputs, 6).map { try NNSupport.ints($0, name: "nonpad_kv_seqlen") } : nil

        // Scores: after softcap they are float32 for bfloat16 (numpy promotes bfloat16 ÷ Python float).
        let softcapped = softcap > 0
        let scoreRound: Rounding = softcapped && g.dtype == .bfloat16 ? .exact : round
        let softmaxRound = softmaxPrecision.map(Rounding.init) ?? scoreRound
        let cap = round(T(softcap))
        let count = batch * hq * sq * skv
        var scores = [T](repeating: 0, count: count), biased = scores, probabilities = scores
        var y = [T](repeating: 0, count: batch * hq * sq * dv)
        var bias = [T](repeating: 0, count: skv)
        let repeats = hq / hkv

        for b in 0..<batch {
            let offset = g.pastLength > 0 ? g.pastLength : (nonpad.map { $0[b] - sq } ?? 0)
            for h in 0..<hq {
                let kh = h / repeats
                let block = (b * hq + h) * sq * skv
                qs.withUnsafeBufferPointer { qp in ks.withUnsafeBufferPointer { kp in scores.withUnsafeMutableBufferPointer { sp in
                    T.gemm(m: sq, n: skv, k: d, alpha: 1, a: qp.baseAddress! + (b * hq + h) * sq * d, transposeA: false,
                           b: kp.baseAddress! + (b * hkv + kh) * skv * d, transposeB: true, beta: 0, c: sp.baseAddress! + block)
                } } }
                for i in 0..<sq {
                    let row = block + i * skv
                    // Bias of this row.
                    var allMasked = skv > 0
                    for j in 0..<skv {
                        var value: T = 0
                        if let st = maskStrides { value += mask[b * st[0] + h * st[1] + i * st[2] + j * st[3]] }
                        if causal && j > i + offset { value = -.infinity }
                        if leftWindow >= 0 || rightWindow >= 0 {
                            let diff = i + offset - j
                            if (leftWindow >= 0 && diff > leftWindow) || (rightWindow >= 0 && -diff > rightWindow) { value = -.infinity }
                        }
                        if let n = nonpad, j >= n[b] { value = -.infinity }
                        bias[j] = value
                        if value != -.infinity { allMasked = false }
                    }
                    // Scores (softcapped), then plus bias.
                    for j in 0..<skv {
                        var s = round(scores[row + j])
                        if softcapped { s = scoreRound(round(T.tanh(scoreRound(s / cap))) * cap) }
                        scores[row + j] = s
                        biased[row + j] = scoreRound(s + bias[j])
                    }
                    if allMasked { continue }  // probabilities and Y stay 0
                    // Softmax in the softmax precision.
                    var maximum = -T.infinity
                    for j in 0..<skv { maximum = nanPropagatingMax(maximum, softmaxRound(biased[row + j])) }
                    if maximum == -.infinity { maximum = 0 }
                    var sum: T = 0
                    for j in 0..<skv {
                        let e = softmaxRound(T.exp(softmaxRound(softmaxRound(biased[row + j]) - maximum)))
                        probabilities[row + j] = e
                        sum = softmaxRound == .bfloat ? softmaxRound(sum + e) : sum + e
                    }
                    sum = softmaxRound(sum)
                    if sum == 0 { sum = 1 }
                    for j in 0..<skv { probabilities[row + j] = softmaxRound(probabilities[row + j] / sum) }
                }
                // P (in the input type) · V.
                var p = [T](repeating: 0, count: sq * skv)
                for x in 0..<(sq * skv) { p[x] = round(probabilities[block + x]) }
                p.withUnsafeBufferPointer { pp in v.withUnsafeBufferPointer { vp in y.withUnsafeMutableBufferPointer { yp in
                    T.gemm(m: sq, n: dv, k: skv, alpha: 1, a: pp.baseAddress!, transposeA: false,
                           b: vp.baseAddress! + (b * hkv + kh) * skv * dv, transposeB: false, beta: 0,
                           c: yp.baseAddress! + (b * hq + h) * sq * dv)
                } } }
            }
        }

        if g.threeD {
            // [b, h, s, d] → [b, s, h·d]
            var t = [T](repeating: 0, count: y.count)
            for b in 0..<batch { for h in 0..<hq { for i in 0..<sq { for e in 0..<dv {
                t[((b * sq + i) * hq + h) * dv + e] = y[((b * hq + h) * sq + i) * dv + e]
            } } } }
            y = t
        }
        var results = [try Self.tensor(y, dtype: g.dtype, shape: g.yShape)]
        if outputs > 1 { results.append(try Self.tensor(k, dtype: g.kvType, shape: g.presentKeyShape)) }
        if outputs > 2 { results.append(try Self.tensor(v, dtype: g.kvType, shape: g.presentValueShape)) }
        if outputs > 3 {
            let qk = mode == 2 ? biased : mode == 3 ? probabilities : scores
            results.append(try Self.tensor(qk, dtype: g.dtype, shape: g.scoresShape))
        }
        return results
    }
}
