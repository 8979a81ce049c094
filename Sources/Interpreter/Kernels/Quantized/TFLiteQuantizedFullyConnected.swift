/// Quantised FULLY_CONNECTED and BATCH_MATMUL as TFLite's reference kernels compute them
/// (google-ai-edge/LiteRT, `ai-edge-litert` 2.3.0):
/// - 8-bit: `reference_integer_ops::FullyConnected` / `FullyConnectedPerChannel`
///   (`tflite/kernels/internal/reference/integer_ops/fully_connected.h`) and uint8
///   `reference_ops::FullyConnected` (`reference/fully_connected.h`);
/// - 16x8: the int16 overload (64-bit accumulator and bias, `MultiplyByQuantizedMultiplier(int64_t, …)`);
/// - BATCH_MATMUL int8: `reference_ops::BatchMatMul` (`reference/batch_matmul.h`).
///
/// Weights are `[outputDepth, accumDepth]` (row per output unit), inputs `[batches, accumDepth]`.
///
/// LiteRT 2.3.0's reference FULLY_CONNECTED does not requantise in fixed point: `fully_connected.cc`
/// hands the float scales to the overloads of `reference_integer_ops::FullyConnected` /
/// `FullyConnectedPerChannel` that compute `round(double(acc) · (double(sIn) · double(sW) /
/// double(sOut)))` (C `round`: half away from zero). The fixed-point `MultiplyByQuantizedMultiplier`
/// agrees except where its first rounding lands on a tie (`op_fully_connected_keep_num_dims_int8`
/// has such an element), so the adapter passes `effectiveScales`; BATCH_MATMUL stays fixed-point.
public enum TFLiteQuantizedFullyConnected {
    /// `round(double(acc) · scale)` as C's `round` then `static_cast<int32_t>`.
    @inline(__always)
    public static func scaleRounded<A: BinaryInteger>(_ acc: A, _ scale: Double) -> Int32 {
        let v = (Double(acc) * scale).rounded(.toNearestOrAwayFromZero)
        return Int32(exactly: v) ?? (v < 0 ? Int32.min : Int32.max)
    }

    /// The effective output scales `double(sIn) · double(sW[o]) / double(sOut)` per output unit
    /// (one for per-tensor weights).
    public static func effectiveScales(inputScale: Float, filterScales: [Float], outputScale: Float) -> [Double] {
        filterScales.map { Double(inputScale) * Double($0) / Double(outputScale) }
    }

    /// 8-bit FULLY_CONNECTED: `acc = Σ (w + filterOffset)·(x + inputOffset) + bias[o]`, then
    /// `clamp(MultiplyByQuantizedMultiplier(acc, m[o]) + outputOffset)`. One multiplier for
    /// per-tensor weights, one per output unit for per-channel weights.
    public static func fullyConnected<T: FixedWidthInteger, W: FixedWidthInteger>(
        batches: Int, accumDepth: Int, outputDepth: Int,
        input: UnsafeBufferPointer<T>, filter: UnsafeBufferPointer<W>, bias: UnsafeBufferPointer<Int32>?,
        multipliers: [TFLiteQuantizationParams.Multiplier], offsets o: TFLiteQuantizedConvolution.Offsets,
        rounding: TFLiteFixedPoint.Rounding = TFLiteFixedPoint.liteRT, effectiveScales: [Double]? = nil,
        output: UnsafeMutableBufferPointer<T>
    ) {
        precondition(multipliers.count == 1 || multipliers.count == outputDepth)
        precondition(effectiveScales.map { $0.count == 1 || $0.count == outputDepth } ?? true)
        precondition(input.count >= batches * accumDepth && filter.count >= outputDepth * accumDepth && output.count >= batches * outputDepth)
        for b in 0..<batches {
            for oc in 0..<outputDepth {
                var acc: Int32 = 0
                let xBase = b * accumDepth, wBase = oc * accumDepth
                for d in 0..<accumDepth {
                    acc = acc &+ (Int32(filter[wBase + d]) &+ o.filterOffset) &* (Int32(input[xBase + d]) &+ o.inputOffset)
                }
                if let bias { acc = acc &+ bias[oc] }
                let scaled: Int32
                if let e = effectiveScales {
                    scaled = scaleRounded(acc, e.count == 1 ? e[0] : e[oc])
                } else {
                    scaled = (multipliers.count == 1 ? multipliers[0] : multipliers[oc]).apply(acc, rounding: rounding)
                }
                let v = scaled &+ o.outputOffset
                output[b * outputDepth + oc] = T(truncatingIfNeeded: min(max(v, o.activationMin), o.activationMax))
            }
        }
    }

