import LockstepCore

/// Fixed-point requantisation: rescaling an Int32 accumulator by a real multiplier expressed as
/// a 31-bit fixed-point `multiplier` and a power-of-two `shift`, as integer-only runtimes do.
///
/// The real multiplier is `multiplier · 2^(shift − 31)` (multiplier in [2^30, 2^31), or 0).
/// Rounding variants:
/// - `.gemmlowp`: TFLite's default reference path — `SaturatingRoundingDoublingHighMul`
///   (ties toward +∞) followed by `RoundingDivideByPOT` (ties away from zero): two
///   roundings, exactly as gemmlowp / TFLite `MultiplyByQuantizedMultiplier`.
/// - `.halfUp`: TFLite's `TFLITE_SINGLE_ROUNDING` path — one rounding, ties toward +∞.
/// - `.halfAwayFromZero`: one exact rounding, ties away from zero.
/// - `.halfToEven`: one exact rounding, ties to even (ONNX's rounding of `x / scale`).
public enum Requantize {
    public enum Rounding: Sendable, CaseIterable {
        case gemmlowp, halfUp, halfAwayFromZero, halfToEven
    }

    /// TFLite `QuantizeMultiplier`: `real ≈ multiplier · 2^(shift − 31)` with `multiplier` in
    /// [2^30, 2^31) (the mantissa rounded half away from zero; a mantissa that rounds up to 2^31
    /// is halved and the shift incremented). Zero and multipliers below 2^-31·2^-31 give (0, 0).
    public static func quantizeMultiplier(_ real: Double) -> (multiplier: Int32, shift: Int) {
        guard real != 0, real.isFinite else { return (0, 0) }
        let exponent = Int(real.exponent) + 1  // frexp: real = q · 2^exponent, q in [0.5, 1)
        let q = real / Double(sign: .plus, exponent: exponent, significand: 1)
        var fixed = Int64((q * Double(Int64(1) << 31)).rounded(.toNearestOrAwayFromZero))
        var shift = exponent
        if fixed == Int64(1) << 31 {
            fixed /= 2
            shift += 1
        }
        if shift < -31 { return (0, 0) }
        return (Int32(fixed), shift)
    }

    /// gemmlowp `SaturatingRoundingDoublingHighMul`: `a · b / 2^31` rounded to nearest (its
    /// nudge-then-truncate makes ties go toward +∞), saturating the single overflow case
    /// `INT32_MIN · INT32_MIN`.
    @inline(__always)
    public static func saturatingRoundingDoublingHighMul(_ a: Int32, _ b: Int32) -> Int32 {
        if a == b && a == Int32.min { return Int32.max }
        let ab = Int64(a) * Int64(b)
        let nudge: Int64 = ab >= 0 ? (1 << 30) : (1 - (1 << 30))
        return Int32(truncatingIfNeeded: (ab + nudge) / (Int64(1) << 31))
    }

    /// gemmlowp `RoundingDivideByPOT`: `x / 2^exponent` rounded half away from zero.
    @inline(__always)
    public static func roundingDivideByPOT(_ x: Int32, _ exponent: Int) -> Int32 {
        if exponent <= 0 { return x }
        if exponent >= 32 { return 0 }
        let mask = Int32(truncatingIfNeeded: (Int64(1) << exponent) - 1)
        let remainder = x & mask
        let threshold = (mask >> 1) + (x < 0 ? 1 : 0)
        return (x >> Int32(exponent)) + (remainder > threshold ? 1 : 0)
    }

    /// `x · multiplier · 2^(shift − 31)` rounded as `rounding` says (the result saturates to
    /// the Int32 range).
    @inline(__always)
    public static func multiply(_ x: Int32, multiplier: Int32, shift: Int, rounding: Rounding = .gemmlowp) -> Int32 {
        switch rounding {
        case .gemmlowp:
            let left = max(shift, 0), right = max(-shift, 0)
            let shifted = Int32(clamping: Int64(x) << left)
            return roundingDivideByPOT(saturatingRoundingDoublingHighMul(shifted, multiplier), right)
        case .halfUp, .halfAwayFromZero, .halfToEven:
            let totalShift = 31 - shift
            let product = Int64(x) * Int64(multiplier)
            if totalShift <= 0 {
                return Int32(clamping: Int64(clamping: Int128(product) << (-totalShift)))
            }
            if totalShift >= 63 {
                // |product| < 2^62: the quotient rounds to 0 (or ±1 only beyond half, impossible here).
                return 0
            }
            return Int32(clamping: roundShift(product, by: totalShift, rounding))
        }
    }

    /// `value / 2^shift` (shift in 1…62) rounded per `rounding` (`.gemmlowp` means half away).
    @inline(__always)
    static func roundShift(_ value: Int64, by shift: Int, _ rounding: Rounding) -> Int64 {
        let floor = value >> Int64(shift)
        let remainder = value - (floor << Int64(shift))  // in [0, 2^shift)
        let half = Int64(1) << Int64(shift - 1)
        if remainder > half { return floor + 1 }
        if remainder < half { return floor }
        switch rounding {
        case .halfUp: return floor + 1
        case .halfAwayFromZero, .gemmlowp: return value >= 0 ? floor + 1 : floor
        case .halfToEven: return floor & 1 == 0 ? floor : floor + 1
        }
    }

    /// Requantises accumulators to an integer output: `clamp(multiply(acc) + zeroPoint, lo, hi)`.
    public static func requantize(_ acc: UnsafeBufferPointer<Int32>, multiplier: Int32, shift: Int, zeroPoint: Int32,
                                  min lo: Int32, max hi: Int32, rounding: Rounding = .gemmlowp,
                                  into out: UnsafeMutableBufferPointer<Int32>) {
        for i in 0..<acc.count {
            let v = Int64(multiply(acc[i], multiplier: multiplier, shift: shift, rounding: rounding)) + Int64(zeroPoint)
            out[i] = Int32(Swift.min(Swift.max(v, Int64(lo)), Int64(hi)))
        }
    }

    /// ONNX QLinear requantisation in float32 (as ONNX Runtime's MLAS does):
    /// `clamp(roundHalfEven(Float(acc) · scale) + zeroPoint, lo, hi)`. NaN gives `lo`.
    @inline(__always)
    public static func requantizeFloat(_ acc: Int32, scale: Float, zeroPoint: Int32, min lo: Int32, max hi: Int32) -> Int32 {
        let v = (Float(acc) * scale).rounded(.toNearestOrEven)
        return roundedToRange(v, zeroPoint: zeroPoint, min: lo, max: hi)
    }

    /// `clamp(v + zeroPoint, lo, hi)` for an already-rounded float `v` (NaN gives `lo`).
    @inline(__always)
    public static func roundedToRange(_ v: Float, zeroPoint: Int32, min lo: Int32, max hi: Int32) -> Int32 {
        if v.isNaN { return lo }
        let shifted = Double(v) + Double(zeroPoint)
        if shifted <= Double(lo) { return lo }
        if shifted >= Double(hi) { return hi }
        return Int32(shifted)
    }
}
