import LockstepCore

/// RELU_0_TO_1 (version 1): `min(max(x, 0), 1)` (NaN passes).
enum TFLiteRelu0To1 {
    struct Function: FloatUnaryFunction {
        @inline(__always) func callAsFunction<T: FloatMath>(_ x: T) -> T { FusedActivation.clamp(x, 0, 1) }
    }
    static let registration = TFLiteUnaryKernel.registration("RELU_0_TO_1", Function(), quantized: TFLiteQuantizedUnaryPaths.relu(lower: 0, upper: 1))
}
