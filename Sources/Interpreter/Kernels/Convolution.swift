import LockstepCore

/// Where the channel dimension of an activation tensor sits.
public enum ActivationLayout: Sendable, Equatable {
    /// `[N, C, spatial…]` (ONNX). Convolution weights are `[M, C/group, kernel…]` (OIHW).
    case channelsFirst
    /// `[N, spatial…, C]` (TFLite). Convolution weights are `[M, kernel…, C/group]` (OHWI);
    /// a TFLite depthwise filter `[1, kernel…, M]` is transposed to `[M, kernel…, 1]` by its adapter.
    case channelsLast
}

/// Shape parameters of one convolution (forward or transposed).
public struct ConvolutionParameters: Sendable, Equatable {
    public var layout: ActivationLayout
    public var batch: Int
    /// Channels of the forward input `x` (of the ConvTranspose input for transposed convolution).
    public var inputChannels: Int
    public var outputChannels: Int
    public var groups: Int
    /// For forward convolution the window over `x`; for transposed convolution the window
    /// from `Padding.transposed` (its `input` is the ConvTranspose output).
    public var window: SpatialWindow

    public init(layout: ActivationLayout, batch: Int, inputChannels: Int, outputChannels: Int, groups: Int, window: SpatialWindow) {
        self.layout = layout
        self.batch = batch
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.groups = groups
        self.window = window
    }
}

/// Convolution kernels shared by the ONNX and TFLite ops, for 1-, 2- and 3-D spatial inputs in
/// either layout (`ActivationLayout`).
///
/// - General convolution: im2col into one buffer reused for every image and group, then GEMM
///   (`cblas_sgemm`/`cblas_dgemm`); a column matrix larger than `columnBudget` is built and
///   multiplied in bands of output rows. 1×1 stride-1 unpadded convolutions skip im2col.
/// - Depthwise convolution (one input channel per group, any channel multiplier): a direct
///   loop, tap by tap over contiguous rows (GEMM with one row per group would be slow).
/// - Transposed convolution: GEMM into a column buffer, then col2im accumulation.
///
/// Every output sums its taps in kernel order and adds the bias last, like ONNX Runtime.
public enum Convolution {
    /// Spatial ranks the kernels handle (1–3; ONNX allows more, no exporter emits them).
    public static let maximumSpatialRank = 3

