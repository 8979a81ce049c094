import LockstepCore

/// RESIZE_BILINEAR (versions 1–4), float: NHWC input resized to `size` (int32 `[new_height,
/// new_width]`) as `reference_ops::ResizeBilinear` computes it (LiteRT
/// `tflite/kernels/internal/reference/resize_bilinear.h`): per axis the float32 scale
/// `in / out` (`(in - 1) / (out - 1)` with `align_corners`), the source coordinate `o · scale` or
/// with `half_pixel_centers` `(o + 0.5) · scale - 0.5`, neighbours `max(floor, 0)` and
/// `min(ceil, in - 1)`, and the four products summed in TFLite's order. int8 / int16 (input and
/// output share their quantisation) as `reference_ops::ResizeBilinearInteger`: scales and
/// coordinates in 10-bit fixed point, the four weighted codes summed in int64 and divided by 2^20
/// rounding half away from zero (the double-rounding build's form). uint8 as the
/// float template `reference_ops::ResizeBilinear<uint8_t>` that `resize_bilinear.cc` runs for it:
/// the float32 interpolation of the codes plus 0.5, truncated.
struct TFLiteResizeBilinear: Kernel {
    static let registration = TFLiteOps.op("RESIZE_BILINEAR") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        let a = context.attributes
        let align = try a.int("align_corners", default: 0) != 0, half = try a.int("half_pixel_centers", default: 0) != 0
        guard !(align && half) else { throw KernelError("align_corners and half_pixel_centers cannot both be set") }
        return TFLiteResizeBilinear(alignCorners: align, halfPixelCenters: half)
    }

    let alignCorners: Bool
    let halfPixelCenters: Bool

    func geometry(_ inputs: [Value?]) throws -> (Tensor, [Int]) {
        let (x, s) = try Inputs.two(inputs)
        if x.dtype != .int8 && x.dtype != .int16 && x.dtype != .uint8 { try TFLiteSupport.requireFloat(x, "input") }
        try TFLiteSupport.requireRank(x, "input", 4)
        let size = try TFLiteSupport.integers(s, "size")
        guard size.count == 2, size.allSatisfy({ $0 > 0 }) else { throw KernelError("size must hold two positive sizes, found \(size)") }
        let shape = [x.shape[0], size[0], size[1], x.shape[3]]
        try DataMovement.checkedCount(shape)
        return (x, shape)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (x, shape) = try geometry(inputs)
        return [TensorInfo(dtype: x.dtype, shape: shape)]
    }

    /// Source coordinate and neighbours of output index `o` along one axis.
    static func interpolation(_ o: Int, scale: Float, half: Bool, inputSize: Int) -> (Float, Int, Int) {
        let v = half ? (Float(o) + 0.5) * scale - 0.5 : Float(o) * scale
        let lower = max(Int(v.rounded(.down)), 0)
        let upper = min(Int(v.rounded(.up)), inputSize - 1)
        return (v, lower, upper)
    }

    static func scale(_ input: Int, _ output: Int, align: Bool) -> Float {
        align && output > 1 ? Float(input - 1) / Float(output - 1) : Float(input) / Float(output)
    }

    /// `ComputeInterpolationValuesInteger`: the source coordinate in 1/1024 units and its neighbours.
    static func interpolation10(_ o: Int32, scale10: Int32, half: Bool, inputSize: Int32) -> (Int32, Int32, Int32) {
        let v = half ? o &* scale10 &+ scale10 / 2 &- (1 << 9) : o &* scale10
        return (v, max(v / 1024, 0), min((v + 1023) / 1024, inputSize - 1))
    }

    /// `ResizeBilinearInteger` over int8 or int16 codes.
    func integer<T: FixedWidthInteger & BitwiseCopyable>(_ x: Tensor, _ shape: [Int], _: T.Type) throws -> Tensor {
        let (n, ih, iw, c) = (x.shape[0], Int32(x.shape[1]), Int32(x.shape[2]), x.shape[3])
        let (oh, ow) = (Int32(shape[1]), Int32(shape[2]))
        var sh = ((1 << 10) * ih + oh / 2) / oh, sw = ((1 << 10) * iw + ow / 2) / ow
        if alignCorners && oh > 1 { sh = ((1 << 10) * (ih - 1) + (oh - 1) / 2) / (oh - 1) }
        if alignCorners && ow > 1 { sw = ((1 << 10) * (iw - 1) + (ow - 1) / 2) / (ow - 1) }
        let columns = (0..<ow).map { Self.interpolation10($0, scale10: sw, half: halfPixelCenters, inputSize: iw) }
        return try TFLiteBuffers.build(x.dtype, shape, T.self) { out in
            try TFLiteBuffers.read(x, T.self) { src in
                var i = 0
                for b in 0..<n {
                    for oy in 0..<oh {
                        let (iy, y0, y1) = Self.interpolation10(oy, scale10: sh, half: halfPixelCenters, inputSize: ih)
                        let dy = Int64(iy - 1024 * y0)
                        for (ix, x0, x1) in columns {
                            let dx = Int64(ix - 1024 * x0)
                            let r0 = (b * Int(ih) + Int(y0)) * Int(iw), r1 = (b * Int(ih) + Int(y1)) * Int(iw)
                            for k in 0..<c {
                                let ll = Int64(src[(r0 + Int(x0)) * c + k]) * (1024 - dy) * (1024 - dx)
                                let lu = Int64(src[(r1 + Int(x0)) * c + k]) * dy * (1024 - dx)
                                let rl = Int64(src[(r0 + Int(x1)) * c + k]) * (1024 - dy) * dx
                                let ru = Int64(src[(r1 + Int(x1)) * c + k]) * dy * dx
                                let sum = ll + lu + rl + ru
                                let round: Int64 = sum > 0 ? 1 << 19 : -(1 << 19)
                                out[i] = T(truncatingIfNeeded: (sum + round) / (1 << 20))
                                i += 1
                            }
                        }
                    }
                }
            }
        }
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, shape) = try geometry(inputs)
        if x.dtype == .int8 { return [.tensor(try integer(x, shape, Int8.self))] }
        if x.dtype == .int16 { return [.tensor(try integer(x, shape, Int16.self))] }
        if x.dtype == .uint8 { return [.tensor(try uint8(x, shape))] }
        struct Visitor: BLASFloatVisitor {
            let x: Tensor, shape: [Int], align: Bool, half: Bool
            func visit<T: BLASFloat>(_: T.Type) throws -> Tensor {
                let (n, ih, iw, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
                let (oh, ow) = (shape[1], shape[2])
                let sh = TFLiteResizeBilinear.scale(ih, oh, align: align), sw = TFLiteResizeBilinear.scale(iw, ow, align: align)
                let columns = (0..<ow).map { TFLiteResizeBilinear.interpolation($0, scale: sw, half: half, inputSize: iw) }
                return try NNSupport.read(x, as: T.self) { src in
                    try NNSupport.build(T.dtype, shape, as: T.self) { y in
                        var dst = y
                        for b in 0..<n {
                            for oy in 0..<oh {
                                let (iy, y0, y1) = TFLiteResizeBilinear.interpolation(oy, scale: sh, half: half, inputSize: ih)
                                let dy = iy - Float(y0)
                                let wy0 = T(1 - dy), wy1 = T(dy)
                                for (ix, x0, x1) in columns {
                                    let dx = ix - Float(x0)
                                    let wx0 = T(1 - dx), wx1 = T(dx)
                                    let p00 = src + ((b * ih + y0) * iw + x0) * c, p10 = src + ((b * ih + y1) * iw + x0) * c
                                    let p01 = src + ((b * ih + y0) * iw + x1) * c, p11 = src + ((b * ih + y1) * iw + x1) * c
                                    for k in 0..<c {
                                        let a = p00[k] * wy0 * wx0 + p10[k] * wy1 * wx0
                                        dst[k] = a + p01[k] * wy0 * wx1 + p11[k] * wy1 * wx1
                                    }
                                    dst += c
                                }
                            }
                        }
                    }
                }
            }
        }
        return [.tensor(try x.dtype.dispatchBLASFloat(Visitor(x: x, shape: shape, align: alignCorners, half: halfPixelCenters)))]
    }

    /// `reference_ops::ResizeBilinear<uint8_t>`: the float interpolation of the codes plus 0.5, truncated.
    func uint8(_ x: Tensor, _ shape: [Int]) throws -> Tensor {
        let (n, ih, iw, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (oh, ow) = (shape[1], shape[2])
        let sh = Self.scale(ih, oh, align: alignCorners), sw = Self.scale(iw, ow, align: alignCorners)
        let columns = (0..<ow).map { Self.interpolation($0, scale: sw, half: halfPixelCenters, inputSize: iw) }
        return try TFLiteBuffers.build(.uint8, shape, UInt8.self) { out in
            try TFLiteBuffers.read(x, UInt8.self) { src in
                var o = 0
                for b in 0..<n {
                    for oy in 0..<oh {
                        let (iy, y0, y1) = Self.interpolation(oy, scale: sh, half: halfPixelCenters, inputSize: ih)
                        let dy = iy - Float(y0)
                        for (ix, x0, x1) in columns {
                            let dx = ix - Float(x0)
                            let r0 = ((b * ih + y0) * iw) * c, r1 = ((b * ih + y1) * iw) * c
                            for k in 0..<c {
                                var v = Float(src[r0 + x0 * c + k]) * (1 - dy) * (1 - dx)
                                v += Float(src[r1 + x0 * c + k]) * dy * (1 - dx)
                                v += Float(src[r0 + x1 * c + k]) * (1 - dy) * dx
                                v += Float(src[r1 + x1 * c + k]) * dy * dx
                                v += 0.5
                                out[o] = UInt8(truncatingIfNeeded: Int(v))
                                o += 1
                            }
                        }
                    }
                }
            }
        }
    }
}
