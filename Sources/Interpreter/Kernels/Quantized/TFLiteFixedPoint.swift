#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// TFLite's integer arithmetic, computed exactly as its reference kernels compute it.
///
/// Sources (the functions below mirror these, name for name):
/// - `tflite/kernels/internal/common.h`, `common.cc`, `quantization_util.cc` in
///   google-ai-edge/LiteRT (the source of the `ai-edge-litert` 2.3.0 wheel; the same files live
///   under `tensorflow/lite/kernels/internal/` in tensorflow/tensorflow 2.x);
/// - `fixedpoint/fixedpoint.h` in google/gemmlowp (the scalar, non-SIMD path).
///
/// Fixed-point values are plain `Int32` raws; a value "Qm" has m integer bits and `31 − m`
/// fractional bits (gemmlowp's `FixedPoint<int32_t, m>`). Where C++ relies on two's-complement
/// wrap-around (signed overflow in `+`, `-`, `*`), the Swift code wraps explicitly (`&+`).
public enum TFLiteFixedPoint {
    /// Which `MultiplyByQuantizedMultiplier` a TFLite build uses.
    public enum Rounding: String, Sendable, CaseIterable {
        /// Default builds (no `TFLITE_SINGLE_ROUNDING`): gemmlowp's
        /// `SaturatingRoundingDoublingHighMul` then `RoundingDivideByPOT` — two roundings.
        case double
        /// Builds with `TFLITE_SINGLE_ROUNDING=1` (e.g. some TFLite Micro ports): one
        /// `(x·m + 2^(s−1)) >> s` in 64 bits, ties toward +∞.
        case single
    }

    /// The variant the pinned LiteRT (`ai-edge-litert` 2.3.0, x86-64 wheel) is built with.
    /// `TFLiteQuantizedKernelTests.testLiteRTUsesDoubleRounding` proves it against LiteRT output.
    public static let liteRT: Rounding = .double

    // MARK: gemmlowp scalar primitives (fixedpoint/fixedpoint.h)

    /// gemmlowp `SaturatingRoundingDoublingHighMul` (int32): `a·b / 2^31` rounded to nearest
    /// (nudge, then C division toward zero: ties go toward +∞), saturating
    /// the single overflow case `INT32_MIN · INT32_MIN` to `INT32_MAX`. ARM `VQRDMULH`.
    @inline(__always)
    public static func saturatingRoundingDoublingHighMul(_ a: Int32, _ b: Int32) -> Int32 {
        if a == b && a == Int32.min { return Int32.max }
        let ab = Int64(a) * Int64(b)
        let nudge: Int64 = ab >= 0 ? (1 << 30) : (1 - (1 << 30))
        return Int32(truncatingIfNeeded: (ab + nudge) / (Int64(1) << 31))  // C division truncates toward zero
    }

    /// gemmlowp `SaturatingRoundingDoublingHighMul` (int16): `a·b / 2^15` rounded to nearest.
    @inline(__always)
    public static func saturatingRoundingDoublingHighMul(_ a: Int16, _ b: Int16) -> Int16 {
        if a == b && a == Int16.min { return Int16.max }
        let ab = Int32(a) * Int32(b)
        let nudge: Int32 = ab >= 0 ? (1 << 14) : (1 - (1 << 14))
        return Int16(truncatingIfNeeded: (ab + nudge) / (1 << 15))
    }

    /// TFLite `SaturatingDoublingHighMul` (int16, `reference/hard_swish.h`): like the rounding
    /// version but truncating toward zero (ARM `SQDMULH`).
    @inline(__always)
    public static func saturatingDoublingHighMul(_ a: Int16, _ b: Int16) -> Int16 {
        if a == b && a == Int16.min { return Int16.max }
        return Int16(truncatingIfNeeded: (Int32(a) * Int32(b)) / (1 << 15))
    }

