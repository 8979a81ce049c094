import LockstepCore

/// A real floating-point element type that kernels compute in natively: float32 (with
/// `cblas_sgemm`) and float64 (with `cblas_dgemm`). float16/bfloat16 tensors are widened to
/// float32 before they reach a `BLASFloat` kernel and rounded back afterwards.
///
/// The math functions come from `FloatMath` (the C library's `expf`/`exp`, …), so float32 is
/// computed in float32 as ONNX Runtime and TFLite do.
public protocol BLASFloat: FloatMath, SIMDScalar, Codable {
    /// The tensor element type stored as `Self`.
    static var dtype: DType { get }
    /// `C = alpha * op(A) * op(B) + beta * C` (row-major), see `GEMM`.
    static func gemm(m: Int, n: Int, k: Int, alpha: Self, a: UnsafePointer<Self>, transposeA: Bool,
                     b: UnsafePointer<Self>, transposeB: Bool, beta: Self, c: UnsafeMutablePointer<Self>)
    /// `C = A * B + beta * C` with row strides `ldb`, `ldc` (see the strided `GEMM.sgemm`).
    static func gemm(m: Int, n: Int, k: Int, a: UnsafePointer<Self>, b: UnsafePointer<Self>, ldb: Int, beta: Self,
                     c: UnsafeMutablePointer<Self>, ldc: Int)
}

extension Float: BLASFloat {
    public static var dtype: DType { .float32 }
    @inline(__always)
    public static func gemm(m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, transposeA: Bool,
                            b: UnsafePointer<Float>, transposeB: Bool, beta: Float, c: UnsafeMutablePointer<Float>) {
        GEMM.sgemm(m: m, n: n, k: k, alpha: alpha, a: a, transposeA: transposeA, b: b, transposeB: transposeB, beta: beta, c: c)
    }
    @inline(__always)
    public static func gemm(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int, beta: Float,
                            c: UnsafeMutablePointer<Float>, ldc: Int) {
        GEMM.sgemm(m: m, n: n, k: k, a: a, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
}

extension Double: BLASFloat {
    public static var dtype: DType { .float64 }
    @inline(__always)
    public static func gemm(m: Int, n: Int, k: Int, alpha: Double, a: UnsafePointer<Double>, transposeA: Bool,
                            b: UnsafePointer<Double>, transposeB: Bool, beta: Double, c: UnsafeMutablePointer<Double>) {
        GEMM.dgemm(m: m, n: n, k: k, alpha: alpha, a: a, transposeA: transposeA, b: b, transposeB: transposeB, beta: beta, c: c)
    }
    @inline(__always)
    public static func gemm(m: Int, n: Int, k: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>, ldb: Int, beta: Double,
                            c: UnsafeMutablePointer<Double>, ldc: Int) {
        GEMM.dgemm(m: m, n: n, k: k, a: a, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
}

/// Calls a generic body with `Float` or `Double`.
public protocol BLASFloatVisitor {
    associatedtype Result
    func visit<T: BLASFloat>(_ type: T.Type) throws -> Result
}

extension DType {
    /// Dispatches `visitor` on float32 (`Float`) or float64 (`Double`); other types throw.
    public func dispatchBLASFloat<V: BLASFloatVisitor>(_ visitor: V) throws -> V.Result {
        switch self {
        case .float32: return try visitor.visit(Float.self)
        case .float64: return try visitor.visit(Double.self)
        case .float16, .bfloat16, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0,
             .float4e2m1, .float6e2m3, .float6e3m2, .int2, .uint2, .int4, .uint4, .int8, .uint8, .int16, .uint16,
             .int32, .uint32, .int64, .uint64, .bool, .string, .complex64, .complex128:
            throw KernelError("element type \(self) is not float32 or float64")
        }
    }

    /// True for the types the floating-point NN kernels accept: float32, float64, and float16 /
    /// bfloat16 (computed in float32).
    public var isComputedAsFloat: Bool {
        self == .float32 || self == .float64 || self == .float16 || self == .bfloat16
    }
}
