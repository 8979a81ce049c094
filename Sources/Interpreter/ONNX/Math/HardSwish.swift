import LockstepCore

/// HardSwish (opsets 14, 22): x · max(0, min(1, x/6 + 1/2)) (HardSigmoid with alpha 1/6,
/// beta 0.5, times x). float16/bfloat16 are computed in float32.
enum HardSwishOp {
    static let registration = FloatUnaryKernel.registration("HardSwish", versions: 14...Int.max) { _ in
        FloatFunctions.HardSwish()
    }
}
