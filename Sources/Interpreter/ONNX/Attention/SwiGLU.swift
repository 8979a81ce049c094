import LockstepCore

/// SwiGLU (ONNX opset 28): the gated activation `Y = Swish_alpha(A) · B =
/// A · sigmoid(alpha · A) · B` over two inputs of one float type and one shape (no
/// broadcasting). float16/bfloat16 are computed in float32 and rounded back once.
struct SwiGLUKernel: Kernel {
    static let registration = OpRegistration("SwiGLU", versions: 28...Int.max) { context in
        try OpCheck.arity(context, inputs: 2...2)
        return SwiGLUKernel(alpha: try context.attributes.float("alpha", default: 1))
    }

    let alpha: Float

    /// `swish(a) · b` for one pair of elements.
    struct Gate: FloatBinaryFunction {
        let swish: SwishFunction
        @inline(__always) func callAsFunction<T: FloatMath>(_ a: T, _ b: T) -> T { swish(a) * b }
    }

    func operands(_ inputs: [Value?]) throws -> (Tensor, Tensor) {
        let a = try Inputs.tensor(inputs, 0, name: "A"), b = try Inputs.tensor(inputs, 1, name: "B")
        try OpCheck.type(a, "A", OpCheck.floats)
        guard b.dtype == a.dtype else { throw KernelError("inputs A (\(a.dtype)) and B (\(b.dtype)) must have one element type") }
        guard a.shape == b.shape else { throw KernelError("inputs A \(a.shape) and B \(b.shape) must have one shape (SwiGLU does not broadcast)") }
        return (a, b)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        [TensorInfo(try operands(inputs).0)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (a, b) = try operands(inputs)
        return [.tensor(try FloatElementwise.binary(a, b, Gate(swish: SwishFunction(alpha: alpha))))]
    }
}
