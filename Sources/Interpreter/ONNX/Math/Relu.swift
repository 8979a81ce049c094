import LockstepCore

/// Relu (opsets 1, 6, 13, 14): max(x, 0); NaN stays NaN, −0 stays −0. Floats (float16/bfloat16
/// computed in float32) and, from opset 14, int8/int16/int32/int64 (accepted at every opset).
/// opset 1's `consumed_inputs` hint is ignored.
enum ReluOp {
    static let registration = NumericUnaryKernel.registration(
        "Relu", versions: 1...Int.max, types: OpCheck.signedIntegers + OpCheck.floats,
        float: FloatFunctions.Relu(), integer: IntegerFunctions.Relu())
}
