/// HARD_SWISH (version 1), float: `x · min(6, max(0, x + 3)) / 6`, multiplied first and divided
/// after, as `reference_ops::HardSwish` (LiteRT `tflite/kernels/internal/reference/hard_swish.h`).
enum TFLiteHardSwish {
    struct Function: FloatUnaryFunction {
        @inline(__always) func callAsFunction<T: FloatMath>(_ x: T) -> T {
            let s = x + 3
            let r = 0 < s ? s : 0  // std::max(0, x + 3)
            let m = r < 6 ? r : 6  // std::min(6, …)
            return x * m / 6
        }
    }
    static let registration = TFLiteUnaryKernel.registration("HARD_SWISH", Function())
}
