import LockstepCore

/// LeakyRelu (opsets 1, 6, 16): x for x ≥ 0, alpha·x otherwise (alpha 0.01 by default).
/// float16/bfloat16 are computed in float32.
enum LeakyReluOp {
    static let registration = FloatUnaryKernel.registration("LeakyRelu", versions: 1...Int.max) { attributes in
        FloatFunctions.LeakyRelu(alpha: try attributes.float("alpha", default: 0.01))
    }
}
