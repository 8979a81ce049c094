import LockstepCore

/// Gelu (opset 20): x/2 · (1 + erf(x/√2)), or with `approximate = "tanh"`
/// x/2 · (1 + tanh(√(2/π)·(x + 0.044715·x³))). Other `approximate` values are rejected.
/// float16/bfloat16 are computed in float32.
enum GeluOp {
    static let registration = OpRegistration("Gelu", versions: 20...Int.max) { context in
        try OpCheck.arity(context, inputs: 1...1)
        switch try context.attributes.string("approximate", default: "none") {
        case "none": return FloatUnaryKernel(FloatFunctions.Gelu())
        case "tanh": return FloatUnaryKernel(FloatFunctions.GeluTanh())
        case let other: throw KernelError("attribute 'approximate': expected \"none\" or \"tanh\", found \"\(other)\"")
        }
    }
}
