import LockstepCore

/// Log (opsets 1, 6, 13): natural logarithm via `logf`/`log`; log(±0) = −Inf, log(x < 0) = NaN.
/// float16/bfloat16 are computed in float32 and rounded back.
enum LogOp {
    static let registration = FloatUnaryKernel.registration("Log", versions: 1...Int.max, input: "input") { _ in
        FloatFunctions.Log()
    }
}
