import LockstepCore

/// GridSample (ONNX opsets 16, 20, 22): samples `X [N, C, D₁…Dᵣ]` at the normalised coordinates
/// of `grid [N, O₁…Oᵣ, r]` (last axis in reversed order: x for the last spatial axis first),
/// giving `[N, C, O₁…Oᵣ]`. Coordinates map to pixels as `(g + 1) / 2 · (L - 1)` with
/// `align_corners`, else `((g + 1) · L - 1) / 2`. `mode`: nearest (round half to even), linear
/// (`bilinear` in opset 16) or cubic (`bicubic`, Keys a = -0.75). `padding_mode`: zeros (taps
/// outside read 0), border (coordinates and taps clamp), reflection (coordinates and taps
/// reflect at the borders: pixel edges, or centres with `align_corners`). Float64 arithmetic.
struct GridSampleKernel: Kernel {
    static let registration = OpRegistration("GridSample", versions: 16...Int.max) { context in
        let a = context.attributes
        let mode = try a.string("mode", default: context.opset < 20 ? "bilinear" : "linear")
        let padding = try a.string("padding_mode", default: "zeros")
        let m: Mode
        switch mode {
        case "nearest": m = .nearest
        case "linear", "bilinear": m = .linear
        case "cubic", "bicubic": m = .cubic
        default: throw KernelError("attribute 'mode' must be nearest, linear or cubic, found '\(mode)'")
        }
        guard let p = PaddingMode(rawValue: padding) else { throw KernelError("attribute 'padding_mode' must be zeros, border or reflection, found '\(padding)'") }
        return GridSampleKernel(mode: m, padding: p, alignCorners: try a.int("align_corners", default: 0) != 0)
    }

    enum Mode: Sendable { case nearest, linear, cubic }
    enum PaddingMode: String, Sendable { case zeros, border, reflection }

    let mode: Mode
    let padding: PaddingMode
    let alignCorners: Bool

    func operands(_ inputs: [Value?]) throws -> (x: Tensor, grid: Tensor, output: [Int]) {
        let x = try Inputs.tensor(inputs, 0, name: "X"), grid = try Inputs.tensor(inputs, 1, name: "grid")
        guard x.dtype.isConvertibleToReal, x.dtype != .bool else { throw KernelError("GridSample is not defined for \(x.dtype)") }
        try NNSupport.requireFloat(grid, "grid")
        let r = x.rank - 2
        guard r >= 1, grid.rank == r + 2, grid.shape[0] == x.shape[0], grid.shape[r + 1] == r else {
            throw KernelError("grid must be [\(x.shape.first ?? 0), out…, \(r)] for X \(x.shape), found \(grid.shape)")
        }
        return (x, grid, [x.shape[0], x.shape[1]] + Array(grid.shape[1...r]))
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (x, _, output) = try operands(inputs)
        return [TensorInfo(dtype: x.dtype, shape: output)]
    }

    /// Reflects `x` into `[low, high]` (repeatedly, as the reference does).
    static func reflect(_ x: Double, _ low: Double, _ high: Double) -> Double {
        let range = high - low
        if x < low {
            let dx = low - x, n = Int(dx / range), r = dx - Double(n) * range
            return n % 2 == 0 ? low + r : high - r
        }
        if x > high {
            let dx = x - high, n = Int(dx / range), r = dx - Double(n) * range
            return n % 2 == 0 ? high - r : low + r
        }
        return x
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, grid, output) = try operands(inputs)
        let values = try x.doubleValues(), g = try grid.doubleValues()
        let r = x.rank - 2
        let dims = Array(x.shape[2...])
        let plane = dims.reduce(1, *)
        let points = output[2...].reduce(1, *)
        let (n, c) = (x.shape[0], x.shape[1])
        var strides = [Int](repeating: 1, count: r)
        for d in stride(from: r - 2, through: 0, by: -1) { strides[d] = strides[d + 1] * dims[d + 1] }
        let low: [Double] = dims.map { _ in alignCorners ? 0 : -0.5 }, high: [Double] = dims.map { alignCorners ? Double($0 - 1) : Double($0) - 0.5 }
        // Index of a tap along dimension d, or nil when it reads zero padding.
        func tapIndex(_ i: Int, _ d: Int) -> Int? {
            switch padding {
            case .zeros: return i >= 0 && i < dims[d] ? i : nil
            case .border: return min(max(i, 0), dims[d] - 1)
            case .reflection: return min(max(Int(Self.reflect(Double(i), low[d], high[d])), 0), dims[d] - 1)
            }
        }
        func cubic(_ t: Double) -> [Double] {
            let a = -0.75
            func w(_ s: Double) -> Double {
                let s = abs(s)
                if s <= 1 { return ((a + 2) * s - (a + 3)) * s * s + 1 }
                if s < 2 { return ((a * s - 5 * a) * s + 8 * a) * s - 4 * a }
                return 0
            }
            return [w(t + 1), w(t), w(1 - t), w(2 - t)]
        }
        var y = [Double](repeating: 0, count: output.reduce(1, *))
        var taps = [[(Int?, Double)]](repeating: [], count: r)
        for b in 0..<n {
            for p in 0..<points {
                // Pixel coordinates of this output point, per spatial dimension.
                for d in 0..<r {
                    let normalized = g[(b * points + p) * r + (r - 1 - d)]
                    let length = Double(dims[d])
                    var coordinate = alignCorners ? (normalized + 1) / 2 * (length - 1) : ((normalized + 1) * length - 1) / 2
                    if mode == .nearest { coordinate = coordinate.rounded(.toNearestOrEven) }
                    if coordinate < low[d] || coordinate > high[d] {
                        if padding == .border { coordinate = min(max(coordinate, 0), length - 1) }
                        if padding == .reflection { coordinate = Self.reflect(coordinate, low[d], high[d]) }
                    }
                    switch mode {
                    case .nearest: taps[d] = [(tapIndex(Int(coordinate), d), 1)]
                    case .linear:
                        let f = coordinate.rounded(.down), t = coordinate - f, i = Int(f)
                        taps[d] = [(tapIndex(i, d), 1 - t), (tapIndex(i + 1, d), t)]
                    case .cubic:
                        let f = coordinate.rounded(.down), i = Int(f), w = cubic(coordinate - f)
                        taps[d] = (0..<4).map { (tapIndex(i - 1 + $0, d), w[$0]) }
                    }
                }
                for ch in 0..<c {
                    let base = (b * c + ch) * plane
                    // Tensor product of the per-dimension taps.
                    var sum = 0.0
                    var index = [Int](repeating: 0, count: r)
                    let counts = taps.map(\.count)
                    let total = counts.reduce(1, *)
                    for _ in 0..<total {
                        var weight = 1.0, offset = 0, inside = true
                        for d in 0..<r {
                            let (i, w) = taps[d][index[d]]
                            weight *= w
                            if let i { offset += i * strides[d] } else { inside = false }
                        }
                        if inside { sum += weight * values[base + offset] }
                        var d = r - 1
                        while d >= 0 { index[d] += 1; if index[d] < counts[d] { break }; index[d] = 0; d -= 1 }
                    }
                    y[(b * c + ch) * points + p] = sum
                }
            }
        }
        return [.tensor(try NNSupport.tensor(rounding: y, dtype: x.dtype, shape: output))]
    }
}
