import LockstepCore

/// Sign (opsets 9, 13): 1 for x > 0, −1 for x < 0, 0 for zero, on every numeric type
/// (unsigned: 0 or 1). A float NaN stays NaN (numpy `sign`, the ONNX reference).
enum SignOp {
    static let registration = NumericUnaryKernel.registration(
        "Sign", versions: 9...Int.max, input: "input", types: OpCheck.numeric,
        float: FloatFunctions.Sign(), integer: IntegerFunctions.Sign())
}
