import CSIMD

/// Quantised CONV_2D and DEPTHWISE_CONV_2D as TFLite's reference kernels compute them
/// (google-ai-edge/LiteRT, `ai-edge-litert` 2.3.0):
/// - int8 per-channel: `reference_integer_ops::ConvPerChannel` / `DepthwiseConvPerChannel`
///   (`tflite/kernels/internal/reference/integer_ops/conv.h`, `depthwise_conv.h`);
/// - uint8 per-tensor: `reference_ops::Conv` / `DepthwiseConv` (`reference/conv.h`,
///   `reference/depthwiseconv_uint8.h`), which add a filter offset;
/// - int16 activations × int8 weights ("16x8"): the int16 overloads of the same per-channel
///   kernels, with 64-bit accumulators and `MultiplyByQuantizedMultiplier(int64_t, …)`.
///
/// Layouts are TFLite's: input and output NHWC, CONV_2D filters OHWI, DEPTHWISE_CONV_2D filters
/// `[1, H, W, C·multiplier]`. Points of the window outside the input contribute nothing (as if
/// they held the input zero point). Accumulation wraps on Int32 overflow, as the C++ does.
public enum TFLiteQuantizedConvolution {
    /// TFLite `Padding` (SAME / VALID).
    public enum Padding: String, Sendable { case same = "SAME", valid = "VALID" }

    /// The shape of a 2-D convolution in NHWC, with TFLite's leading padding.
    public struct Geometry: Sendable, Equatable {
        public var batches: Int
        public var inputHeight: Int, inputWidth: Int, inputDepth: Int
        public var filterHeight: Int, filterWidth: Int
        /// Input channels per filter (CONV_2D; `inputDepth / groups`). 1 for depthwise.
        public var filterInputDepth: Int
        public var outputHeight: Int, outputWidth: Int, outputDepth: Int
        public var strideHeight: Int, strideWidth: Int
        public var dilationHeight: Int, dilationWidth: Int
        /// Top and left padding (`ComputePaddingHeightWidth`; the bottom/right excess only shapes the output).
        public var padHeight: Int, padWidth: Int

        public init(batches: Int, inputHeight: Int, inputWidth: Int, inputDepth: Int, filterHeight: Int, filterWidth: Int,
                    filterInputDepth: Int, outputHeight: Int, outputWidth: Int, outputDepth: Int, strideHeight: Int,
                    strideWidth: Int, dilationHeight: Int, dilationWidth: Int, padHeight: Int, padWidth: Int) {
            self.batches = batches
            self.inputHeight = inputHeight; self.inputWidth = inputWidth; self.inputDepth = inputDepth
            self.filterHeight = filterHeight; self.filterWidth = filterWidth; self.filterInputDepth = filterInputDepth
            self.outputHeight = outputHeight; self.outputWidth = outputWidth; self.outputDepth = outputDepth
            self.strideHeight = strideHeight; self.strideWidth = strideWidth
            self.dilationHeight = dilationHeight; self.dilationWidth = dilationWidth
            self.padHeight = padHeight; self.padWidth = padWidth
        }

        /// Output size and leading padding of one spatial axis (`ComputeOutSize`,
        /// `ComputePaddingWithOffset` in `tflite/kernels/padding.h`).
        public static func axis(input: Int, filter: Int, stride: Int, dilation: Int, padding: Padding) -> (output: Int, pad: Int) {
            let effective = (filter - 1) * dilation + 1
            switch padding {
            case .same:
                let output = (input + stride - 1) / stride
                let total = max((output - 1) * stride + effective - input, 0)
                return (output, total / 2)
            case .valid:
                return ((input - effective + stride) / stride, 0)
            }
        }

