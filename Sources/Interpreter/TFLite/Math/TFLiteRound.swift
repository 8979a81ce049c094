import LockstepCore

/// ROUND (1): rounds half to even (`optimized_ops::Round`, TFLite's `RoundToNearest`: 2.5 → 2,
/// -0.5 → -0) on float32, float16 and bfloat16 (widened to float32 and back), as google-ai-edge/LiteRT
/// `tflite/kernels/round.cc` @ 057d0a95de5ebd0e1fe4c69050123b83fcf39dc2 (its uint16 path is newer
/// than the pinned LiteRT 2.3.0, whose kernel prepares float32 and float16, measured). LiteRT's
/// reference resolver does not register ROUND; the builtin kernel is the reference.
enum TFLiteRound {
    struct Round: FloatUnaryFunction { @inline(__always) func callAsFunction<T: FloatMath>(_ x: T) -> T { x.rounded(.toNearestOrEven) } }

    static let registration = TFLiteFloatUnary.registration("ROUND", Round())
}
