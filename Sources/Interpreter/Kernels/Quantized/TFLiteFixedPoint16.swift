/// gemmlowp's fixed-point functions on 16-bit raws (`FixedPoint<int16_t, m>`, google/gemmlowp
/// `fixedpoint/fixedpoint.h`, scalar path), which TFLite's integer LSTM calls through
/// `PortableApplySigmoid` / `PortableApplyTanh` (google-ai-edge/LiteRT
/// `tflite/kernels/internal/reference/portable_tensor_utils.cc`). A Qm value of int16 has m
/// integer bits and `15 − m` fractional bits. The names end in 16 (`logistic16`); what differs
/// from the 32-bit functions:
/// - the constants are the 32-bit ones rounding-shifted right by 16
///   (`RescaleConstantInitializer`);
/// - the last addition of `exp_on_interval_between_negative_one_quarter_and_0_excl` saturates
///   (`AddSaturatingIf16Bit`);
/// - every other `+`, `−` and negation wraps in 16 bits, as C++ narrows `int` back to `int16_t`.
extension TFLiteFixedPoint {
    /// `RescaleConstantInitializer<int16>`: a 32-bit fixed-point constant at 16-bit precision.
    @inline(__always)
    static func constant16(_ raw32: Int32) -> Int16 { Int16(truncatingIfNeeded: roundingDivideByPOT(raw32, 16)) }

    /// gemmlowp `SaturatingRoundingMultiplyByPOT` on int16.
    @inline(__always)
    public static func saturatingRoundingMultiplyByPOT16(_ x: Int16, _ exponent: Int) -> Int16 {
        if exponent == 0 { return x }
        if exponent < 0 { return roundingDivideByPOT(x, -exponent) }
        let threshold = Int32((1 << (15 - exponent)) - 1)
        if Int32(x) > threshold { return Int16.max }
        if Int32(x) < -threshold { return Int16.min }
        return Int16(truncatingIfNeeded: Int32(x) << Int32(exponent))
    }

    /// gemmlowp `RoundingHalfSum` (int16).
    @inline(__always)
    public static func roundingHalfSum16(_ a: Int16, _ b: Int16) -> Int16 {
        let sum = Int32(a) + Int32(b)
        return Int16(truncatingIfNeeded: (sum + (sum >= 0 ? 1 : -1)) / 2)
    }

    /// gemmlowp `SaturatingAdd` (int16).
    @inline(__always)
    public static func saturatingAdd16(_ a: Int16, _ b: Int16) -> Int16 { Int16(clamping: Int32(a) + Int32(b)) }

    /// `exp_on_interval_between_negative_one_quarter_and_0_excl` on a Q0.15 `a` in [−1/4, 0).
    public static func expOnIntervalBetweenNegativeOneQuarterAnd0Excl16(_ a: Int16) -> Int16 {
        let constantTerm = constant16(1_895_147_668), oneThird = constant16(715_827_883)
        let x = a &+ (1 << 12)  // a + 1/8
        let x2 = saturatingRoundingDoublingHighMul(x, x)
        let x3 = saturatingRoundingDoublingHighMul(x2, x)
        let x4 = saturatingRoundingDoublingHighMul(x2, x2)
        let x4Over4 = saturatingRoundingMultiplyByPOT16(x4, -2)
        let inner = saturatingRoundingDoublingHighMul(x4Over4 &+ x3, oneThird) &+ x2
        let poly = saturatingRoundingMultiplyByPOT16(inner, -1)
        return saturatingAdd16(constantTerm, saturatingRoundingDoublingHighMul(constantTerm, x &+ poly))
    }

    /// `exp_on_negative_values` for an int16 `a` ≤ 0 with `integerBits` integer bits; Q0.15.
    public static func expOnNegativeValues16(_ a: Int16, integerBits k: Int) -> Int16 {
        let fractionalBits = 15 - k
        let oneQuarter = Int16(1) << Int16(fractionalBits - 2)
        let mask = oneQuarter &- 1
        let aModQuarterMinusOneQuarter = (a & mask) &- oneQuarter
        var result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl16(saturatingRoundingMultiplyByPOT16(aModQuarterMinusOneQuarter, k))
        let remainder = aModQuarterMinusOneQuarter &- a
        for (exponent, value) in barrelMultipliers where k > exponent {
            let bit = Int32(1) << Int32(fractionalBits + exponent)
            if Int32(remainder) & bit != 0 { result = saturatingRoundingDoublingHighMul(result, constant16(value)) }
        }
        if k > 5 {
            let clamp = constant16(-(Int32(1) << Int32(36 - k)))  // -32.0
            if a < clamp { result = 0 }
        }
        if a == 0 { result = Int16.max }
        return result
    }

    /// The Newton–Raphson iteration of both int16 reciprocals: Q2.13 ≈ 2/(1+a).
    static func newtonReciprocalOfHalfDenominator16(_ a: Int16) -> Int16 {
        let halfDenominator = roundingHalfSum16(a, Int16.max)
        let c48over17 = constant16(1_515_870_810), cNeg32over17 = constant16(-1_010_580_540)
        let oneQ2: Int16 = 1 << 13
        var x = c48over17 &+ saturatingRoundingDoublingHighMul(halfDenominator, cNeg32over17)
        for _ in 0..<3 {
            let halfDenominatorTimesX = saturatingRoundingDoublingHighMul(halfDenominator, x)
            let oneMinus = oneQ2 &- halfDenominatorTimesX
            x = x &+ saturatingRoundingMultiplyByPOT16(saturatingRoundingDoublingHighMul(x, oneMinus), 2)
        }
        return x
    }

    /// `one_over_one_plus_x_for_x_in_0_1` (int16): Q0.15.
    public static func oneOverOnePlusXForXIn0116(_ a: Int16) -> Int16 {
        saturatingRoundingMultiplyByPOT16(newtonReciprocalOfHalfDenominator16(a), 1)
    }

    /// `one_minus_x_over_one_plus_x_for_x_in_0_1` (int16): Q0.15.
    public static func oneMinusXOverOnePlusXForXIn0116(_ a: Int16) -> Int16 {
        saturatingRoundingMultiplyByPOT16(newtonReciprocalOfHalfDenominator16(a) &- (1 << 13), 2)
    }

    /// gemmlowp `logistic` of an int16 `a` with `integerBits` integer bits; Q0.15.
    public static func logistic16(_ a: Int16, integerBits k: Int) -> Int16 {
        if a == 0 { return constant16(1 << 30) }
        let positive = a > 0
        let absInput = positive ? a : 0 &- a
        let resultIfPositive = oneOverOnePlusXForXIn0116(expOnNegativeValues16(0 &- absInput, integerBits: k))
        return positive ? resultIfPositive : Int16.max &- resultIfPositive
    }

    /// gemmlowp `tanh` of an int16 `a` with `integerBits` integer bits; Q0.15.
    public static func tanh16(_ a: Int16, integerBits k: Int) -> Int16 {
        if a == 0 { return 0 }
        let negative = a < 0
        let n = negative ? a : 0 &- a
        let t = oneMinusXOverOnePlusXForXIn0116(expOnNegativeValues16(n, integerBits: k + 1))
        return negative ? 0 &- t : t
    }
}
