/// Quantised elementwise math of TFLite's builtin kernels (google-ai-edge/LiteRT `tflite/kernels/
/// elementwise.cc`, `squared_difference.cc`, `internal/common.h`; `ai-edge-litert` 2.3.0): ABS,
/// RSQRT (int8, fixed point), SQRT (int8 / int16, through float), SQUARED_DIFFERENCE (int8). The
/// ops that LiteRT tabulates (LOG, RSQRT int16, EXP, GELU) use `TFLiteLookupTable`.
public enum TFLiteQuantizedMath {
    /// `MultiplyByQuantizedMultiplierSmallerThanOneExp`: `RoundingDivideByPOT(SRDHM(x, m), −shift)`
    /// (the double-rounding form, whatever the build's `MultiplyByQuantizedMultiplier` does).
    @inline(__always)
    public static func multiplySmallerThanOne(_ x: Int32, _ m: TFLiteQuantizationParams.Multiplier) -> Int32 {
        TFLiteFixedPoint.multiplyByQuantizedMultiplier(x, m.multiplier, m.shift, rounding: .double)
    }

    /// ABS (`AbsEvalQuantized`): `|q − zeroPoint|`, rescaled by `sIn/sOut` when the scales differ
    /// (`multiplier` non-nil), plus the output zero point, clamped to `[lo, hi]`.
    @inline(__always)
    public static func abs(_ q: Int32, inputZeroPoint: Int32, outputZeroPoint: Int32, multiplier: TFLiteQuantizationParams.Multiplier?,
                           lo: Int32, hi: Int32) -> Int32 {
        let value = Swift.abs(q &- inputZeroPoint)
        let v = (multiplier.map { $0.apply(value) } ?? value) &+ outputZeroPoint
        return min(max(v, lo), hi)
    }

    /// `GetInvSqrtQuantizedMultiplierExp(input, reverse_shift)` (`common.h`): 1/√input as a Q0.31
    /// multiplier and a shift, by five Newton–Raphson steps in gemmlowp fixed point (3 integer
    /// bits), the input first normalised into [2^27, 2^29) by pairs of bits.
    public static func invSqrtQuantizedMultiplierExp(_ value: Int32, reverseShift: Int) -> (multiplier: Int32, shift: Int) {
        if value <= 1 { return (Int32.max, 0) }
        var input = value, shift = 11
        while input >= (1 << 29) {
            input /= 4
            shift += 1
        }
        let maxLeftShiftBits = TFLiteFixedPoint.countLeadingZeros(UInt32(input)) - 1
        let leftShiftBitPairs = maxLeftShiftBits / 2 - 1
        shift -= leftShiftBitPairs
        input <<= Int32(2 * leftShiftBitPairs)
        typealias FP = TFLiteFixedPoint
        // F3 values (3 integer bits); a product of Fa and Fb has a + b integer bits.
        let fixedInput = input >> 1
        let halfInput = FP.roundingDivideByPOT(fixedInput, 1)
        let halfThree: Int32 = (1 << 28) + (1 << 27)
        var x: Int32 = 1 << 28  // F3 one
        for _ in 0..<5 {
            let x3 = FP.saturatingRoundingMultiplyByPOT(FP.saturatingRoundingDoublingHighMul(FP.saturatingRoundingDoublingHighMul(x, x), x), 6)
            let difference = FP.saturatingRoundingDoublingHighMul(halfThree, x) &- FP.saturatingRoundingDoublingHighMul(halfInput, x3)
            x = FP.saturatingRoundingMultiplyByPOT(difference, 3)
        }
        let halfSqrt2: Int32 = 1_518_500_250  // F0 √2/2
        var multiplier = FP.saturatingRoundingDoublingHighMul(x, halfSqrt2)
        if shift < 0 {
            multiplier <<= Int32(-shift)
            shift = 0
        }
        return (multiplier, shift * reverseShift)
    }

    /// int8 L2_NORMALIZATION (`reference_integer_ops::L2Normalization`; output scale 1/128, zero
    /// point 0) over rows of `depth`: the sum of squared differences to the input zero point
    /// (int32), its inverse square root (`GetInvSqrtQuantizedMultiplierExp`, reverse shift −1),
    /// each difference multiplied by it with 7 more bits of left shift, clamped to int8.
    public static func l2Normalization8(_ input: UnsafeBufferPointer<Int8>, depth: Int, inputZeroPoint: Int32,
                                        output: UnsafeMutableBufferPointer<Int8>) {
        precondition(depth > 0 && input.count % depth == 0 && output.count == input.count)
        let outputScaleBits = 7
        for row in 0..<(input.count / depth) {
            let base = row * depth
            var acc: Int32 = 0
            for c in 0..<depth {
                let d = Int32(input[base + c]) - inputZeroPoint
                acc = acc &+ d &* d
            }
            let (multiplier, shift) = invSqrtQuantizedMultiplierExp(acc, reverseShift: -1)
            for c in 0..<depth {
                let d = Int32(input[base + c]) - inputZeroPoint
                let v = TFLiteFixedPoint.multiplyByQuantizedMultiplier(d, multiplier, shift + outputScaleBits)
                output[base + c] = Int8(min(max(v, Int32(Int8.min)), Int32(Int8.max)))
            }
        }
    }

