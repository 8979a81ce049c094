import LockstepCore

/// AffineGrid (ONNX opset 20): the sampling grid of an affine transform for GridSample.
/// `theta [N, 2, 3]` (2-D) or `[N, 3, 4]` (3-D) maps the normalised base grid of `size`
/// (`[N, C, H, W]` / `[N, C, D, H, W]`) — per axis `-1 + (2i + 1) / L`, or with `align_corners`
/// `-1 + 2i / (L - 1)` (-1 for a length of 1) — in homogeneous `(x, y[, z], 1)` order, x along
/// the last axis. Output `[N, H, W, 2]` / `[N, D, H, W, 3]` in theta's type; float64 arithmetic.
struct AffineGridKernel: Kernel {
    static let registration = OpRegistration("AffineGrid", versions: 20...Int.max) { context in
        AffineGridKernel(alignCorners: try context.attributes.int("align_corners", default: 0) != 0)
    }

    let alignCorners: Bool

    func operands(_ inputs: [Value?]) throws -> (theta: Tensor, spatial: [Int], output: [Int]) {
        let theta = try Inputs.tensor(inputs, 0, name: "theta"), size = try Inputs.tensor(inputs, 1, name: "size")
        try NNSupport.requireFloat(theta, "theta")
        let s = try NNSupport.ints(size, name: "size")
        guard s.count == 4 || s.count == 5, s.allSatisfy({ $0 >= 0 }) else { throw KernelError("size must be [N, C, H, W] or [N, C, D, H, W], found \(s)") }
        let r = s.count - 2
        guard theta.shape == [s[0], r, r + 1] else { throw KernelError("theta must have shape [\(s[0]), \(r), \(r + 1)], found \(theta.shape)") }
        let spatial = Array(s[2...])
        return (theta, spatial, [s[0]] + spatial + [r])
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (theta, _, output) = try operands(inputs)
        return [TensorInfo(dtype: theta.dtype, shape: output)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (thetaTensor, spatial, output) = try operands(inputs)
        let theta = try thetaTensor.doubleValues()
        let r = spatial.count, n = output[0]
        func base(_ i: Int, _ length: Int) -> Double {
            if alignCorners { return length == 1 ? -1 : -1 + 2 * Double(i) / Double(length - 1) }
            return -1 + (2 * Double(i) + 1) / Double(length)
        }
        let points = spatial.reduce(1, *)
        var grid = [Double](repeating: 0, count: n * points * r)
        for b in 0..<n {
            for p in 0..<points {
                // Homogeneous coordinate (x, y[, z], 1): x along the last spatial axis.
                var rest = p, homogeneous = [Double](repeating: 1, count: r + 1)
                for d in stride(from: r - 1, through: 0, by: -1) {
                    homogeneous[r - 1 - d] = base(rest % spatial[d], spatial[d])
                    rest /= spatial[d]
                }
                for row in 0..<r {
                    var v = 0.0
                    for k in 0...r { v += theta[(b * r + row) * (r + 1) + k] * homogeneous[k] }
                    grid[(b * points + p) * r + row] = v
                }
            }
        }
        return [.tensor(try NNSupport.tensor(grid, dtype: thetaTensor.dtype, shape: output))]
    }
}
