import LockstepCore

/// RESIZE_NEAREST_NEIGHBOR (versions 1–4): NHWC input resized to `size` (int32 `[h, w]`); source
/// index per axis `min(floor((o + offset) · scale), in - 1)` with the float32 scale `in / out`,
/// or with `align_corners` `round((o + offset) · (in - 1) / (out - 1))` (half away from zero);
/// `offset` is 0.5 with `half_pixel_centers` (then also `max(·, 0)`). Any element type.
struct TFLiteResizeNearestNeighbor: Kernel {
    static let registration = TFLiteOps.op("RESIZE_NEAREST_NEIGHBOR") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        let a = context.attributes
        return TFLiteResizeNearestNeighbor(alignCorners: try a.int("align_corners", default: 0) != 0,
                                           halfPixelCenters: try a.int("half_pixel_centers", default: 0) != 0)
    }

    let alignCorners: Bool
    let halfPixelCenters: Bool

    func geometry(_ inputs: [Value?]) throws -> (Tensor, [Int]) {
        let (x, s) = try Inputs.two(inputs)
        try TFLiteSupport.requireRank(x, "input", 4)
        let size = try TFLiteSupport.integers(s, "size")
        guard size.count == 2, size.allSatisfy({ $0 > 0 }) else { throw KernelError("size must hold two positive sizes, found \(size)") }
        let shape = [x.shape[0], size[0], size[1], x.shape[3]]
        try DataMovement.checkedCount(shape)
        return (x, shape)
    }

    func source(_ o: Int, input: Int, output: Int) -> Int {
        let scale = alignCorners && output > 1 ? Float(input - 1) / Float(output - 1) : Float(input) / Float(output)
        let offset: Float = halfPixelCenters ? 0.5 : 0
        let v = (Float(o) + offset) * scale
        var i = min(alignCorners ? Int(v.rounded(.toNearestOrAwayFromZero)) : Int(v.rounded(.down)), input - 1)
        if halfPixelCenters { i = max(0, i) }
        return i
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (x, shape) = try geometry(inputs)
        return [TensorInfo(dtype: x.dtype, shape: shape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, shape) = try geometry(inputs)
        let strides = DataMovement.strides(x.shape)
        let tables = [
            DataMovement.identityTable(x.shape[0], stride: strides[0]),
            (0..<shape[1]).map { source($0, input: x.shape[1], output: shape[1]) * strides[1] },
            (0..<shape[2]).map { source($0, input: x.shape[2], output: shape[2]) * strides[2] },
            DataMovement.identityTable(x.shape[3], stride: strides[3]),
        ]
        return [.tensor(try DataMovement.gather(x, shape: shape, offsets: tables))]
    }
}
