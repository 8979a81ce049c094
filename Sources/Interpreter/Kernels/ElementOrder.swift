import LockstepCore

/// A byte string ordered lexicographically by bytes (string tensors in sorting ops).
public struct ByteString: Comparable, Hashable, Sendable {
    public var bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public static func < (a: ByteString, b: ByteString) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}

/// Calls a generic body with a tensor's elements as an array of a `Comparable` key type,
/// for ops that order or compare elements (ArgMax/ArgMin, TopK, Unique, sorting).
public protocol ComparableKeysVisitor {
    associatedtype Result
    func visit<K: Comparable>(_ keys: [K]) throws -> Result
}

public enum ElementOrder {
    /// True for a NaN key (the only value not equal to itself).
    @inline(__always) public static func isNaN<K: Comparable>(_ k: K) -> Bool { k != k }

    /// numpy's sort order: IEEE order with every NaN after +Inf (NaNs equal to each other).
    @inline(__always) public static func totalLess<K: Comparable>(_ a: K, _ b: K) -> Bool {
        if isNaN(a) { return false }
        if isNaN(b) { return true }
        return a < b
    }

    /// Equality under `totalLess` (NaN equals NaN).
    @inline(__always) public static func totalEqual<K: Comparable>(_ a: K, _ b: K) -> Bool {
        a == b || (isNaN(a) && isNaN(b))
    }

    /// Keys in the order of the tensor's elements: the values themselves for float32/float64 and
    /// integers, exact float32 widenings of float16/bfloat16/float8, byte strings for strings, 0/1
    /// for bool. Floating-point keys compare as IEEE 754 does; use `totalLess` for numpy's order.
    public static func withKeys<V: ComparableKeysVisitor>(_ t: Tensor, _ visitor: V) throws -> V.Result {
        switch t.dtype {
        case .float32: return try visitor.visit(try t.scalars(as: Float.self))
        case .float64: return try visitor.visit(try t.scalars(as: Double.self))
        case .float16, .bfloat16, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0, .float4e2m1:
            return try visitor.visit(try t.floatValues())
        case .int8: return try visitor.visit(try t.scalars(as: Int8.self))
        case .uint8: return try visitor.visit(try t.scalars(as: UInt8.self))
        case .bool: return try visitor.visit(try t.withElements(as: UInt8.self) { $0.map { $0 != 0 ? UInt8(1) : 0 } })
        case .int16: return try visitor.visit(try t.scalars(as: Int16.self))
        case .uint16: return try visitor.visit(try t.scalars(as: UInt16.self))
        case .int32: return try visitor.visit(try t.scalars(as: Int32.self))
        case .uint32: return try visitor.visit(try t.scalars(as: UInt32.self))
        case .int64: return try visitor.visit(try t.scalars(as: Int64.self))
        case .uint64: return try visitor.visit(try t.scalars(as: UInt64.self))
        case .int4, .uint4, .int2, .uint2: return try visitor.visit(try t.unpackedSubByte())
        case .string: return try visitor.visit(t.strings.map(ByteString.init))
        case .float6e2m3, .float6e3m2:
            let format = FloatEncoding.Format.of(t.dtype)!
            return try visitor.visit(try DataMovement.unpackCodes(t).map { FloatEncoding.decode(UInt16($0), format) })
        case .complex64, .complex128:
            throw KernelError("elements of type \(t.dtype) cannot be ordered")
        }
    }
}
