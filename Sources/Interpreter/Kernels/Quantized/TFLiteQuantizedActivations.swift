/// Quantised activations as TFLite's reference kernels compute them (google-ai-edge/LiteRT,
/// `ai-edge-litert` 2.3.0, `tflite/kernels/activations.cc` with `kReference`):
/// - 8-bit LOGISTIC, TANH, ELU: a 256-entry table built in Prepare (`TFLiteLookupTable`);
/// - int16 LOGISTIC / TANH: `reference_integer_ops::Logistic` / `Tanh` (interpolation in
///   `sigmoid_table_uint16`) with the input multiplier from `SigmoidPrepare` / `TanhPrepare`;
/// - HARD_SWISH: `reference_ops::HardSwish` (`reference/hard_swish.h`);
/// - LEAKY_RELU: `reference_ops::QuantizeLeakyRelu` (`reference/leaky_relu.h`);
/// - PRELU: `reference_ops::BroadcastPrelu4DSlow` / `Prelu` (`reference/prelu.h`);
/// - RELU, RELU6, RELU_N1_TO_1, RELU_0_TO_1: `ReluX` (rescale, then clamp).
public enum TFLiteQuantizedActivations {
    // MARK: int16 LOGISTIC / TANH

    /// The int16 input rescaling of LOGISTIC (`integerBits` 3, POT when the left shift is 0)
    /// and TANH (POT when it is 0 or 1): `(multiplier, leftShift)`, multiplier 0 meaning
    /// "power of two, use 3 << leftShift". Nil when the zero points are not 0 or the output
    /// scale is not 2^-15 (TFLite rejects those).
    public static func int16Rescaling(isTanh: Bool, inputScale: Float, inputZeroPoint: Int32,
                                      outputScale: Float, outputZeroPoint: Int32) -> (multiplier: Int32, leftShift: Int)? {
        guard inputZeroPoint == 0, outputZeroPoint == 0,
              let out = TFLiteFixedPoint.checkedLog2(outputScale), out.log2 == -15,
              let log = TFLiteFixedPoint.checkedLog2(inputScale) else { return nil }
        var leftShift = (15 - 3) + log.log2
        let isPOT = log.isPowerOfTwo && (leftShift == 0 || (isTanh && leftShift == 1))
        if isPOT { return (0, leftShift) }
        var multiplier = Double(inputScale) * 4096.0 * 3.0
        leftShift = 0
        while multiplier <= 32767.0 / 2.0 && leftShift <= 30 {
            leftShift += 1
            multiplier *= 2.0
        }
        return (Int32(multiplier), leftShift)
    }

    /// int16 LOGISTIC (`reference_integer_ops::Logistic(int32_t, int32_t, int32_t, const int16_t*, int16_t*)`).
    public static func logistic16(_ input: UnsafeBufferPointer<Int16>, multiplier m: Int32, leftShift s: Int,
                                  output: UnsafeMutableBufferPointer<Int16>) {
        var multiplier = m, shift = s
        if multiplier == 0 { multiplier = 3 << Int32(shift); shift = 0 }
        let round: Int32 = shift > 0 ? 1 << Int32(shift - 1) : 0
        let table = TFLiteLookupTable.sigmoidTableUInt16
        for i in 0..<input.count {
            let x = (Int32(input[i]) &* multiplier &+ round) >> Int32(shift)
            let absX = x.magnitude
            let uh = absX >> 9
            var result: UInt32
            if uh >= 255 {
                result = 0x7FFF << 10
            } else {
                let ua = UInt32(table[Int(uh)]), ub = UInt32(table[Int(uh) + 1])
                result = (ua << 9) &+ (absX & 0x1ff) &* (ub &- ua)
            }
            result = x >= 0 ? result &+ (1 << 9) : (UInt32(1) << 25) &- result &+ (1 << 9) &- 1
            output[i] = Int16(truncatingIfNeeded: result >> 10)
        }
    }