    /// FULLY_CONNECTED 16x8: int16 inputs, int8 weights, 64-bit accumulator and bias, requantised
    /// as LiteRT 2.3.0's reference does with `effectiveScales` (`round(double(acc) · scale)`).
    /// Without them the accumulator is narrowed to int32 and requantised with the 32-bit
    /// `MultiplyByQuantizedMultiplier` (the 64-bit overload, which reduces the multiplier to 16
    /// bits, is off by one LSB on `op_fully_connected_none_int16x8`; CONV_2D/DEPTHWISE 16x8 do use it).
    public static func fullyConnected16x8(
        batches: Int, accumDepth: Int, outputDepth: Int,
        input: UnsafeBufferPointer<Int16>, filter: UnsafeBufferPointer<Int8>, bias: [Int64]?,
        multipliers: [TFLiteQuantizationParams.Multiplier], filterOffset: Int32 = 0, outputOffset: Int32 = 0,
        activationMin: Int32, activationMax: Int32, effectiveScales: [Double]? = nil, output: UnsafeMutableBufferPointer<Int16>
    ) {
        precondition(multipliers.count == 1 || multipliers.count == outputDepth)
        for b in 0..<batches {
            for oc in 0..<outputDepth {
                var acc: Int64 = 0
                for d in 0..<accumDepth {
                    acc = acc &+ Int64(Int32(filter[oc * accumDepth + d]) + filterOffset) * Int64(input[b * accumDepth + d])
                }
                if let bias { acc = acc &+ bias[oc] }
                let scaled: Int32
                if let e = effectiveScales {
                    scaled = scaleRounded(acc, e.count == 1 ? e[0] : e[oc])
                } else {
                    scaled = (multipliers.count == 1 ? multipliers[0] : multipliers[oc]).apply(Int32(truncatingIfNeeded: acc))
                }
                let v = scaled &+ outputOffset
                output[b * outputDepth + oc] = Int16(truncatingIfNeeded: min(max(v, activationMin), activationMax))
            }
        }
    }

    /// BATCH_MATMUL on int8 (`reference_ops::BatchMatMul` with int8 operands): `lhs [.., M, K]`,
    /// `rhs [.., K, N]` (already transposed as the op's adj_x/adj_y ask), broadcast batches;
    /// `acc = Σ (lhs + lhsOffset)·(rhs + rhsOffset)` then the per-tensor requantisation.
    public static func batchMatMul(
        shape: IntegerKernels.MatMulShape, lhs: UnsafeBufferPointer<Int8>, rhs: UnsafeBufferPointer<Int8>,
        lhsOffset: Int32, rhsOffset: Int32, multiplier: TFLiteQuantizationParams.Multiplier, outputOffset: Int32,
        activationMin: Int32, activationMax: Int32, rounding: TFLiteFixedPoint.Rounding = TFLiteFixedPoint.liteRT,
        output: UnsafeMutableBufferPointer<Int8>
    ) {
        let (m, k, n) = (shape.m, shape.k, shape.n)
        IntegerKernels.forEachBatch(shape) { out, a, b in
            for i in 0..<m {
                for j in 0..<n {
                    var acc: Int32 = 0
                    for p in 0..<k {
                        let x = Int32(lhs[a * m * k + i * k + p]) &+ lhsOffset
                        let y = Int32(rhs[b * k * n + p * n + j]) &+ rhsOffset
                        acc = acc &+ x &* y
                    }
                    let v = multiplier.apply(acc, rounding: rounding) &+ outputOffset
                    output[out * m * n + i * n + j] = Int8(truncatingIfNeeded: min(max(v, activationMin), activationMax))
                }
            }
        }
    }
}
