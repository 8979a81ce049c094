import LockstepCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// GELU (1–2), float: `0.5·x·erfc(−x/√2)`, or with `approximate`
/// `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))` (LiteRT `reference/gelu.h`; LiteRT evaluates
/// erfc / tanh with Eigen's vectorised approximations, Lockstep with the C library's, so results
/// can differ in the last bits: the committed case checks rtol 1e-5).
/// int8 / int16 through a lookup table of LiteRT's `GeluTransform` / `GeluTransformApproximate`
/// (float `erfcf` / `tanhf`), as `gelu.cc` builds it in Prepare.
struct TFLiteGelu: Kernel {
    static let registration = TFLiteOps.op("GELU") { context in
        try TFLiteSupport.arity(context, inputs: 1...1)
        return TFLiteGelu(approximate: try context.attributes.int("approximate", default: 0) != 0, quantization: try TFLiteQuantization(context))
    }

    let approximate: Bool
    let quantization: TFLiteQuantization

    struct Exact: FloatUnaryFunction {
        @inline(__always) func callAsFunction<T: FloatMath>(_ x: T) -> T {
            let s = T(-0.70710678118654752440)  // -M_SQRT1_2
            return T(0.5) * x * T(erfc(Double(x * s)))
        }
    }

    struct Approximate: FloatUnaryFunction {
        @inline(__always) func callAsFunction<T: FloatMath>(_ x: T) -> T {
            let k = T(Float(1.12837916709551257390 * 0.70710678118654752440))  // M_2_SQRTPI · M_SQRT1_2 as float
            return T(0.5) * x * (1 + T.tanh(k * (x + T(0.044715) * x * x * x)))
        }
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        return x.dtype == .int8 || x.dtype == .int16 ? [TensorInfo(x)] : try TFLiteUnary.prepare(inputs)
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        if x.dtype == .int8 || x.dtype == .int16 {
            return [.tensor(try (approximate ? TFLiteQuantizedUnaryPaths.geluApproximate : TFLiteQuantizedUnaryPaths.gelu)(x, quantization))]
        }
        return approximate ? try TFLiteUnary.evaluate(inputs, Approximate()) : try TFLiteUnary.evaluate(inputs, Exact())
    }
}
