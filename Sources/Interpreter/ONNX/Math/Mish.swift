import LockstepCore

/// Mish (opsets 18, 22): x · tanh(softplus(x)). float16/bfloat16 are computed in float32.
enum MishOp {
    static let registration = FloatUnaryKernel.registration("Mish", versions: 18...Int.max) { _ in FloatFunctions.Mish() }
}
