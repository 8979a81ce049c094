import LockstepCore

/// Sum and Mean (opsets 1, 6, 8, 13): elementwise sum / arithmetic mean of one or more float
/// tensors with numpy broadcasting (opset 8+; earlier opsets required equal shapes). Inputs are
/// added left to right in the element type (float16/bfloat16 rounded after each addition, as
/// the ONNX reference does); Mean then divides by the input count.
struct SumMeanKernel: Kernel {
    let mean: Bool

    static let registrations: [OpRegistration] = [false, true].map { mean in
        OpRegistration(mean ? "Mean" : "Sum", versions: 1...Int.max) { context in
            try OpCheck.arity(context, inputs: 1...Int.max)
            return SumMeanKernel(mean: mean)
        }
    }

    struct Add: FloatBinaryFunction {
        @inline(__always) func callAsFunction<T: FloatMath>(_ a: T, _ b: T) -> T { a + b }
    }

    struct Divide: FloatUnaryFunction {
        let count: Int
        @inline(__always) func callAsFunction<T: FloatMath>(_ x: T) -> T { x / T(count) }
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let tensors = try Variadic.tensors(inputs)
        try OpCheck.type(tensors[0], "data_0", OpCheck.floats)
        return [TensorInfo(dtype: tensors[0].dtype, shape: try Variadic.shape(tensors))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let tensors = try Variadic.tensors(inputs)
        var result = try tensors.dropFirst().reduce(tensors[0]) { try FloatElementwise.binary($0, $1, Add()) }
        if mean && tensors.count > 1 { result = try FloatElementwise.unary(result, Divide(count: tensors.count)) }
        return [.tensor(result)]
    }
}
