import LockstepCore

/// IsInf (opsets 10, 20): a bool tensor, true where the element is +Inf (when
/// `detect_positive`, default 1) or −Inf (when `detect_negative`, default 1); NaN is never
/// infinite. Accepts the IEEE float types and (opset 20) the float8 types, which for the
/// e4m3fn/fnuz kinds have no infinity.
struct IsInfKernel: Kernel {
    let predicate: Predicate

    static let registration = OpRegistration("IsInf", versions: 10...Int.max) { context in
        try OpCheck.arity(context, inputs: 1...1)
        let a = context.attributes
        return IsInfKernel(predicate: Predicate(positive: try a.int("detect_positive", default: 1) != 0,
                                                negative: try a.int("detect_negative", default: 1) != 0))
    }

    struct Predicate: FloatPredicate {
        let positive: Bool, negative: Bool
        @inline(__always) func callAsFunction<T: FloatMath>(_ x: T) -> Bool {
            x.isInfinite && (x > 0 ? positive : negative)
        }
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.tensor(inputs, 0, name: "X")
        try OpCheck.type(x, "X", IsNaNKernel.types)
        return [TensorInfo(dtype: .bool, shape: x.shape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        [.tensor(try FloatElementwise.predicate(try Inputs.tensor(inputs, 0, name: "X"), predicate))]
    }
}
