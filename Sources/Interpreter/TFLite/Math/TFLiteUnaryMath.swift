import LockstepCore

/// Float elementwise math builtins, each as the C library computes it in float32 (TFLite's
/// reference kernels call std::exp, std::log, std::sqrt, …): EXP (1–2), LOG (1–2), SQRT (1–2),
/// RSQRT (1–3, `1 / sqrt(x)`), NEG (1), ABS (1–3), SQUARE (1), FLOOR (1), SIN (1), COS (1).
/// Integer inputs (`TFLiteQuantizedUnaryPaths`): int8 / int16 EXP, LOG, SQRT, RSQRT, ABS as LiteRT
/// computes them (tables or fixed point), int32 ABS and NEG.
enum TFLiteUnaryMath {
    struct Exp: FloatUnaryFunction { @inline(__always) func callAsFunction<T: FloatMath>(_ x: T) -> T { T.exp(x) } }
    struct Log: FloatUnaryFunction { @inline(__always) func callAsFunction<T: FloatMath>(_ x: T) -> T { T.log(x) } }
    struct Sqrt: FloatUnaryFunction { @inline(__always) func callAsFunction<T: FloatMath>(_ x: T) -> T { x.squareRoot() } }
    struct Rsqrt: FloatUnaryFunction { @inline(__always) func callAsFunction<T: FloatMath>(_ x: T) -> T { 1 / x.squareRoot() } }
    struct Neg: FloatUnaryFunction { @inline(__always) func callAsFunction<T: FloatMath>(_ x: T) -> T { -x } }
    struct Abs: FloatUnaryFunction { @inline(__always) func callAsFunction<T: FloatMath>(_ x: T) -> T { Swift.abs(x) } }
    struct Square: FloatUnaryFunction { @inline(__always) func callAsFunction<T: FloatMath>(_ x: T) -> T { x * x } }
    struct Floor: FloatUnaryFunction { @inline(__always) func callAsFunction<T: FloatMath>(_ x: T) -> T { x.rounded(.down) } }
    struct Sin: FloatUnaryFunction { @inline(__always) func callAsFunction<T: FloatMath>(_ x: T) -> T { T.sin(x) } }
    struct Cos: FloatUnaryFunction { @inline(__always) func callAsFunction<T: FloatMath>(_ x: T) -> T { T.cos(x) } }

    static var registrations: [OpRegistration] {
        [
            TFLiteUnaryKernel.registration("EXP", Exp(), quantized: TFLiteQuantizedUnaryPaths.exp),
            TFLiteUnaryKernel.registration("LOG", Log(), quantized: TFLiteQuantizedUnaryPaths.log),
            TFLiteUnaryKernel.registration("SQRT", Sqrt(), quantized: TFLiteQuantizedUnaryPaths.sqrt),
            TFLiteUnaryKernel.registration("RSQRT", Rsqrt(), quantized: TFLiteQuantizedUnaryPaths.rsqrt),
            TFLiteUnaryKernel.registration("NEG", Neg(), quantized: TFLiteQuantizedUnaryPaths.neg),
            TFLiteUnaryKernel.registration("ABS", Abs(), quantized: TFLiteQuantizedUnaryPaths.abs),
            TFLiteUnaryKernel.registration("SQUARE", Square()), TFLiteUnaryKernel.registration("FLOOR", Floor()),
            TFLiteUnaryKernel.registration("SIN", Sin()), TFLiteUnaryKernel.registration("COS", Cos()),
        ]
    }
}
