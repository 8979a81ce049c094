import LockstepCore

/// REAL and IMAG (version 1): the real or imaginary part of each element of a complex64
/// (→ float32) or complex128 (→ float64) tensor, as google-ai-edge/LiteRT
/// `tflite/kernels/complex_support.cc` (`std::real` / `std::imag`).
struct TFLiteComplexPart: Kernel {
    enum Part: String, Sendable { case real = "REAL", imaginary = "IMAG" }

    static func registration(_ part: Part) -> OpRegistration {
        TFLiteOps.op(part.rawValue) { context in
            try TFLiteSupport.arity(context, inputs: 1...1)
            return TFLiteComplexPart(part: part)
        }
    }

    let part: Part

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        return [TensorInfo(dtype: try Self.realType(of: x, part.rawValue), shape: x.shape)]
    }

    /// float32 for complex64, float64 for complex128; other inputs are refused.
    static func realType(of x: Tensor, _ op: String) throws -> DType {
        switch x.dtype {
        case .complex64: return .float32
        case .complex128: return .float64
        default: throw KernelError("\(op) takes a complex64 or complex128 input, found \(x.dtype)")
        }
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        let imaginary = part == .imaginary
        switch try Self.realType(of: x, part.rawValue) {
        case .float32:
            return [.tensor(try Self.map(x, Complex64.self, Float.self, .float32) { imaginary ? $0.imaginary : $0.real })]
        default:
            return [.tensor(try Self.map(x, Complex128.self, Double.self, .float64) { imaginary ? $0.imaginary : $0.real })]
        }
    }

    /// Applies `f` to every element of complex tensor `x`.
    static func map<C: BitwiseCopyable, R: BitwiseCopyable>(_ x: Tensor, _: C.Type, _: R.Type, _ dtype: DType, _ f: (C) -> R) throws -> Tensor {
        let reader = try ElementReader(x, as: C.self)
        let output = try OutputBuffer<R>(dtype, shape: x.shape)
        withExtendedLifetime(reader) {
            for i in 0..<reader.count { output.pointer[i] = f(reader.pointer[i]) }
        }
        return try output.tensor(dtype, shape: x.shape)
    }
}