    /// RSQRT int8 (`RsqrtEvalQuantizedInt8`): for `v = q − zeroPoint`, 0 gives the type's maximum;
    /// otherwise `MultiplyByQuantizedMultiplier(1, invSqrt(v), shift + 20)` rescaled by
    /// `1 / (√sIn · sOut)` with the shift lowered by 20, plus the output zero point, clamped.
    public static func rsqrt8(_ q: Int32, inputZeroPoint: Int32, outputZeroPoint: Int32, multiplier m: TFLiteQuantizationParams.Multiplier) -> Int8 {
        let value = q &- inputZeroPoint
        let kShift = 20
        if value == 0 { return Int8.max }
        let (inverse, shift) = invSqrtQuantizedMultiplierExp(value, reverseShift: -1)
        let data = TFLiteFixedPoint.multiplyByQuantizedMultiplier(1, inverse, shift + kShift)
        let output = TFLiteFixedPoint.multiplyByQuantizedMultiplier(data, m.multiplier, m.shift - kShift) &+ outputZeroPoint
        return Int8(min(max(output, Int32(Int8.min)), Int32(Int8.max)))
    }

    /// The multiplier of RSQRT int8 (`SetRsqrtOutputMultiplier`): `1 / (sqrt(sIn) · sOut)` with
    /// `std::sqrt(float)` and the product in float, then widened to double.
    public static func rsqrtMultiplier(inputScale: Float, outputScale: Float) -> TFLiteQuantizationParams.Multiplier {
        TFLiteQuantizationParams.Multiplier(1.0 / Double(inputScale.squareRoot() * outputScale))
    }

    /// SQRT int8 / int16 (`SqrtEvalQuantized<T>`, `elementwise.cc`): `v = sIn · float(q − zIn)`,
    /// nil (LiteRT's "only defined for non-negative values" error) when `v < 0`, else
    /// `int(sqrtf(v) / sOut) + zOut` — truncated toward zero, not rounded — clamped to `[lo, hi]`.
    @inline(__always)
    public static func sqrt(_ q: Int32, inputScale: Float, inputZeroPoint: Int32, outputScale: Float, outputZeroPoint: Int32,
                            lo: Int32, hi: Int32) -> Int32? {
        let v = inputScale * Float(q &- inputZeroPoint)
        guard v >= 0 else { return nil }
        let output = TFLiteFixedPoint.truncatingToInt32(v.squareRoot() / outputScale) &+ outputZeroPoint
        return min(max(output, lo), hi)
    }

    /// SQUARED_DIFFERENCE int8 parameters (`squared_difference.cc` Prepare): both inputs shifted
    /// left by 7 and scaled by `s / (2·max(s1, s2))`, the squared difference by
    /// `(2·max)² / (2^14 · sOut)`; every multiplier `QuantizeMultiplierSmallerThanOneExp`.
    public struct SquaredDifferenceParams: Sendable {
        public var input1Offset: Int32, input2Offset: Int32, outputOffset: Int32
        public var input1: TFLiteQuantizationParams.Multiplier, input2: TFLiteQuantizationParams.Multiplier
        public var output: TFLiteQuantizationParams.Multiplier

        public init(input1Scale: Float, input1ZeroPoint: Int32, input2Scale: Float, input2ZeroPoint: Int32, outputScale: Float, outputZeroPoint: Int32) {
            input1Offset = -input1ZeroPoint
            input2Offset = -input2ZeroPoint
            outputOffset = outputZeroPoint
            let twiceMax = Double(2 * max(input1Scale, input2Scale))
            input1 = TFLiteQuantizationParams.Multiplier(Double(input1Scale) / twiceMax)
            input2 = TFLiteQuantizationParams.Multiplier(Double(input2Scale) / twiceMax)
            output = TFLiteQuantizationParams.Multiplier(twiceMax * twiceMax / Double(Float(1 << 14) * outputScale))
        }
    }

    /// One int8 SQUARED_DIFFERENCE element (`SquaredDifference(int8_t, int8_t, params)`).
    @inline(__always)
    public static func squaredDifference(_ a: Int32, _ b: Int32, _ p: SquaredDifferenceParams) -> Int32 {
        let x = multiplySmallerThanOne((p.input1Offset &+ a) &* 128, p.input1)
        let y = multiplySmallerThanOne((p.input2Offset &+ b) &* 128, p.input2)
        let d = x &- y
        let v = multiplySmallerThanOne(d &* d, p.output) &+ p.outputOffset
        return min(max(v, Int32(Int8.min)), Int32(Int8.max))
    }
}
