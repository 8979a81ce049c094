import LockstepCore

/// A scalar function of one floating-point argument, generic so that each use is specialised
/// for float32 and float64 (no existential or closure dispatch per element in release builds).
public protocol FloatUnaryFunction: Sendable {
    func callAsFunction<T: FloatMath>(_ x: T) -> T
}

/// A scalar function of two floating-point arguments of one type.
public protocol FloatBinaryFunction: Sendable {
    func callAsFunction<T: FloatMath>(_ a: T, _ b: T) -> T
}

/// A floating-point predicate (IsNaN, IsInf).
public protocol FloatPredicate: Sendable {
    func callAsFunction<T: FloatMath>(_ x: T) -> Bool
}

/// How a floating-point element type is computed: in its own precision, or (float16, bfloat16,
/// float8) decoded to float32 and, where the result keeps the type, rounded back to nearest even.
public enum FloatComputation: Sendable, Equatable {
    case float32, float64, float16, bfloat16
    /// Read-only (predicates): float8 kinds decode to float32; there is no rounding back.
    case float8

    public init?(_ dtype: DType) {
        switch dtype {
        case .float32: self = .float32
        case .float64: self = .float64
        case .float16: self = .float16
        case .bfloat16: self = .bfloat16
        case .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0: self = .float8
        case .float4e2m1, .float6e2m3, .float6e3m2, .int2, .uint2, .int4, .uint4, .int8, .uint8, .int16, .uint16,
             .int32, .uint32, .int64, .uint64, .bool, .string, .complex64, .complex128:
            return nil
        }
    }
}

/// Elementwise kernels over the IEEE floating-point types: float32 in float32, float64 in
/// float64, float16/bfloat16 widened to float32 per element and rounded back (nearest even).
public enum FloatElementwise {
    /// The types `unary`/`binary` accept.
    public static let types: [DType] = [.float16, .bfloat16, .float32, .float64]

    /// `y = f(x)`, same type and shape as `x`.
    public static func unary<F: FloatUnaryFunction>(_ x: Tensor, _ f: F) throws -> Tensor {
        switch FloatComputation(x.dtype) {
        case .float32: return try Elementwise.map(x, as: Float.self, output: .float32) { f($0) }
        case .float64: return try Elementwise.map(x, as: Double.self, output: .float64) { f($0) }
        case .float16:
            return try Elementwise.map(x, as: UInt16.self, output: .float16) {
                FloatBits.floatToHalf(f(FloatBits.halfToFloat($0)))
            }
        case .bfloat16:
            return try Elementwise.map(x, as: UInt16.self, output: .bfloat16) {
                FloatBits.floatToBFloat16(f(FloatBits.bfloat16ToFloat($0)))
            }
        case .float8, nil: throw KernelError("element type \(x.dtype) is not float16, bfloat16, float32 or float64")
        }
    }

    /// `y = f(a, b)` with numpy broadcasting; `a` and `b` must have one type.
    public static func binary<F: FloatBinaryFunction>(_ a: Tensor, _ b: Tensor, _ f: F) throws -> Tensor {
        guard a.dtype == b.dtype else { throw KernelError("inputs must have one element type, found \(a.dtype) and \(b.dtype)") }
        switch FloatComputation(a.dtype) {
        case .float32: return try Elementwise.binary(a, b, as: Float.self, and: Float.self, output: .float32) { f($0, $1) }
        case .float64: return try Elementwise.binary(a, b, as: Double.self, and: Double.self, output: .float64) { f($0, $1) }
        case .float16:
            return try Elementwise.binary(a, b, as: UInt16.self, and: UInt16.self, output: .float16) {
                FloatBits.floatToHalf(f(FloatBits.halfToFloat($0), FloatBits.halfToFloat($1)))
            }
        case .bfloat16:
            return try Elementwise.binary(a, b, as: UInt16.self, and: UInt16.self, output: .bfloat16) {
                FloatBits.floatToBFloat16(f(FloatBits.bfloat16ToFloat($0), FloatBits.bfloat16ToFloat($1)))
            }
        case .float8, nil: throw KernelError("element type \(a.dtype) is not float16, bfloat16, float32 or float64")
        }
    }

    /// A bool tensor `p(x)`; float8 types are decoded exactly to float32 first.
    public static func predicate<P: FloatPredicate>(_ x: Tensor, _ p: P) throws -> Tensor {
        switch FloatComputation(x.dtype) {
        case .float32: return try Elementwise.map(x, as: Float.self, output: .bool) { p($0) ? UInt8(1) : 0 }
        case .float64: return try Elementwise.map(x, as: Double.self, output: .bool) { p($0) ? UInt8(1) : 0 }
        case .float16:
            return try Elementwise.map(x, as: UInt16.self, output: .bool) { p(FloatBits.halfToFloat($0)) ? UInt8(1) : 0 }
        case .bfloat16:
            return try Elementwise.map(x, as: UInt16.self, output: .bool) { p(FloatBits.bfloat16ToFloat($0)) ? UInt8(1) : 0 }
        case .float8:
            let dtype = x.dtype
            return try Elementwise.map(x, as: UInt8.self, output: .bool) { p(FloatBits.smallFloatToFloat($0, dtype)) ? UInt8(1) : 0 }
        case nil: throw KernelError("element type \(x.dtype) is not a floating-point type")
        }
    }
}

/// IEEE-754 `maximum`/`minimum` as numpy and the ONNX reference compute them: a NaN operand
/// gives NaN (C `fmax` would drop it). The comparison is a select, not a branch.
@inline(__always) public func nanPropagatingMax<T: FloatingPoint>(_ a: T, _ b: T) -> T {
    let m = a >= b ? a : b  // b when either is NaN
    return a.isNaN ? a : m
}

/// See `nanPropagatingMax`.
@inline(__always) public func nanPropagatingMin<T: FloatingPoint>(_ a: T, _ b: T) -> T {
    let m = a <= b ? a : b  // b when either is NaN
    return a.isNaN ? a : m
}