        /// The geometry of CONV_2D (`filter` OHWI) or DEPTHWISE_CONV_2D (`filter` `[1, H, W, C·m]`,
        /// `depthwise: true`) over an NHWC `input`.
        public static func make(input: [Int], filter: [Int], strides: (Int, Int), dilations: (Int, Int), padding: Padding,
                                depthwise: Bool) throws -> Geometry {
            guard input.count == 4, filter.count == 4 else { throw KernelError("input \(input) and filter \(filter) must be 4-D (NHWC, \(depthwise ? "1HWC" : "OHWI"))") }
            guard strides.0 >= 1, strides.1 >= 1, dilations.0 >= 1, dilations.1 >= 1 else {
                throw KernelError("strides \(strides) and dilations \(dilations) must be positive")
            }
            let h = axis(input: input[1], filter: filter[1], stride: strides.0, dilation: dilations.0, padding: padding)
            let w = axis(input: input[2], filter: filter[2], stride: strides.1, dilation: dilations.1, padding: padding)
            guard h.output >= 1, w.output >= 1 else { throw KernelError("the filter \(filter) does not fit the input \(input)") }
            let outputDepth = depthwise ? filter[3] : filter[0]
            let filterInputDepth = depthwise ? 1 : filter[3]
            if depthwise {
                guard input[3] > 0, outputDepth % input[3] == 0 else {
                    throw KernelError("depthwise filter channels \(outputDepth) are not a multiple of the input channels \(input[3])")
                }
            } else {
                guard filterInputDepth > 0, input[3] % filterInputDepth == 0, outputDepth % (input[3] / filterInputDepth) == 0 else {
                    throw KernelError("filter input channels \(filterInputDepth) do not divide the input channels \(input[3]) into groups of the \(outputDepth) filters")
                }
            }
            return Geometry(batches: input[0], inputHeight: input[1], inputWidth: input[2], inputDepth: input[3],
                            filterHeight: filter[1], filterWidth: filter[2], filterInputDepth: filterInputDepth,
                            outputHeight: h.output, outputWidth: w.output, outputDepth: outputDepth,
                            strideHeight: strides.0, strideWidth: strides.1, dilationHeight: dilations.0, dilationWidth: dilations.1,
                            padHeight: h.pad, padWidth: w.pad)
        }

        public var outputShape: [Int] { [batches, outputHeight, outputWidth, outputDepth] }
        public var outputCount: Int { batches * outputHeight * outputWidth * outputDepth }
    }

    /// Offsets and output clamp of an 8-bit kernel. `inputOffset` and `filterOffset` are the
    /// negated zero points (TFLite's convention); `outputOffset` is the output zero point.
    public struct Offsets: Sendable, Equatable {
        public var inputOffset: Int32
        public var filterOffset: Int32
        public var outputOffset: Int32
        public var activationMin: Int32
        public var activationMax: Int32

        public init(inputOffset: Int32, filterOffset: Int32 = 0, outputOffset: Int32, activationMin: Int32, activationMax: Int32) {
            self.inputOffset = inputOffset
            self.filterOffset = filterOffset
            self.outputOffset = outputOffset
            self.activationMin = activationMin
            self.activationMax = activationMax
        }
    }