    /// `y = conv(x, w) + bias`. Shapes (channels first / channels last):
    /// `x` `[N, C, in…]` / `[N, in…, C]`, `w` `[M, C/g, k…]` / `[M, k…, C/g]`, `bias` `[M]`,
    /// `y` `[N, M, out…]` / `[N, out…, M]`.
    ///
    /// float32 channels-first convolutions (other than depthwise) multiply on `PackedMatrix` when
    /// `PackedGEMM.isEnabled`: `packed` holds the weights packed once per session (packed here per
    /// call when nil), and every output is one fused multiply-add chain over `(c, k…)` in weight
    /// order, plus the bias.
    public static func forward<T: BLASFloat>(_ p: ConvolutionParameters, x: UnsafePointer<T>, w: UnsafePointer<T>,
                                             bias: UnsafePointer<T>?, y: UnsafeMutablePointer<T>,
                                             packed: ConvolutionWeights? = nil) throws {
        try check(p)
        let g = p.groups, cg = p.inputChannels / g, mg = p.outputChannels / g
        if p.batch == 0 || p.outputChannels == 0 || p.window.outputCount == 0 { return }
        let win = p.window.expanded(toRank: 3)
        if cg == 1 && g == p.inputChannels && g > 1 {
            switch p.layout {
            case .channelsFirst: depthwiseChannelsFirst(p, win, mg, x, w, bias, y)
            case .channelsLast: depthwiseChannelsLast(p, win, mg, x, w, bias, y)
            }
            return
        }
        if p.layout == .channelsFirst, T.self == Float.self, PackedGEMM.isEnabled {
            let k = cg * win.kernelCount
            let weights = packed.flatMap { $0.matches(groups: g, rows: mg, columns: k) ? $0 : nil }
                ?? ConvolutionWeights(UnsafeRawPointer(w).assumingMemoryBound(to: Float.self), groups: g, rows: mg, columns: k)
            packedChannelsFirst(p, win, cg, mg, UnsafeRawPointer(x).assumingMemoryBound(to: Float.self), weights,
                                bias.map { UnsafeRawPointer($0).assumingMemoryBound(to: Float.self) },
                                UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self))
            return
        }
        switch p.layout {
        case .channelsFirst:
            if win.strides[1] == 1 && win.strides[2] == 1 && win.input[0] == 1 && win.kernel[0] == 1 && win.output[0] == 1
                && !win.isPointwise {
                shiftedGEMMChannelsFirst(p, win, cg, mg, x, w, bias, y)
            } else {
                im2colGEMMChannelsFirst(p, win, cg, mg, x, w, bias, y)
            }
        case .channelsLast: im2colGEMMChannelsLast(p, win, cg, mg, x, w, bias, y)
        }
    }

    /// Transposed convolution (ONNX ConvTranspose, TFLite TRANSPOSE_CONV). `p.window` comes from
    /// `Padding.transposed`; `p.inputChannels` are the channels of `x`. Shapes: `x` `[N, C, in…]`
    /// / `[N, in…, C]`; `w` `[C, M/g, k…]` (channels first, ONNX) / `[M, k…, C]` (channels last,
    /// TFLite, one group); `y` `[N, M, out…]` / `[N, out…, M]`.
    public static func transposed<T: BLASFloat>(_ p: ConvolutionParameters, x: UnsafePointer<T>, w: UnsafePointer<T>,
                                                bias: UnsafePointer<T>?, y: UnsafeMutablePointer<T>) throws {
        try check(p)
        if p.layout == .channelsLast && p.groups != 1 {
            throw KernelError("transposed convolution with channels last supports one group, found \(p.groups)", unsupported: true)
        }
        let win = p.window.expanded(toRank: 3)
        let g = p.groups, cg = p.inputChannels / g, mg = p.outputChannels / g
        let kernelCount = win.kernelCount
        let inCount = win.outputCount  // ConvTranspose input positions
        let outCount = win.inputCount  // ConvTranspose output positions
        let m = p.outputChannels
        // Output starts as the bias (or zero); col2im adds every tap's contribution.
        for n in 0..<p.batch {
            let yn = y + n * m * outCount
            switch p.layout {
            case .channelsFirst:
                for c in 0..<m { (yn + c * outCount).update(repeating: bias?[c] ?? 0, count: outCount) }
            case .channelsLast:
                for q in 0..<outCount { for c in 0..<m { yn[q * m + c] = bias?[c] ?? 0 } }
            }
        }
        if p.batch == 0 || m == 0 || inCount == 0 || outCount == 0 { return }
        let rows = mg * kernelCount
        let col = UnsafeMutablePointer<T>.allocate(capacity: max(1, rows * inCount))
        defer { col.deallocate() }
        for n in 0..<p.batch {
            switch p.layout {
            case .channelsFirst:
                for gi in 0..<g {
                    // col[mg·K, P] = W_g^T · x_g, W_g = w[gi·cg ..< (gi+1)·cg] viewed as [cg, mg·K].
                    let xg = x + (n * p.inputChannels + gi * cg) * inCount
                    T.gemm(m: rows, n: inCount, k: cg, alpha: 1, a: w + gi * cg * rows, transposeA: true,
                           b: xg, transposeB: false, beta: 0, c: col)
                    let yg = y + (n * m + gi * mg) * outCount
                    col2imChannelsFirst(win, channels: mg, col: col, y: yg)
                }
            case .channelsLast:
                // col[P, M·K] = x_n [P, C] · W^T, W = w viewed as [M·K, C].
                T.gemm(m: inCount, n: rows, k: p.inputChannels, alpha: 1, a: x + n * inCount * p.inputChannels, transposeA: false,
                       b: w, transposeB: true, beta: 0, c: col)
                col2imChannelsLast(win, channels: m, col: col, y: y + n * outCount * m)
            }
        }
    }

    static func check(_ p: ConvolutionParameters) throws {
        guard p.window.rank >= 1, p.window.rank <= maximumSpatialRank else {
            throw KernelError("convolution over \(p.window.rank) spatial dimensions is not supported (1 to \(maximumSpatialRank))", unsupported: true)
        }
        guard p.groups >= 1, p.inputChannels % p.groups == 0, p.outputChannels % p.groups == 0 else {
            throw KernelError("group \(p.groups) must divide the input channels \(p.inputChannels) and the output channels \(p.outputChannels)")
        }
    }

    // MARK: Valid ranges

    /// Output indices `o` in `0..<count` for which `o * stride + offset` lies in `0..<size`.
    @inline(__always)
    static func validRange(count: Int, stride: Int, offset: Int, size: Int) -> Range<Int> {
        // o * stride + offset >= 0  ⇔  o >= ceil(-offset / stride)
        let lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride
        // o * stride + offset <= size - 1  ⇔  o <= floor((size - 1 - offset) / stride)
        let top = size - 1 - offset
        let hi = top < 0 ? 0 : top / stride + 1
        let l = min(lo, count), h = min(max(hi, l), count)
        return l..<h
    }

    // MARK: Packed float32 convolution, channels first

    /// Every non-depthwise channels-first float32 convolution on `PackedMatrix`, with B's rows
    /// read in place: pointwise, rows of `x`; stride-1 2-D, rows of a zero-padded copy at each
    /// tap's offset into a wide output (cropped, + bias); otherwise rows of an im2col band.
    /// B's row `(c, k…)` matches the weights' column order, so each output sums in weight order.
    static func packedChannelsFirst(_ p: ConvolutionParameters, _ win: SpatialWindow, _ cg: Int, _ mg: Int,
                                    _ x: UnsafePointer<Float>, _ weights: ConvolutionWeights, _ bias: UnsafePointer<Float>?,
                                    _ y: UnsafeMutablePointer<Float>) {
        let inCount = win.inputCount, outCount = win.outputCount, taps = win.kernelCount
        let k = cg * taps
        let rows = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: max(1, k))
        defer { rows.deallocate() }
        if win.isPointwise {
            for n in 0..<p.batch {
                for gi in 0..<p.groups {
                    let xg = x + (n * p.inputChannels + gi * cg) * inCount
                    for q in 0..<k { rows[q] = xg + q * inCount }
                    weights.groups[gi].multiply(rows, n: outCount, c: y + (n * p.outputChannels + gi * mg) * outCount, ldc: outCount,
                                                bias: bias.map { $0 + gi * mg })
                }
            }
            return
        }
        if win.strides[1] == 1 && win.strides[2] == 1 && win.input[0] == 1 && win.kernel[0] == 1 && win.output[0] == 1 {
            // Stride-1 2-D: padded plane with row pitch OW + (KW − 1)·DW, where tap (kh, kw) of
            // output position (oh, ow) sits at a fixed offset from oh·pitch + ow.
            let (IH, IW) = (win.input[1], win.input[2])
            let (KH, KW) = (win.kernel[1], win.kernel[2])
            let (OH, OW) = (win.output[1], win.output[2])
            let (DH, DW) = (win.dilations[1], win.dilations[2])
            let (PH, PW) = (win.padsBegin[1], win.padsBegin[2])
            let pitch = OW + (KW - 1) * DW, rowsP = OH + (KH - 1) * DH, planeP = rowsP * pitch
            let span = (OH - 1) * pitch + OW
            let padded = UnsafeMutablePointer<Float>.allocate(capacity: cg * planeP)
            let wide = UnsafeMutablePointer<Float>.allocate(capacity: mg * span)
            defer { padded.deallocate(); wide.deallocate() }
            let first = min(PW, pitch), last = min(max(IW + PW, first), pitch)
            for c in 0..<cg {
                for t in 0..<taps {
                    rows[c * taps + t] = UnsafePointer(padded + c * planeP + (t / KW) * DH * pitch + (t % KW) * DW)
                }
            }
            for n in 0..<p.batch {
                for gi in 0..<p.groups {
                    let xg = x + (n * p.inputChannels + gi * cg) * inCount
                    let yg = y + (n * p.outputChannels + gi * mg) * outCount
                    padPlanes(xg, plane: inCount, channels: cg, into: padded, planePadded: planeP, rowsPadded: rowsP, pitch: pitch,
                              padTop: PH, height: IH, width: IW, padLeft: PW, first: first, last: last)
                    weights.groups[gi].multiply(rows, n: span, c: wide, ldc: span, bias: nil)
                    for j in 0..<mg {
                        for oh in 0..<OH {
                            let src = wide + j * span + oh * pitch, dst = yg + j * outCount + oh * OW
                            if let b = bias?[gi * mg + j] {
                                for o in 0..<OW { dst[o] = src[o] + b }
                            } else {
                                dst.update(from: src, count: OW)
                            }
                        }
                    }
                }
            }
            return
        }
        // im2col in bands of output rows (a band is a contiguous range of output positions).
        let outRows = win.output[0] * win.output[1], width = win.output[2]
        let band = max(1, min(outRows, columnBudget / max(1, k * width)))
        let col = UnsafeMutablePointer<Float>.allocate(capacity: max(1, k * band * width))
        defer { col.deallocate() }
        for n in 0..<p.batch {
            for gi in 0..<p.groups {
                let xg = x + (n * p.inputChannels + gi * cg) * inCount
                let yg = y + (n * p.outputChannels + gi * mg) * outCount
                var r0 = 0
                while r0 < outRows {
                    let r1 = min(outRows, r0 + band), t = (r1 - r0) * width
                    im2colChannelsFirst(win, channels: cg, x: xg, col: col, rows: r0..<r1)
                    for q in 0..<k { rows[q] = UnsafePointer(col + q * t) }
                    weights.groups[gi].multiply(rows, n: t, c: yg + r0 * width, ldc: outCount, bias: bias.map { $0 + gi * mg })
                    r0 = r1
                }
            }
        }
    }

    // MARK: General convolution, channels first

    /// Upper bound of the im2col buffer, in elements (2 MB of float32): larger column matrices
    /// are built and multiplied in bands of output rows, so the buffer stays cache-sized and is
    /// not a fresh multi-megabyte allocation per call.
    static let columnBudget = 1 << 19

    /// Stride-1 2-D convolution without im2col: the input is copied once into a zero-padded plane
    /// with row pitch `OW + (KW − 1)·DW`, in which tap (kh, kw) of every output position is the
    /// position itself plus a fixed offset. So each tap is one GEMM, `wide[mg, span] (+)= W_tap[mg,
    /// cg] · padded[cg, span]` with B rows read in place (row stride = the padded plane), over a
    /// "wide" output with the padded pitch, accumulated tap by tap in kernel order and cropped (+
    /// bias) at the end. This replaces im2col's copy of every input element per tap.
    static func shiftedGEMMChannelsFirst<T: BLASFloat>(_ p: ConvolutionParameters, _ win: SpatialWindow, _ cg: Int, _ mg: Int,
                                                       _ x: UnsafePointer<T>, _ w: UnsafePointer<T>, _ bias: UnsafePointer<T>?,
                                                       _ y: UnsafeMutablePointer<T>) {
        let (IH, IW) = (win.input[1], win.input[2])
        let (KH, KW) = (win.kernel[1], win.kernel[2])
        let (OH, OW) = (win.output[1], win.output[2])
        let (DH, DW) = (win.dilations[1], win.dilations[2])
        let (PH, PW) = (win.padsBegin[1], win.padsBegin[2])
        let taps = KH * KW, k = cg * taps
        let pitch = OW + (KW - 1) * DW, rowsP = OH + (KH - 1) * DH, planeP = rowsP * pitch
        let span = (OH - 1) * pitch + OW
        let inPlane = IH * IW, outCount = OH * OW
        let padded = UnsafeMutablePointer<T>.allocate(capacity: cg * planeP)
        let wide = UnsafeMutablePointer<T>.allocate(capacity: mg * span)
        let wt = UnsafeMutablePointer<T>.allocate(capacity: taps * mg * cg)
        defer { padded.deallocate(); wide.deallocate(); wt.deallocate() }
        let first = min(PW, pitch), last = min(max(IW + PW, first), pitch)
        for gi in 0..<p.groups {
            // W_g [mg, cg, taps] → per tap a packed [mg, cg] matrix.
            let wg = w + gi * mg * k
            for t in 0..<taps { for j in 0..<mg { for c in 0..<cg { wt[(t * mg + j) * cg + c] = wg[j * k + c * taps + t] } } }
            for n in 0..<p.batch {
                let xg = x + (n * p.inputChannels + gi * cg) * inPlane
                let yg = y + (n * p.outputChannels + gi * mg) * outCount
                padPlanes(xg, plane: inPlane, channels: cg, into: padded, planePadded: planeP, rowsPadded: rowsP, pitch: pitch,
                          padTop: PH, height: IH, width: IW, padLeft: PW, first: first, last: last)
                for t in 0..<taps {
                    let offset = (t / KW) * DH * pitch + (t % KW) * DW
                    T.gemm(m: mg, n: span, k: cg, a: wt + t * mg * cg, b: padded + offset, ldb: planeP, beta: t == 0 ? 0 : 1,
                           c: wide, ldc: span)
                }
                for j in 0..<mg {
                    for oh in 0..<OH {
                        let src = wide + j * span + oh * pitch, dst = yg + j * outCount + oh * OW
                        if let b = bias?[gi * mg + j] {
                            for o in 0..<OW { dst[o] = src[o] + b }
                        } else {
                            dst.update(from: src, count: OW)
                        }
                    }
                }
            }
        }
    }

    /// Copies `channels` input planes (`height × width`, `plane` apart) into zero-padded planes of
    /// `rowsPadded × pitch` (`planePadded` apart): `padTop` zero rows, then each input row placed at
    /// column `first` (its columns `first − padLeft ..< last − padLeft`), zeros around it.
    static func padPlanes<T: BLASFloat>(_ x: UnsafePointer<T>, plane: Int, channels: Int, into padded: UnsafeMutablePointer<T>,
                                        planePadded: Int, rowsPadded: Int, pitch: Int, padTop: Int, height: Int, width: Int,
                                        padLeft: Int, first: Int, last: Int) {
        for c in 0..<channels {
            for r in 0..<rowsPadded {
                let dst = padded + c * planePadded + r * pitch, ih = r - padTop
                guard ih >= 0 && ih < height else { dst.update(repeating: 0, count: pitch); continue }
                dst.update(repeating: 0, count: first)
                (dst + first).update(from: x + c * plane + ih * width + (first - padLeft), count: last - first)
                (dst + last).update(repeating: 0, count: pitch - last)
            }
        }
    }

    static func im2colGEMMChannelsFirst<T: BLASFloat>(_ p: ConvolutionParameters, _ win: SpatialWindow, _ cg: Int, _ mg: Int,
                                                      _ x: UnsafePointer<T>, _ w: UnsafePointer<T>, _ bias: UnsafePointer<T>?,
                                                      _ y: UnsafeMutablePointer<T>) {
        let inCount = win.inputCount, outCount = win.outputCount, kernelCount = win.kernelCount
        let k = cg * kernelCount
        let rows = win.output[0] * win.output[1], width = win.output[2]
        // Output rows per band (a band of rows is a contiguous range of output positions).
        let band = win.isPointwise ? rows : max(1, min(rows, columnBudget / max(1, k * width)))
        let banded = band < rows
        let col = win.isPointwise ? nil : UnsafeMutablePointer<T>.allocate(capacity: max(1, k * band * width))
        defer { col?.deallocate() }
        let scratch = banded ? UnsafeMutablePointer<T>.allocate(capacity: max(1, mg * band * width)) : nil
        defer { scratch?.deallocate() }
        for n in 0..<p.batch {
            for gi in 0..<p.groups {
                let xg = x + (n * p.inputChannels + gi * cg) * inCount
                let yg = y + (n * p.outputChannels + gi * mg) * outCount
                let wg = w + gi * mg * k
                if let scratch, let col {
                    // Band by band: col[k, T] → scratch[mg, T] → the band's columns of y_g (+ bias).
                    var r0 = 0
                    while r0 < rows {
                        let r1 = min(rows, r0 + band), t = (r1 - r0) * width
                        im2colChannelsFirst(win, channels: cg, x: xg, col: col, rows: r0..<r1)
                        T.gemm(m: mg, n: t, k: k, alpha: 1, a: wg, transposeA: false, b: col, transposeB: false, beta: 0, c: scratch)
                        for j in 0..<mg {
                            let dst = yg + j * outCount + r0 * width, src = scratch + j * t
                            if let b = bias?[gi * mg + j] {
                                for i in 0..<t { dst[i] = src[i] + b }
                            } else {
                                dst.update(from: src, count: t)
                            }
                        }
                        r0 = r1
                    }
                    continue
                }
                if let col { im2colChannelsFirst(win, channels: cg, x: xg, col: col, rows: 0..<rows) }
                var beta: T = 0
                if let bias {
                    for j in 0..<mg { (yg + j * outCount).update(repeating: bias[gi * mg + j], count: outCount) }
                    beta = 1
                }
                // y_g[mg, P] = W_g[mg, cg·K] · col[cg·K, P] (+ bias rows)
                T.gemm(m: mg, n: outCount, k: k, alpha: 1, a: wg, transposeA: false,
                       b: col.map { UnsafePointer($0) } ?? xg, transposeB: false, beta: beta, c: yg)
            }
        }
    }

    /// `col[(c, kd, kh, kw), (od, oh, ow)]` for `channels` planes of `x` (3-D window), for the
    /// output rows `rows` of the flattened `(od, oh)` index (`col` has `rows.count · OW` columns).
    static func im2colChannelsFirst<T: BLASFloat>(_ win: SpatialWindow, channels: Int, x: UnsafePointer<T>, col: UnsafeMutablePointer<T>,
                                                  rows: Range<Int>) {
        let (ID, IH, IW) = (win.input[0], win.input[1], win.input[2])
        let (KD, KH, KW) = (win.kernel[0], win.kernel[1], win.kernel[2])
        let (OH, OW) = (win.output[1], win.output[2])
        let (SD, SH, SW) = (win.strides[0], win.strides[1], win.strides[2])
        let (DD, DH, DW) = (win.dilations[0], win.dilations[1], win.dilations[2])
        let (PD, PH, PW) = (win.padsBegin[0], win.padsBegin[1], win.padsBegin[2])
        let plane = ID * IH * IW, columns = rows.count * OW
        var row = col
        for c in 0..<channels {
            let xc = x + c * plane
            for kd in 0..<KD {
                for kh in 0..<KH {
                    for kw in 0..<KW {
                        let offW = kw * DW - PW
                        let ow = validRange(count: OW, stride: SW, offset: offW, size: IW)
                        for r in rows {
                            let od = r / OH, oh = r - od * OH
                            let dst = row + (r - rows.lowerBound) * OW
                            let id = od * SD + kd * DD - PD
                            let ih = oh * SH + kh * DH - PH
                            if id < 0 || id >= ID || ih < 0 || ih >= IH {
                                dst.update(repeating: 0, count: OW)
                                continue
                            }
                            let src = xc + (id * IH + ih) * IW + offW
                            if ow.lowerBound > 0 { dst.update(repeating: 0, count: ow.lowerBound) }
                            if SW == 1 {
                                (dst + ow.lowerBound).update(from: src + ow.lowerBound, count: ow.count)
                            } else {
                                for o in ow { dst[o] = src[o * SW] }
                            }
                            if ow.upperBound < OW { (dst + ow.upperBound).update(repeating: 0, count: OW - ow.upperBound) }
                        }
                        row += columns
                    }
                }
            }
        }
    }

    // MARK: General convolution, channels last

    static func im2colGEMMChannelsLast<T: BLASFloat>(_ p: ConvolutionParameters, _ win: SpatialWindow, _ cg: Int, _ mg: Int,
                                                     _ x: UnsafePointer<T>, _ w: UnsafePointer<T>, _ bias: UnsafePointer<T>?,
                                                     _ y: UnsafeMutablePointer<T>) {
        let inCount = win.inputCount, outCount = win.outputCount, kernelCount = win.kernelCount
        let c = p.inputChannels, m = p.outputChannels, g = p.groups
        let k = cg * kernelCount
        let direct = win.isPointwise && g == 1
        let col = direct ? nil : UnsafeMutablePointer<T>.allocate(capacity: max(1, k * outCount))
        defer { col?.deallocate() }
        let scratch = g > 1 ? UnsafeMutablePointer<T>.allocate(capacity: max(1, outCount * mg)) : nil
        defer { scratch?.deallocate() }
        for n in 0..<p.batch {
            let xn = x + n * inCount * c, yn = y + n * outCount * m
            for gi in 0..<g {
                if let col { im2colChannelsLast(win, channels: c, first: gi * cg, count: cg, x: xn, col: col) }
                let a = col.map { UnsafePointer($0) } ?? xn
                let wg = w + gi * mg * k
                if let scratch {
                    // [P, mg] into scratch, then scattered into the group's channels.
                    T.gemm(m: outCount, n: mg, k: k, alpha: 1, a: a, transposeA: false, b: wg, transposeB: true, beta: 0, c: scratch)
                    for q in 0..<outCount {
                        for j in 0..<mg { yn[q * m + gi * mg + j] = scratch[q * mg + j] + (bias?[gi * mg + j] ?? 0) }
                    }
                } else {
                    var beta: T = 0
                    if let bias {
                        for q in 0..<outCount { (yn + q * m).update(from: bias, count: m) }
                        beta = 1
                    }
                    // y_n[P, M] = col[P, K·C] · W^T, W = [M, K·C]
                    T.gemm(m: outCount, n: m, k: k, alpha: 1, a: a, transposeA: false, b: wg, transposeB: true, beta: beta, c: yn)
                }
            }
        }
    }

    /// `col[(od, oh, ow), (kd, kh, kw, c)]` for channels `first ..< first + count` of `x`
    /// (`[in…, channels]`).
    static func im2colChannelsLast<T: BLASFloat>(_ win: SpatialWindow, channels: Int, first: Int, count: Int,
                                                 x: UnsafePointer<T>, col: UnsafeMutablePointer<T>) {
        let (ID, IH, IW) = (win.input[0], win.input[1], win.input[2])
        let (KD, KH, KW) = (win.kernel[0], win.kernel[1], win.kernel[2])
        let (OD, OH, OW) = (win.output[0], win.output[1], win.output[2])
        let (SD, SH, SW) = (win.strides[0], win.strides[1], win.strides[2])
        let (DD, DH, DW) = (win.dilations[0], win.dilations[1], win.dilations[2])
        let (PD, PH, PW) = (win.padsBegin[0], win.padsBegin[1], win.padsBegin[2])
        var dst = col
        for od in 0..<OD {
            for oh in 0..<OH {
                for ow in 0..<OW {
                    for kd in 0..<KD {
                        let id = od * SD + kd * DD - PD
                        for kh in 0..<KH {
                            let ih = oh * SH + kh * DH - PH
                            for kw in 0..<KW {
                                let iw = ow * SW + kw * DW - PW
                                if id < 0 || id >= ID || ih < 0 || ih >= IH || iw < 0 || iw >= IW {
                                    dst.update(repeating: 0, count: count)
                                } else {
                                    dst.update(from: x + ((id * IH + ih) * IW + iw) * channels + first, count: count)
                                }
                                dst += count
                            }
                        }
                    }
                }
            }
        }
    }

    // MARK: Depthwise

    /// One input channel per group: output channel `m` reads input channel `m / multiplier`.
    static func depthwiseChannelsFirst<T: BLASFloat>(_ p: ConvolutionParameters, _ win: SpatialWindow, _ multiplier: Int,
                                                     _ x: UnsafePointer<T>, _ w: UnsafePointer<T>, _ bias: UnsafePointer<T>?,
                                                     _ y: UnsafeMutablePointer<T>) {
        let (ID, IH, IW) = (win.input[0], win.input[1], win.input[2])
        let (KD, KH, KW) = (win.kernel[0], win.kernel[1], win.kernel[2])
        let (OD, OH, OW) = (win.output[0], win.output[1], win.output[2])
        let (SD, SH, SW) = (win.strides[0], win.strides[1], win.strides[2])
        let (DD, DH, DW) = (win.dilations[0], win.dilations[1], win.dilations[2])
        let (PD, PH, PW) = (win.padsBegin[0], win.padsBegin[1], win.padsBegin[2])
        let inPlane = ID * IH * IW, outPlane = OD * OH * OW, taps = KD * KH * KW
        let m = p.outputChannels
        // Output columns each kernel column reads inside the input.
        let columns = (0..<KW).map { validRange(count: OW, stride: SW, offset: $0 * DW - PW, size: IW) }
        if KD == 1 && ID == 1 && OD == 1 {
            depthwise2DChannelsFirst(p, win, multiplier, x, w, bias, y)
            return
        }
        // Strided windows read every SW-th input column. Each input plane is split once into SW
        // phase planes (phase r holds columns r, r + SW, …), so tap kw reads phase
        // (kw·DW − PW) mod SW contiguously from a fixed offset and the row loop stays unit-stride.
        let phaseWidth = (IW + SW - 1) / SW
        let phases = SW > 1 ? UnsafeMutablePointer<T>.allocate(capacity: SW * ID * IH * phaseWidth) : nil
        defer { phases?.deallocate() }
        // Per kernel column: the phase it reads and its column offset in that phase.
        let taps2D = (0..<KW).map { kw -> (phase: Int, shift: Int) in
            let off = kw * DW - PW
            let r = ((off % SW) + SW) % SW
            return (r, (off - r) / SW)
        }
        var phasedChannel = -1
        for n in 0..<p.batch {
            for oc in 0..<m {
                let ic = n * p.inputChannels + oc / multiplier
                let xc = x + ic * inPlane
                let yc = y + (n * m + oc) * outPlane
                let wc = w + oc * taps
                let b = bias?[oc]
                if let phases, phasedChannel != ic {
                    for row in 0..<(ID * IH) {
                        let src = xc + row * IW
                        for r in 0..<SW {
                            let dst = phases + (r * ID * IH + row) * phaseWidth
                            var j = 0, i = r
                            while i < IW { dst[j] = src[i]; j &+= 1; i &+= SW }
                        }
                    }
                    phasedChannel = ic
                }
                // Row by row (the output row stays in L1), taps in kernel order, bias last.
                for od in 0..<OD {
                    for oh in 0..<OH {
                        let dst = yc + (od * OH + oh) * OW
                        dst.update(repeating: 0, count: OW)
                        for kd in 0..<KD {
                            let id = od * SD + kd * DD - PD
                            if id < 0 || id >= ID { continue }
                            for kh in 0..<KH {
                                let ih = oh * SH + kh * DH - PH
                                if ih < 0 || ih >= IH { continue }
                                let row = id * IH + ih
                                for kw in 0..<KW {
                                    let weight = wc[(kd * KH + kh) * KW + kw]
                                    let ow = columns[kw]
                                    if ow.isEmpty { continue }
                                    let src: UnsafePointer<T>
                                    if let phases {
                                        let tap = taps2D[kw]
                                        src = UnsafePointer(phases + (tap.phase * ID * IH + row) * phaseWidth + tap.shift)
                                    } else {
                                        src = xc + row * IW + (kw * DW - PW)
                                    }
                                    for o in ow { dst[o] += weight * src[o] }
                                }
                            }
                        }
                        if let b { for o in 0..<OW { dst[o] += b } }
                    }
                }
            }
        }
    }

    /// Depthwise convolution over 1-D and 2-D windows (channels first), as ONNX defines it: over
    /// the zero-padded input, so every output is 0, plus the product of every tap in kernel order
    /// (padding contributes weight·0), plus the bias. Each channel is copied once into a
    /// zero-padded plane (strided windows: split into phase planes, phase r holding columns
    /// r, r + SW, …), so every tap of an output row reads one contiguous run. Rows are
    /// register-blocked: a block of output columns keeps its sums in vector registers across all
    /// taps and is stored once (float32 in `VectorKernels.depthwiseRow`, AVX2 where the CPU has
    /// it; float64 in `SIMD8<Double>`).
    static func depthwise2DChannelsFirst<T: BLASFloat>(_ p: ConvolutionParameters, _ win: SpatialWindow, _ multiplier: Int,
                                                       _ x: UnsafePointer<T>, _ w: UnsafePointer<T>, _ bias: UnsafePointer<T>?,
                                                       _ y: UnsafeMutablePointer<T>) {
        let (IH, IW) = (win.input[1], win.input[2])
        let (KH, KW) = (win.kernel[1], win.kernel[2])
        let (OH, OW) = (win.output[1], win.output[2])
        let (SH, SW) = (win.strides[1], win.strides[2])
        let (DH, DW) = (win.dilations[1], win.dilations[2])
        let (PH, PW) = (win.padsBegin[1], win.padsBegin[2])
        let inPlane = IH * IW, outPlane = OH * OW, taps = KH * KW
        let m = p.outputChannels
        // The padded plane the windows reach: row r, column c hold x[r − PH][c − PW] or 0.
        let rowsP = (OH - 1) * SH + (KH - 1) * DH + 1, colsP = (OW - 1) * SW + (KW - 1) * DW + 1
        let direct = PH == 0 && PW == 0 && SW == 1 && colsP == IW && rowsP <= IH
        let padded = direct ? nil : UnsafeMutablePointer<T>.allocate(capacity: rowsP * colsP)
        defer { padded?.deallocate() }
        // Zeroed once: every channel writes the same interior positions, the border stays zero.
        padded?.initialize(repeating: 0, count: rowsP * colsP)
        let phaseWidth = (colsP + SW - 1) / SW
        let phases = SW > 1 ? UnsafeMutablePointer<T>.allocate(capacity: SW * rowsP * phaseWidth) : nil
        defer { phases?.deallocate() }
        // Per kernel column: the phase plane it reads and its column shift there.
        let shifts = (0..<KW).map { kw in ((kw * DW) % SW, (kw * DW) / SW) }
        let sources = UnsafeMutablePointer<UnsafePointer<T>>.allocate(capacity: max(1, taps))
        defer { sources.deallocate() }
        typealias V = SIMD8<T>
        for n in 0..<p.batch {
            for oc in 0..<m {
                let xc = x + (n * p.inputChannels + oc / multiplier) * inPlane
                let yc = y + (n * m + oc) * outPlane
                let wc = w + oc * taps
                let b = bias?[oc]
                if oc % multiplier == 0 {
                    if let padded {
                        let first = min(max(PW, 0), colsP), last = min(max(IW + PW, first), colsP)
                        for r in max(0, PH)..<min(rowsP, IH + PH) where last > first {
                            (padded + r * colsP + first).update(from: xc + (r - PH) * IW + (first - PW), count: last - first)
                        }
                    }
                    if let phases {
                        let plane = padded.map { UnsafePointer($0) } ?? xc
                        for row in 0..<rowsP {
                            let src = plane + row * colsP
                            var done = 0
                            if SW == 2 {
                                // 16 columns at a time into 8 even and 8 odd ones.
                                let even = phases + row * phaseWidth, odd = phases + (rowsP + row) * phaseWidth
                                while 2 * done + 16 <= colsP {
                                    let v = UnsafeRawPointer(src + 2 * done).loadUnaligned(as: SIMD16<T>.self)
                                    UnsafeMutableRawPointer(even + done).storeBytes(of: v.evenHalf, as: SIMD8<T>.self)
                                    UnsafeMutableRawPointer(odd + done).storeBytes(of: v.oddHalf, as: SIMD8<T>.self)
                                    done += 8
                                }
                            }
                            for r in 0..<SW {
                                let dst = phases + (r * rowsP + row) * phaseWidth
                                var j = done, i = done * SW + r
                                while i < colsP { dst[j] = src[i]; j &+= 1; i &+= SW }
                            }
                        }
                    }
                }
                let plane = padded.map { UnsafePointer($0) } ?? xc
                let pitch = direct ? IW : colsP
                if T.self == Float.self {
                    // All rows of the channel in one call: tap t of row oh reads base[t] + oh · stride.
                    var t = 0
                    for kh in 0..<KH {
                        for kw in 0..<KW {
                            if let phases {
                                sources[t] = UnsafePointer(phases + (shifts[kw].0 * rowsP + kh * DH) * phaseWidth + shifts[kw].1)
                            } else {
                                sources[t] = plane + kh * DH * pitch + kw * DW
                            }
                            t += 1
                        }
                    }
                    VectorKernels.depthwiseRows(
                        bases: UnsafeRawPointer(sources).assumingMemoryBound(to: UnsafePointer<Float>.self),
                        rowStride: SH * (phases == nil ? pitch : phaseWidth),
                        weights: UnsafeRawPointer(wc).assumingMemoryBound(to: Float.self), count: taps,
                        out: UnsafeMutableRawPointer(yc).assumingMemoryBound(to: Float.self), rows: OH, width: OW,
                        bias: b.map { unsafeBitCast($0, to: Float.self) })
                    continue
                }
                for oh in 0..<OH {
                    var t = 0
                    for kh in 0..<KH {
                        let row = oh * SH + kh * DH
                        for kw in 0..<KW {
                            if let phases {
                                sources[t] = UnsafePointer(phases + (shifts[kw].0 * rowsP + row) * phaseWidth + shifts[kw].1)
                            } else {
                                sources[t] = plane + row * pitch + kw * DW
                            }
                            t += 1
                        }
                    }
                    let dst = yc + oh * OW
                    if T.self == Float.self {
                        VectorKernels.depthwiseRow(
                            sources: UnsafeRawPointer(sources).assumingMemoryBound(to: UnsafePointer<Float>.self),
                            weights: UnsafeRawPointer(wc).assumingMemoryBound(to: Float.self), count: taps,
                            out: UnsafeMutableRawPointer(dst).assumingMemoryBound(to: Float.self), range: 0..<OW,
                            bias: b.map { unsafeBitCast($0, to: Float.self) })
                        continue
                    }
                    var o = 0
                    while o + V.scalarCount <= OW {
                        var acc = V(repeating: 0)
                        for t in 0..<taps {
                            acc += V(repeating: wc[t]) * UnsafeRawPointer(sources[t] + o).loadUnaligned(as: V.self)
                        }
                        if let b { acc += V(repeating: b) }
                        UnsafeMutableRawPointer(dst + o).storeBytes(of: acc, as: V.self)
                        o += V.scalarCount
                    }
                    while o < OW {
                        var sum: T = 0
                        for t in 0..<taps { sum += wc[t] * sources[t][o] }
                        dst[o] = b.map { sum + $0 } ?? sum
                        o += 1
                    }
                }
            }
        }
    }

    static func depthwiseChannelsLast<T: BLASFloat>(_ p: ConvolutionParameters, _ win: SpatialWindow, _ multiplier: Int,
                                                    _ x: UnsafePointer<T>, _ w: UnsafePointer<T>, _ bias: UnsafePointer<T>?,
                                                    _ y: UnsafeMutablePointer<T>) {
        let (ID, IH, IW) = (win.input[0], win.input[1], win.input[2])
        let (KD, KH, KW) = (win.kernel[0], win.kernel[1], win.kernel[2])
        let (OD, OH, OW) = (win.output[0], win.output[1], win.output[2])
        let (SD, SH, SW) = (win.strides[0], win.strides[1], win.strides[2])
        let (DD, DH, DW) = (win.dilations[0], win.dilations[1], win.dilations[2])
        let (PD, PH, PW) = (win.padsBegin[0], win.padsBegin[1], win.padsBegin[2])
        let c = p.inputChannels, m = p.outputChannels, taps = KD * KH * KW
        // Weights [M, taps] → [taps, M] so the channel loop is contiguous.
        let wt = UnsafeMutablePointer<T>.allocate(capacity: max(1, taps * m))
        defer { wt.deallocate() }
        for oc in 0..<m { for t in 0..<taps { wt[t * m + oc] = w[oc * taps + t] } }
        for n in 0..<p.batch {
            let xn = x + n * win.inputCount * c
            var dst = y + n * win.outputCount * m
            for od in 0..<OD {
                for oh in 0..<OH {
                    for ow in 0..<OW {
                        dst.update(repeating: 0, count: m)
                        for kd in 0..<KD {
                            let id = od * SD + kd * DD - PD
                            if id < 0 || id >= ID { continue }
                            for kh in 0..<KH {
                                let ih = oh * SH + kh * DH - PH
                                if ih < 0 || ih >= IH { continue }
                                for kw in 0..<KW {
                                    let iw = ow * SW + kw * DW - PW
                                    if iw < 0 || iw >= IW { continue }
                                    let src = xn + ((id * IH + ih) * IW + iw) * c
                                    let wk = wt + ((kd * KH + kh) * KW + kw) * m
                                    if multiplier == 1 {
                                        for j in 0..<m { dst[j] += wk[j] * src[j] }
                                    } else {
                                        for j in 0..<m { dst[j] += wk[j] * src[j / multiplier] }
                                    }
                                }
                            }
                        }
                        if let bias { for j in 0..<m { dst[j] += bias[j] } }
                        dst += m
                    }
                }
            }
        }
    }

    // MARK: col2im (transposed convolution)

    /// Adds `col[(c, kd, kh, kw), (id, ih, iw)]` into `y[c, od, oh, ow]` where the window maps
    /// output position `o` and tap `k` to `o * stride - pad + k * dilation` (positions outside
    /// `y` are dropped).
    static func col2imChannelsFirst<T: BLASFloat>(_ win: SpatialWindow, channels: Int, col: UnsafePointer<T>, y: UnsafeMutablePointer<T>) {
        // Here win.input is the ConvTranspose output (`y`) and win.output its input.
        let (YD, YH, YW) = (win.input[0], win.input[1], win.input[2])
        let (KD, KH, KW) = (win.kernel[0], win.kernel[1], win.kernel[2])
        let (XD, XH, XW) = (win.output[0], win.output[1], win.output[2])
        let (SD, SH, SW) = (win.strides[0], win.strides[1], win.strides[2])
        let (DD, DH, DW) = (win.dilations[0], win.dilations[1], win.dilations[2])
        let (PD, PH, PW) = (win.padsBegin[0], win.padsBegin[1], win.padsBegin[2])
        let yPlane = YD * YH * YW, xCount = XD * XH * XW
        var row = col
        for c in 0..<channels {
            let yc = y + c * yPlane
            for kd in 0..<KD {
                for kh in 0..<KH {
                    for kw in 0..<KW {
                        let offW = kw * DW - PW
                        let xw = validRange(count: XW, stride: SW, offset: offW, size: YW)
                        if !xw.isEmpty {
                            for xd in 0..<XD {
                                let yd = xd * SD + kd * DD - PD
                                if yd < 0 || yd >= YD { continue }
                                for xh in 0..<XH {
                                    let yh = xh * SH + kh * DH - PH
                                    if yh < 0 || yh >= YH { continue }
                                    let src = row + (xd * XH + xh) * XW
                                    let dst = yc + (yd * YH + yh) * YW + offW
                                    for o in xw { dst[o * SW] += src[o] }
                                }
                            }
                        }
                        row += xCount
                    }
                }
            }
        }
    }

    /// Adds `col[(xd, xh, xw), (c, kd, kh, kw)]` into `y[od, oh, ow, c]`.
    static func col2imChannelsLast<T: BLASFloat>(_ win: SpatialWindow, channels: Int, col: UnsafePointer<T>, y: UnsafeMutablePointer<T>) {
        let (YD, YH, YW) = (win.input[0], win.input[1], win.input[2])
        let (KD, KH, KW) = (win.kernel[0], win.kernel[1], win.kernel[2])
        let (XD, XH, XW) = (win.output[0], win.output[1], win.output[2])
        let (SD, SH, SW) = (win.strides[0], win.strides[1], win.strides[2])
        let (DD, DH, DW) = (win.dilations[0], win.dilations[1], win.dilations[2])
        let (PD, PH, PW) = (win.padsBegin[0], win.padsBegin[1], win.padsBegin[2])
        let taps = KD * KH * KW
        var src = col
        for xd in 0..<XD {
            for xh in 0..<XH {
                for xw in 0..<XW {
                    for kd in 0..<KD {
                        let yd = xd * SD + kd * DD - PD
                        if yd < 0 || yd >= YD { continue }
                        for kh in 0..<KH {
                            let yh = xh * SH + kh * DH - PH
                            if yh < 0 || yh >= YH { continue }
                            for kw in 0..<KW {
                                let yw = xw * SW + kw * DW - PW
                                if yw < 0 || yw >= YW { continue }
                                let tap = (kd * KH + kh) * KW + kw
                                let dst = y + ((yd * YH + yh) * YW + yw) * channels
                                for c in 0..<channels { dst[c] += src[c * taps + tap] }
                            }
                        }
                    }
                    src += channels * taps
                }
            }
        }
    }
}

