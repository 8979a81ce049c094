import LockstepCore

/// Celu (opsets 12, 28): max(0, x) + min(0, alpha·(e^(x/alpha) − 1)), alpha 1 by default.
/// Opset 12 allowed only float32; opset 28 adds float16, bfloat16 and float64, which are
/// accepted at every opset (float16/bfloat16 computed in float32). alpha = 0 is rejected.
enum CeluOp {
    static let registration = FloatUnaryKernel.registration("Celu", versions: 12...Int.max) { attributes in
        let alpha = try attributes.float("alpha", default: 1)
        guard alpha != 0 else { throw KernelError("attribute 'alpha' must be nonzero") }
        return FloatFunctions.Celu(alpha: alpha)
    }
}
