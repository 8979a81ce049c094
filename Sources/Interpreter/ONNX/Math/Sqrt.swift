import LockstepCore

/// Sqrt (opsets 1, 6, 13): IEEE square root (correctly rounded); √−0 = −0, √(x < 0) = NaN.
/// float16/bfloat16 are computed in float32 and rounded back.
enum SqrtOp {
    static let registration = FloatUnaryKernel.registration("Sqrt", versions: 1...Int.max) { _ in FloatFunctions.Sqrt() }
}
