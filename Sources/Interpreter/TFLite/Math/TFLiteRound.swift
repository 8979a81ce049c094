import LockstepCore

/// ROUND (1): rounds half to even as TFLite's `RoundToNearest` (`optimized_ops::Round`) does it —
/// `f = floor(x)`, `f` when `x − f < 0.5` or (`== 0.5` and `f` even), else `f + 1` — so 2.5 → 2 and
/// negative values that round to zero give +0 (-0.25 → +0, measured against LiteRT; -0 stays -0),
/// on float32, float16 and bfloat16 (widened to float32 and back), as google-ai-edge/LiteRT
/// `tflite/kernels/round.cc` @ 057d0a95de5ebd0e1fe4c69050123b83fcf39dc2 (its uint16 path is newer
/// than the pinned LiteRT 2.3.0, whose kernel prepares float32 and float16, measured). LiteRT's
/// reference resolver does not register ROUND; the builtin kernel is the reference.
enum TFLiteRound {
    struct Round: FloatUnaryFunction {
        @inline(__always) func callAsFunction<T: FloatMath>(_ x: T) -> T {
            let f = x.rounded(.down), diff = x - f
            let even = f.isFinite && (f / 2).rounded(.down) * 2 == f
            return diff < 0.5 || (diff == 0.5 && even) ? f : f + 1
        }
    }

    static let registration = TFLiteFloatUnary.registration("ROUND", Round())
}
