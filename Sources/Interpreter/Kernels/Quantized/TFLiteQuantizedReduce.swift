import Foundation

/// Quantised MEAN and SUM as `reference_ops::QuantizedMeanOrSum` computes them
/// (`tflite/kernels/internal/reference/reduce.h`, google-ai-edge/LiteRT, `ai-edge-litert`
/// 2.3.0): an Int32 sum over the reduced axes, the zero point removed once per element, then
/// one `MultiplyByQuantizedMultiplier` with the `sIn/sOut` multiplier — for MEAN with
/// `1/count` folded into it by shifting the multiplier left by ⌊log2 count⌋ (at most 32 and
/// at most 31 + shift) and dividing it by the count.
public enum TFLiteQuantizedReduce {
    /// The requantisation multiplier of MEAN (`compute_sum == false`) over `count` elements.
    public static func meanMultiplier(_ m: TFLiteQuantizationParams.Multiplier, count: Int) -> TFLiteQuantizationParams.Multiplier {
        precondition(count > 0)
        var shift = 63 - UInt64(count).leadingZeroBitCount
        shift = min(shift, 32)
        shift = min(shift, 31 + m.shift)
        let multiplier = Int32(truncatingIfNeeded: (Int64(m.multiplier) << Int64(shift)) / Int64(count))
        return TFLiteQuantizationParams.Multiplier(multiplier: multiplier, shift: m.shift - shift)
    }

    /// MEAN (or SUM, `sum: true`) of `input` (shape `shape`) over `axes` (non-negative,
    /// deduplicated), keeping reduced axes as size 1 in the row-major output order.
    public static func meanOrSum<T: FixedWidthInteger>(_ input: UnsafeBufferPointer<T>, shape: [Int], axes: [Int],
                                                       inputZeroPoint: Int32, outputZeroPoint: Int32,
                                                       multiplier: TFLiteQuantizationParams.Multiplier, sum: Bool,
                                                       rounding: TFLiteFixedPoint.Rounding = TFLiteFixedPoint.liteRT,
                                                       output: UnsafeMutableBufferPointer<T>) {
        let reduced = Set(axes)
        let outShape = shape.enumerated().map { reduced.contains($0.offset) ? 1 : $0.element }
        precondition(output.count == outShape.reduce(1, *))
        var sums = [Int32](repeating: 0, count: output.count)
        if input.count > 0 {
            Broadcast.forEach(shape, inputs: [outShape]) { i, offsets in
                sums[offsets[0]] = sums[offsets[0]] &+ Int32(input[i])
            }
        }
        let count = reduced.reduce(1) { $0 * shape[$1] }
        for i in 0..<output.count { output[i] = 0 }
        guard count > 0, input.count > 0 else { return }
        let m = sum ? multiplier : meanMultiplier(multiplier, count: count)
        for i in 0..<output.count {
            let shifted = sums[i] &- inputZeroPoint &* Int32(truncatingIfNeeded: count)
            let v = m.apply(shifted, rounding: rounding) &+ outputZeroPoint
            output[i] = T(truncatingIfNeeded: min(max(v, Int32(T.min)), Int32(T.max)))
        }
    }
}

extension TFLiteQuantizedReduce {
    /// The per-step multiplier of quantised REDUCE_PROD (`reduce.cc` `GetQuantProdScaling`):
    /// `inputScale / outputScale^(1/n)` for `n` elements per output, so that the product of n
    /// rescaled factors lands on the output's scale.
    public static func prodMultiplier(inputScale: Float, outputScale: Float, count: Int) -> TFLiteQuantizationParams.Multiplier {
        TFLiteQuantizationParams.Multiplier(Double(inputScale) / Foundation.pow(Double(outputScale), 1.0 / Double(count)))
    }

    /// REDUCE_PROD of int8 / int16 codes as `reference_ops::QuantizedReduceProd`: elements visited
    /// in row-major order; an output's first element starts its product as `q − zero point`, every
    /// further one multiplies it in int64 and rescales at once (`MultiplyByQuantizedMultiplier`, int64
    /// form); at the end one more rescale, plus the output zero point, clamped.
    public static func prod<T: FixedWidthInteger>(_ input: UnsafeBufferPointer<T>, shape: [Int], axes: [Int],
                                                  inputZeroPoint: Int32, outputZeroPoint: Int32,
                                                  multiplier m: TFLiteQuantizationParams.Multiplier,
                                                  output: UnsafeMutableBufferPointer<T>) {
        let reduced = Set(axes)
        let outShape = shape.enumerated().map { reduced.contains($0.offset) ? 1 : $0.element }
        precondition(output.count == outShape.reduce(1, *))
        var products = [Int32](repeating: 0, count: output.count)
        var started = [Bool](repeating: false, count: output.count)
        if input.count > 0 {
            Broadcast.forEach(shape, inputs: [outShape]) { i, offsets in
                let o = offsets[0], v = Int32(input[i]) &- inputZeroPoint
                if started[o] {
                    products[o] = TFLiteFixedPoint.multiplyByQuantizedMultiplier(Int64(products[o]) &* Int64(v), m.multiplier, m.shift)
                } else {
                    products[o] = v
                    started[o] = true
                }
            }
        }
        for i in 0..<output.count {
            let v = TFLiteFixedPoint.multiplyByQuantizedMultiplier(Int64(products[i]), m.multiplier, m.shift) &+ outputZeroPoint
            output[i] = T(truncatingIfNeeded: min(max(v, Int32(T.min)), Int32(T.max)))
        }
    }
}
