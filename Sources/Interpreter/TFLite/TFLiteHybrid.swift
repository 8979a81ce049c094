import LockstepCore

/// LiteRT's hybrid (dynamic-range) kernels: float activations, int8 weights with per-tensor or
/// per-channel scales. The float input is quantised per batch row at run time, the products are
/// summed in int32 (exact, so order-free), and the sum is scaled back to float. Every step is
/// LiteRT's (google-ai-edge/LiteRT `tflite/kernels/internal/reference/portable_tensor_utils.cc`
/// `PortableSymmetricQuantizeFloats` / `PortableAsymmetricQuantizeFloats` /
/// `PortableMatrixBatchVectorMultiplyAccumulate`, `reference/conv.h` `HybridConvPerChannel`,
/// `reference/integer_ops/depthwise_conv.h` `DepthwiseConvHybridPerChannel`).
enum TFLiteHybrid {
    /// One row quantised to int8 with its scale and offset (`real ≈ scale · (q − offset)`).
    struct Row {
        var values: [Int8]
        var scale: Float
        var offset: Int32
    }

    /// `AsymmetricQuantizeFloats`: the range [min(0, min), max(0, max)] — its width taken in float,
    /// as the LiteRT 2.3.0 build does (`rmax - rmin` of two floats; measured: the double form
    /// leaves per-row scales one ULP off on `op_fully_connected_keep_num_dims_hybrid_dynamic`) —
    /// over [−128, 127] in double, the zero point nudged into range, then
    /// `round(offset + x · (1 / scale))` in float (half away from zero), clamped. A constant-zero
    /// row gives zeros, scale 1, offset 0.
    static func asymmetric(_ x: UnsafeBufferPointer<Float>) -> Row {
        var lo = x.first ?? 0, hi = x.first ?? 0
        for v in x { if v < lo { lo = v }; if hi < v { hi = v } }  // std::minmax_element
        let rminF = min(Float(0), lo), rmaxF = max(Float(0), hi)
        let rmin = Double(rminF), rmax = Double(rmaxF)
        if rmin == rmax { return Row(values: [Int8](repeating: 0, count: x.count), scale: 1, offset: 0) }
        let qmin = -128.0, qmax = 127.0
        let scale = Double(rmaxF - rminF) / (qmax - qmin)
        let fromMin = qmin - rmin / scale, fromMax = qmax - rmax / scale
        let errorMin = abs(qmin) + abs(rmin / scale), errorMax = abs(qmax) + abs(rmax / scale)
        let zeroPoint = errorMin < errorMax ? fromMin : fromMax
        let offset: Int32 = zeroPoint <= qmin ? -128 : zeroPoint >= qmax ? 127 : Int32(zeroPoint.rounded(.toNearestOrAwayFromZero))
        let s = Float(scale), inverse = 1 / s
        let values = x.map { v -> Int8 in
            let q = Int32((Float(offset) + v * inverse).rounded(.toNearestOrAwayFromZero))
            return Int8(min(127, max(-128, q)))
        }
        return Row(values: values, scale: s, offset: offset)
    }

    /// `SymmetricQuantizeFloats`: scale `max(|min|, |max|) / 127`, `round(x · (127 / range))` clamped
    /// to ±127, offset 0. A zero row gives zeros and scale 1.
    static func symmetric(_ x: UnsafeBufferPointer<Float>) -> Row {
        var lo = x.first ?? 0, hi = x.first ?? 0
        for v in x { if v < lo { lo = v }; if hi < v { hi = v } }
        let range = max(abs(lo), abs(hi))
        if range == 0 { return Row(values: [Int8](repeating: 0, count: x.count), scale: 1, offset: 0) }
        let inverse = Float(127) / range
        let values = x.map { v -> Int8 in Int8(min(127, max(-127, Int32((v * inverse).rounded(.toNearestOrAwayFromZero))))) }
        return Row(values: values, scale: range / 127, offset: 0)
    }

    /// The weights' scale per output channel (one repeated for per-tensor weights).
    static func channelScales(_ q: QuantizationParameters?, channels: Int) throws -> (scales: [Float], perChannel: Bool) {
        guard let q, !q.scales.isEmpty else { throw KernelError("int8 weights without quantisation parameters") }
        if q.scales.count == 1 { return ([Float](repeating: q.scales[0], count: channels), false) }
        guard q.scales.count == channels else { throw KernelError("weights have \(q.scales.count) scales for \(channels) channels") }
        return (q.scales, true)
    }

