import LockstepCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// GELU (1–2), float: `0.5·x·erfc(−x/√2)`, or with `approximate`
/// `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))` (LiteRT `reference/gelu.h`). float32 as LiteRT's
/// Eigen expression computes it: Eigen's `erfc` / `tanh` (`EigenFloat`), the packet form on whole
/// groups of four elements and the scalar form on the rest (LiteRT's tensors are 64-byte aligned),
/// `x³` as `(x·x)·x`; bit-exact with LiteRT. float16 in `Eigen::half` steps (`half(_:approximate:)`).
/// Other float types (the float64 oracle, bfloat16) use the C library's `erfc` / `tanh`.
/// int8 / uint8 / int16 through a lookup table of LiteRT's `GeluTransform` / `GeluTransformApproximate`
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

    static let quantizedTypes: Set<DType> = [.int8, .uint8, .int16]

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        return Self.quantizedTypes.contains(x.dtype) ? [TensorInfo(x)] : try TFLiteUnary.prepare(inputs)
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        if Self.quantizedTypes.contains(x.dtype) {
            return [.tensor(try (approximate ? TFLiteQuantizedUnaryPaths.geluApproximate : TFLiteQuantizedUnaryPaths.gelu)(x, quantization))]
        }
        if x.dtype == .float32 { return [.tensor(try Self.eigen(x, approximate: approximate))] }
        if x.dtype == .float16 { return [.tensor(try Self.half(x, approximate: approximate))] }
        return approximate ? try TFLiteUnary.evaluate(inputs, Approximate()) : try TFLiteUnary.evaluate(inputs, Exact())
    }

    /// `reference_ops::Gelu<Eigen::half>`: every operation of the expression rounds to half
    /// (Eigen's half arithmetic is float arithmetic rounded back; without F16C-era half packets
    /// on LiteRT's SSE build every element takes the scalar path). `erfc` / `tanh` of a half are
    /// Eigen's float scalar functions of the widened value, rounded (`numext::erfc(float)`,
    /// `numext::tanh(float)`).
    static func half(_ x: Tensor, approximate: Bool) throws -> Tensor {
        let k = Self.toHalf(Float(1.12837916709551257390 * 0.70710678118654752440))  // half(kSqrt2dPi)
        let minusSqrtHalf = Self.toHalf(Float(-0.70710678118654752440))
        let c = Self.toHalf(0.044715)
        return try Elementwise.map(x, as: UInt16.self, output: .float16) { bits in
            let v = FloatBits.halfToFloat(bits)
            let h = Self.toHalf
            let y: Float
            if approximate {
                let cube = h(h(v * v) * v)
                let t = h(EigenFloat.tanh(h(k * h(v + h(c * cube)))))
                y = h(h(0.5 * v) * h(1 + t))
            } else {
                let e = h(EigenFloat.erfc(h(v * minusSqrtHalf), packet: false))
                y = h(h(0.5 * v) * e)
            }
            return FloatBits.floatToHalf(y)
        }
    }

    /// Rounds a float to the nearest half and back.
    @inline(__always)
    static func toHalf(_ v: Float) -> Float { FloatBits.halfToFloat(FloatBits.floatToHalf(v)) }

    /// `reference_ops::Gelu<float>`: Eigen's packet path on the first `count & ~3` elements,
    /// its scalar path on the rest.
    static func eigen(_ x: Tensor, approximate: Bool) throws -> Tensor {
        let packetEnd = x.count & ~3
        let k = Float(1.12837916709551257390 * 0.70710678118654752440)  // M_2_SQRTPI · M_SQRT1_2 as float
        let minusSqrtHalf = Float(-0.70710678118654752440)
        return try TFLiteBuffers.build(.float32, x.shape, Float.self) { out in
            try TFLiteBuffers.read(x, Float.self) { src in
                for i in 0..<src.count {
                    let v = src[i]
                    if approximate {
                        let cube = (v * v) * v
                        out[i] = (0.5 * v) * (1 + EigenFloat.tanh(k * (v + 0.044715 * cube)))
                    } else {
                        out[i] = (0.5 * v) * EigenFloat.erfc(v * minusSqrtHalf, packet: i < packetEnd)
                    }
                }
            }
        }
    }
}
