import LockstepCore

/// Exp (opsets 1, 6, 13): eˣ via `expf`/`exp`; overflow gives +Inf, −Inf gives 0.
/// float16/bfloat16 are computed in float32 and rounded back.
enum ExpOp {
    static let registration = FloatUnaryKernel.registration("Exp", versions: 1...Int.max, input: "input") { _ in
        FloatFunctions.Exp()
    }
}
