import LockstepCore

/// RELU6 (versions 1–3): `min(max(x, 0), 6)` with std::max / std::min (NaN passes).
enum TFLiteRelu6 {
    struct Function: FloatUnaryFunction {
        @inline(__always) func callAsFunction<T: FloatMath>(_ x: T) -> T { FusedActivation.clamp(x, 0, 6) }
    }
    static let registration = TFLiteUnaryKernel.registration("RELU6", Function(), quantized: TFLiteQuantizedUnaryPaths.relu(lower: 0, upper: 6))
}
