import LockstepCore

/// ThresholdedRelu (opsets 10, 22): x for x > alpha, else 0 (alpha 1 by default; NaN gives 0).
/// float16/bfloat16 are computed in float32.
enum ThresholdedReluOp {
    static let registration = FloatUnaryKernel.registration("ThresholdedRelu", versions: 10...Int.max) { attributes in
        FloatFunctions.ThresholdedRelu(alpha: try attributes.float("alpha", default: 1))
    }
}