    /// CONV_2D on 8-bit data: int8 per-channel (`ConvPerChannel`, `filterOffset` 0) or uint8
    /// per-tensor (`reference_ops::Conv`, pass one multiplier per channel, all equal).
    /// `acc = Σ (filter + filterOffset)·(input + inputOffset) + bias[c]`, then
    /// `clamp(MultiplyByQuantizedMultiplier(acc, m[c]) + outputOffset)`.
    ///
    /// Evaluated by `lockstep_qconv_sums_i32` (CSIMD): per output pixel every window point inside
    /// the input adds, for each of its input channels, `(input + inputOffset)` times that point's
    /// offset filter values to the Int32 sums of all the group's output channels at once
    /// (filters rearranged once per call to `[tap][input channel][output channel]`); then
    /// `lockstep_requantize_i32`. The reference loops output channel by output channel; wrapping
    /// Int32 addition is associative, so the sums are the same bits.
    public static func conv<T: FixedWidthInteger, W: FixedWidthInteger>(
        _ g: Geometry, input: UnsafeBufferPointer<T>, filter: UnsafeBufferPointer<W>, bias: UnsafeBufferPointer<Int32>?,
        multipliers: [TFLiteQuantizationParams.Multiplier], offsets o: Offsets, rounding: TFLiteFixedPoint.Rounding = TFLiteFixedPoint.liteRT,
        output: UnsafeMutableBufferPointer<T>
    ) {
        precondition(multipliers.count == g.outputDepth && output.count == g.outputCount)
        let od = g.outputDepth
        let k = g.filterHeight * g.filterWidth * g.filterInputDepth
        precondition(filter.count == od * k)
        let weights = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(filter.count, 1))
        defer { weights.deallocate() }
        // OHWI → [(fy·W + fx)·fid + ic][oc]
        for oc in 0..<od {
            for j in 0..<k { weights[j * od + oc] = Int32(truncatingIfNeeded: filter[oc * k + j]) &+ o.filterOffset }
        }
        integerSums(g, input: input, inputOffset: o.inputOffset, weights: weights, multipliers: multipliers, offsets: o,
                    rounding: rounding, bias: bias, output: output, sums: lockstep_qconv_sums_i32)
    }

    /// Runs `sums` over `input + inputOffset` widened to Int32, then requantises every pixel's
    /// channel sums into `output` (the shared tail of `conv` and `depthwise`).
    static func integerSums<T: FixedWidthInteger>(
        _ g: Geometry, input: UnsafeBufferPointer<T>, inputOffset: Int32, weights: UnsafeMutableBufferPointer<Int32>,
        multipliers: [TFLiteQuantizationParams.Multiplier], offsets o: Offsets, rounding: TFLiteFixedPoint.Rounding,
        bias: UnsafeBufferPointer<Int32>?, output: UnsafeMutableBufferPointer<T>,
        sums: (UnsafePointer<lockstep_qconv_geometry>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?, UnsafeMutablePointer<Int32>?) -> Void
    ) {
        let widened = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(input.count, 1))
        let acc = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(output.count, 1))
        let requantized = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(output.count, 1))
        defer { widened.deallocate(); acc.deallocate(); requantized.deallocate() }
        for i in 0..<input.count { widened[i] = Int32(truncatingIfNeeded: input[i]) &+ inputOffset }
        var geometry = lockstep_qconv_geometry(
            batches: g.batches, input_height: g.inputHeight, input_width: g.inputWidth, input_depth: g.inputDepth,
            filter_height: g.filterHeight, filter_width: g.filterWidth, filter_input_depth: g.filterInputDepth,
            output_height: g.outputHeight, output_width: g.outputWidth, output_depth: g.outputDepth,
            stride_height: g.strideHeight, stride_width: g.strideWidth, dilation_height: g.dilationHeight,
            dilation_width: g.dilationWidth, pad_height: g.padHeight, pad_width: g.padWidth)
        sums(&geometry, widened.baseAddress, weights.baseAddress, acc.baseAddress)
        let m = multipliers.map(\.multiplier), shifts = multipliers.map { Int32($0.shift) }
        let pixels = g.outputCount / max(g.outputDepth, 1)
        m.withUnsafeBufferPointer { mp in
            shifts.withUnsafeBufferPointer { sp in
                lockstep_requantize_i32(acc.baseAddress, pixels, g.outputDepth, bias?.baseAddress, mp.baseAddress, sp.baseAddress,
                                        rounding == .double ? 1 : 0, o.outputOffset, o.activationMin, o.activationMax,
                                        requantized.baseAddress)
            }
        }
        for i in 0..<output.count { output[i] = T(truncatingIfNeeded: requantized[i]) }
    }

    /// CONV_2D with int16 activations and int8 weights (16x8): 64-bit accumulation, 64-bit (or
    /// 32-bit, widened) bias, `MultiplyByQuantizedMultiplier(int64_t, …)`, no input or output
    /// offset (both zero points are 0), then the clamp.
    public static func conv16x8(
        _ g: Geometry, input: UnsafeBufferPointer<Int16>, filter: UnsafeBufferPointer<Int8>, bias: [Int64]?,
        multipliers: [TFLiteQuantizationParams.Multiplier], activationMin: Int32, activationMax: Int32,
        output: UnsafeMutableBufferPointer<Int16>
    ) {
        precondition(multipliers.count == g.outputDepth && output.count == g.outputCount)
        let groups = g.inputDepth / g.filterInputDepth
        let filtersPerGroup = g.outputDepth / groups
        var index = 0
        for b in 0..<g.batches {
            for oy in 0..<g.outputHeight {
                let yOrigin = oy * g.strideHeight - g.padHeight
                for ox in 0..<g.outputWidth {
                    let xOrigin = ox * g.strideWidth - g.padWidth
                    for oc in 0..<g.outputDepth {
                        let group = oc / filtersPerGroup
                        var acc: Int64 = 0
                        for fy in 0..<g.filterHeight {
                            let iy = yOrigin + g.dilationHeight * fy
                            if iy < 0 || iy >= g.inputHeight { continue }
                            for fx in 0..<g.filterWidth {
                                let ix = xOrigin + g.dilationWidth * fx
                                if ix < 0 || ix >= g.inputWidth { continue }
                                let inBase = ((b * g.inputHeight + iy) * g.inputWidth + ix) * g.inputDepth + group * g.filterInputDepth
                                let fBase = ((oc * g.filterHeight + fy) * g.filterWidth + fx) * g.filterInputDepth
                                for ic in 0..<g.filterInputDepth {
                                    acc = acc &+ Int64(filter[fBase + ic]) * Int64(input[inBase + ic])
                                }
                            }
                        }
                        if let bias { acc = acc &+ bias[oc] }
                        let v = min(max(multipliers[oc].apply(acc), activationMin), activationMax)
                        output[index] = Int16(truncatingIfNeeded: v)
                        index += 1
                    }
                }
            }
        }
    }

    /// DEPTHWISE_CONV_2D on 8-bit data (`DepthwiseConvPerChannel` for int8, `reference_ops::
    /// DepthwiseConv` for uint8): output channel `c·depthMultiplier + m` reads input channel c.
    ///
    /// Evaluated by `lockstep_qdepthwise_sums_i32` (CSIMD): per output pixel every tap inside
    /// the input adds `(filter + filterOffset)·(input + inputOffset)` to all channels' Int32 sums
    /// at once (the reference loops channel by channel; wrapping Int32 addition is associative,
    /// so the sums are the same bits); then `lockstep_requantize_i32`.
    public static func depthwise<T: FixedWidthInteger, W: FixedWidthInteger>(
        _ g: Geometry, input: UnsafeBufferPointer<T>, filter: UnsafeBufferPointer<W>, bias: UnsafeBufferPointer<Int32>?,
        multipliers: [TFLiteQuantizationParams.Multiplier], offsets o: Offsets, rounding: TFLiteFixedPoint.Rounding = TFLiteFixedPoint.liteRT,
        output: UnsafeMutableBufferPointer<T>
    ) {
        precondition(multipliers.count == g.outputDepth && output.count == g.outputCount)
        precondition(filter.count == g.filterHeight * g.filterWidth * g.outputDepth)
        let weights = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(filter.count, 1))
        defer { weights.deallocate() }
        for i in 0..<filter.count { weights[i] = Int32(truncatingIfNeeded: filter[i]) &+ o.filterOffset }
        integerSums(g, input: input, inputOffset: o.inputOffset, weights: weights, multipliers: multipliers, offsets: o,
                    rounding: rounding, bias: bias, output: output, sums: lockstep_qdepthwise_sums_i32)
    }

    /// DEPTHWISE_CONV_2D 16x8 (int16 activations, int8 weights, 64-bit accumulation and bias).
    public static func depthwise16x8(
        _ g: Geometry, input: UnsafeBufferPointer<Int16>, filter: UnsafeBufferPointer<Int8>, bias: [Int64]?,
        multipliers: [TFLiteQuantizationParams.Multiplier], activationMin: Int32, activationMax: Int32,
        output: UnsafeMutableBufferPointer<Int16>
    ) {
        precondition(multipliers.count == g.outputDepth && output.count == g.outputCount)
        let depthMultiplier = g.outputDepth / g.inputDepth
        for b in 0..<g.batches {
            for oy in 0..<g.outputHeight {
                let yOrigin = oy * g.strideHeight - g.padHeight
                for ox in 0..<g.outputWidth {
                    let xOrigin = ox * g.strideWidth - g.padWidth
                    for ic in 0..<g.inputDepth {
                        for m in 0..<depthMultiplier {
                            let oc = m + ic * depthMultiplier
                            var acc: Int64 = 0
                            for fy in 0..<g.filterHeight {
                                let iy = yOrigin + g.dilationHeight * fy
                                if iy < 0 || iy >= g.inputHeight { continue }
                                for fx in 0..<g.filterWidth {
                                    let ix = xOrigin + g.dilationWidth * fx
                                    if ix < 0 || ix >= g.inputWidth { continue }
                                    let x = Int64(input[((b * g.inputHeight + iy) * g.inputWidth + ix) * g.inputDepth + ic])
                                    acc = acc &+ Int64(filter[(fy * g.filterWidth + fx) * g.outputDepth + oc]) * x
                                }
                            }
                            if let bias { acc = acc &+ bias[oc] }
                            let v = min(max(multipliers[oc].apply(acc), activationMin), activationMax)
                            output[((b * g.outputHeight + oy) * g.outputWidth + ox) * g.outputDepth + oc] = Int16(truncatingIfNeeded: v)
                        }
                    }
                }
            }
        }
    }
}
