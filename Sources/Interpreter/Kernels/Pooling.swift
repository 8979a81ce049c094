/// Shape parameters of one pooling operation.
public struct PoolingParameters: Sendable, Equatable {
    public var layout: ActivationLayout
    public var batch: Int
    public var channels: Int
    public var window: SpatialWindow

    public init(layout: ActivationLayout, batch: Int, channels: Int, window: SpatialWindow) {
        self.layout = layout
        self.batch = batch
        self.channels = channels
        self.window = window
    }
}

/// Pooling kernels shared by the ONNX and TFLite ops (max, average, Lp; windowed and global),
/// for 1-, 2- and 3-D spatial inputs in either layout.
///
/// Window positions come from `SpatialWindow` (`Padding.forward`: pads, strides, dilations,
/// `ceil_mode`, `auto_pad`). Padding never contributes a value; average pooling divides by the
/// number of real positions, or with `countIncludePad` by the positions inside the declared
/// padding (the extra room `ceil_mode` adds is never counted). A window without any position to
/// count gives NaN (0 / 0, as ONNX Runtime); a max window without real positions gives `lowest`.
///
/// Max pooling propagates NaN: a window containing NaN yields NaN (as numpy and PyTorch;
/// ONNX Runtime's CPU kernel skips NaN instead). The index output names the first maximum in
/// window order.
public enum Pooling {
    // MARK: Max

