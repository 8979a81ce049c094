import LockstepCore

/// The run-time input quantisers of LiteRT's hybrid kernels as its x86 build runs them. There the
/// NEON `tensor_utils` are compiled through NEON_2_SSE (`optimized/neon_check.h`: `USE_NEON` when
/// SSE4.1 is on), so `BatchQuantizeFloats` calls google-ai-edge/LiteRT
/// `tflite/kernels/internal/optimized/neon_tensor_utils.cc` `NeonSymmetricQuantizeFloats` and
/// `NeonAsymmetricQuantizeFloats`, which differ from the portable ones (`TFLiteHybrid.symmetric` /
/// `.asymmetric`) in small ways that change some quantised values:
/// - the first `count & ~7` values are rounded by `RoundToNearest`: add ±0.5 in float, then
///   truncate (so `x` just below a half can round up); the rest by `TfLiteRound` (half away);
/// - asymmetric: the range is `max − min` in float (portable: in double), the offset is added
///   after rounding (`offset + round(x / scale)`, portable: `round(offset + x / scale)`), and
///   `1 / scale` is taken in double and rounded to float.
/// The recurrent kernels (RNN, SVDF, LSTM hybrid paths) use these.
extension TFLiteHybrid {
    /// `RoundToNearest` of the NEON code on x86: `trunc(x + (x < 0 ? −0.5 : 0.5))` in float.
    @inline(__always)
    static func neonRound(_ x: Float) -> Int32 {
        let shifted = x + (x < 0 ? -0.5 : 0.5)
        guard shifted.isFinite, abs(shifted) < 2_147_483_520 else { return shifted < 0 ? Int32.min : Int32.min }  // cvttps: 0x80000000
        return Int32(shifted.rounded(.towardZero))
    }

    /// `TfLiteRound` (`std::round`: half away from zero) as int32.
    @inline(__always)
    static func roundAway(_ x: Float) -> Int32 {
        let r = x.rounded(.toNearestOrAwayFromZero)
        guard r.isFinite, abs(r) < 2_147_483_520 else { return Int32.min }
        return Int32(r)
    }

    /// `NeonSymmetricQuantizeFloats`.
    static func symmetricX86(_ x: UnsafeBufferPointer<Float>) -> Row {
        var lo = x.first ?? 0, hi = x.first ?? 0
        for v in x { if v < lo { lo = v }; if hi < v { hi = v } }  // std::minmax_element
        let range = max(abs(lo), abs(hi))
        if range == 0 { return Row(values: [Int8](repeating: 0, count: x.count), scale: 1, offset: 0) }
        let inverse = Float(127) / range
        let vectorEnd = x.count & ~7
        var values = [Int8](repeating: 0, count: x.count)
        for i in 0..<x.count {
            let p = inverse * x[i]
            let q = i < vectorEnd ? neonRound(p) : roundAway(p)
            values[i] = Int8(min(127, max(-127, q)))
        }
        return Row(values: values, scale: range / 127, offset: 0)
    }

    /// `NeonAsymmetricQuantizeFloats`.
    static func asymmetricX86(_ x: UnsafeBufferPointer<Float>) -> Row {
        // NeonMinMax: the extremes with 0 included.
        var lo: Float = 0, hi: Float = 0
        for v in x { if v < lo { lo = v }; if hi < v { hi = v } }
        if lo == hi { return Row(values: [Int8](repeating: 0, count: x.count), scale: 1, offset: 0) }
        let qmin = -128.0, qmax = 127.0
        let scale = Double(hi - lo) / (qmax - qmin)
        let rmin = Double(lo), rmax = Double(hi)
        let fromMin = qmin - rmin / scale, fromMax = qmax - rmax / scale
        let errorMin = abs(qmin) + abs(rmin / scale), errorMax = abs(qmax) + abs(rmax / scale)
        let zeroPoint = errorMin < errorMax ? fromMin : fromMax
        let offset: Int32 = zeroPoint <= qmin ? -128 : zeroPoint >= qmax ? 127 : Int32(zeroPoint.rounded(.toNearestOrAwayFromZero))
        let s = Float(scale)
        let inverse = s == 0 ? 0 : Float(1.0 / Double(s))
        let vectorEnd = x.count & ~7
        var values = [Int8](repeating: 0, count: x.count)
        for i in 0..<x.count {
            let p = inverse * x[i]
            let q = (i < vectorEnd ? neonRound(p) : roundAway(p)) &+ offset
            values[i] = Int8(min(127, max(-128, q)))
        }
        return Row(values: values, scale: s, offset: offset)
    }
}
