import LockstepCore

/// Softplus (opsets 1, 22): ln(1 + eˣ), evaluated as x + ln(1 + e^−x) for x > 0 so large
/// inputs do not overflow. float16/bfloat16 are computed in float32.
enum SoftplusOp {
    static let registration = FloatUnaryKernel.registration("Softplus", versions: 1...Int.max) { _ in
        FloatFunctions.Softplus()
    }
}
