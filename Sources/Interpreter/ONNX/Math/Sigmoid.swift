import LockstepCore

/// Sigmoid (opsets 1, 6, 13): 1 / (1 + e^−x), evaluated without overflow for large |x|
/// (sigmoid(−Inf) = 0, sigmoid(+Inf) = 1). float16/bfloat16 are computed in float32.
enum SigmoidOp {
    static let registration = FloatUnaryKernel.registration("Sigmoid", versions: 1...Int.max) { _ in
        FloatFunctions.Sigmoid()
    }
}
