import LockstepCore

/// Resize (ONNX opsets 10, 11, 13, 18, 19): nearest, linear (N-linear) or cubic resampling of
/// any number of axes.
///
/// - Opset 10: inputs `X, scales`; `mode` nearest or linear; coordinates `asymmetric`, nearest
///   indices as ONNX Runtime's legacy rule (`ceil` when downsampling, else truncation).
/// - Opset 11+: inputs `X, roi, scales, sizes` (exactly one of scales/sizes; an empty tensor counts
///   as absent); `coordinate_transformation_mode` (default `half_pixel`), `nearest_mode`
///   (default `round_prefer_floor`), `cubic_coeff_a` (-0.75), `exclude_outside`,
///   `extrapolation_value` (for `tf_crop_and_resize`, which reads `roi`).
/// - Opset 18+: `antialias` (linear/cubic downscaling with a widened, normalised kernel), `axes`
///   (scales/sizes/roi name only these axes), `keep_aspect_ratio_policy` (`stretch`,
///   `not_larger`, `not_smaller`: one scale for all listed axes, sizes `round(scale * in)`).
/// - Opset 19: `half_pixel_symmetric`.
///
/// Output lengths from scales are `floor(in * scale)` (the region of interest does not shrink
/// them, as in ONNX Runtime and the reference evaluator); with sizes the scale in the coordinate
/// formulas is `out / in`. `length_resized` in the `align_corners`, `pytorch_half_pixel` and
/// `tf_crop_and_resize` formulas is `in * scale`, fractional when a scale truncated the output. Nearest copies elements (every element type); linear and cubic
/// compute in float64 and round once to the element type (integers to nearest, saturating).
struct ResizeKernel: Kernel {
    static let registration = OpRegistration("Resize", versions: 10...Int.max) { context in try ResizeKernel(context) }

    enum AspectPolicy: String { case stretch, notLarger = "not_larger", notSmaller = "not_smaller" }

    let opset: Int
    let method: ResizeMethod
    let transform: CoordinateTransform
    let antialias: Bool
    let excludeOutside: Bool
    let extrapolation: Double
    let axes: [Int]?
    let policy: AspectPolicy

    init(_ context: KernelBuildContext) throws {
        let a = context.attributes
        opset = context.opset
        let mode = try a.string("mode", default: "nearest")
        let legacy = opset < 11
        var rounding = NearestRounding.legacy
        if !legacy {
            let name = try a.string("nearest_mode", default: "round_prefer_floor")
            guard let r = NearestRounding(rawValue: name), r != .legacy else { throw KernelError("attribute 'nearest_mode' '\(name)' is not supported") }
            rounding = r
        }
        switch mode {
        case "nearest": method = .nearest(rounding)
        case "linear", "bilinear", "trilinear": method = .linear
        case "cubic", "bicubic":
            guard !legacy else { throw KernelError("mode 'cubic' needs opset 11 or later") }
            method = .cubic(a: Double(try a.float("cubic_coeff_a", default: -0.75)))
        default: throw KernelError("attribute 'mode' must be nearest, linear or cubic, found '\(mode)'")
        }
        if legacy {
            transform = .asymmetric
        } else {
            let name = try a.string("coordinate_transformation_mode", default: "half_pixel")
            guard let t = CoordinateTransform(rawValue: name) else {
                throw KernelError("attribute 'coordinate_transformation_mode' '\(name)' is not supported")
            }
            transform = t
        }
        antialias = try a.int("antialias", default: 0) != 0
        excludeOutside = try a.int("exclude_outside", default: 0) != 0
        extrapolation = Double(try a.float("extrapolation_value", default: 0))
        axes = try a.ints("axes")
        let policyName = try a.string("keep_aspect_ratio_policy", default: "stretch")
        guard let p = AspectPolicy(rawValue: policyName) else { throw KernelError("attribute 'keep_aspect_ratio_policy' '\(policyName)' is not supported") }
        policy = p
    }

    /// A resize fully described: the input, one `ResizeAxis` per dimension, and the output shape.
    struct Plan {
        var x: Tensor
        var axes: [ResizeAxis]
        var outputShape: [Int] { axes.map(\.output) }
    }

    func plan(_ inputs: [Value?]) throws -> Plan {
        let x = try Inputs.tensor(inputs, 0, name: "X")
        guard x.dtype != .string, x.dtype.byteWidth != nil, x.dtype.isConvertibleToReal else {
            throw KernelError("Resize is not defined for \(x.dtype)")
        }
        if case .nearest = method {} else {
            guard x.dtype != .bool else { throw KernelError("linear and cubic Resize are not defined for bool") }
        }
        func present(_ i: Int) throws -> Tensor? {
            guard let t = try Inputs.optionalTensor(inputs, i), t.count > 0 else { return nil }
            return t
        }
        let scales: [Double]?, sizes: [Int]?, roi: [Double]?
        if opset < 11 {
            guard let s = try present(1) else { throw KernelError("input 'scales' is required") }
            scales = try s.doubleValues(); sizes = nil; roi = nil
        } else {
            roi = try present(1)?.doubleValues()
            scales = try present(2)?.doubleValues()
            sizes = try present(3).map { try NNSupport.ints($0, name: "sizes") }
        }
        return try Self.plan(x, scales: scales, sizes: sizes, roi: roi, axes: axes, policy: policy)
    }

