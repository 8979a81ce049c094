#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How an output coordinate maps to an input coordinate along one axis (ONNX Resize
/// `coordinate_transformation_mode`; TFLite's `align_corners` / `half_pixel_centers` map onto
/// `alignCorners` / `halfPixel` / `asymmetric`).
public enum CoordinateTransform: String, Sendable, CaseIterable {
    /// `(y + 0.5) / scale - 0.5`
    case halfPixel = "half_pixel"
    /// `offset + (y + 0.5) / scale - 0.5`, `offset = in / 2 * (1 - out / (scale * in))` (opset 19)
    case halfPixelSymmetric = "half_pixel_symmetric"
    /// like `halfPixel`, but 0 when the resized length is 1 (spec and ONNX Runtime; the reference
    /// evaluator's -0.5 differs only for cubic)
    case pytorchHalfPixel = "pytorch_half_pixel"
    /// `y * (in - 1) / (out - 1)`, 0 when the output length is 1
    case alignCorners = "align_corners"
    /// `y / scale`
    case asymmetric = "asymmetric"
    /// `(y + 0.5) / scale` (opsets 11–17)
    case tfHalfPixelForNN = "tf_half_pixel_for_nn"
    /// `start * (in - 1) + y * (end - start) * (in - 1) / (out - 1)` from the region of interest,
    /// `0.5 * (start + end) * (in - 1)` when the output length is 1; coordinates outside
    /// `[0, in - 1]` take the extrapolation value.
    case tfCropAndResize = "tf_crop_and_resize"
}

/// How a nearest-neighbour coordinate rounds to an index (ONNX Resize `nearest_mode`).
public enum NearestRounding: String, Sendable, CaseIterable {
    case roundPreferFloor = "round_prefer_floor"
    case roundPreferCeil = "round_prefer_ceil"
    case floor
    case ceil
    /// Resize before opset 11 and Upsample (as ONNX Runtime): `ceil` when downsampling, else
    /// truncation.
    case legacy
}

/// The interpolation of a resize.
public enum ResizeMethod: Sendable, Equatable {
    case nearest(NearestRounding)
    case linear
    /// Cubic convolution with coefficient `a` (ONNX `cubic_coeff_a`, default -0.75).
    case cubic(a: Double)
}

/// One axis of a resize: its lengths, the scale used in the coordinate formulas, and the region
/// of interest (`tf_crop_and_resize` only).
public struct ResizeAxis: Sendable, Equatable {
    public var input: Int
    public var output: Int
    public var scale: Double
    /// The resized length the coordinate formulas use (`length_resized`): `input * scale`, which
    /// is fractional when the output length was truncated from a scale (ONNX reference semantics).
    public var outputExtent: Double
    public var roiStart: Double
    public var roiEnd: Double

    public init(input: Int, output: Int, scale: Double, outputExtent: Double? = nil, roiStart: Double = 0, roiEnd: Double = 1) {
        self.input = input
        self.output = output
        self.scale = scale
        self.outputExtent = outputExtent ?? Double(output)
        self.roiStart = roiStart
        self.roiEnd = roiEnd
    }
}

/// Resize kernels (ONNX Resize/Upsample; TFLite RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR on
/// channels-last tensors, which are resized the same way axis by axis).
///
/// Nearest: an index map per axis and a gather that copies elements of any width (no
/// arithmetic, so every element type works). Linear and cubic: separable passes axis by axis in
/// float64 with per-output tap tables (edge indices clamp; `excludeOutside` drops taps outside
/// the input and renormalises; `antialias` widens the kernel by `1 / scale` when downsampling,
/// normalising the weights), as the ONNX reference evaluator computes them.
public enum Resampling {
    /// The input coordinate of output index `y`.
    @inline(__always)
    public static func sourceCoordinate(_ y: Int, _ axis: ResizeAxis, _ transform: CoordinateTransform) -> Double {
        let y = Double(y), s = axis.scale
        let input = Double(axis.input), extent = axis.outputExtent
        switch transform {
        case .halfPixel: return (y + 0.5) / s - 0.5
        case .halfPixelSymmetric:
            let adjustment = Double(axis.output) / extent
            let offset = input / 2 * (1 - adjustment)
            return offset + (y + 0.5) / s - 0.5
        case .pytorchHalfPixel: return extent == 1 ? 0 : (y + 0.5) / s - 0.5
        case .alignCorners: return extent == 1 ? 0 : y * (input - 1) / (extent - 1)
        case .asymmetric: return y / s
        case .tfHalfPixelForNN: return (y + 0.5) / s
        case .tfCropAndResize:
            if extent == 1 { return 0.5 * (axis.roiStart + axis.roiEnd) * (input - 1) }
            return axis.roiStart * (input - 1) + y * (axis.roiEnd - axis.roiStart) * (input - 1) / (extent - 1)
        }
    }

    /// Nearest input index of `x` (clamped to the axis), or -1 when `tf_crop_and_resize`
    /// extrapolates.
    public static func nearestIndices(_ axis: ResizeAxis, _ transform: CoordinateTransform, _ rounding: NearestRounding) -> [Int] {
        (0..<axis.output).map { y in
            let x = sourceCoordinate(y, axis, transform)
            if transform == .tfCropAndResize && (x < 0 || x > Double(axis.input - 1)) { return -1 }
            let f = x.rounded(.down)
            var i: Double
            switch rounding {
            case .roundPreferFloor: i = x == f ? f : (x - f <= 0.5 ? f : f + 1)
            case .roundPreferCeil: i = x == f ? f : (x - f < 0.5 ? f : f + 1)
            case .floor: i = f
            case .ceil: i = x.rounded(.up)
            case .legacy: i = axis.scale < 1 ? x.rounded(.up) : x.rounded(.towardZero)
            }
            return Swift.min(Swift.max(Int(i), 0), axis.input - 1)
        }
    }

