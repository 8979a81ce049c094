import LockstepCore

/// A Swift type that stores one tensor element directly (no conversion).
public protocol TensorScalar: BitwiseCopyable, Comparable, Sendable {
    static var zero: Self { get }
    init(clampingDouble: Double)
    var doubleValue: Double { get }
    /// Arithmetic as ONNX runtimes do it: IEEE 754 for floats; wrapping for integers, with
    /// integer division truncating toward zero (a zero divisor gives 0 instead of trapping).
    static func add(_ a: Self, _ b: Self) -> Self
    static func subtract(_ a: Self, _ b: Self) -> Self
    static func multiply(_ a: Self, _ b: Self) -> Self
    static func divide(_ a: Self, _ b: Self) -> Self
}

extension BinaryFloatingPoint {
    @inline(__always) public static func add(_ a: Self, _ b: Self) -> Self { a + b }
    @inline(__always) public static func subtract(_ a: Self, _ b: Self) -> Self { a - b }
    @inline(__always) public static func multiply(_ a: Self, _ b: Self) -> Self { a * b }
    @inline(__always) public static func divide(_ a: Self, _ b: Self) -> Self { a / b }
}

extension Float: TensorScalar {
    public static var zero: Float { 0 }
    public init(clampingDouble d: Double) { self = Float(d) }
    public var doubleValue: Double { Double(self) }
}

extension Double: TensorScalar {
    public static var zero: Double { 0 }
    public init(clampingDouble d: Double) { self = d }
    public var doubleValue: Double { self }
}

/// Integers convert from Double by truncation toward zero, saturating at the type's range
/// (NaN becomes 0), as casts in ONNX runtimes do on x86.
public protocol TensorInteger: TensorScalar, FixedWidthInteger {}

extension TensorInteger {
    public init(clampingDouble d: Double) {
        if d.isNaN { self = 0 }
        else if d <= Double(Self.min) { self = Self.min }
        else if d >= Double(Self.max) { self = Self.max }
        else { self = Self(d.rounded(.towardZero)) }
    }
    public var doubleValue: Double { Double(self) }
    public static var zero: Self { 0 }
    @inline(__always) public static func add(_ a: Self, _ b: Self) -> Self { a &+ b }
    @inline(__always) public static func subtract(_ a: Self, _ b: Self) -> Self { a &- b }
    @inline(__always) public static func multiply(_ a: Self, _ b: Self) -> Self { a &* b }
    @inline(__always) public static func divide(_ a: Self, _ b: Self) -> Self {
        if b == 0 { return 0 }
        if Self.isSigned && b == -1 { return 0 &- a }  // Int.min / -1 wraps instead of trapping
        return a / b
    }
}

extension Int8: TensorInteger {}
extension UInt8: TensorInteger {}
extension Int16: TensorInteger {}
extension UInt16: TensorInteger {}
extension Int32: TensorInteger {}
extension UInt32: TensorInteger {}
extension Int64: TensorInteger {}
extension UInt64: TensorInteger {}

/// Calls a generic body with the Swift type that stores `dtype`'s elements.
public protocol ScalarVisitor {
    associatedtype Result
    func visit<T: TensorScalar>(_ type: T.Type) throws -> Result
}

/// Calls a generic body with the Swift integer type of an integer `dtype`.
public protocol IntegerVisitor {
    associatedtype Result
    func visit<T: TensorInteger>(_ type: T.Type) throws -> Result
}

extension DType {
    /// Dispatches `visitor` on the storage type of a directly stored real type
    /// (float32, float64, 8–64-bit integers, bool as UInt8). Other types throw.
    public func dispatch<V: ScalarVisitor>(_ visitor: V) throws -> V.Result {
        switch self {
        case .float32: return try visitor.visit(Float.self)
        case .float64: return try visitor.visit(Double.self)
        case .int8: return try visitor.visit(Int8.self)
        case .uint8, .bool: return try visitor.visit(UInt8.self)
        case .int16: return try visitor.visit(Int16.self)
        case .uint16: return try visitor.visit(UInt16.self)
        case .int32: return try visitor.visit(Int32.self)
        case .uint32: return try visitor.visit(UInt32.self)
        case .int64: return try visitor.visit(Int64.self)
        case .uint64: return try visitor.visit(UInt64.self)
        case .float16, .bfloat16, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0,
             .float4e2m1, .float6e2m3, .float6e3m2, .int2, .uint2, .int4, .uint4, .string, .complex64, .complex128:
            throw KernelError("element type \(self) is not supported here")
        }
    }

    public func dispatchInteger<V: IntegerVisitor>(_ visitor: V) throws -> V.Result {
        switch self {
        case .int8: return try visitor.visit(Int8.self)
        case .uint8: return try visitor.visit(UInt8.self)
        case .int16: return try visitor.visit(Int16.self)
        case .uint16: return try visitor.visit(UInt16.self)
        case .int32: return try visitor.visit(Int32.self)
        case .uint32: return try visitor.visit(UInt32.self)
        case .int64: return try visitor.visit(Int64.self)
        case .uint64: return try visitor.visit(UInt64.self)
        case .float32, .float64, .bool, .float16, .bfloat16, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz,
             .float8e8m0, .float4e2m1, .float6e2m3, .float6e3m2, .int2, .uint2, .int4, .uint4, .string, .complex64, .complex128:
            throw KernelError("element type \(self) is not an integer type")
        }
    }
}

extension Tensor {
    /// A new tensor whose elements `fill` writes once (storage starts zeroed).
    public static func build<T: BitwiseCopyable>(_ dtype: DType, shape: [Int], as: T.Type = T.self,
                                                 fill: (UnsafeMutableBufferPointer<T>) throws -> Void) throws -> Tensor {
        guard let count = Shape.elementCount(shape), let bytes = dtype.storageBytes(count: count) else {
            throw KernelError("output shape \(shape) is invalid or too large")
        }
        guard dtype.byteWidth == MemoryLayout<T>.stride else { throw KernelError("internal error: \(T.self) cannot hold \(dtype)") }
        let storage = try TensorStorage(byteCount: bytes) { raw in
            try fill(raw.bindMemory(to: T.self))
        }
        return try Tensor(dtype: dtype, shape: shape, storage: storage)
    }

    /// Float16/bfloat16 tensors widened to float32 (other types unchanged), for kernels that
    /// compute half-precision types in float32 and round back, as runtimes do.
    public func widenedToFloat() throws -> Tensor {
        switch dtype {
        case .float16, .bfloat16: return try Tensor(float32: floatValues(), shape: shape)
        default: return self
        }
    }

    /// Rounds a float32 tensor to `dtype` (float16 or bfloat16: nearest even); other dtypes unchanged.
    public func narrowed(to dtype: DType) throws -> Tensor {
        guard self.dtype == .float32, dtype == .float16 || dtype == .bfloat16 else { return self }
        let values = try floatValues()
        return try Tensor.build(dtype, shape: shape, as: UInt16.self) { out in
            for i in 0..<values.count {
                out[i] = dtype == .float16 ? FloatBits.floatToHalf(values[i]) : FloatBits.floatToBFloat16(values[i])
            }
        }
    }
}
