import LockstepCore

/// Swish (ONNX opset 24): `Y = X · sigmoid(alpha · X)`, `alpha` a float attribute (default 1).
/// float16/bfloat16 are computed in float32 and rounded back; float32/float64 in their own
/// precision.
enum SwishOp {
    static let registration = FloatUnaryKernel.registration("Swish", versions: 24...Int.max) { attributes in
        SwishFunction(alpha: try attributes.float("alpha", default: 1))
    }
}

/// `x · sigmoid(alpha · x)` with the overflow-safe sigmoid of `FloatFunctions.Sigmoid`.
struct SwishFunction: FloatUnaryFunction {
    let alpha: Float
    @inline(__always) func callAsFunction<T: FloatMath>(_ x: T) -> T {
        x * FloatFunctions.Sigmoid()(T(alpha) * x)
    }
}
