import LockstepCore

/// Sin, Cos, Tan, Asin, Acos, Atan (opsets 7, 22): the C library's functions at the input's
/// precision (`sinf`, … for float32); out-of-domain arguments (asin(2), sin(±Inf)) give NaN.
/// float16/bfloat16 are computed in float32 and rounded back.
enum TrigonometricOps {
    static let registrations: [OpRegistration] = [
        FloatUnaryKernel.registration("Sin", versions: 7...Int.max, input: "input") { _ in FloatFunctions.Sin() },
        FloatUnaryKernel.registration("Cos", versions: 7...Int.max, input: "input") { _ in FloatFunctions.Cos() },
        FloatUnaryKernel.registration("Tan", versions: 7...Int.max, input: "input") { _ in FloatFunctions.Tan() },
        FloatUnaryKernel.registration("Asin", versions: 7...Int.max, input: "input") { _ in FloatFunctions.Asin() },
        FloatUnaryKernel.registration("Acos", versions: 7...Int.max, input: "input") { _ in FloatFunctions.Acos() },
        FloatUnaryKernel.registration("Atan", versions: 7...Int.max, input: "input") { _ in FloatFunctions.Atan() },
    ]
}