/// Convolution weights `[M, C/group, k…]` packed per group for `PackedMatrix` (group g: the
/// `[M/group, C/group · k…]` matrix of its output channels), once per session.
public final class ConvolutionWeights: @unchecked Sendable {
    public let groups: [PackedMatrix]

    /// Packs row-major float32 weights of `groups` groups, each `rows × columns`.
    public init(_ w: UnsafePointer<Float>, groups: Int, rows: Int, columns: Int) {
        self.groups = (0..<groups).map { g in PackedMatrix(w + g * rows * columns, rows: rows, columns: columns, rowStride: columns) }
    }

    /// Packs a constant float32 weight tensor `[M, C/group, k…]`, or nil when it is not one.
    public convenience init?(_ w: Tensor, groups: Int) {
        guard w.dtype == .float32, w.rank >= 3, groups >= 1, w.count > 0, w.shape[0] % groups == 0 else { return nil }
        let rows = w.shape[0] / groups, columns = w.count / w.shape[0]
        guard let packed = try? w.withElements(as: Float.self, { buffer in
            (0..<groups).map { g in
                PackedMatrix(buffer.baseAddress! + g * rows * columns, rows: rows, columns: columns, rowStride: columns)
            }
        }) else { return nil }
        self.init(groups: packed)
    }

    init(groups: [PackedMatrix]) { self.groups = groups }

    func matches(groups: Int, rows: Int, columns: Int) -> Bool {
        self.groups.count == groups && self.groups.allSatisfy { $0.rows == rows && $0.columns == columns }
    }
}