    /// int16 TANH (`reference_integer_ops::Tanh(int32_t, int32_t, …, const int16_t*, …)`).
    public static func tanh16(_ input: UnsafeBufferPointer<Int16>, multiplier m: Int32, leftShift s: Int,
                              output: UnsafeMutableBufferPointer<Int16>) {
        var multiplier = m, shift = s
        if multiplier == 0 { multiplier = 3 << Int32(shift); shift = 0 }
        let round: Int32 = shift > 0 ? 1 << Int32(shift - 1) : 0
        let table = TFLiteLookupTable.sigmoidTableUInt16
        for i in 0..<input.count {
            let x = (Int32(input[i]) &* multiplier &+ round) >> Int32(shift)
            let absX = x.magnitude
            let uh = absX >> 8
            var result: Int32
            if uh >= 255 {
                result = 0xFFFF << 8
            } else {
                let ua = UInt32(table[Int(uh)]), ub = UInt32(table[Int(uh) + 1])
                result = Int32(bitPattern: (ua << 8) &+ (absX & 0xFF) &* (ub &- ua))
            }
            result = x >= 0 ? result &- (1 << 23) &+ (1 << 7) : 0 &- result &+ (1 << 23) &+ (1 << 7) &- 1
            output[i] = Int16(truncatingIfNeeded: result >> 8)
        }
    }

    // MARK: HARD_SWISH

    /// The HARD_SWISH parameters from `HardSwishPrepare`.
    public struct HardSwishParams: Sendable, Equatable {
        public var inputZeroPoint: Int16, outputZeroPoint: Int16
        public var reluishMultiplier: Int16, reluishExponent: Int
        public var outputMultiplier: Int16, outputExponent: Int

        /// From the input/output scales and zero points (hi-res input scale = inputScale/128,
        /// "reluish" scale 3/32768; both multipliers downscaled to Q0.15).
        public init(inputScale: Float, inputZeroPoint: Int32, outputScale: Float, outputZeroPoint: Int32) {
            self.inputZeroPoint = Int16(truncatingIfNeeded: inputZeroPoint)
            self.outputZeroPoint = Int16(truncatingIfNeeded: outputZeroPoint)
            let hiresInputScale: Float = (1.0 / 128.0) * inputScale
            let reluishScale: Float = 3.0 / 32768.0
            let out = TFLiteFixedPoint.quantizeMultiplier(Double(hiresInputScale / outputScale))
            outputMultiplier = TFLiteFixedPoint.downScaleInt32ToInt16Multiplier(out.multiplier)
            outputExponent = out.shift
            let reluish = TFLiteFixedPoint.quantizeMultiplier(Double(hiresInputScale / reluishScale))
            reluishMultiplier = TFLiteFixedPoint.downScaleInt32ToInt16Multiplier(reluish.multiplier)
            reluishExponent = reluish.shift
        }
    }

    /// `SaturatingLeftShift(int16_t, amount)` of `reference/hard_swish.h`.
    @inline(__always)
    static func saturatingLeftShift(_ v: Int16, _ amount: Int) -> Int16 {
        Int16(clamping: Int64(v) * (Int64(1) << amount))
    }

    /// HARD_SWISH on int8/uint8 (`reference_ops::HardSwish(const HardSwishParams&, …)`).
    public static func hardSwish<T: FixedWidthInteger>(_ input: UnsafeBufferPointer<T>, _ p: HardSwishParams,
                                                       output: UnsafeMutableBufferPointer<T>) {
        typealias F = TFLiteFixedPoint
        for i in 0..<input.count {
            let inputValue = Int16(truncatingIfNeeded: Int32(input[i]) - Int32(p.inputZeroPoint))
            let hires = Int16(truncatingIfNeeded: Int32(inputValue) * (1 << 7))
            let preshiftOutput = F.saturatingRoundingDoublingHighMul(hires, p.outputMultiplier)
            var reluish = hires
            if p.reluishExponent > 0 { reluish = saturatingLeftShift(reluish, p.reluishExponent - 1) }
            reluish = F.saturatingRoundingDoublingHighMul(reluish, p.reluishMultiplier)
            if p.reluishExponent > 0 { reluish = saturatingLeftShift(reluish, 1) }
            if p.reluishExponent < 0 { reluish = F.roundingDivideByPOT(reluish, -p.reluishExponent) }
            reluish = Int16(truncatingIfNeeded: (Int32(reluish) + (1 << 15)) >> 1)
            let preshift = F.saturatingDoublingHighMul(reluish, preshiftOutput)
            var v = F.roundingDivideByPOT(preshift, -p.outputExponent)
            v = v &+ p.outputZeroPoint
            v = min(v, Int16(truncatingIfNeeded: T.max))
            v = max(v, Int16(truncatingIfNeeded: T.min))
            output[i] = T(truncatingIfNeeded: v)
        }
    }

