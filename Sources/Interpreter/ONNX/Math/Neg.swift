import LockstepCore

/// Neg (opsets 1, 6, 13): −x on signed integers and IEEE floats. Floats flip the sign bit
/// (−(+0) = −0); integers wrap (−min = min). Unsigned types are not in the schema.
enum NegOp {
    static let registration = NumericUnaryKernel.registration(
        "Neg", versions: 1...Int.max, types: OpCheck.signedIntegers + OpCheck.floats,
        float: FloatFunctions.Neg(), integer: IntegerFunctions.Neg())
}
