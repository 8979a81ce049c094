import LockstepCore

/// PRelu (opsets 7, 9, 16): x for x ≥ 0, slope·x otherwise, where `slope` broadcasts
/// unidirectionally to X (the output has X's shape). float16/bfloat16 compute in float32;
/// int32/int64/uint32/uint64 (opset 9+) multiply with wrapping.
struct PReluKernel: Kernel {
    static let registration = OpRegistration("PRelu", versions: 7...Int.max) { context in
        try OpCheck.arity(context, inputs: 2...2)
        return PReluKernel()
    }

    static let types: [DType] = OpCheck.floats + [.int32, .int64, .uint32, .uint64]

    struct Function: FloatBinaryFunction {
        @inline(__always) func callAsFunction<T: FloatMath>(_ x: T, _ slope: T) -> T { x < 0 ? slope * x : x }
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.tensor(inputs, 0, name: "X"), slope = try Inputs.tensor(inputs, 1, name: "slope")
        try OpCheck.type(x, "X", Self.types)
        try OpCheck.sameType(x, "X", slope, "slope")
        guard try Broadcast.shape([x.shape, slope.shape]) == x.shape else {
            throw KernelError("slope of shape \(slope.shape) does not broadcast to X of shape \(x.shape)")
        }
        return [TensorInfo(x)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.tensor(inputs, 0, name: "X"), slope = try Inputs.tensor(inputs, 1, name: "slope")
        guard x.dtype.isInteger else { return [.tensor(try FloatElementwise.binary(x, slope, Function()))] }
        struct Visitor: IntegerVisitor {
            let x: Tensor, slope: Tensor
            func visit<T: TensorInteger>(_: T.Type) throws -> Tensor {
                try Elementwise.binary(x, slope, as: T.self, and: T.self, output: x.dtype) { v, s in v < 0 ? v &* s : v }
            }
        }
        return [.tensor(try x.dtype.dispatchInteger(Visitor(x: x, slope: slope)))]
    }
}