    /// Hybrid FULLY_CONNECTED: `y[b, o] = bias[o] + float(Σ w·q − rowsum[o]·offset_b) · (scale_b · s_o)`
    /// (per channel; per tensor `s` is folded into `scale_b` first), then the activation clamp. An
    /// all-zero input skips the product (LiteRT's `IsZeroVector` shortcut).
    static func fullyConnected(x: UnsafePointer<Float>, batch: Int, depth: Int, w: UnsafePointer<Int8>, units: Int,
                               scales: [Float], perChannel: Bool, bias: UnsafePointer<Float>?, asymmetric: Bool,
                               activation: FusedActivation, y: UnsafeMutablePointer<Float>) {
        for b in 0..<batch { for o in 0..<units { y[b * units + o] = bias?[o] ?? 0 } }
        var allZero = true
        for i in 0..<(batch * depth) where x[i] != 0 { allZero = false; break }
        if !allZero {
            var rowSums = [Int32](repeating: 0, count: units)
            for o in 0..<units { var s: Int32 = 0; for k in 0..<depth { s &+= Int32(w[o * depth + k]) }; rowSums[o] = s }
            for b in 0..<batch {
                let row = UnsafeBufferPointer(start: x + b * depth, count: depth)
                let q = asymmetric ? Self.asymmetric(row) : Self.symmetric(row)
                let batchScale = perChannel ? q.scale : q.scale * scales[0]
                for o in 0..<units {
                    var dot: Int32 = 0
                    for k in 0..<depth { dot &+= Int32(w[o * depth + k]) &* Int32(q.values[k]) }
                    if asymmetric { dot &-= rowSums[o] &* q.offset }
                    let scale = perChannel ? batchScale * scales[o] : batchScale
                    y[b * units + o] += Float(dot) * scale
                }
            }
        }
        activation.apply(y, count: batch * units)
    }

    /// Hybrid CONV_2D (`HybridConvPerChannel`) and DEPTHWISE_CONV_2D
    /// (`DepthwiseConvHybridPerChannel`) over NHWC: each batch image quantised asymmetrically, the
    /// taps summed in int32 as `w · (q − offset)`, then `acc · s_c · scale_b` (conv: left to right;
    /// depthwise: `acc · (s_c · scale_b)`), plus the bias, then the clamp.
    static func convolution(_ p: ConvolutionParameters, depthwise: Bool, x: UnsafePointer<Float>, w: UnsafePointer<Int8>, scales: [Float],
                            bias: UnsafePointer<Float>?, activation: FusedActivation, y: UnsafeMutablePointer<Float>) {
        let win = p.window.expanded(toRank: 2)
        let (IH, IW, KH, KW) = (win.input[0], win.input[1], win.kernel[0], win.kernel[1])
        let (OH, OW, SH, SW) = (win.output[0], win.output[1], win.strides[0], win.strides[1])
        let (DH, DW, PH, PW) = (win.dilations[0], win.dilations[1], win.padsBegin[0], win.padsBegin[1])
        let c = p.inputChannels, m = p.outputChannels
        let cg = depthwise ? 1 : c / p.groups, mg = m / p.groups
        let multiplier = depthwise ? m / c : 1
        let lo = Float(activation.lo), hi = Float(activation.hi)
        for n in 0..<p.batch {
            let image = UnsafeBufferPointer(start: x + n * IH * IW * c, count: IH * IW * c)
            let q = asymmetric(image)
            q.values.withUnsafeBufferPointer { qv in
                for oh in 0..<OH {
                    for ow in 0..<OW {
                        for oc in 0..<m {
                            var acc: Int32 = 0
                            for kh in 0..<KH {
                                let ih = oh * SH - PH + kh * DH
                                if ih < 0 || ih >= IH { continue }
                                for kw in 0..<KW {
                                    let iw = ow * SW - PW + kw * DW
                                    if iw < 0 || iw >= IW { continue }
                                    let base = (ih * IW + iw) * c
                                    if depthwise {
                                        let v = Int32(qv[base + oc / multiplier]) &- q.offset
                                        acc &+= Int32(w[(kh * KW + kw) * m + oc]) &* v
                                    } else {
                                        let first = (oc / mg) * cg
                                        let wk = w + ((oc * KH + kh) * KW + kw) * cg
                                        for ci in 0..<cg { acc &+= Int32(wk[ci]) &* (Int32(qv[base + first + ci]) &- q.offset) }
                                    }
                                }
                            }
                            var v: Float = depthwise ? Float(acc) * (scales[oc] * q.scale) : Float(acc) * scales[oc] * q.scale
                            if let bias { v += bias[oc] }
                            y[((n * OH + oh) * OW + ow) * m + oc] = FusedActivation.clamp(v, lo, hi)
                        }
                    }
                }
            }
        }
    }

    /// Hybrid BATCH_MATMUL (`batch_matmul.cc` EvalHybrid with `reference_ops::BatchMatMul`): every
    /// row of the float left operand (`[m, k]` per batch) is quantised on its own, the right operand
    /// is int8 `[k, n]` with one scale; `y[i, j] = 0 + (s_i · s_w) · float(Σ q·w − colsum_j · offset_i)`.
    static func batchMatMul(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Int8>, filterScale: Float,
                            asymmetric: Bool, y: UnsafeMutablePointer<Float>) {
        var colSums = [Int32](repeating: 0, count: n)
        for j in 0..<n { var s: Int32 = 0; for r in 0..<k { s &+= Int32(b[r * n + j]) }; colSums[j] = s }
        for i in 0..<m {
            let row = UnsafeBufferPointer(start: a + i * k, count: k)
            let q = asymmetric ? Self.asymmetric(row) : Self.symmetric(row)
            let scale = q.scale * filterScale
            for j in 0..<n {
                var dot: Int32 = 0
                for r in 0..<k { dot &+= Int32(q.values[r]) &* Int32(b[r * n + j]) }
                if asymmetric { dot &-= colSums[j] &* q.offset }
                y[i * n + j] = 0 + scale * Float(dot)
            }
        }
    }
}