    /// gemmlowp `RoundingDivideByPOT`: `x / 2^exponent` rounded to nearest, ties away from
    /// zero (an arithmetic right shift with rounding). `exponent` in 0…31.
    @inline(__always)
    public static func roundingDivideByPOT(_ x: Int32, _ exponent: Int) -> Int32 {
        precondition(exponent >= 0 && exponent <= 31, "RoundingDivideByPOT exponent \(exponent) outside 0…31")
        let mask = Int32(truncatingIfNeeded: (Int64(1) << exponent) - 1)
        let remainder = x & mask
        let threshold = (mask >> 1) + (x < 0 ? 1 : 0)
        return (x >> Int32(exponent)) + (remainder > threshold ? 1 : 0)
    }

    /// gemmlowp `RoundingDivideByPOT` on int16 values.
    @inline(__always)
    public static func roundingDivideByPOT(_ x: Int16, _ exponent: Int) -> Int16 {
        precondition(exponent >= 0 && exponent <= 15, "RoundingDivideByPOT exponent \(exponent) outside 0…15")
        let mask = Int16(truncatingIfNeeded: (Int32(1) << exponent) - 1)
        let remainder = x & mask
        let threshold = (mask >> 1) + (x < 0 ? 1 : 0)
        return (x >> Int16(exponent)) + (remainder > threshold ? 1 : 0)
    }

    /// gemmlowp `SaturatingRoundingMultiplyByPOT<exponent>` (and TFLite's run-time
    /// `SaturatingRoundingMultiplyByPOTParam`): a saturating left shift for `exponent > 0`,
    /// `RoundingDivideByPOT` for `exponent < 0`.
    @inline(__always)
    public static func saturatingRoundingMultiplyByPOT(_ x: Int32, _ exponent: Int) -> Int32 {
        if exponent == 0 { return x }
        if exponent < 0 { return roundingDivideByPOT(x, -exponent) }
        let threshold = Int32(truncatingIfNeeded: (Int64(1) << (31 - exponent)) - 1)
        if x > threshold { return Int32.max }
        if x < -threshold { return Int32.min }
        return x << Int32(exponent)
    }

    /// gemmlowp `RoundingHalfSum` (int32): `(a + b) / 2` rounded to nearest, ties away from zero.
    @inline(__always)
    public static func roundingHalfSum(_ a: Int32, _ b: Int32) -> Int32 {
        let sum = Int64(a) + Int64(b)
        return Int32(truncatingIfNeeded: (sum + (sum >= 0 ? 1 : -1)) / 2)
    }

    /// gemmlowp `Rescale<to>(FixedPoint<from>)`: changes the number of integer bits.
    @inline(__always)
    public static func rescale(_ x: Int32, from: Int, to: Int) -> Int32 {
        saturatingRoundingMultiplyByPOT(x, from - to)
    }

    /// gemmlowp `FixedPoint<int32_t, m>::One()` (Q0: `INT32_MAX`, the closest value to 1).
    @inline(__always)
    public static func one(integerBits m: Int) -> Int32 { m == 0 ? Int32.max : Int32(1) << Int32(31 - m) }

    // MARK: gemmlowp transcendental functions

    /// gemmlowp `exp_on_interval_between_negative_one_quarter_and_0_excl`: exp(a) for a Q0.31
    /// `a` in [−1/4, 0), by a 4th-order Taylor expansion around −1/8. Returns Q0.31.
    public static func expOnIntervalBetweenNegativeOneQuarterAnd0Excl(_ a: Int32) -> Int32 {
        let constantTerm: Int32 = 1_895_147_668  // exp(-1/8) in Q0.31
        let oneThird: Int32 = 715_827_883  // 1/3 in Q0.31
        let x = a &+ (1 << 28)  // a + 1/8
        let x2 = saturatingRoundingDoublingHighMul(x, x)
        let x3 = saturatingRoundingDoublingHighMul(x2, x)
        let x4 = saturatingRoundingDoublingHighMul(x2, x2)
        let x4Over4 = saturatingRoundingMultiplyByPOT(x4, -2)
        let inner = saturatingRoundingDoublingHighMul(x4Over4 &+ x3, oneThird) &+ x2
        let poly = saturatingRoundingMultiplyByPOT(inner, -1)
        return constantTerm &+ saturatingRoundingDoublingHighMul(constantTerm, x &+ poly)
    }

