import LockstepCore

/// TANH (versions 1–3), float: `tanh(x)` in the input's precision.
enum TFLiteTanh {
    struct Function: FloatUnaryFunction {
        @inline(__always) func callAsFunction<T: FloatMath>(_ x: T) -> T { T.tanh(x) }
    }
    static let registration = TFLiteUnaryKernel.registration("TANH", Function(), quantized: TFLiteQuantizedUnaryPaths.sigmoidLike(tanh: true))
}
