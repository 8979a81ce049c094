import LockstepCore

/// Selu (opsets 1, 6, 22): gamma·x for x > 0, gamma·alpha·(eˣ − 1) otherwise, with the spec's
/// float32 defaults alpha ≈ 1.6732632, gamma ≈ 1.0507010. float16/bfloat16 in float32.
enum SeluOp {
    static let registration = FloatUnaryKernel.registration("Selu", versions: 1...Int.max) { attributes in
        FloatFunctions.Selu(alpha: try attributes.float("alpha", default: 1.67326319217681884765625),
                            gamma: try attributes.float("gamma", default: 1.05070102214813232421875))
    }
}