    /// gemmlowp `exp_on_negative_values`: exp(a) for a ≤ 0 given with `integerBits` integer
    /// bits; returns Q0.31 (`INT32_MAX` for a = 0).
    public static func expOnNegativeValues(_ a: Int32, integerBits k: Int) -> Int32 {
        let fractionalBits = 31 - k
        let oneQuarter = Int32(1) << Int32(fractionalBits - 2)
        let mask = oneQuarter - 1
        let aModQuarterMinusOneQuarter = (a & mask) &- oneQuarter
        var result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(rescale(aModQuarterMinusOneQuarter, from: k, to: 0))
        let remainder = aModQuarterMinusOneQuarter &- a
        for (exponent, value) in barrelMultipliers where k > exponent {
            let bit = Int32(1) << Int32(fractionalBits + exponent)
            if remainder & bit != 0 { result = saturatingRoundingDoublingHighMul(result, value) }
        }
        if k > 5 {
            let clamp = -(Int32(1) << Int32(36 - k))  // -32.0
            if a < clamp { result = 0 }
        }
        if a == 0 { result = Int32.max }
        return result
    }

    /// exp(−2^e) in Q0.31 for e = −2 … 4: the barrel shifter of `exp_on_negative_values`.
    static let barrelMultipliers: [(exponent: Int, value: Int32)] = [
        (-2, 1_672_461_947), (-1, 1_302_514_674), (0, 790_015_084), (1, 290_630_308),
        (2, 39_332_535), (3, 720_401), (4, 242),
    ]

    /// gemmlowp `one_over_one_plus_x_for_x_in_0_1`: 1/(1+a) for a Q0.31 `a` in [0, 1), by
    /// three Newton–Raphson steps. Returns Q0.31.
    public static func oneOverOnePlusXForXIn01(_ a: Int32) -> Int32 {
        let x = newtonReciprocalOfHalfDenominator(a)
        return rescale(x, from: 1, to: 0)  // ExactMulByPot<-1> makes it Q1, then Rescale<0>
    }

    /// gemmlowp `one_minus_x_over_one_plus_x_for_x_in_0_1`: (1−a)/(1+a) for a Q0.31 `a` in
    /// [0, 1). Returns Q0.31.
    public static func oneMinusXOverOnePlusXForXIn01(_ a: Int32) -> Int32 {
        let x = newtonReciprocalOfHalfDenominator(a)
        return rescale(x &- one(integerBits: 2), from: 2, to: 0)
    }

    /// The Newton–Raphson iteration both reciprocals share: returns Q2.29 ≈ 2/(1+a).
    static func newtonReciprocalOfHalfDenominator(_ a: Int32) -> Int32 {
        let halfDenominator = roundingHalfSum(a, Int32.max)  // Q0
        let c48over17: Int32 = 1_515_870_810  // Q2
        let cNeg32over17: Int32 = -1_010_580_540  // Q2
        var x = c48over17 &+ saturatingRoundingDoublingHighMul(halfDenominator, cNeg32over17)
        for _ in 0..<3 {
            let halfDenominatorTimesX = saturatingRoundingDoublingHighMul(halfDenominator, x)  // Q2
            let oneMinus = one(integerBits: 2) &- halfDenominatorTimesX  // Q2
            x = x &+ rescale(saturatingRoundingDoublingHighMul(x, oneMinus), from: 4, to: 2)
        }
        return x
    }

    /// gemmlowp `logistic`: 1/(1+exp(−a)) for `a` with `integerBits` integer bits. Returns Q0.31.
    public static func logistic(_ a: Int32, integerBits k: Int) -> Int32 {
        if a == 0 { return 1 << 30 }
        let positive = a > 0
        let absInput = positive ? a : 0 &- a
        let resultIfPositive = oneOverOnePlusXForXIn01(expOnNegativeValues(0 &- absInput, integerBits: k))
        return positive ? resultIfPositive : Int32.max &- resultIfPositive
    }

