import LockstepCore

/// Convolution and matrix products whose every output is one sequential sum of its products in
/// a fixed order, then the bias, as TFLite's float reference kernels compute them
/// (`reference_ops::Conv`, `FullyConnected`, `BatchMatMul`): `total = 0; for each tap in order:
/// total += x · w; out = total + bias`. BLAS reorders the additions (blocked, vectorised partial
/// sums), which is as accurate but not the same float32 result; these kernels reproduce the
/// reference's rounding exactly while still vectorising — across output channels, whose sums are
/// independent — instead of along the sum.
public enum OrderedAccumulation {
    /// NHWC 2-D convolution (`p.layout` must be `.channelsLast`, one or two spatial dimensions):
    /// `x [N, H, W, C]`, `w [M, KH, KW, C/g]` (OHWI), `bias [M]`, `y [N, OH, OW, M]`. Each output
    /// sums over (kh, kw, c) in that order, skipping taps in the padding, then adds the bias (or
    /// +0, as the reference adds a zero bias, turning −0 into +0).
    public static func convolution<T: BLASFloat>(_ p: ConvolutionParameters, x: UnsafePointer<T>, w: UnsafePointer<T>,
                                                 bias: UnsafePointer<T>?, y: UnsafeMutablePointer<T>) throws {
        guard p.layout == .channelsLast, p.window.rank <= 2 else {
            throw KernelError("internal error: ordered convolution needs channels-last 1-D or 2-D windows")
        }
        let win = p.window.expanded(toRank: 2)
        let (IH, IW, KH, KW) = (win.input[0], win.input[1], win.kernel[0], win.kernel[1])
        let (OH, OW, SH, SW) = (win.output[0], win.output[1], win.strides[0], win.strides[1])
        let (DH, DW, PH, PW) = (win.dilations[0], win.dilations[1], win.padsBegin[0], win.padsBegin[1])
        let c = p.inputChannels, m = p.outputChannels, g = p.groups
        guard g > 0, c % g == 0, m % g == 0 else { throw KernelError("channels \(c) → \(m) do not split into \(g) groups") }
        let cg = c / g, mg = m / g, taps = KH * KW * cg
        if p.batch == 0 || m == 0 || OH * OW == 0 { return }
        // Weights per group as [taps, mg] so the channel loop is contiguous.
        let wt = UnsafeMutablePointer<T>.allocate(capacity: max(1, taps * m))
        defer { wt.deallocate() }
        for gi in 0..<g {
            let dst = wt + gi * taps * mg
            for j in 0..<mg {
                let src = w + (gi * mg + j) * taps
                for t in 0..<taps { dst[t * mg + j] = src[t] }
            }
        }
        let acc = UnsafeMutablePointer<T>.allocate(capacity: max(1, 4 * mg))
        defer { acc.deallocate() }
        // Output columns whose every tap lies inside the input's width: done four at a time,
        // sharing each weight row (every output still sums its own taps in order).
        var interior = 0..<0
        do {
            var lo = 0
            while lo < OW && lo * SW - PW < 0 { lo += 1 }
            var hi = OW
            while hi > lo && (hi - 1) * SW - PW + (KW - 1) * DW >= IW { hi -= 1 }
            interior = lo..<hi
        }
        for n in 0..<p.batch {
            let xn = x + n * IH * IW * c
            var out = y + n * OH * OW * m
            for oh in 0..<OH {
                var ow = 0
                while ow < OW {
                    if interior.contains(ow), ow + 3 < interior.upperBound {
                        if T.self == Float.self, mg % 8 == 0 {
                            // float32: the same sums with SIMD registers as accumulators.
                            let f = UnsafeRawPointer(xn).assumingMemoryBound(to: Float.self)
                            let wf = UnsafeRawPointer(wt).assumingMemoryBound(to: Float.self)
                            let bf = bias.map { UnsafeRawPointer($0).assumingMemoryBound(to: Float.self) }
                            let of = UnsafeMutableRawPointer(out).assumingMemoryBound(to: Float.self)
                            let geometry = Block(IH: IH, IW: IW, KH: KH, KW: KW, SH: SH, SW: SW, DH: DH, DW: DW, PH: PH, PW: PW, c: c, m: m, cg: cg, mg: mg)
                            for gi in 0..<g { block4(geometry, oh: oh, ow: ow, group: gi, x: f, w: wf + gi * taps * mg, bias: bf, y: of) }
                            out += 4 * m
                            ow += 4
                            continue
                        }
                        for gi in 0..<g {
                            let a0 = acc, a1 = acc + mg, a2 = acc + 2 * mg, a3 = acc + 3 * mg
                            acc.update(repeating: 0, count: 4 * mg)
                            let wg = wt + gi * taps * mg
                            for kh in 0..<KH {
                                let ih = oh * SH - PH + kh * DH
                                if ih < 0 || ih >= IH { continue }
                                for kw in 0..<KW {
                                    let iw = ow * SW - PW + kw * DW
                                    let s0 = xn + (ih * IW + iw) * c + gi * cg, step = SW * c
                                    let s1 = s0 + step, s2 = s1 + step, s3 = s2 + step
                                    var row = wg + (kh * KW + kw) * cg * mg
                                    for ci in 0..<cg {
                                        let v0 = s0[ci], v1 = s1[ci], v2 = s2[ci], v3 = s3[ci]
                                        for j in 0..<mg {
                                            let w = row[j]
                                            a0[j] += v0 * w
                                            a1[j] += v1 * w
                                            a2[j] += v2 * w
                                            a3[j] += v3 * w
                                        }
                                        row += mg
                                    }
                                }
                            }
                            for q in 0..<4 {
                                let o = out + q * m + gi * mg, a = acc + q * mg
                                if let bias {
                                    let b = bias + gi * mg
                                    for j in 0..<mg { o[j] = a[j] + b[j] }
                                } else {
                                    for j in 0..<mg { o[j] = a[j] + 0 }
                                }
                            }
                        }
                        out += 4 * m
                        ow += 4
                        continue
                    }
                    for gi in 0..<g {
                        acc.update(repeating: 0, count: mg)
                        let wg = wt + gi * taps * mg
                        for kh in 0..<KH {
                            let ih = oh * SH - PH + kh * DH
                            if ih < 0 || ih >= IH { continue }
                            for kw in 0..<KW {
                                let iw = ow * SW - PW + kw * DW
                                if iw < 0 || iw >= IW { continue }
                                let src = xn + (ih * IW + iw) * c + gi * cg
                                var row = wg + (kh * KW + kw) * cg * mg
                                for ci in 0..<cg {
                                    let v = src[ci]
                                    for j in 0..<mg { acc[j] += v * row[j] }
                                    row += mg
                                }
                            }
                        }
                        let o = out + gi * mg
                        if let bias {
                            let b = bias + gi * mg
                            for j in 0..<mg { o[j] = acc[j] + b[j] }
                        } else {
                            for j in 0..<mg { o[j] = acc[j] + 0 }
                        }
                    }
                    out += m
                    ow += 1
                }
            }
        }
    }

