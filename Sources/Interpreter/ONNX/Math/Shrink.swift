import LockstepCore

/// Shrink (opset 9): x + bias for x < −lambd, x − bias for x > lambd, else 0 (lambd 0.5 and
/// bias 0 by default). Floats compute in their own precision (float16/bfloat16 in float32);
/// integers compute in float64 and convert back truncating toward zero, saturating.
struct ShrinkKernel: Kernel {
    let function: FloatFunctions.Shrink

    static let registration = OpRegistration("Shrink", versions: 9...Int.max) { context in
        try OpCheck.arity(context, inputs: 1...1)
        let a = context.attributes
        return ShrinkKernel(function: .init(lambd: try a.float("lambd", default: 0.5), bias: try a.float("bias", default: 0)))
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.tensor(inputs, 0, name: "input")
        try OpCheck.type(x, "input", OpCheck.numeric)
        return [TensorInfo(x)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.tensor(inputs, 0, name: "input")
        guard x.dtype.isInteger else { return [.tensor(try FloatElementwise.unary(x, function))] }
        struct Visitor: IntegerVisitor {
            let x: Tensor, function: FloatFunctions.Shrink
            func visit<T: TensorInteger>(_: T.Type) throws -> Tensor {
                try Elementwise.map(x, as: T.self, output: x.dtype) { T(clampingDouble: function(Double($0))) }
            }
        }
        return [.tensor(try x.dtype.dispatchInteger(Visitor(x: x, function: function)))]
    }
}