    /// gemmlowp `tanh` for `a` with `integerBits` integer bits. Returns Q0.31.
    public static func tanh(_ a: Int32, integerBits k: Int) -> Int32 {
        if a == 0 { return 0 }
        let negative = a < 0
        let n = negative ? a : 0 &- a
        // exp(2n): the same raw read with one more integer bit (ExactMulByPot<1>).
        let t = oneMinusXOverOnePlusXForXIn01(expOnNegativeValues(n, integerBits: k + 1))
        return negative ? 0 &- t : t
    }

    /// TFLite `SaturatingAddNonGemmlowp` (int32): `a + b` clamped to the int32 range.
    @inline(__always)
    public static func saturatingAdd(_ a: Int32, _ b: Int32) -> Int32 {
        Int32(clamping: Int64(a) + Int64(b))
    }

    /// TFLite `SaturatingSub` (int32): `a − b` clamped to the int32 range.
    @inline(__always)
    public static func saturatingSub(_ a: Int32, _ b: Int32) -> Int32 {
        Int32(clamping: Int64(a) - Int64(b))
    }

    /// TFLite `log_x_for_x_greater_than_or_equal_to_1_impl` (`internal/common.h`): log(x) for a
    /// value with `inputIntegerBits` integer bits, returned with `outputIntegerBits`. The input is
    /// normalised twice (as is and premultiplied by √½), the smaller mantissa `r` kept with the
    /// larger exponent adjustment, and log(r) comes from a rational approximation around ⁴√½;
    /// sums carry one extra integer bit.
    public static func logXForXGreaterThanOrEqualTo1(_ x: Int32, inputIntegerBits: Int, outputIntegerBits: Int) -> Int32 {
        let log2: Int32 = 1_488_522_236, sqrtSqrtHalf: Int32 = 1_805_811_301, sqrtHalf: Int32 = 1_518_500_250
        let oneQuarter: Int32 = 536_870_912
        let alphaN: Int32 = 117_049_297, alphaD: Int32 = 127_690_142, alphaI: Int32 = 1_057_819_769, alphaF: Int32 = 638_450_708
        let accumBits = outputIntegerBits + 1
        let shiftedQuarter = rescale(oneQuarter, from: 0, to: accumBits)
        let za = x  // reinterpreted as Q0.31
        let zaHeadroomPlusOne = countLeadingZeros(UInt32(bitPattern: za))
        let raTmp = saturatingRoundingMultiplyByPOT(za, zaHeadroomPlusOne - 1)
        let raRaw = saturatingRoundingMultiplyByPOT(saturatingRoundingDoublingHighMul(raTmp, sqrtHalf), 1)
        let zaPow2Adj = saturatingAdd(saturatingRoundingMultiplyByPOT(Int32(inputIntegerBits - zaHeadroomPlusOne), 31 - accumBits),
                                      shiftedQuarter)
        let zb = saturatingRoundingDoublingHighMul(za, sqrtHalf)
        let zbHeadroom = countLeadingZeros(UInt32(bitPattern: zb)) - 1
        let rbRaw = saturatingRoundingMultiplyByPOT(za, zbHeadroom)
        let zbPow2Adj = saturatingSub(saturatingRoundingMultiplyByPOT(Int32(inputIntegerBits - zbHeadroom), 31 - accumBits),
                                      shiftedQuarter)
        let r = min(raRaw, rbRaw)
        let zPow2Adj = max(zaPow2Adj, zbPow2Adj)
        let p = roundingHalfSum(r, sqrtSqrtHalf)
        var q = r &- sqrtSqrtHalf
        q = q &+ q
        let commonSq = saturatingRoundingDoublingHighMul(q, q)
        let num = saturatingRoundingDoublingHighMul(q, r)
            &+ saturatingRoundingDoublingHighMul(saturatingRoundingDoublingHighMul(q, commonSq), alphaN)
        let denomMinusOne = saturatingRoundingDoublingHighMul(p, alphaI &+ q &+ saturatingRoundingDoublingHighMul(alphaD, commonSq))
            &+ saturatingRoundingDoublingHighMul(alphaF, q)
        let recipDenom = oneOverOnePlusXForXIn01(denomMinusOne)
        let numScaled = rescale(num, from: 0, to: accumBits)
        let sum = saturatingRoundingDoublingHighMul(zPow2Adj, log2) &+ saturatingRoundingDoublingHighMul(numScaled, recipDenom)
        return rescale(sum, from: accumBits, to: outputIntegerBits)
    }

