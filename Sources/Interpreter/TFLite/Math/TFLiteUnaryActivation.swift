import LockstepCore

/// Float elementwise activations of the TFLite builtins, each as its reference kernel computes
/// it in float32 (`tflite/kernels/internal/reference/*.h`).
enum TFLiteUnary {
    /// Applies `f` to every element of a float32/float64 input; same shape and type out.
    static func evaluate<F: FloatUnaryFunction>(_ inputs: [Value?], _ f: F) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        try TFLiteSupport.requireFloat(x, "input")
        return [.tensor(try FloatElementwise.unary(x, f))]
    }

    static func prepare(_ inputs: [Value?]) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        try TFLiteSupport.requireFloat(x, "input")
        return [TensorInfo(x)]
    }
}

/// A float unary builtin as a kernel.
struct TFLiteUnaryKernel<F: FloatUnaryFunction>: Kernel {
    let function: F

    static func registration(_ name: String, _ function: F) -> OpRegistration {
        TFLiteOps.op(name) { context in
            try TFLiteSupport.arity(context, inputs: 1...1)
            return TFLiteUnaryKernel(function: function)
        }
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] { try TFLiteUnary.prepare(inputs) }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] { try TFLiteUnary.evaluate(inputs, function) }
}