    /// Resolves output lengths and per-axis scales (shared with Upsample).
    static func plan(_ x: Tensor, scales: [Double]?, sizes: [Int]?, roi: [Double]?, axes requested: [Int]?, policy: AspectPolicy) throws -> Plan {
        let rank = x.rank
        let axes = try requested.map { try Reduction.normalizedAxes($0, rank: rank) } ?? Array(0..<rank)
        var result = x.shape.map { ResizeAxis(input: $0, output: $0, scale: 1) }
        if let roi {
            guard roi.count == 2 * axes.count else { throw KernelError("input 'roi' must have \(2 * axes.count) values, found \(roi.count)") }
            for (i, d) in axes.enumerated() { result[d].roiStart = roi[i]; result[d].roiEnd = roi[axes.count + i] }
        }
        switch (scales, sizes) {
        case (let s?, nil):
            guard s.count == axes.count else { throw KernelError("input 'scales' must have \(axes.count) values, found \(s.count)") }
            for (i, d) in axes.enumerated() {
                guard s[i] > 0 else { throw KernelError("input 'scales' must be positive, found \(s)") }
                result[d].scale = s[i]
                result[d].outputExtent = Double(x.shape[d]) * s[i]
                result[d].output = Int(result[d].outputExtent.rounded(.down))
            }
        case (nil, let z?):
            guard z.count == axes.count else { throw KernelError("input 'sizes' must have \(axes.count) values, found \(z.count)") }
            guard z.allSatisfy({ $0 >= 0 }) else { throw KernelError("input 'sizes' must not be negative, found \(z)") }
            var ratios = axes.enumerated().map { Double(z[$0.offset]) / Double(x.shape[$0.element]) }
            if policy != .stretch, !ratios.isEmpty {
                let common = policy == .notLarger ? ratios.min()! : ratios.max()!
                ratios = ratios.map { _ in common }
            }
            for (i, d) in axes.enumerated() {
                result[d].scale = ratios[i]
                result[d].output = policy == .stretch ? z[i] : Int(ratios[i] * Double(x.shape[d]) + 0.5)
                result[d].outputExtent = policy == .stretch ? Double(z[i]) : ratios[i] * Double(x.shape[d])
            }
        case (nil, nil): throw KernelError("one of the inputs 'scales' and 'sizes' is required")
        case (.some, .some): throw KernelError("only one of the inputs 'scales' and 'sizes' may be given")
        }
        for axis in result where axis.input == 0 && axis.output > 0 {
            throw KernelError("cannot resize an empty axis to length \(axis.output)")
        }
        return Plan(x: x, axes: result)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let p = try plan(inputs)
        return [TensorInfo(dtype: p.x.dtype, shape: p.outputShape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        [.tensor(try Self.resize(try plan(inputs), method: method, transform: transform, antialias: antialias,
                                 excludeOutside: excludeOutside, extrapolation: extrapolation))]
    }

    /// Runs a planned resize.
    static func resize(_ plan: Plan, method: ResizeMethod, transform: CoordinateTransform, antialias: Bool,
                       excludeOutside: Bool, extrapolation: Double) throws -> Tensor {
        let x = plan.x, shape = plan.outputShape
        if case .nearest(let rounding) = method {
            let indices = plan.axes.map { Resampling.nearestIndices($0, transform, rounding) }
            let fill = try NNSupport.scalarBits(extrapolation, dtype: x.dtype)
            func run<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type) throws -> Tensor {
                try NNSupport.read(x, as: T.self) { xp in
                    try NNSupport.build(x.dtype, shape, as: T.self) { yp in
                        Resampling.gather(xp, inputShape: x.shape, indices: indices, extrapolation: T(truncatingIfNeeded: fill), into: yp)
                    }
                }
            }
            switch x.dtype.byteWidth {
            case 1: return try run(UInt8.self)
            case 2: return try run(UInt16.self)
            case 4: return try run(UInt32.self)
            case 8: return try run(UInt64.self)
            default: throw KernelError("Resize is not defined for \(x.dtype)")
            }
        }
        var values = try x.doubleValues()
        var current = x.shape
        for (d, axis) in plan.axes.enumerated() {
            let identity = axis.output == axis.input && axis.scale == 1
                && (transform != .tfCropAndResize || (axis.roiStart == 0 && axis.roiEnd == 1))
            if identity { continue }
            let taps = Resampling.taps(axis, transform, method, antialias: antialias, excludeOutside: excludeOutside)
            var next = current
            next[d] = axis.output
            let count = next.reduce(1, *)
            values = values.withUnsafeBufferPointer { src in
                [Double](unsafeUninitializedCapacity: count) { dst, initialized in
                    if count > 0 {
                        Resampling.interpolate(src.baseAddress!, shape: current, axis: d, taps: taps, extrapolation: extrapolation,
                                               into: dst.baseAddress!)
                    }
                    initialized = count
                }
            }
            current = next
        }
        return try NNSupport.tensor(rounding: values, dtype: x.dtype, shape: shape)
    }
}