    // MARK: TFLite common.h helpers

    /// TFLite `CountLeadingZeros` on a 32-bit unsigned value (32 for 0).
    @inline(__always)
    public static func countLeadingZeros(_ x: UInt32) -> Int { x.leadingZeroBitCount }

    /// TFLite `CountLeadingSignBits` (int32).
    @inline(__always)
    public static func countLeadingSignBits(_ x: Int32) -> Int {
        if x >= 0 { return UInt32(x).leadingZeroBitCount - 1 }
        if x == Int32.min { return 0 }
        return (2 &* UInt32(-x) &- 1).leadingZeroBitCount
    }

    /// TFLite `GetReciprocal`: 1/x for `x` with `integerDigits` integer bits, as a Q0.31 scale
    /// and the number of bits above the unit (`num_bits_over_unit`).
    public static func reciprocal(_ x: Int32, integerDigits: Int) -> (scale: Int32, bitsOverUnit: Int) {
        let headroomPlusOne = countLeadingZeros(UInt32(bitPattern: x))
        let shifted = headroomPlusOne >= 32 ? 0 : UInt32(bitPattern: x) << UInt32(headroomPlusOne)
        let shiftedSumMinusOne = Int32(bitPattern: shifted &- (UInt32(1) << 31))
        return (oneOverOnePlusXForXIn01(shiftedSumMinusOne), integerDigits - headroomPlusOne)
    }

    /// TFLite `DownScaleInt32ToInt16Multiplier`: a Q0.31 multiplier rounded to Q0.15.
    public static func downScaleInt32ToInt16Multiplier(_ m: Int32) -> Int16 {
        precondition(m >= 0, "DownScaleInt32ToInt16Multiplier needs a non-negative multiplier")
        let roundingOffset: Int32 = 1 << 15
        if m >= Int32.max - roundingOffset { return Int16.max }
        return Int16(truncatingIfNeeded: (m + roundingOffset) >> 16)
    }

    // MARK: Multipliers (quantization_util.cc)

    /// TFLite `QuantizeMultiplier`: `real ≈ multiplier · 2^(shift − 31)` with `multiplier` in
    /// [2^30, 2^31) (`frexp`, mantissa · 2^31 rounded half away from zero; a mantissa that
    /// rounds to 2^31 is halved). Multipliers below about 2^-31 flush to (0, 0). With
    /// `.single` rounding, shifts above 30 saturate to (2^31 − 1, 30).
    public static func quantizeMultiplier(_ real: Double, rounding: Rounding = liteRT) -> (multiplier: Int32, shift: Int) {
        if real == 0 { return (0, 0) }
        precondition(real.isFinite, "QuantizeMultiplier of a non-finite multiplier \(real)")
        // C frexp: real = q · 2^exponent with |q| in [0.5, 1) and q carrying the sign (Swift's
        // generic `frexp` returns |q|, so take the magnitude's and restore the sign).
        let (magnitude, exponent) = frexp(Swift.abs(real))
        let q = real < 0 ? -magnitude : magnitude
        var fixed = Int64((q * Double(Int64(1) << 31)).rounded(.toNearestOrAwayFromZero))
        var shift = exponent
        if fixed == Int64(1) << 31 {
            fixed /= 2
            shift += 1
        }
        if shift < -31 { return (0, 0) }
        if rounding == .single && shift > 30 { return (Int32.max, 30) }
        return (Int32(fixed), shift)
    }

