import LockstepCore

/// Tanh (opsets 1, 6, 13), Sinh, Cosh, Asinh, Acosh, Atanh (opsets 9, 22): the C library's
/// functions at the input's precision; acosh(x < 1) and atanh(|x| > 1) give NaN,
/// atanh(±1) = ±Inf. float16/bfloat16 are computed in float32 and rounded back.
enum HyperbolicOps {
    static let registrations: [OpRegistration] = [
        FloatUnaryKernel.registration("Tanh", versions: 1...Int.max, input: "input") { _ in FloatFunctions.Tanh() },
        FloatUnaryKernel.registration("Sinh", versions: 9...Int.max, input: "input") { _ in FloatFunctions.Sinh() },
        FloatUnaryKernel.registration("Cosh", versions: 9...Int.max, input: "input") { _ in FloatFunctions.Cosh() },
        FloatUnaryKernel.registration("Asinh", versions: 9...Int.max, input: "input") { _ in FloatFunctions.Asinh() },
        FloatUnaryKernel.registration("Acosh", versions: 9...Int.max, input: "input") { _ in FloatFunctions.Acosh() },
        FloatUnaryKernel.registration("Atanh", versions: 9...Int.max, input: "input") { _ in FloatFunctions.Atanh() },
    ]
}