    /// Max pooling. `indices`, when given (channels first only), receives for each output the
    /// flat index of its maximum in `x` (`[N, C, spatial…]`), spatial part row-major or, with
    /// `columnMajorIndices`, column-major (ONNX MaxPool `storage_order = 1`).
    public static func max<T: TensorScalar>(_ p: PoolingParameters, x: UnsafePointer<T>, y: UnsafeMutablePointer<T>,
                                            lowest: T, indices: UnsafeMutablePointer<Int64>? = nil,
                                            columnMajorIndices: Bool = false) throws {
        try check(p.window)
        let win = p.window.expanded(toRank: 3)
        let (ID, IH, IW) = (win.input[0], win.input[1], win.input[2])
        let (KD, KH, KW) = (win.kernel[0], win.kernel[1], win.kernel[2])
        let (OD, OH, OW) = (win.output[0], win.output[1], win.output[2])
        let (SD, SH, SW) = (win.strides[0], win.strides[1], win.strides[2])
        let (DD, DH, DW) = (win.dilations[0], win.dilations[1], win.dilations[2])
        let (PD, PH, PW) = (win.padsBegin[0], win.padsBegin[1], win.padsBegin[2])
        let inPlane = win.inputCount, outPlane = win.outputCount
        let c = p.channels
        switch p.layout {
        case .channelsFirst:
            // Spatial strides of the index output (row-major, or column-major over the original rank).
            var indexStride = (IH * IW, IW, 1)
            if columnMajorIndices {
                let original = p.window.rank
                indexStride = original == 3 ? (1, ID, ID * IH) : original == 2 ? (0, 1, IH) : (0, 0, 1)
            }
            for plane in 0..<(p.batch * c) {
                let xc = x + plane * inPlane
                let yc = y + plane * outPlane
                var o = 0
                for od in 0..<OD {
                    for oh in 0..<OH {
                        for ow in 0..<OW {
                            var best = lowest
                            var bestAt = -1
                            var nan = false
                            for kd in 0..<KD {
                                let id = od * SD + kd * DD - PD
                                if id < 0 || id >= ID { continue }
                                for kh in 0..<KH {
                                    let ih = oh * SH + kh * DH - PH
                                    if ih < 0 || ih >= IH { continue }
                                    for kw in 0..<KW {
                                        let iw = ow * SW + kw * DW - PW
                                        if iw < 0 || iw >= IW { continue }
                                        let v = xc[(id * IH + ih) * IW + iw]
                                        if v != v {
                                            if !nan { nan = true; best = v; bestAt = id * indexStride.0 + ih * indexStride.1 + iw * indexStride.2 }
                                        } else if !nan && (bestAt < 0 || v > best) {
                                            best = v
                                            bestAt = id * indexStride.0 + ih * indexStride.1 + iw * indexStride.2
                                        }
                                    }
                                }
                            }
                            yc[o] = best
                            indices?[plane * outPlane + o] = Int64(plane * inPlane + Swift.max(bestAt, 0))
                            o += 1
                        }
                    }
                }
            }
        case .channelsLast:
            guard indices == nil else { throw KernelError("max pooling indices need the channels-first layout", unsupported: true) }
            let found = UnsafeMutablePointer<UInt8>.allocate(capacity: Swift.max(1, c))
            defer { found.deallocate() }
            for n in 0..<p.batch {
                let xn = x + n * inPlane * c
                var dst = y + n * outPlane * c
                for od in 0..<OD {
                    for oh in 0..<OH {
                        for ow in 0..<OW {
                            dst.update(repeating: lowest, count: c)
                            found.update(repeating: 0, count: c)  // 0 none yet, 1 value, 2 NaN
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
                                        for j in 0..<c {
                                            let v = src[j]
                                            if found[j] == 2 { continue }
                                            if v != v { dst[j] = v; found[j] = 2 } else if found[j] == 0 || v > dst[j] { dst[j] = v; found[j] = 1 }
                                        }
                                    }
                                }
                            }
                            dst += c
                        }
                    }
                }
            }
        }
    }

    // MARK: Average and Lp

    /// Average pooling (float accumulation in `T`, as runtimes do for small windows).
    public static func average<T: BLASFloat>(_ p: PoolingParameters, x: UnsafePointer<T>, y: UnsafeMutablePointer<T>,
                                             countIncludePad: Bool) throws {
        try check(p.window)
        try windowed(p, x: x, y: y, countIncludePad: countIncludePad, map: { $0 }, finish: { sum, count in sum / T(count) })
    }

    /// Lp pooling: `(Σ |x|^p)^(1/p)` over the real positions of each window.
    public static func lp<T: BLASFloat>(_ p: PoolingParameters, x: UnsafePointer<T>, y: UnsafeMutablePointer<T>, power: T) throws {
        try check(p.window)
        if power == 1 {
            try windowed(p, x: x, y: y, countIncludePad: false, map: { Swift.abs($0) }, finish: { sum, _ in sum })
        } else if power == 2 {
            try windowed(p, x: x, y: y, countIncludePad: false, map: { $0 * $0 }, finish: { sum, _ in sum.squareRoot() })
        } else {
            let inverse = 1 / power
            try windowed(p, x: x, y: y, countIncludePad: false, map: { T.pow(Swift.abs($0), power) }, finish: { sum, _ in T.pow(sum, inverse) })
        }
    }

    /// Sums `map(x)` over each window's real positions; `finish(sum, count)` gives the output,
    /// `count` being the positions counted (see the type's documentation).
    @inline(__always)
    static func windowed<T: BLASFloat>(_ p: PoolingParameters, x: UnsafePointer<T>, y: UnsafeMutablePointer<T>, countIncludePad: Bool,
                                       map: (T) -> T, finish: (T, Int) -> T) throws {
        let win = p.window.expanded(toRank: 3)
        let (ID, IH, IW) = (win.input[0], win.input[1], win.input[2])
        let (KD, KH, KW) = (win.kernel[0], win.kernel[1], win.kernel[2])
        let (OD, OH, OW) = (win.output[0], win.output[1], win.output[2])
        let (SD, SH, SW) = (win.strides[0], win.strides[1], win.strides[2])
        let (DD, DH, DW) = (win.dilations[0], win.dilations[1], win.dilations[2])
        let (PD, PH, PW) = (win.padsBegin[0], win.padsBegin[1], win.padsBegin[2])
        let (ED, EH, EW) = (win.padsEnd[0], win.padsEnd[1], win.padsEnd[2])
        let inPlane = win.inputCount, outPlane = win.outputCount
        let c = p.channels
        // Positions counted per dimension and output index.
        func counts(_ out: Int, _ k: Int, _ s: Int, _ d: Int, _ pad: Int, _ end: Int, _ size: Int) -> [Int] {
            (0..<out).map { o in
                (0..<k).filter { t in
                    let i = o * s + t * d - pad
                    return countIncludePad ? (i >= -pad && i < size + end) : (i >= 0 && i < size)
                }.count
            }
        }
        let cd = counts(OD, KD, SD, DD, PD, ED, ID), ch = counts(OH, KH, SH, DH, PH, EH, IH), cw = counts(OW, KW, SW, DW, PW, EW, IW)
        // No window reaches outside the input (no padding, no ceil_mode overhang): the same sums
        // in the same order without the bounds tests.
        let inside = PD == 0 && PH == 0 && PW == 0 && OD > 0 && OH > 0 && OW > 0
            && (OD - 1) * SD + (KD - 1) * DD < ID && (OH - 1) * SH + (KH - 1) * DH < IH && (OW - 1) * SW + (KW - 1) * DW < IW
        switch p.layout {
        case .channelsFirst where inside:
            let count = KD * KH * KW
            for plane in 0..<(p.batch * c) {
                let xc = x + plane * inPlane
                var dst = y + plane * outPlane
                for od in 0..<OD {
                    for oh in 0..<OH {
                        for ow in 0..<OW {
                            var sum: T = 0
                            for kd in 0..<KD {
                                for kh in 0..<KH {
                                    let row = xc + ((od * SD + kd * DD) * IH + oh * SH + kh * DH) * IW + ow * SW
                                    for kw in 0..<KW { sum += map(row[kw * DW]) }
                                }
                            }
                            dst.pointee = finish(sum, count)
                            dst += 1
                        }
                    }
                }
            }
        case .channelsFirst:
            for plane in 0..<(p.batch * c) {
                let xc = x + plane * inPlane
                var dst = y + plane * outPlane
                for od in 0..<OD {
                    for oh in 0..<OH {
                        for ow in 0..<OW {
                            var sum: T = 0
                            for kd in 0..<KD {
                                let id = od * SD + kd * DD - PD
                                if id < 0 || id >= ID { continue }
                                for kh in 0..<KH {
                                    let ih = oh * SH + kh * DH - PH
                                    if ih < 0 || ih >= IH { continue }
                                    let row = xc + (id * IH + ih) * IW
                                    for kw in 0..<KW {
                                        let iw = ow * SW + kw * DW - PW
                                        if iw < 0 || iw >= IW { continue }
                                        sum += map(row[iw])
                                    }
                                }
                            }
                            dst.pointee = finish(sum, cd[od] * ch[oh] * cw[ow])
                            dst += 1
                        }
                    }
                }
            }
        case .channelsLast:
            for n in 0..<p.batch {
                let xn = x + n * inPlane * c
                var dst = y + n * outPlane * c
                for od in 0..<OD {
                    for oh in 0..<OH {
                        for ow in 0..<OW {
                            dst.update(repeating: 0, count: c)
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
                                        for j in 0..<c { dst[j] += map(src[j]) }
                                    }
                                }
                            }
                            let count = cd[od] * ch[oh] * cw[ow]
                            for j in 0..<c { dst[j] = finish(dst[j], count) }
                            dst += c
                        }
                    }
                }
            }
        }
    }

    // MARK: Global

    /// Global pooling over all spatial positions of each (n, c): average, max or Lp. `spatial` is
    /// the number of spatial positions. Sums of float32 accumulate in float64 (large planes).
    public enum GlobalKind: Sendable, Equatable {
        case average
        case max
        case lp(Double)
    }

    public static func global<T: BLASFloat>(_ kind: GlobalKind, layout: ActivationLayout, batch: Int, channels: Int, spatial: Int,
                                            x: UnsafePointer<T>, y: UnsafeMutablePointer<T>) {
        let c = channels
        switch layout {
        case .channelsFirst:
            var plane = 0
            if kind == .average {
                // Eight planes at a time: eight independent sums, each still in order from 0.
                while plane + 8 <= batch * c {
                    averagePlanes8(x + plane * spatial, spatial: spatial, y + plane)
                    plane += 8
                }
            }
            while plane < batch * c {
                let src = x + plane * spatial
                y[plane] = reducePlane(kind, count: spatial) { src[$0] }
                plane += 1
            }
        case .channelsLast:
            for n in 0..<batch {
                for j in 0..<c {
                    let src = x + n * spatial * c + j
                    y[n * c + j] = reducePlane(kind, count: spatial) { src[$0 * c] }
                }
            }
        }
    }

    /// The averages of eight consecutive planes, each summed in float64 in order, exactly as
    /// `reducePlane(.average, …)` sums one plane; the eight chains run side by side.
    static func averagePlanes8<T: BLASFloat>(_ x: UnsafePointer<T>, spatial: Int, _ y: UnsafeMutablePointer<T>) {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0, s5 = 0.0, s6 = 0.0, s7 = 0.0
        let n = spatial
        for i in 0..<n {
            s0 += x[i].doubleValue
            s1 += x[n + i].doubleValue
            s2 += x[2 * n + i].doubleValue
            s3 += x[3 * n + i].doubleValue
            s4 += x[4 * n + i].doubleValue
            s5 += x[5 * n + i].doubleValue
            s6 += x[6 * n + i].doubleValue
            s7 += x[7 * n + i].doubleValue
        }
        let count = Double(n)
        y[0] = T(clampingDouble: s0 / count); y[1] = T(clampingDouble: s1 / count)
        y[2] = T(clampingDouble: s2 / count); y[3] = T(clampingDouble: s3 / count)
        y[4] = T(clampingDouble: s4 / count); y[5] = T(clampingDouble: s5 / count)
        y[6] = T(clampingDouble: s6 / count); y[7] = T(clampingDouble: s7 / count)
    }

    @inline(__always)
    static func reducePlane<T: BLASFloat>(_ kind: GlobalKind, count: Int, _ value: (Int) -> T) -> T {
        switch kind {
        case .average:
            var sum = 0.0
            for i in 0..<count { sum += value(i).doubleValue }
            return T(clampingDouble: sum / Double(count))
        case .max:
            if count == 0 { return -T.infinity }
            var best = value(0)
            if best.isNaN { return best }
            for i in 1..<Swift.max(count, 1) {
                let v = value(i)
                if v.isNaN { return v }
                if v > best { best = v }
            }
            return best
        case .lp(let p):
            var sum = 0.0
            if p == 2 {
                for i in 0..<count { let v = value(i).doubleValue; sum += v * v }
                return T(clampingDouble: sum.squareRoot())
            }
            for i in 0..<count { sum += Swift.abs(value(i).doubleValue).power(p) }
            return T(clampingDouble: sum.power(1 / p))
        }
    }

    static func check(_ window: SpatialWindow) throws {
        guard window.rank >= 1, window.rank <= Convolution.maximumSpatialRank else {
            throw KernelError("pooling over \(window.rank) spatial dimensions is not supported (1 to \(Convolution.maximumSpatialRank))", unsupported: true)
        }
    }
}

extension Double {
    /// `pow(self, y)` through `BLASFloat` (keeps call sites free of libm imports).
    @inline(__always) fileprivate func power(_ y: Double) -> Double { Double.pow(self, y) }
}
