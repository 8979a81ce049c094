import LockstepCore

/// RELU (versions 1–3): `x < 0 ? 0 : x` (NaN passes).
enum TFLiteRelu {
    struct Function: FloatUnaryFunction {
        @inline(__always) func callAsFunction<T: FloatMath>(_ x: T) -> T { x < 0 ? 0 : x }
    }
    static let registration = TFLiteUnaryKernel.registration("RELU", Function(), quantized: TFLiteQuantizedUnaryPaths.relu(lower: 0, upper: nil))
}
