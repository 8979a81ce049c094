import LockstepCore

/// HardSigmoid (opsets 1, 6, 22): max(0, min(1, alpha·x + beta)), alpha 0.2 and beta 0.5 by
/// default; NaN stays NaN. float16/bfloat16 are computed in float32.
enum HardSigmoidOp {
    static let registration = FloatUnaryKernel.registration("HardSigmoid", versions: 1...Int.max) { attributes in
        FloatFunctions.HardSigmoid(alpha: try attributes.float("alpha", default: 0.2),
                                   beta: try attributes.float("beta", default: 0.5))
    }
}