    /// Nearest-neighbour resize of a row-major tensor of `inputShape` whose elements are `T`
    /// (any type of the right width). `indices[d]` maps output to input indices along axis `d`
    /// (-1: write `extrapolation`).
    public static func gather<T>(_ x: UnsafePointer<T>, inputShape: [Int], indices: [[Int]], extrapolation: T, into y: UnsafeMutablePointer<T>) {
        let rank = inputShape.count
        let outShape = indices.map(\.count)
        let count = outShape.reduce(1, *)
        if count == 0 { return }
        if rank == 0 { y[0] = x[0]; return }
        var inStride = [Int](repeating: 1, count: rank)
        for d in Swift.stride(from: rank - 2, through: 0, by: -1) { inStride[d] = inStride[d + 1] * inputShape[d + 1] }
        // Offset contributed by each output index along each axis (-1 marks extrapolation).
        let offsets = (0..<rank).map { d in indices[d].map { $0 < 0 ? Int.min : $0 * inStride[d] } }
        let inner = offsets[rank - 1]
        let innerCount = outShape[rank - 1]
        var index = [Int](repeating: 0, count: rank)
        var dst = y
        inner.withUnsafeBufferPointer { innerOffsets in
            for _ in 0..<(count / innerCount) {
                var base = 0
                var outside = false
                for d in 0..<(rank - 1) {
                    let o = offsets[d][index[d]]
                    if o == Int.min { outside = true } else { base += o }
                }
                if outside {
                    dst.update(repeating: extrapolation, count: innerCount)
                } else {
                    let src = x + base
                    for j in 0..<innerCount {
                        let o = innerOffsets[j]
                        dst[j] = o == Int.min ? extrapolation : src[o]
                    }
                }
                dst += innerCount
                var d = rank - 2
                while d >= 0 {
                    index[d] += 1
                    if index[d] < outShape[d] { break }
                    index[d] = 0
                    d -= 1
                }
            }
        }
    }

    /// Taps of one axis for linear or cubic interpolation: `count` (index, weight) pairs per
    /// output position, and which positions extrapolate.
    public struct Taps: Sendable {
        public var count: Int
        public var indices: [Int]
        public var weights: [Double]
        public var extrapolated: [Bool]
    }

    /// The tap table of one axis.
    public static func taps(_ axis: ResizeAxis, _ transform: CoordinateTransform, _ method: ResizeMethod,
                            antialias: Bool, excludeOutside: Bool) -> Taps {
        // Kernel support (1 linear, 2 cubic) stretched by 1 / scale when antialiasing a downscale.
        let support: Double
        let a: Double
        switch method {
        case .linear: support = 1; a = 0
        case .cubic(let coefficient): support = 2; a = coefficient
        case .nearest: support = 1; a = 0
        }
        let kernelScale = antialias ? Swift.min(axis.scale, 1) : 1
        let start = Int((-support / kernelScale).rounded(.down)) + 1
        let n = 2 - 2 * start
        var taps = Taps(count: n, indices: [Int](repeating: 0, count: n * axis.output),
                        weights: [Double](repeating: 0, count: n * axis.output), extrapolated: [Bool](repeating: false, count: axis.output))
        let last = axis.input - 1
        for y in 0..<axis.output {
            let x = sourceCoordinate(y, axis, transform)
            if transform == .tfCropAndResize && (x < 0 || x > Double(last)) { taps.extrapolated[y] = true; continue }
            let p = x.rounded(.down)
            let base = Int(p) + start
            var sum = 0.0
            for k in 0..<n {
                let index = base + k
                let t = Swift.abs((Double(index) - x) * kernelScale)
                var w: Double
                switch method {
                case .linear, .nearest: w = Swift.max(0, 1 - t)
                case .cubic:
                    if t <= 1 { w = ((a + 2) * t - (a + 3)) * t * t + 1 } else if t < 2 { w = ((a * t - 5 * a) * t + 8 * a) * t - 4 * a } else { w = 0 }
                }
                if excludeOutside && (index < 0 || index > last) { w = 0 }
                taps.indices[y * n + k] = Swift.min(Swift.max(index, 0), last)
                taps.weights[y * n + k] = w
                sum += w
            }
            if (antialias || excludeOutside) && sum != 0 {
                for k in 0..<n { taps.weights[y * n + k] /= sum }
            }
        }
        return taps
    }

    /// One separable pass: resamples axis `axis` of `x` (`shape`) with `taps` into `y`
    /// (same shape but `taps.extrapolated.count` along `axis`).
    public static func interpolate(_ x: UnsafePointer<Double>, shape: [Int], axis: Int, taps: Taps, extrapolation: Double,
                                   into y: UnsafeMutablePointer<Double>) {
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        let length = shape[axis], outLength = taps.extrapolated.count, n = taps.count
        taps.indices.withUnsafeBufferPointer { idx in
            taps.weights.withUnsafeBufferPointer { w in
                for o in 0..<outer {
                    let src = x + o * length * inner
                    for j in 0..<outLength {
                        let dst = y + (o * outLength + j) * inner
                        if taps.extrapolated[j] { dst.update(repeating: extrapolation, count: inner); continue }
                        dst.update(repeating: 0, count: inner)
                        for k in 0..<n {
                            let weight = w[j * n + k]
                            let row = src + idx[j * n + k] * inner
                            for i in 0..<inner { dst[i] += weight * row[i] }
                        }
                    }
                }
            }
        }
    }
}
