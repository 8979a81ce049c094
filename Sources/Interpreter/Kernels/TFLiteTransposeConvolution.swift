/// TRANSPOSE_CONV as LiteRT's reference kernels compute it (google-ai-edge/LiteRT
/// `tflite/kernels/transpose_conv.cc`, `internal/reference/integer_ops/transpose_conv.h`,
/// `ai-edge-litert` 2.3.0): every input element, in the order batch, y, x, input channel, is
/// scattered into the output window it influences (filter y, filter x, output channel), summed
/// into a zeroed accumulator of the output's shape; then each output element gets the bias and
/// is rescaled (integers) or clamped (float). Float sums therefore happen in that scatter order,
/// which is why this is not the generic `Convolution.transposed`.
///
/// Layouts: input `[N, h, w, C]`, weights `[O, KH, KW, C]`, output `[N, H, W, O]`.
public enum TFLiteTransposeConvolution {
    /// The shape of one TRANSPOSE_CONV: sizes, strides and the leading padding (`ComputePaddingHeightWidth`
    /// over the output size).
    public struct Geometry: Sendable, Equatable {
        public var batches: Int, inputHeight: Int, inputWidth: Int, inputDepth: Int
        public var filterHeight: Int, filterWidth: Int
        public var outputHeight: Int, outputWidth: Int, outputDepth: Int
        public var strideHeight: Int, strideWidth: Int, padHeight: Int, padWidth: Int

        public init(batches: Int, inputHeight: Int, inputWidth: Int, inputDepth: Int, filterHeight: Int, filterWidth: Int,
                    outputHeight: Int, outputWidth: Int, outputDepth: Int, strideHeight: Int, strideWidth: Int, padHeight: Int, padWidth: Int) {
            self.batches = batches
            self.inputHeight = inputHeight; self.inputWidth = inputWidth; self.inputDepth = inputDepth
            self.filterHeight = filterHeight; self.filterWidth = filterWidth
            self.outputHeight = outputHeight; self.outputWidth = outputWidth; self.outputDepth = outputDepth
            self.strideHeight = strideHeight; self.strideWidth = strideWidth; self.padHeight = padHeight; self.padWidth = padWidth
        }

        public var outputCount: Int { batches * outputHeight * outputWidth * outputDepth }
    }

