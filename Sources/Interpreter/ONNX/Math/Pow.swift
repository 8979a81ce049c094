import LockstepCore

/// Pow (opsets 7, 12, 13, 15): x^y with numpy broadcasting; the output has the base's type.
///
/// Opset 12+ lets the exponent's type differ from the base's (base: int32, int64, float16,
/// bfloat16, float32, float64; exponent: any 8–64-bit integer or IEEE float):
/// - float32 base (and float16/bfloat16, computed in float32): `powf` with the exponent
///   converted to float32, except a float64 exponent, which computes in float64 and rounds;
/// - float64 base: `pow` in float64;
/// - integer base, integer exponent: exact repeated multiplication with wrapping; a negative
///   exponent gives the truncated value of 1/x^|y| (1, ±1 for x = −1, 0 for |x| > 1, and the
///   saturated value for x = 0);
/// - integer base, float exponent: `pow` in float64, truncated toward zero and saturated.
struct PowKernel: Kernel {
    static let registration = OpRegistration("Pow", versions: 7...Int.max) { context in
        try OpCheck.arity(context, inputs: 2...2)
        return PowKernel()
    }

    static let baseTypes: [DType] = [.int32, .int64] + OpCheck.floats

    /// `floatPower` as `evaluate` applies it when base and exponent share a float type (a fused
    /// chain only runs with one element type throughout).
    struct Power: FloatBinaryFunction {
        @inline(__always) func callAsFunction<T: FloatMath>(_ x: T, _ y: T) -> T { floatPower(x, y) }
    }

    var elementwise: ElementwiseFunction? { .binary(Power()) }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.tensor(inputs, 0, name: "X"), y = try Inputs.tensor(inputs, 1, name: "Y")
        try OpCheck.type(x, "X", Self.baseTypes)
        try OpCheck.type(y, "Y", OpCheck.numeric)
        return [TensorInfo(dtype: x.dtype, shape: try Broadcast.shape([x.shape, y.shape]))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.tensor(inputs, 0, name: "X"), y = try Inputs.tensor(inputs, 1, name: "Y")
        switch FloatComputation(x.dtype) {
        case .float32, .float16, .bfloat16:
            let base = try x.widenedToFloat()
            let result: Tensor
            if y.dtype == .float64 {
                result = try Elementwise.binary(base, y, as: Float.self, and: Double.self, output: .float32) {
                    Float(Double.pow(Double($0), $1))
                }
            } else {
                let exponent = y.dtype == .float32 ? y : try Tensor(float32: y.floatValues(), shape: y.shape)
                result = try Elementwise.binary(base, exponent, as: Float.self, and: Float.self, output: .float32) {
                    floatPower($0, $1)
                }
            }
            return [.tensor(try result.narrowed(to: x.dtype))]
        case .float64:
            let exponent = y.dtype == .float64 ? y : try Tensor(dtype: .float64, shape: y.shape, values: y.doubleValues())
            return [.tensor(try Elementwise.binary(x, exponent, as: Double.self, and: Double.self, output: .float64) {
                floatPower($0, $1)
            })]
        case .float8, nil:
            return [.tensor(try x.dtype.dispatchInteger(IntegerBase(x: x, y: y)))]
        }
    }

    /// Integer base: exact integer power for integer exponents, float64 `pow` otherwise.
    struct IntegerBase: IntegerVisitor {
        let x: Tensor, y: Tensor
        func visit<T: TensorInteger>(_: T.Type) throws -> Tensor {
            if y.dtype.isInteger {
                let exponent = try Tensor(dtype: .int64, shape: y.shape, values: try y.dtype.dispatchInteger(AsInt64(y: y)))
                return try Elementwise.binary(x, exponent, as: T.self, and: Int64.self, output: x.dtype) { integerPower($0, $1) }
            }
            let exponent = try Tensor(dtype: .float64, shape: y.shape, values: try y.doubleValues())
            return try Elementwise.binary(x, exponent, as: T.self, and: Double.self, output: x.dtype) {
                T(clampingDouble: Double.pow(Double($0), $1))
            }
        }
    }

    /// Integer exponents widened to Int64 (uint64 values above Int64.max saturate).
    struct AsInt64: IntegerVisitor {
        let y: Tensor
        func visit<T: TensorInteger>(_: T.Type) throws -> [Int64] {
            try y.withElements(as: T.self) { $0.map { Int64(clamping: $0) } }
        }
    }
}

/// `pow(x, y)`, with y = 2 computed as x·x (the correctly rounded square; `pow` may be off by
/// an ulp) and y = 1 as x, as runtimes special-case them. Both agree with `pow` on ±0, ±Inf
/// and NaN.
@inline(__always) func floatPower<T: FloatMath>(_ x: T, _ y: T) -> T {
    if y == 2 { return x * x }
    if y == 1 { return x }
    return T.pow(x, y)
}

/// x^n by squaring with wrapping multiplication; negative n truncates 1/x^|n| toward zero.
@inline(__always) func integerPower<T: TensorInteger>(_ x: T, _ n: Int64) -> T {
    if n < 0 {
        if x == 1 { return 1 }
        if T.isSigned && x == 0 &- 1 { return n & 1 == 0 ? 1 : x }
        if x == 0 { return T.max }  // 1/0: float64 pow gives +Inf, saturated
        return 0
    }
    var result: T = 1, base = x, e = n
    while e > 0 {
        if e & 1 == 1 { result = result &* base }
        e >>= 1
        if e > 0 { base = base &* base }
    }
    return result
}
