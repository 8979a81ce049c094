/// Quantised AVERAGE_POOL_2D and MAX_POOL_2D (int8, uint8, int16) as
/// `reference_integer_ops::AveragePool` / `MaxPool` (`tflite/kernels/internal/reference/
/// integer_ops/pooling.h`, google-ai-edge/LiteRT, `ai-edge-litert` 2.3.0) compute them, NHWC.
/// Only window points inside the input count; the average rounds half away from zero.
public enum TFLiteQuantizedPooling {
    /// Pooling geometry: the convolution geometry with a `filterHeight × filterWidth` window and
    /// `outputDepth == inputDepth`.
    public typealias Geometry = TFLiteQuantizedConvolution.Geometry

    /// The geometry of a pool with `filter` (height, width) over an NHWC `input`.
    public static func geometry(input: [Int], filter: (Int, Int), strides: (Int, Int),
                                padding: TFLiteQuantizedConvolution.Padding) throws -> Geometry {
        guard input.count == 4 else { throw KernelError("pool input \(input) must be 4-D NHWC") }
        guard filter.0 >= 1, filter.1 >= 1 else { throw KernelError("pool filter \(filter) must be positive") }
        return try TFLiteQuantizedConvolution.Geometry.make(input: input, filter: [1, filter.0, filter.1, input[3]],
                                                            strides: strides, dilations: (1, 1), padding: padding, depthwise: true)
    }

    /// AVERAGE_POOL_2D: `sum` over the in-bounds window, then `(sum ± count/2) / count` (C
    /// division), clamped. Throws when a window holds no input point (TFLite fails the op).
    public static func averagePool<T: FixedWidthInteger>(_ g: Geometry, input: UnsafeBufferPointer<T>,
                                                         activationMin: Int32, activationMax: Int32,
                                                         output: UnsafeMutableBufferPointer<T>) throws {
        try pool(g, input: input, output: output) { window in
            var acc: Int32 = 0
            var count: Int32 = 0
            window { acc = acc &+ Int32($0); count += 1 }
            guard count > 0 else { throw KernelError("an average-pool window lies entirely in the padding") }
            acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count
            return min(max(acc, activationMin), activationMax)
        }
    }

    /// MAX_POOL_2D: the window maximum (starting from the type's lowest value), clamped.
    public static func maxPool<T: FixedWidthInteger>(_ g: Geometry, input: UnsafeBufferPointer<T>,
                                                     activationMin: Int32, activationMax: Int32,
                                                     output: UnsafeMutableBufferPointer<T>) throws {
        try pool(g, input: input, output: output) { window in
            var m = Int32(T.min)
            window { m = max(m, Int32($0)) }
            return min(max(m, activationMin), activationMax)
        }
    }

    static func pool<T: FixedWidthInteger>(_ g: Geometry, input: UnsafeBufferPointer<T>, output: UnsafeMutableBufferPointer<T>,
                                           _ reduce: (((T) -> Void) -> Void) throws -> Int32) throws {
        precondition(output.count == g.outputCount && g.outputDepth == g.inputDepth)
        for b in 0..<g.batches {
            for oy in 0..<g.outputHeight {
                let yOrigin = oy * g.strideHeight - g.padHeight
                let fyStart = max(0, -yOrigin), fyEnd = min(g.filterHeight, g.inputHeight - yOrigin)
                for ox in 0..<g.outputWidth {
                    let xOrigin = ox * g.strideWidth - g.padWidth
                    let fxStart = max(0, -xOrigin), fxEnd = min(g.filterWidth, g.inputWidth - xOrigin)
                    for c in 0..<g.inputDepth {
                        let v = try reduce { visit in
                            guard fyStart < fyEnd, fxStart < fxEnd else { return }
                            for fy in fyStart..<fyEnd {
                                for fx in fxStart..<fxEnd {
                                    visit(input[((b * g.inputHeight + yOrigin + fy) * g.inputWidth + xOrigin + fx) * g.inputDepth + c])
                                }
                            }
                        }
                        output[((b * g.outputHeight + oy) * g.outputWidth + ox) * g.outputDepth + c] = T(truncatingIfNeeded: v)
                    }
                }
            }
        }
    }
}
