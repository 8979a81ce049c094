import LockstepCore

/// Add, Sub, Mul, Div (opsets 7, 13, 14): numpy-broadcasting arithmetic on two tensors of one
/// numeric type. Floats follow IEEE 754 in their own precision (float16/bfloat16 computed in
/// float32 per element and rounded back; x/0 = ±Inf, 0/0 = NaN). Integers wrap; integer Div
/// truncates toward zero, a zero divisor gives 0 and min / −1 wraps to min. Opsets 1–6 (legacy
/// `broadcast`/`axis` attributes) are not supported.
struct ArithmeticKernel: Kernel {
    enum Operation: String, Sendable, CaseIterable { case add = "Add", subtract = "Sub", multiply = "Mul", divide = "Div" }
    let operation: Operation

    static func registrations() -> [OpRegistration] {
        Operation.allCases.map { op in
            OpRegistration(op.rawValue, versions: 7...Int.max) { context in
                try OpCheck.arity(context, inputs: 2...2)
                return ArithmeticKernel(operation: op)
            }
        }
    }

    struct Add: FloatBinaryFunction {
        @inline(__always) func callAsFunction<T: FloatMath>(_ a: T, _ b: T) -> T { a + b }
    }
    struct Subtract: FloatBinaryFunction {
        @inline(__always) func callAsFunction<T: FloatMath>(_ a: T, _ b: T) -> T { a - b }
    }
    struct Multiply: FloatBinaryFunction {
        @inline(__always) func callAsFunction<T: FloatMath>(_ a: T, _ b: T) -> T { a * b }
    }
    struct Divide: FloatBinaryFunction {
        @inline(__always) func callAsFunction<T: FloatMath>(_ a: T, _ b: T) -> T { a / b }
    }

    /// The float element functions `evaluate` applies (integer inputs never take a fused path);
    /// float32 blocks run in `VectorKernels` (the same IEEE operation per element).
    var elementwise: ElementwiseFunction? {
        func make<F: FloatBinaryFunction>(_ f: F, _ op: VectorKernels.Arithmetic) -> ElementwiseFunction {
            ElementwiseFunction(arity: 2, float32: VectorKernels.binary(op), float64: ElementwiseFunction.binaryBlock(f, Double.self),
                                chainOp: .arithmetic(op))
        }
        switch operation {
        case .add: return make(Add(), .add)
        case .subtract: return make(Subtract(), .subtract)
        case .multiply: return make(Multiply(), .multiply)
        case .divide: return make(Divide(), .divide)
        }
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let a = try Inputs.tensor(inputs, 0, name: "A"), b = try Inputs.tensor(inputs, 1, name: "B")
        try OpCheck.type(a, "A", OpCheck.numeric)
        try OpCheck.sameType(a, "A", b, "B")
        return [TensorInfo(dtype: a.dtype, shape: try Broadcast.shape([a.shape, b.shape]))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let a = try Inputs.tensor(inputs, 0, name: "A"), b = try Inputs.tensor(inputs, 1, name: "B")
        if a.dtype.isInteger {
            struct Visitor: IntegerVisitor {
                let a: Tensor, b: Tensor, operation: Operation
                func visit<T: TensorInteger>(_: T.Type) throws -> Tensor {
                    switch operation {
                    case .add: return try Elementwise.binary(a, b, as: T.self, and: T.self, output: a.dtype, T.add)
                    case .subtract: return try Elementwise.binary(a, b, as: T.self, and: T.self, output: a.dtype, T.subtract)
                    case .multiply: return try Elementwise.binary(a, b, as: T.self, and: T.self, output: a.dtype, T.multiply)
                    case .divide: return try Elementwise.binary(a, b, as: T.self, and: T.self, output: a.dtype, T.divide)
                    }
                }
            }
            return [.tensor(try a.dtype.dispatchInteger(Visitor(a: a, b: b, operation: operation)))]
        }
        switch operation {
        case .add: return [.tensor(try FloatElementwise.binary(a, b, Add()))]
        case .subtract: return [.tensor(try FloatElementwise.binary(a, b, Subtract()))]
        case .multiply: return [.tensor(try FloatElementwise.binary(a, b, Multiply()))]
        case .divide: return [.tensor(try FloatElementwise.binary(a, b, Divide()))]
        }
    }
}