    /// Geometry of one convolution for `block4`.
    struct Block {
        let IH: Int, IW: Int, KH: Int, KW: Int, SH: Int, SW: Int, DH: Int, DW: Int, PH: Int, PW: Int
        let c: Int, m: Int, cg: Int, mg: Int
    }

    /// Four adjacent interior outputs (columns `ow..<ow+4` of row `oh`) of group `group`, eight
    /// channels at a time in SIMD accumulators: each output still adds its products one by one in
    /// (kh, kw, c) order, then the bias (or +0). `w` is the group's `[taps, mg]` weights.
    @inline(__always)
    static func block4(_ b: Block, oh: Int, ow: Int, group: Int, x: UnsafePointer<Float>, w: UnsafePointer<Float>,
                       bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>) {
        let step = b.SW * b.c
        var j0 = 0
        while j0 < b.mg {
            var a0 = SIMD8<Float>(repeating: 0), a1 = a0, a2 = a0, a3 = a0
            for kh in 0..<b.KH {
                let ih = oh * b.SH - b.PH + kh * b.DH
                if ih < 0 || ih >= b.IH { continue }
                for kw in 0..<b.KW {
                    let iw = ow * b.SW - b.PW + kw * b.DW
                    let s0 = x + (ih * b.IW + iw) * b.c + group * b.cg
                    let s1 = s0 + step, s2 = s1 + step, s3 = s2 + step
                    var wp = UnsafeRawPointer(w + (kh * b.KW + kw) * b.cg * b.mg + j0)
                    let stride = b.mg * MemoryLayout<Float>.stride
                    for ci in 0..<b.cg {
                        let wv = wp.loadUnaligned(as: SIMD8<Float>.self)
                        a0 = a0 + SIMD8(repeating: s0[ci]) * wv
                        a1 = a1 + SIMD8(repeating: s1[ci]) * wv
                        a2 = a2 + SIMD8(repeating: s2[ci]) * wv
                        a3 = a3 + SIMD8(repeating: s3[ci]) * wv
                        wp += stride
                    }
                }
            }
            var bv = SIMD8<Float>(repeating: 0)
            if let bias { bv = UnsafeRawPointer(bias + group * b.mg + j0).loadUnaligned(as: SIMD8<Float>.self) }
            let o = y + group * b.mg + j0
            store(a0 + bv, o)
            store(a1 + bv, o + b.m)
            store(a2 + bv, o + 2 * b.m)
            store(a3 + bv, o + 3 * b.m)
            j0 += 8
        }
    }