    /// The scatter: `acc[n, oy, ox, oc] += value(n, iy, ix, ic) · weight(oc, fy, fx, ic)` in
    /// LiteRT's loop order, skipping positions outside the output.
    @inline(__always)
    public static func scatter<A: Numeric>(_ g: Geometry, accumulator acc: UnsafeMutablePointer<A>,
                                           value: (_ batch: Int, _ inputIndex: Int) -> A, weight: (Int) -> A) {
        for i in 0..<g.outputCount { acc[i] = 0 }
        for n in 0..<g.batches {
            for iy in 0..<g.inputHeight {
                for ix in 0..<g.inputWidth {
                    for ic in 0..<g.inputDepth {
                        let v = value(n, ((n * g.inputHeight + iy) * g.inputWidth + ix) * g.inputDepth + ic)
                        let originY = iy * g.strideHeight - g.padHeight, originX = ix * g.strideWidth - g.padWidth
                        for fy in 0..<g.filterHeight {
                            let oy = originY + fy
                            for fx in 0..<g.filterWidth {
                                let ox = originX + fx
                                guard oy >= 0, oy < g.outputHeight, ox >= 0, ox < g.outputWidth else { continue }
                                let base = ((n * g.outputHeight + oy) * g.outputWidth + ox) * g.outputDepth
                                for oc in 0..<g.outputDepth {
                                    acc[base + oc] += v * weight(((oc * g.filterHeight + fy) * g.filterWidth + fx) * g.inputDepth + ic)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// float32 (`reference_ops::TransposeConv`): the scatter, then `clamp(acc + bias[oc])`.
    public static func float(_ g: Geometry, input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                             lo: Float, hi: Float, output: UnsafeMutablePointer<Float>) {
        scatter(g, accumulator: output, value: { input[$1] }, weight: { weights[$0] })
        for i in 0..<g.outputCount {
            var v = output[i]
            if let bias { v += bias[i % g.outputDepth] }
            output[i] = FusedActivation.clamp(v, lo, hi)
        }
    }

    /// int8 per-channel (`reference_integer_ops::TransposeConv`): int32 accumulator of
    /// `(q + inputOffset) · w`, plus the bias, `MultiplyByQuantizedMultiplier` per output channel,
    /// plus the output offset, clamped.
    public static func int8(_ g: Geometry, input: UnsafeBufferPointer<Int8>, weights: UnsafeBufferPointer<Int8>, bias: UnsafeBufferPointer<Int32>?,
                            inputOffset: Int32, outputOffset: Int32, multipliers: [TFLiteQuantizationParams.Multiplier],
                            activationMin: Int32, activationMax: Int32, output: UnsafeMutableBufferPointer<Int8>) {
        let acc = UnsafeMutablePointer<Int32>.allocate(capacity: max(g.outputCount, 1))
        defer { acc.deallocate() }
        scatter(g, accumulator: acc, value: { Int32(input[$1]) &+ inputOffset }, weight: { Int32(weights[$0]) })
        for i in 0..<g.outputCount {
            let oc = i % g.outputDepth
            var a = acc[i]
            if let bias { a = a &+ bias[oc] }
            let m = multipliers.count == 1 ? multipliers[0] : multipliers[oc]
            let v = m.apply(a) &+ outputOffset
            output[i] = Int8(truncatingIfNeeded: min(max(v, activationMin), activationMax))
        }
    }

    /// 16x8 (the int16 overload): int64 accumulator and bias, the 64-bit
    /// `MultiplyByQuantizedMultiplier`, plus the output offset, clamped.
    public static func int16(_ g: Geometry, input: UnsafeBufferPointer<Int16>, weights: UnsafeBufferPointer<Int8>, bias: [Int64]?,
                             inputOffset: Int32, outputOffset: Int32, multipliers: [TFLiteQuantizationParams.Multiplier],
                             activationMin: Int32, activationMax: Int32, output: UnsafeMutableBufferPointer<Int16>) {
        let acc = UnsafeMutablePointer<Int64>.allocate(capacity: max(g.outputCount, 1))
        defer { acc.deallocate() }
        scatter(g, accumulator: acc, value: { Int64(input[$1]) &+ Int64(inputOffset) }, weight: { Int64(weights[$0]) })
        for i in 0..<g.outputCount {
            let oc = i % g.outputDepth
            var a = acc[i]
            if let bias { a = a &+ bias[oc] }
            let m = multipliers.count == 1 ? multipliers[0] : multipliers[oc]
            let v = TFLiteFixedPoint.multiplyByQuantizedMultiplier(a, m.multiplier, m.shift) &+ outputOffset
            output[i] = Int16(truncatingIfNeeded: min(max(v, activationMin), activationMax))
        }
    }

    /// Hybrid (float input, int8 per-channel weights; `transpose_conv.cc` EvalHybrid with
    /// `reference_ops::HybridTransposeConv`): each batch image quantised asymmetrically as
    /// LiteRT's x86 build does (`TFLiteHybrid.asymmetricX86`: `AsymmetricQuantizeFloats` goes to
    /// the NEON code through NEON_2_SSE), then a float scatter in the reference loop order whose
    /// every term is `(float((q − offset_b) · w) · s_oc) · scale_b`, then `+ bias`, clamped. The
    /// term's form and order were measured against LiteRT 2.3.0 (the other groupings and an int32
    /// accumulator miss by a few ULP on most outputs of `op_transpose_conv_hybrid_dynamic`).
    static func hybrid(_ g: Geometry, input: UnsafePointer<Float>, weights: UnsafeBufferPointer<Int8>, scales: [Float], bias: UnsafePointer<Float>?,
                       lo: Float, hi: Float, output: UnsafeMutablePointer<Float>) {
        let perImage = g.inputHeight * g.inputWidth * g.inputDepth
        let rows = (0..<g.batches).map { TFLiteHybrid.asymmetricX86(UnsafeBufferPointer(start: input + $0 * perImage, count: perImage)) }
        let channelScales = (0..<g.outputDepth).map { scales[scales.count == 1 ? 0 : $0] }
        for i in 0..<g.outputCount { output[i] = 0 }
        for n in 0..<g.batches {
            let row = rows[n]
            for iy in 0..<g.inputHeight {
                for ix in 0..<g.inputWidth {
                    for ic in 0..<g.inputDepth {
                        let v = Int32(row.values[(iy * g.inputWidth + ix) * g.inputDepth + ic]) &- row.offset
                        let originY = iy * g.strideHeight - g.padHeight, originX = ix * g.strideWidth - g.padWidth
                        for fy in 0..<g.filterHeight {
                            let oy = originY + fy
                            for fx in 0..<g.filterWidth {
                                let ox = originX + fx
                                guard oy >= 0, oy < g.outputHeight, ox >= 0, ox < g.outputWidth else { continue }
                                let base = ((n * g.outputHeight + oy) * g.outputWidth + ox) * g.outputDepth
                                for oc in 0..<g.outputDepth {
                                    let w = Int32(weights[((oc * g.filterHeight + fy) * g.filterWidth + fx) * g.inputDepth + ic])
                                    output[base + oc] += (Float(v &* w) * channelScales[oc]) * row.scale
                                }
                            }
                        }
                    }
                }
            }
        }
        for i in 0..<g.outputCount {
            var v = output[i]
            if let bias { v += bias[i % g.outputDepth] }
            output[i] = FusedActivation.clamp(v, lo, hi)
        }
    }
}
