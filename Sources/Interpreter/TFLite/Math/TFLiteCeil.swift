import LockstepCore

/// CEIL (1): `ceil(x)` elementwise on float32 (float16 / bfloat16 widened to float32 and rounded
/// back, float64 in float64), as `optimized_ops::Ceil` (google-ai-edge/LiteRT
/// `tflite/kernels/ceil.cc` @ 515974a32a1d2c69ecfe06187df2d7a04ba8f0a0; that revision adds
/// quantised int8 / int16 paths that the pinned LiteRT 2.3.0 does not run — its kernel prepares
/// float32 only, measured into `opsets/tflite/builtin.yaml`). LiteRT's reference resolver does not
/// register CEIL; the builtin kernel is the reference.
enum TFLiteCeil {
    struct Ceil: FloatUnaryFunction { @inline(__always) func callAsFunction<T: FloatMath>(_ x: T) -> T { x.rounded(.up) } }

    static let registration = TFLiteFloatUnary.registration("CEIL", Ceil())
}

/// A float elementwise builtin over every IEEE float type (`FloatElementwise.unary`).
struct TFLiteFloatUnary: Kernel {
    let function: @Sendable (Tensor) throws -> Tensor

    static func registration<F: FloatUnaryFunction>(_ name: String, _ f: F) -> OpRegistration {
        TFLiteOps.op(name) { context in
            try TFLiteSupport.arity(context, inputs: 1...1)
            return TFLiteFloatUnary(function: { try FloatElementwise.unary($0, f) })
        }
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        guard FloatElementwise.types.contains(x.dtype) else { throw KernelError("\(x.dtype) input is not implemented", unsupported: true) }
        return [TensorInfo(x)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        _ = try prepare(inputs, context: context)
        return [.tensor(try function(try Inputs.one(inputs)))]
    }
}
