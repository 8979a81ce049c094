import LockstepCore

/// Erf (opsets 9, 13): the Gauss error function via `erff`/`erf`; erf(±Inf) = ±1.
/// float16/bfloat16 are computed in float32 and rounded back.
enum ErfOp {
    static let registration = FloatUnaryKernel.registration("Erf", versions: 9...Int.max, input: "input") { _ in
        FloatFunctions.Erf()
    }
}
