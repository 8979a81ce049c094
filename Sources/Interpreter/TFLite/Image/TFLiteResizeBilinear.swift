import LockstepCore

/// RESIZE_BILINEAR (versions 1–4), float: NHWC input resized to `size` (int32 `[new_height,
/// new_width]`) as `reference_ops::ResizeBilinear` computes it (LiteRT
/// `tflite/kernels/internal/reference/resize_bilinear.h`): per axis the float32 scale
/// `in / out` (`(in - 1) / (out - 1)` with `align_corners`), the source coordinate `o · scale` or
/// with `half_pixel_centers` `(o + 0.5) · scale - 0.5`, neighbours `max(floor, 0)` and
/// `min(ceil, in - 1)`, and the four products summed in TFLite's order.
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
        try TFLiteSupport.requireFloat(x, "input")
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
}
