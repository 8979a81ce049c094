import LockstepCore

/// RESIZE_BILINEAR (versions 1–4), float: NHWC input resized to `size` (int32 `[new_height,
/// new_width]`) as `reference_ops::ResizeBilinear` computes it (LiteRT
/// `tflite/kernels/internal/reference/resize_bilinear.h`): per axis the float32 scale
/// `in / out` (`(in - 1) / (out - 1)` with `align_corners`), the source coordinate `o · scale` or
/// with `half_pixel_centers` `(o + 0.5) · scale - 0.5`, neighbours `max(floor, 0)` and
/// `min(ceil, in - 1)`, and the four products summed in TFLite's order.
///
/// Integer inputs (input and output share scale and zero point, so the codes are resized) follow
/// what `tflite/kernels/resize_bilinear.cc` (google-ai-edge/LiteRT @ 057d0a95de5ebd0e1fe4c69050123b83fcf39dc2)
/// runs with the reference kernels: int8 and int16 `reference_ops::ResizeBilinearInteger` (10-bit
/// fixed-point scales and coordinates, int64 sums of the four weighted codes, divided by 2²⁰ with
/// the double-rounding offset ±2¹⁹ of LiteRT 2.3.0), uint8 the float template `ResizeBilinear<uint8_t>`
/// (the float32 interpolation plus 0.5, truncated).
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
        if !(x.dtype == .int8 || x.dtype == .int16 || x.dtype == .uint8) { try TFLiteSupport.requireFloat(x, "input") }
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

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, shape) = try geometry(inputs)
        switch x.dtype {
        case .int8: return [.tensor(try integer(x, shape, Int8.self))]
        case .int16: return [.tensor(try integer(x, shape, Int16.self))]
        case .uint8: return [.tensor(try uint8(x, shape))]
        default: break
        }
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

    /// `ComputeInterpolationValuesInteger`: the source coordinate in 1/1024 units and its neighbours.
    static func interpolation10(_ o: Int, scale10: Int, half: Bool, inputSize: Int) -> (Int, Int, Int) {
        let v = half ? o * scale10 + scale10 / 2 - (1 << 9) : o * scale10
        return (v, max(v / 1024, 0), min((v + 1023) / 1024, inputSize - 1))
    }

    static func scale10(_ input: Int, _ output: Int, align: Bool) -> Int {
        align && output > 1 ? (1024 * (input - 1) + (output - 1) / 2) / (output - 1) : (1024 * input + output / 2) / output
    }

    /// `reference_ops::ResizeBilinearInteger` (int8, int16).
    func integer<T: FixedWidthInteger & BitwiseCopyable>(_ x: Tensor, _ shape: [Int], _: T.Type) throws -> Tensor {
        let (n, ih, iw, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (oh, ow) = (shape[1], shape[2])
        let sh = Self.scale10(ih, oh, align: alignCorners), sw = Self.scale10(iw, ow, align: alignCorners)
        let columns = (0..<ow).map { Self.interpolation10($0, scale10: sw, half: halfPixelCenters, inputSize: iw) }
        return try TFLiteBuffers.build(x.dtype, shape, T.self) { out in
            try TFLiteBuffers.read(x, T.self) { src in
                var o = 0
                for b in 0..<n {
                    for oy in 0..<oh {
                        let (iy, y0, y1) = Self.interpolation10(oy, scale10: sh, half: halfPixelCenters, inputSize: ih)
                        let dy = Int64(iy - 1024 * y0)
                        for (ix, x0, x1) in columns {
                            let dx = Int64(ix - 1024 * x0)
                            let r0 = ((b * ih + y0) * iw) * c, r1 = ((b * ih + y1) * iw) * c
                            for k in 0..<c {
                                let ll = Int64(src[r0 + x0 * c + k]) * (1024 - dy) * (1024 - dx)
                                let lu = Int64(src[r1 + x0 * c + k]) * dy * (1024 - dx)
                                let rl = Int64(src[r0 + x1 * c + k]) * (1024 - dy) * dx
                                let ru = Int64(src[r1 + x1 * c + k]) * dy * dx
                                let sum = ll + lu + rl + ru
                                let round: Int64 = sum > 0 ? 1 << 19 : -(1 << 19)
                                out[o] = T(truncatingIfNeeded: (sum + round) / (1 << 20))
                                o += 1
                            }
                        }
                    }
                }
            }
        }
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