    /// TFLite `MultiplyByQuantizedMultiplier(int32_t x, …)`: `x · multiplier · 2^(shift − 31)`
    /// rounded as the build's variant does. Also serves as
    /// `MultiplyByQuantizedMultiplierSmallerThanOneExp` (shift ≤ 0) and
    /// `MultiplyByQuantizedMultiplierGreaterThanOne` (shift ≥ 0), which compute the same.
    @inline(__always)
    public static func multiplyByQuantizedMultiplier(_ x: Int32, _ multiplier: Int32, _ shift: Int,
                                                     rounding: Rounding = liteRT) -> Int32 {
        switch rounding {
        case .double:
            let left = max(shift, 0), right = max(-shift, 0)
            let shifted = left == 0 ? x : x &* (Int32(1) << Int32(left))  // C++ `x * (1 << left)` wraps
            return roundingDivideByPOT(saturatingRoundingDoublingHighMul(shifted, multiplier), right)
        case .single:
            let totalShift = Int64(31 - shift)
            let round = Int64(1) << (totalShift - 1)
            return Int32(truncatingIfNeeded: (Int64(x) * Int64(multiplier) + round) >> totalShift)
        }
    }

    /// TFLite `MultiplyByQuantizedMultiplier(int64_t x, …)` (int16x8 accumulators): the
    /// multiplier is first reduced to 16 bits, then one rounding shift (both variants agree).
    @inline(__always)
    public static func multiplyByQuantizedMultiplier(_ x: Int64, _ multiplier: Int32, _ shift: Int) -> Int32 {
        let reduced: Int64 = multiplier < 0x7FFF_0000 ? Int64((multiplier + (1 << 15)) >> 16) : 0x7FFF
        let totalShift = Int64(15 - shift)
        let product = x &* reduced &+ (Int64(1) << (totalShift - 1))
        return Int32(truncatingIfNeeded: product >> totalShift)
    }

    /// TFLite `CalculateInputRadius`: the largest input difference that does not saturate
    /// after rescaling by `2^inputLeftShift` into `inputIntegerBits` integer bits.
    public static func calculateInputRadius(inputIntegerBits: Int, inputLeftShift: Int, totalSignedBits: Int = 31) -> Int32 {
        let maxInputRescaled = 1.0 * Double((1 << inputIntegerBits) - 1) * Double(Int64(1) << (totalSignedBits - inputIntegerBits))
            / Double(Int64(1) << inputLeftShift)
        return Int32(maxInputRescaled.rounded(.down))
    }

    /// TFLite `PreprocessSoftmaxScaling`: the (multiplier, left shift) that maps an input
    /// difference to Q(inputIntegerBits) with `beta · inputScale` folded in.
    public static func preprocessSoftmaxScaling(beta: Double, inputScale: Double, inputIntegerBits: Int,
                                                rounding: Rounding = liteRT) -> (multiplier: Int32, leftShift: Int) {
        let maxReal: Double = rounding == .single ? Double((Int64(1) << 30) - 1) : Double((Int64(1) << 31) - 1)
        let real = min(beta * inputScale * Double(Int64(1) << (31 - inputIntegerBits)), maxReal)
        let (m, s) = quantizeMultiplier(real, rounding: rounding)
        return (m, s)
    }

    /// TFLite `CheckedLog2`: `(round(log2 x), whether x is within 1e-3 of a power of two)`.
    public static func checkedLog2(_ x: Float) -> (log2: Int, isPowerOfTwo: Bool)? {
        guard x > 0 else { return nil }
        let l = logf(x) * (1.0 / logf(2.0))
        let rounded = l.rounded(.toNearestOrAwayFromZero)
        return (Int(rounded), Swift.abs(l - rounded) < 1e-3)
    }

    /// `static_cast<int32_t>(float)` as x86-64 computes it (`cvttss2si`): truncation toward
    /// zero, and `INT32_MIN` for NaN and values outside the int32 range.
    @inline(__always)
    public static func truncatingToInt32(_ v: Float) -> Int32 {
        guard v.isFinite, v > -2_147_483_904, v < 2_147_483_648 else { return Int32.min }
        return Int32(v)
    }

    /// `TfLiteRound` (std::round on float): half away from zero.
    @inline(__always)
    public static func round(_ v: Float) -> Float { v.rounded(.toNearestOrAwayFromZero) }
}
