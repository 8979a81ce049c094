import LockstepCore

/// Abs (opsets 1, 6, 13): |x| on every 8–64-bit integer and IEEE float type.
/// Floats clear the sign bit (|−0| = +0, NaN stays NaN); signed integers wrap (|min| = min);
/// unsigned integers pass through. opset 1's `consumed_inputs` hint is ignored.
enum AbsOp {
    static let registration = NumericUnaryKernel.registration(
        "Abs", versions: 1...Int.max, types: OpCheck.numeric, float: FloatFunctions.Abs(), integer: IntegerFunctions.Abs())
}
