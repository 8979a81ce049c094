import LockstepCore

/// BitwiseAnd, BitwiseOr, BitwiseXor (opset 18): two's-complement bitwise operations on one
/// integer type with numpy broadcasting.
struct BitwiseBinaryKernel: Kernel {
    enum Operation: String, Sendable, CaseIterable { case and = "BitwiseAnd", or = "BitwiseOr", xor = "BitwiseXor" }
    let operation: Operation

    static let registrations: [OpRegistration] = Operation.allCases.map { operation in
        OpRegistration(operation.rawValue, versions: 18...Int.max) { context in
            try OpCheck.arity(context, inputs: 2...2)
            return BitwiseBinaryKernel(operation: operation)
        }
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let a = try Inputs.tensor(inputs, 0, name: "A"), b = try Inputs.tensor(inputs, 1, name: "B")
        try OpCheck.type(a, "A", OpCheck.integers)
        try OpCheck.sameType(a, "A", b, "B")
        return [TensorInfo(dtype: a.dtype, shape: try Broadcast.shape([a.shape, b.shape]))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let a = try Inputs.tensor(inputs, 0, name: "A"), b = try Inputs.tensor(inputs, 1, name: "B")
        struct Visitor: IntegerVisitor {
            let a: Tensor, b: Tensor, operation: Operation
            func visit<T: TensorInteger>(_: T.Type) throws -> Tensor {
                switch operation {
                case .and: return try Elementwise.binary(a, b, as: T.self, and: T.self, output: a.dtype) { $0 & $1 }
                case .or: return try Elementwise.binary(a, b, as: T.self, and: T.self, output: a.dtype) { $0 | $1 }
                case .xor: return try Elementwise.binary(a, b, as: T.self, and: T.self, output: a.dtype) { $0 ^ $1 }
                }
            }
        }
        return [.tensor(try a.dtype.dispatchInteger(Visitor(a: a, b: b, operation: operation)))]
    }
}

/// BitwiseNot (opset 18): two's-complement bitwise negation (~x) of an integer tensor.
enum BitwiseNotOp {
    static let registration = NumericUnaryKernel.registration(
        "BitwiseNot", versions: 18...Int.max, types: OpCheck.integers,
        float: FloatFunctions.Neg(), integer: IntegerFunctions.BitwiseNot())  // float path unreachable: types are integers
}
