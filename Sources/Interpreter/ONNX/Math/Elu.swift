import LockstepCore

/// Elu (opsets 1, 6, 22): x for x ≥ 0, alpha·(eˣ − 1) otherwise (alpha 1 by default; `expm1`
/// keeps small negative x accurate). float16/bfloat16 are computed in float32.
enum EluOp {
    static let registration = FloatUnaryKernel.registration("Elu", versions: 1...Int.max) { attributes in
        FloatFunctions.Elu(alpha: try attributes.float("alpha", default: 1))
    }
}
