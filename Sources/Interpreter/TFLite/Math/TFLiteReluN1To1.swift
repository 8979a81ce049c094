import LockstepCore

/// RELU_N1_TO_1 (version 1): `min(max(x, -1), 1)` (NaN passes).
enum TFLiteReluN1To1 {
    struct Function: FloatUnaryFunction {
        @inline(__always) func callAsFunction<T: FloatMath>(_ x: T) -> T { FusedActivation.clamp(x, -1, 1) }
    }
    static let registration = TFLiteUnaryKernel.registration("RELU_N1_TO_1", Function(), quantized: TFLiteQuantizedUnaryPaths.relu(lower: -1, upper: 1))
}
