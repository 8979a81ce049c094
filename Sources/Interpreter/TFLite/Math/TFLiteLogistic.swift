import LockstepCore

/// LOGISTIC (versions 1–3), float: `1 / (1 + exp(-clamp(x, -100, 100)))` in float32, NaN passing
/// through, as `reference_ops::Logistic` (LiteRT `tflite/kernels/internal/reference/logistic.h`).
enum TFLiteLogistic {
    struct Function: FloatUnaryFunction {
        @inline(__always) func callAsFunction<T: FloatMath>(_ x: T) -> T {
            let v = x.isNaN ? x : Swift.max(-100, Swift.min(100, x))
            return 1 / (1 + T.exp(-v))
        }
    }
    static let registration = TFLiteUnaryKernel.registration("LOGISTIC", Function(), quantized: TFLiteQuantizedUnaryPaths.sigmoidLike(tanh: false))
}
