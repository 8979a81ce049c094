import LockstepCore

/// Add, Sub, Mul, Div (ONNX opsets 7–14+): broadcasting arithmetic on two tensors of one type.
/// float16/bfloat16 are computed in float32 and rounded back.
struct ArithmeticKernel: Kernel {
    enum Operation: String, Sendable { case add = "Add", subtract = "Sub", multiply = "Mul", divide = "Div" }
    let operation: Operation

    static func registrations() -> [OpRegistration] {
        [Operation.add, .subtract, .multiply, .divide].map { op in
            OpRegistration(op.rawValue, versions: 7...Int.max) { _ in ArithmeticKernel(operation: op) }
        }
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (a, b) = try Inputs.two(inputs)
        guard a.dtype == b.dtype else { throw KernelError("inputs must have one element type, found \(a.dtype) and \(b.dtype)") }
        return [TensorInfo(dtype: a.dtype, shape: try Broadcast.shape([a.shape, b.shape]))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (a, b) = try Inputs.two(inputs)
        if a.dtype == .float16 || a.dtype == .bfloat16 {
            let result = try compute(try a.widenedToFloat(), try b.widenedToFloat())
            return [.tensor(try result.narrowed(to: a.dtype))]
        }
        return [.tensor(try compute(a, b))]
    }

    private func compute(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        struct Visitor: ScalarVisitor {
            let a: Tensor, b: Tensor, operation: Operation
            func visit<T: TensorScalar>(_: T.Type) throws -> Tensor {
                switch operation {
                case .add: return try Elementwise.binary(a, b, as: T.self, output: a.dtype, T.add)
                case .subtract: return try Elementwise.binary(a, b, as: T.self, output: a.dtype, T.subtract)
                case .multiply: return try Elementwise.binary(a, b, as: T.self, output: a.dtype, T.multiply)
                case .divide: return try Elementwise.binary(a, b, as: T.self, output: a.dtype, T.divide)
                }
            }
        }
        guard a.dtype != .bool else { throw KernelError("\(operation.rawValue) is not defined for bool") }
        return try a.dtype.dispatch(Visitor(a: a, b: b, operation: operation))
    }
}
