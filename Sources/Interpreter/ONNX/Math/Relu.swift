import LockstepCore

/// Relu (opsets 6, 13, 14): max(x, 0); NaN stays NaN, −0 stays −0.
struct ReluKernel: Kernel {
    static let registration = OpRegistration("Relu", versions: 6...Int.max) { _ in ReluKernel() }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        [TensorInfo(try Inputs.one(inputs))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        struct Visitor: ScalarVisitor {
            let x: Tensor
            func visit<T: TensorScalar>(_: T.Type) throws -> Tensor {
                try Elementwise.unary(x, as: T.self, output: x.dtype) { v in v < T.zero ? T.zero : v }
            }
        }
        if x.dtype == .float16 || x.dtype == .bfloat16 {
            return [.tensor(try x.widenedToFloat().dtype.dispatch(Visitor(x: try x.widenedToFloat())).narrowed(to: x.dtype))]
        }
        guard x.dtype.isFloatingPoint || x.dtype.isSignedInteger else { throw KernelError("Relu is not defined for \(x.dtype)") }
        return [.tensor(try x.dtype.dispatch(Visitor(x: x)))]
    }
}
