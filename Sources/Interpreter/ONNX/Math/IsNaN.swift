import LockstepCore

/// IsNaN (opsets 9, 13, 20): a bool tensor, true where the element is NaN. Accepts float16,
/// bfloat16, float32, float64 and (opset 20) the float8 types, decoded exactly
/// (float8e4m3fn's NaN is S.1111.111; the *fnuz types' NaN is the −0 code).
struct IsNaNKernel: Kernel {
    static let registration = OpRegistration("IsNaN", versions: 9...Int.max) { context in
        try OpCheck.arity(context, inputs: 1...1)
        return IsNaNKernel()
    }

    static let types: [DType] = OpCheck.floats + [.float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz]

    struct Predicate: FloatPredicate {
        @inline(__always) func callAsFunction<T: FloatMath>(_ x: T) -> Bool { x.isNaN }
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.tensor(inputs, 0, name: "X")
        try OpCheck.type(x, "X", Self.types)
        return [TensorInfo(dtype: .bool, shape: x.shape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        [.tensor(try FloatElementwise.predicate(try Inputs.tensor(inputs, 0, name: "X"), Predicate()))]
    }
}