    // MARK: LEAKY_RELU, PRELU, RELU family

    /// LEAKY_RELU (`QuantizeLeakyRelu`): identity multiplier `sIn/sOut` for x ≥ zp, alpha
    /// multiplier `sIn·alpha/sOut` (sign handled outside the fixed-point multiply) below.
    public static func leakyRelu<T: FixedWidthInteger>(_ input: UnsafeBufferPointer<T>, inputZeroPoint: Int32, outputZeroPoint: Int32,
                                                       identity: TFLiteQuantizationParams.Multiplier,
                                                       alpha: TFLiteQuantizationParams.Multiplier,
                                                       rounding: TFLiteFixedPoint.Rounding = TFLiteFixedPoint.liteRT,
                                                       output: UnsafeMutableBufferPointer<T>) {
        let negativeAlpha = alpha.multiplier < 0
        let safeAlpha = TFLiteQuantizationParams.Multiplier(multiplier: negativeAlpha ? 0 &- alpha.multiplier : alpha.multiplier,
                                                             shift: alpha.shift)
        for i in 0..<input.count {
            let x = Int32(input[i]) &- inputZeroPoint
            var v = outputZeroPoint
            if x >= 0 {
                v = v &+ identity.apply(x, rounding: rounding)
            } else {
                let scaled = safeAlpha.apply(x, rounding: rounding)
                v = v &+ (negativeAlpha ? 0 &- scaled : scaled)
            }
            output[i] = T(truncatingIfNeeded: min(max(v, Int32(T.min)), Int32(T.max)))
        }
    }

    /// PRELU on one input/alpha pair (`Prelu` / `BroadcastPrelu4DSlow`'s element op).
    @inline(__always)
    public static func prelu(_ x: Int32, _ alpha: Int32, inputOffset: Int32, alphaOffset: Int32, outputOffset: Int32,
                             positive: TFLiteQuantizationParams.Multiplier, negative: TFLiteQuantizationParams.Multiplier,
                             qmin: Int32, qmax: Int32, rounding: TFLiteFixedPoint.Rounding = TFLiteFixedPoint.liteRT) -> Int32 {
        let input = inputOffset &+ x
        let v: Int32
        if input >= 0 {
            v = positive.apply(input, rounding: rounding)
        } else {
            v = negative.apply(input &* (alphaOffset &+ alpha), rounding: rounding)
        }
        return min(max(v &+ outputOffset, qmin), qmax)
    }

    /// RELU / RELU6 / RELU_N1_TO_1 / RELU_0_TO_1 on quantised data (`optimized_ops::ReluX`,
    /// as `QuantizedReluX` sets it up): rescale by `sIn/sOut` around the zero points, then clamp
    /// to the bounds quantised with the output parameters (`zp + int32(roundf(bound / scale))`).
    public static func reluX<T: FixedWidthInteger>(_ input: UnsafeBufferPointer<T>, lower: Float, upper: Float?,
                                                   inputZeroPoint: Int32, outputScale: Float, outputZeroPoint: Int32,
                                                   multiplier: TFLiteQuantizationParams.Multiplier,
                                                   rounding: TFLiteFixedPoint.Rounding = TFLiteFixedPoint.liteRT,
                                                   output: UnsafeMutableBufferPointer<T>) {
        let lo = max(Int32(T.min), outputZeroPoint &+ Int32(TFLiteFixedPoint.round(lower / outputScale)))
        let hi = upper.map { min(Int32(T.max), outputZeroPoint &+ Int32(TFLiteFixedPoint.round($0 / outputScale))) } ?? Int32(T.max)
        for i in 0..<input.count {
            let v = multiplier.apply(Int32(input[i]) &- inputZeroPoint, rounding: rounding) &+ outputZeroPoint
            output[i] = T(truncatingIfNeeded: min(max(v, lo), hi))
        }
    }
}
