import LockstepCore

/// Softsign (opsets 1, 22): x / (1 + |x|) (±Inf gives NaN, as runtimes compute it).
/// float16/bfloat16 are computed in float32.
enum SoftsignOp {
    static let registration = FloatUnaryKernel.registration("Softsign", versions: 1...Int.max, input: "input") { _ in
        FloatFunctions.Softsign()
    }
}
