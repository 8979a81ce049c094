import LockstepCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// COMPLEX_ABS (version 1): `|z|` of each element of a complex64 (→ float32) or complex128
/// (→ float64) tensor, as google-ai-edge/LiteRT `tflite/kernels/complex_support.cc` (`std::abs`,
/// which libstdc++ computes with the C library's `cabsf` / `cabs`, i.e. `hypotf` / `hypot`: no
/// overflow for large parts).
struct TFLiteComplexAbs: Kernel {
    static let registration = TFLiteOps.op("COMPLEX_ABS") { context in
        try TFLiteSupport.arity(context, inputs: 1...1)
        return TFLiteComplexAbs()
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        return [TensorInfo(dtype: try TFLiteComplexPart.realType(of: x, "COMPLEX_ABS"), shape: x.shape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        switch try TFLiteComplexPart.realType(of: x, "COMPLEX_ABS") {
        case .float32:
            return [.tensor(try TFLiteComplexPart.map(x, Complex64.self, Float.self, .float32) { hypotf($0.real, $0.imaginary) })]
        default:
            return [.tensor(try TFLiteComplexPart.map(x, Complex128.self, Double.self, .float64) { hypot($0.real, $0.imaginary) })]
        }
    }
}