    @inline(__always)
    static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    /// NHWC depthwise convolution with TFLite's filter layout: `x [N, H, W, C]`, `w [1, KH, KW, C·M]`,
    /// `bias [C·M]`, `y [N, OH, OW, C·M]`; output channel `j` reads input channel `j / M`. Each
    /// output sums its taps in (kh, kw) order skipping the padding, then adds the bias (or +0), as
    /// `reference_ops::DepthwiseConv`. Taps run in the outer loops and the output row's pixels
    /// inside, which keeps every output's order and makes the inner loops long.
    public static func depthwise<T: BLASFloat>(_ p: ConvolutionParameters, x: UnsafePointer<T>, w: UnsafePointer<T>,
                                               bias: UnsafePointer<T>?, y: UnsafeMutablePointer<T>) throws {
        guard p.layout == .channelsLast, p.window.rank <= 2, p.groups == p.inputChannels, p.inputChannels > 0,
              p.outputChannels % p.inputChannels == 0 else {
            throw KernelError("internal error: ordered depthwise convolution needs channels last and one group per input channel")
        }
        let win = p.window.expanded(toRank: 2)
        let (IH, IW, KH, KW) = (win.input[0], win.input[1], win.kernel[0], win.kernel[1])
        let (OH, OW, SH, SW) = (win.output[0], win.output[1], win.strides[0], win.strides[1])
        let (DH, DW, PH, PW) = (win.dilations[0], win.dilations[1], win.padsBegin[0], win.padsBegin[1])
        let c = p.inputChannels, m = p.outputChannels, multiplier = m / c
        if p.batch == 0 || m == 0 || OH * OW == 0 { return }
        for n in 0..<p.batch {
            let xn = x + n * IH * IW * c
            for oh in 0..<OH {
                let row = y + ((n * OH) + oh) * OW * m
                row.update(repeating: 0, count: OW * m)
                for kh in 0..<KH {
                    let ih = oh * SH - PH + kh * DH
                    if ih < 0 || ih >= IH { continue }
                    let xrow = xn + ih * IW * c
                    for kw in 0..<KW {
                        let shift = kw * DW - PW
                        // Columns whose tap lies inside the input: 0 <= ow·SW + shift < IW.
                        var lo = 0
                        if shift < 0 { lo = (-shift + SW - 1) / SW }
                        var hi = OW
                        if (OW - 1) * SW + shift >= IW { hi = IW - shift > 0 ? (IW - shift - 1) / SW + 1 : 0 }
                        if lo >= hi { continue }
                        let wk = w + (kh * KW + kw) * m
                        for ow in lo..<hi {
                            let src = xrow + (ow * SW + shift) * c
                            let dst = row + ow * m
                            if multiplier == 1 {
                                for j in 0..<m { dst[j] += src[j] * wk[j] }
                            } else {
                                for j in 0..<m { dst[j] += src[j / multiplier] * wk[j] }
                            }
                        }
                    }
                }
                if let bias {
                    for ow in 0..<OW { let dst = row + ow * m; for j in 0..<m { dst[j] = dst[j] + bias[j] } }
                } else {
                    for i in 0..<(OW * m) { row[i] = row[i] + 0 }
                }
            }
        }
    }

    /// `y[r, o] = (Σₖ x[r, k] · w[o, k]) + bias[o]` for `rows` rows, the sum in k order (TFLite's
    /// FULLY_CONNECTED): `x [rows, k]`, `w [outputs, k]`, `y [rows, outputs]`.
    public static func fullyConnected<T: BLASFloat>(rows: Int, outputs: Int, depth: Int, x: UnsafePointer<T>, w: UnsafePointer<T>,
                                                    bias: UnsafePointer<T>?, y: UnsafeMutablePointer<T>) {
        if rows * outputs == 0 { return }
        if rows == 1 {
            // One dot product per output, each strictly sequential.
            for o in 0..<outputs {
                let wo = w + o * depth
                var total: T = 0
                for k in 0..<depth { total += x[k] * wo[k] }
                y[o] = total + (bias?[o] ?? 0)
            }
            return
        }
        // Several rows: weights as [depth, outputs] so the sums of one row vectorise across outputs.
        let wt = UnsafeMutablePointer<T>.allocate(capacity: max(1, depth * outputs))
        defer { wt.deallocate() }
        for o in 0..<outputs { for k in 0..<depth { wt[k * outputs + o] = w[o * depth + k] } }
        matmul(m: rows, n: outputs, k: depth, a: x, b: wt, c: y)
        for r in 0..<rows {
            let yr = y + r * outputs
            for o in 0..<outputs { yr[o] = yr[o] + (bias?[o] ?? 0) }
        }
    }

    /// `c[i, j] = Σₖ a[i, k] · b[k, j]` (row-major `a [m, k]`, `b [k, n]`), each sum in k order.
    public static func matmul<T: BLASFloat>(m: Int, n: Int, k: Int, a: UnsafePointer<T>, b: UnsafePointer<T>, c: UnsafeMutablePointer<T>) {
        for i in 0..<m {
            let ci = c + i * n, ai = a + i * k
            ci.update(repeating: 0, count: n)
            var bk = b
            for kk in 0..<k {
                let v = ai[kk]
                for j in 0..<n { ci[j] += v * bk[j] }
                bk += n
            }
        }
    }
}
